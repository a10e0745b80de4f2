/**
 * Python 3's character categories for str patterns, as JavaScript class contents (`u` flag), and the
 * case-equivalence table used where a case-insensitive part has to be spelled out.
 *
 * Checked against CPython 3.11 over every code point: `\d` is `\p{Nd}`, `\w` is `[\p{L}\p{N}_]`
 * (str.isalnum() or "_"), `\s` is str.isspace() (which, unlike JavaScript's `\s`, includes
 * U+001C..U+001F and U+0085 and excludes U+FEFF). The only differences are characters that
 * Unicode assigned after version 14 (Python 3.11's database), which Node knows and Python does not.
 */

/** Python's Unicode `\s` as class contents. */
export const PY_SPACE =
  "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
/** Python's Unicode `\w` as class contents. */
export const PY_WORD = "\\p{L}\\p{N}_";
/** Python's Unicode `\d`. */
export const PY_DIGIT = "\\p{Nd}";

/** With re.ASCII. */
export const ASCII_SPACE = " \\t\\n\\r\\f\\v";
export const ASCII_WORD = "A-Za-z0-9_";
export const ASCII_DIGIT = "0-9";

let table: Map<number, number[]> | undefined;

/**
 * Code point → every code point equal to it ignoring case (itself included), for the code points
 * that have another case. Built from single-code-point lower/upper mappings, which is how
 * Python's sre compares case-insensitively (lower() both sides, plus a few extra folds that the
 * upper mapping brings in: ſ/s, K/k...).
 */
export function caseTable(): Map<number, number[]> {
  if (table) return table;
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    for (;;) {
      const p = parent.get(r);
      if (p === undefined || p === r) break;
      r = p;
    }
    return r;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (!parent.has(ra)) parent.set(ra, ra);
    if (!parent.has(rb)) parent.set(rb, rb);
    if (ra !== rb) parent.set(rb, ra);
  };
  for (let cp = 0; cp < 0x20000; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const s = String.fromCodePoint(cp);
    for (const t of [s.toLowerCase(), s.toUpperCase()]) {
      if (t === s) continue;
      const cps = Array.from(t);
      if (cps.length !== 1) continue;
      union(cp, t.codePointAt(0) ?? cp);
    }
  }
  const groups = new Map<number, number[]>();
  for (const cp of parent.keys()) {
    const r = find(cp);
    const g = groups.get(r);
    if (g) g.push(cp);
    else groups.set(r, [cp]);
  }
  table = new Map();
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    g.sort((a, b) => a - b);
    for (const cp of g) table.set(cp, g);
  }
  return table;
}

/** Every case variant of `cp` (itself included); ASCII-only folding when `ascii`. */
export function caseVariants(cp: number, ascii: boolean): number[] {
  if (ascii) {
    if (cp >= 0x41 && cp <= 0x5a) return [cp, cp + 32];
    if (cp >= 0x61 && cp <= 0x7a) return [cp - 32, cp];
    return [cp];
  }
  return caseTable().get(cp) ?? [cp];
}

/**
 * The ASCII members of Python's Unicode categories: what `\d`, `\w`, `\s` can match in a subject
 * made of ASCII characters only (`\s` takes U+001C..U+001F too, which re.ASCII's does not).
 */
export const PY_DIGIT_IN_ASCII = "0-9";
export const PY_WORD_IN_ASCII = "A-Za-z0-9_";
export const PY_SPACE_IN_ASCII = "\\t-\\r\\x1c-\\x20";

// biome-ignore lint/suspicious/noControlCharactersInRegex: the complement of ASCII
const NON_ASCII = /[^\x00-\x7f]/;

/** True when `s` is made of ASCII characters only (a regex's ASCII form then applies). */
export function isAsciiText(s: string): boolean {
  return !NON_ASCII.test(s);
}
