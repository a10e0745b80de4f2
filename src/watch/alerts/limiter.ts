/**
 * Rate limiting of alerts: a token bucket per channel (a burst, then so many per hour) and a
 * dedupe window per alert key. What either holds back is not lost: it is counted into a summary
 * ("37 more bans from 12 addresses in the last 10 minutes") sent at most once per interval.
 */
import { formatDuration } from "./format.js";
import type { Alert } from "./types.js";

export class TokenBucket {
  #tokens: number;
  #last: number;
  readonly capacity: number;
  /** Tokens per millisecond. */
  readonly #rate: number;

  constructor(capacity: number, perHour: number, now: number) {
    this.capacity = Math.max(0, capacity);
    this.#tokens = this.capacity;
    this.#rate = Math.max(0, perHour) / 3_600_000;
    this.#last = now;
  }

  #refill(now: number): void {
    if (now > this.#last) {
      this.#tokens = Math.min(this.capacity, this.#tokens + (now - this.#last) * this.#rate);
      this.#last = now;
    }
  }

  take(now: number): boolean {
    this.#refill(now);
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return true;
    }
    return false;
  }

  available(now: number): number {
    this.#refill(now);
    return Math.floor(this.#tokens);
  }
}

/** The same key within `windowMs` of its last delivery is a duplicate. */
export class DedupeWindow {
  readonly #last = new Map<string, number>();
  readonly windowMs: number;

  constructor(windowMs: number) {
    this.windowMs = windowMs;
  }

  isDuplicate(key: string, now: number): boolean {
    const t = this.#last.get(key);
    return t !== undefined && now - t < this.windowMs;
  }

  mark(key: string, now: number): void {
    this.#last.set(key, now);
  }

  prune(now: number): void {
    for (const [k, t] of this.#last) if (now - t >= this.windowMs) this.#last.delete(k);
  }

  get size(): number {
    return this.#last.size;
  }
}

/** Distinct addresses counted exactly up to this many per summary, then "more than". */
const MAX_DISTINCT = 10_000;

/** What was held back since `since`, to be told as one summary. */
export class HeldBack {
  since: number;
  bans = 0;
  readonly #addresses = new Set<string>();
  #addressesOverflow = false;
  readonly jails = new Map<string, number>();
  readonly access = new Map<string, number>();
  actionErrors = 0;
  other = 0;
  /** The first few titles, to show what it was about. */
  readonly samples: string[] = [];

  constructor(since: number) {
    this.since = since;
  }

  get empty(): boolean {
    return this.bans + this.actionErrors + this.other === 0 && this.access.size === 0;
  }

  add(alert: Alert): void {
    if (this.samples.length < 5) this.samples.push(alert.title);
    switch (alert.kind) {
      case "ban": {
        this.bans++;
        const jail = String(alert.data.jail ?? "?");
        this.jails.set(jail, (this.jails.get(jail) ?? 0) + 1);
        const address = String(alert.data.address ?? "");
        if (this.#addresses.size < MAX_DISTINCT) this.#addresses.add(address);
        else if (!this.#addresses.has(address)) this.#addressesOverflow = true;
        return;
      }
      case "access": {
        const ev = String(alert.data.event ?? "other");
        this.access.set(ev, (this.access.get(ev) ?? 0) + 1);
        return;
      }
      case "action-error":
        this.actionErrors++;
        return;
      default:
        this.other++;
    }
  }

  /** The summary alert, at `now`. */
  toAlert(now: number): Alert {
    // whole minutes once past one: "in the last 10 minutes", not "10 minutes 1 second"
    const seconds = Math.max(1, Math.round((now - this.since) / 1000));
    const span = formatDuration(seconds >= 60 ? Math.round(seconds / 60) * 60 : seconds, true);
    const parts: string[] = [];
    const lines: string[] = [];
    const addresses = this.#addressesOverflow
      ? `more than ${MAX_DISTINCT.toLocaleString("en")}`
      : String(this.#addresses.size);
    if (this.bans > 0) {
      const s = `${this.bans} more ban${this.bans === 1 ? "" : "s"} from ${addresses} address${addresses === "1" ? "" : "es"}`;
      parts.push(s);
      const byJail = [...this.jails].sort((a, b) => b[1] - a[1]).map(([j, n]) => `${j} ${n}`);
      lines.push(`${s} (${byJail.join(", ")})`);
      const some = [...this.#addresses].slice(0, 10);
      if (some.length > 0)
        lines.push(`Addresses: ${some.join(", ")}${this.#addresses.size > 10 ? ", ..." : ""}`);
    }
    const accessTotal = [...this.access.values()].reduce((a, b) => a + b, 0);
    if (accessTotal > 0) {
      const s = `${accessTotal} more access event${accessTotal === 1 ? "" : "s"}`;
      parts.push(s);
      lines.push(`${s} (${[...this.access].map(([k, n]) => `${k} ${n}`).join(", ")})`);
    }
    if (this.actionErrors > 0) {
      const s = `${this.actionErrors} more ban action failure${this.actionErrors === 1 ? "" : "s"}`;
      parts.push(s);
      lines.push(s);
    }
    if (this.other > 0) {
      const s = `${this.other} more alert${this.other === 1 ? "" : "s"}`;
      parts.push(s);
      lines.push(s);
    }
    const title = `${parts.join(", ")} in the last ${span}`;
    lines.push(`Held back by the alert rate limit in the last ${span}.`);
    if (this.samples.length > 0)
      lines.push("", "First of them:", ...this.samples.map((s) => `- ${s}`));
    return {
      kind: "summary",
      severity: this.actionErrors > 0 ? "critical" : "warning",
      key: `summary:${this.since}`,
      title,
      text: lines.join("\n"),
      time: now,
      data: {
        since: new Date(this.since).toISOString(),
        bans: this.bans,
        addresses: this.#addressesOverflow ? null : this.#addresses.size,
        jails: Object.fromEntries(this.jails),
        access: Object.fromEntries(this.access),
        actionErrors: this.actionErrors,
        other: this.other,
      },
    };
  }
}
