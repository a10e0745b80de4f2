/**
 * Email alerts received by a real local SMTP server: Debian's python3-aiosmtpd, on 127.0.0.1.
 * - the stock server (`python3 -m aiosmtpd -n -l 127.0.0.1:PORT`, its Debugging handler printing
 *   each message), plain SMTP;
 * - scripts/smtp-sink.py (aiosmtpd's Controller) with STARTTLS required and AUTH whose login the
 *   channel reads from environment variables; then with implicit TLS (SMTPS); a throw-away
 *   certificate from openssl, trusted as the CA;
 * - a flood of bans through the dispatcher: a handful of mails and one summary, not forty.
 * Skipped, with the reason printed, when aiosmtpd is not installed and cannot be
 * (scripts/install-test-peers.sh installs it as root).
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Alert,
  AlertDispatcher,
  alertForBan,
  EmailChannel,
} from "../src/watch/alerts/index.js";
import type { JailBan } from "../src/watch/jails/index.js";

const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

function hasAiosmtpd(): boolean {
  return spawnSync(PYTHON, ["-c", "import aiosmtpd"], { stdio: "ignore" }).status === 0;
}

function skipReason(): string | undefined {
  if (!hasAiosmtpd() && process.getuid?.() === 0 && !process.env.BULWARK_NO_INSTALL) {
    spawnSync("bash", ["scripts/install-test-peers.sh"], { stdio: "ignore", timeout: 300_000 });
  }
  if (!hasAiosmtpd())
    return "python3-aiosmtpd not installed (scripts/install-test-peers.sh, as root)";
  if (spawnSync("openssl", ["version"], { stdio: "ignore" }).status !== 0) return "openssl missing";
  return undefined;
}

const reason = skipReason();
if (reason) process.stderr.write(`\n[bulwark] SKIPPED SMTP alert tests: ${reason}\n`);

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const port = (s.address() as { port: number }).port;
  s.close();
  await once(s, "close");
  return port;
}

/** Collect a child's stdout; resolve `waitFor` when the text so far matches. */
function collect(child: ChildProcess) {
  let out = "";
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (d: string) => {
    out += d;
    for (const w of [...waiters]) {
      const m = out.match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  return {
    text: () => out,
    waitFor(re: RegExp, ms = 10_000): Promise<RegExpMatchArray> {
      const m = out.match(re);
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`timed out waiting for ${re} in: ${out.slice(-500)}`)),
          ms,
        );
        waiters.push({
          re,
          resolve: (mm) => {
            clearTimeout(t);
            resolve(mm);
          },
        });
      });
    },
  };
}

function ban(address: string, i = 0): JailBan {
  const time = Date.UTC(2026, 0, 1) + i * 1000;
  return {
    jail: "sshd",
    key: address,
    address,
    kind: "ipv4",
    time,
    until: time + 600_000,
    bantime: 600,
    count: 1,
    banCount: 0,
    failures: 5,
    restored: false,
    users: ["root"],
  };
}

const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), "bulwark-smtp-"));
const cert = join(dir, "cert.pem");
const key = join(dir, "key.pem");

afterAll(() => {
  for (const c of children) c.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

interface Received {
  mail_from: string;
  rcpt_tos: string[];
  data: string;
  tls: boolean;
  auth_user: string | null;
}

async function startSink(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(PYTHON, ["scripts/smtp-sink.py", ...args], {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  children.push(child);
  const out = collect(child);
  const port = Number((await out.waitFor(/READY (\d+)/))[1]);
  const messages = async (n: number): Promise<Received[]> => {
    await out.waitFor(new RegExp(`(?:\\n\\{.*){${n}}`, "s"));
    return out
      .text()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Received);
  };
  return { child, port, messages };
}

describe.skipIf(reason !== undefined)("email alerts to a real SMTP server (aiosmtpd)", () => {
  beforeAll(() => {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "2",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
  });

  it("plain SMTP to the stock `python3 -m aiosmtpd` server", async () => {
    const port = await freePort();
    const child = spawn(PYTHON, ["-u", "-m", "aiosmtpd", "-n", "-l", `127.0.0.1:${port}`], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    const out = collect(child);
    // wait until it accepts connections
    for (let i = 0; i < 50; i++) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = connect(port, "127.0.0.1");
        s.on("connect", () => {
          s.destroy();
          resolve(true);
        });
        s.on("error", () => resolve(false));
      });
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const ch = new EmailChannel({
      host: "127.0.0.1",
      port,
      from: "bulwark@example.org",
      to: "admin@example.org",
      env: {},
    });
    await ch.send(alertForBan(ban("203.0.113.5")));
    await ch.close();
    await out.waitFor(/END MESSAGE/);
    expect(out.text()).toMatch(/Subject: \[bulwark\] Banned 203\.0\.113\.5 in sshd for 10 min/);
    expect(out.text()).toMatch(/X-Bulwark-Alert: ban/);
    expect(out.text()).toMatch(/admin@example\.org/);
    child.kill("SIGTERM");
  });

  it("STARTTLS required, with AUTH from environment variables", async () => {
    const login = { SINK_USER: "alerts", SINK_PASS: "pw-Zq81x" };
    const sink = await startSink(
      [
        "--tls-cert",
        cert,
        "--tls-key",
        key,
        "--require-starttls",
        "--auth-user-env",
        "SINK_USER",
        "--auth-password-env",
        "SINK_PASS",
      ],
      login,
    );
    const channel = (password: string) =>
      new EmailChannel({
        host: "localhost",
        port: sink.port,
        requireTLS: true,
        from: "bulwark@example.org",
        to: ["admin@example.org", "noc@example.org"],
        tls: { ca: cert },
        env: { BULWARK_SMTP_USER: "alerts", BULWARK_SMTP_PASSWORD: password },
      });
    const good = channel(login.SINK_PASS);
    await good.send(alertForBan(ban("203.0.113.6")));
    await good.close();
    const [m] = await sink.messages(1);
    expect(m).toMatchObject({
      mail_from: "bulwark@example.org",
      rcpt_tos: ["admin@example.org", "noc@example.org"],
      tls: true,
      auth_user: "alerts",
    });
    expect(m?.data).toMatch(/Subject: \[bulwark\] Banned 203\.0\.113\.6 in sshd/);

    const bad = channel("wrong-pw-Q9");
    const err = await bad.send(alertForBan(ban("203.0.113.7"))).catch((e: Error) => e);
    await bad.close();
    expect(String(err)).toMatch(/auth|535|Invalid login/i);
    expect(String(err)).not.toMatch(/wrong-pw-Q9/);
    expect(JSON.stringify(err)).not.toMatch(/wrong-pw-Q9/);

    // requireTLS against a server that offers no STARTTLS: refused, nothing sent in clear
    const plain = await startSink([]);
    const strict = new EmailChannel({
      host: "127.0.0.1",
      port: plain.port,
      requireTLS: true,
      from: "bulwark@example.org",
      to: "admin@example.org",
      env: {},
    });
    await expect(strict.send(alertForBan(ban("203.0.113.8")))).rejects.toThrow(/STARTTLS|TLS/i);
    await strict.close();
  });

  it("implicit TLS (SMTPS)", async () => {
    const sink = await startSink(["--tls-cert", cert, "--tls-key", key, "--implicit-tls"]);
    const ch = new EmailChannel({
      host: "127.0.0.1",
      port: sink.port,
      secure: true,
      from: "bulwark@example.org",
      to: "admin@example.org",
      tls: { ca: cert, servername: "localhost" },
      env: {},
    });
    await ch.send(alertForBan(ban("203.0.113.9")));
    await ch.close();
    const [m] = await sink.messages(1);
    expect(m?.tls).toBe(true);
    expect(m?.data).toMatch(/Banned 203\.0\.113\.9/);
  });

  it("a flood of 40 bans is 5 mails and one summary", async () => {
    const sink = await startSink([]);
    let now = Date.UTC(2026, 0, 1);
    const ch = new EmailChannel({
      host: "127.0.0.1",
      port: sink.port,
      from: "bulwark@example.org",
      to: "admin@example.org",
      env: {},
    });
    const errors: string[] = [];
    const d = new AlertDispatcher({
      channels: [{ channel: ch, policy: { burst: 5, perHour: 6 } }],
      clock: { now: () => now },
      onError: (_c, _a: Alert, e) => errors.push(e.message),
    });
    for (let i = 0; i < 40; i++) {
      d.notify(alertForBan(ban(`198.51.100.${i % 12}`, i)));
      now += 15_000;
    }
    await d.flush();
    expect(d.tick()).toBe(0); // not yet 10 minutes since the first one held back
    await d.close(); // sends what is held back as a summary
    const all = await sink.messages(6);
    expect(errors).toEqual([]);
    expect(all).toHaveLength(6);
    const subjects = all.map((m) => m.data.match(/^Subject: (.*)$/m)?.[1]);
    expect(subjects.slice(0, 5).every((s) => s?.startsWith("[bulwark] Banned"))).toBe(true);
    expect(subjects[5]).toBe("[bulwark] 35 more bans from 12 addresses in the last 9 minutes");
  });
});
