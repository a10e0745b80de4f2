/**
 * fail2ban's failregex layer (server/failregex.py): the `<HOST>`, `<ADDR>`, `<F-…>` tags expanded
 * into Python regex text exactly as fail2ban expands them, then compiled through the translator;
 * searching a buffer of (multi-)lines and telling matched from unmatched lines.
 */
import { PyRegexError } from "../regex/errors.js";
import { endsWithGroup, firstChars, literalChecks, matchFilter } from "../regex/prefilter.js";
import { type NumberedForms, PyRegExp, type TranslateOptions } from "../regex/translate.js";
import { isAsciiText } from "../regex/unicode.js";
import type { RegexNeeds } from "./dispatch.js";
import { type FailKind, MatchList } from "./faildata.js";

const IP_4_RE = "(?:\\d{1,3}\\.){3}\\d{1,3}";
const IP_6_RE = "(?:[0-9a-fA-F]{1,4}::?|::){1,7}(?:[0-9a-fA-F]{1,4}|(?<=:):)";

const R_IPV4 = `(?:::f{4,6}:)?(?P<ip4>${IP_4_RE})`;
const R_IPV6 = `(?P<ip6>${IP_6_RE})`;
const R_DNS = "(?P<dns>[\\w\\-.^_]*\\w)";
const R_CIDR = "(?P<cidr>\\d+)";
const R_ADDR = `\\[?(?:${R_IPV4}|${R_IPV6})\\]?`;
const R_HOST = `(?:${R_ADDR}|${R_DNS})`;
const R_SUBNET = `\\[?(?:${R_IPV4}|${R_IPV6})(?:/${R_CIDR})?\\]?`;

const RH4TAG: Record<string, string> = {
  IP4: R_IPV4,
  "F-IP4/": R_IPV4,
  IP6: R_IPV6,
  "F-IP6/": R_IPV6,
  ADDR: R_ADDR,
  "F-ADDR/": R_ADDR,
  CIDR: R_CIDR,
  "F-CIDR/": R_CIDR,
  SUBNET: R_SUBNET,
  "F-SUBNET/": R_SUBNET,
  DNS: R_DNS,
  "F-DNS/": R_DNS,
  "F-ID/": "(?P<fid>\\S+)",
  "F-PORT/": "(?P<fport>\\w+)",
};

const R_MAP: Record<string, string> = { id: "fid", port: "fport" };

const FTAG_CRE = /<\/?[\p{L}\p{N}_-]+\/?>/gu;
const FCUSTNAME_CRE = /^(\/?)F-([A-Z0-9_-]+)$/;
const R_GLOB2LOCFLAGS = /(?<!\\)\((?:\?:)?(\(\?[a-z]+)\)/g;
const COMPLNAME_CRE = /^(alt_|tuple_)(.*?)(?:_\d+)?$/s;

export function mapTag2Opt(tag: string): string {
  const t = tag.toLowerCase();
  // own keys only: `<F-CONSTRUCTOR>` is the group `constructor`, not Object.prototype's
  return Object.hasOwn(R_MAP, t) ? (R_MAP[t] as string) : t;
}

/** Regex._resolveHostTag: fail2ban's tags replaced by their regexes (`usedns=no`: no `<dns>`). */
export function resolveHostTag(regex: string, useDns = "yes"): string {
  const openTags = new Set<string>();
  let nl = 0;
  return regex.replace(FTAG_CRE, (tag) => {
    const tn = tag.slice(1, -1);
    if (tn === "HOST") return useDns !== "no" ? R_HOST : R_ADDR;
    if (tn === "SKIPLINES") {
      const n = nl++;
      return `\\n(?P<skiplines${n}>(?:(?:.*\\n)*?))`;
    }
    const st = Object.hasOwn(RH4TAG, tn) ? RH4TAG[tn] : undefined;
    if (st !== undefined) return st;
    const m = FCUSTNAME_CRE.exec(tn);
    if (m) {
      const name = m[2] ?? "";
      if (m[1]) return openTags.has(name) ? ")" : tag;
      openTags.add(name);
      return `(?P<${mapTag2Opt(name)}>`;
    }
    return tag;
  });
}

/** A line as fail2ban keeps it: (text before the date, the date, text after the date). */
export type TupleLine = readonly [string, string, string];

export function tupleLinesBuf(lines: readonly TupleLine[]): string {
  if (lines.length === 1) {
    // the usual single line, most often with nothing before its date
    const l = lines[0] as TupleLine;
    return l[0] === "" ? `${l[2]}\n` : `${l[0]}${l[2]}\n`;
  }
  let out = "";
  for (const l of lines) out += `${l[0]}${l[2]}\n`;
  return out;
}

/** Python's str.splitlines() separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: Python's splitlines() splits on these
const SPLITLINES = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;

export type GroupValue = string | null | (string | null)[];
export type Groups = Record<string, GroupValue | undefined>;

/**
 * Capture objects are plain objects built by a generated literal: V8 keeps them in fast-property
 * mode, where a match's own `groups` object is a slow dictionary (a copy of one with twenty keys
 * costs microseconds). A plain object inherits Object.prototype, so `k in groups` and `groups[k]`
 * would see its names (`constructor`, `toString`, `__proto__`...): a filter with a group of such a
 * name gets objects without a prototype instead (slower, same answers as a match's `groups`).
 */
const GROUPS_PROTO: object = Object.freeze(Object.create(null));

/** True when a plain object would already answer to `name`: see {@link GROUPS_PROTO}. */
export function clashesWithObject(name: string): boolean {
  return name in Object.prototype;
}

/** An empty capture object (without a prototype). */
export function newGroups(): Groups {
  return Object.create(GROUPS_PROTO) as Groups;
}

type GroupsBuilder = (m: RegExpExecArray) => Groups;

/**
 * The capture object of a match: each named Python group, in the order of the groups, undefined
 * where it did not take part (the translator's internal groups are left out: never looked up).
 * Generated once per regex (an object literal, or named stores into a prototype-free object);
 * the names are quoted with JSON.stringify and the indices are numbers, so no pattern text
 * reaches the code as code.
 */
function groupsBuilder(
  slots: readonly [name: string, jsIndex: number][],
  protoFree: boolean,
): GroupsBuilder {
  const code = protoFree
    ? `return function (m) { const o = Object.create(P);\n${slots.map(([n, i]) => `o[${JSON.stringify(n)}] = m[${i}];`).join("\n")}\nreturn o; };`
    : `return function (m) { return {\n${slots.map(([n, i]) => `${JSON.stringify(n)}: m[${i}],`).join("\n")}\n}; };`;
  return new Function("P", code)(GROUPS_PROTO) as GroupsBuilder;
}

export class RegexException extends Error {}

export interface RegexOptions {
  multiline?: boolean;
  useDns?: string;
  unsafe?: TranslateOptions["unsafe"];
}

/** Regex: one compiled fail2ban regex and the result of its last search. */
export class Regex {
  /** The regex after tag expansion (what fail2ban shows). */
  readonly regex: string;
  readonly py: PyRegExp;
  private readonly names: string[];
  /** Every key getGroups() can set: the group names and the alt_/tuple_ targets. */
  readonly keys: string[];
  /** The keys getGroups() always sets (the others, alt_ targets, only when their group matched). */
  readonly alwaysKeys: ReadonlySet<string>;
  private readonly altValues: [string, string][];
  private readonly tupleValues: [string, string][];
  private readonly skipNames: string[];
  /** False when the regex certainly cannot match (see prefilter.ts). */
  private readonly canMatch: ((s: string) => boolean) | undefined;
  /** What a buffer needs for this regex to match it (see dispatch.ts). */
  readonly needs: RegexNeeds;
  /** A match ends where its `content` group ends (a prefregex's `<F-CONTENT>.+</F-CONTENT>$`). */
  readonly contentAtEnd: boolean;
  /** JavaScript group number of each named Python group. */
  private readonly jsIndexOf = new Map<string, number>();
  private buildGroups: GroupsBuilder;
  private readonly slots: [name: string, jsIndex: number][];
  /** The regex with unnamed groups (read through jsIndexOf): no `groups` object per match. */
  private readonly re: NumberedForms;
  private m: RegExpExecArray | null = null;
  private groups: Groups | null = null;
  private matchedTupleLines: TupleLine[] = [];
  /** Undefined: none (a fresh empty array is handed out: callers may add to it). */
  private unmatchedTupleLines: TupleLine[] | undefined;

  constructor(regex0: string, opts: RegexOptions = {}) {
    let regex = resolveHostTag(regex0, opts.useDns ?? "yes");
    if (regex.trimStart() === "") throw new RegexException("Cannot add empty regex");
    regex = regex.replace(R_GLOB2LOCFLAGS, "$1:");
    this.regex = regex;
    // fail2ban reads named groups only (groupdict): the others need not capture
    const tr: TranslateOptions = { flags: opts.multiline ? 2 : 0, captureOnly: "named" };
    if (opts.unsafe) tr.unsafe = opts.unsafe;
    this.py = new PyRegExp(regex, tr);
    this.names = [...this.py.translation.groupNames.keys()];
    const alt: [string, string][] = [];
    const tup: [string, string][] = [];
    for (const k of this.names) {
      if (k.length <= 4) continue;
      const n = COMPLNAME_CRE.exec(k);
      if (!n) continue;
      const target = mapTag2Opt(n[2] ?? "");
      if (n[1] === "alt_") alt.push([k, target]);
      else tup.push([k, target]);
    }
    const cmp = (a: [string, string], b: [string, string]) =>
      a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
    this.altValues = alt.sort(cmp);
    this.tupleValues = tup.sort(cmp);
    this.keys = [...new Set([...this.names, ...alt.map((a) => a[1]), ...tup.map((t) => t[1])])];
    this.alwaysKeys = new Set([...this.names, ...tup.map((t) => t[1])]);
    this.skipNames = this.names.filter((n) => /^skiplines\d+$/.test(n));
    this.canMatch = matchFilter(this.py.translation.parsed);
    this.needs = {
      first: firstChars(this.py.translation.parsed),
      ...literalChecks(this.py.translation.parsed),
    };
    const content = this.py.translation.groupNames.get("content");
    this.contentAtEnd = content !== undefined && endsWithGroup(this.py.translation.parsed, content);
    const { groupNames, jsIndex } = this.py.translation;
    for (const [name, g] of groupNames) this.jsIndexOf.set(name, jsIndex[g] ?? 0);
    this.slots = [...this.jsIndexOf].filter(([, i]) => i > 0).sort((a, b) => a[1] - b[1]);
    this.buildGroups = groupsBuilder(this.slots, false);
    this.re = this.py.numbered();
  }

  /**
   * How capture objects are made: failures of the filter's one kind (faildata.ts), or plain
   * capture objects, without a prototype when `protoFree` (for every regex of a filter where one
   * of them has a group named like a property of Object.prototype: their captures are merged).
   */
  setObjectKind(protoFree: boolean, kind?: FailKind): void {
    this.buildGroups = kind
      ? (kind.builder(this.slots) as GroupsBuilder)
      : groupsBuilder(this.slots, protoFree);
  }

  /** The value of a named group in the last match (undefined: not taking part, or no such group). */
  protected group(m: RegExpExecArray, name: string): string | undefined {
    const i = this.jsIndexOf.get(name);
    return i ? m[i] : undefined;
  }

  hasGroup(name: string): boolean {
    return this.py.translation.groupNames.has(name);
  }

  /**
   * search(tupleLines, orgLines): run the regex over the lines (or over a prepared buffer).
   * `prechecked`: the caller has seen the buffer meet {@link needs} (dispatch.ts); `ascii`: the
   * caller knows whether the buffer is made of ASCII characters only (else it is looked at).
   */
  search(
    tupleLines: readonly TupleLine[] | string,
    orgLines?: readonly TupleLine[],
    prechecked = false,
    ascii?: boolean,
  ): void {
    const buf = typeof tupleLines === "string" ? tupleLines : tupleLinesBuf(tupleLines);
    const re = this.re.for(ascii ?? isAsciiText(buf));
    const m = !prechecked && this.canMatch && !this.canMatch(buf) ? null : re.exec(buf);
    // few stores of fresh objects into this long-lived one (each costs a write barrier's slow
    // path): the buffer is the match's `input`, and "no unmatched lines" is undefined
    this.m = m;
    this.groups = null;
    if (!m) return;
    const org: readonly TupleLine[] =
      orgLines ?? (typeof tupleLines === "string" ? [] : tupleLines);
    if (org.length <= 1) {
      // not copied: never changed in place (multi-line results below are fresh slices)
      this.matchedTupleLines = org as TupleLine[];
      this.unmatchedTupleLines = undefined;
      return;
    }
    const s = buf;
    const mStart = m.index;
    const mEnd = m.index + m[0].length;
    const nlBefore = s.lastIndexOf("\n", mStart);
    // rindex("\n", 0, start + 1): a newline at or before the match start
    const matchLineStart = nlBefore >= 0 && nlBefore <= mStart ? nlBefore + 1 : 0;
    // index("\n", end - 1): Python reads a negative start from the end of the string
    const nlAfter = s.indexOf("\n", mEnd - 1 < 0 ? s.length - 1 : mEnd - 1);
    const matchLineEnd = nlAfter >= 0 ? nlAfter + 1 : s.length;
    const count = (to: number) => {
      let c = 0;
      for (let i = s.indexOf("\n"); i >= 0 && i < to; i = s.indexOf("\n", i + 1)) c++;
      return c;
    };
    const lineCount1 = count(matchLineStart);
    const lineCount2 = count(matchLineEnd);
    this.matchedTupleLines = org.slice(lineCount1, lineCount2);
    const unmatched = org.slice(0, lineCount1);
    this.unmatchedTupleLines = unmatched;
    let n = 0;
    for (const skippedLine of this.getSkippedLines()) {
      const rest = this.matchedTupleLines.slice(n);
      for (let k = 0; k < rest.length; k++) {
        const t = rest[k];
        if (t && `${t[0]}${t[2]}` === skippedLine) {
          const [removed] = this.matchedTupleLines.splice(n + k, 1);
          if (removed) unmatched.push(removed);
          n += k;
          break;
        }
      }
    }
    unmatched.push(...org.slice(lineCount2));
  }

  hasMatched(): boolean {
    return this.m !== null;
  }

  /** The last match (for callers that need spans). */
  get lastMatch(): RegExpExecArray | null {
    return this.m;
  }

  /**
   * groupdict() with fail2ban's alt_/tuple_ merging. One object per match (fresh for each search;
   * a group that did not take part is undefined).
   */
  getGroups(): Groups {
    const m = this.m;
    if (!m) return newGroups();
    this.groups ??= this.buildGroups(m);
    const out = this.groups;
    for (const [k, n] of this.altValues) {
      const v = out[k];
      if (v && !out[n]) out[n] = v;
    }
    for (const [k, n] of this.tupleValues) {
      const v = (out[k] as string | undefined) ?? null;
      const t = out[n];
      out[n] = Array.isArray(t) ? [...t, v] : [(t as string | null | undefined) ?? null, v];
    }
    return out;
  }

  getSkippedLines(): string[] {
    if (!this.m) return [];
    let skipped = "";
    for (const name of this.skipNames) {
      const v = this.group(this.m, name);
      if (v !== undefined) skipped += v;
    }
    if (skipped === "") return [];
    // str.splitlines(): also splits on \r, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029
    const parts = skipped.split(SPLITLINES);
    if (parts.length && parts[parts.length - 1] === "") parts.pop();
    return parts;
  }

  getUnmatchedTupleLines(): TupleLine[] {
    return (this.m && this.unmatchedTupleLines) || [];
  }

  getMatchedTupleLines(): TupleLine[] {
    return this.m ? this.matchedTupleLines : [];
  }

  /** getMatchedTupleLines() as a list to join (faildata.ts). */
  getMatchedLineList(): MatchList {
    return MatchList.of(this.getMatchedTupleLines());
  }

  getMatchedLines(): string[] {
    return this.getMatchedTupleLines().map((t) => t.join(""));
  }

  /** The buffer of the last match. */
  get lastBuffer(): string {
    return this.m?.input ?? "";
  }
}

const FAILURE_ID_GROUPS = ["fid", "ip4", "ip6", "dns"] as const;
const FAILURE_ID_PRESENTS = [...FAILURE_ID_GROUPS, "mlfid"];

export class FailRegex extends Regex {
  constructor(regex: string, prefRegex: Regex | undefined, opts: RegexOptions = {}) {
    super(regex, opts);
    const has = (r: Regex) => FAILURE_ID_PRESENTS.some((g) => r.hasGroup(g));
    if (!has(this) && (prefRegex === undefined || !has(prefRegex))) {
      throw new RegexException(`No failure-id group in '${this.regex}'`);
    }
  }

  getFailID(groups: readonly string[] = FAILURE_ID_GROUPS): string {
    const m = this.lastMatch;
    if (m) {
      for (const grp of groups) {
        if (!this.hasGroup(grp)) continue;
        const v = this.group(m, grp);
        if (v !== undefined) return v;
      }
    }
    throw new RegexException(`No group found in '${this.lastBuffer}' using '${this.regex}'`);
  }

  getHost(): string {
    return this.getFailID(["ip4", "ip6", "dns"]);
  }
}

export { PyRegexError };
