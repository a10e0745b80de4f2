/**
 * The watch configuration: YAML validated with zod (durations in fail2ban's words, defaults for
 * every jail, relative paths from the file's folder), errors naming file and line, secrets refused,
 * fail2ban's jails imported as they are, and the command line's overrides.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../src/sources/input-error.js";
import {
  buildWatchConfig,
  defaultStatePath,
  importFail2ban,
  parseSyslogUrl,
  parseWatchConfig,
} from "../src/watch/config.js";

let dir = "";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "bulwark-watch-config-"));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function errorOf(yaml: string): InputError {
  try {
    parseWatchConfig(yaml, "/etc/bulwark/watch.yaml");
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("no error");
}

describe("parseWatchConfig", () => {
  it("reads every setting, with defaults for the jails and paths from the file's folder", () => {
    const cfg = parseWatchConfig(
      `
action: { type: nftables, table: edge, hooks: [input, forward] }
state: state/watch.db
timezone: Europe/Zurich
protect: 192.0.2.10 10.0.0.0/8
syslog:
  - udp://0.0.0.0:5514
  - { host: "::", port: 6514, udp: false, senders: [192.0.2.1, 192.0.2.2] }
alerts:
  webhook: { url: "https://chat.example.org/hooks/x", format: slack, headersFromEnv: { Authorization: HOOK_AUTH } }
  email:
    - host: smtp.example.org
      port: 587
      requireTLS: true
      from: bulwark@example.org
      to: [ops@example.org, oncall@example.org]
      passwordEnv: SMTP_PASS
  limit: { burst: 3, perHour: 12, dedupe: 5m }
  unbans: true
defaults:
  maxretry: 4
  findtime: 15m
  bantime: 1h
  increment: { factor: 2, maxtime: 1w }
  ignoreip: 127.0.0.1/8 ::1
jails:
  sshd:
    filter: sshd
    mode: aggressive
    logpath: [/var/log/auth.log, { path: ../logs/sshd.log, ident: sshd, from: start }]
    port: ssh, 2222
  asterisk:
    filter: filters/asterisk.conf
    set: { logging: file, port: 5060 }
    journal: { match: ["_SYSTEMD_UNIT=asterisk.service", "_COMM=asterisk"] }
    maxretry: 10
    bantime: -1
    action: fail2ban-client
  dropbear:
    filter: dropbear
    syslog: { senders: 192.0.2.1 }
    increment: false
    protocol: tcp
  recidive:
    recidive: true
    bantime: 1w
    findtime: 1d
  off:
    enabled: false
    filter: x
    logpath: /x
`,
      "/etc/bulwark/watch.yaml",
    );
    expect(cfg.file).toBe("/etc/bulwark/watch.yaml");
    expect(cfg.action).toEqual({
      kind: "nftables",
      nftables: { table: "edge", hooks: ["input", "forward"] },
    });
    expect(cfg.state).toBe("/etc/bulwark/state/watch.db");
    expect(cfg.timezone).toBe("Europe/Zurich");
    expect(cfg.protect).toEqual(["192.0.2.10", "10.0.0.0/8"]);
    expect(cfg.syslog).toEqual([
      { host: "0.0.0.0", port: 5514, udp: true, tcp: false, timezone: "Europe/Zurich" },
      {
        host: "::",
        port: 6514,
        udp: false,
        tcp: true,
        allowedSenders: ["192.0.2.1", "192.0.2.2"],
        timezone: "Europe/Zurich",
      },
    ]);
    expect(cfg.alerts.webhooks).toEqual([
      expect.objectContaining({
        url: "https://chat.example.org/hooks/x",
        format: "slack",
        headersFromEnv: { Authorization: "HOOK_AUTH" },
      }),
    ]);
    expect(cfg.alerts.emails).toEqual([
      expect.objectContaining({
        host: "smtp.example.org",
        port: 587,
        requireTLS: true,
        to: ["ops@example.org", "oncall@example.org"],
        passwordEnv: "SMTP_PASS",
      }),
    ]);
    expect(cfg.alerts.policy).toEqual({ burst: 3, perHour: 12, dedupeMs: 300_000 });
    expect(cfg.alerts.unbans).toBe(true);
    expect(cfg.jails.map((j) => j.name)).toEqual(["sshd", "asterisk", "dropbear", "recidive"]);
    const [sshd, asterisk, dropbear, recidive] = cfg.jails;
    expect(sshd).toMatchObject({
      filter: "sshd",
      mode: "aggressive",
      logpath: [
        { path: "/var/log/auth.log", fromStart: false },
        { path: "/etc/logs/sshd.log", fromStart: true, ident: "sshd" },
      ],
      ports: { protocol: "tcp", ports: ["ssh", "2222"] },
      spec: {
        name: "sshd",
        maxretry: 4,
        findtime: 900,
        bantime: 3600,
        increment: { factor: 2, maxtime: 604800 },
        ignoreip: ["127.0.0.1/8", "::1"],
      },
      at: { file: "/etc/bulwark/watch.yaml", line: 27 },
    });
    expect(asterisk).toMatchObject({
      filter: "/etc/bulwark/filters/asterisk.conf",
      set: { logging: "file", port: "5060" },
      journal: { matches: ["_SYSTEMD_UNIT=asterisk.service", "+", "_COMM=asterisk"] },
      logpath: [],
      action: "fail2ban-client",
      spec: { maxretry: 10, bantime: -1 },
    });
    expect(dropbear?.syslog).toEqual({ senders: ["192.0.2.1"] });
    expect(dropbear?.spec.increment).toBeUndefined();
    expect(dropbear?.ports).toEqual({ protocol: "tcp", ports: [] });
    expect(recidive?.spec).toMatchObject({ feedsFrom: "all", bantime: 604800, findtime: 86400 });
  });

  it("an empty file is a configuration with nothing in it, the action a dry run", () => {
    const cfg = parseWatchConfig("", "/x/watch.yaml");
    expect(cfg.jails).toEqual([]);
    expect(cfg.action).toEqual({ kind: "dry-run" });
    expect(cfg.state).toBeUndefined();
  });

  it("names the file and line of what is wrong", () => {
    const cases: [string, number, RegExp][] = [
      [
        "jails:\n  sshd:\n    filter: sshd\n    logpath: /x\n    bantime: soon\n",
        5,
        /jails\.sshd\.bantime: 'soon' is not a duration/,
      ],
      [
        "jails:\n  sshd:\n    filter: sshd\n    logpath: /x\n    findtime: 0\n",
        5,
        /more than 0 seconds/,
      ],
      ["jails:\n  sshd:\n    logpath: /x\n", 2, /jails\.sshd\.filter: missing/],
      ["jails:\n  'bad name':\n    filter: sshd\n    logpath: /x\n", 2, /jail name 'bad name'/],
      ["action: drop-all\n", 1, /action: expected one of "dry-run", "nftables"/],
      [
        "action: { type: nftables, table: 'a b' }\n",
        1,
        /action\.table: letters, digits and _ only/,
      ],
      ["syslog: { udp: false, tcp: false }\n", 1, /neither udp nor tcp/],
      ["\n\nsyslog: [udp://h:1, 'tcp://h:70000']\n", 3, /syslog\.\[1\]: .*out of range/],
      ["alerts:\n  webhook:\n    url: ftp://x.example/\n", 3, /alerts\.webhook\.url/],
      ["alerts:\n  email:\n    host: h\n    from: a@b.c\n", 2, /alerts\.email\.to: expected/],
      [
        "alerts:\n  email:\n    host: h\n    from: a@b.c\n    to: d@e.f\n    smtpPassword: x\n",
        6,
        /secrets are not written in this file/,
      ],
      ["defaults:\n  increment: { factor: -1 }\n", 2, /defaults\.increment\.factor/],
      [
        "jails:\n  a: {filter: x, logpath: /x}\n  a: {filter: y, logpath: /y}\n",
        3,
        /[Mm]ap keys must be unique/,
      ],
      ["jails: [sshd]\n", 1, /jails: expected a mapping/],
      ["jails:\n  sshd:\n    filter: sshd\n    logpath: { path: /x, ident: 'a b' }\n", 4, /ident/],
    ];
    for (const [yaml, line, why] of cases) {
      const e = errorOf(yaml);
      expect(e.file).toBe("/etc/bulwark/watch.yaml");
      expect({ yaml, line: e.line }).toEqual({ yaml, line });
      expect(e.message).toMatch(why);
    }
  });
});

describe("syslog listeners and the state file", () => {
  it("reads udp://, tcp:// and syslog:// (both) URLs", () => {
    expect(parseSyslogUrl("udp://127.0.0.1:5514")).toEqual([
      { host: "127.0.0.1", port: 5514, udp: true, tcp: false },
    ]);
    expect(parseSyslogUrl("tcp://[::1]:6514")).toEqual([
      { host: "::1", port: 6514, udp: false, tcp: true },
    ]);
    expect(parseSyslogUrl("syslog://", "UTC")).toEqual([
      { host: "0.0.0.0", port: 514, udp: true, tcp: true, timezone: "UTC" },
    ]);
    for (const bad of ["http://x:1", "udp:/x", "udp://x:99999", "udp://x:y"]) {
      expect(() => parseSyslogUrl(bad)).toThrow(/syslog listener|out of range/);
    }
  });

  it("keeps the state in /var/lib for root, in the XDG state folder otherwise", () => {
    expect(defaultStatePath({}, 0)).toBe("/var/lib/bulwark/watch.db");
    expect(defaultStatePath({ XDG_STATE_HOME: "/s" }, 1000)).toBe("/s/bulwark/watch.db");
    expect(defaultStatePath({ HOME: "/home/a" }, 1000)).toBe(
      "/home/a/.local/state/bulwark/watch.db",
    );
  });
});

describe("importFail2ban", () => {
  function tree(): string {
    const root = join(dir, `f2b-${Math.random().toString(36).slice(2)}`);
    mkdirSync(join(root, "filter.d"), { recursive: true });
    writeFileSync(
      join(root, "filter.d", "mini.conf"),
      "[Definition]\nfailregex = ^Failed for <HOST>$\njournalmatch = _SYSTEMD_UNIT=mini.service\n",
    );
    writeFileSync(
      join(root, "jail.conf"),
      [
        "[DEFAULT]",
        "maxretry = 5",
        "findtime = 10m",
        "bantime = 1h",
        "bantime.increment = true",
        "ignoreip = 127.0.0.1/8 192.0.2.0/24",
        "",
        "[files]",
        "enabled = true",
        "filter = mini",
        "port = ssh,2222",
        "logpath = /var/log/a.log",
        "          /var/log/b.log tail",
        "",
        "[journald]",
        "enabled = true",
        "backend = systemd",
        "filter = mini",
        "maxretry = 3",
        "",
        "[nofilter]",
        "enabled = true",
        "filter = does-not-exist",
        "logpath = /var/log/c.log",
        "",
        "[recidive]",
        "enabled = true",
        "filter = recidive",
        "logpath = /var/log/fail2ban.log",
        "bantime = 1w",
        "",
        "[off]",
        "filter = mini",
        "logpath = /var/log/d.log",
        "",
      ].join("\n"),
    );
    return root;
  }

  it("imports the enabled jails with their filter, logpaths or journal, and settings", () => {
    const root = tree();
    const { jails, warnings } = importFail2ban(root);
    expect(jails.map((j) => j.name)).toEqual(["files", "journald", "recidive"]);
    const [files, journald, recidive] = jails;
    expect(files).toMatchObject({
      filter: join(root, "filter.d/mini.conf"),
      logpath: [
        { path: "/var/log/a.log", fromStart: true },
        { path: "/var/log/b.log", fromStart: false },
      ],
      ports: { protocol: "tcp", ports: ["ssh", "2222"] },
      spec: {
        name: "files",
        maxretry: 5,
        findtime: 600,
        bantime: 3600,
        increment: {},
        ignoreip: ["127.0.0.1/8", "192.0.2.0/24"],
      },
      at: { file: join(root, "jail.conf"), line: 8 },
      imported: true,
    });
    expect(files?.filterDefinition?.failregex.map((v) => v.text)).toEqual(["^Failed for <HOST>$"]);
    expect(journald).toMatchObject({
      logpath: [],
      logtype: "journal",
      journal: { matches: ["_SYSTEMD_UNIT=mini.service"] },
      spec: { maxretry: 3 },
    });
    expect(recidive?.spec.feedsFrom).toBe("all");
    expect(warnings).toEqual(
      expect.arrayContaining([expect.stringMatching(/jail\.conf:\d+: .*does-not-exist/)]),
    );
  });

  it("is refused when the folder is not a fail2ban configuration", () => {
    expect(() => importFail2ban(join(dir, "nope"))).toThrow(InputError);
    expect(() => importFail2ban(dir)).toThrow(/no jail\.conf or jail\.local/);
  });

  it("the command line adds fail2ban's jails, and its action and state win over the file's", () => {
    const root = tree();
    const file = join(dir, "with-f2b.yaml");
    writeFileSync(
      file,
      [
        "action: { type: nftables, table: edge }",
        "state: mine.db",
        "jails:",
        "  files:",
        "    filter: sshd",
        "    logpath: /var/log/auth.log",
        "    action: ipset",
        "",
      ].join("\n"),
    );
    const cfg = buildWatchConfig({
      config: file,
      fail2ban: [root],
      action: "dry-run",
      state: join(dir, "other.db"),
      syslog: ["udp://127.0.0.1:5514"],
      timezone: "UTC",
    });
    expect(cfg.jails.map((j) => `${j.name}${j.imported ? " (fail2ban)" : ""}`)).toEqual([
      "files",
      "journald (fail2ban)",
      "recidive (fail2ban)",
    ]);
    expect(cfg.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/jail 'files' not imported: .*with-f2b\.yaml:4/),
      ]),
    );
    expect(cfg.action).toEqual({ kind: "dry-run", nftables: { table: "edge" } });
    expect(cfg.jails.every((j) => j.action === undefined)).toBe(true);
    expect(cfg.state).toBe(join(dir, "other.db"));
    expect(cfg.syslog).toEqual([
      { host: "127.0.0.1", port: 5514, udp: true, tcp: false, timezone: "UTC" },
    ]);
    expect(cfg.jails[0]?.timezone).toBe("UTC");

    const inFile = join(dir, "f2b-key.yaml");
    writeFileSync(inFile, `fail2ban: ${root}\n`);
    expect(buildWatchConfig({ config: inFile }).jails.map((j) => j.name)).toEqual([
      "files",
      "journald",
      "recidive",
    ]);
    expect(() => buildWatchConfig({ fail2ban: [root, root] })).toThrow(/defined twice/);
    expect(() => buildWatchConfig({ action: "block" })).toThrow(/unknown action 'block'/);
  });
});
