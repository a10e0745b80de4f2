/**
 * A static check for catastrophic backtracking, in the spirit of safe-regex, made less trigger-
 * happy so that stock fail2ban filters pass.
 *
 * A JavaScript RegExp cannot be interrupted, so a per-line time limit is impossible inside the
 * matcher; the watcher bounds the work per line in two ways instead:
 * - patterns that can take exponential time are refused up front (this module);
 * - lines are cut to a maximum length before matching (see the filter), which bounds the
 *   polynomial cases (`.*x.*y.*z` on a long line) that no cheap static check recognises.
 *
 * Exponential time comes from a repeated part that can match the same text in many ways. Two
 * shapes are flagged:
 * 1. nested repeats, where a repeat's body can be matched by an inner repeat alone (everything
 *    else in the body can match empty): `(a+)+`, `(\S+\s*)*`, `(?:\w+){1,7}`. A pair where both
 *    repeats are bounded (`(?:[0-9a-f]{1,4}:){1,7}`) is left alone: its cost is bounded too.
 * 2. a repeated alternation with two single-character branches that accept a common character:
 *    `(\w|\d)+`, `(?:.|\s)*`.
 * Lookaround and atomic bodies are checked too: they backtrack inside until they first succeed.
 */
import {
  type Alternation,
  type ClassItem,
  MAXREPEAT,
  type Node,
  type ParsedPattern,
  type Sequence,
} from "./ast.js";
import { PY_SPACE } from "./unicode.js";

export interface SafetyFinding {
  message: string;
  position: number;
  construct: string;
}

function nullable(n: Node): boolean {
  switch (n.type) {
    case "char":
    case "any":
    case "class":
    case "cat":
      return false;
    case "group":
    case "atomic":
      return n.body.some((s) => s.every(nullable));
    case "repeat":
      return n.min === 0 || nullable(n.body);
    case "cond":
      return n.yes.every(nullable) || n.no === null || n.no.every(nullable);
    default:
      return true;
  }
}

function consumes(n: Node): boolean {
  switch (n.type) {
    case "char":
    case "any":
    case "class":
    case "cat":
    case "backref":
      return true;
    case "group":
    case "atomic":
      return n.body.some((s) => s.some(consumes));
    case "repeat":
      return n.max > 0 && consumes(n.body);
    case "cond":
      return n.yes.some(consumes) || (n.no?.some(consumes) ?? false);
    default:
      return false;
  }
}

/** Inner repeats that can match, alone, what `n` matches. */
function coverNode(n: Node): Extract<Node, { type: "repeat" }>[] {
  switch (n.type) {
    case "repeat": {
      const own = n.max >= 2 && consumes(n.body) ? [n] : [];
      return [...own, ...coverNode(n.body)];
    }
    case "group":
      return coverAlt(n.body);
    case "cond":
      return [...coverSeq(n.yes), ...(n.no ? coverSeq(n.no) : [])];
    default:
      return [];
  }
}

function coverAlt(alt: Alternation): Extract<Node, { type: "repeat" }>[] {
  return alt.flatMap(coverSeq);
}

function coverSeq(seq: Sequence): Extract<Node, { type: "repeat" }>[] {
  const required = seq.filter((n) => !nullable(n));
  if (required.length === 1 && required[0]) return coverNode(required[0]);
  if (required.length === 0) return seq.flatMap(coverNode);
  return [];
}

const SAMPLE: number[] = (() => {
  const out: number[] = [];
  for (let c = 0; c < 0x250; c++) out.push(c);
  for (const c of [0x1680, 0x2000, 0x2028, 0x3000, 0x0660, 0x4e00, 0xff10]) out.push(c);
  return out;
})();

const WORD = /^[\p{L}\p{N}_]$/u;
const DIGIT = /^\p{Nd}$/u;
const SPACE = new RegExp(`^[${PY_SPACE}]$`, "u");

function catHas(cat: string, c: string): boolean {
  switch (cat) {
    case "d":
      return DIGIT.test(c);
    case "D":
      return !DIGIT.test(c);
    case "w":
      return WORD.test(c);
    case "W":
      return !WORD.test(c);
    case "s":
      return SPACE.test(c);
    default:
      return !SPACE.test(c);
  }
}

function itemHas(item: ClassItem, cp: number): boolean {
  if (item.kind === "char") return item.cp === cp;
  if (item.kind === "range") return cp >= item.lo && cp <= item.hi;
  return catHas(item.cat, String.fromCodePoint(cp));
}

/** The characters (among a sample) a single-character node accepts; undefined for other nodes. */
function singleChars(n: Node): Set<number> | undefined {
  let node = n;
  while (node.type === "group" && node.body.length === 1 && node.body[0]?.length === 1) {
    const only = node.body[0][0];
    if (!only) break;
    node = only;
  }
  const test = (cp: number): boolean | undefined => {
    switch (node.type) {
      case "char":
        return node.cp === cp;
      case "any":
        return cp !== 10;
      case "cat":
        return catHas(node.cat, String.fromCodePoint(cp));
      case "class": {
        const hit = node.items.some((it) => itemHas(it, cp));
        return node.negate ? !hit : hit;
      }
      default:
        return undefined;
    }
  };
  if (test(65) === undefined) return undefined;
  const out = new Set<number>();
  for (const cp of SAMPLE) if (test(cp)) out.add(cp);
  return out;
}

function overlappingAlternation(n: Node): Node | undefined {
  const alts: Alternation[] = [];
  const collect = (x: Node) => {
    if (x.type === "group") {
      if (x.body.length > 1) alts.push(x.body);
      for (const seq of x.body) {
        const required = seq.filter((y) => !nullable(y));
        if (required.length === 1 && required[0]) collect(required[0]);
      }
    }
  };
  collect(n);
  for (const alt of alts) {
    const sets = alt.map((seq) => (seq.length === 1 && seq[0] ? singleChars(seq[0]) : undefined));
    for (let i = 0; i < sets.length; i++) {
      for (let j = i + 1; j < sets.length; j++) {
        const a = sets[i];
        const b = sets[j];
        if (a && b && [...a].some((c) => b.has(c))) return n;
      }
    }
  }
  return undefined;
}

export function checkBacktracking(parsed: ParsedPattern): SafetyFinding[] {
  const cps = Array.from(parsed.source);
  const text = (from: number, to: number) => cps.slice(from, to).join("");
  const findings: SafetyFinding[] = [];
  const visit = (n: Node) => {
    switch (n.type) {
      case "repeat": {
        if (n.max >= 2) {
          const outerUnbounded = n.max >= MAXREPEAT;
          const inner = coverNode(n.body).find((i) => outerUnbounded || i.max >= MAXREPEAT);
          if (inner) {
            findings.push({
              message:
                "nested quantifiers can backtrack exponentially (catastrophic backtracking): " +
                `the repeated part can be split between its own repeats and the inner ${text(inner.pos, inner.end)} in many ways`,
              position: n.pos,
              construct: text(n.pos, n.end),
            });
            return;
          }
          if (outerUnbounded && overlappingAlternation(n.body)) {
            findings.push({
              message:
                "a repeated alternation whose branches accept the same characters can backtrack exponentially (catastrophic backtracking)",
              position: n.pos,
              construct: text(n.pos, n.end),
            });
            return;
          }
        }
        visit(n.body);
        return;
      }
      case "group":
      case "atomic":
      case "look":
        for (const s of n.body) for (const x of s) visit(x);
        return;
      case "cond":
        for (const x of n.yes) visit(x);
        for (const x of n.no ?? []) visit(x);
        return;
      default:
        return;
    }
  };
  for (const s of parsed.body) for (const x of s) visit(x);
  return findings;
}
