/**
 * `audit PATH --host ADDRESS`: a router configuration next to a "live router" made of real
 * listeners on a loopback address of its own (127.77.0.1), so the cross-check sees, for real:
 * a service the config switches off that answers, one no config explains, one the config runs
 * that is silent, and one that agrees.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareWithScan } from "../src/crosscheck/compare.js";
import { portsFor } from "../src/crosscheck/live.js";
import { extractFacts } from "../src/extract/index.js";
import type { Facts, ServiceDrift } from "../src/facts/model.js";
import { scanTargets } from "../src/scan/index.js";
import { openInput } from "../src/sources/open-input.js";
import { runCli } from "./support/cli.js";

const HOST = "127.77.0.1";

const CONFIG: Record<string, string> = {
  system: "config system 'system'\n\toption hostname 'lab-router'\n",
  network:
    "config interface 'lan'\n\toption proto 'static'\n\toption ipaddr '192.168.1.1'\n\toption netmask '255.255.255.0'\n",
  // SSH on 2222, on: it answers (agreement).
  dropbear:
    "config dropbear\n\toption Port '2222'\n\toption enable '1'\n\toption PasswordAuth 'off'\n",
  // Telnet on 2323, switched off: yet it answers.
  telnetd: "config telnetd\n\toption port '2323'\n\toption enable '0'\n",
  // The web UI on 2480, on: but nothing listens there.
  uhttpd:
    "config uhttpd 'main'\n\toption listen_http '2480'\n\toption enable_http '1'\n\toption enable_https '0'\n",
};

let dir: string;
const servers: net.Server[] = [];

function listen(port: number, onConnect: (s: net.Socket) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((s) => {
      s.on("error", () => {});
      onConnect(s);
    });
    server.once("error", reject);
    server.listen(port, HOST, () => resolve());
    servers.push(server);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bulwark-crosscheck-"));
  mkdirSync(join(dir, "etc/config"), { recursive: true });
  writeFileSync(join(dir, "etc/passwd"), "root:x:0:0:root:/root:/bin/ash\n");
  for (const [name, text] of Object.entries(CONFIG))
    writeFileSync(join(dir, "etc/config", name), text);
  // An SSH server's identification, then silence (enough for the TCP stage to see SSH).
  await listen(2222, (s) => s.write("SSH-2.0-dropbear_2022.83\r\n"));
  // A telnet daemon's first bytes: IAC DO TERMINAL-TYPE.
  await listen(2323, (s) => s.end(Buffer.from([0xff, 0xfd, 0x18])));
  // Something on a Web CLI port that no configuration mentions.
  await listen(4210, (s) => s.end());
});

afterAll(() => {
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function configFacts(): Promise<Facts> {
  return extractFacts(await openInput(dir));
}

describe("compareWithScan against real listeners", () => {
  let drift: ServiceDrift[];
  let agreed: number;

  beforeAll(async () => {
    const config = await configFacts();
    const ports = portsFor(config, "router");
    const [scan] = await scanTargets([HOST], { class: "router", ports, timeoutMs: 800 });
    if (!scan) throw new Error("no scan result");
    const cmp = compareWithScan(config, {
      address: HOST,
      vantage: "local",
      facts: scan.facts,
      probed: scan.tcp.map((t) => ({
        port: t.port,
        transport: "tcp",
        state: t.state,
        time: t.time,
      })),
    });
    drift = cmp.drift;
    agreed = cmp.agreed;
  }, 30_000);

  it("probes the configuration's own ports besides the class's", async () => {
    const ports = portsFor(await configFacts(), "router").map((p) => `${p.port}/${p.transport}`);
    expect(ports).toEqual(expect.arrayContaining(["2222/tcp", "2323/tcp", "2480/tcp", "22/tcp"]));
  });

  it("flags telnet answering though the configuration switches it off, citing both sides", () => {
    const d = drift.find((x) => x.port === 2323);
    expect(d?.kind).toBe("answers-but-disabled");
    expect(d?.admin).toBe(true);
    expect(
      d?.config.some((o) => o.kind === "config" && o.file.endsWith("etc/config/telnetd")),
    ).toBe(true);
    expect(d?.probe.some((o) => o.kind === "probe" && o.port === 2323)).toBe(true);
  });

  it("flags a port no configuration explains", () => {
    const d = drift.find((x) => x.port === 4210);
    expect(d?.kind).toBe("answers-unexplained");
    expect(d?.config).toEqual([]);
  });

  it("flags a configured web UI that does not answer, and agrees on SSH", () => {
    const d = drift.find((x) => x.port === 2480);
    expect(d?.kind).toBe("configured-but-silent");
    expect(d?.probe[0]?.kind === "probe" && d.probe[0].excerpt).toBe("closed");
    expect(drift.find((x) => x.port === 2222)).toBeUndefined();
    expect(agreed).toBeGreaterThanOrEqual(1);
  });
});

describe("bulwark audit PATH --host", () => {
  it("reports the drift as live-matches-config failures and adds the live device's own report", async () => {
    const r = await runCli(["audit", dir, "--host", HOST, "--timeout", "800", "--format", "json"]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      targets: { target: string; results: { rule: string; status: string; subject?: string }[] }[];
    };
    expect(doc.targets.map((t) => t.target)).toEqual([dir, `${HOST} (live)`]);
    const live = doc.targets[0]?.results.filter((x) => x.rule === "live-matches-config") ?? [];
    expect(live.filter((x) => x.status === "fail").map((x) => x.subject)).toEqual(
      expect.arrayContaining(["2323/tcp", "4210/tcp", "2480/tcp"]),
    );
    // The scan's own rules judged the live telnet.
    const scanned = doc.targets[1]?.results.find((x) => x.rule === "telnet-disabled");
    expect(scanned?.status).toBe("fail");
  }, 30_000);

  it("refuses --host with more than one PATH (exit 2)", async () => {
    const r = await runCli(["audit", dir, dir, "--host", HOST]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exactly one PATH/);
  });

  it("without --host the rule is not applicable, never a pass", async () => {
    const r = await runCli(["audit", dir, "--format", "json"]);
    const doc = JSON.parse(r.stdout) as {
      targets: { results: { rule: string; status: string }[] }[];
    };
    const res = doc.targets[0]?.results.find((x) => x.rule === "live-matches-config");
    expect(res?.status).toBe("not_applicable");
  });
});
