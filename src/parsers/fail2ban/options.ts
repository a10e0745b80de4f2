/**
 * fail2ban's small value grammars (fail2ban/helpers.py, server/mytime.py): `name[opt=value, ...]`
 * for `filter =` and `action =`, the split of a multi-action value, word lists (`ignoreip`),
 * booleans, integers and time expressions (`10m`, `1h 30m`, `1d`, `600`).
 */
import { LocStr } from "./locstr.js";

export interface ExtractedOptions {
  /** The name before `[`, e.g. `sshd`, `nftables`, `%(mta)s-whois` once interpolated. */
  name: LocStr;
  /** Options in order of appearance; a later group (`a[x=1][x=2]`) overrides an earlier one. */
  options: Map<string, LocStr>;
}

export type ExtractResult =
  | ({ ok: true } & ExtractedOptions)
  | { ok: false; message: string; offset: number };

/** helpers.OPTION_CRE */
const OPTION_RE = /^([^[]+)(?:\[([\s\S]*)\])?\s*$/d;
/** helpers.OPTION_EXTRACT_CRE (one option per match; `wrngA`/`wrngB` catch bad syntax). */
const OPTION_EXTRACT_RE =
  /\s*([\w\-.]+)=(?:"([^"]*)"|'([^']*)'|([^,\]]*))(?:,|\]\s*\[|$|(?<wrngA>[\s\S]+))|,?\s*$|(?<wrngB>[\s\S]+)/dg;

/** helpers.extractOptions: `sshd[mode=aggressive]` → `sshd`, {mode: aggressive}. */
export function extractOptions(value: LocStr): ExtractResult {
  const m = OPTION_RE.exec(value.text);
  const nameIdx = m?.indices?.[1];
  if (!m || !nameIdx) return { ok: false, message: "unexpected option syntax", offset: 0 };
  const options = new Map<string, LocStr>();
  const optIdx = m.indices?.[2];
  if (m[2] && optIdx) {
    const base = optIdx[0];
    const optstr = m[2];
    OPTION_EXTRACT_RE.lastIndex = 0;
    for (const o of optstr.matchAll(OPTION_EXTRACT_RE)) {
      const wrngA = o.indices?.groups?.wrngA;
      if (wrngA) {
        return {
          ok: false,
          message: `unexpected syntax at ${wrngA[0]} after option '${o[1]}': ${optstr.slice(wrngA[0], wrngA[0] + 25)}`,
          offset: base + wrngA[0],
        };
      }
      const wrngB = o.indices?.groups?.wrngB;
      if (wrngB) {
        return {
          ok: false,
          message: `expected option, wrong syntax at ${wrngB[0]}: ${optstr.slice(wrngB[0], wrngB[0] + 25)}`,
          offset: base + wrngB[0],
        };
      }
      if (!o[1]) continue;
      const g = [2, 3, 4].find((i) => o[i] !== undefined) ?? 4;
      const idx = o.indices?.[g];
      const text = idx
        ? value.slice(base + idx[0], base + idx[1])
        : LocStr.of("", value.originAt(base));
      options.set(o[1].trim(), text.trim());
    }
  }
  return { ok: true, name: value.slice(nameIdx[0], nameIdx[1]), options };
}

const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);
const isKeyChar = (c: string | undefined) => c !== undefined && /[\w\-.]/u.test(c);

/**
 * Where the `[...]` option group opened at `open` ends (index after `]`), following the
 * backtracking order of helpers.OPTION_SPLIT_CRE; -1 when it does not match. The regex itself
 * backtracks exponentially on unclosed groups, hence this memoised walk.
 */
function bracketEnd(s: string, open: number): number {
  const memo = new Map<number, number>();
  const skip = (i: number) => {
    while (isSpace(s[i])) i++;
    return i;
  };
  const accepts = (end: number) => end >= s.length || isSpace(s[end]);
  const afterValue = (q: number): number => {
    const r = skip(q);
    if (s[r] === ",") return loop(skip(r + 1));
    if (s[r] === "]") {
      const t = skip(r + 1);
      if (s[t] === "[") {
        const res = loop(skip(t + 1));
        if (res >= 0) return res;
      }
    }
    return loop(r);
  };
  const loop = (pos: number): number => {
    const cached = memo.get(pos);
    if (cached !== undefined) return cached;
    memo.set(pos, -1);
    let result = -1;
    let k = pos;
    while (isKeyChar(s[k])) k++;
    if (k > pos && s[k] === "=") {
      const v = k + 1;
      const candidates: number[] = [];
      for (const q of ['"', "'"]) {
        if (s[v] === q) {
          const close = s.indexOf(q, v + 1);
          if (close >= 0) candidates.push(close + 1);
        }
      }
      let u = v;
      while (u < s.length && s[u] !== "," && s[u] !== "]") u++;
      for (let e = u; e >= v; e--) candidates.push(e);
      for (const c of candidates) {
        result = afterValue(c);
        if (result >= 0) break;
      }
    }
    if (result < 0 && s[pos] === "]" && accepts(pos + 1)) result = pos + 1;
    memo.set(pos, result);
    return result;
  };
  return loop(skip(open + 1));
}

/**
 * helpers.splitWithOptions: the actions of a multi-line `action =` value. Each is a name with
 * optional `[...]` groups (which may span lines), or any other run of non-blank characters.
 */
export function splitWithOptions(value: LocStr): LocStr[] {
  const s = value.text;
  const out: LocStr[] = [];
  const trailing = (x: number) => {
    let y = x;
    while (isSpace(s[y])) y++;
    return y >= s.length ? s.length : Math.max(x, y - 1);
  };
  let pos = 0;
  while (pos < s.length) {
    if (isSpace(s[pos])) {
      pos++;
      continue;
    }
    let end = -1;
    if (s[pos] !== "[") {
      let e = pos;
      while (e < s.length && s[e] !== "[" && !isSpace(s[e])) e++;
      let j = e;
      while (isSpace(s[j])) j++;
      if (s[j] === "[") {
        let be = -1;
        try {
          be = bracketEnd(s, j);
        } catch {
          // pathologically deep input (stack): treat the group as not matching
        }
        if (be >= 0) end = trailing(be);
      }
      if (end < 0 && (e >= s.length || isSpace(s[e]))) end = trailing(e);
    }
    if (end < 0) {
      end = pos;
      while (end < s.length && !isSpace(s[end])) end++;
    }
    out.push(value.slice(pos, end));
    pos = end;
  }
  return out;
}

/** helpers.splitwords: words separated by blanks and commas (`ignoreip`). */
export function splitWords(value: LocStr): LocStr[] {
  const out: LocStr[] = [];
  for (const m of value.text.matchAll(/[^\s,]+/g)) {
    out.push(value.slice(m.index, m.index + m[0].length));
  }
  return out;
}

/** helpers._as_bool: only `1`, `on`, `true` and `yes` (any case) are true; anything else is false. */
export function parseBool(text: string): boolean {
  return ["1", "on", "true", "yes"].includes(text.toLowerCase());
}

/** Python's `int(text)`; undefined where Python raises ValueError. */
export function parseInteger(text: string): number | undefined {
  const t = text.trim();
  if (!/^[+-]?\d+(?:_\d+)*$/.test(t)) return undefined;
  return Number.parseInt(t.replace(/_/g, ""), 10);
}

const YEAR = ((365 * 3 + 366) * 24 * 60 * 60) / 4;
/** MyTime._str2sec_parts, in fail2ban's order (days first, so `m` is minutes and `mo` months). */
const DURATION_PARTS: [RegExp, string][] = [
  ["days?|da|dd?", "86400"],
  ["weeks?|wee?|ww?", "604800"],
  ["months?|mon?", (YEAR / 12).toFixed(1)],
  ["years?|yea?|yy?", YEAR.toFixed(1)],
  ["seconds?|sec?|ss?", "1"],
  ["minutes?|min?|mm?", "60"],
  ["hours?|hou?|hh?", "3600"],
].map(([re, n]) => [new RegExp(`(?<=[\\d\\s])(${re})\\b`, "gi"), `*${n}`]);

/**
 * MyTime.str2seconds: `10m` → 600, `1h 30m` → 5400, `1d` → 86400, `1w`, `1mo`, `1y`, `-1`; an
 * arithmetic expression once the units are replaced. Undefined where fail2ban would fail.
 */
export function parseDuration(text: string): number | undefined {
  let expr = text.replace(/(?<=[a-z])(\d)/gi, " $1");
  for (const [re, by] of DURATION_PARTS) expr = expr.replace(re, by);
  expr = expr.replace(/(\d)\s+(\d)/g, "$1+$2");
  const value = evalArithmetic(expr);
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

/** A Python arithmetic expression of numbers, + - * / // % ** and parentheses. */
function evalArithmetic(expr: string): number | undefined {
  const tokens = expr.match(
    /\d+(?:_\d+)*\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|\*\*|\/\/|[-+*/%()]|\S/gi,
  );
  if (!tokens) return undefined;
  let i = 0;
  const peek = () => tokens[i];
  const fail = Symbol("fail");
  type R = number | typeof fail;
  const primary = (): R => {
    const t = tokens[i++];
    if (t === undefined) return fail;
    if (t === "(") {
      const v = sum();
      if (v === fail || tokens[i++] !== ")") return fail;
      return v;
    }
    if (/^[\d.]/.test(t)) {
      // Python rejects leading zeros in integer literals ("0600" is a SyntaxError)
      if (/^0+[1-9][\d_]*$/.test(t)) return fail;
      const n = Number(t.replace(/_/g, ""));
      return Number.isNaN(n) ? fail : n;
    }
    return fail;
  };
  const power = (): R => {
    const base = primary();
    if (base === fail) return fail;
    if (peek() === "**") {
      i++;
      const exp = unary();
      return exp === fail ? fail : base ** exp;
    }
    return base;
  };
  const unary = (): R => {
    const t = peek();
    if (t === "-" || t === "+") {
      i++;
      const v = unary();
      return v === fail ? fail : t === "-" ? -v : v;
    }
    return power();
  };
  const product = (): R => {
    let v = unary();
    while (v !== fail) {
      const op = peek();
      if (op !== "*" && op !== "/" && op !== "//" && op !== "%") break;
      i++;
      const r = unary();
      if (r === fail || (r === 0 && op !== "*")) return fail;
      if (op === "*") v *= r;
      else if (op === "/") v /= r;
      else if (op === "//") v = Math.floor(v / r);
      else v = v - r * Math.floor(v / r);
    }
    return v;
  };
  const sum = (): R => {
    let v = product();
    while (v !== fail) {
      const op = peek();
      if (op !== "+" && op !== "-") break;
      i++;
      const r = product();
      if (r === fail) return fail;
      v = op === "+" ? v + r : v - r;
    }
    return v;
  };
  const v = sum();
  return v === fail || i !== tokens.length ? undefined : v;
}
