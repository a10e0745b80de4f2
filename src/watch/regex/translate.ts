/**
 * Python `re` → JavaScript `RegExp` (with the `u` flag), construct by construct.
 *
 * Not the `v` flag, although its nested classes would make `[\W\d]` simpler: Node 20's V8
 * mis-matches negated classes inside repeated groups under `v` (`/^(?:<[^>x]*>)+$/v` does not
 * match "<ab>").
 *
 * What changes on the way, and why the result matches what Python matches:
 *
 * - `(?P<name>…)` → `(?<name>…)`; unnamed groups get an internal name so that every Python
 *   group can be read back by number ({@link Translation.groupNames}, {@link Translation.jsNames}).
 * - `.` → `[^\n]` (JavaScript's `.` also stops at `\r`, U+2028 and U+2029); DOTALL → `[\s\S]`.
 * - `^`/`$`: Python's `$` also matches before a final `\n` → `(?=\n?$)`; under MULTILINE, `^`/`$`
 *   look at `\n` only → `(?<![^\n])` / `(?![^\n])`. `\A` → `^`, `\Z` → `$`. No JavaScript `m` flag.
 * - `\d`, `\w`, `\s`, `\b`, `\B` get Python 3's Unicode meaning (see unicode.ts); with `(?a)` the
 *   ASCII one. JavaScript's own `\w`/`\b` are ASCII-only and never emitted.
 * - `(?i)` for the whole pattern → the `i` flag. Scoped `(?i:…)`/`(?-i:…)` (which Node 20 lacks)
 *   → every letter in scope is spelled out in its case variants (`[kKK]`), and classes are closed
 *   under case.
 * - `(?x)` verbose patterns lose their whitespace and comments; `(?#…)` comments are dropped.
 * - Backreferences `(?P=name)`/`\1` fail in Python when the group did not take part in the match,
 *   while JavaScript matches the empty string; conditionals `(?(name)yes|no)` do not exist in
 *   JavaScript. Both are emulated with a participation marker: when the group closes, a capture
 *   taken inside a lookbehind records the subject from just before that place to its end (the
 *   whole subject where a lookaround may read the marker left of that place); the group took
 *   part exactly when that capture cannot match both forwards and backwards at the current
 *   position (`(?!(?=\k<m>)(?<=\k<m>))`). Exact for any non-empty subject (fail2ban's always ends
 *   with `\n`).
 * - Atomic groups `(?>…)` and possessive quantifiers `*+`, `++`, `?+`, `{m,n}+` (Python 3.11)
 *   → `(?=(?<a>…))\k<a>`: a lookahead never gives back what it matched, which is exactly atomicity.
 * - Lookbehind: JavaScript accepts any width, Python only fixed widths; Python's rule is enforced.
 *
 * What is refused (with the construct and its position): everything Python refuses (its own
 * message), `\N{name}` escapes (no Unicode name database here), the `(?t)` flag, atomic groups and
 * possessive quantifiers inside a lookbehind, a backreference under a scoped `(?i:…)`, and — unless
 * asked otherwise — patterns that can backtrack exponentially (see safety.ts).
 *
 * Known differences left: inside a repeated group, JavaScript forgets a capture at each new
 * iteration where Python keeps the last one it made; a capture group that matched the empty
 * string at the end of an empty subject counts as "not taken part" for conditionals.
 */
import {
  type Alternation,
  type AtKind,
  type Category,
  type ClassItem,
  FLAG,
  MAXREPEAT,
  type Node,
  type ParsedPattern,
  type Sequence,
} from "./ast.js";
import { PyRegexError } from "./errors.js";
import { parsePython, WidthMeter } from "./parse.js";
import { checkBacktracking, type SafetyFinding } from "./safety.js";
import {
  ASCII_DIGIT,
  ASCII_SPACE,
  ASCII_WORD,
  caseTable,
  caseVariants,
  PY_DIGIT,
  PY_DIGIT_IN_ASCII,
  PY_SPACE,
  PY_SPACE_IN_ASCII,
  PY_WORD,
  PY_WORD_IN_ASCII,
} from "./unicode.js";

export interface TranslateOptions {
  /** Python flags given to `re.compile` (fail2ban passes MULTILINE when maxlines > 1). */
  flags?: number;
  /**
   * Patterns whose nested quantifiers can backtrack exponentially: refuse them (default), or
   * translate them with a warning.
   */
  unsafe?: "reject" | "warn";
  /**
   * Capture only these Python groups (`named`: the named ones), and those a backreference or a
   * conditional reads: the others become non-capturing, which matches the same text, faster.
   * Their {@link Translation.jsIndex} is 0.
   */
  captureOnly?: readonly number[] | "named";
}

export interface RegexWarning {
  message: string;
  position: number;
  construct?: string;
}

export interface Translation {
  /** The Python pattern. */
  pattern: string;
  /** JavaScript source and flags. */
  source: string;
  flags: string;
  /** Number of Python capturing groups. */
  groupCount: number;
  /** Python group name → Python group number. */
  groupNames: ReadonlyMap<string, number>;
  /** JavaScript group name of each named Python group, by Python number ("" for unnamed ones). */
  jsNames: readonly string[];
  /** JavaScript group number of each Python group, by Python number (index 0: the match). */
  jsIndex: readonly number[];
  /**
   * `source` with every group unnamed (same numbers; backreferences by number): a match of it
   * builds no `groups` object, which for a pattern with many named groups is most of the cost of
   * a successful `exec`. Read groups through {@link jsIndex}.
   */
  numberedSource: string;
  /**
   * {@link numberedSource} for subjects of ASCII characters only: the same matches on those, and
   * quick to build (see the emitter's `asciiSubject`).
   */
  asciiSource: string;
  /** A RegExp of {@link asciiSource} and {@link flags} (the one built to validate the translation). */
  asciiRegExp: RegExp;
  /** The parsed pattern (after the rewrites), for callers that analyse its shape. */
  parsed: ParsedPattern;
  warnings: RegexWarning[];
}

interface Ctx {
  i: boolean;
  m: boolean;
  s: boolean;
  a: boolean;
  behind: boolean;
}

const SYNTAX_OUT = new Set("^$\\.*+?()[]{}|/");
const SYNTAX_IN = new Set("-^$\\.*+?()[]{}|/");

function hex(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

function needsHex(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0xa0) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    (cp >= 0xd800 && cp <= 0xdfff) ||
    cp === 0xfeff
  );
}

function litOut(cp: number): string {
  if (needsHex(cp)) return hex(cp);
  const c = String.fromCodePoint(cp);
  return SYNTAX_OUT.has(c) ? `\\${c}` : c;
}

function litIn(cp: number): string {
  if (needsHex(cp)) return hex(cp);
  const c = String.fromCodePoint(cp);
  return SYNTAX_IN.has(c) ? `\\${c}` : c;
}

function applyFlags(ctx: Ctx, add: number, del: number): Ctx {
  const on = (f: number, cur: boolean) => ((add & f) !== 0 ? true : (del & f) !== 0 ? false : cur);
  return {
    i: on(FLAG.I, ctx.i),
    m: on(FLAG.M, ctx.m),
    s: on(FLAG.S, ctx.s),
    a: on(FLAG.A, ctx.a),
    behind: ctx.behind,
  };
}

function walk(alt: Alternation, fn: (n: Node, parents: Node[]) => void, parents: Node[] = []) {
  for (const seq of alt) walkSeq(seq, fn, parents);
}
function walkSeq(seq: Sequence, fn: (n: Node, parents: Node[]) => void, parents: Node[]) {
  for (const n of seq) walkNode(n, fn, parents);
}
function walkNode(n: Node, fn: (n: Node, parents: Node[]) => void, parents: Node[]) {
  fn(n, parents);
  const inner = [...parents, n];
  switch (n.type) {
    case "group":
    case "atomic":
    case "look":
      walk(n.body, fn, inner);
      break;
    case "repeat":
      walkNode(n.body, fn, inner);
      break;
    case "cond":
      walkSeq(n.yes, fn, inner);
      if (n.no) walkSeq(n.no, fn, inner);
      break;
    default:
      break;
  }
}

class Emitter {
  readonly jsNames: string[] = [""];
  /** Prefix of the temporary names of unnamed groups (see numberGroups). */
  readonly unnamedPrefix: string;
  private readonly groupNodes = new Map<number, Extract<Node, { type: "group" }>>();
  /** Python group → name of its participation marker, for groups that need one. */
  private readonly markers = new Map<number, string>();
  /**
   * Groups whose marker must record the whole subject: the group or a reference to it is inside
   * a lookaround, where a reference may be read left of the group's end (see {@link marker}).
   */
  private readonly wholeSubjectMarkers = new Set<number>();
  /** Groups that always took part by the time a later reference is reached. */
  private readonly mandatory = new Set<number>();
  /** Widths (Python's fixed-width lookbehind rule), a backreference's from the parser's. */
  private readonly widths: WidthMeter;
  private readonly prefix: string;
  private counter = 0;
  readonly expandCase: boolean;
  readonly jsFlagI: boolean;
  /**
   * Emit for subjects made of ASCII characters only: Python's Unicode categories become their
   * ASCII members (`\d` → `[0-9]`), which match exactly the same characters of such a subject
   * and cost a fraction to build (V8 builds a `\p{…}` class from the Unicode tables each time it
   * meets one). Literals and flags are unchanged.
   */
  private asciiSubject = false;

  constructor(private readonly parsed: ParsedPattern) {
    this.widths = new WidthMeter((g) => parsed.groupWidths[g] ?? null);
    const names = new Set(parsed.groupNames.keys());
    let prefix = "__py";
    while ([...names].some((n) => n.startsWith(prefix))) prefix = `_${prefix}`;
    this.prefix = prefix;
    this.unnamedPrefix = `${prefix}g`;
    for (let g = 1; g <= parsed.groups; g++) this.jsNames.push(`${prefix}g${g}`);
    for (const [name, g] of parsed.groupNames) this.jsNames[g] = name;

    let scopedCase = false;
    let anyAscii = (parsed.flags & FLAG.A) !== 0;
    let anyI = (parsed.flags & FLAG.I) !== 0;
    walk(parsed.body, (n, parents) => {
      if (n.type === "group") {
        if ((n.addFlags | n.delFlags) & FLAG.I) scopedCase = true;
        if (n.addFlags & FLAG.A) anyAscii = true;
        if (n.addFlags & FLAG.I) anyI = true;
        if (n.group !== null) {
          this.groupNodes.set(n.group, n);
          if (parents.some((p) => p.type === "look")) this.wholeSubjectMarkers.add(n.group);
          const onSpine = parents.every(
            (p) =>
              ((p.type === "group" || p.type === "atomic") && p.body.length === 1) ||
              (p.type === "repeat" && p.min >= 1),
          );
          // (and the pattern has one top-level branch: a reference in another branch comes
          // without the group)
          if (onSpine && parsed.body.length === 1) this.mandatory.add(n.group);
        }
      }
    });
    this.expandCase = scopedCase || (anyI && anyAscii);
    this.jsFlagI = !this.expandCase && (parsed.flags & FLAG.I) !== 0;

    walk(parsed.body, (n, parents) => {
      if (n.type !== "backref" && n.type !== "cond") return;
      if (parents.some((p) => p.type === "look")) this.wholeSubjectMarkers.add(n.group);
      const target = this.groupNodes.get(n.group);
      const plain = target !== undefined && this.mandatory.has(n.group) && n.pos >= target.end;
      if (!plain && !this.markers.has(n.group)) this.markers.set(n.group, this.internal("m"));
    });
  }

  private internal(kind: string): string {
    this.counter++;
    return `${this.prefix}${kind}${this.counter}`;
  }

  private unsupported(message: string, node: { pos: number; end?: number }, construct?: string) {
    const text =
      construct ??
      Array.from(this.parsed.source)
        .slice(node.pos, node.end ?? node.pos + 1)
        .join("");
    return new PyRegexError(message, "unsupported", this.parsed.source, node.pos, text);
  }

  /** The JavaScript source; `asciiSubject`: for ASCII subjects only (see {@link asciiSubject}). */
  emitRoot(asciiSubject = false): string {
    this.asciiSubject = asciiSubject;
    const ctx: Ctx = {
      i: (this.parsed.flags & FLAG.I) !== 0,
      m: (this.parsed.flags & FLAG.M) !== 0,
      s: (this.parsed.flags & FLAG.S) !== 0,
      a: (this.parsed.flags & FLAG.A) !== 0,
      behind: false,
    };
    return this.alt(this.parsed.body, ctx);
  }

  private alt(alt: Alternation, ctx: Ctx): string {
    return alt.map((seq) => this.seq(seq, ctx)).join("|");
  }

  private seq(seq: Sequence, ctx: Ctx): string {
    let out = "";
    for (const n of seq) out += this.node(n, ctx, false);
    return out;
  }

  /**
   * The participation marker of group `g`, put where the group closes (at q): a capture the set
   * test below can tell from a group that did not take part (whose backreference matches the
   * empty string anywhere). Where every reference is read at or right of q (no lookaround around
   * the group or its references), the capture runs from q - 1 (or 0) to the end: longer than
   * what is left at any such place, so it never matches there forwards (one walk to the end).
   * Elsewhere it is the whole subject, which cannot match both forwards and backwards at any
   * place (a walk back to the start and one to the end).
   */
  private marker(g: number, name: string): string {
    return this.wholeSubjectMarkers.has(g)
      ? `(?<=^(?=(?<${name}>[\\s\\S]*))[\\s\\S]*)`
      : `(?<=(?=(?<${name}>[\\s\\S]*))(?:[\\s\\S]|^))`;
  }

  /** The set test "group g did not take part". */
  private unset(g: number): string {
    const m = this.markers.get(g);
    return `(?=\\k<${m}>)(?<=\\k<${m}>)`;
  }

  private node(n: Node, ctx: Ctx, atom: boolean): string {
    switch (n.type) {
      case "char":
        return this.char(n.cp, ctx);
      case "any":
        return ctx.s ? "[\\s\\S]" : "[^\\n]";
      case "class":
        return this.cls(n.negate, n.items, ctx);
      case "cat":
        return this.cat(n.cat, ctx);
      case "at": {
        const s = this.at(n.at, ctx);
        return atom ? `(?:${s})` : s;
      }
      case "group": {
        const inner = applyFlags(ctx, n.addFlags, n.delFlags);
        let body = this.alt(n.body, inner);
        if (n.group === null) {
          if (!atom && n.body.length === 1) return body;
          return `(?:${body})`;
        }
        const marker = this.markers.get(n.group);
        if (marker) {
          if (n.body.length > 1) body = `(?:${body})`;
          body += this.marker(n.group, marker);
        }
        return `(?<${this.jsNames[n.group]}>${body})`;
      }
      case "atomic":
        return this.atomic(this.alt(n.body, ctx), n, ctx);
      case "look": {
        if (n.behind) {
          const [lo, hi] = this.widths.branches(n.body);
          if (lo !== hi) {
            throw new PyRegexError(
              "look-behind requires fixed-width pattern",
              "syntax",
              this.parsed.source,
              n.pos,
              Array.from(this.parsed.source).slice(n.pos, n.end).join(""),
            );
          }
        }
        const inner = { ...ctx, behind: ctx.behind || n.behind };
        const body = this.alt(n.body, inner);
        const open = n.behind ? (n.negate ? "(?<!" : "(?<=") : n.negate ? "(?!" : "(?=";
        const s = `${open}${body})`;
        return atom ? `(?:${s})` : s;
      }
      case "repeat": {
        let body = this.node(n.body, ctx, true);
        if (!isAtom(n.body)) body = `(?:${body})`;
        const q = quantifier(n.min, n.max);
        if (n.mode === "lazy") return `${body}${q}?`;
        if (n.mode === "possessive") return this.atomic(`${body}${q}`, n, ctx);
        return `${body}${q}`;
      }
      case "backref": {
        if (ctx.i && this.expandCase) {
          throw this.unsupported(
            "a backreference cannot be case-insensitive inside a scoped (?i:…) group in JavaScript",
            n,
          );
        }
        const ref = `\\k<${this.jsNames[n.group]}>`;
        if (!this.markers.has(n.group)) return ref;
        return `(?:(?!${this.unset(n.group)})${ref})`;
      }
      case "cond": {
        const yes = this.seq(n.yes, ctx);
        const no = n.no ? this.seq(n.no, ctx) : "";
        if (!this.markers.has(n.group)) return `(?:${yes})`;
        const u = this.unset(n.group);
        return `(?:(?!${u})(?:${yes})|${u}(?:${no}))`;
      }
    }
  }

  private atomic(body: string, n: { pos: number; end?: number }, ctx: Ctx): string {
    if (ctx.behind) {
      throw this.unsupported(
        "atomic groups and possessive quantifiers inside a lookbehind have no JavaScript equivalent",
        n,
      );
    }
    const name = this.internal("a");
    return `(?:(?=(?<${name}>${body}))\\k<${name}>)`;
  }

  private char(cp: number, ctx: Ctx): string {
    if (ctx.i && this.expandCase) {
      const v = caseVariants(cp, ctx.a);
      if (v.length > 1) return `[${v.map(litIn).join("")}]`;
    }
    return litOut(cp);
  }

  /**
   * A category as class contents: `plain` goes into a class as it is; `negated` is a set that
   * has to be complemented (`\W`, `\S`), which a `u`-mode class cannot nest.
   */
  private catParts(cat: Category, ctx: Ctx): { plain?: string; negated?: string } {
    const a = ctx.a;
    const u = this.asciiSubject;
    switch (cat) {
      case "d":
        return { plain: a ? ASCII_DIGIT : u ? PY_DIGIT_IN_ASCII : PY_DIGIT };
      case "D":
        return a || u ? { negated: ASCII_DIGIT } : { plain: "\\P{Nd}" };
      case "w":
        return { plain: this.word(ctx) };
      case "W":
        return { negated: this.word(ctx) };
      case "s":
        return { plain: a ? ASCII_SPACE : u ? PY_SPACE_IN_ASCII : PY_SPACE };
      case "S":
        return { negated: a ? ASCII_SPACE : u ? PY_SPACE_IN_ASCII : PY_SPACE };
    }
  }

  /** `\w` as class contents. */
  private word(ctx: Ctx): string {
    return ctx.a ? ASCII_WORD : this.asciiSubject ? PY_WORD_IN_ASCII : PY_WORD;
  }

  private cat(cat: Category, ctx: Ctx): string {
    const p = this.catParts(cat, ctx);
    if (p.negated !== undefined) return `[^${p.negated}]`;
    const plain = p.plain ?? "";
    return plain === PY_DIGIT || plain === "\\P{Nd}" ? plain : `[${plain}]`;
  }

  /**
   * A class: `[plain]`, or, when it holds complemented categories (`[\W\d]`, `[^\S\n]`), the
   * union as an alternation of single-character classes and the intersection as lookaheads.
   */
  private cls(negate: boolean, items: ClassItem[], ctx: Ctx): string {
    let body = "";
    const negated: string[] = [];
    const extra = new Set<number>();
    for (const item of items) {
      if (item.kind === "char") {
        body += litIn(item.cp);
        if (ctx.i && this.expandCase) for (const v of caseVariants(item.cp, ctx.a)) extra.add(v);
      } else if (item.kind === "range") {
        body += item.lo === item.hi ? litIn(item.lo) : `${litIn(item.lo)}-${litIn(item.hi)}`;
        if (ctx.i && this.expandCase) {
          if (ctx.a) {
            for (let c = Math.max(item.lo, 0x41); c <= Math.min(item.hi, 0x7a); c++) {
              for (const v of caseVariants(c, true)) extra.add(v);
            }
          } else {
            for (const [c, vs] of caseTable()) {
              if (c >= item.lo && c <= item.hi) for (const v of vs) extra.add(v);
            }
          }
        }
      } else {
        const p = this.catParts(item.cat, ctx);
        if (p.negated !== undefined) {
          if (!negated.includes(p.negated)) negated.push(p.negated);
        } else body += p.plain ?? "";
      }
    }
    for (const v of [...extra].sort((x, y) => x - y)) body += litIn(v);
    if (negated.length === 0) return `[${negate ? "^" : ""}${body}]`;
    if (body === "" && negated.length === 1) return `[${negate ? "" : "^"}${negated[0]}]`;
    if (!negate) {
      const alts = [...(body ? [`[${body}]`] : []), ...negated.map((n) => `[^${n}]`)];
      return `(?:${alts.join("|")})`;
    }
    // not (body or not N1 or not N2...) = in N1 and in N2... and not in body
    const [first, ...rest] = negated;
    return `(?:${body ? `(?![${body}])` : ""}${rest.map((n) => `(?=[${n}])`).join("")}[${first}])`;
  }

  private at(at: AtKind, ctx: Ctx): string {
    const word = this.word(ctx);
    switch (at) {
      case "beginning":
        return ctx.m ? "(?<![^\\n])" : "^";
      case "end":
        return ctx.m ? "(?![^\\n])" : "(?=\\n?$)";
      case "beginning-string":
        return "^";
      case "end-string":
        return "$";
      case "boundary":
        return `(?:(?<=[${word}])(?![${word}])|(?<![${word}])(?=[${word}]))`;
      case "non-boundary":
        // like sre, never on an empty subject
        return `(?:(?<=[${word}])(?=[${word}])|(?<![${word}])(?![${word}])(?:(?=[\\s\\S])|(?<=[\\s\\S])))`;
    }
  }
}

function isAtom(n: Node): boolean {
  switch (n.type) {
    case "char":
    case "any":
    case "class":
    case "cat":
      return true;
    case "group":
      return n.group !== null;
    default:
      return false;
  }
}

function quantifier(min: number, max: number): string {
  if (max >= MAXREPEAT) {
    if (min === 0) return "*";
    if (min === 1) return "+";
    return `{${min},}`;
  }
  if (min === 0 && max === 1) return "?";
  if (min === max) return `{${min}}`;
  return `{${min},${max}}`;
}

const SINGLE = new Set(["char", "any", "class", "cat"]);

/**
 * `(?:C*|Y)*` → `(?:C|Y)*`: a branch that is nothing but a repeat of one character (class),
 * inside an unbounded repeat of a non-capturing group, is the same language with the inner repeat
 * dropped — and the ambiguity that backtracks exponentially is gone. fail2ban's own rfc5424 prefix
 * (`(?:\[(?:[^\]"]*|"[^"]*")*\])+`) has this shape. Only the same greediness, no captures in the
 * branch; when such a branch could match empty, the outer repeat's minimum becomes 0 (same language).
 */
function flattenStarOfStar(
  alt: Alternation,
  source: string,
): { position: number; construct: string }[] {
  const cps = Array.from(source);
  const done: { position: number; construct: string }[] = [];
  const visit = (n: Node) => {
    switch (n.type) {
      case "group":
      case "atomic":
      case "look":
        for (const seq of n.body) for (const x of seq) visit(x);
        return;
      case "cond":
        for (const x of n.yes) visit(x);
        for (const x of n.no ?? []) visit(x);
        return;
      case "repeat": {
        visit(n.body);
        const body = n.body;
        if (n.max < MAXREPEAT || n.mode === "possessive") return;
        if (body.type !== "group" || body.group !== null || body.addFlags || body.delFlags) return;
        for (let b = 0; b < body.body.length; b++) {
          const seq = body.body[b];
          const only = seq?.length === 1 ? seq[0] : undefined;
          if (
            only?.type === "repeat" &&
            only.max >= MAXREPEAT &&
            only.min <= 1 &&
            only.mode === n.mode &&
            SINGLE.has(only.body.type)
          ) {
            body.body[b] = [only.body];
            if (only.min === 0) n.min = 0;
            done.push({ position: only.pos, construct: cps.slice(only.pos, only.end).join("") });
          }
        }
        return;
      }
      default:
        return;
    }
  };
  for (const seq of alt) for (const x of seq) visit(x);
  return done;
}

/** Groups not in `keep` and read by no backreference or conditional become non-capturing. */
function uncapture(alt: Alternation, keep: ReadonlySet<number>): void {
  const read = new Set<number>(keep);
  walk(alt, (n) => {
    if (n.type === "backref" || n.type === "cond") read.add(n.group);
  });
  walk(alt, (n) => {
    if (n.type === "group" && n.group !== null && !read.has(n.group)) {
      n.group = null;
      delete n.name;
    }
  });
}

/**
 * Translate a Python pattern. Throws {@link PyRegexError} when it cannot be translated (the
 * message names the construct and its position).
 */
export function translatePython(pattern: string, opts: TranslateOptions = {}): Translation {
  const parsed = parsePython(pattern, opts.flags ?? 0);
  const rewrites = flattenStarOfStar(parsed.body, pattern);
  if (opts.captureOnly) {
    const keep = opts.captureOnly === "named" ? parsed.groupNames.values() : opts.captureOnly;
    uncapture(parsed.body, new Set(keep));
  }
  const emitter = new Emitter(parsed);
  const source0 = emitter.emitRoot();
  const warnings: RegexWarning[] = rewrites.map((r) => ({
    message: `nested repeat ${r.construct} matched as its single-repeat equivalent (avoids catastrophic backtracking)`,
    position: r.position,
    construct: r.construct,
  }));
  const findings: SafetyFinding[] = checkBacktracking(parsed);
  for (const f of findings) {
    if ((opts.unsafe ?? "reject") === "reject") {
      throw new PyRegexError(f.message, "unsafe", pattern, f.position, f.construct);
    }
    warnings.push(f);
  }
  const numbered = numberGroups(source0, parsed.groups);
  const source = numbered.source;
  const numberedSource = numberGroups(source, parsed.groups, numbered.named).source;
  for (const [name, g] of parsed.groupNames) numbered.jsIndex[g] = numbered.named.get(name) ?? 0;
  const ascii = numberGroups(emitter.emitRoot(true), parsed.groups);
  const asciiSource = numberGroups(ascii.source, parsed.groups, ascii.named).source;
  const flags = emitter.jsFlagI ? "iu" : "u";
  // validated on the ASCII form (the one most lines use): building a Unicode RegExp costs, and
  // the other forms have the same syntax (they differ in group names and class contents)
  let asciiRegExp: RegExp;
  try {
    asciiRegExp = new RegExp(asciiSource, flags);
  } catch (e) {
    throw new PyRegexError(
      `JavaScript refuses the translation (${(e as Error).message})`,
      "unsupported",
      pattern,
      0,
    );
  }
  const jsNames = emitter.jsNames.map((n, g) =>
    g > 0 && n.startsWith(emitter.unnamedPrefix) ? "" : n,
  );
  return {
    pattern,
    source,
    flags,
    groupCount: parsed.groups,
    groupNames: parsed.groupNames,
    jsNames,
    jsIndex: numbered.jsIndex,
    numberedSource,
    asciiSource,
    asciiRegExp,
    parsed,
    warnings,
  };
}

/**
 * Unnamed Python groups are emitted as `(?<…gN>` so that the emitter can refer to them; here they
 * become plain `(` (a named group costs a property in every match's `groups`), their
 * backreferences `\k<…gN>` become `(?:\i)`, and every Python group gets its JavaScript number.
 * Given `strip` (the `named` map of a first pass), every named group becomes plain as well and
 * its backreferences numbered.
 */
function numberGroups(
  src: string,
  pyGroups: number,
  strip?: ReadonlyMap<string, number>,
): { source: string; jsIndex: number[]; named: Map<string, number> } {
  const jsIndex: number[] = new Array<number>(pyGroups + 1).fill(0);
  const named = new Map<string, number>();
  const unnamed = /^\(\?<_*__pyg(\d+)>/;
  const backref = /^\\k<_*__pyg(\d+)>/;
  const namedRef = /^\\k<([^>]+)>/;
  let out = "";
  let count = 0;
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === "\\") {
      const br = backref.exec(src.slice(i, i + 40));
      if (br) {
        out += `(?:\\${jsIndex[Number(br[1])]})`;
        i += br[0].length;
        continue;
      }
      const nr = strip && src[i + 1] === "k" ? namedRef.exec(src.slice(i, i + 200)) : null;
      const target = nr ? strip?.get(nr[1] ?? "") : undefined;
      if (nr && target !== undefined) {
        out += `(?:\\${target})`;
        i += nr[0].length;
        continue;
      }
      out += src.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === "[") {
      let j = i + 1;
      while (j < src.length && src[j] !== "]") j += src[j] === "\\" ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === "(") {
      const rest = src.slice(i, i + 200);
      const un = unnamed.exec(rest);
      if (un) {
        count++;
        jsIndex[Number(un[1])] = count;
        out += "(";
        i += un[0].length;
        continue;
      }
      if (src[i + 1] !== "?") count++;
      else if (src[i + 2] === "<" && src[i + 3] !== "=" && src[i + 3] !== "!") {
        count++;
        const name = /^\(\?<([^>]+)>/.exec(rest)?.[1];
        if (name) named.set(name, count);
        if (name && strip) {
          out += "(";
          i += name.length + 4;
          continue;
        }
      }
    }
    out += c;
    i++;
  }
  return { source: out, jsIndex, named };
}

/**
 * A translation's numbered RegExp, with extra flags, in its two forms: for subjects of ASCII
 * characters only (made at once, quick to build: see {@link Translation.asciiSource}) and for any
 * subject (made when the first other one comes: a Unicode RegExp costs to build).
 */
export class NumberedForms {
  readonly ascii: RegExp;
  private any: RegExp | undefined;
  constructor(
    private readonly t: Translation,
    private readonly extra: string,
  ) {
    // without extra flags, the RegExp the translation was validated with
    this.ascii = extra ? new RegExp(t.asciiSource, t.flags + extra) : t.asciiRegExp;
  }
  /** The form for a subject that is (`ascii`) or may not be made of ASCII characters only. */
  for(ascii: boolean): RegExp {
    if (ascii) return this.ascii;
    this.any ??= new RegExp(this.t.numberedSource, this.t.flags + this.extra);
    return this.any;
  }
}

/** A compiled translation: the RegExp, and its groups by Python name or number. */
export class PyRegExp {
  readonly translation: Translation;
  private namedRe: RegExp | undefined;
  constructor(pattern: string, opts: TranslateOptions = {}) {
    this.translation = translatePython(pattern, opts);
  }
  /** The RegExp of {@link Translation.source} (made on first use: a Unicode RegExp costs to build). */
  get regexp(): RegExp {
    this.namedRe ??= new RegExp(this.translation.source, this.translation.flags);
    return this.namedRe;
  }
  /**
   * The numbered RegExps (groups by number only: cheaper matches) with extra flags (`g`, `y`, `d`),
   * in both forms (see {@link NumberedForms}).
   */
  numbered(extra = ""): NumberedForms {
    return new NumberedForms(this.translation, extra);
  }
  /** Python's `groupdict()` of a match: every named group, null where it did not take part. */
  groupdict(m: RegExpExecArray): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    const g = m.groups ?? {};
    for (const name of this.translation.groupNames.keys()) out[name] = g[name] ?? null;
    return out;
  }
  /** Python's `group(n)`. */
  group(m: RegExpExecArray, n: number): string | null {
    if (n === 0) return m[0];
    const i = this.translation.jsIndex[n];
    return i === undefined || i === 0 ? null : (m[i] ?? null);
  }
}
