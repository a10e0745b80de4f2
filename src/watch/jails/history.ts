/**
 * What a jail remembers of bans: the active ones (restored after a restart) and, per jail and
 * address, the last ban and how many there were (fail2ban's `bips` table), which bantime.increment
 * and recidive read. The SQLite store (src/watch/state) implements it on disk; {@link
 * MemoryBanHistory} is the default when no store is given.
 */
import type { KeyKind } from "./addr.js";

/** The last ban of an address in a jail (or summed over every jail). */
export interface PastBan {
  /** Bans so far, this one included. */
  banCount: number;
  /** Start of the last ban, epoch ms. */
  timeOfBan: number;
  /** Its length in seconds; -1 for a permanent ban. */
  bantime: number;
}

/** A ban as it is applied and stored. */
export interface ActiveBan {
  jail: string;
  key: string;
  kind: KeyKind;
  /** Start, epoch ms (the time of the failure that led to it). */
  time: number;
  /** End, epoch ms; Infinity for a permanent ban. */
  until: number;
  /** Seconds; -1 for a permanent ban. */
  bantime: number;
  /** Bans of this key in this jail so far, this one included (1 for a first ban). */
  count: number;
  /** Failures counted when it was decided. */
  failures: number;
}

export interface BanHistory {
  lastBan(jail: string, key: string): PastBan | undefined;
  /** Over every jail: bans summed, the latest start, bantimes summed (`bantime.overalljails`). */
  lastBanOverall(key: string): PastBan | undefined;
  recordBan(ban: ActiveBan): void;
  /** The ban ended (expired or lifted): it is no longer restored, its count is kept. */
  recordUnban(jail: string, key: string, time: number): void;
  /** Bans still in force at `now` (permanent ones included). */
  activeBans(now: number): ActiveBan[];
  /**
   * Forget old history as fail2ban's purge does: a ban older than `purgeAge` whose
   * `start + 3 × bantime` is also older (permanent bans are kept).
   */
  purge(now: number, purgeAgeSeconds: number): number;
}

const sep = "\u0000";

export class MemoryBanHistory implements BanHistory {
  /** key → jail → last ban */
  readonly #last = new Map<string, Map<string, PastBan>>();
  readonly #active = new Map<string, ActiveBan>();

  lastBan(jail: string, key: string): PastBan | undefined {
    return this.#last.get(key)?.get(jail);
  }

  lastBanOverall(key: string): PastBan | undefined {
    let out: PastBan | undefined;
    for (const v of this.#last.get(key)?.values() ?? []) {
      out = out
        ? {
            banCount: out.banCount + v.banCount,
            timeOfBan: Math.max(out.timeOfBan, v.timeOfBan),
            bantime: out.bantime + v.bantime,
          }
        : { ...v };
    }
    return out;
  }

  recordBan(ban: ActiveBan): void {
    let byJail = this.#last.get(ban.key);
    if (!byJail) {
      byJail = new Map();
      this.#last.set(ban.key, byJail);
    }
    byJail.set(ban.jail, { banCount: ban.count, timeOfBan: ban.time, bantime: ban.bantime });
    this.#active.set(ban.jail + sep + ban.key, { ...ban });
  }

  recordUnban(jail: string, key: string): void {
    this.#active.delete(jail + sep + key);
  }

  activeBans(now: number): ActiveBan[] {
    return [...this.#active.values()].filter((b) => b.until > now).map((b) => ({ ...b }));
  }

  purge(now: number, purgeAgeSeconds: number): number {
    const limit = now - purgeAgeSeconds * 1000;
    let n = 0;
    for (const [key, byJail] of this.#last) {
      for (const [jail, v] of byJail) {
        if (v.bantime !== -1 && v.timeOfBan < limit && v.timeOfBan + v.bantime * 3000 < limit) {
          byJail.delete(jail);
          n++;
        }
      }
      if (byJail.size === 0) this.#last.delete(key);
    }
    return n;
  }
}
