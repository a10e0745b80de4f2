/**
 * The watcher's state on disk (SQLite through better-sqlite3, WAL): the bans in force (restored at
 * start), per jail and address the last ban and the number of bans (what bantime.increment and
 * recidive read, like fail2ban's `bips`), a log of bans (for facts such as "SSH brute force from 3
 * addresses in the last 24 h"), and the seen-set of logins.
 *
 * It never holds a secret: addresses, jail names, user names and times only; no log line (a
 * failed login's line may carry a mistyped password), no credential of an alert channel.
 *
 * `schema_version` holds the schema's version; a store written by a newer Bulwark is refused
 * rather than misread, an older one is migrated in a transaction.
 */
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { KeyKind } from "../jails/addr.js";
import type { ActiveBan, BanHistory, PastBan } from "../jails/history.js";
import type { SeenRecord, SeenSet } from "./seen.js";

export const SCHEMA_VERSION = 1;

const MIGRATIONS: Record<number, string> = {
  1: `
    CREATE TABLE bans_active (
      jail TEXT NOT NULL,
      key TEXT NOT NULL,
      kind TEXT NOT NULL,
      time INTEGER NOT NULL,
      until INTEGER,
      bantime REAL NOT NULL,
      count INTEGER NOT NULL,
      failures INTEGER NOT NULL,
      PRIMARY KEY (jail, key)
    );
    CREATE INDEX bans_active_until ON bans_active(until);
    CREATE TABLE ban_history (
      key TEXT NOT NULL,
      jail TEXT NOT NULL,
      time_of_ban INTEGER NOT NULL,
      bantime REAL NOT NULL,
      ban_count INTEGER NOT NULL,
      PRIMARY KEY (key, jail)
    );
    CREATE TABLE ban_log (
      id INTEGER PRIMARY KEY,
      jail TEXT NOT NULL,
      key TEXT NOT NULL,
      kind TEXT NOT NULL,
      time INTEGER NOT NULL,
      until INTEGER,
      bantime REAL NOT NULL,
      count INTEGER NOT NULL,
      failures INTEGER NOT NULL
    );
    CREATE INDEX ban_log_time ON ban_log(time);
    CREATE TABLE seen (
      subject TEXT PRIMARY KEY,
      first_seen INTEGER NOT NULL,
      last_seen INTEGER NOT NULL,
      count INTEGER NOT NULL
    );
  `,
};

export interface WatchStoreOptions {
  /** Milliseconds to wait for a lock held by another process (default 5000). */
  busyTimeoutMs?: number;
  /** Keep the ban log this long (default 30 days); the rest is purged with the history. */
  logRetentionSeconds?: number;
}

export interface BanSummary {
  jail: string;
  bans: number;
  addresses: number;
}

interface ActiveRow {
  jail: string;
  key: string;
  kind: string;
  time: number;
  until: number | null;
  bantime: number;
  count: number;
  failures: number;
}

export class WatchStore implements BanHistory, SeenSet {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #logRetention: number;
  readonly #q: {
    lastBan: Database.Statement<
      [string, string],
      { ban_count: number; time_of_ban: number; bantime: number }
    >;
    lastBanOverall: Database.Statement<
      [string],
      { ban_count: number | null; time_of_ban: number | null; bantime: number | null }
    >;
    upsertActive: Database.Statement<unknown[]>;
    upsertHistory: Database.Statement<unknown[]>;
    insertLog: Database.Statement<unknown[]>;
    deleteActive: Database.Statement<[string, string]>;
    active: Database.Statement<[number], ActiveRow>;
    dropExpired: Database.Statement<[number]>;
    getSeen: Database.Statement<
      [string],
      { subject: string; first_seen: number; last_seen: number; count: number }
    >;
    insertSeen: Database.Statement<unknown[]>;
    updateSeen: Database.Statement<unknown[]>;
  };

  /** Open (creating it and its folder if needed) the store at `path`; ":memory:" for tests. */
  constructor(path: string, opts: WatchStoreOptions = {}) {
    this.path = path;
    this.#logRetention = opts.logRetentionSeconds ?? 30 * 86_400;
    const memory = path === ":memory:" || path === "";
    const fresh = !memory && !existsSync(path);
    if (fresh) mkdirSync(dirname(path), { recursive: true });
    this.#db = new Database(path);
    if (fresh) {
      try {
        chmodSync(path, 0o600);
      } catch {
        // not fatal: the store holds no secret
      }
    }
    this.#db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    if (!memory) this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("synchronous = NORMAL");
    this.#migrate();
    const db = this.#db;
    this.#q = {
      lastBan: db.prepare(
        "SELECT ban_count, time_of_ban, bantime FROM ban_history WHERE key = ? AND jail = ?",
      ),
      lastBanOverall: db.prepare(
        "SELECT sum(ban_count) AS ban_count, max(time_of_ban) AS time_of_ban, sum(bantime) AS bantime FROM ban_history WHERE key = ?",
      ),
      upsertActive: db.prepare(
        `INSERT INTO bans_active(jail, key, kind, time, until, bantime, count, failures)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(jail, key) DO UPDATE SET kind = excluded.kind, time = excluded.time,
           until = excluded.until, bantime = excluded.bantime, count = excluded.count,
           failures = excluded.failures`,
      ),
      upsertHistory: db.prepare(
        `INSERT INTO ban_history(key, jail, time_of_ban, bantime, ban_count) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(key, jail) DO UPDATE SET time_of_ban = excluded.time_of_ban,
           bantime = excluded.bantime, ban_count = excluded.ban_count`,
      ),
      insertLog: db.prepare(
        "INSERT INTO ban_log(jail, key, kind, time, until, bantime, count, failures) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      deleteActive: db.prepare("DELETE FROM bans_active WHERE jail = ? AND key = ?"),
      active: db.prepare(
        "SELECT jail, key, kind, time, until, bantime, count, failures FROM bans_active WHERE until IS NULL OR until > ? ORDER BY time",
      ),
      dropExpired: db.prepare("DELETE FROM bans_active WHERE until IS NOT NULL AND until <= ?"),
      getSeen: db.prepare(
        "SELECT subject, first_seen, last_seen, count FROM seen WHERE subject = ?",
      ),
      insertSeen: db.prepare(
        "INSERT INTO seen(subject, first_seen, last_seen, count) VALUES (?, ?, ?, 1)",
      ),
      updateSeen: db.prepare(
        "UPDATE seen SET last_seen = max(last_seen, ?), count = count + 1 WHERE subject = ?",
      ),
    };
  }

  #migrate(): void {
    const db = this.#db;
    db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const row = db.prepare("SELECT version FROM schema_version").get() as
      | { version: number }
      | undefined;
    const current = row?.version ?? 0;
    if (current > SCHEMA_VERSION) {
      db.close();
      throw new Error(
        `${this.path}: state schema version ${current} is newer than this Bulwark's (${SCHEMA_VERSION})`,
      );
    }
    if (current === SCHEMA_VERSION) return;
    db.transaction(() => {
      for (let v = current + 1; v <= SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v] as string);
      if (row) db.prepare("UPDATE schema_version SET version = ?").run(SCHEMA_VERSION);
      else db.prepare("INSERT INTO schema_version(version) VALUES (?)").run(SCHEMA_VERSION);
    })();
  }

  get schemaVersion(): number {
    return (this.#db.prepare("SELECT version FROM schema_version").get() as { version: number })
      .version;
  }

  lastBan(jail: string, key: string): PastBan | undefined {
    const r = this.#q.lastBan.get(key, jail);
    return r ? { banCount: r.ban_count, timeOfBan: r.time_of_ban, bantime: r.bantime } : undefined;
  }

  lastBanOverall(key: string): PastBan | undefined {
    const r = this.#q.lastBanOverall.get(key);
    if (!r || r.ban_count === null) return undefined;
    return { banCount: r.ban_count, timeOfBan: r.time_of_ban ?? 0, bantime: r.bantime ?? 0 };
  }

  recordBan(ban: ActiveBan): void {
    const until = Number.isFinite(ban.until) ? Math.round(ban.until) : null;
    const time = Math.round(ban.time);
    this.#db.transaction(() => {
      this.#q.upsertActive.run(
        ban.jail,
        ban.key,
        ban.kind,
        time,
        until,
        ban.bantime,
        ban.count,
        ban.failures,
      );
      this.#q.upsertHistory.run(ban.key, ban.jail, time, ban.bantime, ban.count);
      this.#q.insertLog.run(
        ban.jail,
        ban.key,
        ban.kind,
        time,
        until,
        ban.bantime,
        ban.count,
        ban.failures,
      );
    })();
  }

  recordUnban(jail: string, key: string): void {
    this.#q.deleteActive.run(jail, key);
  }

  activeBans(now: number): ActiveBan[] {
    this.#q.dropExpired.run(Math.floor(now));
    return this.#q.active.all(Math.floor(now)).map((r) => ({
      jail: r.jail,
      key: r.key,
      kind: r.kind as KeyKind,
      time: r.time,
      until: r.until ?? Number.POSITIVE_INFINITY,
      bantime: r.bantime,
      count: r.count,
      failures: r.failures,
    }));
  }

  purge(now: number, purgeAgeSeconds: number): number {
    const limit = Math.floor(now - purgeAgeSeconds * 1000);
    const h = this.#db
      .prepare(
        "DELETE FROM ban_history WHERE time_of_ban < ? AND bantime != -1 AND time_of_ban + bantime * 3000 < ?",
      )
      .run(limit, limit);
    this.#db
      .prepare("DELETE FROM ban_log WHERE time < ?")
      .run(Math.floor(now - this.#logRetention * 1000));
    return h.changes;
  }

  /** Bans per jail since `since` (epoch ms), with distinct addresses. */
  banSummary(since: number): BanSummary[] {
    return this.#db
      .prepare(
        "SELECT jail, count(*) AS bans, count(DISTINCT key) AS addresses FROM ban_log WHERE time >= ? GROUP BY jail ORDER BY jail",
      )
      .all(Math.floor(since)) as BanSummary[];
  }

  markSeen(subject: string, time: number): { first: boolean; record: SeenRecord } {
    const t = Math.round(time);
    return this.#db.transaction(() => {
      const r = this.#q.getSeen.get(subject);
      if (r) this.#q.updateSeen.run(t, subject);
      else this.#q.insertSeen.run(subject, t, t);
      return { first: !r, record: this.getSeen(subject) as SeenRecord };
    })();
  }

  getSeen(subject: string): SeenRecord | undefined {
    const r = this.#q.getSeen.get(subject);
    return r
      ? { subject: r.subject, firstSeen: r.first_seen, lastSeen: r.last_seen, count: r.count }
      : undefined;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

/** Open the store at `path` (see {@link WatchStore}). */
export function openWatchStore(path: string, opts?: WatchStoreOptions): WatchStore {
  return new WatchStore(path, opts);
}
