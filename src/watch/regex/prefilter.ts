/**
 * A cheap pre-check that lets a caller skip running a regex that cannot match: when a pattern can
 * only match at the start of the subject (`^…` or `\A…` in every branch, no MULTILINE) and must
 * consume one of a known, small set of characters first, a subject starting with any other
 * character (or empty) cannot match. fail2ban filters are lists of such regexes (`^Failed …`,
 * `^User …`), tried in turn on every line; most are ruled out by their first character.
 *
 * The set is an over-approximation: skipping is exact (never skips a regex that could match).
 */
import { type Alternation, FLAG, type Node, type ParsedPattern, type Sequence } from "./ast.js";
import { caseVariants } from "./unicode.js";

/** A set of first code points; null means "could be anything". */
type First = Set<number> | null;

const MAX_SET = 512;

function union(a: First, b: First): First {
  if (a === null || b === null) return null;
  const out = new Set(a);
  for (const x of b) out.add(x);
  return out.size > MAX_SET ? null : out;
}

interface Ctx {
  i: boolean;
  a: boolean;
}

/** First characters of a sequence, and whether it can match without consuming anything. */
function firstSeq(seq: Sequence, ctx: Ctx): { first: First; nullable: boolean } {
  let acc: First = new Set();
  for (const n of seq) {
    const r = firstNode(n, ctx);
    acc = union(acc, r.first);
    if (acc === null) return { first: null, nullable: false };
    if (!r.nullable) return { first: acc, nullable: false };
  }
  return { first: acc, nullable: true };
}

function firstAlt(alt: Alternation, ctx: Ctx): { first: First; nullable: boolean } {
  let acc: First = new Set();
  let nullable = false;
  for (const seq of alt) {
    const r = firstSeq(seq, ctx);
    acc = union(acc, r.first);
    nullable ||= r.nullable;
    if (acc === null) return { first: null, nullable };
  }
  return { first: acc, nullable };
}

function chars(cps: number[], ctx: Ctx): Set<number> {
  const out = new Set<number>();
  for (const cp of cps) {
    if (ctx.i) for (const v of caseVariants(cp, ctx.a)) out.add(v);
    else out.add(cp);
  }
  return out;
}

function firstNode(n: Node, ctx: Ctx): { first: First; nullable: boolean } {
  switch (n.type) {
    case "char":
      return { first: chars([n.cp], ctx), nullable: false };
    case "class": {
      if (n.negate) return { first: null, nullable: false };
      const cps: number[] = [];
      for (const item of n.items) {
        if (item.kind === "char") cps.push(item.cp);
        else if (item.kind === "range" && item.hi - item.lo < MAX_SET) {
          for (let c = item.lo; c <= item.hi; c++) cps.push(c);
        } else return { first: null, nullable: false };
        if (cps.length > MAX_SET) return { first: null, nullable: false };
      }
      return { first: chars(cps, ctx), nullable: false };
    }
    case "any":
    case "cat":
      return { first: null, nullable: false };
    case "backref":
    case "cond":
      return { first: null, nullable: true };
    case "at":
    case "look":
      return { first: new Set(), nullable: true };
    case "group":
      // a scoped flag change: case variants everywhere over-approximate any folding
      if (n.addFlags & FLAG.I || n.delFlags & FLAG.I || n.addFlags & FLAG.A) {
        return firstAlt(n.body, { i: ctx.i || (n.addFlags & FLAG.I) !== 0, a: false });
      }
      return firstAlt(n.body, ctx);
    case "atomic":
      return firstAlt(n.body, ctx);
    case "repeat": {
      if (n.max === 0) return { first: new Set(), nullable: true };
      const r = firstNode(n.body, ctx);
      return { first: r.first, nullable: r.nullable || n.min === 0 };
    }
  }
}

function anchored(alt: Alternation): boolean {
  return alt.every((seq) => {
    const n = seq[0];
    if (!n) return false;
    if (n.type === "at") return n.at === "beginning" || n.at === "beginning-string";
    if (n.type === "group" && !n.addFlags && !n.delFlags) return anchored(n.body);
    return false;
  });
}

/** Drop the leading anchor of each branch (the anchors have been checked). */
function afterAnchor(alt: Alternation): Alternation {
  return alt.map((seq) => {
    const [n, ...rest] = seq;
    if (n?.type === "group") return [{ ...n, body: afterAnchor(n.body) }, ...rest];
    return rest;
  });
}

/**
 * The code points a match must start with, when the pattern can only match at the start of the
 * subject and must consume one of them first; undefined when the pattern gives no such handle
 * (not anchored, MULTILINE, or any first character possible). A subject that does not start with
 * one of them (an empty one included) cannot match.
 */
export function firstChars(parsed: ParsedPattern): ReadonlySet<number> | undefined {
  if (parsed.flags & FLAG.M) return undefined;
  let scoped = false;
  const visit = (alt: Alternation) => {
    for (const seq of alt) {
      for (const n of seq) {
        if (n.type === "group" && (n.addFlags & FLAG.M || n.delFlags & FLAG.M)) scoped = true;
        if (n.type === "group" || n.type === "atomic" || n.type === "look") visit(n.body);
        if (n.type === "repeat" && (n.body.type === "group" || n.body.type === "atomic"))
          visit(n.body.body);
      }
    }
  };
  visit(parsed.body);
  if (scoped || !anchored(parsed.body)) return undefined;
  const ctx = { i: (parsed.flags & FLAG.I) !== 0, a: (parsed.flags & FLAG.A) !== 0 };
  const { first, nullable } = firstAlt(afterAnchor(parsed.body), ctx);
  if (first === null || nullable) return undefined;
  return first;
}

/**
 * A predicate on the subject: false when the pattern certainly cannot match it (see
 * {@link firstChars}). Undefined when the pattern gives no such handle.
 */
export function startFilter(parsed: ParsedPattern): ((s: string) => boolean) | undefined {
  const first = firstChars(parsed);
  if (first === undefined) return undefined;
  if ([...first].every((cp) => cp < 128)) {
    const table = new Uint8Array(128);
    for (const cp of first) table[cp] = 1;
    return (s: string) => table[s.charCodeAt(0)] === 1;
  }
  return (s: string) => {
    const cp = s.codePointAt(0);
    return cp !== undefined && first.has(cp);
  };
}

/**
 * True when Python group `group` sits in the pattern's top-level sequence (one branch) with only
 * zero-width items after it: a match then ends where that group's capture ends.
 */
export function endsWithGroup(parsed: ParsedPattern, group: number): boolean {
  if (parsed.body.length !== 1) return false;
  const seq = parsed.body[0] ?? [];
  const i = seq.findIndex((n) => n.type === "group" && n.group === group);
  if (i < 0) return false;
  return seq.slice(i + 1).every((n) => n.type === "at" || n.type === "look");
}

/**
 * Literal texts every match contains: runs of plain characters on the pattern's spine (not under
 * an alternative, an optional repeat, a lookaround or case-insensitivity). `prefix` is the run a
 * match starts with when the pattern is anchored at the start of the subject (no MULTILINE):
 * then the subject itself starts with it.
 */
export function requiredLiterals(parsed: ParsedPattern): { prefix: string; literals: string[] } {
  const literals: string[] = [];
  let run = "";
  /** Still at the start of the subject: nothing but the anchor consumed so far. */
  let atStart = false;
  let prefix = "";
  const flush = () => {
    if (atStart) prefix = run;
    atStart = false;
    if (run) literals.push(run);
    run = "";
  };
  const seq = (s: Sequence, i: boolean) => {
    for (const n of s) node(n, i);
  };
  const node = (n: Node, i: boolean): void => {
    switch (n.type) {
      case "char":
        if (i) flush();
        else run += String.fromCodePoint(n.cp);
        return;
      case "group":
      case "atomic": {
        const ci =
          n.type === "group" ? (i || (n.addFlags & FLAG.I) !== 0) && !(n.delFlags & FLAG.I) : i;
        const only = n.body.length === 1 ? n.body[0] : undefined;
        // a single branch is matched in place: its characters continue the run
        if (only) seq(only, ci);
        else flush();
        return;
      }
      case "repeat":
        flush();
        // at least one iteration: what the body requires is required (in runs of its own)
        if (n.min >= 1) {
          node(n.body, i);
          flush();
        }
        return;
      default:
        flush();
        return;
    }
  };
  const body = parsed.body;
  const only = body.length === 1 ? body[0] : undefined;
  if (only) {
    const [first, ...rest] = only;
    const anchored =
      !(parsed.flags & FLAG.M) &&
      first?.type === "at" &&
      (first.at === "beginning" || first.at === "beginning-string");
    if (anchored) {
      atStart = true;
      seq(rest, (parsed.flags & FLAG.I) !== 0);
    } else seq(only, (parsed.flags & FLAG.I) !== 0);
    flush();
  }
  return { prefix, literals };
}

/** Characters frequent in log lines: a needle starting with one of them is looked for at more places. */
const COMMON = " etaoinsrhldcu.:=/-0123456789";

/**
 * A short piece of `literal` to look for: a search for a needle of up to 6 characters is a plain
 * scan in V8, where longer needles first build skip tables on each call (three times slower on
 * a log line). The piece starting with the least frequent character is taken.
 */
export function needleOf(literal: string, max = 6): string {
  if (literal.length <= max) return literal;
  let best = literal.slice(literal.length - max);
  let bestRank = rank(best);
  for (let i = literal.length - max - 1; i >= 0; i--) {
    const piece = literal.slice(i, i + max);
    const r = rank(piece);
    if (r > bestRank) {
      best = piece;
      bestRank = r;
    }
  }
  return best;
}

function rank(piece: string): number {
  const i = COMMON.indexOf(piece[0] ?? " ");
  return i < 0 ? COMMON.length : i;
}

/**
 * What a subject must hold for the pattern to match it, beyond its first character: the anchored
 * literal prefix it starts with (`""`: none worth a test) and a piece of the longest other
 * required literal it contains (`""`: none).
 */
export function literalChecks(parsed: ParsedPattern): { prefix: string; needle: string } {
  const { prefix, literals } = requiredLiterals(parsed);
  let longest = "";
  for (const l of literals) if (l !== prefix && l.length > longest.length) longest = l;
  return {
    prefix: prefix.length > 1 ? prefix : "",
    needle: longest.length > 1 ? needleOf(longest) : "",
  };
}

/**
 * A predicate on the subject that is false when the pattern certainly cannot match it: the
 * first-character test of {@link startFilter}, then the {@link literalChecks}. Undefined when the
 * pattern gives no such handle.
 */
export function matchFilter(parsed: ParsedPattern): ((s: string) => boolean) | undefined {
  const first = startFilter(parsed);
  const { prefix: pre, needle: lit } = literalChecks(parsed);
  if (!pre && !lit) return first;
  const head = first ?? (() => true);
  if (pre && lit) return (s) => head(s) && s.startsWith(pre) && s.includes(lit);
  if (pre) return (s) => head(s) && s.startsWith(pre);
  return (s) => head(s) && s.includes(lit);
}
