/**
 * Wall-clock time in a time zone, the way fail2ban uses the process's local zone: `time.mktime`
 * (local wall-clock → epoch) and `datetime.fromtimestamp` (epoch → local wall-clock). The zone
 * is an IANA name (`Europe/Zurich`), or undefined for the process's own (the `TZ` variable).
 */

/** Broken-down wall-clock time, like Python's naive `datetime` (month 1-12). */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The process's zone (honours `TZ`). */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC";
}

/** True when `zone` is an IANA zone name the runtime knows. */
export function isIanaZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

const offsetCache = new Map<string, Map<number, number>>();
const BUCKET = 900;

/** UTC offset (seconds east of UTC) of `zone` at the instant `epoch` (seconds). */
export function zoneOffset(epoch: number, zone: string): number {
  let cache = offsetCache.get(zone);
  if (!cache) {
    cache = new Map();
    offsetCache.set(zone, cache);
  }
  const bucket = Math.floor(epoch / BUCKET);
  const hit = cache.get(bucket);
  // transitions happen on quarter hours: a bucket has a single offset
  if (hit !== undefined) return hit;
  const w = wallClockUncached(bucket * BUCKET, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) / 1000;
  const off = asUtc - bucket * BUCKET;
  if (cache.size > 50_000) cache.clear();
  cache.set(bucket, off);
  return off;
}

function wallClockUncached(epoch: number, zone: string): WallClock {
  const parts = formatter(zone).formatToParts(new Date(epoch * 1000));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour") % 24,
    minute: get("minute"),
    second: get("second"),
  };
}

/** `datetime.fromtimestamp(epoch)` in `zone` (fractions of a second dropped). */
export function wallClock(epoch: number, zone: string): WallClock {
  const e = Math.floor(epoch);
  const off = zoneOffset(e, zone);
  return fromUtcFields((e + off) * 1000);
}

function fromUtcFields(ms: number): WallClock {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/** Seconds of a wall-clock value read as if it were UTC (`calendar.timegm`). */
export function timegm(w: WallClock): number {
  const ms = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  // Date.UTC maps years 0-99 to 1900-1999
  if (w.year >= 0 && w.year < 100) {
    const d = new Date(ms);
    d.setUTCFullYear(w.year);
    return d.getTime() / 1000;
  }
  return ms / 1000;
}

/**
 * `time.mktime` in `zone`: the epoch of a wall-clock time. In a DST gap the time is read with the
 * offset in force before the gap (02:30 on a spring-forward night → 03:30 summer time, as glibc
 * does); an ambiguous time takes the first (summer-time) reading.
 */
export function mktime(w: WallClock, zone: string): number {
  const t0 = timegm(w);
  const before = zoneOffset(t0 - 86400, zone);
  const after = zoneOffset(t0 + 86400, zone);
  // try the larger offset first (earlier instant): the first of two readings
  const candidates = before >= after ? [before, after] : [after, before];
  for (const off of candidates) {
    const t = t0 - off;
    if (zoneOffset(t, zone) === off) return t;
  }
  return t0 - before;
}

/** Add seconds to a wall-clock value (naive datetime + timedelta). */
export function addSeconds(w: WallClock, seconds: number): WallClock {
  return fromUtcFields((timegm(w) + seconds) * 1000);
}

/** Compare naive wall-clock values. */
export function compareWall(a: WallClock, b: WallClock): number {
  return timegm(a) - timegm(b);
}

/**
 * ISO 8601 text of an epoch (ms) as wall-clock time in `zone` with its offset
 * (`2004-11-26T16:47:51+01:00`), or at a fixed offset (minutes east of UTC) when given.
 */
export function isoInZone(ms: number, zone: string, fixedOffset?: number): string {
  const epoch = ms / 1000;
  const off = fixedOffset !== undefined ? fixedOffset * 60 : zoneOffset(Math.floor(epoch), zone);
  const d = new Date(ms + off * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const frac = d.getUTCMilliseconds() ? `.${p(d.getUTCMilliseconds(), 3)}` : "";
  const sign = off < 0 ? "-" : "+";
  const a = Math.abs(off);
  return (
    `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}` +
    `T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}${frac}` +
    `${sign}${p(Math.floor(a / 3600))}:${p(Math.floor((a % 3600) / 60))}`
  );
}
