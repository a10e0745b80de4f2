/**
 * The SQLite store across a simulated restart: bans in force are restored and re-applied, expired
 * ones dropped, ban counts survive so bantime.increment keeps growing, the seen-set survives; WAL
 * and the schema version; a newer schema is refused; no log line is stored.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { createJailEngine, DryRunAction, type JailSpec } from "../src/watch/jails/index.js";
import { openWatchStore, SCHEMA_VERSION } from "../src/watch/state/index.js";

const dir = mkdtempSync(join(tmpdir(), "bulwark-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fail = (host: string) => ({ regexIndex: 0, host, users: ["admin"], fields: {} });

describe("watch state store", () => {
  it("restores bans after a restart and keeps ban counts", async () => {
    const path = join(dir, "sub", "state.db");
    let now = Date.UTC(2026, 0, 1);
    const clock = { now: () => now };
    const jails = (action: DryRunAction): JailSpec[] => [
      { name: "sshd", maxretry: 1, bantime: 600, increment: true, actions: [action] },
      { name: "asterisk", maxretry: 1, bantime: 10, actions: [action] },
      { name: "web", maxretry: 1, bantime: -1, actions: [action] },
    ];

    // first run
    const store1 = openWatchStore(path);
    expect(store1.schemaVersion).toBe(SCHEMA_VERSION);
    const a1 = new DryRunAction();
    const e1 = await createJailEngine({
      jails: jails(a1),
      clock,
      history: store1,
      env: {},
      selfAddresses: [],
    });
    e1.observe("sshd", fail("203.0.113.1"), {
      line: {
        text: "Failed password for admin from 203.0.113.1 port 22 ssh2 password=hunter2",
        source: "/var/log/auth.log",
      },
    });
    e1.observe("asterisk", fail("203.0.113.2"));
    e1.observe("web", fail("2001:db8::3"));
    e1.observe("sshd", { regexIndex: 0, id: "session-9", users: [], fields: {} });
    await e1.close();
    expect(store1.markSeen("login:root@203.0.113.9", now).first).toBe(true);
    store1.close();

    // restart 60 s later: the 10 s ban is over, the others are restored and re-applied
    now += 60_000;
    const store2 = openWatchStore(path);
    const a2 = new DryRunAction();
    const e2 = await createJailEngine({
      jails: jails(a2),
      clock,
      history: store2,
      env: {},
      selfAddresses: [],
    });
    const restored = e2.restore();
    expect(restored.map((b) => `${b.jail} ${b.key}`).sort()).toEqual([
      "sshd 203.0.113.1",
      "sshd session-9",
      "web 2001:db8::3",
    ]);
    await e2.idle();
    expect(a2.records.map((r) => `${r.op} ${r.jail} ${r.address}`).sort()).toEqual([
      "ban sshd 203.0.113.1",
      "ban web 2001:db8::3",
    ]);
    const sshBan = a2.records.find((r) => r.address === "203.0.113.1");
    expect(sshBan?.until).toBe(Date.UTC(2026, 0, 1) + 600_000);
    expect(a2.records.find((r) => r.jail === "web")?.until).toBe(Number.POSITIVE_INFINITY);
    expect(store2.markSeen("login:root@203.0.113.9", now).first).toBe(false);

    // the restored ban expires on time; the next ban of the address is twice as long
    now = Date.UTC(2026, 0, 1) + 600_000;
    expect(e2.tick()).toBe(2);
    const again = e2.observe("sshd", fail("203.0.113.1"));
    expect(again).toMatchObject({
      status: "banned",
      ban: { bantime: 1200, banCount: 1, count: 2 },
    });
    expect(store2.banSummary(0)).toEqual([
      { jail: "asterisk", bans: 1, addresses: 1 },
      { jail: "sshd", bans: 3, addresses: 2 },
      { jail: "web", bans: 1, addresses: 1 },
    ]);
    await e2.close();
    store2.close();

    // third start: ban counts from the store, across jails with overalljails
    const store3 = openWatchStore(path);
    expect(store3.lastBan("sshd", "203.0.113.1")).toMatchObject({ banCount: 2, bantime: 1200 });
    expect(store3.lastBanOverall("203.0.113.1")?.banCount).toBe(2);
    expect(
      store3
        .activeBans(now)
        .map((b) => b.key)
        .sort(),
    ).toEqual(["2001:db8::3", "203.0.113.1"]);
    store3.close();

    // WAL, and no log line (which may carry a mistyped password) in the file
    const db = new Database(path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
    const wal = existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`).toString("latin1") : "";
    const bytes = readFileSync(path).toString("latin1") + wal;
    expect(bytes).not.toMatch(/hunter2|Failed password/);
  });

  it("refuses a store written by a newer version", () => {
    const path = join(dir, "newer.db");
    const db = new Database(path);
    db.exec(
      "CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (99);",
    );
    db.close();
    expect(() => openWatchStore(path)).toThrow(/schema version 99 is newer/);
  });

  it("purges old history as fail2ban does (start + 3 × bantime older than the purge age)", () => {
    const store = openWatchStore(":memory:");
    const t = Date.UTC(2026, 0, 1);
    const ban = (key: string, bantime: number) =>
      store.recordBan({
        jail: "j",
        key,
        kind: "ipv4",
        time: t,
        until: bantime < 0 ? Number.POSITIVE_INFINITY : t + bantime * 1000,
        bantime,
        count: 1,
        failures: 5,
      });
    ban("198.51.100.1", 600);
    ban("198.51.100.2", 86_400);
    ban("198.51.100.3", -1);
    expect(store.purge(t + 2 * 86_400_000, 86_400)).toBe(1);
    expect(store.lastBan("j", "198.51.100.1")).toBeUndefined();
    expect(store.lastBan("j", "198.51.100.2")).toBeDefined();
    expect(store.lastBan("j", "198.51.100.3")).toBeDefined();
    store.close();
  });
});
