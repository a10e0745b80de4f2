/**
 * Property tests: whatever the input, the Asterisk parser returns (never throws), and everything
 * it locates (diagnostics, sections, entries, directives) points at a real line of a real file.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AsteriskConfig,
  memorySource,
  parseAsteriskConfig,
} from "../src/parsers/asterisk/index.js";
import { corpusPath, describeCorpus } from "./support/corpus.js";

/** Pieces of the dialect, so that random input often looks almost right. */
const fragment = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 6 }) },
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      "[",
      "]",
      "(",
      ")",
      "!",
      "+",
      ",",
      "=",
      "=>",
      "+=",
      ";",
      ";--",
      "--;",
      "-",
      "\\",
      "\\;",
      "#include ",
      "#tryinclude ",
      "#exec ",
      "#",
      '"',
      "<",
      ">",
      "b.conf",
      "d/*.conf",
      "*",
      "{a,b}.conf",
      "/etc/asterisk/a.conf",
      "../a.conf",
      "[s]",
      "[t](!)",
      "[u](t,s)",
      "[s](+)",
      "[s](+type=x)",
      "type=x",
      "key = value",
      " ",
      "\t",
      "\r",
      "\0",
      "\uFEFF",
      "é",
      "\n",
      "\n",
      "\n",
      "\n",
    ),
  },
  { weight: 1, arbitrary: fc.constant(`long=${"x".repeat(8200)}\n`) },
);

/** Whole lines, so that headers, directives and options start lines as they must. */
const wholeLine = fc.constantFrom(
  "[s]",
  "[t](!)",
  "[u](t,s)",
  "[s](+)",
  "[T](!,t)",
  "key = value",
  "exten => s,1,NoOp()",
  "k += more",
  "#include b.conf",
  "#include d/*.conf",
  "#include /etc/asterisk/{a,b}.conf",
  "#tryinclude a.conf",
  '#include "d/2.conf"',
  "#exec /bin/false",
  ";--",
  "--;",
);
const line = fc.oneof(
  { weight: 2, arbitrary: wholeLine },
  {
    weight: 1,
    arbitrary: fc
      .tuple(wholeLine, fc.array(fragment, { maxLength: 3 }))
      .map(([l, f]) => l + f.join("")),
  },
  { weight: 2, arbitrary: fc.array(fragment, { maxLength: 8 }).map((f) => f.join("")) },
);
const text = fc
  .tuple(fc.array(line, { maxLength: 30 }), fc.constantFrom("\n", "\r\n"))
  .map(([lines, eol]) => lines.join(eol));

const FILES = ["a.conf", "b.conf", "d/1.conf", "d/2.conf"].map((f) => `etc/asterisk/${f}`);

function lineCount(content: string): number {
  const n = content.split("\n").length;
  return content.endsWith("\n") ? n - 1 : n;
}

/** Throws (with the offending item) unless every location is inside the file it names. */
function checkLocations(config: AsteriskConfig, files: ReadonlyMap<string, string>): void {
  const within = (what: string, file: string, line: number) => {
    const content = files.get(file);
    if (content === undefined) throw new Error(`${what} names unknown file ${file}`);
    if (!Number.isInteger(line) || line < 1 || line > lineCount(content)) {
      throw new Error(`${what} at ${file}:${line} is outside 1..${lineCount(content)}`);
    }
  };
  for (const d of config.diagnostics) {
    if (d.line === undefined) {
      if (d.code !== "not-found" && d.code !== "unreadable") {
        throw new Error(`diagnostic without a line: ${JSON.stringify(d)}`);
      }
    } else {
      within(`diagnostic ${d.code}`, d.file, d.line);
    }
  }
  for (const s of config.sections) {
    within(`section [${s.name}]`, s.file, s.line);
    for (const a of s.additions) within("addition", a.file, a.line);
    for (const e of s.entries) {
      within(`entry ${e.key}`, e.file, e.line);
      for (const a of e.appended ?? []) within("append", a.file, a.line);
    }
  }
  for (const i of config.includes) within("include", i.file, i.line);
  for (const x of config.execs) within("exec", x.file, x.line);
  for (const f of config.files) if (!files.has(f)) throw new Error(`read unknown file ${f}`);
}

function parseAll(files: ReadonlyMap<string, string>, top: string): AsteriskConfig {
  return parseAsteriskConfig(memorySource(files), top);
}

describe("Asterisk parser: properties", () => {
  it("never throws on random input and locates everything within the files", () => {
    fc.assert(
      fc.property(fc.tuple(text, text, text, text), (texts) => {
        const files = new Map(FILES.map((f, i) => [f, texts[i] as string]));
        const config = parseAll(files, FILES[0] as string);
        checkLocations(config, files);
        // Parsing is a pure function of the input.
        expect(parseAll(files, FILES[0] as string)).toEqual(config);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps every line of plain well-formed input", () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/);
    const value = fc.stringMatching(/^[A-Za-z0-9 ,./:@!()$-]{0,20}$/);
    const section = fc.record({
      name,
      options: fc.array(fc.tuple(name, value, fc.boolean()), { maxLength: 6 }),
    });
    fc.assert(
      fc.property(fc.array(section, { maxLength: 8 }), (sections) => {
        const content = sections
          .flatMap((s) => [
            `[${s.name}]`,
            ...s.options.map(([k, v, obj]) => `${k} ${obj ? "=>" : "="} ${v}`),
          ])
          .join("\n");
        const config = parseAll(new Map([[FILES[0] as string, content]]), FILES[0] as string);
        expect(config.diagnostics).toEqual([]);
        expect(
          config.sections.map((s) => [
            s.name,
            s.entries.map((e) => [e.key, e.value.trim(), e.objectSyntax]),
          ]),
        ).toEqual(
          sections.map((s) => [s.name, s.options.map(([k, v, obj]) => [k, v.trim(), obj])]),
        );
      }),
      { numRuns: 200 },
    );
  });
});

describeCorpus("Asterisk parser: properties on mutated real files", () => {
  // Read when the test runs: a skipped suite still collects, and without the corpus it must not fail.
  const readOriginals = () =>
    [
      corpusPath("asterisk-samples", "master-basic-pbx", "pjsip.conf"),
      corpusPath("asterisk-samples", "master", "manager.conf.sample"),
      corpusPath("asterisk-samples", "20.20.1", "sip.conf.sample"),
      corpusPath("wazo", "wazo-asterisk-config", "etc", "asterisk", "manager.d", "01-xivo.conf"),
      corpusPath("wazo", "wazo-asterisk-config", "dialplan", "extensions_lib_subr.conf"),
    ].map((p) => readFileSync(p, "utf8"));

  const mutation = fc.record({
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    cut: fc.nat({ max: 40 }),
    insert: fc.array(fragment, { maxLength: 3 }).map((p) => p.join("")),
  });

  it("never throws on mutated real configuration and locates everything", () => {
    const originals = readOriginals();
    fc.assert(
      fc.property(
        fc.nat({ max: originals.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 8 }),
        (which, mutations) => {
          let content = originals[which] as string;
          for (const m of mutations) {
            const at = Math.floor(m.at * content.length);
            content = content.slice(0, at) + m.insert + content.slice(at + m.cut);
          }
          const files = new Map([
            [FILES[0] as string, content],
            [FILES[1] as string, originals[(which + 1) % originals.length] as string],
          ]);
          checkLocations(parseAll(files, FILES[0] as string), files);
        },
      ),
      { numRuns: 200 },
    );
  });
});
