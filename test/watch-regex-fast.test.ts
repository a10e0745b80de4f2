/**
 * What the filter engine's speed rests on in the regex layer, and why it changes no result:
 * the numbered translation (groups by number only) and capture demotion match exactly what the
 * named translation matches; the literal prefilter never rules out a subject the regex matches;
 * the first-character dispatch never leaves out a regex that matches.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DateDetector } from "../src/watch/filter/datedetector.js";
import { FirstCharDispatch } from "../src/watch/filter/dispatch.js";
import { Regex } from "../src/watch/filter/failregex.js";
import { loadFilter } from "../src/watch/filter/load.js";
import { PyRegexError } from "../src/watch/regex/errors.js";
import { parsePython } from "../src/watch/regex/parse.js";
import {
  endsWithGroup,
  firstChars,
  matchFilter,
  needleOf,
  requiredLiterals,
} from "../src/watch/regex/prefilter.js";
import { translatePython } from "../src/watch/regex/translate.js";
import { corpusPath, describeCorpus } from "./support/corpus.js";

/** Regex-ish patterns: literals, classes, groups (named or not), alternatives, repeats, refs. */
const pieces = [
  "a",
  "b",
  "ab",
  "Fail ",
  " from ",
  "\\d",
  "\\w+",
  "\\s*",
  "[a-c]",
  "[^b]",
  ".",
  ".*?",
  "^",
  "$",
  "\\b",
  "(?i:ab)",
  "(x)",
  "(?P<n1>a|b)",
  "(?P<n2>\\w+)?",
  "(?:a|ab)",
  "(?=a)",
  "(?<!b)",
  "(c)?",
  "(?P=n1)",
  "\\1",
  "(?(1)a|b)",
  "+",
  "*",
  "?",
  "{1,2}",
];
const pattern = fc
  .array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 8 })
  .map((a) => a.join(""));
const subject = fc
  .array(fc.constantFrom("a", "b", "c", "x", " ", "1", "F", "ail", " from ", "\n", "é"), {
    maxLength: 12,
  })
  .map((a) => a.join(""));

function translated(p: string, captureOnly?: "named") {
  try {
    return translatePython(p, { unsafe: "warn", ...(captureOnly ? { captureOnly } : {}) });
  } catch (e) {
    if (e instanceof PyRegexError) return undefined;
    throw e;
  }
}

describe("numbered translation and capture demotion", () => {
  it("the numbered source matches the same text with the same groups by number", () => {
    fc.assert(
      fc.property(pattern, subject, (p, s) => {
        const t = translated(p);
        if (!t) return;
        const named = new RegExp(t.source, t.flags).exec(s);
        const numbered = new RegExp(t.numberedSource, t.flags).exec(s);
        expect(numbered?.index).toBe(named?.index);
        expect(numbered?.[0]).toBe(named?.[0]);
        for (const i of t.jsIndex.slice(1)) if (i) expect(numbered?.[i]).toBe(named?.[i]);
        expect(t.numberedSource).not.toMatch(/\(\?<[^=!]/);
      }),
      { numRuns: 3000 },
    );
  });

  it("capturing only the named groups matches the same text and the same named groups", () => {
    fc.assert(
      fc.property(pattern, subject, (p, s) => {
        const all = translated(p);
        const some = translated(p, "named");
        if (!all || !some) return;
        const a = new RegExp(all.numberedSource, all.flags).exec(s);
        const b = new RegExp(some.numberedSource, some.flags).exec(s);
        expect(b?.index).toBe(a?.index);
        expect(b?.[0]).toBe(a?.[0]);
        for (const [, g] of all.groupNames) {
          const ia = all.jsIndex[g] as number;
          const ib = some.jsIndex[g] as number;
          expect(ib).toBeGreaterThan(0);
          expect(b?.[ib]).toBe(a?.[ia]);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("a demoted group no longer captures, unless a backreference or a conditional reads it", () => {
    const t = translatePython("(a)(?P<n>b)(c)\\3", { captureOnly: "named" });
    expect(t.jsIndex[1]).toBe(0);
    expect(t.jsIndex[2]).toBeGreaterThan(0);
    expect(t.jsIndex[3]).toBeGreaterThan(0);
    expect(new RegExp(t.numberedSource, t.flags).exec("xabcc")?.[0]).toBe("abcc");
    const c = translatePython("(x)?(?(1)y|z)", { captureOnly: [] });
    expect(c.jsIndex[1]).toBeGreaterThan(0);
  });
});

/** Subjects of ASCII characters only, with every kind of character the categories tell apart. */
const asciiSubject = fc
  .array(
    fc.constantFrom("a", "b", "Z", "_", "1", " ", "\t", "\x1c", "\x1f", "-", ".", "\n", "ab 1"),
    {
      maxLength: 12,
    },
  )
  .map((a) => a.join(""));
const categoryPieces = [
  "\\d",
  "\\D",
  "\\w",
  "\\W",
  "\\s",
  "\\S",
  "\\b",
  "\\B",
  "[\\d_]",
  "[^\\s]",
  "[\\W\\d]",
  "[^\\S\\n]",
];
const categoryPattern = fc
  .array(fc.constantFrom(...categoryPieces, ...pieces), { minLength: 1, maxLength: 8 })
  .map((a) => `${a.join("")}`);

describe("the ASCII form of a translation", () => {
  it("matches what the Unicode form matches on every subject of ASCII characters", () => {
    fc.assert(
      fc.property(categoryPattern, fc.boolean(), asciiSubject, (p, icase, s) => {
        const t = translated(icase ? `(?i)${p}` : p);
        if (!t) return;
        const full = new RegExp(t.numberedSource, t.flags).exec(s);
        const ascii = t.asciiRegExp.exec(s);
        expect(ascii?.index).toBe(full?.index);
        expect(ascii ? [...ascii] : null).toEqual(full ? [...full] : null);
      }),
      { numRuns: 4000 },
    );
  });

  it("has no Unicode property class, and is the one a filter uses for ASCII lines only", () => {
    const t = translatePython("^(?P<user>\\w+) (?P<n>\\d+)\\s\\S*$");
    expect(t.asciiSource).not.toContain("\\p{");
    expect(t.numberedSource).toContain("\\p{");
    const r = new Regex("^user (?P<user>\\w+) from <HOST>$");
    r.search("user bob from 192.0.2.1\n");
    expect(r.getGroups().user).toBe("bob");
    // a line with letters beyond ASCII takes the Unicode form: Python's \w is Unicode
    r.search("user jürgen from 192.0.2.1\n");
    expect(r.getGroups().user).toBe("jürgen");
    r.search("user ２ from 192.0.2.1\n");
    expect(r.getGroups().user).toBe("２");
    // told (wrongly) that such a line is ASCII, the ASCII form misses it: the engine never does
    r.search("user jürgen from 192.0.2.1\n", undefined, false, true);
    expect(r.hasMatched()).toBe(false);
  });

  it("filters give the same failures for a line whatever its neighbours' characters", () => {
    const flt = () => loadFilter("sshd", { timezone: "UTC", now: () => Date.UTC(2026, 0, 2) });
    const line = "Jan  1 10:00:00 gw sshd[7]: Invalid user jürgen from 192.0.2.7 port 22";
    const a = flt();
    a.process({ text: "Jan  1 10:00:00 gw sshd[7]: plain ascii", source: "t" });
    const b = flt();
    const got = [a, b].map((f) => f.process({ text: line, source: "t" }).map((r) => r.match));
    expect(got[0]?.[0]?.host).toBe("192.0.2.7");
    expect(got[0]?.[0]?.users).toEqual(got[1]?.[0]?.users);
    expect([...(got[0]?.[0]?.users ?? [])]).toEqual(["jürgen"]);
  });
});

describe("literal prefilter", () => {
  it("finds the anchored prefix and the literals every match holds", () => {
    const r = requiredLiterals(parsePython("^User (?P<u>\\S+) not allowed because (?:a|b) x+yz"));
    expect(r.prefix).toBe("User ");
    expect(r.literals).toContain(" not allowed because ");
    expect(r.literals).toContain("x");
    expect(r.literals).toContain("yz");
    // the alternative (?:a|b) requires neither
    expect(r.literals).not.toContain("a");
    expect(r.literals).not.toContain("b");
    // optional, case-insensitive and multi-line parts give nothing
    expect(requiredLiterals(parsePython("^(?:abc)?d(?i:efg)h")).literals).toEqual(["d", "h"]);
    expect(requiredLiterals(parsePython("(?m)^abc")).prefix).toBe("");
    expect(requiredLiterals(parsePython("(?i)^abc")).literals).toEqual([]);
  });

  it("never rules out a subject the regex matches", () => {
    fc.assert(
      fc.property(pattern, subject, (p, s) => {
        const t = translated(p);
        if (!t) return;
        const keep = matchFilter(t.parsed);
        if (keep && !keep(s)) expect(new RegExp(t.source, t.flags).exec(s)).toBeNull();
      }),
      { numRuns: 5000 },
    );
  });

  it("rules out what cannot match", () => {
    const keep = matchFilter(parsePython("^User \\S+ not allowed because listed in DenyUsers"));
    expect(keep?.("User root not allowed because listed in DenyUsers\n")).toBe(true);
    expect(keep?.("User root not allowed because not listed in AllowUsers\n")).toBe(false);
    expect(keep?.("Failed password for root\n")).toBe(false);
    expect(keep?.("")).toBe(false);
  });

  it("looks for a short piece of a long literal, starting with a rare character", () => {
    expect(needleOf("abc")).toBe("abc");
    const n = needleOf(" not allowed because listed in DenyUsers");
    expect(n.length).toBe(6);
    expect(" not allowed because listed in DenyUsers").toContain(n);
    expect(n[0]).not.toBe(" ");
  });

  it("tells when a match ends with a group", () => {
    expect(endsWithGroup(parsePython("^(?P<a>x)(?P<c>.+)$"), 2)).toBe(true);
    expect(endsWithGroup(parsePython("^(?P<c>.+)x$"), 1)).toBe(false);
    expect(endsWithGroup(parsePython("(?P<c>a)|b"), 1)).toBe(false);
  });
});

describe("first-character dispatch", () => {
  const regexes = [
    "^Failed \\S+ for <HOST>",
    "^User <F-USER>\\S+</F-USER> from <HOST>",
    "^[aA]uth fail from <HOST>",
    "from <HOST>$",
    "^(?:Connection|Disconnected) from <HOST>",
  ].map((r) => new Regex(r));
  const dispatch = new FirstCharDispatch(regexes.map((r) => r.needs));

  it("gives, in order, every regex that can match", () => {
    const c = (s: string) => [...dispatch.candidates(s)];
    expect(c("Failed password for root from 192.0.2.1\n")).toEqual([0, 3]);
    // a required literal missing: " from "
    expect(c("Failed password for 192.0.2.1\n")).toEqual([0]);
    expect(c("Failing password from 192.0.2.1\n")).toEqual([3]);
    expect(c("auth fail from 192.0.2.1\n")).toEqual([2, 3]);
    expect(c("Auth fail from 192.0.2.1\n")).toEqual([2, 3]);
    expect(c("Auth failed\n")).toEqual([]);
    expect(c("Disconnected from 192.0.2.1\n")).toEqual([3, 4]);
    expect(c("User x from 192.0.2.1\n")).toEqual([1, 3]);
    expect(c("")).toEqual([]);
    expect(c("été from 192.0.2.1\n")).toEqual([3]);
    expect(firstChars(parsePython("(?m)^x"))).toBeUndefined();
  });

  it("never leaves out a regex that matches", () => {
    const line = fc
      .array(
        fc.constantFrom(
          "Failed ",
          "User ",
          "auth ",
          "Auth ",
          "fail ",
          "from ",
          "192.0.2.1",
          "x",
          "\n",
        ),
        { maxLength: 8 },
      )
      .map((a) => a.join(""));
    fc.assert(
      fc.property(line, (s) => {
        const cands = [...dispatch.candidates(s)];
        regexes.forEach((r, i) => {
          r.search(s);
          if (r.hasMatched()) expect(cands).toContain(i);
        });
      }),
      { numRuns: 3000 },
    );
  });
});

describeCorpus("prefilter and dispatch over the corpus filters", () => {
  it("rule out no corpus line a failregex matches", () => {
    for (const name of ["sshd", "asterisk", "dropbear", "nginx-http-auth", "apache-auth"]) {
      const f = loadFilter(corpusPath("fail2ban-config", "filter.d", `${name}.conf`), {
        mode: name === "sshd" ? "aggressive" : undefined,
      });
      const regexes = f.failregex.map((r) => new Regex(r, { unsafe: "warn" }));
      const dispatch = new FirstCharDispatch(regexes.map((r) => r.needs));
      const log = readFileSync(corpusPath("fail2ban-logs", name), "utf8").split("\n");
      const prefix = f.prefregex ? new Regex(f.prefregex) : undefined;
      const dates = new DateDetector();
      let matched = 0;
      for (const text of log) {
        // the line without its date, cut by the prefregex as the engine cuts it
        const date = dates.matchTime(text);
        const undated = date ? text.slice(0, date.start1) + text.slice(date.end1) : text;
        for (const buf0 of [`${text}\n`, `${undated}\n`]) {
          prefix?.search(buf0);
          const content = prefix?.hasMatched() ? prefix.getGroups().content : undefined;
          const buf = typeof content === "string" ? `${content}\n` : buf0;
          const cands = [...dispatch.candidates(buf)];
          regexes.forEach((r, i) => {
            r.search(buf);
            if (!r.hasMatched()) return;
            matched++;
            expect(cands, `${name} regex ${i} on ${JSON.stringify(buf)}`).toContain(i);
          });
        }
      }
      expect(matched, name).toBeGreaterThan(0);
    }
  });
});
