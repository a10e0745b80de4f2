/**
 * The jail engine with an injected clock: counting within findtime (fail2ban's rate estimate),
 * bans at maxretry, unban on expiry, bantime.increment (formula, multipliers, maxtime, rndtime,
 * the heavier failures of a known bad address), recidive, ignoreip / ignoreself / protect, F-ID
 * keys, action errors. Where fail2ban's Python package is installed, its FailManager and
 * increment formula are run on the same cases (scripts/fail2ban-jail-oracle.py).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BanAction,
  banKey,
  buildAddressSet,
  compileIncrement,
  compilePythonExpr,
  createJailEngine,
  DryRunAction,
  ExpiryHeap,
  evalFactor,
  FailureTable,
  type JailEngineOptions,
  type JailEvent,
  normalizeAddress,
  sshPeerAddresses,
} from "../src/watch/jails/index.js";
import type { FilterMatch } from "../src/watch/types.js";

const T0 = Date.UTC(2026, 0, 1);

function fakeClock(start = T0) {
  let t = start;
  return {
    now: () => t,
    set: (ms: number) => {
      t = ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

function fail(host: string, time?: number, extra: Partial<FilterMatch> = {}): FilterMatch {
  return { regexIndex: 0, host, users: [], fields: {}, time, ...extra };
}

async function engine(
  opts: Partial<JailEngineOptions> & Pick<JailEngineOptions, "jails">,
  clock = fakeClock(),
) {
  const events: JailEvent[] = [];
  const e = await createJailEngine({
    clock,
    env: {},
    selfAddresses: ["127.0.0.0/8", "::1", "192.0.2.254"],
    lookup: async () => [],
    ...opts,
  });
  e.on((ev) => events.push(ev));
  return { e, clock, events };
}

describe("addresses", () => {
  it("normalises IPv4, IPv6 and mapped forms to one key", () => {
    expect(normalizeAddress("2001:DB8:0:0:0:0:0:1")?.address).toBe("2001:db8::1");
    expect(normalizeAddress("2001:db8:0:1:0:0:0:1")?.address).toBe("2001:db8:0:1::1");
    expect(normalizeAddress("::ffff:192.0.2.1")).toEqual({ address: "192.0.2.1", family: 4 });
    expect(normalizeAddress("fe80::1%eth0")?.address).toBe("fe80::1");
    expect(normalizeAddress("[2001:db8::2]")?.address).toBe("2001:db8::2");
    expect(normalizeAddress("1:0:0:1:0:0:0:1")?.address).toBe("1:0:0:1::1");
    expect(normalizeAddress("not-an-ip")).toBeUndefined();
    expect(banKey(undefined, "user42")).toEqual({ key: "user42", kind: "id" });
    expect(banKey("", undefined)).toBeUndefined();
  });

  it("reads the admin's address from SSH_CONNECTION and SSH_CLIENT", () => {
    expect(sshPeerAddresses({ SSH_CONNECTION: "203.0.113.9 51234 192.0.2.1 22" })).toEqual([
      "203.0.113.9",
    ]);
    expect(sshPeerAddresses({ SSH_CLIENT: "2001:db8::7 5000 22" })).toEqual(["2001:db8::7"]);
    expect(sshPeerAddresses({})).toEqual([]);
  });
});

describe("failure table", () => {
  it("counts within findtime and rescales a slow attacker's count as fail2ban does", () => {
    const t = new FailureTable(10_000);
    expect(t.add("a", 0)).toBe(1);
    expect(t.add("a", 6_000)).toBe(2);
    // 12 s after the first: round(2 / 12 * 10) = 2, first moved to 2 s, then + 1
    expect(t.add("a", 12_000)).toBe(3);
    expect(t.get("a")).toEqual({ first: 2_000, last: 12_000, retry: 3 });
  });

  it("forgets a key whose last failure is older than findtime, and sweeps in bounded steps", () => {
    const t = new FailureTable(1_000);
    for (let i = 0; i < 100; i++) t.add(`k${i}`, i);
    expect(t.size).toBe(100);
    expect(t.add("k0", 5_000)).toBe(1);
    expect(t.sweep(5_000, 10)).toBeLessThanOrEqual(10);
    t.sweep(5_000);
    expect([...t.keys()]).toEqual(["k0"]);
    // freed slots are reused
    for (let i = 0; i < 50; i++) t.add(`n${i}`, 5_000);
    expect(t.capacity).toBeLessThanOrEqual(256);
  });

  it("matches fail2ban's FailManager on random sequences (oracle)", async (ctx) => {
    const python = "/usr/bin/python3";
    const script = "scripts/fail2ban-jail-oracle.py";
    let ok = existsSync(python);
    if (ok) {
      try {
        execFileSync(
          python,
          [
            "-c",
            "import sys; sys.path.insert(0,'/usr/lib/python3/dist-packages'); import fail2ban.server.failmanager",
          ],
          { stdio: "ignore" },
        );
      } catch {
        ok = false;
      }
    }
    if (!ok) {
      process.stderr.write("[bulwark] SKIPPED jail oracle: fail2ban's Python package not found\n");
      ctx.skip();
      return;
    }
    const cases = fc.sample(
      fc.record({
        maxretry: fc.integer({ min: 2, max: 6 }),
        findtime: fc.integer({ min: 5, max: 60 }),
        gaps: fc.array(fc.tuple(fc.constantFrom("a", "b", "c"), fc.integer({ min: 0, max: 40 })), {
          minLength: 5,
          maxLength: 60,
        }),
      }),
      { numRuns: 60, seed: 42 },
    );
    const failures = cases.map((c) => {
      let t = 1000;
      const events: [string, number][] = c.gaps.map(([k, g]) => {
        t += g;
        return [k, t];
      });
      return { maxretry: c.maxretry, findtime: c.findtime, events };
    });
    const incSettings = [
      {},
      { factor: "2" },
      { multipliers: "1 5 30 60 300 720 1440 2880" },
      { maxtime: "5h" },
      {
        formula: "ban.Time * math.exp(float(ban.Count+1)*banFactor)/math.exp(1*banFactor)",
        factor: "2.0 / 2.885385",
      },
      { multipliers: "1 2 4", factor: "3", maxtime: "1h" },
    ];
    const incCases = [0, 1, 2, 3, 5, 10, 19, 20, 25].flatMap((n) => [
      [600, n],
      [37, n],
    ]);
    const out = JSON.parse(
      execFileSync(python, [script], {
        input: JSON.stringify({
          failures,
          increments: incSettings.map((settings) => ({ settings, cases: incCases })),
        }),
        encoding: "utf8",
      }),
    ) as { failures: number[][]; increments: number[][] };
    failures.forEach((c, i) => {
      const table = new FailureTable(c.findtime * 1000);
      const ours: number[] = [];
      for (const [k, t] of c.events) {
        const n = table.add(k, t * 1000);
        ours.push(n);
        if (n >= c.maxretry) table.delete(k);
      }
      expect(ours, JSON.stringify(c)).toEqual(out.failures[i]);
    });
    incSettings.forEach((s, i) => {
      const f = compileIncrement({
        factor: s.factor ? evalFactor(s.factor) : undefined,
        multipliers: s.multipliers?.split(" ").map(Number),
        formula: s.formula,
        maxtime: s.maxtime === "5h" ? 18_000 : s.maxtime === "1h" ? 3600 : undefined,
      });
      const ours = incCases.map(([time, count]) =>
        f({ time: time as number, count: count as number }),
      );
      const theirs = out.increments[i] as number[];
      ours.forEach((v, j) => {
        expect(v, `${JSON.stringify(s)} ${incCases[j]}`).toBeCloseTo(theirs[j] as number, 6);
      });
    });
  });
});

describe("python formula interpreter", () => {
  const ev = (src: string, env: Record<string, number> = {}) =>
    compilePythonExpr(src, Object.keys(env))(env);
  it("evaluates Python arithmetic", () => {
    expect(ev("1<<(ban.Count if ban.Count<20 else 20)", { "ban.Count": 25 })).toBe(1 << 20);
    expect(ev("7 // 2 + -7 // 2 + 7 % -3")).toBe(3 + -4 + -2);
    expect(ev("2 ** 3 ** 2")).toBe(512);
    expect(ev("1 < 2 < 3 and not 0")).toBe(true);
    expect(ev("max(1, 2, min(5, 3)) + abs(-1) + int(2.9) + round(2.5)")).toBe(3 + 1 + 2 + 2);
  });
  it("rejects what is not arithmetic", () => {
    expect(() => ev("__import__('os')")).toThrow(/not supported|not known|cannot read/);
    expect(() => ev("ban.Time; 1")).toThrow();
    expect(() => ev("open(1)")).toThrow(/not supported/);
  });
});

describe("expiry heap", () => {
  it("pops in order of expiry", () => {
    const h = new ExpiryHeap();
    const times = fc.sample(fc.integer({ min: 0, max: 1e9 }), { numRuns: 500, seed: 1 });
    for (const t of times) h.push({ until: t, jail: "j", key: String(t) });
    const out: number[] = [];
    for (let e = h.pop(); e; e = h.pop()) out.push(e.until);
    expect(out).toEqual([...times].sort((a, b) => a - b));
  });
});

describe("jail engine", () => {
  it("bans at maxretry within findtime and unbans on expiry", async () => {
    const action = new DryRunAction();
    const { e, clock, events } = await engine({
      jails: [{ name: "sshd", maxretry: 3, findtime: 600, bantime: 60, actions: [action] }],
    });
    expect(e.observe("sshd", fail("203.0.113.5")).status).toBe("counted");
    clock.advance(1000);
    expect(e.observe("sshd", fail("203.0.113.5"))).toMatchObject({
      status: "counted",
      failures: 2,
    });
    clock.advance(1000);
    const r = e.observe("sshd", fail("203.0.113.5", undefined, { users: ["root"] }));
    expect(r.status).toBe("banned");
    if (r.status !== "banned") return;
    expect(r.ban).toMatchObject({
      jail: "sshd",
      address: "203.0.113.5",
      until: clock.now() + 60_000,
      failures: 3,
      banCount: 0,
      count: 1,
      users: ["root"],
    });
    expect(e.observe("sshd", fail("203.0.113.5")).status).toBe("already-banned");
    await e.idle();
    expect(action.banned("sshd")).toEqual(["203.0.113.5"]);
    clock.advance(59_000);
    expect(e.tick()).toBe(0);
    clock.advance(1_000);
    expect(e.tick()).toBe(1);
    await e.idle();
    expect(action.banned("sshd")).toEqual([]);
    expect(action.records.map((x) => x.op)).toEqual(["ban", "unban"]);
    expect(events.filter((x) => x.type === "unban")).toMatchObject([
      { jail: "sshd", key: "203.0.113.5", reason: "expired" },
    ]);
    expect(e.isBanned("sshd", "203.0.113.5")).toBe(false);
  });

  it("forgets failures older than findtime", async () => {
    const { e, clock } = await engine({ jails: [{ name: "j", maxretry: 3, findtime: 10 }] });
    e.observe("j", fail("198.51.100.1"));
    e.observe("j", fail("198.51.100.1"));
    clock.advance(11_000);
    expect(e.observe("j", fail("198.51.100.1"))).toMatchObject({ failures: 1 });
  });

  it("counts by F-ID when there is no host, and bans it without firewall actions", async () => {
    const action = new DryRunAction();
    const { e, events } = await engine({ jails: [{ name: "j", maxretry: 2, actions: [action] }] });
    e.observe("j", { regexIndex: 0, users: [], fields: {}, id: "session-7" });
    const r = e.observe("j", { regexIndex: 0, users: [], fields: {}, id: "session-7" });
    expect(r).toMatchObject({ status: "banned", ban: { kind: "id", key: "session-7" } });
    await e.idle();
    expect(action.records).toEqual([]);
    expect(events.some((x) => x.type === "ban")).toBe(true);
    expect(e.observe("j", { regexIndex: 0, users: [], fields: {} }).status).toBe("no-key");
  });

  it("treats two spellings of one IPv6 address as one attacker", async () => {
    const { e } = await engine({ jails: [{ name: "j", maxretry: 2 }] });
    e.observe("j", fail("2001:DB8:0:0::7"));
    expect(e.observe("j", fail("2001:db8::7"))).toMatchObject({
      status: "banned",
      ban: { address: "2001:db8::7", kind: "ipv6" },
    });
  });

  it("never bans ignoreip addresses, networks (v4, v6, netmask) and resolved names", async () => {
    const { e, events } = await engine({
      jails: [
        {
          name: "j",
          maxretry: 1,
          ignoreip: [
            "198.51.100.10",
            "10.0.0.0/8",
            "2001:db8:1::/48",
            "172.16.0.0/255.240.0.0",
            "office.example",
            "nowhere.example",
          ],
        },
      ],
      lookup: async (name) => {
        if (name === "office.example") return ["203.0.113.77", "2001:db8:9::1"];
        return new Promise(() => {}); // never answers: bounded by dnsTimeoutMs
      },
      dnsTimeoutMs: 50,
    });
    for (const a of [
      "198.51.100.10",
      "10.9.8.7",
      "2001:db8:1:ffff::1",
      "172.31.0.1",
      "203.0.113.77",
      "2001:db8:9::1",
    ]) {
      expect(e.observe("j", fail(a)), a).toMatchObject({ status: "ignored", reason: "ignoreip" });
    }
    expect(e.observe("j", fail("198.51.100.11")).status).toBe("banned");
    expect(e.observe("j", fail("172.32.0.1")).status).toBe("banned");
    expect(e.warnings.join("\n")).toMatch(/nowhere\.example.*timed out after 50 ms/);
    expect(events.filter((x) => x.type === "ignored")).toHaveLength(6);
  });

  it("ignores this host's own addresses (ignoreself), unless turned off", async () => {
    const { e } = await engine({
      jails: [
        { name: "a", maxretry: 1 },
        { name: "b", maxretry: 1, ignoreself: false },
      ],
    });
    expect(e.observe("a", fail("127.0.0.1"))).toMatchObject({ reason: "ignoreself" });
    expect(e.observe("a", fail("192.0.2.254"))).toMatchObject({ reason: "ignoreself" });
    expect(e.observe("b", fail("192.0.2.254")).status).toBe("banned");
  });

  it("never bans the admin's SSH peer or a protected network, whatever the jail says", async () => {
    const action = new DryRunAction();
    const { e } = await engine({
      jails: [
        { name: "sshd", maxretry: 1, ignoreself: false, actions: [action] },
        { name: "recidive", maxretry: 1, feedsFrom: "all", actions: [action] },
      ],
      env: { SSH_CONNECTION: "203.0.113.200 50000 192.0.2.1 22" },
      protect: ["198.18.0.0/15"],
    });
    expect(e.observe("sshd", fail("203.0.113.200"))).toMatchObject({ reason: "protect" });
    expect(e.observe("sshd", fail("::ffff:203.0.113.200"))).toMatchObject({ reason: "protect" });
    expect(e.observe("sshd", fail("198.19.1.1"))).toMatchObject({ reason: "protect" });
    expect(e.ban("sshd", "203.0.113.200")).toMatchObject({ reason: "protect" });
    expect(e.isProtected("203.0.113.200")).toBe(true);
    await e.idle();
    expect(action.records).toEqual([]);
  });

  it("protectSshPeer: false leaves the SSH peer to the jails", async () => {
    const { e } = await engine({
      jails: [{ name: "sshd", maxretry: 1 }],
      env: { SSH_CLIENT: "203.0.113.200 50000 22" },
      protectSshPeer: false,
    });
    expect(e.observe("sshd", fail("203.0.113.200")).status).toBe("banned");
  });

  it("grows bantime with bantime.increment (1×, 2×, 4×... capped by maxtime)", async () => {
    const { e, clock } = await engine({
      jails: [{ name: "j", maxretry: 1, bantime: 600, increment: { maxtime: 3000 } }],
    });
    const lengths: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = e.observe("j", fail("198.51.100.9"));
      if (r.status !== "banned") throw new Error(r.status);
      lengths.push(r.ban.bantime);
      expect(r.ban.banCount).toBe(i);
      clock.set(r.ban.until);
      e.tick();
      clock.advance(1000);
    }
    expect(lengths).toEqual([600, 1200, 2400, 3000, 3000]);
  });

  it("uses multipliers, factor and rndtime", async () => {
    const { e, clock } = await engine({
      jails: [
        {
          name: "j",
          maxretry: 1,
          bantime: 60,
          increment: { multipliers: [1, 5, 30], factor: 2, rndtime: 10 },
        },
      ],
      random: () => 0.5,
    });
    const lengths: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = e.observe("j", fail("198.51.100.9"));
      if (r.status !== "banned") throw new Error(r.status);
      lengths.push(r.ban.bantime);
      clock.set(r.ban.until + 1);
      e.tick();
    }
    // the first ban is the plain bantime; then 60 × 2 × multipliers[count] + 0.5 × 10
    expect(lengths).toEqual([60, 60 * 2 * 5 + 5, 60 * 2 * 30 + 5, 60 * 2 * 30 + 5]);
  });

  it("counts a known bad address's failures more (fail2ban's observer)", async () => {
    const { e, clock } = await engine({
      jails: [{ name: "j", maxretry: 5, bantime: 10, increment: true }],
    });
    const a = "198.51.100.66";
    for (let i = 0; i < 4; i++) e.observe("j", fail(a));
    expect(e.observe("j", fail(a)).status).toBe("banned");
    clock.advance(11_000);
    e.tick();
    // banned once: each failure counts (1 << 1) / 2 + 1 = 2
    expect(e.observe("j", fail(a))).toMatchObject({ failures: 2 });
    expect(e.observe("j", fail(a))).toMatchObject({ failures: 4 });
    expect(e.observe("j", fail(a))).toMatchObject({ status: "banned", ban: { bantime: 20 } });
  });

  it("overalljails counts bans of the address in every jail", async () => {
    const { e } = await engine({
      jails: [
        { name: "a", maxretry: 1, bantime: 100 },
        { name: "b", maxretry: 1, bantime: 100, increment: { overalljails: true } },
      ],
    });
    e.observe("a", fail("198.51.100.3"));
    const r = e.observe("b", fail("198.51.100.3"));
    expect(r).toMatchObject({ status: "banned", ban: { bantime: 200, banCount: 1, count: 1 } });
  });

  it("feeds a recidive jail with the other jails' bans", async () => {
    const action = new DryRunAction();
    const { e, clock, events } = await engine({
      jails: [
        { name: "sshd", maxretry: 2, bantime: 60 },
        { name: "asterisk", maxretry: 2, bantime: 60 },
        {
          name: "recidive",
          maxretry: 3,
          findtime: 86_400,
          bantime: 604_800,
          feedsFrom: "all",
          actions: [action],
        },
      ],
    });
    const a = "203.0.113.50";
    for (let round = 0; round < 3; round++) {
      const jail = round === 1 ? "asterisk" : "sshd";
      e.observe(jail, fail(a));
      e.observe(jail, fail(a));
      clock.advance(61_000);
      e.tick();
    }
    const bans = events.flatMap((x) => (x.type === "ban" ? [x.ban] : []));
    expect(bans.map((b) => b.jail)).toEqual(["sshd", "asterisk", "sshd", "recidive"]);
    expect(bans[3]).toMatchObject({ bantime: 604_800, failures: 3 });
    await e.idle();
    expect(action.banned("recidive")).toEqual([a]);
  });

  it("a permanent ban never expires", async () => {
    const { e, clock } = await engine({ jails: [{ name: "j", maxretry: 1, bantime: -1 }] });
    const r = e.observe("j", fail("198.51.100.4"));
    expect(r).toMatchObject({
      status: "banned",
      ban: { bantime: -1, until: Number.POSITIVE_INFINITY },
    });
    clock.advance(10 * 365 * 86_400_000);
    expect(e.tick()).toBe(0);
    expect(e.isBanned("j", "198.51.100.4")).toBe(true);
    expect(e.unban("j", "198.51.100.4")).toBe(true);
  });

  it("manual bans and unbans, with an expiry heap that ignores lifted bans", async () => {
    const action = new DryRunAction();
    const { e, clock } = await engine({ jails: [{ name: "j", bantime: 100, actions: [action] }] });
    expect(e.ban("j", "198.51.100.20", { bantime: 5 })).toMatchObject({ status: "banned" });
    e.ban("j", "198.51.100.21");
    expect(e.unban("j", "198.51.100.20")).toBe(true);
    clock.advance(6_000);
    expect(e.tick()).toBe(0);
    clock.advance(100_000);
    expect(e.tick()).toBe(1);
    await e.idle();
    expect(action.records.map((r) => `${r.op} ${r.address}`)).toEqual([
      "ban 198.51.100.20",
      "ban 198.51.100.21",
      "unban 198.51.100.20",
      "unban 198.51.100.21",
    ]);
  });

  it("dates: a future line is now; a live line far in the past is now; a stale backlog line is skipped", async () => {
    const { e, clock, events } = await engine({
      jails: [{ name: "j", maxretry: 2, findtime: 600 }],
    });
    e.observe("j", fail("198.51.100.30", clock.now() + 3_600_000));
    const r = e.observe("j", fail("198.51.100.30", clock.now() - 7_200_000));
    expect(r).toMatchObject({ status: "banned", ban: { time: clock.now() } });
    expect(events.some((x) => x.type === "warning" && /before now/.test(x.message))).toBe(true);
    expect(
      e.observe("j", fail("198.51.100.31", clock.now() - 700_000), { live: false }).status,
    ).toBe("stale");
    expect(
      e.observe("j", fail("198.51.100.31", clock.now() - 500_000), { live: false }).status,
    ).toBe("counted");
  });

  it("a backlog ban that would already be over is not applied", async () => {
    const { e, clock } = await engine({
      jails: [{ name: "j", maxretry: 2, findtime: 600, bantime: 60 }],
    });
    e.observe("j", fail("198.51.100.40", clock.now() - 300_000), { live: false });
    expect(
      e.observe("j", fail("198.51.100.40", clock.now() - 200_000), { live: false }).status,
    ).toBe("expired");
  });

  it("surfaces action failures as events, in order per address, and keeps going", async () => {
    const calls: string[] = [];
    const failing: BanAction = {
      name: "broken",
      ban: async (a) => {
        calls.push(`ban ${a}`);
        await new Promise((r) => setTimeout(r, 5));
        throw new Error("nft: Operation not permitted");
      },
      unban: async (a) => {
        calls.push(`unban ${a}`);
      },
    };
    const { e, events } = await engine({ jails: [{ name: "j", maxretry: 1, actions: [failing] }] });
    e.observe("j", fail("198.51.100.50"));
    e.unban("j", "198.51.100.50");
    await e.idle();
    expect(calls).toEqual(["ban 198.51.100.50", "unban 198.51.100.50"]);
    expect(events.find((x) => x.type === "action-error")).toMatchObject({
      action: "broken",
      op: "ban",
      error: { message: "nft: Operation not permitted" },
    });
  });

  it("unknown jails and bad ignore entries are reported, not thrown", async () => {
    const { e } = await engine({ jails: [{ name: "j", ignoreip: ["300.1.1.1/99"] }] });
    expect(e.observe("nope", fail("198.51.100.1")).status).toBe("unknown-jail");
    expect(e.warnings.join("\n")).toMatch(/300\.1\.1\.1\/99/);
  });

  it("start() arms one timer that unbans at expiry in real time", async () => {
    const { e } = await engine(
      { jails: [{ name: "j", maxretry: 1, bantime: 0.05 }] },
      {
        now: () => Date.now(),
        set: () => {},
        advance: () => {},
      },
    );
    e.start();
    e.observe("j", fail("198.51.100.60"));
    expect(e.isBanned("j", "198.51.100.60")).toBe(true);
    await new Promise((r) => setTimeout(r, 150));
    expect(e.isBanned("j", "198.51.100.60")).toBe(false);
    e.stop();
  });

  it("buildAddressSet reports invalid entries", async () => {
    const r = await buildAddressSet(["1.2.3.4", "bad entry!", "::1"]);
    expect(r.set.size).toBe(2);
    expect(r.problems).toHaveLength(1);
  });
});

describe("jails from fail2ban's configuration", () => {
  it("reads maxretry, findtime, bantime, bantime.* , ignoreip, ignoreself, recidive and ports", async () => {
    const { memoryFs } = await import("../src/parsers/fail2ban/fs.js");
    const { loadJails } = await import("../src/parsers/fail2ban/jails.js");
    const { jailSpecFromResolved } = await import("../src/watch/jails/index.js");
    const tree = memoryFs({
      "jail.conf": [
        "[DEFAULT]",
        "bantime = 10m",
        "findtime = 10m",
        "maxretry = 5",
        "ignoreip = 127.0.0.1/8 ::1",
        "[sshd]",
        "enabled = true",
        "port = ssh",
        "maxretry = 3",
        "bantime.increment = true",
        "bantime.multipliers = 1 5 30",
        "bantime.factor = 2.0 / 2",
        "bantime.maxtime = 1w",
        "bantime.overalljails = true",
        "ignoreip = 127.0.0.1/8 ::1 203.0.113.0/24 office.example",
        "ignoreself = false",
        "[recidive]",
        "enabled = true",
        "filter = recidive",
        "bantime = 1w",
        "findtime = 1d",
        "port = 0:65535",
        "[bad]",
        "enabled = true",
        "bantime.increment = true",
        "bantime.formula = __import__('os').system('x')",
        "",
      ].join("\n"),
    });
    const jails = loadJails(tree).jails;
    const get = (n: string) => {
      const j = jails.find((x) => x.name === n);
      if (!j) throw new Error(n);
      return jailSpecFromResolved(j);
    };
    const sshd = get("sshd");
    expect(sshd.spec).toMatchObject({
      name: "sshd",
      maxretry: 3,
      findtime: 600,
      bantime: 600,
      ignoreself: false,
      increment: { multipliers: [1, 5, 30], factor: 1, maxtime: 604_800, overalljails: true },
    });
    expect(sshd.spec.ignoreip).toEqual(["127.0.0.1/8", "::1", "203.0.113.0/24", "office.example"]);
    expect(sshd.ports).toEqual({ protocol: "tcp", ports: ["ssh"] });
    const recidive = get("recidive");
    expect(recidive.spec).toMatchObject({ feedsFrom: "all", bantime: 604_800, findtime: 86_400 });
    expect(recidive.ports).toBeUndefined();
    const bad = get("bad");
    expect(bad.problems.join()).toMatch(/bantime\.formula/);
    expect(bad.spec.increment).toEqual({});
    // and they run
    const e = await createJailEngine({
      jails: [sshd.spec, recidive.spec],
      env: {},
      selfAddresses: [],
      lookup: async () => ["198.51.100.200"],
    });
    expect(e.observe("sshd", fail("198.51.100.200"))).toMatchObject({ reason: "ignoreip" });
  });
});
