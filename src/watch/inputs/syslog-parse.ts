/**
 * Syslog message parsing (RFC 3164 and RFC 5424) into the line rsyslog would write to a log file
 * with its default RSYSLOG_TraditionalFileFormat template, which is what fail2ban's filters are
 * written against:
 *
 *   TIMESTAMP SP HOSTNAME SP SYSLOGTAG MSG      e.g. "Nov 21 10:00:01 rut955 dropbear[1234]: Bad ..."
 *
 * - PRI is optional ("<38>"); without one the message is parsed from its first byte (rsyslog
 *   then takes the default priority, user.notice).
 * - RFC 3164 header: an RFC 3339 timestamp, or "Mmm dd hh:mm:ss" (day padded with a space or a
 *   zero, optional fraction, optional year before the time as Cisco writes it), then a hostname
 *   by rsyslog's rule (letters, digits, ".", "_", "-", ending in a letter or digit, followed by a
 *   space: so "dropbear[1234]:" is a tag, not a hostname). No hostname: the sender's address is
 *   written, as rsyslog does. No timestamp: the time of reception.
 * - RFC 5424 ("<165>1 TS HOST APP PROCID MSGID SD MSG"): "-" is NILVALUE; a BOM before MSG is
 *   removed; the structured data is kept in `structuredData` (rsyslog's file format omits it);
 *   the tag written is "APP[PROCID]:".
 * - The timestamp is written as "Mmm dd hh:mm:ss" with the wall-clock fields as received (as
 *   rsyslog does); `time` is the exact instant: the header's zone if it has one, else the
 *   `timezone` option (an IANA zone), else the host's local zone. A timestamp without a year
 *   gets the year that puts it nearest to the time of reception.
 * - Control characters are escaped as rsyslog does by default (tab becomes "#011"); trailing
 *   LF, CR and NUL are dropped.
 */
import { formatSyslogDate, MONTHS, ZoneClock } from "./time.js";

export interface SyslogMessage {
  format: "rfc3164" | "rfc5424";
  /** The PRI value (facility * 8 + severity); undefined when the message has no valid PRI. */
  pri: number | undefined;
  /** Header time, epoch ms; undefined when the header has no (valid) timestamp. */
  time: number | undefined;
  /** HOSTNAME from the header; undefined when absent (or NILVALUE). */
  hostname: string | undefined;
  /** The tag as written in the line: "dropbear[1234]:" (3164 as received; 5424 built). */
  tag: string;
  /** RFC 5424 APP-NAME, PROCID, MSGID (undefined when NILVALUE or RFC 3164). */
  appName: string | undefined;
  procId: string | undefined;
  msgId: string | undefined;
  /** RFC 5424 STRUCTURED-DATA as received ("[id k=\"v\"]..."), undefined when NILVALUE. */
  structuredData: string | undefined;
  /** MSG: the free-form text after the tag (a leading space removed). */
  message: string;
  /** The line as rsyslog would write it to a file (what fail2ban reads). */
  text: string;
}

export interface SyslogParserOptions {
  /** Zone for timestamps that have none: an IANA name, "UTC" or an offset; default the host's. */
  timezone?: string;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CTRL = /[\x00-\x1f\x7f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CTRL_G = /[\x00-\x1f\x7f]/g;

/** rsyslog's escaping of control characters: "#" and three octal digits. */
export function escapeControl(s: string): string {
  return s.replace(CTRL_G, (c) => `#${c.charCodeAt(0).toString(8).padStart(3, "0")}`);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Two decimal digits at i, or -1. */
function dig2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

function monthAt(s: string, i: number): number {
  const a = s.charCodeAt(i) | 0x20;
  const b = s.charCodeAt(i + 1) | 0x20;
  const c = s.charCodeAt(i + 2) | 0x20;
  for (let m = 0; m < 12; m++) {
    const n = MONTHS[m] as string;
    if ((n.charCodeAt(0) | 0x20) === a && n.charCodeAt(1) === b && n.charCodeAt(2) === c)
      return m + 1;
  }
  return 0;
}

/** rsyslog's hostname characters: letters, digits, ".", "_", "-". */
function isHostChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 46 ||
    c === 95 ||
    c === 45
  );
}

function isAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

/**
 * A reusable parser: `parse` fills and returns the same object each time (copy what you keep).
 * Keeps small caches (the last timestamp seen, zone offsets per hour) so a flood costs little.
 */
export class SyslogParser {
  readonly clock: ZoneClock;
  private readonly m: SyslogMessage = {
    format: "rfc3164",
    pri: undefined,
    time: undefined,
    hostname: undefined,
    tag: "",
    appName: undefined,
    procId: undefined,
    msgId: undefined,
    structuredData: undefined,
    message: "",
    text: "",
  };
  // Parsed timestamp scratch (set by ts3164/ts3339).
  private tEnd = 0;
  private tTime = 0;
  private tMonth = 0;
  private tDay = 0;
  private tHour = 0;
  private tMin = 0;
  private tSec = 0;
  /** Milliseconds of the fractional seconds last read (see fraction). */
  private tMs = 0;
  // Last RFC 3164 timestamp token: a flood shares it.
  private lastTs = "";
  private lastTsTime = 0;
  private lastTsRendered = "";
  private lastTsCanonical = false;
  private lastTsAt = 0;
  // Reception time rendered, per second.
  private recvSec = Number.NaN;
  private recvText = "";

  constructor(opts: SyslogParserOptions = {}) {
    this.clock = new ZoneClock(opts.timezone);
  }

  /**
   * Parses one message (a datagram or a TCP frame, decoded). `sender` is written as the hostname
   * when the header has none; `receivedAt` (epoch ms) stands in for a missing timestamp and
   * decides the year of one without a year.
   */
  parse(input: string, sender: string, receivedAt: number): SyslogMessage {
    let s = input;
    let end = s.length;
    while (end > 0) {
      const c = s.charCodeAt(end - 1);
      if (c === 10 || c === 13 || c === 0) end--;
      else break;
    }
    if (end !== s.length) s = s.slice(0, end);
    if (CTRL.test(s)) s = escapeControl(s);
    const m = this.m;
    m.pri = undefined;
    m.time = undefined;
    m.hostname = undefined;
    m.appName = undefined;
    m.procId = undefined;
    m.msgId = undefined;
    m.structuredData = undefined;
    let i = 0;
    if (s.charCodeAt(0) === 60) {
      let j = 1;
      let v = 0;
      while (j < 4 && isDigit(s.charCodeAt(j))) {
        v = v * 10 + s.charCodeAt(j) - 48;
        j++;
      }
      if (j > 1 && s.charCodeAt(j) === 62 && v <= 191) {
        m.pri = v;
        i = j + 1;
      }
    }
    if (s.charCodeAt(i) === 49 && s.charCodeAt(i + 1) === 32)
      this.parse5424(s, i + 2, sender, receivedAt);
    else this.parse3164(s, i, sender, receivedAt);
    return m;
  }

  private parse3164(s: string, i: number, sender: string, now: number): void {
    const m = this.m;
    m.format = "rfc3164";
    let tsStart = i;
    let tsEnd = -1;
    let rendered = "";
    let canonical = false;
    const last = this.lastTs;
    if (
      last !== "" &&
      s.startsWith(last, i) &&
      (s.length === i + last.length || s.charCodeAt(i + last.length) === 32) &&
      now - this.lastTsAt < 60_000 &&
      now >= this.lastTsAt
    ) {
      tsEnd = i + last.length;
      m.time = this.lastTsTime;
      rendered = this.lastTsRendered;
      canonical = this.lastTsCanonical;
    } else {
      let ok = this.ts3339(s, i) || this.ts3164(s, i, now);
      if (!ok && s.charCodeAt(i) === 32 && this.ts3164(s, i + 1, now)) {
        ok = true;
        tsStart = i + 1;
      }
      if (ok) {
        tsEnd = this.tEnd;
        m.time = this.tTime;
        rendered = formatSyslogDate(this.tMonth, this.tDay, this.tHour, this.tMin, this.tSec);
        canonical = tsEnd - tsStart === 15 && s.startsWith(rendered, tsStart);
        if (tsStart === i) {
          this.lastTs = s.slice(i, tsEnd);
          this.lastTsTime = this.tTime;
          this.lastTsRendered = rendered;
          this.lastTsCanonical = canonical;
          this.lastTsAt = now;
        }
      }
    }
    let p = i;
    if (tsEnd >= 0) {
      p = tsEnd < s.length ? tsEnd + 1 : tsEnd;
    } else {
      rendered = this.received(now);
    }
    // HOSTNAME, by rsyslog's rule.
    let k = p;
    while (k < s.length && isHostChar(s.charCodeAt(k))) k++;
    if (k > p && (k === s.length || (s.charCodeAt(k) === 32 && isAlnum(s.charCodeAt(k - 1))))) {
      m.hostname = s.slice(p, k);
      p = k < s.length ? k + 1 : k;
    }
    // TAG: up to ":" (included) or a space (not included).
    let t = p;
    while (t < s.length) {
      const c = s.charCodeAt(t);
      if (c === 58 || c === 32) break;
      t++;
    }
    if (s.charCodeAt(t) === 58) t++;
    m.tag = s.slice(p, t);
    const spaced = t >= s.length || s.charCodeAt(t) === 32;
    m.message = s.slice(spaced && t < s.length ? t + 1 : t);
    if (canonical && m.hostname !== undefined && spaced && tsEnd < s.length) {
      m.text = s.slice(tsStart);
    } else {
      const host = m.hostname ?? sender;
      const rest = t >= s.length ? m.tag : spaced ? s.slice(p) : `${m.tag} ${m.message}`;
      m.text = rest === "" ? `${rendered} ${host}` : `${rendered} ${host} ${rest}`;
    }
  }

  private parse5424(s: string, i: number, sender: string, now: number): void {
    const m = this.m;
    m.format = "rfc5424";
    let p = i;
    const field = (): string | undefined => {
      if (p >= s.length) return undefined;
      let e = s.indexOf(" ", p);
      if (e < 0) e = s.length;
      const v = s.slice(p, e);
      p = e + 1;
      return v === "-" ? undefined : v;
    };
    const tsStart = p;
    const ts = field();
    let rendered: string;
    if (ts !== undefined && this.ts3339(s, tsStart) && this.tEnd === tsStart + ts.length) {
      m.time = this.tTime;
      rendered = formatSyslogDate(this.tMonth, this.tDay, this.tHour, this.tMin, this.tSec);
    } else {
      rendered = this.received(now);
    }
    m.hostname = field();
    m.appName = field();
    m.procId = field();
    m.msgId = field();
    // STRUCTURED-DATA: "-" or one or more [id param="value"...] elements.
    let msg = "";
    if (p < s.length) {
      if (s.charCodeAt(p) === 91) {
        const sdStart = p;
        let inQuote = false;
        let q = p;
        while (q < s.length) {
          const c = s.charCodeAt(q);
          if (inQuote) {
            if (c === 92) q++;
            else if (c === 34) inQuote = false;
          } else if (c === 34) inQuote = true;
          else if (c === 93 && s.charCodeAt(q + 1) !== 91) {
            q++;
            break;
          }
          q++;
        }
        m.structuredData = s.slice(sdStart, q);
        p = q;
      } else if (s.charCodeAt(p) === 45) {
        p++;
      }
      // Else no structured data at all: what follows is taken as MSG (best effort).
      if (p < s.length && s.charCodeAt(p) === 32) p++;
      if (p < s.length) {
        msg = s.slice(p);
        if (msg.charCodeAt(0) === 0xfeff) msg = msg.slice(1);
      }
    }
    m.message = msg;
    m.tag =
      m.appName === undefined
        ? ""
        : `${m.appName}${m.procId === undefined ? "" : `[${m.procId}]`}:`;
    const host = m.hostname ?? sender;
    if (m.tag === "") m.text = msg === "" ? `${rendered} ${host}` : `${rendered} ${host} ${msg}`;
    else
      m.text = `${rendered} ${host} ${m.tag}${msg === "" || msg.charCodeAt(0) === 32 ? "" : " "}${msg}`;
  }

  /** The time of reception as a syslog date, in the zone. */
  private received(now: number): string {
    const sec = Math.floor(now / 1000);
    if (sec !== this.recvSec) {
      this.recvSec = sec;
      const w = this.clock.wall(now);
      this.recvText = formatSyslogDate(w.month, w.day, w.hour, w.minute, w.second);
    }
    return this.recvText;
  }

  /** "Mmm dd [yyyy ]hh:mm:ss[.fff]" at i, followed by a space or the end. */
  private ts3164(s: string, i: number, now: number): boolean {
    const month = monthAt(s, i);
    if (month === 0 || s.charCodeAt(i + 3) !== 32) return false;
    let p = i + 4;
    if (s.charCodeAt(p) === 32) p++;
    let day = 0;
    let nd = 0;
    while (nd < 2 && isDigit(s.charCodeAt(p))) {
      day = day * 10 + s.charCodeAt(p) - 48;
      p++;
      nd++;
    }
    if (nd === 0 || day < 1 || day > 31 || s.charCodeAt(p) !== 32) return false;
    p++;
    let year = -1;
    if (
      isDigit(s.charCodeAt(p)) &&
      isDigit(s.charCodeAt(p + 1)) &&
      isDigit(s.charCodeAt(p + 2)) &&
      isDigit(s.charCodeAt(p + 3)) &&
      s.charCodeAt(p + 4) === 32
    ) {
      year = Number(s.slice(p, p + 4));
      p += 5;
    }
    const h = dig2(s, p);
    const mi = dig2(s, p + 3);
    const sec = dig2(s, p + 6);
    if (h < 0 || mi < 0 || sec < 0 || s.charCodeAt(p + 2) !== 58 || s.charCodeAt(p + 5) !== 58)
      return false;
    if (h > 23 || mi > 59 || sec > 60) return false;
    p += 8;
    p = this.fraction(s, p);
    const ms = this.tMs;
    if (p < s.length && s.charCodeAt(p) !== 32) return false;
    const sec2 = Math.min(sec, 59);
    this.tTime =
      year >= 0
        ? this.clock.toEpoch(year, month, day, h, mi, sec2, ms)
        : this.clock.toEpochNoYear(month, day, h, mi, sec2, ms, now);
    this.tEnd = p;
    this.tMonth = month;
    this.tDay = day;
    this.tHour = h;
    this.tMin = mi;
    this.tSec = sec;
    return true;
  }

  /** Fractional seconds (".123…") at p, if any: milliseconds into tMs; returns the position after. */
  private fraction(s: string, p0: number): number {
    let p = p0;
    let ms = 0;
    if (s.charCodeAt(p) === 46 && isDigit(s.charCodeAt(p + 1))) {
      p++;
      let scale = 100;
      while (isDigit(s.charCodeAt(p))) {
        ms += (s.charCodeAt(p) - 48) * scale;
        scale /= 10;
        p++;
      }
    }
    this.tMs = Math.floor(ms);
    return p;
  }

  /** RFC 3339 "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)" at i (zone optional), then space or end. */
  private ts3339(s: string, i: number): boolean {
    const c0 = s.charCodeAt(i);
    if (!isDigit(c0) || s.charCodeAt(i + 4) !== 45) return false;
    const y1 = dig2(s, i);
    const y2 = dig2(s, i + 2);
    const mo = dig2(s, i + 5);
    const d = dig2(s, i + 8);
    const tc = s.charCodeAt(i + 10);
    const h = dig2(s, i + 11);
    const mi = dig2(s, i + 14);
    const sec = dig2(s, i + 17);
    if (y1 < 0 || y2 < 0 || mo < 1 || mo > 12 || d < 1 || d > 31) return false;
    if (s.charCodeAt(i + 7) !== 45 || (tc !== 84 && tc !== 116 && tc !== 32)) return false;
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60) return false;
    if (s.charCodeAt(i + 13) !== 58 || s.charCodeAt(i + 16) !== 58) return false;
    const year = y1 * 100 + y2;
    let p = i + 19;
    p = this.fraction(s, p);
    const ms = this.tMs;
    let off: number | undefined;
    const z = s.charCodeAt(p);
    if (z === 90 || z === 122) {
      off = 0;
      p++;
    } else if (z === 43 || z === 45) {
      const oh = dig2(s, p + 1);
      const om = s.charCodeAt(p + 3) === 58 ? dig2(s, p + 4) : dig2(s, p + 3);
      if (oh < 0 || om < 0 || oh > 23 || om > 59) return false;
      off = (z === 45 ? -1 : 1) * (oh * 60 + om) * 60_000;
      p += s.charCodeAt(p + 3) === 58 ? 6 : 5;
    }
    if (p < s.length && s.charCodeAt(p) !== 32) return false;
    const sec2 = Math.min(sec, 59);
    this.tTime =
      off === undefined
        ? this.clock.toEpoch(year, mo, d, h, mi, sec2, ms)
        : Date.UTC(year, mo - 1, d, h, mi, sec2, ms) - off;
    this.tEnd = p;
    this.tMonth = mo;
    this.tDay = d;
    this.tHour = h;
    this.tMin = mi;
    this.tSec = sec;
    return true;
  }
}

export interface ParseSyslogOptions extends SyslogParserOptions {
  /** Written as the hostname when the header has none (default "-"). */
  sender?: string;
  /** Time of reception, epoch ms (default now). */
  receivedAt?: number;
}

/** Parses one syslog message (one-off; a receiver keeps a SyslogParser). */
export function parseSyslogMessage(
  input: string | Buffer,
  opts: ParseSyslogOptions = {},
): SyslogMessage {
  const p = new SyslogParser(opts);
  const raw = typeof input === "string" ? input : input.toString("utf8");
  const m = p.parse(raw, opts.sender ?? "-", opts.receivedAt ?? Date.now());
  const out = { ...m };
  if (out.format === "rfc3164" && out.tag !== "") {
    const t = /^([^[\]:]+)(?:\[([^\]]*)\])?:?$/.exec(out.tag);
    if (t) {
      out.appName = t[1];
      out.procId = t[2];
    }
  }
  return out;
}

/** Facility and severity of a PRI value. */
export function splitPri(pri: number): { facility: number; severity: number } {
  return { facility: pri >> 3, severity: pri & 7 };
}
