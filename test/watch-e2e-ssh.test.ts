/**
 * The watcher against a real OpenSSH server, banning for real with nftables.
 *
 * The test creates a network namespace (a unique name, always deleted) joined to this host by a
 * veth pair on a /30 of 198.18.0.0/15 (the benchmarking range: no real network uses it); it runs
 * Debian's sshd inside the namespace with its own configuration and throw-away host key, logging
 * to a file (`sshd -D -e -E LOG`); the watcher follows that file with fail2ban's sshd filter and
 * bans through `nft` run inside the namespace. From the host side, failed password logins (an
 * unknown user, then root) are made with the ssh2 client: the host side's address must land in the
 * jail's nftables set, a new TCP connection to sshd must be dropped while banned, and the element
 * must be gone (and connections pass again) once the 3 s bantime is over.
 *
 * Root only, with ip, nft and sshd (scripts/install-test-peers.sh installs them); otherwise
 * skipped, with the reason printed.
 */
import { execFileSync, type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseWatchConfig } from "../src/watch/config.js";
import type { JailBan } from "../src/watch/jails/index.js";
import { startWatcher, type WatchEvent } from "../src/watch/watcher.js";
import { netnsSkipReason } from "./support/netns.js";
import { have } from "./support/peers.js";

const SSHD = "/usr/sbin/sshd";

/** fail2ban's own sshd filter: Debian's package, else the copy in the shared corpus. */
function sshdFilter(): string | undefined {
  const corpus = join(import.meta.dirname, "..", "..", "shared", "corpus", "fail2ban-config");
  return ["/etc/fail2ban/filter.d/sshd.conf", join(corpus, "filter.d", "sshd.conf")].find((p) =>
    existsSync(p),
  );
}

const skip = netnsSkipReason(
  () => [
    ...["ip", "nft", "ssh-keygen"].filter((c) => !have(c)),
    ...(existsSync(SSHD) ? [] : [SSHD]),
    ...(sshdFilter() ? [] : ["fail2ban's filter.d/sshd.conf"]),
  ],
  "network namespaces, nft and sshd",
);
if (skip) process.stderr.write(`\n[bulwark] SKIPPED watch e2e with a real sshd: ${skip}\n`);

const tag = `${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`.slice(
  -7,
);
const NS = `bwssh-${tag}`;
const HOST_IF = `bwh${tag}`;
const NS_IF = `bwn${tag}`;
const PORT = 2222;
const TABLE = `bwe2e_${tag}`;

/** A /30 of 198.18.0.0/16 that no interface of this host uses yet. */
function pickSubnet(): { host: string; peer: string } {
  const used = spawnSync("ip", ["-o", "addr"], { encoding: "utf8" }).stdout ?? "";
  for (let i = 0; i < 64; i++) {
    const x = 1 + Math.floor(Math.random() * 254);
    const y = 4 * Math.floor(Math.random() * 63);
    if (used.includes(`198.18.${x}.`)) continue;
    return { host: `198.18.${x}.${y + 1}`, peer: `198.18.${x}.${y + 2}` };
  }
  throw new Error("no free 198.18.x.0/30");
}

const { host: HOST_ADDR, peer: NS_ADDR } = skip ? { host: "", peer: "" } : pickSubnet();

let dir = "";
let sshd: ReturnType<typeof spawn> | undefined;
let madeRunSshd = false;
const LOG = () => join(dir, "sshd.log");

function run(cmd: string, ...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: "utf8", timeout: 10_000 });
}

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: "pipe", timeout: 10_000 });
}

/** Elements of the jail's IPv4 set, as the kernel has them. */
function setElements(): string[] {
  const r = run("ip", "netns", "exec", NS, "nft", "list", "set", "inet", TABLE, "j_sshd_v4");
  if (r.status !== 0) return [];
  const m = /elements = \{([^}]*)\}/s.exec(r.stdout);
  return (m?.[1] ?? "")
    .split(",")
    .map((e) => e.trim().split(/\s+/)[0] ?? "")
    .filter((e) => e !== "");
}

/** Open a TCP connection to sshd: "open", "timeout" (dropped) or an error code. */
function tcpProbe(timeoutMs = 1000): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: NS_ADDR, port: PORT });
    const done = (v: string) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(timeoutMs, () => done("timeout"));
    s.on("connect", () => done("open"));
    s.on("error", (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

/** One password login with a wrong password; resolves with how it ended. */
function failedLogin(username: string): Promise<string> {
  return new Promise((resolve) => {
    const c = new ssh2.Client();
    const t = setTimeout(() => {
      c.end();
      resolve("timeout");
    }, 8000);
    const end = (v: string) => {
      clearTimeout(t);
      c.end();
      resolve(v);
    };
    c.on("ready", () => end("logged in"));
    c.on("error", (e) => end(e.message));
    c.connect({
      host: NS_ADDR,
      port: PORT,
      username,
      password: `wrong-${Math.random().toString(36).slice(2)}`,
      tryKeyboard: false,
      readyTimeout: 6000,
    });
  });
}

async function until(cond: () => boolean, ms: number, step = 50): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, step));
  }
  return cond();
}

describe.skipIf(skip !== undefined)("watch e2e: real sshd in a network namespace, nftables", () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "bulwark-e2e-ssh-"));
    ip("netns", "add", NS);
    ip("link", "add", HOST_IF, "type", "veth", "peer", "name", NS_IF, "netns", NS);
    ip("addr", "add", `${HOST_ADDR}/30`, "dev", HOST_IF);
    ip("link", "set", HOST_IF, "up");
    ip("-n", NS, "addr", "add", `${NS_ADDR}/30`, "dev", NS_IF);
    ip("-n", NS, "link", "set", NS_IF, "up");
    ip("-n", NS, "link", "set", "lo", "up");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "host_key")], {
      stdio: "pipe",
    });
    const config = join(dir, "sshd_config");
    writeFileSync(
      config,
      [
        `Port ${PORT}`,
        `ListenAddress ${NS_ADDR}`,
        `HostKey ${join(dir, "host_key")}`,
        "PasswordAuthentication yes",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "PidFile none",
        "LogLevel INFO",
        "",
      ].join("\n"),
    );
    // OpenSSH's privilege separation directory (the package's service would create it)
    if (!existsSync("/run/sshd")) {
      mkdirSync("/run/sshd", { mode: 0o755 });
      madeRunSshd = true;
    }
    const check = run(SSHD, "-t", "-f", config);
    if (check.status !== 0) throw new Error(`sshd -t: ${check.stderr.trim()}`);
    sshd = spawn("ip", ["netns", "exec", NS, SSHD, "-D", "-e", "-f", config, "-E", LOG()], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    const ready = await until(
      () => existsSync(LOG()) && readFileSync(LOG(), "utf8").includes("Server listening"),
      10_000,
    );
    if (!ready) {
      const log = existsSync(LOG()) ? readFileSync(LOG(), "utf8") : "(no log)";
      throw new Error(`sshd did not start: ${log}`);
    }
  }, 60_000);

  afterAll(async () => {
    if (sshd && sshd.exitCode === null) {
      sshd.kill("SIGTERM");
      await until(() => sshd?.exitCode !== null, 2000);
      if (sshd.exitCode === null) sshd.kill("SIGKILL");
    }
    // anything still running in the namespace (sshd's session processes)
    const pids = run("ip", "netns", "pids", NS).stdout?.split(/\s+/).filter(Boolean) ?? [];
    for (const pid of pids) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        // gone already
      }
    }
    run("ip", "link", "del", HOST_IF); // both ends of the pair
    run("ip", "netns", "del", NS);
    if (madeRunSshd) rmSync("/run/sshd", { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
    expect(run("ip", "netns", "list").stdout).not.toContain(NS);
    // the kernel lets go of a namespace's devices asynchronously
    expect(await until(() => run("ip", "link", "show", HOST_IF).status !== 0, 5000)).toBe(true);
  }, 30_000);

  it("bans the attacker after 3 failed logins, drops its connections, and lifts the ban after bantime", async () => {
    const config = parseWatchConfig(
      [
        "action:",
        "  type: nftables",
        `  command: [ip, netns, exec, ${NS}, nft]`,
        `  table: ${TABLE}`,
        "jails:",
        "  sshd:",
        `    filter: ${sshdFilter()}`,
        "    logpath:",
        `      - { path: ${LOG()}, ident: sshd }`,
        "    maxretry: 3",
        "    findtime: 1m",
        "    bantime: 3",
        "    ignoreself: false",
        `    port: ${PORT}`,
        "",
      ].join("\n"),
      join(dir, "watch.yaml"),
    );
    const events: { at: number; e: WatchEvent }[] = [];
    const watcher = await startWatcher(config, {
      env: {},
      pollIntervalMs: 200,
      engine: { tickMs: 100, selfAddresses: [] },
      onEvent: (e) => events.push({ at: Date.now(), e }),
    });
    const ban = () => events.find((x) => x.e.type === "ban") as { at: number; e: { ban: JailBan } };
    const unban = () => events.find((x) => x.e.type === "unban");
    try {
      expect(await tcpProbe()).toBe("open");

      // Failed logins from the host side: an unknown user (sshd logs "Invalid user" and
      // "Failed password for invalid user": 2 failures), then root (1 more: the third).
      const users = [`nosuchuser${tag}`, "root", "root", "root"];
      const results: string[] = [];
      let lastLoginAt = 0;
      for (const u of users) {
        results.push(await failedLogin(u));
        lastLoginAt = Date.now();
        if (await until(() => ban() !== undefined, 2000)) break;
      }
      expect(results.every((r) => /authentication methods failed/i.test(r))).toBe(true);
      const b = ban();
      expect(b, `no ban; events: ${JSON.stringify(events.map((x) => x.e.type))}`).toBeDefined();
      expect(b.e.ban).toMatchObject({ jail: "sshd", address: HOST_ADDR, failures: 3, bantime: 3 });
      expect(results).toHaveLength(2);

      // The address is in the set (the action runs asynchronously: wait for it).
      const inSet = await until(() => setElements().includes(HOST_ADDR), 3000, 25);
      const inSetAt = Date.now();
      expect(inSet).toBe(true);
      const listing = run(
        "ip",
        "netns",
        "exec",
        NS,
        "nft",
        "list",
        "set",
        "inet",
        TABLE,
        "j_sshd_v4",
      );
      expect(listing.stdout).toMatch(new RegExp(`${HOST_ADDR.replace(/\./g, "\\.")} timeout 3s`));

      // While banned, a new connection to sshd gets no answer.
      expect(await tcpProbe(1000)).toBe("timeout");

      // After bantime: unbanned by the watcher (and by the kernel's timeout), connections pass.
      const gone = await until(() => !setElements().includes(HOST_ADDR), 8000, 50);
      const goneAt = Date.now();
      expect(gone).toBe(true);
      expect(await until(() => unban() !== undefined, 3000)).toBe(true);
      const bannedFor = goneAt - b.at;
      expect(bannedFor).toBeGreaterThanOrEqual(2500);
      expect(bannedFor).toBeLessThan(6000);
      expect(await tcpProbe()).toBe("open");

      const stats = watcher.stats();
      const jail = stats.jails.find((j) => j.jail === "sshd");
      expect(jail).toMatchObject({ bans: 1, banned: 0, errors: 0 });
      expect(stats.actionErrors).toBe(0);
      expect(stats.inputs).toEqual([
        { kind: "file", source: LOG(), jails: ["sshd"], lines: expect.any(Number) },
      ]);
      process.stdout.write(
        `\n[bulwark] e2e sshd: ${results.length} failed logins (${users.slice(0, results.length).join(", ")}) → ban of ${HOST_ADDR} (${b.at - lastLoginAt} ms from the end of the last login); in the nftables set ${inSetAt - b.at} ms after the ban; connections dropped while banned; out of the set ${bannedFor} ms after the ban (bantime 3 s)\n`,
      );
    } finally {
      await watcher.stop();
    }
  }, 60_000);
});
