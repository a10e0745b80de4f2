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
 * A predicate on the subject: false when the pattern certainly cannot match it. Undefined when
 * the pattern gives no such handle (not anchored, or any first character possible).
 */
export function startFilter(parsed: ParsedPattern): ((s: string) => boolean) | undefined {
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
