import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FLAG } from "../src/watch/regex/ast.js";
import { PyRegexError } from "../src/watch/regex/errors.js";
import { parsePython } from "../src/watch/regex/parse.js";
import { startFilter } from "../src/watch/regex/prefilter.js";
import { PyRegExp, translatePython } from "../src/watch/regex/translate.js";

/** Python-style search: the span and the groups by Python number. */
function search(pattern: string, subject: string, flags = 0) {
  const r = new PyRegExp(pattern, { flags });
  const m = r.regexp.exec(subject);
  if (!m) return null;
  const groups: (string | null)[] = [];
  for (let g = 1; g <= r.translation.groupCount; g++) groups.push(r.group(m, g));
  return { match: m[0], index: m.index, groups, named: r.groupdict(m) };
}

function rejection(pattern: string, flags = 0): PyRegexError {
  try {
    translatePython(pattern, { flags });
  } catch (e) {
    if (e instanceof PyRegexError) return e;
    throw e;
  }
  throw new Error(`no rejection for ${pattern}`);
}

describe("Python regex translation: constructs", () => {
  it("named groups and their backreferences", () => {
    const r = search("(?P<word>a+)-(?P=word)", "xaa-aa");
    expect(r?.match).toBe("aa-aa");
    expect(r?.named).toEqual({ word: "aa" });
    expect(search("(?P<q>['\"]).*?(?P=q)", `say "hi" now`)?.match).toBe('"hi"');
  });

  it("numbered groups keep Python's numbers; unnamed groups are plain JS groups", () => {
    const r = search("(a)(?P<n>b)(c)\\3", "abcc");
    expect(r?.groups).toEqual(["a", "b", "c"]);
    const t = translatePython("(a)(?P<n>b)(c)\\3");
    expect(t.source).not.toContain("__py");
    expect(t.jsIndex).toEqual([0, 1, 2, 3]);
  });

  it("a backreference to a group that did not take part fails, as in Python", () => {
    // JavaScript alone would match the empty string for \1
    expect(search("(a)?b\\1", "b")).toBeNull();
    expect(search("(?:(a)|b)\\1", "b")).toBeNull();
    expect(search("(a)?b\\1", "aba")?.match).toBe("aba");
  });

  it("comments (?#...) and verbose mode", () => {
    expect(search("a(?#note)b", "ab")?.match).toBe("ab");
    expect(search("(?x) a b  # trailing comment\n c [ ]", "abc ")?.match).toBe("abc ");
    expect(search("(?x:a b)c", "abc")?.match).toBe("abc");
  });

  it("global flags at the start: (?i), (?s), (?m), (?a)", () => {
    expect(search("(?i)failed PASSWORD", "Failed password")?.match).toBe("Failed password");
    expect(search("(?s)a.b", "a\nb")?.match).toBe("a\nb");
    expect(search("a.b", "a\nb")).toBeNull();
    expect(search("(?m)^b$", "a\nb\nc")?.match).toBe("b");
    expect(search("(?a)\\w+", "é1a")?.match).toBe("1a");
  });

  it("scoped flags (?i:...) and (?-i:...) without the JS i flag", () => {
    const t = translatePython("a(?i:bc)d");
    expect(t.flags).toBe("u");
    expect(search("a(?i:bc)d", "aBcd")?.match).toBe("aBcd");
    expect(search("a(?i:bc)d", "ABcd")).toBeNull();
    expect(search("(?i)a(?-i:b)c", "AbC")?.match).toBe("AbC");
    expect(search("(?i)a(?-i:b)c", "ABC")).toBeNull();
    // classes are closed under case; Kelvin sign K folds to k as in Python
    expect(search("x(?i:[a-c]+)y", "xAbCy")?.match).toBe("xAbCy");
    expect(search("(?i:k)", "\u212a")?.match).toBe("\u212a");
  });

  it("\\A and \\Z, and Python's $ before a final newline", () => {
    expect(search("\\Aab\\Z", "ab")?.match).toBe("ab");
    expect(search("ab\\Z", "ab\n")).toBeNull();
    expect(search("ab$", "ab\n")?.match).toBe("ab");
    expect(search("ab$", "ab\nc")).toBeNull();
    expect(search("(?m)ab$", "ab\nc")?.match).toBe("ab");
  });

  it("\\d \\w \\s \\b follow Python 3's Unicode meaning", () => {
    expect(search("^\\d+$", "١٢٣")?.match).toBe("١٢٣");
    expect(search("^\\w+$", "Grüße_1")?.match).toBe("Grüße_1");
    expect(search("\\s", "a\u0085b")?.match).toBe("\u0085");
    expect(search("\\s", "a\ufeffb")).toBeNull();
    expect(search("\\bé", "x é")?.index).toBe(2);
    expect(search("\\Bé", "xé")?.index).toBe(1);
    // sre: \B never matches an empty subject
    expect(search("\\B", "")).toBeNull();
  });

  it(". stops at \\n only (not \\r or U+2028 as JavaScript's does)", () => {
    expect(search("a.b", "a\rb")?.match).toBe("a\rb");
    expect(search("a.b", "a\u2028b")?.match).toBe("a\u2028b");
  });

  it("character class differences: ] first, escapes, negated categories, ranges", () => {
    expect(search("[]a]+", "]a]")?.match).toBe("]a]");
    expect(search("[^]a]+", "bc]")?.match).toBe("bc");
    expect(search("[\\b]", "\b")?.match).toBe("\b");
    expect(search("[\\W\\d]+", "1-2 a")?.match).toBe("1-2 ");
    expect(search("[^\\W\\d]+", "12ab3")?.match).toBe("ab");
    expect(search("[^\\S\\n]+", "a \t\nb")?.match).toBe(" \t");
    expect(search("[a-c-]+", "a-c")?.match).toBe("a-c");
    expect(search("[&&~~]+", "&~")?.match).toBe("&~");
  });

  it("quantifiers: {,n}, {n,}, literal { when not a quantifier, lazy forms", () => {
    expect(search("^a{,2}$", "aa")?.match).toBe("aa");
    expect(search("^a{,2}$", "aaa")).toBeNull();
    expect(search("a{2,}", "aaaa")?.match).toBe("aaaa");
    expect(search("a{x}", "a{x}")?.match).toBe("a{x}");
    expect(search("a{}", "a{}")?.match).toBe("a{}");
    expect(search("a{1,2", "a{1,2")?.match).toBe("a{1,2");
    expect(search("a+?", "aaa")?.match).toBe("a");
  });

  it("escapes: octal, \\x, \\u, \\U, \\0, punctuation", () => {
    expect(search("\\101\\x42\\u0043\\U00000044", "ABCD")?.match).toBe("ABCD");
    expect(search("a\\0b", "a\0b")?.match).toBe("a\0b");
    expect(search("\\-\\:\\#", "-:#")?.match).toBe("-:#");
  });

  it("lookbehind (fixed width) and lookahead", () => {
    expect(search("(?<=user )\\w+", "user root")?.match).toBe("root");
    expect(search("(?<!x)b", "xb ab")?.index).toBe(4);
    expect(search("a(?=b)", "ac ab")?.index).toBe(3);
  });

  it("conditionals (?(name)yes|no) and (?(1)yes) are emulated", () => {
    const p = "(?P<q><)?\\w+(?(q)>|$)";
    expect(search(p, "<abc>")?.match).toBe("<abc>");
    expect(search(p, "abc")?.match).toBe("abc");
    expect(search(p, "<abc")?.match).toBe("abc");
    expect(search("(a)?(?(1)b|c)", "ab")?.match).toBe("ab");
    expect(search("(a)?(?(1)b|c)", "c")?.match).toBe("c");
    expect(search("(a)?x(?(1)b)", "x")?.match).toBe("x");
    // a group that took part with an empty match counts as taken part
    expect(search("(a*)x(?(1)y|z)", "xy")?.match).toBe("xy");
  });

  it("participation markers: short where references follow the group, whole subject in lookarounds", () => {
    const cases: [string, string][] = [
      ["(a?)(?(1)x|y)", "x"],
      ["(a?)(?(1)x|y)", "y"],
      ["(a)?x(?(1)y|z)", "xz"],
      ["(b)?(?(1)\n|c)", "b\n"],
      ["(a)|b(?(1)c|d)", "bd"],
      ["(?:(a)|b)+(?(1)c|d)", "bac"],
      ["(a)?(?:\\1|b)", "b"],
      // the group, or a reference to it, inside a lookaround: read left of where it closed
      ["(?=(a))(?(1)ab|b)", "ab"],
      ["(?=(ab))a(?(1)b|c)", "ac"],
      ["(?=(ab))a(?(1)b|c)", "ab"],
      ["(ab)(?<=(?(1)a|c)b)", "ab"],
      ["(x)?(?=(?(1)y|z))", "z"],
      ["(x)?(?=(?(1)y|z))", "xy"],
    ];
    const py = JSON.parse(
      execFileSync(
        "python3",
        [
          "-c",
          "import re,json,sys\nprint(json.dumps([(lambda m: m and [m.span(), m.groups()])(re.search(p, s)) for p, s in json.load(sys.stdin)]))",
        ],
        { input: JSON.stringify(cases) },
      ).toString(),
    ) as ([number[], (string | null)[]] | null)[];
    cases.forEach(([p, s], i) => {
      const t = translatePython(p);
      const m = new RegExp(t.source, t.flags).exec(s);
      const got = m
        ? [[m.index, m.index + m[0].length], t.jsIndex.slice(1).map((j) => m[j] ?? null)]
        : null;
      expect([p, s, got]).toEqual([p, s, py[i]]);
    });
    // the short form (one walk to the end) for fail2ban's usual conditionals
    const short = translatePython("(?P<a>x )?(?P<u>\\S+)(?(a)y|z)").source;
    expect(short).not.toContain("(?<=^(?=");
    expect(translatePython("(?=(a))(?(1)ab|b)").source).toContain("(?<=^(?=");
  });

  it("atomic groups and possessive quantifiers (Python 3.11) are emulated", () => {
    expect(search("(?>a+)b", "aaab")?.match).toBe("aaab");
    expect(search("^(?>a*)a", "aaa")).toBeNull();
    expect(search("^a*+a", "aaa")).toBeNull();
    expect(search("^a*a", "aaa")?.match).toBe("aaa");
    expect(search("^(a?+)a", "a")).toBeNull();
    expect(search("^a{1,2}+a", "aaa")?.match).toBe("aaa");
  });

  it("fail2ban's sshd conditional regex translates and matches as fail2ban does", () => {
    const p =
      "^Failed \\S+ for (?P<cond_inv>invalid user )?(?P<user>(?P<cond_user>\\S+)|(?(cond_inv)(?:(?! from ).)*?|[^:]+)) from (?P<ip4>[\\d.]+)(?: port \\d+)?(?: ssh\\d*)?(?(cond_user): |(?:(?:(?! from ).)*)$)";
    const a = search(
      p,
      "Failed password for invalid user from 10.10.1.1 from 127.0.0.1 port 58946 ssh2",
    );
    expect(a?.named.ip4).toBe("127.0.0.1");
    expect(a?.named.user).toBe("from 10.10.1.1");
    const b = search(
      p,
      "Failed password for user from 127.0.0.1 port 20000 ssh1: ruser from 1.2.3.4",
    );
    expect(b?.named).toMatchObject({ user: "user", cond_user: "user", ip4: "127.0.0.1" });
  });

  it("the unused JS flags never appear; the result compiles with u", () => {
    const t = translatePython("^(?P<x>a)b$");
    expect(t.flags).toBe("u");
    expect(() => new RegExp(t.source, t.flags)).not.toThrow();
  });
});

describe("Python regex translation: rejections name the construct and its position", () => {
  const cases: [string, string, number][] = [
    ["a(b", "missing ), unterminated subpattern", 1],
    ["a)b", "unbalanced parenthesis", 1],
    ["[ab", "unterminated character set", 0],
    ["*a", "nothing to repeat", 0],
    ["a**", "multiple repeat", 2],
    ["a{3,2}", "min repeat greater than max repeat", 2],
    ["(?P<1a>x)", "bad character in group name '1a'", 4],
    ["(?P=nope)", "unknown group name 'nope'", 4],
    ["(a)\\2", "invalid group reference 2", 4],
    ["(a\\1)", "cannot refer to an open group", 2],
    ["\\q", "bad escape \\q", 0],
    ["[z-a]", "bad character range z-a", 1],
    ["a(?i)b", "global flags not at the start of the expression", 1],
    ["(?L)a", "bad inline flags: cannot use 'L' flag with a str pattern", 3],
    ["(?<name>a)", "unknown extension ?<n", 1],
    ["(?(x)a|b)", "unknown group name 'x'", 3],
    ["(a)(?(1)a|b|c)", "conditional backref with more than two branches", 11],
    ["(?<=a+)b", "look-behind requires fixed-width pattern", 0],
    ["a\\", "bad escape (end of pattern)", 1],
    ["(?#unterminated", "missing ), unterminated comment", 0],
  ];
  for (const [pattern, reason, position] of cases) {
    it(`${JSON.stringify(pattern)}: ${reason}`, () => {
      const e = rejection(pattern);
      expect(e.kind).toBe("syntax");
      expect(e.reason).toBe(reason);
      expect(e.position).toBe(position);
      expect(e.message).toContain(`at position ${position}`);
    });
  }

  it("the hint for a JavaScript-style named group", () => {
    expect(rejection("(?<name>a)").message).toContain("use (?P<name>…)");
  });

  it("multi-line patterns report line and column", () => {
    const e = rejection("(?x)a\n b\n (c");
    expect(e.message).toMatch(/line 3, column 2/);
    expect(e.lineColumn).toEqual({ line: 3, column: 2 });
  });

  it("unsupported: \\N{name}, (?t), atomic inside lookbehind, backreference under scoped (?i:)", () => {
    const n = rejection("a\\N{EM DASH}");
    expect(n.kind).toBe("unsupported");
    expect(n.construct).toBe("\\N{EM DASH}");
    expect(n.position).toBe(1);
    expect(rejection("(?t)a").kind).toBe("unsupported");
    const lb = rejection("(?<=(?>ab))c");
    expect(lb.kind).toBe("unsupported");
    expect(lb.message).toContain("inside a lookbehind");
    const br = rejection("(a)(?i:\\1)");
    expect(br.kind).toBe("unsupported");
    expect(br.message).toContain("case-insensitive");
  });

  it("unsafe: nested quantifiers that backtrack exponentially are refused, with position", () => {
    for (const [p, pos, construct] of [
      ["(a+)+$", 0, "(a+)+"],
      ["x(\\S+\\s*)*y", 1, "(\\S+\\s*)*"],
      ["^(?:\\w+){1,20}!", 1, "(?:\\w+){1,20}"],
      ["(\\w|\\d)+x", 0, "(\\w|\\d)+"],
      ["(?=(a+)+b)", 3, "(a+)+"],
    ] as const) {
      const e = rejection(p);
      expect(e.kind, p).toBe("unsafe");
      expect(e.position, p).toBe(pos);
      expect(e.construct, p).toBe(construct);
      expect(e.message).toContain("catastrophic backtracking");
    }
    // accepted with a warning when asked
    const t = translatePython("(a+)+$", { unsafe: "warn" });
    expect(t.warnings[0]?.message).toContain("catastrophic backtracking");
  });

  it("bounded or unambiguous repeats are not refused", () => {
    for (const p of [
      "(?:[0-9a-fA-F]{1,4}::?|::){1,7}",
      "(?:\\s+(?:(?:logname|e?uid|tty)=\\S*)){0,4}",
      "(?: (?:port \\d+|on \\S+|\\[preauth\\])){0,3}\\s*",
      "(?:(?! from ).)*?",
      "(?:ab|ac)*",
    ]) {
      expect(() => translatePython(p), p).not.toThrow();
    }
  });

  it("(?:C*|Y)* is rewritten to its single-repeat equivalent instead of refused", () => {
    const t = translatePython('(?:\\[(?:[^\\]"]*|"[^"]*")*\\])+');
    expect(t.warnings[0]?.message).toContain("single-repeat equivalent");
    const re = new RegExp(t.source, t.flags);
    expect(re.exec('[a b="c]"][d]')?.[0]).toBe('[a b="c]"][d]');
    const t0 = performance.now();
    re.exec(`[${"a".repeat(5000)}`);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe("Python regex translation: parse tree and prefilter", () => {
  it("parses flags passed in and found at the start", () => {
    const p = parsePython("(?i)a", FLAG.M);
    expect(p.flags & FLAG.I).toBeTruthy();
    expect(p.flags & FLAG.M).toBeTruthy();
    expect(p.flags & FLAG.U).toBeTruthy();
  });

  it("the first-character prefilter never rules out a regex that matches", () => {
    const pf = startFilter(parsePython("^(?:Failed|[aA]uth) x"));
    expect(pf?.("Failed x")).toBe(true);
    expect(pf?.("auth x")).toBe(true);
    expect(pf?.("User x")).toBe(false);
    expect(pf?.("")).toBe(false);
    expect(startFilter(parsePython("^a*b"))?.("b")).toBe(true);
    expect(startFilter(parsePython("x"))).toBeUndefined();
    expect(startFilter(parsePython("(?m)^x"))).toBeUndefined();
    expect(startFilter(parsePython("^(?i:f)"))?.("F")).toBe(true);
  });
});

describe("Python regex translation: property", () => {
  const alphabet = [..."ab()[]{}?*+|^$\\.:-<>=!#,0123456789PpiImsxaLuUdDwWsSbBAZnNt'\" éK"];
  it("random regex-ish strings give a RegExp or a located rejection, never a crash", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...alphabet), { maxLength: 24 }).map((a) => a.join("")),
        fc.string({ maxLength: 12 }),
        (pattern, subject) => {
          let t: ReturnType<typeof translatePython> | undefined;
          try {
            t = translatePython(pattern);
          } catch (e) {
            expect(e).toBeInstanceOf(PyRegexError);
            const err = e as PyRegexError;
            expect(err.position).toBeGreaterThanOrEqual(0);
            expect(err.position).toBeLessThanOrEqual(Array.from(pattern).length);
            expect(err.message).toMatch(/at position \d+/);
            return;
          }
          const re = new RegExp(t.source, t.flags);
          re.exec(subject);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

/** Is Python 3 there to compare with? */
function hasPython(): boolean {
  try {
    execFileSync("python3", ["-c", "import re"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("Python regex translation: against Python's re itself", () => {
  const python = hasPython();
  if (!python) process.stderr.write("[watch-regex] SKIPPED comparison with Python: no python3\n");
  it.skipIf(!python)("random patterns match what Python matches (span and groups)", () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
    let groupNo = 0;
    const atoms = [
      "a",
      "b",
      "A",
      "1",
      " ",
      "\\n",
      "é",
      ".",
      "\\d",
      "\\w",
      "\\s",
      "\\W",
      "\\S",
      "[a-c]",
      "[^a]",
      "[\\w-]",
      "[^\\s\\d]",
      "[\\W1]",
      "[^a\\W]",
      "[^>x]",
      "\\x41",
      "\\.",
    ];
    const atom = (d: number): string => {
      const r = rnd();
      if (d > 2 || r < 0.4) return pick(atoms);
      if (r < 0.5) return pick(["^", "$", "\\b", "\\B", "\\A", "\\Z"]);
      if (r < 0.62) {
        groupNo++;
        return `(${seq(d + 1)})`;
      }
      if (r < 0.67) {
        groupNo++;
        return `(?P<g${groupNo}>${seq(d + 1)})`;
      }
      if (r < 0.72) return `(?:${seq(d + 1)}|${seq(d + 1)})`;
      if (r < 0.76) return `${pick(["(?=", "(?!"])}${seq(d + 1)})`;
      if (r < 0.79) return `${pick(["(?<=", "(?<!"])}${pick(["a", "ab", "[ab]", "\\d"])})`;
      if (r < 0.84 && groupNo > 0)
        return `(?(${1 + Math.floor(rnd() * groupNo)})${seq(d + 1)}|${seq(d + 1)})`;
      if (r < 0.87 && groupNo > 0) return `(?:\\${1 + Math.floor(rnd() * groupNo)})`;
      if (r < 0.9) return `(?>${seq(d + 1)})`;
      return `(?${pick(["i", "s", "-i", "a"])}:${seq(d + 1)})`;
    };
    const piece = (d: number) =>
      atom(d) +
      (rnd() < 0.3 ? pick(["*", "+", "?", "{2}", "{1,2}", "{,2}", "*?", "+?", "*+"]) : "");
    const seq = (d: number) => {
      let s = "";
      const n = 1 + Math.floor(rnd() * 3);
      for (let i = 0; i < n; i++) s += piece(d);
      return s;
    };
    const cases: [string, number, string][] = [];
    for (let i = 0; i < 1500; i++) {
      groupNo = 0;
      const p = (rnd() < 0.3 ? "^" : "") + seq(0);
      const flags = rnd() < 0.15 ? 8 : 0;
      for (let k = 0; k < 3; k++) {
        let s = "";
        const n = Math.floor(rnd() * 10);
        for (let j = 0; j < n; j++)
          s += pick(["a", "b", "A", "1", " ", "\n", "é", "_", "-", ">", "x", "\r"]);
        cases.push([p, flags, s]);
      }
    }
    const script = `
import re, json, sys
out = []
for p, flags, s in json.load(sys.stdin):
    try:
        r = re.compile(p, flags)
    except Exception as e:
        out.append({"err": True}); continue
    m = r.search(s)
    out.append(None if not m else {"span": list(m.span()), "groups": [m.group(i) for i in range(1, r.groups + 1)]})
json.dump(out, sys.stdout)`;
    const py = JSON.parse(
      execFileSync("python3", ["-c", script], {
        input: JSON.stringify(cases),
        maxBuffer: 1e8,
      }).toString(),
    ) as ({ err: true } | null | { span: number[]; groups: (string | null)[] })[];
    let same = 0;
    const differ: string[] = [];
    cases.forEach(([p, flags, s], i) => {
      const want = py[i];
      let got: unknown;
      try {
        const t = translatePython(p, { flags: flags ? FLAG.M : 0, unsafe: "warn" });
        const m = new RegExp(t.source, t.flags).exec(s);
        const cp = (x: number) => Array.from(s.slice(0, x)).length;
        got = m
          ? {
              span: [cp(m.index), cp(m.index + m[0].length)],
              groups: t.jsIndex.slice(1).map((j) => m[j] ?? null),
            }
          : null;
      } catch (e) {
        got = (e as PyRegexError).kind === "syntax" ? { err: true } : "unsupported";
      }
      if (got === "unsupported" || JSON.stringify(got) === JSON.stringify(want)) same++;
      else
        differ.push(
          `${JSON.stringify(p)} on ${JSON.stringify(s)}: python ${JSON.stringify(want)}, ours ${JSON.stringify(got)}`,
        );
    });
    // Known difference: inside a repeated group JavaScript forgets a capture at each iteration
    // (and never runs an iteration that matches empty), where Python keeps the last one.
    const unexplained = differ.filter((d) => !/[*+?}]/.test(d.slice(0, d.indexOf(" on "))));
    console.log(
      `[watch-regex] vs Python re: ${same}/${cases.length} identical, ${differ.length} differ (captures in repeated groups)`,
    );
    expect(unexplained).toEqual([]);
    expect(differ.length).toBeLessThan(cases.length / 100);
  });
});

describe("Python regex translation: escape errors", () => {
  it("incomplete and out-of-range escapes, with Python's wording", () => {
    expect(rejection("\\x4").reason).toBe("incomplete escape \\x4");
    expect(rejection("\\u12").reason).toBe("incomplete escape \\u12");
    expect(rejection("\\U0011ffff").reason).toBe("bad escape \\U0011ffff");
    expect(rejection("[\\400]").reason).toBe("octal escape value \\400 outside of range 0-0o377");
    expect(rejection("\\477").reason).toBe("octal escape value \\477 outside of range 0-0o377");
    expect(rejection("[\\8]").reason).toBe("bad escape \\8");
  });
});

describe("Python regex translation: references across top-level branches", () => {
  it("a backreference in another branch than its group fails, as in Python", () => {
    expect(search("(a)x|y\\1", "y")).toBeNull();
    expect(search("(a)x|y(?(1)z)", "y")?.match).toBe("y");
    expect(search("(a)x|y(?(1)z|w)", "yw")?.match).toBe("yw");
  });
});
