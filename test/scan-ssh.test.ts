/**
 * The SSH probe and `bulwark scan` against a real OpenSSH started here on 127.0.0.1 (a random
 * high port, a throw-away host key), once with password logins on and once off: the facts must
 * say so, and the ssh-password-auth rule (TEL-12) must fail and pass accordingly.
 * Needs /usr/sbin/sshd and root (sshd's privilege separation); otherwise skipped with the reason.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settingsFrom } from "../src/engine/profile.js";
import { runRules } from "../src/engine/run.js";
import { ALL_RULES } from "../src/rules/index.js";
import { scanTargets } from "../src/scan/index.js";
import { sshProbe } from "../src/scan/probes/ssh.js";
import { runCli } from "./support/cli.js";
import { closedPort, LOOPBACK } from "./support/fake-server.js";

const SSHD = "/usr/sbin/sshd";
const HOST = LOOPBACK;

function skipReason(): string | undefined {
  if (process.platform !== "linux") return "not Linux";
  if (!existsSync(SSHD)) return `${SSHD} missing (apt-get install openssh-server)`;
  if (process.getuid?.() !== 0) return "not root (sshd needs it for privilege separation)";
  try {
    execFileSync("ssh-keygen", ["-?"], { stdio: "ignore" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "ssh-keygen missing";
  }
  return undefined;
}

const skip = skipReason();
if (skip) process.stderr.write(`\n[bulwark] SKIPPED scan against a real sshd: ${skip}\n`);

interface Sshd {
  port: number;
  proc: ChildProcess;
}

const dir = skip ? "" : mkdtempSync(join(tmpdir(), "bulwark-sshd-"));
const daemons: Sshd[] = [];

async function startSshd(name: string, password: boolean): Promise<Sshd> {
  const port = await closedPort();
  const key = join(dir, `${name}_ed25519`);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key], { stdio: "ignore" });
  const cfg = join(dir, `${name}.conf`);
  writeFileSync(
    cfg,
    [
      `ListenAddress ${HOST}:${port}`,
      `HostKey ${key}`,
      `PidFile ${join(dir, `${name}.pid`)}`,
      `PasswordAuthentication ${password ? "yes" : "no"}`,
      "KbdInteractiveAuthentication no",
      "PubkeyAuthentication yes",
      "UsePAM no",
      "PermitRootLogin no",
      "LogLevel VERBOSE",
      "",
    ].join("\n"),
  );
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const proc = spawn(SSHD, ["-D", "-e", "-f", cfg], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  proc.stderr?.on("data", (d) => {
    log += d.toString();
  });
  const d = { port, proc };
  daemons.push(d);
  // Wait (bounded) for it to listen.
  for (let i = 0; i < 50; i++) {
    if (/Server listening/.test(log)) return d;
    if (proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd ${name} did not start: ${log}`);
}

describe.skipIf(skip !== undefined)("scan against a real OpenSSH on loopback", () => {
  let on: Sshd;
  let off: Sshd;

  beforeAll(async () => {
    [on, off] = await Promise.all([startSshd("on", true), startSshd("off", false)]);
  });

  afterAll(() => {
    for (const d of daemons) d.proc.kill("SIGTERM");
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("reads the version, the algorithms and the methods offered, never sending a password", async () => {
    const r = await sshProbe(HOST, on.port, { timeoutMs: 5000 });
    expect(r.state).toBe("ssh");
    expect(r.ident).toMatch(/^SSH-2\.0-OpenSSH_/);
    expect(r.software?.name).toBe("OpenSSH");
    expect(r.software?.version).toMatch(/^\d+\.\d+/);
    expect(r.algorithms?.kex.length).toBeGreaterThan(0);
    expect(r.algorithms?.hostKey).toEqual(["ssh-ed25519"]);
    expect(r.algorithms?.cipher).toContain("aes256-ctr");
    expect(r.authMethods).toEqual(expect.arrayContaining(["publickey", "password"]));
    expect(r.passwordAuth).toBe(true);
    expect(r.noneAccepted).toBeUndefined();
    const r2 = await sshProbe(HOST, off.port, { timeoutMs: 5000 });
    expect(r2.authMethods).toEqual(["publickey"]);
    expect(r2.passwordAuth).toBe(false);
  });

  it("feeds services[].auth.password so ssh-password-auth fails, then passes", async () => {
    const scans = await scanTargets([HOST], {
      class: "router",
      ports: [
        { port: on.port, transport: "tcp" },
        { port: off.port, transport: "tcp" },
      ],
      timeoutMs: 3000,
    });
    const facts = scans[0]?.facts;
    if (!facts) throw new Error("no scan");
    const ssh = facts.services.filter((s) => s.kind === "ssh");
    expect(ssh.map((s) => s.auth.password)).toMatchObject([
      { known: true, value: true },
      { known: true, value: false },
    ]);
    expect(ssh[0]?.auth.password?.at[0]).toMatchObject({
      kind: "probe",
      probe: "ssh-auth-none",
      address: HOST,
      port: on.port,
    });
    const report = runRules(facts, ALL_RULES, settingsFrom({}));
    const results = report.results.filter((x) => x.rule === "ssh-password-auth");
    expect(results.map((x) => x.status)).toEqual(["fail", "pass"]);
    expect(results[0]?.subject).toContain(String(on.port));
  });

  it("bulwark scan exits 1 with password logins on, and 0 for this rule with them off", async () => {
    const a = await runCli([
      "scan",
      HOST,
      "--class",
      "router",
      "--ports",
      String(on.port),
      "--format",
      "json",
    ]);
    expect(a.code).toBe(1);
    const ra = JSON.parse(a.stdout).targets[0].results.find(
      (x: { rule: string }) => x.rule === "ssh-password-auth",
    );
    expect(ra.status).toBe("fail");
    const b = await runCli([
      "scan",
      HOST,
      "--class",
      "router",
      "--ports",
      String(off.port),
      "--format",
      "json",
    ]);
    const rb = JSON.parse(b.stdout).targets[0].results.find(
      (x: { rule: string }) => x.rule === "ssh-password-auth",
    );
    expect(rb.status).toBe("pass");
    const t = await runCli(["scan", HOST, "--class", "router", "--ports", String(on.port)]);
    expect(t.stdout).toMatch(/passwords ACCEPTED/);
  });
});
