/**
 * Property tests: random and mutated UCI text never crashes the parser, every diagnostic points at
 * a real line, and well-formed generated files read back exactly what was written.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseUci } from "../src/parsers/uci/parse.js";

const SEED_TEXT = `package test
config zone 'wan'
\toption name 'wan'
\tlist network "wan wan6"
\toption input REJECT # comment
config rule
\toption dest_port '22'
\toption name 'Enable_SSH_WAN'
\t%%WAN_NETWORK%%
`;

function check(text: string): void {
  const lines = text.split("\n").length;
  const { packages, diagnostics } = parseUci(text, { packageName: "fuzz", file: "fuzz" });
  expect(packages.length).toBeGreaterThan(0);
  for (const d of diagnostics) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(0);
  }
}

const name = fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/);
const value = fc.string({ maxLength: 40 });

/** Quotes a value the way a careful writer of UCI would. */
function quote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

describe("UCI parser properties", () => {
  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => check(s)),
      { numRuns: 2000 },
    );
  });

  it("never throws on mutations of a real-looking file", () => {
    const mutation = fc.array(
      fc.tuple(
        fc.nat(SEED_TEXT.length),
        fc.nat(5),
        fc.constantFrom("'", '"', "\\", "\n", "#", " ", "config", "option x", "%%", "\t", ""),
      ),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(mutation, (edits) => {
        let t = SEED_TEXT;
        for (const [pos, del, ins] of edits) t = t.slice(0, pos) + ins + t.slice(pos + del);
        check(t);
      }),
      { numRuns: 3000 },
    );
  });

  it("reads back what a generator wrote (values with quotes, blanks and newlines)", () => {
    const section = fc.record({
      type: name,
      sname: fc.option(name, { nil: undefined }),
      options: fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n, maxLength: 6 }),
    });
    fc.assert(
      fc.property(fc.array(section, { maxLength: 5 }), (sections) => {
        const text = sections
          .map((s) =>
            [
              `config ${s.type}${s.sname ? ` ${quote(s.sname)}` : ""}`,
              ...s.options.map(([n, v]) => `\toption ${n} ${quote(v)}`),
            ].join("\n"),
          )
          .join("\n\n");
        const { packages, diagnostics } = parseUci(text, { packageName: "gen", file: "gen" });
        expect(diagnostics).toEqual([]);
        // Named sections that repeat merge (as in libuci), so compare the anonymous/unique ones.
        const names = sections.map((s) => s.sname).filter(Boolean);
        if (new Set(names).size !== names.length) return;
        const got = packages[0]?.sections ?? [];
        expect(got.length).toBe(sections.length);
        sections.forEach((s, i) => {
          for (const [n, v] of s.options) expect(got[i]?.options.get(n)?.values).toEqual([v]);
        });
      }),
      { numRuns: 500 },
    );
  });
});
