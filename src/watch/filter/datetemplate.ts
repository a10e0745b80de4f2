/**
 * fail2ban's date templates (server/datetemplate.py): a date pattern (`%b %d %H:%M:%S`, `EPOCH`,
 * `TAI64N`, `{^LN-BEG}…`) turned into a regex with word or line anchors, and the date read from
 * what it matched. The template regexes are Python regexes, compiled through the translator.
 */
import { endsWithGroup } from "../regex/prefilter.js";
import { type NumberedForms, PyRegExp } from "../regex/translate.js";
import { isAsciiText } from "../regex/unicode.js";
import {
  DIRECTIVE_RE,
  PATTERN_NAMES,
  reGroupDictStrptime,
  TIME_RE,
  type TimeContext,
} from "./strptime.js";

export const LINE_BEGIN = 8;
export const LINE_END = 4;
export const WORD_BEGIN = 2;
export const WORD_END = 1;

const RE_GROUPED = /(?<!(?:\(\?))(?<!\\)\((?!\?)/;
const RE_GROUP = /^((?:\(\?\w+\))?\^?(?:\(\?\w+\))?)(.*?)(\$?)$/s;
const RE_GLOBALFLAGS = /((?:^|(?!<\\))\(\?[a-z]+\))/;
const RE_EXLINE_NO_BOUNDS = /^\{UNB\}/;
const RE_EXLINE_BOUND_BEG = /^\{\^LN-BEG\}/;
const RE_EXSANC_BOUND_BEG = /^\((?:\?:)?\^\|\\b\|\\W\)/;
const RE_EXEANC_BOUND_BEG = /\(\?=\\b\|\\W\|\$\)$/;
const RE_NO_WRD_BOUND_BEG = /^\(*(?:\(\?\w+\))?(?:\^|\(*\*\*|\((?:\?:)?\^)/;
const RE_NO_WRD_BOUND_END = /(?<!\\)(?:\$\)?|\\b|\\s|\*\*\)*)$/;
const RE_DEL_WRD_BOUNDS = /^\(*(?:\(\?\w+\))?\(*\*\*|(?<!\\)\*\*\)*$/g;
const RE_LINE_BOUND_BEG = /^(?:\(\?\w+\))?(?:\^|\((?:\?:)?\^(?!\|))/;
const RE_LINE_BOUND_END = /(?<![\\|])(?:\$\)?)$/;
const RE_ALPHA_PATTERN = /(?<!%)%[aAbBpc]/;
export const RE_EPOCH_PATTERN = /(?<!\\)\{L?EPOCH\}/i;

/** What a template found in a line: where, and the match itself. */
export interface DateMatch {
  /** The match (of the template's search regex: see {@link DateTemplate.fullMatch}). */
  m: RegExpExecArray;
  /** The text searched (the line, or its head up to `endpos`). */
  subject: string;
  /** The subject is made of ASCII characters only (which form of the regexes applies). */
  ascii: boolean;
  template: DateTemplate;
  start: number;
  end: number;
  /** Span of group 1: the part of the line that is the date (cut from the line before matching). */
  start1: number;
  end1: number;
  /** Group 1's text when the match gave it (else undefined: slice the span). */
  text1: string | undefined;
}

export class DatePatternError extends Error {}

/** A template's search: its regex (capturing group 1 only when it can), and how to read it. */
interface TemplateSearch {
  re: NumberedForms;
  /** JavaScript number of group 1 in `re`. */
  g1: number;
  /** Group 1 ends where the match ends (its span is told by its length, no match indices). */
  group1AtEnd: boolean;
  /** The translation with every group (none: `re` has them all). */
  full: PyRegExp | undefined;
  /** Its regex, sticky: the fields of a match found by `re` (made on first need). */
  fullRe: NumberedForms | undefined;
}

export abstract class DateTemplate {
  name = "";
  weight = 1.0;
  flags = 0;
  /** Matches found (shared by every detector using this template, as in fail2ban). */
  hits = 0;
  regex = "";
  pattern?: string;
  /** The translation of {@link regex}, made on first use (see {@link py}). */
  private translated?: PyRegExp;
  /** How the date is searched for: made when the template is first tried (see {@link searching}). */
  private search?: TemplateSearch;

  /**
   * True when getDate usually needs no field of the match (it has the epoch of the same text
   * already): the search then captures group 1 only, and the fields are read on demand.
   */
  protected spanOnly(): boolean {
    return false;
  }

  /**
   * The template's regex translated: made on first use, as a process knows some thirty default
   * templates and a log needs one or two (a Unicode RegExp costs to build). A template from a
   * filter's own `datepattern` is checked at once instead ({@link validate}).
   */
  protected get py(): PyRegExp | undefined {
    if (!this.translated && this.regex) this.translated = new PyRegExp(this.regex);
    return this.translated;
  }

  /** Translates the regex now: throws what a bad pattern gives (for patterns a user wrote). */
  validate(): void {
    void this.py;
  }

  setRegex(regex0: string, wordBegin: boolean | "start" = true, wordEnd = true): void {
    let regex = regex0.trim();
    const gf = RE_GLOBALFLAGS.exec(regex);
    if (gf) regex = regex.replace(RE_GLOBALFLAGS, "");
    const boundBegin = wordBegin && !RE_NO_WRD_BOUND_BEG.test(regex);
    const boundEnd = wordEnd && !RE_NO_WRD_BOUND_END.test(regex);
    if (!RE_GROUPED.test(regex)) regex = regex.replace(RE_GROUP, "$1($2)$3");
    this.flags = 0;
    if (boundBegin) {
      this.flags |= wordBegin !== "start" ? WORD_BEGIN : LINE_BEGIN;
      if (wordBegin !== "start") regex = `(?=^|\\b|\\W)${regex}`;
      else {
        regex = `^(?:\\W{0,2})?${regex}`;
        if (!this.name.startsWith("{^LN-BEG}")) this.name = `{^LN-BEG}${this.name}`;
      }
    }
    if (boundEnd) {
      this.flags |= WORD_END;
      regex += "(?=\\b|\\W|$)";
    }
    if (!(this.flags & LINE_BEGIN) && RE_LINE_BOUND_BEG.test(regex)) this.flags |= LINE_BEGIN;
    if (!(this.flags & LINE_END) && RE_LINE_BOUND_END.test(regex)) this.flags |= LINE_END;
    regex = regex.replace(RE_DEL_WRD_BOUNDS, (m) => m.replaceAll("**", ""));
    if (gf) regex = (gf[1] ?? "") + regex;
    this.regex = regex;
    this.translated = undefined;
    this.search = undefined;
  }

  /**
   * The search of the template, made on first use: of some thirty default templates, a log
   * needs one or two, and building a Unicode RegExp costs (a filter loads in less time).
   */
  private searching(): TemplateSearch | undefined {
    if (this.search) return this.search;
    const py = this.py;
    if (!py) return undefined;
    const search = this.spanOnly() ? new PyRegExp(this.regex, { captureOnly: [1] }) : py;
    const atEnd = endsWithGroup(search.translation.parsed, 1);
    this.search = {
      // match indices cost; only needed when group 1 can end before the match does
      re: search.numbered(atEnd ? "g" : "dg"),
      g1: search.translation.jsIndex[1] ?? 0,
      group1AtEnd: atEnd,
      full: search === py ? undefined : py,
      fullRe: undefined,
    };
    return this.search;
  }

  /**
   * The match with every group: the same text as `match` (a group capturing or not changes nothing
   * to what matches), read again at the same place in the same subject.
   */
  fullMatch(match: DateMatch): RegExpExecArray {
    const s = this.searching();
    if (!s?.full) return match.m;
    s.fullRe ??= s.full.numbered("y");
    const re = s.fullRe.for(match.ascii);
    re.lastIndex = match.start;
    return re.exec(match.subject) ?? match.m;
  }

  /**
   * Python's `search(line, pos, endpos)`; `ascii`: whether the line is made of ASCII characters
   * only (else it is looked at).
   */
  matchDate(line: string, pos?: number, endpos?: number, ascii?: boolean): DateMatch | null {
    const search = this.searching();
    if (!search) return null;
    const isAscii = ascii ?? isAsciiText(line);
    const re = search.re.for(isAscii);
    re.lastIndex = pos ?? 0;
    const subject = endpos !== undefined && endpos < line.length ? line.slice(0, endpos) : line;
    const m = re.exec(subject);
    if (!m) return null;
    this.hits++;
    const start = m.index;
    const end = m.index + m[0].length;
    const g1 = search.g1;
    let start1 = start;
    let end1 = end;
    let text1: string | undefined;
    if (search.group1AtEnd) {
      text1 = m[g1];
      if (text1 !== undefined) start1 = end - text1.length;
    } else {
      const span = g1 ? m.indices?.[g1] : undefined;
      if (span) {
        start1 = span[0];
        end1 = span[1];
      }
    }
    return { m, subject, ascii: isAscii, template: this, start, end, start1, end1, text1 };
  }

  /** The epoch (seconds) of the date matched; undefined where fail2ban gets a ValueError. */
  abstract getDate(match: DateMatch, ctx: TimeContext): number | undefined;

  static unboundPattern(pattern: string): string {
    return pattern
      .replace(RE_EXLINE_NO_BOUNDS, "")
      .replace(RE_EXLINE_BOUND_BEG, "")
      .replace(RE_EXSANC_BOUND_BEG, "")
      .replace(RE_EXEANC_BOUND_BEG, "");
  }
}

export class DateEpoch extends DateTemplate {
  private readonly longFrm: boolean;
  private readonly grpIdx: number;
  constructor(opts: { lineBeginOnly?: boolean; pattern?: string; longFrm?: boolean } = {}) {
    super();
    const { lineBeginOnly = false, pattern, longFrm = false } = opts;
    this.name = pattern ?? "Epoch";
    this.longFrm = longFrm;
    this.grpIdx = 1;
    let epochRE = "\\d{10,11}\\b(?:\\.\\d{3,6})?";
    if (longFrm) {
      this.name = pattern ?? "LongEpoch";
      epochRE = "\\d{10,11}(?:\\d{3}(?:\\.\\d{1,6}|\\d{3})?)?";
    }
    if (pattern) {
      const regex = `(${pattern.replace(new RegExp(RE_EPOCH_PATTERN.source, "gi"), () => `(${epochRE})`)})`;
      this.grpIdx = 2;
      this.setRegex(regex);
    } else if (!lineBeginOnly) {
      const regex = `((?:^|(?P<square>(?<=^\\[))|(?P<selinux>(?<=\\baudit\\()))${epochRE})(?:(?(selinux)(?=:\\d+\\)))|(?(square)(?=\\])))`;
      this.setRegex(regex, false);
    } else {
      const regex = `((?P<square>(?<=^\\[))?${epochRE})(?(square)(?=\\]))`;
      this.setRegex(regex, "start", true);
    }
  }

  getDate(match: DateMatch): number | undefined {
    const py = this.py;
    if (!py) return undefined;
    const v0 = py.group(match.m, this.grpIdx);
    if (v0 === null) return undefined;
    let v = Number.parseFloat(v0);
    if (this.longFrm && v0.length >= 13) {
      v = v0.length >= 16 && !v0.includes(".") ? v / 1000000 : v / 1000;
    }
    return v;
  }
}

/** Epochs of date texts already read, for one time context (see DatePatternRegex.getDate). */
interface DateCache {
  zone: string;
  tz: number | undefined;
  map: Map<string, DateCacheEntry>;
  /**
   * The text last found and its entry: log lines come in bursts of the same second, and a map
   * lookup by a fresh substring costs some hundreds of nanoseconds (V8 hashes and compares such
   * strings in C++), while a last character that differs rules the last text out at once.
   */
  lastText: string;
  lastEntry: DateCacheEntry | undefined;
}

/** The epoch of a date text; `minute` of "now" when it was inferred from now. */
interface DateCacheEntry {
  epoch: number;
  minute?: number;
}

export class DatePatternRegex extends DateTemplate {
  constructor(pattern?: string, wordBegin: boolean | "start" = true, wordEnd = true) {
    super();
    if (pattern !== undefined) this.setPattern(pattern, wordBegin, wordEnd);
  }

  protected override spanOnly(): boolean {
    return true;
  }

  setPattern(pattern0: string, wordBegin0: boolean | "start" = true, wordEnd0 = true): void {
    this.pattern = pattern0;
    let pattern = pattern0;
    let wordBegin = wordBegin0;
    let wordEnd = wordEnd0;
    if (RE_EXLINE_NO_BOUNDS.test(pattern)) {
      pattern = pattern.replace(RE_EXLINE_NO_BOUNDS, "");
      wordBegin = false;
      wordEnd = false;
    }
    if (wordBegin && RE_EXLINE_BOUND_BEG.test(pattern)) {
      pattern = pattern.replace(RE_EXLINE_BOUND_BEG, "");
      wordBegin = "start";
    }
    try {
      this.name = percentFormat(pattern, PATTERN_NAMES);
      let regex = percentFormat(pattern, TIME_RE);
      if (RE_ALPHA_PATTERN.test(pattern)) regex = `(?iu)${regex}`;
      this.setRegex(regex, wordBegin, wordEnd);
    } catch (e) {
      throw this.failed(e);
    }
  }

  private failed(e: unknown): DatePatternError {
    return new DatePatternError(
      `Failed to set datepattern '${this.pattern}' (may be an invalid format or unescaped percent char): ${(e as Error).message}`,
    );
  }

  override validate(): void {
    try {
      super.validate();
    } catch (e) {
      throw this.failed(e);
    }
  }

  /**
   * Dates repeat from line to line: the epoch of a matched text is kept while it cannot change,
   * i.e. for the same zone, and, when the year or the day was inferred from "now", for the same
   * minute of "now" and far (over 2 minutes) from the point where the inference flips.
   */
  private readonly caches = new WeakMap<TimeContext, DateCache>();
  /** The cache last used, and for which context (templates are shared by every filter). */
  private lastCtx: TimeContext | undefined;
  private lastCache: DateCache | undefined;

  getDate(match: DateMatch, ctx: TimeContext): number | undefined {
    const py = this.py;
    if (!py) return undefined;
    let cache = this.lastCtx === ctx ? this.lastCache : this.caches.get(ctx);
    if (!cache || cache.zone !== ctx.zone || cache.tz !== ctx.defaultTz) {
      cache = {
        zone: ctx.zone,
        tz: ctx.defaultTz,
        map: new Map(),
        lastText: "",
        lastEntry: undefined,
      };
      this.caches.set(ctx, cache);
    }
    this.lastCtx = ctx;
    this.lastCache = cache;
    const key = match.m[0];
    const minute = Math.floor(ctx.now / 60);
    const last = cache.lastText;
    const n = key.length;
    let hit: DateCacheEntry | undefined;
    if (
      n > 0 &&
      last.length === n &&
      last.charCodeAt(n - 1) === key.charCodeAt(n - 1) &&
      last === key
    )
      hit = cache.lastEntry;
    else {
      hit = cache.map.get(key);
      if (hit) {
        cache.lastText = key;
        cache.lastEntry = hit;
      }
    }
    if (hit && (hit.minute === undefined || hit.minute === minute)) return hit.epoch;
    const full = this.fullMatch(match);
    const found: [string, string | null][] = [];
    const { groupNames, jsIndex } = py.translation;
    for (const [name, g] of groupNames) {
      const i = jsIndex[g];
      found.push([name, i ? (full[i] ?? null) : null]);
    }
    const info = { nowMargin: Number.POSITIVE_INFINITY };
    const epoch = reGroupDictStrptime(found, ctx, info);
    if (info.nowMargin > 120) {
      if (cache.map.size >= 1024) {
        cache.map.clear();
        cache.lastEntry = undefined;
        cache.lastText = "";
      }
      cache.map.set(
        key,
        info.nowMargin === Number.POSITIVE_INFINITY ? { epoch } : { epoch, minute },
      );
    }
    return epoch;
  }
}

/**
 * `patternRE.sub(r'%(\1)s', pattern) % table`: each `%X` directive replaced by its value; any other
 * `%` is an error, as Python's `%` operator makes it.
 */
function percentFormat(pattern: string, table: Record<string, string>): string {
  let out = "";
  let last = 0;
  DIRECTIVE_RE.lastIndex = 0;
  for (let m = DIRECTIVE_RE.exec(pattern); m; m = DIRECTIVE_RE.exec(pattern)) {
    out += checkPercents(pattern.slice(last, m.index));
    out += table[m[1] ?? ""] ?? "";
    last = m.index + m[0].length;
  }
  return out + checkPercents(pattern.slice(last));
}

function checkPercents(text: string): string {
  const i = text.indexOf("%");
  if (i >= 0) {
    const next = text[i + 1];
    throw new Error(
      next === undefined ? "incomplete format" : `unsupported format character '${next}'`,
    );
  }
  return text;
}

export class DateTai64n extends DateTemplate {
  constructor(wordBegin: boolean | "start" = false) {
    super();
    this.name = "TAI64N";
    this.setRegex("@[0-9a-f]{24}", wordBegin);
  }
  getDate(match: DateMatch): number | undefined {
    const value = this.py?.group(match.m, 1);
    if (!value) return undefined;
    return Number.parseInt(value.slice(2, 17), 16);
  }
}
