/**
 * fail2ban's strptime (server/strptime.py): the `%X` directives of date patterns as (Python)
 * regexes, fail2ban's fixed-offset time zones, and the conversion of the captured fields to an
 * epoch with fail2ban's year and day inference.
 */
import { addSeconds, compareWall, mktime, timegm, type WallClock, wallClock } from "./timezone.js";

/** `[A-Z](?:[A-Z]{2,4})?`: a zone abbreviation. */
const TZ_ABBR_RE = "[A-Z](?:[A-Z]{2,4})?";
const FIXED_OFFSET_TZ_RE = /^([A-Z](?:[A-Z]{2,4})?)?([+-][01]\d(?::?\d{2})?)?(?:\n)?$/;

/**
 * Century alternatives for `%ExY`: the years from 2000 up to a few years ahead of now
 * (strptime._updateTimeRE, with fail2ban-regex's "alternate now" of 2001-01-02).
 */
function yearCentRE(nowYear: number): string {
  const cent = (y: number) => String(y).slice(0, 3);
  const set = new Set<string>([cent(nowYear - 1), cent(nowYear + 3)]);
  const alt = 2001;
  for (let i = -1; i < nowYear - alt + 1; i += 3) set.add(cent(alt + i));
  const grp = (exprset: string[]): string => {
    if (exprset.length > 1) {
      let c: string | null = null;
      for (const i of exprset) {
        if (c === null || i.slice(0, -1) === c) c = i.slice(0, -1);
        else {
          c = null;
          break;
        }
      }
      if (!c) {
        for (const i of exprset) {
          if (c === null || i[0] === c) c = i[0] ?? "";
          else {
            c = null;
            break;
          }
        }
      }
      if (c) return c + grp(exprset.map((i) => i.slice(c?.length ?? 0)));
    }
    if (exprset.length > 1) {
      return (exprset[0]?.length ?? 0) > 1 ? `(?:${exprset.join("|")})` : `[${exprset.join("")}]`;
    }
    return exprset.join("");
  };
  return grp([...set].sort());
}

/** TimeRE of Python's `_strptime` (C locale) with fail2ban's overrides, in its key order. */
export const TIME_RE: Record<string, string> = {
  d: "(?P<d>[1-2]\\d|[0 ]?[1-9]|3[0-1])",
  f: "(?P<f>[0-9]{1,6})",
  H: "(?P<H>[0-1]?\\d|2[0-3])",
  I: "(?P<I>1[0-2]|0[1-9]|[1-9])",
  G: "(?P<G>\\d\\d\\d\\d)",
  j: "(?P<j>36[0-6]|3[0-5]\\d|[1-2]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9])",
  m: "(?P<m>0?[1-9]|1[0-2])",
  M: "(?P<M>[0-5]?\\d)",
  S: "(?P<S>[0-5]?\\d|6[0-1])",
  U: "(?P<U>5[0-3]|[0-4]\\d|\\d)",
  w: "(?P<w>[0-6])",
  u: "(?P<u>[1-7])",
  V: "(?P<V>5[0-3]|0[1-9]|[1-4]\\d|\\d)",
  y: "(?P<y>\\d\\d)",
  Y: "(?P<Y>\\d{4})",
  z: "(?P<z>Z|UTC|GMT|[+-][01]\\d(?::?\\d{2})?)",
  A: "(?P<A>wednesday|thursday|saturday|tuesday|monday|friday|sunday)",
  a: "(?P<a>mon|tue|wed|thu|fri|sat|sun)",
  B: "(?P<B>september|february|november|december|january|october|august|march|april|june|july|may)",
  b: "(?P<b>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
  p: "(?P<p>am|pm)",
  Z: "(?P<Z>Z|[A-Z]{3,5})",
  "%": "%",
  W: "(?P<W>5[0-3]|[0-4]\\d|\\d)",
  c: "(?P<a>mon|tue|wed|thu|fri|sat|sun)\\s+(?P<b>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\\s+(?P<d>3[0-1]|[1-2]\\d|0[1-9]|[1-9]| [1-9])\\s+(?P<H>2[0-3]|[0-1]\\d|\\d):(?P<M>[0-5]\\d|\\d):(?P<S>6[0-1]|[0-5]\\d|\\d)\\s+(?P<Y>\\d\\d\\d\\d)",
  x: "(?P<m>1[0-2]|0[1-9]|[1-9])/(?P<d>3[0-1]|[1-2]\\d|0[1-9]|[1-9]| [1-9])/(?P<y>\\d\\d)",
  X: "(?P<H>2[0-3]|[0-1]\\d|\\d):(?P<M>[0-5]\\d|\\d):(?P<S>6[0-1]|[0-5]\\d|\\d)",
  k: " ?(?P<H>[0-2]?\\d)",
  l: " ?(?P<I>1?\\d)",
  ExZ: `(?P<Z>${TZ_ABBR_RE})`,
  Exz: `(?P<z>(?:${TZ_ABBR_RE})?[+-][01]\\d(?::?\\d{2})?|${TZ_ABBR_RE})`,
  Exd: "(?P<d>[1-2]\\d|0[1-9]|3[0-1])",
  Exm: "(?P<m>0[1-9]|1[0-2])",
  ExH: "(?P<H>[0-1]\\d|2[0-3])",
  Exk: " ?(?P<H>[0-1]?\\d|2[0-3])",
  Exl: " ?(?P<I>1[0-2]|\\d)",
  ExM: "(?P<M>[0-5]\\d)",
  ExS: "(?P<S>[0-5]\\d|6[0-1])",
  ExY: `(?P<Y>${yearCentRE(new Date().getFullYear())}\\d)`,
  Exy: "(?P<y>\\d{2})",
};

const NAMES: Record<string, string> = {
  a: "DAY",
  A: "DAYNAME",
  b: "MON",
  B: "MONTH",
  d: "Day",
  H: "24hour",
  I: "12hour",
  j: "Yearday",
  m: "Month",
  M: "Minute",
  p: "AMPM",
  S: "Second",
  U: "Yearweek",
  w: "Weekday",
  W: "Yearweek",
  y: "Year2",
  Y: "Year",
  "%": "%",
  z: "Zone offset",
  f: "Microseconds",
  Z: "Zone name",
};

/** getTimePatternRE(): the directive pattern and the human names of directives. */
export const PATTERN_NAMES: Record<string, string> = (() => {
  const names: Record<string, string> = { ...NAMES };
  for (const key of Object.keys(TIME_RE)) {
    if (names[key] !== undefined) continue;
    if (key.startsWith("Ex")) {
      const kn = NAMES[key.slice(2)];
      if (kn) {
        names[key] = `Ex${kn}`;
        continue;
      }
    }
    names[key] = `%${key}`;
  }
  return names;
})();

const keys = Object.keys(TIME_RE);
/** `%(%|ExZ|…|[dfH…])` as a JavaScript RegExp (global). */
export const DIRECTIVE_RE = new RegExp(
  `%(%|${keys.filter((k) => k.length > 1).join("|")}|[${keys
    .filter((k) => k.length === 1)
    .map((k) => (k === "%" ? "%" : k))
    .join("")}])`,
  "g",
);

/** Zone abbreviation → offset in minutes (strptime.TZ_STR). */
export const TZ_ABBR_OFFS: Record<string, number> = (() => {
  const text = `
	-12 Y
	-11 X NUT SST
	-10 W CKT HAST HST TAHT TKT
	-9 V AKST GAMT GIT HADT HNY
	-8 U AKDT CIST HAY HNP PST PT
	-7 T HAP HNR MST PDT
	-6 S CST EAST GALT HAR HNC MDT
	-5 R CDT COT EASST ECT EST ET HAC HNE PET
	-4 Q AST BOT CLT COST EDT FKT GYT HAE HNA PYT
	-3 P ADT ART BRT CLST FKST GFT HAA PMST PYST SRT UYT WGT
	-2 O BRST FNT PMDT UYST WGST
	-1 N AZOT CVT EGT
	0 Z EGST GMT UTC WET WT
	1 A CET DFT WAT WEDT WEST
	2 B CAT CEDT CEST EET SAST WAST
	3 C EAT EEDT EEST IDT MSK
	4 D AMT AZT GET GST KUYT MSD MUT RET SAMT SCT
	5 E AMST AQTT AZST HMT MAWT MVT PKT TFT TJT TMT UZT YEKT
	6 F ALMT BIOT BTT IOT KGT NOVT OMST YEKST
	7 G CXT DAVT HOVT ICT KRAT NOVST OMSST THA WIB
	8 H ACT AWST BDT BNT CAST HKT IRKT KRAST MYT PHT SGT ULAT WITA WST
	9 I AWDT IRKST JST KST PWT TLT WDT WIT YAKT
	10 K AEST ChST PGT VLAT YAKST YAPT
	11 L AEDT LHDT MAGT NCT PONT SBT VLAST VUT
	12 M ANAST ANAT FJT GILT MAGST MHT NZST PETST PETT TVT WFT
	13 FJST NZDT
	11.5 NFT
	10.5 ACDT LHST
	9.5 ACST
	6.5 CCT MMT
	5.75 NPT
	5.5 SLT
	4.5 AFT IRDT
	3.5 IRST
	-2.5 HAT NDT
	-3.5 HNT NST NT
	-4.5 HLV VET
	-9.5 MART MIT`;
  const out: Record<string, number> = { "": 0 };
  for (const line of text.split("\n")) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 2 || !parts[0]) continue;
    const off = Math.trunc(Number.parseFloat(parts[0]) * 60);
    for (const tz of parts.slice(1)) out[tz] = off;
  }
  return out;
})();

export class TimeZoneError extends Error {}

/** validateTimeZone: a fixed-offset zone (`UTC+0200`, `CET`, `-0400`) → minutes east of UTC. */
export function validateTimeZone(tz: string): number {
  const m = FIXED_OFFSET_TZ_RE.exec(tz);
  if (!m) throw new TimeZoneError(`Unknown or unsupported time zone: '${tz}'`);
  return zone2offset(m[1] ?? "", m[2] ?? "");
}

/** True when fail2ban would accept `tz` as a (fixed-offset) log time zone. */
export function isFixedTimeZone(tz: string): boolean {
  try {
    validateTimeZone(tz);
    return true;
  } catch {
    return false;
  }
}

function zone2offset(tz: string, tzo: string): number {
  const base = TZ_ABBR_OFFS[tz];
  if (base === undefined)
    throw new TimeZoneError(`Unknown or unsupported time zone: '${tz}${tzo}'`);
  if (tzo === "") return base;
  if (tzo.length <= 3) return base + Number.parseInt(tzo, 10) * 60;
  const sign = tzo[0] === "-" ? -1 : 1;
  if (tzo[3] !== ":") {
    return (
      base +
      sign * (Number.parseInt(tzo.slice(1, 3), 10) * 60 + Number.parseInt(tzo.slice(3, 5), 10))
    );
  }
  return (
    base + sign * (Number.parseInt(tzo.slice(1, 3), 10) * 60 + Number.parseInt(tzo.slice(4, 6), 10))
  );
}

/** A zone value found in a log line (`%z`/`%Z`): `+0200`, `CEST+01`, `Z`... → minutes. */
function zoneValue(z: string): number {
  const m = FIXED_OFFSET_TZ_RE.exec(z);
  if (!m) throw new TimeZoneError(`Unknown or unsupported time zone: '${z}'`);
  return zone2offset(m[1] ?? "", m[2] ?? "");
}

const A_MONTH = [
  "",
  "jan",
  "feb",
  "mar",
  "apr",
  "may",
  "jun",
  "jul",
  "aug",
  "sep",
  "oct",
  "nov",
  "dec",
];
const F_MONTH = [
  "",
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const A_WEEKDAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const F_WEEKDAY = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

export interface TimeContext {
  /** "Now", epoch seconds (fail2ban's MyTime.time()). */
  now: number;
  /** The local zone (IANA) that `time.mktime`/`datetime.now()` use. */
  zone: string;
  /** fail2ban's `logtimezone` (fixed offset, minutes), when set. */
  defaultTz?: number | undefined;
}

function toOrdinalDays(y: number, m: number, d: number): number {
  return Date.UTC(y, m - 1, d) / 86400000;
}

/** _strptime._calc_julian_from_U_or_W */
function julianFromUW(
  year: number,
  week: number,
  weekday: number,
  weekStartsMonday: boolean,
): number {
  const firstWeekday = (new Date(Date.UTC(year, 0, 1)).getUTCDay() + 6) % 7; // Monday = 0
  let wd = weekday;
  let fw = firstWeekday;
  if (!weekStartsMonday) {
    fw = (fw + 1) % 7;
    wd = (wd + 1) % 7;
  }
  const weekZeroLength = (7 - fw) % 7;
  if (week === 0) return 1 + wd - fw;
  const daysToWeek = weekZeroLength + 7 * (week - 1);
  return 1 + daysToWeek + wd;
}

/** Python ValueError from datetime(): an impossible date. */
export class DateValueError extends Error {}

function checkDate(y: number, m: number, d: number, hh: number, mm: number, ss: number): void {
  if (y < 1 || y > 9999) throw new DateValueError(`year ${y} is out of range`);
  if (m < 1 || m > 12) throw new DateValueError("month must be in 1..12");
  const dim = new Date(Date.UTC(2000, m, 0)).getUTCDate();
  const days = m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : dim;
  if (d < 1 || d > days) throw new DateValueError("day is out of range for month");
  if (hh > 23) throw new DateValueError("hour must be in 0..23");
  if (mm > 59) throw new DateValueError("minute must be in 0..59");
  if (ss > 59) throw new DateValueError("second must be in 0..59");
}

/**
 * reGroupDictStrptime: the epoch (seconds) of the fields a date template captured. Throws
 * {@link DateValueError} where Python's datetime() raises ValueError (fail2ban then has no date).
 */
export function reGroupDictStrptime(
  found: ReadonlyArray<readonly [string, string | null]>,
  ctx: TimeContext,
  info?: { nowMargin: number },
): number {
  let nowW: WallClock | undefined;
  const now = () => {
    nowW ??= wallClock(ctx.now, ctx.zone);
    return nowW;
  };
  let year: number | undefined;
  let month: number | undefined;
  let day: number | undefined;
  let tzoffset: number | undefined;
  let weekday: number | undefined;
  let julian: number | undefined;
  let weekOfYear: number | undefined;
  let weekStart = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  const get = (k: string) => found.find(([key]) => key === k)?.[1] ?? null;
  for (const [key, val] of found) {
    if (val === null) continue;
    switch (key) {
      case "y":
        year = Number.parseInt(val, 10);
        if (year <= 2000) year += 2000;
        break;
      case "Y":
        year = Number.parseInt(val, 10);
        break;
      case "m":
        month = Number.parseInt(val, 10);
        break;
      case "B":
        month = F_MONTH.indexOf(val.toLowerCase());
        break;
      case "b":
        month = A_MONTH.indexOf(val.toLowerCase());
        break;
      case "d":
        day = Number.parseInt(val, 10);
        break;
      case "H":
        hour = Number.parseInt(val, 10);
        break;
      case "I": {
        hour = Number.parseInt(val, 10);
        const ampm = (get("p") ?? "").toLowerCase();
        if (ampm === "" || ampm === "am") {
          if (hour === 12) hour = 0;
        } else if (ampm === "pm") {
          if (hour !== 12) hour += 12;
        }
        break;
      }
      case "M":
        minute = Number.parseInt(val, 10);
        break;
      case "S":
        second = Number.parseInt(val, 10);
        break;
      case "A":
        weekday = F_WEEKDAY.indexOf(val.toLowerCase());
        break;
      case "a":
        weekday = A_WEEKDAY.indexOf(val.toLowerCase());
        break;
      case "w":
        weekday = Number.parseInt(val, 10) - 1;
        if (weekday < 0) weekday = 6;
        break;
      case "j":
        julian = Number.parseInt(val, 10);
        break;
      case "U":
      case "W":
        weekOfYear = Number.parseInt(val, 10);
        weekStart = key === "U" ? 6 : 0;
        break;
      case "z":
      case "Z":
        tzoffset = val === "Z" || val === "UTC" || val === "GMT" ? 0 : zoneValue(val);
        break;
      default:
        break;
    }
  }
  let assumeYear = false;
  if (year === undefined) {
    year = now().year;
    assumeYear = true;
  }
  if (month === undefined || day === undefined) {
    if (julian === undefined && weekOfYear !== undefined && weekday !== undefined) {
      julian = julianFromUW(year, weekOfYear, weekday, weekStart === 0);
    }
    if (julian !== undefined) {
      const days = toOrdinalDays(year, 1, 1) + julian - 1;
      const d = new Date(days * 86400000);
      year = d.getUTCFullYear();
      month = d.getUTCMonth() + 1;
      day = d.getUTCDate();
    }
  }
  let assumeToday = false;
  if (month === undefined && day === undefined) {
    month = now().month;
    day = now().day;
    assumeToday = true;
  }
  if (month === undefined || day === undefined) {
    throw new DateValueError("incomplete date");
  }
  checkDate(year, month, day, hour, minute, second);
  let result: WallClock = { year, month, day, hour, minute, second };
  if (tzoffset === undefined && ctx.defaultTz !== undefined) tzoffset = ctx.defaultTz;
  if (tzoffset !== undefined) result = addSeconds(result, -tzoffset * 60);
  if (info) info.nowMargin = Number.POSITIVE_INFINITY;
  if (assumeToday) {
    const d = compareWall(result, now());
    if (info) info.nowMargin = Math.min(info.nowMargin, Math.abs(d));
    if (d > 0) result = addSeconds(result, -86400);
  }
  if (assumeYear && info) {
    info.nowMargin = Math.min(
      info.nowMargin,
      Math.abs(compareWall(result, addSeconds(now(), 86400))),
    );
  }
  if (assumeYear && compareWall(result, addSeconds(now(), 86400)) > 0) {
    const y = year - 1;
    checkDate(y, month, day, 0, 0, 0);
    result = { ...result, year: y, month, day };
  }
  if (tzoffset !== undefined) return timegm(result);
  return mktime(result, ctx.zone);
}
