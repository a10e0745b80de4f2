/**
 * The watcher's wiring, with small fail2ban filters written by the test and the dry-run action:
 * one follower per file shared by its jails (a `head` jail counts what the file held, a `tail`
 * jail does not), the replay of `--once` (time follows the log: bans end and grow in log time),
 * hostile lines, syslog from routers routed to the jails that read syslog (by sender), the journal
 * through a stand-in journalctl, bans restored from the state file, a webhook alert received by a
 * local HTTP server, and configuration errors naming file and line.
 */

import { createSocket } from "node:dgram";
import { once } from "node:events";
import {
  appendFileSync,
  chmodSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../src/sources/input-error.js";
import { parseWatchConfig, type WatchConfig } from "../src/watch/config.js";
import { DryRunAction } from "../src/watch/jails/index.js";
import {
  expandLogPath,
  startWatcher,
  type WatchEvent,
  type Watcher,
} from "../src/watch/watcher.js";

let dir = "";

const SSHD_FILTER = `[Definition]
failregex = ^\\s*\\S+ sshd\\[\\d+\\]: Failed password for (?:invalid user )?<F-USER>\\S+</F-USER> from <HOST>(?: port \\d+)?(?: ssh2)?$
ignoreregex = from 192\\.0\\.2\\.250
journalmatch = _SYSTEMD_UNIT=sshd.service + _COMM=sshd
`;

const DROPBEAR_FILTER = `[Definition]
failregex = ^\\s*\\S+ dropbear\\[\\d+\\]: Bad password attempt for '<F-USER>[^']*</F-USER>' from <HOST>:\\d+$
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "bulwark-watcher-"));
  writeFileSync(join(dir, "sshd-mini.conf"), SSHD_FILTER);
  writeFileSync(join(dir, "dropbear-mini.conf"), DROPBEAR_FILTER);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function sshLine(ms: number, addr: string, user = "root"): string {
  return `${new Date(ms).toISOString()} host sshd[42]: Failed password for ${user} from ${addr} port 4242 ssh2\n`;
}

function config(yaml: string, name = "watch.yaml"): WatchConfig {
  return parseWatchConfig(yaml, join(dir, name));
}

async function until(cond: () => boolean, ms = 5000, step = 20): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, step));
  }
  return cond();
}

function recorder() {
  const events: WatchEvent[] = [];
  const bans = () =>
    events.flatMap((e) => (e.type === "ban" ? [`${e.ban.jail} ${e.ban.address}`] : []));
  return { events, bans, onEvent: (e: WatchEvent) => events.push(e) };
}

const quiet = { env: {}, engine: { selfAddresses: [], tickMs: 50 }, pollIntervalMs: 100 };

/** Runs the watcher once over its logs (`once`: a replay), to its end; it and what it reported. */
async function replayOnce(cfg: Parameters<typeof startWatcher>[0]) {
  const r = recorder();
  const w = await startWatcher(cfg, { ...quiet, once: true, onEvent: r.onEvent });
  await w.done;
  await w.stop();
  return { w, events: r.events };
}

describe("startWatcher: files", () => {
  it("follows each file once for all its jails; a head jail counts the backlog, a tail jail does not", async () => {
    const log = join(dir, "shared.log");
    const now = Date.now();
    writeFileSync(
      log,
      [0, 1, 2].map((i) => sshLine(now - 5000 + i * 1000, "203.0.113.5")).join(""),
    );
    const cfg = config(`
defaults: { maxretry: 3, findtime: 10m, bantime: 1h, ignoreself: false }
jails:
  head:
    filter: sshd-mini.conf
    logpath: { path: shared.log, from: start }
  tail:
    filter: ./sshd-mini.conf
    logpath: shared.log
`);
    const dry = new DryRunAction();
    const r = recorder();
    const w = await startWatcher(cfg, {
      ...quiet,
      actions: { "dry-run": dry },
      onEvent: r.onEvent,
    });
    try {
      expect(r.bans()).toEqual(["head 203.0.113.5"]);
      appendFileSync(
        log,
        [0, 1, 2].map((i) => sshLine(Date.now() + i, "198.51.100.9", "admin")).join("") +
          sshLine(Date.now(), "192.0.2.250"),
      );
      expect(await until(() => r.bans().length === 3)).toBe(true);
      expect(r.bans().slice(1).sort()).toEqual(["head 198.51.100.9", "tail 198.51.100.9"]);
      await w.engine.idle();
      expect(dry.banned("head").sort()).toEqual(["198.51.100.9", "203.0.113.5"]);
      const s = w.stats();
      expect(s.inputs).toEqual([{ kind: "file", source: log, jails: ["head", "tail"], lines: 7 }]);
      const head = s.jails.find((j) => j.jail === "head");
      const tail = s.jails.find((j) => j.jail === "tail");
      expect(head).toMatchObject({ lines: 7, matches: 6, ignoredLines: 1, bans: 2, banned: 2 });
      expect(tail).toMatchObject({ lines: 4, matches: 3, ignoredLines: 1, bans: 1, banned: 1 });
      expect(w.statePath).toBeUndefined(); // a dry run keeps no state unless asked
    } finally {
      await w.stop();
      await w.stop(); // idempotent
    }
    await w.done;
  });

  it("expands glob patterns in logpath as fail2ban does", () => {
    for (const n of ["a.log", "b.log", "c.txt"]) writeFileSync(join(dir, `glob-${n}`), "");
    expect(expandLogPath(join(dir, "glob-*.log"))).toEqual([
      join(dir, "glob-a.log"),
      join(dir, "glob-b.log"),
    ]);
    expect(expandLogPath(join(dir, "glob-[ac].*"))).toEqual([
      join(dir, "glob-a.log"),
      join(dir, "glob-c.txt"),
    ]);
    expect(expandLogPath(join(dir, "missing.log"))).toEqual([join(dir, "missing.log")]);
  });

  it("survives hostile lines: 1 MB, invalid UTF-8, NUL bytes, a host that is no address", async () => {
    const log = join(dir, "hostile.log");
    const t = Date.now();
    const parts: Buffer[] = [
      Buffer.from(`${"A".repeat(1 << 20)}\n`),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]),
      Buffer.from(
        `${new Date(t).toISOString()} host sshd[1]: Failed password for \u0000 from 203.0.113.77 port 1 ssh2\n`,
      ),
      Buffer.from(sshLine(t, "not-an-address")),
      Buffer.from(sshLine(t, "203.0.113.77", "\u00e9\u00e8")),
      Buffer.from(sshLine(t, "203.0.113.77")),
      Buffer.from(sshLine(t, "203.0.113.77")),
    ];
    writeFileSync(log, Buffer.concat(parts));
    const cfg = config(`
jails:
  sshd:
    filter: sshd-mini.conf
    logpath: { path: hostile.log, from: start }
    maxretry: 3
    ignoreself: false
`);
    const r = recorder();
    const w = await startWatcher(cfg, { ...quiet, onEvent: r.onEvent });
    await w.stop();
    expect(r.bans()).toEqual(["sshd 203.0.113.77"]);
    const j = w.stats().jails[0];
    expect(j).toMatchObject({ lines: 7, errors: 0 });
    expect(
      r.events.filter((e) => e.type === "warning").map((e) => e.type === "warning" && e.message),
    ).toEqual([expect.stringMatching(/hostile\.log:1: line of 1048576 bytes cut/)]);
  });
});

describe("startWatcher --once: a replay in the log's time", () => {
  it("bans at maxretry within findtime, lifts the ban when the log's time passes bantime, bans a repeat offender sooner and longer", async () => {
    const log = join(dir, "replay.log");
    const t0 = Date.parse("2024-03-01T10:00:00Z");
    const m = 60_000;
    writeFileSync(
      log,
      [
        sshLine(t0, "203.0.113.1"),
        sshLine(t0 + 1 * m, "203.0.113.1"),
        sshLine(t0 + 20 * m, "203.0.113.1"), // outside findtime (10 min) of the first two
        sshLine(t0 + 21 * m, "203.0.113.1"),
        sshLine(t0 + 22 * m, "203.0.113.1"), // third within 10 min: ban for 10 min
        sshLine(t0 + 60 * m, "198.51.100.2"), // the log's time moves on: the ban is over
        sshLine(t0 + 61 * m, "203.0.113.1"),
        sshLine(t0 + 62 * m, "203.0.113.1"), // a known offender's failures weigh more (fail2ban's
        // bantime.increment): banned again at the second, twice as long
      ].join(""),
    );
    const cfg = config(`
action: nftables            # a replay never blocks: it is a dry run whatever this says
jails:
  sshd:
    filter: sshd-mini.conf
    logpath: replay.log
    maxretry: 3
    findtime: 10m
    bantime: 10m
    increment: true
    ignoreself: false
`);
    const { w, events } = await replayOnce(cfg);
    const seq = events.flatMap((e) =>
      e.type === "ban"
        ? [
            `ban ${e.ban.address} at +${(e.ban.time - t0) / m} for ${e.ban.bantime}s count ${e.ban.count}`,
          ]
        : e.type === "unban"
          ? [`unban ${e.key} at +${(e.time - t0) / m} (${e.reason})`]
          : [],
    );
    expect(seq).toEqual([
      "ban 203.0.113.1 at +22 for 600s count 1",
      "unban 203.0.113.1 at +60 (expired)",
      "ban 203.0.113.1 at +62 for 1200s count 2",
    ]);
    const s = w.stats();
    expect(s.once).toBe(true);
    expect(s.lines).toBe(8);
    expect(s.banned).toEqual([
      { jail: "sshd", address: "203.0.113.1", until: t0 + 62 * m + 1_200_000 },
    ]);
  });
});

describe("startWatcher: access events", () => {
  it("dates an access event by its line's own stamp, read in the configured time zone", async () => {
    writeFileSync(
      join(dir, "tz.log"),
      "Mar  5 10:00:00 host sshd[7]: Accepted publickey for admin from 192.0.2.7 port 50514 ssh2: ED25519 SHA256:x\n",
    );
    const cfg = config(`
timezone: "+05:00"
jails:
  sshd:
    filter: sshd-mini.conf
    logpath: tz.log
    ignoreself: false
`);
    const { events } = await replayOnce(cfg);
    const times = events.flatMap((e) =>
      e.type === "access" ? [new Date(e.event.time).toISOString()] : [],
    );
    // 10:00 at +05:00 is 05:00 UTC, on 5 March of the year the stamp is nearest to.
    expect(times).toHaveLength(1);
    expect(times[0]).toMatch(/^\d{4}-03-05T05:00:00\.000Z$/);
  });
});

describe("startWatcher: syslog and journal", () => {
  it("routes syslog from routers to the jails that read syslog, by sender", async () => {
    const cfg = config(`
syslog: [{ host: 127.0.0.1, port: 0 }]
jails:
  dropbear:
    filter: dropbear-mini.conf
    syslog: true
    maxretry: 3
    ignoreself: false
  elsewhere:
    filter: dropbear-mini.conf
    syslog: { senders: [192.0.2.99] }
    maxretry: 1
    ignoreself: false
`);
    const r = recorder();
    const w = await startWatcher(cfg, { ...quiet, onEvent: r.onEvent });
    try {
      const addr = w.listeners[0];
      expect(addr?.udp?.port).toBeGreaterThan(0);
      const msg = (i: number) =>
        `<38>1 ${new Date().toISOString()} rut955 dropbear 1234 - - Bad password attempt for 'root' from 203.0.113.7:4000${i}`;
      const udp = createSocket("udp4");
      for (const i of [0, 1]) {
        udp.send(Buffer.from(msg(i)), addr?.udp?.port ?? 0, "127.0.0.1");
      }
      const tcp = createConnection({ host: "127.0.0.1", port: addr?.tcp?.port ?? 0 });
      await once(tcp, "connect");
      const m = msg(2);
      tcp.end(`${Buffer.byteLength(m)} ${m}`);
      expect(await until(() => r.bans().length > 0)).toBe(true);
      udp.close();
      expect(r.bans()).toEqual(["dropbear 203.0.113.7"]);
      const s = w.stats();
      expect(s.jails.find((j) => j.jail === "dropbear")).toMatchObject({ lines: 3, matches: 3 });
      expect(s.jails.find((j) => j.jail === "elsewhere")).toMatchObject({ lines: 0, bans: 0 });
      expect(s.inputs).toEqual([
        {
          kind: "syslog",
          source: "udp+tcp://127.0.0.1:0",
          jails: ["dropbear", "elsewhere"],
          lines: 3,
        },
      ]);
    } finally {
      await w.stop();
    }
  });

  it("reads the journal with the filter's journalmatch (through journalctl)", async () => {
    const argsFile = join(dir, "journalctl.args");
    const entries = [1, 2, 3]
      .map((i) =>
        JSON.stringify({
          __CURSOR: `c${i}`,
          __REALTIME_TIMESTAMP: String((Date.now() - 1000 + i) * 1000),
          _HOSTNAME: "pbx",
          SYSLOG_IDENTIFIER: "sshd",
          _PID: "77",
          MESSAGE: `Failed password for invalid user u${i} from 203.0.113.66 port 5${i} ssh2`,
        }),
      )
      .join("\n");
    const fake = join(dir, "journalctl");
    writeFileSync(
      fake,
      `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\ncat <<'EOF'\n${entries}\nEOF\nexec sleep 30\n`,
    );
    chmodSync(fake, 0o755);
    const cfg = config(`
jails:
  sshd:
    filter: sshd-mini.conf
    journal: true
    maxretry: 3
    ignoreself: false
`);
    const r = recorder();
    const w = await startWatcher(cfg, { ...quiet, journalctl: fake, onEvent: r.onEvent });
    try {
      expect(await until(() => r.bans().length > 0)).toBe(true);
      expect(r.bans()).toEqual(["sshd 203.0.113.66"]);
      const args = readFileSync(argsFile, "utf8").trim().split("\n");
      expect(args).toContain("-f");
      expect(args.slice(-3)).toEqual(["_SYSTEMD_UNIT=sshd.service", "+", "_COMM=sshd"]);
      expect(args.some((a) => /^--since=@\d+$/.test(a))).toBe(true);
      expect(w.stats().inputs[0]).toMatchObject({ kind: "journal", lines: 3, jails: ["sshd"] });
    } finally {
      await w.stop();
    }
  });
});

describe("startWatcher: state and alerts", () => {
  it("keeps bans in the state file and restores them at the next start", async () => {
    const state = join(dir, "state.db");
    const log = join(dir, "state.log");
    writeFileSync(log, "");
    const cfg = config(`
state: state.db
jails:
  sshd:
    filter: sshd-mini.conf
    logpath: state.log
    maxretry: 2
    bantime: 1h
    ignoreself: false
`);
    const first = recorder();
    const dry1 = new DryRunAction();
    const w1: Watcher = await startWatcher(cfg, {
      ...quiet,
      actions: { "dry-run": dry1 },
      onEvent: first.onEvent,
    });
    expect(w1.statePath).toBe(state);
    appendFileSync(log, sshLine(Date.now(), "203.0.113.44") + sshLine(Date.now(), "203.0.113.44"));
    expect(await until(() => first.bans().length === 1)).toBe(true);
    await w1.stop();

    const second = recorder();
    const dry2 = new DryRunAction();
    const w2 = await startWatcher(cfg, {
      ...quiet,
      actions: { "dry-run": dry2 },
      onEvent: second.onEvent,
    });
    try {
      await w2.engine.idle();
      const restored = second.events.find((e) => e.type === "ban");
      expect(restored?.type === "ban" && restored.ban).toMatchObject({
        address: "203.0.113.44",
        restored: true,
      });
      expect(dry2.banned("sshd")).toEqual(["203.0.113.44"]);
    } finally {
      await w2.stop();
    }
  });

  it("sends a ban alert to a webhook (a local HTTP server)", async () => {
    const bodies: unknown[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () => {
        bodies.push(JSON.parse(body));
        res.end("ok");
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const port = (server.address() as { port: number }).port;
    const log = join(dir, "alert.log");
    writeFileSync(log, "");
    const cfg = config(`
alerts:
  webhook: { url: "http://127.0.0.1:${port}/hook", retries: 0 }
jails:
  sshd:
    filter: sshd-mini.conf
    logpath: alert.log
    maxretry: 1
    ignoreself: false
`);
    const w = await startWatcher(cfg, quiet);
    try {
      appendFileSync(log, sshLine(Date.now(), "203.0.113.90"));
      expect(await until(() => bodies.length > 0)).toBe(true);
      expect(bodies[0]).toMatchObject({ source: "bulwark", kind: "ban" });
      expect(JSON.stringify(bodies[0])).toContain("203.0.113.90");
      expect(w.stats().alerts).toEqual([expect.objectContaining({ sent: 1, failed: 0 })]);
    } finally {
      await w.stop();
      server.close();
    }
  });
});

describe("startWatcher: configuration errors", () => {
  it("names the configuration's file and the jail's line when a filter cannot be used", async () => {
    writeFileSync(join(dir, "redos.conf"), "[Definition]\nfailregex = ^(a+)+$ from <HOST>\n");
    const cases: [string, RegExp][] = [
      ["filter: /nonexistent/filter.conf", /no such filter file/],
      ["filter: redos.conf", /redos\.conf:2/],
    ];
    for (const [line, why] of cases) {
      const cfg = config(
        `# a comment\njails:\n  bad:\n    ${line}\n    logpath: x.log\n`,
        "bad.yaml",
      );
      const err = await startWatcher(cfg, quiet).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).located).toMatch(
        new RegExp(`^${join(dir, "bad.yaml").replace(/[.]/g, "\\.")}:3: jail 'bad': `),
      );
      expect((err as InputError).message).toMatch(why);
    }
  });
});
