/**
 * Logs as facts (`facts.observed`) and the rules that judge them: a PBX root copied with its
 * var/log (OpenSSH, Asterisk, fail2ban, nginx), a RutOS router's `logread` capture judged alone,
 * fail2ban's own annotated sample logs from the corpus, and `bulwark audit --logs` end to end
 * (exit statuses, JSON, time zones, no secret printed).
 *
 * The logs are written here, line for line as the daemons write them (sshd auth.c, Asterisk
 * res_security_log and chan_iax2, fail2ban's actions, Dropbear, LuCI, netifd, the kernel's phylink,
 * RutOS's events log); addresses are from the documentation ranges.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { coverage } from "../src/catalogue/coverage.js";
import { GUIDELINE_ITEMS } from "../src/catalogue/items.js";
import { DEFAULT_PROFILE } from "../src/engine/profile.js";
import { runRules } from "../src/engine/run.js";
import { extractFacts } from "../src/extract/index.js";
import { logExcerpt } from "../src/extract/logs/excerpt.js";
import { compileDetector, GATES } from "../src/extract/logs/filters.js";
import { logOnlyFacts } from "../src/extract/logs/index.js";
import { sniffKind } from "../src/extract/logs/kinds.js";
import type { Facts } from "../src/facts/model.js";
import type { ObservedActivity } from "../src/facts/observed.js";
import { ALL_RULES } from "../src/rules/index.js";
import { DiskTree } from "../src/sources/tree.js";
import { runCli } from "./support/cli.js";
import { corpusPath, describeCorpus } from "./support/corpus.js";
import { result, statuses } from "./support/report.js";

const made: string[] = [];
/** A fresh folder under the system's temporary one, removed when the file's tests are done. */
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** "Now" for year inference of syslog stamps: a few days after the logs. */
const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);
const read = { timezone: "UTC", now: () => NOW };
const settings = { profile: DEFAULT_PROFILE, waivers: [], attestations: [] };

const pad = (n: number) => String(n).padStart(2, "0");
const TEN = Date.UTC(2026, 2, 5, 10, 0, 0);
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** `seconds` after 10:00:00 on 5 March 2026 (UTC), negative for before. */
function wall(seconds: number) {
  const d = new Date(TEN + seconds * 1000);
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return { d, time };
}
/** "Mar  5 10:02:30", as syslog writes it. */
function syslogAt(seconds: number): string {
  const { d, time } = wall(seconds);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${time}`;
}
/** "2026-03-05 10:02:30", as Asterisk and fail2ban write it. */
function isoAt(seconds: number): string {
  const { d, time } = wall(seconds);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${time}`;
}

// ---------------------------------------------------------------------------------------------
// A PBX (Debian, Asterisk, fail2ban) copied as a root

const DIGEST = "7a6a3a2e95a05260aee612896e1b4a39";
const CHALLENGE = "41d26de5";
const QUERY_PASSWORD = "Tr0ub4dor-and-3";

const JAIL_LOCAL = `[DEFAULT]
bantime  = 1h
findtime = 10m
maxretry = 5

[sshd]
enabled  = true
filter   = sshd
port     = ssh
logpath  = /var/log/auth.log
maxretry = 3

[asterisk]
enabled  = true
filter   = asterisk
port     = 5060,5061
protocol = tcp
logpath  = /var/log/asterisk/security
`;

function authLog(): string {
  const lines: string[] = [
    `${syslogAt(-7200)} pbx sshd[1200]: Accepted publickey for admin from 192.168.10.5 port 50514 ssh2: ED25519 SHA256:p0Rk3yFingerprintNotASecret`,
    `${syslogAt(-7200)} pbx sshd[1200]: pam_unix(sshd:session): session opened for user admin(uid=1000) by (uid=0)`,
    `${syslogAt(-3600)} pbx CRON[1300]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)`,
  ];
  // 203.0.113.10: 20 failures, one every 15 s from 10:00:00, never banned; then it gets in.
  for (let i = 0; i < 20; i++) {
    const who = i % 2 ? "invalid user oracle" : "root";
    lines.push(
      `${syslogAt(i * 15)} pbx sshd[${2000 + i}]: Failed password for ${who} from 203.0.113.10 port ${40000 + i} ssh2`,
    );
  }
  // 192.0.2.77: three failures 10 s apart, banned by fail2ban (see fail2ban.log), then silent.
  for (let i = 0; i < 3; i++) {
    lines.push(
      `${syslogAt(130 + i * 10)} pbx sshd[${2100 + i}]: Failed password for invalid user test from 192.0.2.77 port ${41000 + i} ssh2`,
    );
  }
  // 198.51.100.23: two failures, a typo rather than an attack.
  lines.push(
    `${syslogAt(200)} pbx sshd[2200]: Failed password for admin from 198.51.100.23 port 42000 ssh2`,
    `${syslogAt(215)} pbx sshd[2201]: Failed password for admin from 198.51.100.23 port 42001 ssh2`,
    `${syslogAt(400)} pbx sshd[2300]: Accepted password for root from 203.0.113.10 port 43000 ssh2`,
    `${syslogAt(400)} pbx sshd[2300]: pam_unix(sshd:session): session opened for user root(uid=0) by (uid=0)`,
  );
  return `${lines.join("\n")}\n`;
}

function asteriskSecurity(): string {
  const lines: string[] = [];
  // 198.51.100.99: a SIP password guesser, one REGISTER every 20 s from 10:10:00, twelve times.
  for (let i = 0; i < 12; i++) {
    const t = 600 + i * 20;
    lines.push(
      `[${isoAt(t)}] SECURITY[1701] res_security_log.c: SecurityEvent="InvalidPassword",EventTV="2026-03-05T${isoAt(t).slice(11)}.123+0000",Severity="Error",Service="SIP",EventVersion="2",AccountID="1001",SessionID="0x7f3c2c00${i}",LocalAddress="IPV4/UDP/192.0.2.10/5060",RemoteAddress="IPV4/UDP/198.51.100.99/5084",Challenge="${CHALLENGE}",ReceivedChallenge="${CHALLENGE}",ReceivedHash="${DIGEST}"`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function asteriskMessages(): string {
  return `${[
    `[${isoAt(-3000)}] VERBOSE[2270] manager.c: Manager 'admin' logged on from 127.0.0.1`,
    `[${isoAt(1800)}] NOTICE[1638] chan_iax2.c: Host 203.0.113.200 failed MD5 authentication for '200' (e7df7cd2ca07f4f1ab415d457a6e1c13 != 53ac4bc41ee4ec77888ed4aa50677247)`,
    `[${isoAt(1810)}] NOTICE[1638] chan_iax2.c: Host 203.0.113.200 failed MD5 authentication for '200' (e7df7cd2ca07f4f1ab415d457a6e1c13 != 53ac4bc41ee4ec77888ed4aa50677247)`,
    `[${isoAt(1900)}] VERBOSE[2301] loader.c: Reloading module 'res_pjsip.so' (Basic SIP resource)`,
  ].join("\n")}\n`;
}

function fail2banLog(): string {
  return `${[
    `${isoAt(150)},120 fail2ban.filter         [812]: INFO    [sshd] Found 192.0.2.77 - ${isoAt(150)}`,
    `${isoAt(151)},335 fail2ban.actions        [812]: NOTICE  [sshd] Ban 192.0.2.77`,
    // The asterisk jail bans over TCP while the guesser registers over UDP: its attempts go on.
    `${isoAt(701)},002 fail2ban.actions        [812]: NOTICE  [asterisk] Ban 198.51.100.99`,
    `${isoAt(3751)},500 fail2ban.actions        [812]: NOTICE  [sshd] Unban 192.0.2.77`,
  ].join("\n")}\n`;
}

function nginxAccess(): string {
  const lines: string[] = [];
  for (let i = 0; i < 4; i++) {
    lines.push(
      `203.0.113.10 - admin [05/Mar/2026:10:${pad(20 + i)}:00 +0000] "GET /admin/config.php?user=admin&password=${QUERY_PASSWORD} HTTP/1.1" 401 188 "-" "python-requests/2.31"`,
    );
  }
  lines.push(
    `192.168.10.5 - - [05/Mar/2026:10:30:00 +0000] "GET /admin/ HTTP/1.1" 200 5120 "-" "Mozilla/5.0"`,
  );
  return `${lines.join("\n")}\n`;
}

function pbxRoot(): string {
  const root = tempDir("bulwark-pbx-logs-");
  const put = (path: string, text: string) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  put("etc/fail2ban/jail.local", JAIL_LOCAL);
  put("etc/ssh/sshd_config", "Port 22\nPasswordAuthentication yes\nPermitRootLogin yes\n");
  put("var/log/auth.log", authLog());
  put("var/log/asterisk/security", asteriskSecurity());
  put("var/log/asterisk/messages", asteriskMessages());
  put("var/log/fail2ban.log", fail2banLog());
  put("var/log/nginx/access.log", nginxAccess());
  // Not a log Bulwark reads: left alone.
  put("var/log/dpkg.log", "2026-03-01 10:00:00 status installed asterisk:amd64 1:20.6.0\n");
  return root;
}

function observed(facts: Facts): ObservedActivity {
  if (!facts.observed.known) throw new Error(`observed unknown: ${facts.observed.reason}`);
  return facts.observed.value;
}

describe("a PBX root with its var/log", () => {
  const root = pbxRoot();
  const facts = extractFacts(new DiskTree(root, root, ""), { logs: read });
  const obs = observed(facts);

  it("reads the logs it knows, oldest stamp to newest, and lists them as sources", () => {
    expect(obs.sources.map((s) => [s.file.slice(root.length + 1), s.kind])).toEqual([
      ["var/log/auth.log", "auth"],
      ["var/log/fail2ban.log", "fail2ban"],
      ["var/log/asterisk/messages", "asterisk"],
      ["var/log/asterisk/security", "asterisk"],
      ["var/log/nginx/access.log", "web-access"],
    ]);
    expect(facts.sources.filter((s) => s.format.startsWith("log")).length).toBe(5);
    expect(obs.window).toEqual({
      from: "2026-03-05T08:00:00+00:00",
      to: "2026-03-05T11:02:31+00:00",
      hours: 3,
    });
  });

  it("SSH: 25 failures from 3 addresses, measured against the sshd jail (maxretry 3)", () => {
    const ssh = obs.campaigns.find((c) => c.service === "ssh");
    expect(ssh).toMatchObject({
      failures: 25,
      addressCount: 3,
      detectors: ["sshd"],
      first: "2026-03-05T10:00:00+00:00",
      last: "2026-03-05T10:04:45+00:00",
      maxPerAddressInFindtime: 20,
      threshold: { maxretry: 3, findtimeSeconds: 600, bantimeSeconds: 3600, jail: "sshd" },
      // 203.0.113.10 reached 3 failures at 10:00:30 and made 17 more while a ban would hold.
      continuedPastThreshold: 1,
      failuresPastThreshold: 17,
      continuedUnbanned: 1,
      bansSeen: 1,
      continuedAfterBan: 0,
    });
    expect(ssh?.attackers.map((a) => [a.address, a.failures, a.pastThreshold, a.bans])).toEqual([
      ["203.0.113.10", 20, 17, 0],
      ["192.0.2.77", 3, 0, 1],
      ["198.51.100.23", 2, 0, 0],
    ]);
    expect(ssh?.attackers[0]).toMatchObject({
      public: true,
      userNames: 2,
      reachedThresholdAt: "2026-03-05T10:00:30+00:00",
    });
    // The jail's own lines are cited as the yardstick.
    expect(ssh?.threshold.at.map((o) => ("excerpt" in o ? o.excerpt : ""))).toEqual(
      expect.arrayContaining(["[sshd]", "maxretry = 3"]),
    );
  });

  it("SIP: the guesser was banned, yet its REGISTERs went on (the ban covers TCP only)", () => {
    const sip = obs.campaigns.find((c) => c.service === "sip");
    expect(sip).toMatchObject({
      failures: 12,
      addressCount: 1,
      threshold: { maxretry: 5, jail: "asterisk" },
      continuedPastThreshold: 1,
      failuresPastThreshold: 7,
      bansSeen: 1,
      continuedAfterBan: 1,
    });
    expect(sip?.attackers[0]).toMatchObject({ address: "198.51.100.99", afterBan: 6 });
  });

  it("IAX2 and the web: a few failures each, below their thresholds", () => {
    expect(obs.campaigns.map((c) => [c.service, c.failures, c.continuedPastThreshold])).toEqual([
      ["ssh", 25, 1],
      ["sip", 12, 1],
      ["iax2", 2, 0],
      ["web", 4, 0],
    ]);
  });

  it("bans from fail2ban.log, dated in the log's own time", () => {
    expect(obs.bans.map((b) => [b.jail, b.address, b.time, b.restored])).toEqual([
      ["sshd", "192.0.2.77", "2026-03-05T10:02:31+00:00", false],
      ["asterisk", "198.51.100.99", "2026-03-05T10:11:41+00:00", false],
    ]);
  });

  it("logins: the LAN admin, the AMI from loopback, and root from the guesser's address", () => {
    expect(
      obs.logins.map((l) => [
        l.service,
        l.user,
        l.address,
        l.public,
        l.newAddress,
        l.failuresBefore,
      ]),
    ).toEqual([
      ["ssh", "admin", "192.168.10.5", false, false, 0],
      ["ami", "admin", "127.0.0.1", false, true, 0],
      ["ssh", "root", "203.0.113.10", true, true, 20],
    ]);
    expect(obs.configChanges.map((e) => e.detail)).toEqual(["Asterisk configuration reloaded"]);
  });

  it("keeps no digest, challenge or password of the lines in its excerpts", () => {
    const text = JSON.stringify(obs);
    expect(text).not.toContain(DIGEST);
    expect(text).not.toContain(CHALLENGE);
    expect(text).not.toContain(QUERY_PASSWORD);
    expect(text).not.toContain("e7df7cd2ca07f4f1ab415d457a6e1c13");
    const sample = obs.campaigns.find((c) => c.service === "sip")?.samples[0];
    expect(sample && "excerpt" in sample ? sample.excerpt : "").toContain(
      'SecurityEvent="InvalidPassword"',
    );
    const iax = obs.campaigns.find((c) => c.service === "iax2")?.samples[0];
    expect(iax && "excerpt" in iax ? iax.excerpt : "").toContain(
      "failed MD5 authentication for '200' (<not shown> != <not shown>)",
    );
  });

  it("the rules: SSH and SIP brute force fail, root's login after 20 failures fails high", () => {
    const report = runRules(facts, ALL_RULES, settings, new Date(NOW));
    expect(statuses(report, "brute-force-unmitigated")).toEqual([
      "fail",
      "fail",
      "pass",
      "pass",
      "pass",
    ]);
    const ssh = result(report, "brute-force-unmitigated", "SSH brute force");
    expect(ssh.severity).toBe("high");
    expect(ssh.message).toContain(
      "25 failed SSH logins from 3 addresses between 2026-03-05T10:00:00+00:00 and 2026-03-05T10:04:45+00:00; 1 address (203.0.113.10: 20 failures) went on past 3 failures within 10m (jail 'sshd') — 17 failure(s) a ban would have stopped — and no ban of them was logged",
    );
    expect(ssh.message).toContain("3 failures within 10m (jail 'sshd')");
    expect(ssh.remediation?.summary).toContain("Jail 'sshd' is enabled, yet");
    expect(ssh.evidence.some((o) => o.kind === "log" && o.line === 4)).toBe(true);
    const sip = result(report, "brute-force-unmitigated", "SIP brute force");
    expect(sip.message).toContain("went on failing while fail2ban had banned them");
    expect(sip.evidence.map((o) => o.kind === "log" && o.file.endsWith("fail2ban.log"))).toContain(
      true,
    );
    const logins = report.results.filter((r) => r.rule === "admin-login-unexpected");
    expect(logins.map((r) => [r.status, r.severity, r.subject])).toEqual([
      ["fail", "high", "SSH login as root from 203.0.113.10"],
    ]);
    expect(logins[0]?.message).toBe(
      "SSH login as root from 203.0.113.10 at 2026-03-05T10:06:40+00:00 came after 20 failures from the same address: a guessed password?",
    );
    // auth.log and Asterisk's logs hold no kernel or netifd lines.
    expect(statuses(report, "link-down-observed")).toEqual(["unknown"]);
  });
});

describe("reading the logs' stamps", () => {
  it("reads stamps without a zone in --timezone", () => {
    const root = pbxRoot();
    const facts = logOnlyFacts("auth.log", {
      files: [join(root, "var/log/auth.log")],
      timezone: "Europe/Vilnius",
      now: () => NOW,
    });
    expect(observed(facts).window?.from).toBe("2026-03-05T08:00:00+02:00");
    expect(observed(facts).campaigns[0]?.first).toBe("2026-03-05T10:00:00+02:00");
  });

  it("counts an undated failure but cannot place it against the threshold", () => {
    const dir = tempDir("bulwark-undated-");
    const file = join(dir, "auth.log");
    const lines = Array.from(
      { length: 8 },
      (_, i) => `pbx sshd[${i}]: Failed password for root from 203.0.113.5 port ${1000 + i} ssh2`,
    );
    writeFileSync(file, `${lines.join("\n")}\n`);
    const obs = observed(logOnlyFacts(file, { files: [file], ...read }));
    expect(obs.window).toBeUndefined();
    expect(obs.campaigns[0]).toMatchObject({ failures: 8, continuedPastThreshold: 0, first: "" });
  });
});

// ---------------------------------------------------------------------------------------------
// Wazo's provisioning server

/** Wazo's own jail for it (xivo-config's jail.d/wazo.conf). */
const WAZO_JAILS = `[wazo-provd]

enabled  = true
filter   = wazo-provd
action   = iptables-allports[name=wazo-provd, protocol=all]
logpath  = /var/log/wazo-provd-fail2ban.log
findtime = 60
maxretry = 10
bantime  = 600
`;

function provdLog(): string {
  const lines: string[] = [];
  // 198.51.100.140 makes the provisioning server create a device every 4 s, 30 times.
  for (let i = 0; i < 30; i++) {
    lines.push(
      `[${isoAt(i * 4)},${String(100 + i).padStart(3, "0")}] New device created automatically from 198.51.100.140: 5b7f0c1a${String(i).padStart(4, "0")}`,
    );
  }
  lines.push(`[${isoAt(300)},512] Sensitive file requested from 192.168.10.44: 000b82aabbcc.cfg`);
  return `${lines.join("\n")}\n`;
}

describe("Wazo's provisioning server log", () => {
  it("device-creation flood past Wazo's jail threshold (10 within 60 s), with the jail not banning", () => {
    const root = tempDir("bulwark-wazo-");
    mkdirSync(join(root, "etc/fail2ban/jail.d"), { recursive: true });
    mkdirSync(join(root, "var/log"), { recursive: true });
    writeFileSync(join(root, "etc/fail2ban/jail.d/wazo.conf"), WAZO_JAILS);
    writeFileSync(join(root, "var/log/wazo-provd-fail2ban.log"), provdLog());
    const facts = extractFacts(new DiskTree(root, root, ""), { logs: read });
    const obs = observed(facts);
    expect(obs.sources.map((s) => [s.kind, s.lines])).toEqual([["provisioning", 31]]);
    expect(obs.campaigns).toMatchObject([
      {
        service: "provisioning",
        detectors: ["provisioning"],
        failures: 31,
        addressCount: 2,
        threshold: { maxretry: 10, findtimeSeconds: 60, bantimeSeconds: 600, jail: "wazo-provd" },
        // banned at the 10th creation (36 s), every later one is one a ban would have stopped
        continuedPastThreshold: 1,
        failuresPastThreshold: 20,
        maxPerAddressInFindtime: 16,
      },
    ]);
    const report = runRules(facts, ALL_RULES, settings, new Date(NOW));
    const provd = result(report, "brute-force-unmitigated", "provisioning server brute force");
    expect(provd.status).toBe("fail");
    expect(provd.guidelines).toContain("WAZ-02");
  });
});

// ---------------------------------------------------------------------------------------------
// A RutOS router's `logread` output, judged alone

function logread(): string {
  const lines: string[] = [
    "Thu Mar  5 09:00:01 2026 kern.notice kernel: [    0.000000] Linux version 5.4.147 (build@teltonika) (gcc version 8.4.0 (OpenWrt GCC 8.4.0 r16325)) #0 Thu Mar 5 08:00:00 2026",
    "Thu Mar  5 09:00:31 2026 daemon.info procd: - init complete -",
    "Thu Mar  5 09:00:40 2026 daemon.notice netifd: Interface 'wan' is now up",
    "Thu Mar  5 09:14:02 2026 authpriv.notice dropbear[2301]: Password auth succeeded for 'root' from 192.168.1.10:51334",
    "Thu Mar  5 09:14:02 2026 EVENTS.notice SSH: Password auth succeeded for root on SSH from 192.168.1.10:51334",
  ];
  // 203.0.113.45 tries root's password over SSH, 15 times in under 4 minutes: nothing stops it.
  for (let i = 0; i < 15; i++) {
    const s = 20 + i * 15;
    lines.push(
      `Thu Mar  5 10:${pad(20 + Math.floor(s / 60))}:${pad(s % 60)} 2026 authpriv.warn dropbear[${3100 + i}]: Bad password attempt for 'root' from 203.0.113.45:${51000 + i}`,
    );
  }
  lines.push(
    "Thu Mar  5 10:40:00 2026 daemon.err uhttpd[1830]: luci: failed login on / for admin from 198.51.100.61",
    "Thu Mar  5 10:40:09 2026 daemon.err uhttpd[1830]: luci: failed login on / for admin from 198.51.100.61",
    // Someone at the cabinet unplugs LAN2 (kernel, netifd and RutOS's port service all say so).
    "Thu Mar  5 11:02:17 2026 kern.info kernel: [ 7337.120000] mt7530-mdio mdio-bus:1f lan2: Link is Down",
    "Thu Mar  5 11:02:17 2026 daemon.notice netifd: Network device 'lan2' link is down",
    "Thu Mar  5 11:02:18 2026 EVENTS.notice Switch Events: Port link state for LAN2 changed to DOWN",
    "Thu Mar  5 11:04:40 2026 kern.info kernel: [ 7480.330000] mt7530-mdio mdio-bus:1f lan2: Link is Up - 1Gbps/Full - flow control rx/tx",
    "Thu Mar  5 11:30:00 2026 daemon.notice netifd: Interface 'wan' is now down",
    "Thu Mar  5 11:30:05 2026 EVENTS.notice SIM switch: Switched from SIM 1 to SIM 2",
    "Thu Mar  5 12:29:10 2026 EVENTS.notice WebUI: Password auth succeeded for admin on WebUI from 203.0.113.45",
    'Thu Mar  5 12:30:00 2026 EVENTS.notice CONFIG: User "admin" changed firewall configuration',
    "Thu Mar  5 13:00:00 2026 SYSTEM.notice Reboot: Request from Web UI",
  );
  return `${lines.join("\n")}\n`;
}

function logreadFile(): string {
  const dir = tempDir("bulwark-logread-");
  const file = join(dir, "logread.txt");
  writeFileSync(file, logread());
  return file;
}

describe("a RutOS router's logread capture, alone", () => {
  const file = logreadFile();
  const facts = logOnlyFacts(file, { files: [file], ...read });
  const obs = observed(facts);

  it("is a target of kind log, read as a whole syslog", () => {
    expect(facts.target).toEqual({ name: file, kind: "log" });
    expect(obs.sources[0]).toMatchObject({ kind: "syslog", lines: 31, covers: ["ssh", "web"] });
  });

  it("SSH brute force through Dropbear, and two LuCI failures", () => {
    expect(
      obs.campaigns.map((c) => [c.service, c.detectors, c.failures, c.continuedUnbanned]),
    ).toEqual([
      ["ssh", ["dropbear"], 15, 1],
      ["web", ["luci"], 2, 0],
    ]);
  });

  it("one SSH login though Dropbear and the events log both wrote it; the WebUI login from the attacker", () => {
    expect(obs.logins.map((l) => [l.service, l.user, l.address, l.at.length])).toEqual([
      ["ssh", "root", "192.168.1.10", 2],
      ["webui", "admin", "203.0.113.45", 1],
    ]);
    expect(obs.logins[1]).toMatchObject({ public: true, newAddress: true, failuresBefore: 15 });
  });

  it("the unplugged cable is one link-down event (three lines), the WAN going down a logical one", () => {
    expect(obs.links.map((l) => [l.kind, l.interface, l.physical, l.at.length, l.time])).toEqual([
      ["link-up", "wan", false, 1, "2026-03-05T09:00:40+00:00"],
      ["link-down", "lan2", true, 3, "2026-03-05T11:02:17+00:00"],
      ["link-up", "lan2", true, 1, "2026-03-05T11:04:40+00:00"],
      ["link-down", "wan", false, 1, "2026-03-05T11:30:00+00:00"],
    ]);
    expect(obs.simSwitches.map((e) => e.detail)).toEqual(["SIM switched from SIM1 to SIM2"]);
    expect(obs.configChanges).toHaveLength(1);
    expect(obs.reboots.map((e) => e.detail)).toEqual([
      "Device booted",
      "Device booted",
      "Reboot requested (from Web UI, RutOS)",
    ]);
  });

  it("the rules: brute force unstopped, an admin login from the internet, the unplug undecided", () => {
    const report = runRules(facts, ALL_RULES, settings, new Date(NOW));
    expect(statuses(report, "brute-force-unmitigated")).toEqual(["fail", "pass"]);
    const ssh = result(report, "brute-force-unmitigated", "SSH brute force");
    expect(ssh.remediation?.summary).toContain("This device has no fail2ban");
    expect(report.results.filter((r) => r.rule === "admin-login-unexpected")).toMatchObject([
      { status: "fail", severity: "high", subject: "WebUI login as admin from 203.0.113.45" },
    ]);
    const link = result(report, "link-down-observed");
    expect(link.status).toBe("unknown");
    expect(link.message).toContain("1 Ethernet link-down event(s) on lan2");
    // Configuration rules cannot be decided from logs: not applicable, not unknown.
    expect(statuses(report, "ssh-password-auth")).toEqual(["not_applicable"]);
  });
});

describe("the same capture saved beside a RutOS router's configuration", () => {
  it("is read with the root, and the unplugged cable fails: no Events Reporting rule reports links", async () => {
    const root = tempDir("bulwark-rutx-");
    cpSync("examples/rutx11-insecure", root, { recursive: true });
    writeFileSync(join(root, "logread.txt"), logread());
    const { code, stdout } = await runCli(["audit", root, "--timezone", "UTC", "--format", "json"]);
    expect(code).toBe(1);
    const t = JSON.parse(stdout).targets[0];
    expect(t.device.platform).toBe("rutos");
    const link = t.results.find((r: { rule: string }) => r.rule === "link-down-observed");
    expect(link.status).toBe("fail");
    expect(link.message).toContain("1 Ethernet link-down event(s) on lan2");
    expect(link.message).toContain("no Events Reporting rule reports Ethernet link changes");
    expect(link.remediation.commands.lines).toContain(
      "uci set events_reporting.@rule[-1].event='Switch Events'",
    );
    // The configuration's own rule for links agrees.
    expect(t.results.find((r: { rule: string }) => r.rule === "events-link-down").status).toBe(
      "fail",
    );
  });
});

// ---------------------------------------------------------------------------------------------
// fail2ban's annotated sample logs

/** Hosts of the `"match": true` annotations, per host, before the first change of variant. */
function expectedFailures(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (/^#+ ?filterOptions:/.test(line)) break;
    const m = /^#+ ?failJSON:(.+)$/.exec(line);
    if (!m?.[1]) continue;
    const want = JSON.parse(m[1]) as { match?: boolean; host?: string; constraint?: string };
    if (!want.match || !want.host || want.constraint) continue;
    out.set(want.host, (out.get(want.host) ?? 0) + 1);
  }
  return out;
}

/** The part of a sample log a default filter reads (up to the first change of variant). */
function defaultVariant(name: string): string {
  const text = readFileSync(corpusPath("fail2ban-logs", name), "utf8");
  const cut = text.search(/^#+ ?filterOptions:/m);
  return cut < 0 ? text : text.slice(0, cut);
}

function failuresByHost(obs: ObservedActivity): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of obs.campaigns)
    for (const a of c.attackers) out.set(a.address, (out.get(a.address) ?? 0) + a.failures);
  return out;
}

describeCorpus("fail2ban's sample logs read as logs of unknown kind", () => {
  const zurich = { timezone: "Europe/Zurich", now: () => 1124013600000 };
  const dir = tempDir("bulwark-f2b-samples-");
  const load = (name: string) => {
    const file = join(dir, name);
    writeFileSync(file, defaultVariant(name));
    return observed(logOnlyFacts(file, { files: [file], ...zurich }));
  };

  it.each([
    ["dropbear", "ssh", 10, 4],
    ["lighttpd-auth", "web", 8, 6],
  ])("%s: every annotated failure, counted by host", (name, service, failures, addresses) => {
    const obs = load(name);
    expect(obs.campaigns.map((c) => [c.service, c.failures, c.addressCount])).toEqual([
      [service, failures, addresses],
    ]);
    const text = readFileSync(corpusPath("fail2ban-logs", name), "utf8");
    const expected = expectedFailures(text);
    // fail2ban's <HOST> gives "::ffff:198.51.100.215" as 198.51.100.215, as Bulwark does.
    expect(failuresByHost(obs)).toEqual(expected);
  });

  it("asterisk: chan_sip/PJSIP as SIP, chan_iax2 as IAX2, manager.c as the AMI", () => {
    const obs = load("asterisk");
    expect(obs.campaigns.map((c) => [c.service, c.failures, c.addressCount])).toEqual([
      ["sip", 39, 13],
      ["iax2", 3, 1],
      ["ami", 4, 3],
    ]);
    const expected = expectedFailures(defaultVariant("asterisk"));
    expect(failuresByHost(obs)).toEqual(expected);
    // Times as fail2ban reads them: "[2012-02-13 17:21:54]" in Zurich.
    expect(obs.campaigns[0]?.samples[0]).toMatchObject({ time: "2012-02-13T17:21:54+01:00" });
  });

  it("recidive (fail2ban's own log): every Ban line, the recidive jail's too, Unban none", () => {
    const obs = load("recidive");
    expect(obs.bans.map((b) => [b.jail, b.address, b.time ?? "?"])).toEqual([
      ["sendmail", "1.2.3.4", "2006-02-13T15:52:30+01:00"],
      ["sendmail", "1.2.3.4", "2006-02-13T15:52:30+01:00"],
      ["recidive", "1.2.3.4", "2006-02-13T15:52:30+01:00"],
      ["jail", "10.0.0.7", "2004-09-16T00:44:55+02:00"],
      ["sendmail", "1.2.3.4", "2006-02-13T15:52:30+01:00"],
      ["postfix-auth", "192.0.2.1", "2005-01-16T17:11:25+01:00"],
      ["postfix-auth", "192.0.2.2", "2005-03-05T08:41:28+01:00"],
    ]);
    expect(obs.campaigns).toEqual([]);
  });

  it("tells each sample log's kind by the shape of its lines", () => {
    const kinds = Object.fromEntries(
      [
        "sshd",
        "sshd-journal",
        "dropbear",
        "asterisk",
        "recidive",
        "nginx-http-auth",
        "lighttpd-auth",
        "apache-auth",
        "freeswitch",
      ].map((name) => [
        name,
        sniffKind(
          readFileSync(corpusPath("fail2ban-logs", name), "utf8").split("\n").slice(0, 200),
        ),
      ]),
    );
    expect(kinds).toEqual({
      sshd: "syslog",
      // journal lines have no timestamp: no shape in common, every detector runs
      "sshd-journal": "any",
      dropbear: "syslog",
      asterisk: "asterisk",
      recidive: "fail2ban",
      "nginx-http-auth": "web-error",
      "lighttpd-auth": "web-error",
      "apache-auth": "web-error",
      freeswitch: "any",
    });
  });

  it.each([
    ["sshd", "sshd"],
    ["sshd", "sshd-journal"],
    ["dropbear", "dropbear"],
    ["asterisk", "asterisk"],
    ["freeswitch", "freeswitch"],
    ["nginx-http-auth", "nginx-http-auth"],
    ["lighttpd-auth", "lighttpd-auth"],
    ["apache-auth", "apache-auth"],
    ["bans", "recidive"],
  ])("the %s gate skips no line of %s that its filter would use", (detector, log) => {
    const lines = readFileSync(corpusPath("fail2ban-logs", log), "utf8").split("\n");
    const gate = GATES[detector];
    if (!gate) throw new Error(`no gate for ${detector}`);
    const run = (gated: boolean) => {
      const f = compileDetector(detector, zurich);
      return lines.flatMap((text) =>
        gated && !gate(text)
          ? []
          : f.process({ text, source: log }).map((r) => [r.match?.host, r.match?.time]),
      );
    };
    const all = run(false);
    expect(all.length).toBeGreaterThan(0);
    expect(run(true)).toEqual(all);
  });

  it("sshd: the successful logins of the sample log, with their addresses", () => {
    const file = corpusPath("fail2ban-logs", "sshd");
    const obs = observed(logOnlyFacts(file, { files: [file], ...zurich }));
    expect(obs.logins.map((l) => [l.user, l.address])).toEqual([
      ["git", "192.0.2.1"],
      ["rda", "192.0.2.113"],
      ["known", "192.0.2.114"],
      ["known", "192.0.2.116"],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Excerpts and the catalogue

describe("log excerpts", () => {
  it("mask challenge/response material, digests and secret parameters, and stay short", () => {
    expect(
      logExcerpt(
        `[2026-03-05 10:10:00] SECURITY[1] res_security_log.c: SecurityEvent="ChallengeResponseFailed",Service="SIP",RemoteAddress="IPV4/UDP/198.51.100.99/5084",Challenge="${CHALLENGE}",Response="${DIGEST}",ExpectedResponse="0f0f"`,
      ),
    ).toBe(
      '[2026-03-05 10:10:00] SECURITY[1] res_security_log.c: SecurityEvent="ChallengeResponseFailed",Service="SIP",RemoteAddress="IPV4/UDP/198.51.100.99/5084",Challenge="<not shown>",Response="<not shown>",ExpectedResponse="<not shown>"',
    );
    expect(logExcerpt(`GET /cgi-bin/luci?username=root&psk=abc123&pwd=${QUERY_PASSWORD}&x=1`)).toBe(
      "GET /cgi-bin/luci?username=root&psk=<not shown>&pwd=<not shown>&x=1",
    );
    expect(logExcerpt("a\u0000b\u001bc")).toBe("a?b?c");
    const long = logExcerpt(`Failed password for ${"x".repeat(1000)} from 203.0.113.1`);
    expect(long).toHaveLength(400);
    expect(long.endsWith("…")).toBe(true);
  });
});

describe("guideline catalogue", () => {
  it("every item whose suggested modes include logs is now checked from logs", () => {
    const withLog = coverage().filter((c) =>
      GUIDELINE_ITEMS.find((i) => i.id === c.id)?.suggested.includes("log"),
    );
    expect(withLog.map((c) => c.id)).toEqual([
      "TEL-17",
      "RBT-07",
      "WAZ-01",
      "WAZ-02",
      "WAZ-03",
      "VPX-08",
    ]);
    for (const c of withLog) {
      expect(c.missingModes, c.id).not.toContain("log");
      expect(c.checks.filter((k) => k.mode === "log").map((k) => k.rule).length, c.id).toBe(1);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The command line

describe("bulwark audit --logs", () => {
  it("judges a log alone: exit 1, JSON with log evidence, and no secret printed", async () => {
    const root = pbxRoot();
    const logs = [
      join(root, "var/log/auth.log"),
      join(root, "var/log/asterisk/security"),
      join(root, "var/log/nginx/access.log"),
    ];
    const { code, stdout } = await runCli([
      "audit",
      "--logs",
      ...logs,
      "--timezone",
      "UTC",
      "--format",
      "json",
    ]);
    expect(code).toBe(1);
    const doc = JSON.parse(stdout);
    expect(doc.targets).toHaveLength(1);
    const t = doc.targets[0];
    expect(t.target).toBe(logs.join(", "));
    const brute = t.results.filter(
      (r: { rule: string; status: string }) => r.rule === "brute-force-unmitigated",
    );
    expect(brute.map((r: { subject: string; status: string }) => [r.subject, r.status])).toEqual([
      ["SSH brute force", "fail"],
      ["SIP brute force", "fail"],
      ["IAX2 brute force", "pass"],
      ["Asterisk Manager (AMI) brute force", "pass"],
      ["web UI brute force", "pass"],
    ]);
    expect(brute[0].evidence[0]).toMatchObject({
      kind: "log",
      file: logs[0],
      line: 4,
      time: "2026-03-05T10:00:00+00:00",
    });
    for (const secret of [DIGEST, CHALLENGE, QUERY_PASSWORD]) expect(stdout).not.toContain(secret);
    const text = await runCli(["audit", "--logs", ...logs, "--timezone", "UTC", "--verbose"]);
    for (const secret of [DIGEST, CHALLENGE, QUERY_PASSWORD])
      expect(text.stdout).not.toContain(secret);
  });

  it("adds the logs to a configuration's target, measured against its jails", async () => {
    const root = pbxRoot();
    const conf = join(root, "etc");
    const { code, stdout } = await runCli([
      "audit",
      conf,
      "--logs",
      join(root, "var/log/auth.log"),
      "--timezone",
      "UTC",
      "--format",
      "json",
    ]);
    expect(code).toBe(1);
    const t = JSON.parse(stdout).targets[0];
    const ssh = t.results.find(
      (r: { rule: string; subject?: string }) =>
        r.rule === "brute-force-unmitigated" && r.subject === "SSH brute force",
    );
    expect(ssh.message).toContain("(jail 'sshd')");
    expect(t.sources.map((s: { format: string }) => s.format)).toContain("log (auth)");
  });

  it("reads a root's var/log without being asked", async () => {
    const root = pbxRoot();
    const { stdout } = await runCli(["audit", root, "--timezone", "UTC", "--format", "json"]);
    const t = JSON.parse(stdout).targets[0];
    expect(
      t.results.filter((r: { rule: string }) => r.rule === "brute-force-unmitigated").length,
    ).toBe(5);
  });

  it("exits 0 on a quiet log, and a configuration audit without logs is not asked about them (never a pass)", async () => {
    const dir = tempDir("bulwark-quiet-");
    const file = join(dir, "auth.log");
    writeFileSync(
      file,
      "Mar  5 08:00:00 pbx sshd[1200]: Accepted publickey for admin from 192.168.10.5 port 50514 ssh2: ED25519 SHA256:x\n",
    );
    const quiet = await runCli(["audit", "--logs", file, "--timezone", "UTC"]);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toContain("PASS    high     brute-force-unmitigated");

    mkdirSync(join(dir, "etc/ssh"), { recursive: true });
    writeFileSync(join(dir, "etc/ssh/sshd_config"), "PasswordAuthentication no\n");
    const conf = await runCli(["audit", join(dir, "etc"), "--format", "json", "--fail-on", "none"]);
    const results = JSON.parse(conf.stdout).targets[0].results as {
      rule: string;
      status: string;
      message: string;
    }[];
    const brute = results.find((r) => r.rule === "brute-force-unmitigated");
    expect(brute?.status).toBe("not_applicable");
    expect(brute?.message).toContain("none was read");
  });

  it("exits 2 for a log that cannot be read, no input at all, logs for several paths, an unknown zone", async () => {
    const missing = await runCli(["audit", "--logs", "/nonexistent/auth.log"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("/nonexistent/auth.log");

    const nothing = await runCli(["audit"]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain("needs a PATH, or --logs");

    const root = pbxRoot();
    const two = await runCli(["audit", root, root, "--logs", join(root, "var/log/auth.log")]);
    expect(two.code).toBe(2);

    const zone = await runCli([
      "audit",
      "--logs",
      join(root, "var/log/auth.log"),
      "--timezone",
      "Mars/Olympus_Mons",
    ]);
    expect(zone.code).toBe(2);
    expect(zone.stderr).toContain("--timezone");
  });

  it("reads a gzip-compressed rotation given with --logs", async () => {
    const { gzipSync } = await import("node:zlib");
    const dir = tempDir("bulwark-gz-");
    const file = join(dir, "auth.log.2.gz");
    writeFileSync(file, gzipSync(authLog()));
    const obs = observed(logOnlyFacts(file, { files: [file], ...read }));
    expect(obs.sources[0]).toMatchObject({ kind: "auth", lines: 30 });
    expect(obs.campaigns[0]?.failures).toBe(25);
  });
});
