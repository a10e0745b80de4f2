/**
 * Wall-clock time in a time zone: the host's local zone (no option), a fixed offset ("UTC",
 * "+02:00", "UTC+0200" as fail2ban's logtimezone writes it) or an IANA zone name converted with
 * Intl. Conversions are cached per hour of wall-clock time, since Intl is slow and a flood of
 * syslog messages shares a handful of hours.
 */

export const MONTHS = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
] as const;

export interface WallTime {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const HOUR = 3_600_000;

/** Converts between epoch ms and wall-clock time in one zone. */
export class ZoneClock {
  /** The zone as given (undefined: the host's local zone). */
  readonly zone: string | undefined;
  /** A fixed offset from UTC in ms, when the zone is one. */
  private readonly fixed: number | undefined;
  private readonly dtf: Intl.DateTimeFormat | undefined;
  private readonly offsets = new Map<number, number>();
  private yearKey = Number.NaN;
  private year = 0;

  constructor(timezone?: string) {
    this.zone = timezone;
    if (timezone === undefined || timezone === "" || timezone.toLowerCase() === "local") {
      this.zone = undefined;
      return;
    }
    const f = parseFixedOffset(timezone);
    if (f !== undefined) {
      this.fixed = f;
      return;
    }
    try {
      this.dtf = new Intl.DateTimeFormat("en-US", {
        timeZone: timezone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch {
      throw new RangeError(
        `unknown time zone ${JSON.stringify(timezone)} (expected an IANA name such as Europe/Vilnius, UTC, or an offset such as +02:00)`,
      );
    }
  }

  /** Epoch ms of a wall-clock time in this zone (month 1..12). */
  toEpoch(
    year: number,
    month: number,
    day: number,
    hour: number,
    minute: number,
    second: number,
    ms = 0,
  ): number {
    if (this.fixed !== undefined)
      return Date.UTC(year, month - 1, day, hour, minute, second, ms) - this.fixed;
    if (!this.dtf) {
      const d = new Date(year, month - 1, day, hour, minute, second, ms);
      // Years 0..99 would be taken as 1900+; not a concern for log timestamps, but be exact.
      if (year < 100) d.setFullYear(year);
      return d.getTime();
    }
    const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
    const key = Math.floor(local / HOUR);
    let off = this.offsets.get(key);
    if (off === undefined) {
      const o1 = this.offsetAt(local);
      const o2 = this.offsetAt(local - o1);
      off = o2;
      if (this.offsets.size > 4096) this.offsets.clear();
      this.offsets.set(key, off);
    }
    return local - off;
  }

  /** Wall-clock time of an epoch in this zone. */
  wall(epoch: number): WallTime {
    if (this.fixed !== undefined || !this.dtf) {
      const d = new Date(this.fixed !== undefined ? epoch + this.fixed : epoch);
      return this.fixed !== undefined
        ? {
            year: d.getUTCFullYear(),
            month: d.getUTCMonth() + 1,
            day: d.getUTCDate(),
            hour: d.getUTCHours(),
            minute: d.getUTCMinutes(),
            second: d.getUTCSeconds(),
          }
        : {
            year: d.getFullYear(),
            month: d.getMonth() + 1,
            day: d.getDate(),
            hour: d.getHours(),
            minute: d.getMinutes(),
            second: d.getSeconds(),
          };
    }
    const w: WallTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
    for (const p of this.dtf.formatToParts(epoch)) {
      if (p.type === "year") w.year = Number(p.value);
      else if (p.type === "month") w.month = Number(p.value);
      else if (p.type === "day") w.day = Number(p.value);
      else if (p.type === "hour") w.hour = Number(p.value) % 24;
      else if (p.type === "minute") w.minute = Number(p.value);
      else if (p.type === "second") w.second = Number(p.value);
    }
    return w;
  }

  /**
   * Epoch ms of a timestamp that has no year (RFC 3164 "Nov 21 10:00:01"): the year that puts it
   * nearest to `now` (so a December line read in January is last year's).
   */
  toEpochNoYear(
    month: number,
    day: number,
    hour: number,
    minute: number,
    second: number,
    ms: number,
    now: number,
  ): number {
    const y = this.yearAt(now);
    let best = this.toEpoch(y, month, day, hour, minute, second, ms);
    for (const cand of [y - 1, y + 1]) {
      const t = this.toEpoch(cand, month, day, hour, minute, second, ms);
      if (Math.abs(t - now) < Math.abs(best - now)) best = t;
    }
    return best;
  }

  /** The year at an instant in this zone (cached for the hour). */
  yearAt(now: number): number {
    const key = Math.floor(now / HOUR);
    if (key !== this.yearKey) {
      this.yearKey = key;
      this.year = this.wall(now).year;
    }
    return this.year;
  }

  /** Offset (ms) of the zone at an instant: wall clock there minus UTC. */
  private offsetAt(epoch: number): number {
    const w = this.wall(epoch);
    const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
    return asUtc - Math.floor(epoch / 1000) * 1000;
  }
}

/** "UTC", "GMT", "Z", "+02:00", "-0530", "UTC+2", "GMT-05:00" → offset ms; else undefined. */
export function parseFixedOffset(tz: string): number | undefined {
  const s = tz.trim();
  if (/^(?:utc|gmt|z)$/i.test(s)) return 0;
  const m = /^(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(s);
  if (!m) return undefined;
  const h = Number(m[2]);
  const mi = Number(m[3] ?? 0);
  if (h > 14 || mi > 59) return undefined;
  return (m[1] === "-" ? -1 : 1) * (h * 60 + mi) * 60_000;
}

/** "Nov 21 10:00:01" (day padded with a space, as syslog writes it). */
export function formatSyslogDate(
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): string {
  return `${MONTHS[month - 1] ?? "???"} ${day < 10 ? ` ${day}` : day} ${pad2(hour)}:${pad2(minute)}:${pad2(second)}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
