/**
 * fail2ban's date detector (server/datedetector.py): the list of default templates, the
 * `datepattern` values (`{^LN-BEG}`, `{DEFAULT}`, `{NONE}`, `{DATE}` pre-match, `EPOCH`, custom
 * patterns), and the search over templates with fail2ban's heuristics (the last template that
 * matched is tried first, templates that match often bubble up).
 */

import { isAsciiText } from "../regex/unicode.js";
import {
  DateEpoch,
  type DateMatch,
  DatePatternRegex,
  DateTai64n,
  DateTemplate,
  LINE_BEGIN,
  LINE_END,
  RE_EPOCH_PATTERN,
} from "./datetemplate.js";
import { DateValueError, type TimeContext, TimeZoneError } from "./strptime.js";

const RE_DATE_PREMATCH = /(?<!\\)\{DATE\}/gi;

/** DD_patternCache: templates are shared by every detector (and their `hits` with them). */
const patternCache = new Map<string, DateTemplate>();

function getPatternTemplate(pattern: string, key0?: string): DateTemplate {
  let key = key0;
  if (key === undefined) {
    key = pattern;
    if (!pattern.includes("%")) key = pattern.toUpperCase();
  }
  let template = patternCache.get(key);
  if (!template) {
    if (key.includes("EPOCH")) {
      if (RE_EPOCH_PATTERN.test(pattern)) {
        template = new DateEpoch({ pattern, longFrm: key.includes("LEPOCH") });
      } else if (key === "EPOCH" || key === "{^LN-BEG}EPOCH" || key === "^EPOCH") {
        template = new DateEpoch({ lineBeginOnly: key !== "EPOCH" });
      } else if (key === "LEPOCH" || key === "{^LN-BEG}LEPOCH" || key === "^LEPOCH") {
        template = new DateEpoch({ lineBeginOnly: key !== "LEPOCH", longFrm: true });
      }
    }
    if (!template) {
      if (key === "TAI64N" || key === "{^LN-BEG}TAI64N" || key === "^TAI64N") {
        template = new DateTai64n(key !== "TAI64N" ? "start" : false);
      } else {
        template = new DatePatternRegex(pattern);
      }
    }
  }
  patternCache.set(key, template);
  return template;
}

function getAnchoredTemplate(
  template: DateTemplate,
  wrap: (s: string) => string = (s) => `{^LN-BEG}${s}`,
): DateTemplate {
  const name = wrap(template.name);
  let template2 = patternCache.get(name);
  if (!template2) {
    const regex = wrap(template.pattern ?? template.regex);
    if (template.pattern !== undefined) template2 = patternCache.get(regex);
    if (!template2) {
      template2 =
        template.pattern === undefined ? getPatternTemplate(name) : getPatternTemplate(regex);
    }
  }
  return template2;
}

const DEFAULT_PATTERNS = [
  "%ExY(?P<_sep>[-/.])%m(?P=_sep)%d(?:T|  ?)%H:%M:%S(?:[.,]%f)?(?:\\s*%z)?",
  "(?:%a )?%b %d %k:%M:%S(?:\\.%f)?(?: %ExY)?",
  "(?:%a )?%b %d %ExY %k:%M:%S(?:\\.%f)?",
  "%d(?P<_sep>[-/])%m(?P=_sep)(?:%ExY|%Exy) %k:%M:%S",
  "%d(?P<_sep>[-/])%b(?P=_sep)%ExY[ :]?%H:%M:%S(?:\\.%f)?(?: %z)?",
  "%m/%d/%ExY:%H:%M:%S",
  "%m-%d-%ExY %k:%M:%S(?:\\.%f)?",
  "EPOCH",
  "{^LN-BEG}%H:%M:%S",
  "^<%m/%d/%Exy@%H:%M:%S>",
  "%Exy%Exm%Exd  ?%H:%M:%S",
  "%b %d, %ExY %I:%M:%S %p",
  "^%b-%d-%Exy %k:%M:%S",
  "%ExY%Exm%Exd(?:T|  ?)%ExH%ExM%ExS(?:[.,]%f)?(?:\\s*%z)?",
  "(?:%Z )?(?:%a )?%b %d %k:%M:%S(?:\\.%f)?(?: %ExY)?",
  "(?:%z )?(?:%a )?%b %d %k:%M:%S(?:\\.%f)?(?: %ExY)?",
  "TAI64N",
];

let defaultTemplates: DateTemplate[] | undefined;
let cachedTemplates: DateTemplate[] | undefined;

/** DateDetectorCache.defaultTemplates */
function getDefaultTemplates(): DateTemplate[] {
  defaultTemplates ??= DEFAULT_PATTERNS.map((p) => getPatternTemplate(p));
  return defaultTemplates;
}

/** DateDetectorCache.templates: line-anchored variants (weight 100) first, then the defaults. */
function getCachedTemplates(): DateTemplate[] {
  if (cachedTemplates) return cachedTemplates;
  const anchored: DateTemplate[] = [];
  const plain: DateTemplate[] = [];
  for (const template of getDefaultTemplates()) {
    const name = template.name;
    if (!name.startsWith("{^LN-BEG}") && !name.startsWith("^")) {
      const template2 = getAnchoredTemplate(template);
      if (template2.name !== name) {
        template2.weight = 100.0;
        anchored.push(template2);
      }
    }
    plain.push(template);
  }
  cachedTemplates = [...anchored, ...plain];
  return cachedTemplates;
}

class DetectorTemplate {
  hits = 0;
  lastUsed = 0;
  distance = 0x7fffffff;
  constructor(readonly template: DateTemplate) {}
  get weight(): number {
    return (this.hits * this.template.weight) / Math.max(1, this.distance);
  }
  get name(): string {
    return this.template.name;
  }
}

/** A date found in a line: the match, with its template. */
export type TimeMatch = DateMatch;

/** `line[a:b]` with Python's clamping of negative bounds to 0 (as the detector uses it). */
function sliceAt(line: string, a: number, b: number): string {
  return line.slice(Math.max(0, a), Math.max(0, b));
}

export class DateDetector {
  private readonly templates: DetectorTemplate[] = [];
  private readonly knownNames = new Set<string>();
  private readonly unusedTime = 300;
  /** fail2ban's `__lastPos`: where the last date started, and the characters around that point. */
  private lastPos = 1;
  private lastPosBefore: string | undefined;
  private lastPosAt: string | undefined;
  /** fail2ban's `__lastEndPos`: where the last date ended, and the characters around that point. */
  private lastEndPos = 0x7fffffff;
  private lastEndBefore: string | undefined;
  private lastEndAt: string | undefined;
  private lastTemplIdx = 0x7fffffff;
  private firstUnused = 0;
  /** `logtimezone` as a fixed offset in minutes. */
  defaultTz: number | undefined;

  constructor(private readonly clock: () => number = () => Date.now() / 1000) {}

  get templateList(): readonly { name: string; hits: number; template: DateTemplate }[] {
    return this.templates;
  }

  private appendTemplateObject(template: DateTemplate, ignoreDup = false): void {
    const name = template.name;
    if (this.knownNames.has(name)) {
      if (ignoreDup) return;
      throw new Error(`There is already a template with name ${name}`);
    }
    this.knownNames.add(name);
    this.templates.push(new DetectorTemplate(template));
  }

  /** appendTemplate(str): one line of a `datepattern` value. */
  appendTemplate(pattern: string): void {
    let key = pattern;
    if (!pattern.includes("%")) key = pattern.toUpperCase();
    let template = patternCache.get(key);
    if (!template) {
      if (key === "{^LN-BEG}" || key === "{DEFAULT}") {
        // fail2ban's filter for {DEFAULT} returns None, which drops every template: the
        // defaults are then added lazily by the first search, as with no datepattern at all
        const flt =
          key === "{^LN-BEG}"
            ? (t: DateTemplate) => (t.flags & LINE_BEGIN) !== 0
            : (_t: DateTemplate) => false;
        this.addDefaultTemplate(flt);
        return;
      }
      if (key.includes("{DATE}")) {
        this.addDefaultTemplate(undefined, pattern, false);
        return;
      }
      if (key === "{NONE}") template = getPatternTemplate("{UNB}^", key);
      else template = getPatternTemplate(pattern, key);
    }
    // a filter's own pattern: its errors now, naming the filter's line (not at the first log line)
    template.validate();
    patternCache.set(key, template);
    this.appendTemplateObject(template);
  }

  addDefaultTemplate(
    filterTemplate?: (t: DateTemplate) => boolean,
    preMatch?: string,
    allDefaults = true,
  ): void {
    const ignoreDup = this.templates.length > 0;
    for (let template of allDefaults ? getCachedTemplates() : getDefaultTemplates()) {
      if (filterTemplate && !filterTemplate(template)) continue;
      if (preMatch !== undefined) {
        template = getAnchoredTemplate(template, (s) =>
          preMatch.replace(RE_DATE_PREMATCH, () => DateTemplate.unboundPattern(s)),
        );
        // around a user's {DATE}: checked now, as a pattern of their own
        template.validate();
      }
      this.appendTemplateObject(template, ignoreDup);
    }
  }

  /** matchTime: the first (best) template that finds a date in the line. */
  matchTime(line: string, ascii?: boolean): TimeMatch | undefined {
    if (this.templates.length === 0) this.addDefaultTemplate();
    const isAscii = ascii ?? isAsciiText(line);
    const templates = this.templates;
    let match: DateMatch | null = null;
    // the best match found so far that was put aside (fail2ban's `found` tuple)
    let foundMatch: DateMatch | null = null;
    let foundDistance = 0x7fffffff;
    let foundEnd = 0x7fffffff;
    let foundIdx = -1;
    let ignoreBySearch = 0x7fffffff;
    let i = this.lastTemplIdx;
    let ddtempl: DetectorTemplate | undefined;
    let distance = 0;
    let endpos = 0;
    if (i < templates.length) {
      ddtempl = templates[i];
      const template = ddtempl?.template;
      if (ddtempl && template) {
        if (template.flags & (LINE_BEGIN | LINE_END)) {
          match = template.matchDate(line, undefined, undefined, isAscii);
          ignoreBySearch = i;
        } else {
          distance = this.lastPos;
          endpos = this.lastEndPos;
          if (
            (sliceAt(line, distance - 1, distance) === (this.lastPosBefore ?? "") ||
              (sliceAt(line, distance, distance + 1) === this.lastPosAt &&
                !isAlnum(this.lastPosAt))) &&
            (sliceAt(line, endpos, endpos + 1) === (this.lastEndAt ?? "") ||
              (sliceAt(line, endpos - 1, endpos) === this.lastEndBefore &&
                !isAlnum(this.lastEndBefore)))
          ) {
            match = template.matchDate(line, distance, endpos, isAscii);
          } else {
            match = template.matchDate(line, undefined, undefined, isAscii);
            ignoreBySearch = i;
          }
        }
        if (match) {
          distance = match.start;
          endpos = match.end;
          if (
            templates.length === 1 ||
            template.flags & (LINE_BEGIN | LINE_END) ||
            (distance === this.lastPos && endpos === this.lastEndPos)
          ) {
            // matched last time template
          } else {
            foundMatch = match;
            foundDistance = distance;
            foundEnd = endpos;
            foundIdx = i;
            match = null;
          }
        }
      }
    }
    if (!match) {
      i = 0;
      for (const dt of templates) {
        if (i === ignoreBySearch) {
          i++;
          continue;
        }
        ddtempl = dt;
        const template = dt.template;
        match = template.matchDate(line, undefined, undefined, isAscii);
        if (match) {
          distance = match.start;
          endpos = match.end;
          if (i + 1 >= templates.length) break;
          if (template.flags & (LINE_BEGIN | LINE_END)) break;
          if (distance === 0 && dt.hits && !templates[i + 1]?.template.hits) break;
          if (distance > dt.distance || distance > this.lastPos) {
            if (distance < foundDistance) {
              foundMatch = match;
              foundDistance = distance;
              foundEnd = endpos;
              foundIdx = i;
            }
            match = null;
            i++;
            continue;
          }
          break;
        }
        i++;
      }
      if (!match && foundMatch) {
        match = foundMatch;
        distance = foundDistance;
        endpos = foundEnd;
        i = foundIdx;
        ddtempl = templates[i];
      }
    }
    if (match && ddtempl) {
      ddtempl.hits++;
      ddtempl.lastUsed = this.clock();
      ddtempl.distance = distance;
      if (this.firstUnused === i) this.firstUnused++;
      this.lastPos = distance;
      this.lastEndPos = endpos;
      // the characters around the date are read back only when this template is tried first
      // again and is not bound to the line's start or end (templates[lastTemplIdx] is always
      // the one last used): four substrings a line spared for `{^LN-BEG}` and the like
      if ((ddtempl.template.flags & (LINE_BEGIN | LINE_END)) === 0) {
        this.lastPosBefore = line.slice(Math.max(0, distance - 1), distance);
        this.lastPosAt = line[distance];
        this.lastEndBefore = line[endpos - 1];
        this.lastEndAt = line.slice(endpos, endpos + 1);
      }
      if (i && i !== this.lastTemplIdx) i = this.reorderTemplate(i);
      this.lastTemplIdx = i;
      return match;
    }
    return undefined;
  }

  /** getTime: the epoch (seconds) of the date found, undefined when it is not a valid date. */
  getTime(tm: TimeMatch, ctx: TimeContext): number | undefined {
    try {
      if (ctx.defaultTz === undefined && this.defaultTz !== undefined) {
        return tm.template.getDate(tm, { ...ctx, defaultTz: this.defaultTz });
      }
      return tm.template.getDate(tm, ctx);
    } catch (e) {
      if (e instanceof DateValueError || e instanceof TimeZoneError) return undefined;
      throw e;
    }
  }

  private reorderTemplate(num: number): number {
    if (!num) return num;
    const templates = this.templates;
    const ddtempl = templates[num];
    if (!ddtempl) return num;
    const untime = ddtempl.lastUsed - this.unusedTime;
    const weight = ddtempl.weight;
    let pos = this.firstUnused < num ? this.firstUnused : Math.floor(num / 2);
    const moveable = () => {
      const t = templates[pos];
      if (!t) return false;
      return weight > t.weight || untime > t.lastUsed;
    };
    if (!moveable()) {
      if (pos === num - 1) return num;
      pos = num - 1;
      if (!moveable()) return num;
    }
    templates.splice(num, 1);
    templates.splice(pos, 0, ddtempl);
    while (this.firstUnused < templates.length && templates[this.firstUnused]?.hits) {
      this.firstUnused++;
    }
    return pos;
  }
}

function isAlnum(s: string | undefined): boolean {
  return s !== undefined && s !== "" && /^[\p{L}\p{N}]+$/u.test(s);
}
