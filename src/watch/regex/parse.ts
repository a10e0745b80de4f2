/**
 * A parser for Python `re` patterns (str patterns, Python 3.11 as shipped by Debian bookworm),
 * ported from CPython's `Lib/re/_parser.py` so that it accepts exactly what Python accepts and
 * refuses the rest with Python's own message and position.
 */
import {
  type Alternation,
  type Category,
  type ClassItem,
  FLAG,
  FLAG_LETTERS,
  MAXREPEAT,
  type Node,
  type ParsedPattern,
  type Sequence,
} from "./ast.js";
import { PyRegexError } from "./errors.js";

const SPECIAL_CHARS = new Set(".\\[{()*+?^$|");
const REPEAT_CHARS = new Set("*+?{");
const DIGITS = new Set("0123456789");
const OCTDIGITS = new Set("01234567");
const HEXDIGITS = new Set("0123456789abcdefABCDEF");
const WHITESPACE = new Set(" \t\n\r\v\f");
const TYPE_FLAGS = FLAG.A | FLAG.L | FLAG.U;
const GLOBAL_FLAGS = FLAG.T;
const MAXGROUPS = 1073741823;

const ESCAPES: Record<string, number> = {
  "\\a": 7,
  "\\b": 8,
  "\\f": 12,
  "\\n": 10,
  "\\r": 13,
  "\\t": 9,
  "\\v": 11,
  "\\\\": 92,
};

const CATEGORIES: Record<string, Node["type"] | Category> = {
  "\\d": "d",
  "\\D": "D",
  "\\s": "s",
  "\\S": "S",
  "\\w": "w",
  "\\W": "W",
};
const AT_ESCAPES: Record<string, "beginning-string" | "boundary" | "non-boundary" | "end-string"> =
  {
    "\\A": "beginning-string",
    "\\b": "boundary",
    "\\B": "non-boundary",
    "\\Z": "end-string",
  };

const isAsciiLetter = (c: string) => /^[A-Za-z]$/.test(c);
const IDENT_RE = /^[\p{XID_Start}_][\p{XID_Continue}]*$/u;

/** Python's repr() of a str, enough for error messages. */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = "";
  for (const c of s) {
    const cp = c.codePointAt(0) ?? 0;
    if (c === "\\") out += "\\\\";
    else if (c === quote) out += `\\${c}`;
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\t") out += "\\t";
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else out += c;
  }
  return quote + out + quote;
}

class Tokenizer {
  readonly cps: string[];
  index = 0;
  next: string | null = null;
  constructor(readonly pattern: string) {
    this.cps = Array.from(pattern);
    this.advance();
  }
  private advance(): void {
    let index = this.index;
    let char = this.cps[index];
    if (char === undefined) {
      this.next = null;
      return;
    }
    if (char === "\\") {
      index += 1;
      const c2 = this.cps[index];
      if (c2 === undefined) {
        throw new PyRegexError(
          "bad escape (end of pattern)",
          "syntax",
          this.pattern,
          this.cps.length - 1,
          "\\",
        );
      }
      char += c2;
    }
    this.index = index + 1;
    this.next = char;
  }
  match(char: string): boolean {
    if (char === this.next) {
      this.advance();
      return true;
    }
    return false;
  }
  get(): string | null {
    const t = this.next;
    this.advance();
    return t;
  }
  getwhile(n: number, charset: Set<string>): string {
    let result = "";
    for (let i = 0; i < n; i++) {
      const c = this.next;
      if (c === null || !charset.has(c)) break;
      result += c;
      this.advance();
    }
    return result;
  }
  getuntil(terminator: string, name: string): string {
    let result = "";
    let len = 0;
    for (;;) {
      const c = this.next;
      this.advance();
      if (c === null) {
        if (!result) throw this.error(`missing ${name}`);
        throw this.error(`missing ${terminator}, unterminated name`, len);
      }
      if (c === terminator) {
        if (!result) throw this.error(`missing ${name}`, 1);
        break;
      }
      result += c;
      len += Array.from(c).length;
    }
    return result;
  }
  tell(): number {
    return this.index - (this.next === null ? 0 : Array.from(this.next).length);
  }
  seek(index: number): void {
    this.index = index;
    this.advance();
  }
  error(msg: string, offset = 0, construct?: string): PyRegexError {
    const pos = this.tell() - offset;
    return new PyRegexError(msg, "syntax", this.pattern, pos, construct);
  }
  /** The pattern text from code point `from` to the current position. */
  slice(from: number, to = this.tell()): string {
    return this.cps.slice(from, to).join("");
  }
  checkgroupname(name: string, offset: number): void {
    if (!IDENT_RE.test(name)) {
      throw this.error(
        `bad character in group name ${pyRepr(name)}`,
        Array.from(name).length + offset,
      );
    }
  }
}

type Width = [number, number];

class State {
  flags = 0;
  groupdict = new Map<string, number>();
  groupwidths: (Width | null)[] = [null];
  private readonly widths = new WidthMeter((g) => this.groupwidths[g] ?? null);
  lookbehindgroups: number | null = null;
  grouprefpos = new Map<number, number>();
  get groups(): number {
    return this.groupwidths.length;
  }
  opengroup(source: Tokenizer, name: string | undefined, nameLen: number): number {
    const gid = this.groups;
    this.groupwidths.push(null);
    if (this.groups > MAXGROUPS) throw source.error("too many groups", nameLen);
    if (name !== undefined) {
      const ogid = this.groupdict.get(name);
      if (ogid !== undefined) {
        throw source.error(
          `redefinition of group name ${pyRepr(name)} as group ${gid}; was group ${ogid}`,
          nameLen,
        );
      }
      this.groupdict.set(name, gid);
    }
    return gid;
  }
  closegroup(gid: number, p: Alternation): void {
    const w = this.widths.branches(p);
    this.groupwidths[gid] = [Math.min(w[0], MAXREPEAT - 1), Math.min(w[1], MAXREPEAT)];
  }
  checkgroup(gid: number): boolean {
    return gid < this.groups && this.groupwidths[gid] !== null;
  }
  checklookbehindgroup(gid: number, source: Tokenizer): void {
    if (this.lookbehindgroups !== null) {
      if (!this.checkgroup(gid)) throw source.error("cannot refer to an open group");
      if (gid >= this.lookbehindgroups) {
        throw source.error("cannot refer to group defined in the same lookbehind subpattern");
      }
    }
  }
}

/**
 * SubPattern.getwidth(): (min, max) length of what a sequence matches. Like Python's, which keeps
 * each subpattern's width, a width is worked out once per group body: groups nest deeply in
 * fail2ban's patterns (`<HOST>` alone is five levels), and working each one out again for every
 * enclosing group made loading a filter quadratic in its nesting.
 */
export class WidthMeter {
  private readonly known = new WeakMap<Alternation, Width>();
  /** `groupWidth`: the width of a capturing group (a backreference matches what it matched). */
  constructor(private readonly groupWidth: (g: number) => Width | null) {}

  sequence(seq: Sequence): Width {
    let lo = 0;
    let hi = 0;
    for (const node of seq) {
      const [i, j] = this.node(node);
      lo += i;
      hi += j;
    }
    return [Math.min(lo, MAXREPEAT - 1), Math.min(hi, MAXREPEAT)];
  }

  branches(alt: Alternation): Width {
    const known = this.known.get(alt);
    if (known) return known;
    let w: Width;
    if (alt.length === 1) w = this.sequence(alt[0] ?? []);
    else {
      let i = MAXREPEAT - 1;
      let j = 0;
      for (const seq of alt) {
        const [l, h] = this.sequence(seq);
        i = Math.min(i, l);
        j = Math.max(j, h);
      }
      w = [i, j];
    }
    this.known.set(alt, w);
    return w;
  }

  private node(node: Node): Width {
    switch (node.type) {
      case "char":
      case "any":
      case "class":
      case "cat":
        return [1, 1];
      case "group":
      case "atomic":
        return this.branches(node.body);
      case "repeat": {
        const [i, j] = this.node(node.body);
        return [i * node.min, j * node.max];
      }
      case "backref":
        return this.groupWidth(node.group) ?? [0, 0];
      case "cond": {
        let [i, j] = this.sequence(node.yes);
        if (node.no !== null) {
          const [l, h] = this.sequence(node.no);
          i = Math.min(i, l);
          j = Math.max(j, h);
        } else i = 0;
        return [i, j];
      }
      default:
        return [0, 0];
    }
  }
}

function classEscape(source: Tokenizer, esc: string): ClassItem {
  const code = ESCAPES[esc];
  if (code !== undefined) return { kind: "char", cp: code };
  const cat = CATEGORIES[esc];
  if (cat !== undefined) return { kind: "cat", cat: cat as Category };
  const cp = numericEscape(source, esc, true);
  if (cp !== undefined) return { kind: "char", cp };
  throw source.error(`bad escape ${esc}`, Array.from(esc).length, esc);
}

/**
 * The escapes both contexts share: `\x`, `\u`, `\U`, `\N{…}`, octal, and `\<punctuation>`.
 * Returns undefined where Python goes on to its "bad escape" error.
 */
function numericEscape(source: Tokenizer, esc0: string, inClass: boolean): number | undefined {
  let esc = esc0;
  const c = esc.slice(1, 2);
  if (c === "x") {
    esc += source.getwhile(2, HEXDIGITS);
    if (esc.length !== 4) throw source.error(`incomplete escape ${esc}`, esc.length);
    return Number.parseInt(esc.slice(2), 16);
  }
  if (c === "u") {
    esc += source.getwhile(4, HEXDIGITS);
    if (esc.length !== 6) throw source.error(`incomplete escape ${esc}`, esc.length);
    return Number.parseInt(esc.slice(2), 16);
  }
  if (c === "U") {
    esc += source.getwhile(8, HEXDIGITS);
    if (esc.length !== 10) throw source.error(`incomplete escape ${esc}`, esc.length);
    const v = Number.parseInt(esc.slice(2), 16);
    if (v > 0x10ffff) throw source.error(`bad escape ${esc}`, esc.length);
    return v;
  }
  if (c === "N") {
    // Python looks the name up in its Unicode database; this translator has none.
    const start = source.tell() - 2;
    if (!source.match("{")) throw source.error("missing {");
    const charname = source.getuntil("}", "character name");
    throw new PyRegexError(
      "named Unicode escapes are not supported (write the character or \\uXXXX instead)",
      "unsupported",
      source.pattern,
      start,
      `\\N{${charname}}`,
    );
  }
  if (inClass) {
    if (OCTDIGITS.has(c)) {
      esc += source.getwhile(2, OCTDIGITS);
      const v = Number.parseInt(esc.slice(1), 8);
      if (v > 0o377) {
        throw source.error(`octal escape value ${esc} outside of range 0-0o377`, esc.length);
      }
      return v;
    }
    if (DIGITS.has(c)) return undefined;
  }
  if (esc.length === 2) {
    if (isAsciiLetter(c)) return undefined;
    return esc.codePointAt(1);
  }
  return undefined;
}

function escapeNode(source: Tokenizer, esc: string, state: State, pos: number): Node {
  const at = AT_ESCAPES[esc];
  if (at) return { type: "at", at, pos };
  const cat = CATEGORIES[esc];
  if (cat !== undefined) return { type: "cat", cat: cat as Category, pos };
  const code = ESCAPES[esc];
  if (code !== undefined) return { type: "char", cp: code, pos };
  const c = esc.slice(1, 2);
  if (c === "0") {
    const e = esc + source.getwhile(2, OCTDIGITS);
    return { type: "char", cp: Number.parseInt(e.slice(1), 8), pos };
  }
  if (DIGITS.has(c)) {
    // octal escape *or* decimal group reference
    let e = esc;
    if (source.next !== null && DIGITS.has(source.next)) {
      e += source.get();
      const e1 = e[1] ?? "";
      const e2 = e[2] ?? "";
      if (
        OCTDIGITS.has(e1) &&
        OCTDIGITS.has(e2) &&
        source.next !== null &&
        OCTDIGITS.has(source.next)
      ) {
        e += source.get();
        const v = Number.parseInt(e.slice(1), 8);
        if (v > 0o377) {
          throw source.error(`octal escape value ${e} outside of range 0-0o377`, e.length);
        }
        return { type: "char", cp: v, pos };
      }
    }
    const group = Number.parseInt(e.slice(1), 10);
    if (group < state.groups) {
      if (!state.checkgroup(group)) throw source.error("cannot refer to an open group", e.length);
      state.checklookbehindgroup(group, source);
      return { type: "backref", group, pos };
    }
    throw source.error(`invalid group reference ${group}`, e.length - 1);
  }
  const cp = numericEscape(source, esc, false);
  if (cp !== undefined) return { type: "char", cp, pos };
  throw source.error(`bad escape ${esc}`, Array.from(esc).length, esc);
}

function parseSub(source: Tokenizer, state: State, verbose0: boolean, nested: number): Alternation {
  let verbose = verbose0;
  const items: Alternation = [];
  for (;;) {
    items.push(parseSeq(source, state, verbose, nested + 1, !nested && items.length === 0));
    if (!source.match("|")) break;
    if (!nested) verbose = (state.flags & FLAG.X) !== 0;
  }
  return items;
}

function parseSeq(
  source: Tokenizer,
  state: State,
  verbose0: boolean,
  nested: number,
  first = false,
): Sequence {
  let verbose = verbose0;
  const subpattern: Sequence = [];
  for (;;) {
    const thisTok = source.next;
    if (thisTok === null) break;
    if (thisTok === "|" || thisTok === ")") break;
    const here0 = source.tell();
    source.get();

    if (verbose) {
      if (WHITESPACE.has(thisTok)) continue;
      if (thisTok === "#") {
        for (;;) {
          const t = source.get();
          if (t === null || t === "\n") break;
        }
        continue;
      }
    }

    if (thisTok[0] === "\\") {
      subpattern.push(escapeNode(source, thisTok, state, here0));
    } else if (!SPECIAL_CHARS.has(thisTok)) {
      subpattern.push({ type: "char", cp: thisTok.codePointAt(0) ?? 0, pos: here0 });
    } else if (thisTok === "[") {
      subpattern.push(parseClass(source, here0));
    } else if (REPEAT_CHARS.has(thisTok)) {
      const here = source.tell();
      let min: number;
      let max: number;
      if (thisTok === "?") {
        min = 0;
        max = 1;
      } else if (thisTok === "*") {
        min = 0;
        max = MAXREPEAT;
      } else if (thisTok === "+") {
        min = 1;
        max = MAXREPEAT;
      } else {
        // "{"
        if (source.next === "}") {
          subpattern.push({ type: "char", cp: 0x7b, pos: here0 });
          continue;
        }
        min = 0;
        max = MAXREPEAT;
        let lo = "";
        let hi = "";
        while (source.next !== null && DIGITS.has(source.next)) lo += source.get();
        if (source.match(",")) {
          while (source.next !== null && DIGITS.has(source.next)) hi += source.get();
        } else hi = lo;
        if (!source.match("}")) {
          subpattern.push({ type: "char", cp: 0x7b, pos: here0 });
          source.seek(here);
          continue;
        }
        if (lo) {
          min = Number(lo);
          if (min >= MAXREPEAT) {
            throw source.error("the repetition number is too large", source.tell() - here0);
          }
        }
        if (hi) {
          max = Number(hi);
          if (max >= MAXREPEAT) {
            throw source.error("the repetition number is too large", source.tell() - here0);
          }
          if (max < min)
            throw source.error("min repeat greater than max repeat", source.tell() - here);
        }
      }
      const item = subpattern[subpattern.length - 1];
      if (!item || item.type === "at") {
        throw source.error("nothing to repeat", source.tell() - here + thisTok.length);
      }
      if (item.type === "repeat") {
        throw source.error("multiple repeat", source.tell() - here + thisTok.length);
      }
      let mode: "greedy" | "lazy" | "possessive" = "greedy";
      if (source.match("?")) mode = "lazy";
      else if (source.match("+")) mode = "possessive";
      subpattern[subpattern.length - 1] = {
        type: "repeat",
        min,
        max,
        mode,
        body: item,
        pos: item.pos,
        end: source.tell(),
      };
    } else if (thisTok === ".") {
      subpattern.push({ type: "any", pos: here0 });
    } else if (thisTok === "(") {
      const start = source.tell() - 1;
      let capture = true;
      let atomic = false;
      let name: string | undefined;
      let addFlags = 0;
      let delFlags = 0;
      if (source.match("?")) {
        const char = source.get();
        if (char === null) throw source.error("unexpected end of pattern");
        if (char === "P") {
          if (source.match("<")) {
            name = source.getuntil(">", "group name");
            source.checkgroupname(name, 1);
          } else if (source.match("=")) {
            const refName = source.getuntil(")", "group name");
            source.checkgroupname(refName, 1);
            const gid = state.groupdict.get(refName);
            const nl = Array.from(refName).length;
            if (gid === undefined) {
              throw source.error(`unknown group name ${pyRepr(refName)}`, nl + 1);
            }
            if (!state.checkgroup(gid)) throw source.error("cannot refer to an open group", nl + 1);
            state.checklookbehindgroup(gid, source);
            subpattern.push({ type: "backref", group: gid, pos: start });
            continue;
          } else {
            const c2 = source.get();
            if (c2 === null) throw source.error("unexpected end of pattern");
            throw source.error(`unknown extension ?P${c2}`, c2.length + 2);
          }
        } else if (char === ":") {
          capture = false;
        } else if (char === "#") {
          for (;;) {
            if (source.next === null) {
              throw source.error("missing ), unterminated comment", source.tell() - start);
            }
            if (source.get() === ")") break;
          }
          continue;
        } else if (char === "=" || char === "!" || char === "<") {
          let behind = false;
          let kind = char;
          let savedLookbehind: number | null = null;
          if (char === "<") {
            const c2 = source.get();
            if (c2 === null) throw source.error("unexpected end of pattern");
            if (c2 !== "=" && c2 !== "!") {
              const hint = /^[\p{L}_]$/u.test(c2)
                ? "(?<name>…) is not Python syntax: use (?P<name>…)"
                : undefined;
              throw source.error(`unknown extension ?<${c2}`, c2.length + 2, hint);
            }
            kind = c2;
            behind = true;
            savedLookbehind = state.lookbehindgroups;
            if (savedLookbehind === null) state.lookbehindgroups = state.groups;
          }
          const p = parseSub(source, state, verbose, nested + 1);
          if (behind && savedLookbehind === null) state.lookbehindgroups = null;
          if (!source.match(")")) {
            throw source.error("missing ), unterminated subpattern", source.tell() - start);
          }
          subpattern.push({
            type: "look",
            behind,
            negate: kind === "!",
            body: p,
            pos: start,
            end: source.tell(),
          });
          continue;
        } else if (char === "(") {
          const condname = source.getuntil(")", "group name");
          const cl = Array.from(condname).length;
          let condgroup: number;
          if (IDENT_RE.test(condname)) {
            const g = state.groupdict.get(condname);
            if (g === undefined)
              throw source.error(`unknown group name ${pyRepr(condname)}`, cl + 1);
            condgroup = g;
          } else {
            const m = /^\s*\+?([0-9]+(?:_[0-9]+)*)\s*$/.exec(condname);
            if (!m?.[1])
              throw source.error(`bad character in group name ${pyRepr(condname)}`, cl + 1);
            condgroup = Number(m[1].replaceAll("_", ""));
            if (!condgroup) throw source.error("bad group number", cl + 1);
            if (condgroup >= MAXGROUPS)
              throw source.error(`invalid group reference ${condgroup}`, cl + 1);
            if (!state.grouprefpos.has(condgroup)) {
              state.grouprefpos.set(condgroup, source.tell() - cl - 1);
            }
          }
          state.checklookbehindgroup(condgroup, source);
          const yes = parseSeq(source, state, verbose, nested + 1);
          let no: Sequence | null = null;
          if (source.match("|")) {
            no = parseSeq(source, state, verbose, nested + 1);
            if (source.next === "|") {
              throw source.error("conditional backref with more than two branches");
            }
          }
          if (!source.match(")")) {
            throw source.error("missing ), unterminated subpattern", source.tell() - start);
          }
          subpattern.push({
            type: "cond",
            group: condgroup,
            yes,
            no,
            pos: start,
            end: source.tell(),
          });
          continue;
        } else if (char === ">") {
          capture = false;
          atomic = true;
        } else if (FLAG_LETTERS[char] !== undefined || char === "-") {
          const flags = parseFlags(source, state, char);
          if (flags === null) {
            if (!first || subpattern.length > 0) {
              throw source.error(
                "global flags not at the start of the expression",
                source.tell() - start,
              );
            }
            verbose = (state.flags & FLAG.X) !== 0;
            continue;
          }
          [addFlags, delFlags] = flags;
          capture = false;
        } else {
          throw source.error(`unknown extension ?${char}`, char.length + 1);
        }
      }
      let group: number | null = null;
      if (capture) group = state.opengroup(source, name, name ? Array.from(name).length + 1 : 0);
      const subVerbose = (verbose || (addFlags & FLAG.X) !== 0) && !(delFlags & FLAG.X);
      const p = parseSub(source, state, subVerbose, nested + 1);
      if (!source.match(")")) {
        throw source.error("missing ), unterminated subpattern", source.tell() - start);
      }
      if (group !== null) state.closegroup(group, p);
      if (atomic) {
        subpattern.push({ type: "atomic", body: p, pos: start, end: source.tell() });
      } else {
        const node: Node = {
          type: "group",
          group,
          addFlags,
          delFlags,
          body: p,
          pos: start,
          end: source.tell(),
        };
        if (name !== undefined) node.name = name;
        subpattern.push(node);
      }
    } else if (thisTok === "^") {
      subpattern.push({ type: "at", at: "beginning", pos: here0 });
    } else if (thisTok === "$") {
      subpattern.push({ type: "at", at: "end", pos: here0 });
    }
  }
  return subpattern;
}

function parseClass(source: Tokenizer, here: number): Node {
  const items: ClassItem[] = [];
  const negate = source.match("^");
  for (;;) {
    const thisTok = source.get();
    if (thisTok === null) {
      throw source.error("unterminated character set", source.tell() - here);
    }
    if (thisTok === "]" && items.length > 0) break;
    let code1: ClassItem;
    if (thisTok[0] === "\\") code1 = classEscape(source, thisTok);
    else code1 = { kind: "char", cp: thisTok.codePointAt(0) ?? 0 };
    if (source.match("-")) {
      const that = source.get();
      if (that === null) throw source.error("unterminated character set", source.tell() - here);
      if (that === "]") {
        items.push(code1);
        items.push({ kind: "char", cp: 0x2d });
        break;
      }
      let code2: ClassItem;
      if (that[0] === "\\") code2 = classEscape(source, that);
      else code2 = { kind: "char", cp: that.codePointAt(0) ?? 0 };
      const len = Array.from(thisTok).length + 1 + Array.from(that).length;
      if (code1.kind !== "char" || code2.kind !== "char") {
        throw source.error(`bad character range ${thisTok}-${that}`, len, `${thisTok}-${that}`);
      }
      if (code2.cp < code1.cp) {
        throw source.error(`bad character range ${thisTok}-${that}`, len, `${thisTok}-${that}`);
      }
      items.push({ kind: "range", lo: code1.cp, hi: code2.cp });
    } else {
      items.push(code1);
    }
  }
  return { type: "class", negate, items, pos: here };
}

function parseFlags(source: Tokenizer, state: State, char0: string): [number, number] | null {
  let char: string | null = char0;
  let addFlags = 0;
  let delFlags = 0;
  if (char !== "-") {
    for (;;) {
      const flag: number = FLAG_LETTERS[char as string] ?? 0;
      if (char === "L") {
        throw source.error("bad inline flags: cannot use 'L' flag with a str pattern");
      }
      addFlags |= flag;
      if (flag & TYPE_FLAGS && (addFlags & TYPE_FLAGS) !== flag) {
        throw source.error("bad inline flags: flags 'a', 'u' and 'L' are incompatible");
      }
      char = source.get();
      if (char === null) throw source.error("missing -, : or )");
      if (char === ")" || char === "-" || char === ":") break;
      if (FLAG_LETTERS[char] === undefined) {
        const msg = /^\p{L}$/u.test(char) ? "unknown flag" : "missing -, : or )";
        throw source.error(msg, char.length);
      }
    }
  }
  if (char === ")") {
    state.flags |= addFlags;
    return null;
  }
  if (addFlags & GLOBAL_FLAGS)
    throw source.error("bad inline flags: cannot turn on global flag", 1);
  if (char === "-") {
    char = source.get();
    if (char === null) throw source.error("missing flag");
    if (FLAG_LETTERS[char] === undefined) {
      const msg = /^\p{L}$/u.test(char) ? "unknown flag" : "missing flag";
      throw source.error(msg, char.length);
    }
    for (;;) {
      const flag: number = FLAG_LETTERS[char as string] ?? 0;
      if (flag & TYPE_FLAGS) {
        throw source.error("bad inline flags: cannot turn off flags 'a', 'u' and 'L'");
      }
      delFlags |= flag;
      char = source.get();
      if (char === null) throw source.error("missing :");
      if (char === ":") break;
      if (FLAG_LETTERS[char] === undefined) {
        const msg = /^\p{L}$/u.test(char) ? "unknown flag" : "missing :";
        throw source.error(msg, char.length);
      }
    }
  }
  if (delFlags & GLOBAL_FLAGS)
    throw source.error("bad inline flags: cannot turn off global flag", 1);
  if (addFlags & delFlags) throw source.error("bad inline flags: flag turned on and off", 1);
  return [addFlags, delFlags];
}

/**
 * Parse a Python str pattern as `re.compile(pattern, flags)` would. Throws {@link PyRegexError}
 * with Python's message and position for what Python refuses.
 */
export function parsePython(pattern: string, flags = 0): ParsedPattern {
  const source = new Tokenizer(pattern);
  const state = new State();
  state.flags = flags;
  const body = parseSub(source, state, (flags & FLAG.X) !== 0, 0);
  if (state.flags & FLAG.L) {
    throw new PyRegexError("cannot use LOCALE flag with a str pattern", "syntax", pattern, 0);
  }
  if (!(state.flags & FLAG.A)) state.flags |= FLAG.U;
  else if (state.flags & FLAG.U) {
    throw new PyRegexError("ASCII and UNICODE flags are incompatible", "syntax", pattern, 0);
  }
  if (source.next !== null) throw source.error("unbalanced parenthesis");
  for (const [g, pos] of state.grouprefpos) {
    if (g >= state.groups) {
      throw new PyRegexError(`invalid group reference ${g}`, "syntax", pattern, pos);
    }
  }
  if (state.flags & FLAG.T) {
    throw new PyRegexError(
      "the TEMPLATE flag (?t) is not supported",
      "unsupported",
      pattern,
      pattern.indexOf("t"),
      "(?t)",
    );
  }
  return {
    body,
    flags: state.flags,
    groups: state.groups - 1,
    groupNames: state.groupdict,
    groupWidths: state.groupwidths,
    source: pattern,
  };
}
