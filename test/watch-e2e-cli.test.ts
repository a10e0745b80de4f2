/**
 * `bulwark watch --once` through the CLI on fail2ban's own sample log for sshd (the shared corpus),
 * with fail2ban's sshd filter in aggressive mode, maxretry 4, a findtime covering the whole log
 * and permanent bans: the attackers banned are exactly the hosts the log's `failJSON` annotations
 * give 4 or more failures, whether the jail comes from a Bulwark YAML configuration or from a
 * fail2ban configuration directory (`--fail2ban DIR`); output as JSON lines and as text. A bad
 * configuration exits 2 naming its file and line.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";
import { corpusPath, describeCorpus } from "./support/corpus.js";

let dir = "";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "bulwark-watch-cli-"));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Hosts with at least `n` failures by the annotations (sections before the RFC 5424 one). */
function annotatedAttackers(log: string, n: number): string[] {
  const counts = new Map<string, number>();
  const lines = readFileSync(log, "utf8").split("\n");
  for (const line of lines) {
    if (/^#+ ?filterOptions:.*rfc5424/.test(line)) break;
    const m = /^#+ ?failJSON:(.+)$/.exec(line);
    if (!m) continue;
    const j = JSON.parse(m[1] as string) as { match?: boolean; host?: string; constraint?: string };
    if (!j.match || !j.host || j.constraint) continue;
    counts.set(j.host, (counts.get(j.host) ?? 0) + 1);
  }
  return [...counts].filter(([, c]) => c >= n).map(([h]) => h);
}

/** The attackers of fail2ban's sshd sample log with 4 or more failures (aggressive mode). */
const EXPECTED = ["1.2.3.4", "127.0.0.1", "192.0.2.1", "aaaa:bbbb:cccc:1234::1:1", "example.com"];

describeCorpus("bulwark watch --once on fail2ban's sshd sample log", () => {
  const LOG = corpusPath("fail2ban-logs", "sshd");
  const FILTER = corpusPath("fail2ban-config", "filter.d", "sshd.conf");

  it("the expected attackers are those the annotations give 4 failures or more", () => {
    expect(annotatedAttackers(LOG, 4).sort()).toEqual(EXPECTED);
  });

  function writeConfig(): string {
    const file = join(dir, "watch.yaml");
    writeFileSync(
      file,
      [
        "jails:",
        "  sshd:",
        `    filter: ${FILTER}`,
        "    mode: aggressive",
        `    logpath: ${LOG}`,
        "    maxretry: 4",
        "    findtime: 2y      # the sample's dates span a year",
        "    bantime: -1",
        "    ignoreself: false # the samples use addresses this host may have",
        "",
      ].join("\n"),
    );
    return file;
  }

  it("prints the bans as JSON lines, then a summary", async () => {
    const t0 = Date.now();
    const r = await runCli(["watch", "--config", writeConfig(), "--once", "--format", "json"]);
    const ms = Date.now() - t0;
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const bans = out.filter((o) => o.type === "ban");
    expect(bans.map((b) => b.address).sort()).toEqual(EXPECTED);
    for (const b of bans) {
      expect(b).toEqual({
        type: "ban",
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        jail: "sshd",
        address: expect.any(String),
        kind: expect.stringMatching(/^(ipv4|ipv6|id)$/),
        failures: 4,
        bantime: -1,
        until: null,
        count: 1,
        users: expect.any(Array),
        source: LOG,
        sender: null,
        restored: false,
        action: "dry-run",
      });
    }
    const summary = out[out.length - 1];
    expect(summary).toMatchObject({
      type: "summary",
      mode: "once",
      lines: 417,
      jails: [{ jail: "sshd", action: "dry-run", lines: 417, bans: 5, banned: 5, errors: 0 }],
      inputs: [{ kind: "file", source: LOG, jails: ["sshd"], lines: 417 }],
      actionErrors: 0,
    });
    // The log's successful logins are reported as access events, not as failures.
    const access = out.filter((o) => o.type === "access");
    expect(access.map((a) => [a.kind, a.user, a.host, a.line])).toEqual([
      ["login-success", "git", "192.0.2.1", 163],
      ["login-success", "rda", "192.0.2.113", 240],
      ["login-success", "known", "192.0.2.114", expect.any(Number)],
      ["login-success", "known", "192.0.2.116", expect.any(Number)],
    ]);
    expect(out.filter((o) => !["ban", "summary", "access"].includes(o.type as string))).toEqual([]);
    process.stdout.write(`\n[bulwark] watch --once on the sshd sample (417 lines): ${ms} ms\n`);
  });

  it("prints the bans as text, marked as a dry run", async () => {
    const r = await runCli(["watch", "--config", writeConfig(), "--once"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    const bans = lines.filter((l) => / ban {4}/.test(l));
    expect(bans).toHaveLength(5);
    for (const l of bans) {
      expect(l).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ban {4}sshd \S+ \(4 failures(, user \S+)?; for ever\) \[dry run\]$/,
      );
    }
    expect(lines.slice(-2)).toEqual([
      "summary: 417 lines read, 5 ban(s), 5 in force",
      expect.stringMatching(
        /^ {2}sshd: 417 lines, \d+ failures found, 5 bans \(5 in force\), 0 ignored, \d+ too old, 0 errors$/,
      ),
    ]);
    expect(r.stderr).toMatch(/bulwark watch: 1 jail \(sshd\); action dry-run: a replay/);
  });

  it("runs the jails of a fail2ban configuration as they are (--fail2ban DIR)", async () => {
    const f2b = join(dir, "fail2ban");
    mkdirSync(join(f2b, "filter.d"), { recursive: true });
    for (const f of ["sshd.conf", "common.conf"]) {
      copyFileSync(corpusPath("fail2ban-config", "filter.d", f), join(f2b, "filter.d", f));
    }
    writeFileSync(
      join(f2b, "jail.conf"),
      [
        "[DEFAULT]",
        "ignoreself = false",
        "maxretry = 5",
        "findtime = 10m",
        "bantime = 10m",
        "",
        "[sshd]",
        "filter = sshd[mode=aggressive]",
        `logpath = ${LOG}`,
        "",
        "[disabled-one]",
        "enabled = false",
        "filter = sshd",
        "logpath = /nonexistent",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(f2b, "jail.local"),
      ["[sshd]", "enabled = true", "maxretry = 4", "findtime = 2y", "bantime = -1", ""].join("\n"),
    );
    const r = await runCli([
      "watch",
      "--fail2ban",
      f2b,
      "--action",
      "dry-run",
      "--once",
      "--format",
      "json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(
      out
        .filter((o) => o.type === "ban")
        .map((b) => b.address)
        .sort(),
    ).toEqual(EXPECTED);
    expect(out[out.length - 1]).toMatchObject({
      type: "summary",
      jails: [{ jail: "sshd", bans: 5 }],
    });
  });
});

describe("bulwark watch (live)", () => {
  it("runs until SIGTERM, then stops cleanly: exit 0 and a summary", async () => {
    const filter = join(dir, "mini-sshd.conf");
    writeFileSync(
      filter,
      "[Definition]\nfailregex = ^\\s*\\S+ sshd\\[\\d+\\]: Failed password for \\S+ from <HOST>\n",
    );
    const log = join(dir, "live.log");
    const line = () =>
      `${new Date().toISOString()} pbx sshd[7]: Failed password for root from 203.0.113.21\n`;
    writeFileSync(log, line() + line());
    const file = join(dir, "live.yaml");
    writeFileSync(
      file,
      [
        "jails:",
        "  sshd:",
        `    filter: ${filter}`,
        `    logpath: { path: ${log}, from: start }`,
        "    maxretry: 2",
        "    ignoreself: false",
        "",
      ].join("\n"),
    );
    const listeners = process.listenerCount("SIGTERM");
    const running = runCli(["watch", "--config", file, "--format", "json"]);
    await new Promise((r) => setTimeout(r, 300));
    process.emit("SIGTERM", "SIGTERM");
    const r = await running;
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out[0]).toMatchObject({ type: "ban", address: "203.0.113.21", action: "dry-run" });
    expect(out[out.length - 1]).toMatchObject({
      type: "summary",
      mode: "live",
      lines: 2,
      banned: [{ jail: "sshd", address: "203.0.113.21" }],
    });
    expect(process.listenerCount("SIGTERM")).toBe(listeners);
  });
});

describe("bulwark watch: bad input", () => {
  it("exits 2 on a bad configuration, naming its file and line", async () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(
      file,
      [
        "action: dry-run",
        "jails:",
        "  sshd:",
        "    filter: sshd",
        "    logpath: /var/log/auth.log",
        "    maxretry: three",
        "",
      ].join("\n"),
    );
    const r = await runCli(["watch", "--config", file, "--once"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`bulwark: ${file}:6: jails.sshd.maxretry: expected a number\n`);
    expect(r.stdout).toBe("");
  });

  it("exits 2 on a YAML error, an unknown setting, a secret written in the file", async () => {
    const cases: [string[], number, RegExp][] = [
      [["jails:", "  sshd: [", ""], 3, /./],
      [
        ["jails:", "  sshd:", "    filter: sshd", "    findtme: 10m", ""],
        4,
        /unknown setting 'findtme'/,
      ],
      [
        [
          "alerts:",
          "  email:",
          "    host: smtp.example.org",
          "    from: a@example.org",
          "    to: b@example.org",
          "    password: hunter2",
          "",
        ],
        6,
        /environment variable/,
      ],
      [["jails:", "  sshd:", "    filter: sshd", ""], 2, /reads nothing/],
    ];
    for (const [lines, line, why] of cases) {
      const file = join(dir, "bad-case.yaml");
      writeFileSync(file, lines.join("\n"));
      const r = await runCli(["watch", "--config", file, "--once"]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.startsWith(`bulwark: ${file}:${line}: `), r.stderr).toBe(true);
      expect(r.stderr).toMatch(why);
      expect(r.stderr).not.toContain("hunter2");
    }
  });

  it("exits 2 when there is nothing to watch or the inputs are not what they should be", async () => {
    const none = await runCli(["watch", "--once"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/nothing to watch: give --config FILE .* or --fail2ban DIR/);
    const missing = await runCli(["watch", "--config", join(dir, "missing.yaml")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing\.yaml: cannot read the watch configuration \(ENOENT\)/);
    const notF2b = await runCli(["watch", "--fail2ban", dir, "--once"]);
    expect(notF2b.code).toBe(2);
    expect(notF2b.stderr).toMatch(/no jail\.conf or jail\.local/);
    const badAction = await runCli(["watch", "--fail2ban", dir, "--action", "drop-everything"]);
    expect(badAction.code).toBe(2);
    const badSyslog = await runCli(["watch", "--syslog", "udp:/x", "--once"]);
    expect(badSyslog.code).toBe(2);
    expect(badSyslog.stderr).toMatch(/--syslog: 'udp:\/x' is not a syslog listener/);
  });
});
