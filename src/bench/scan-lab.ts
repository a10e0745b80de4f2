/**
 * Benchmark, side by side in one run: `bulwark scan` of the whole lab (scripts/lab.sh: every
 * address of its namespace) against what a person would run for the same answers: `nmap -sT` on
 * the same TCP ports, `ssh-audit` on the lab's SSH servers and `svmap` on the same addresses (SIP
 * over UDP 5060). Each is a fresh process, start-up included, timed wall-clock over a few
 * interleaved runs; prints best and median, the peers one after another and all three at once,
 * and the ratio. Bulwark does more on the way (TLS versions and suites, SIP REGISTER/INVITE,
 * HTTP, telnet and MQTT probes), and still has to be at least 2x faster than the three together.
 *
 *   sudo bash scripts/lab.sh up && npm run bench:scan     # BENCH_SCAN_RUNS=N (default 5)
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLASS_PORTS, parsePorts } from "../scan/targets.js";

const ROOT = join(import.meta.dirname, "..", "..");
const READY = process.env.BULWARK_LAB_READY ?? "/run/bulwark-lab/ready";
const RUNS = Math.max(1, Number(process.env.BENCH_SCAN_RUNS ?? 5));
/** Every class's default TCP ports and Dropbear's 2222, for Bulwark and nmap alike. */
const TCP_SPEC = [
  ...new Set(
    parsePorts(`${Object.values(CLASS_PORTS).join(",")},2222`)
      .filter((p) => p.transport === "tcp")
      .map((p) => p.port),
  ),
].join(",");

interface LabFile {
  addresses: string[];
  devices: Record<
    string,
    { address: string; services: Record<string, { port: number; software: string }> }
  >;
}

interface Timed {
  seconds: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

function timed(cmd: string, args: string[]): Promise<Timed> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const done = (code: number | null) =>
      resolve({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, code, stdout, stderr });
    child.on("error", (err) => {
      stderr += err.message;
      done(-1);
    });
    child.on("close", done);
  });
}

function have(cmd: string): Promise<boolean> {
  return timed("sh", ["-c", `command -v ${cmd}`]).then((r) => r.code === 0);
}

interface Stats {
  best: number;
  median: number;
}

function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median =
    s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { best: s[0] as number, median };
}

/** `r`, unless the program failed; ssh-audit's exit status grades the server (1-3), so `ok` says. */
function check(
  r: Timed,
  what: string,
  ok: (code: number | null) => boolean = (c) => c === 0,
): Timed {
  if (!ok(r.code) || r.stdout.trim() === "")
    throw new Error(`${what} exited ${r.code}: ${r.stderr.slice(0, 300)}`);
  return r;
}

/** Open TCP ports per address in Bulwark's JSON and in nmap's XML: the two must agree. */
function openPorts(bulwarkJson: string, nmapXml: string): { ours: number; nmap: number } {
  const doc = JSON.parse(bulwarkJson) as { targets: { scan?: { tcp: { state: string }[] } }[] };
  const ours = doc.targets.flatMap((t) => t.scan?.tcp ?? []).filter((t) => t.state === "open");
  const nmap = [...nmapXml.matchAll(/<state state="open"/g)];
  return { ours: ours.length, nmap: nmap.length };
}

export async function benchScanLab(): Promise<string[]> {
  if (!existsSync(READY))
    return [`scan benchmark skipped: lab not up (no ${READY}): run sudo bash scripts/lab.sh up`];
  const lab = JSON.parse(readFileSync(READY, "utf8")) as LabFile;
  const svmap = (await have("svmap")) ? "svmap" : "sipvicious_svmap";
  const missing: string[] = [];
  for (const c of ["nmap", "ssh-audit", svmap]) if (!(await have(c))) missing.push(c);
  if (missing.length > 0)
    return [
      `scan benchmark skipped: missing ${missing.join(", ")} (scripts/install-test-peers.sh)`,
    ];

  const addresses = lab.addresses;
  const sshServers = Object.values(lab.devices).flatMap((d) =>
    Object.values(d.services)
      .filter((s) => s.software === "OpenSSH" || s.software === "dropbear")
      .map((s) => `${d.address}:${s.port}`),
  );
  const dir = mkdtempSync(join(tmpdir(), "bulwark-bench-scan-"));
  const sshTargets = join(dir, "ssh-targets");
  writeFileSync(sshTargets, `${sshServers.join("\n")}\n`);
  const bulwark = () =>
    timed(process.execPath, [
      join(ROOT, "bin", "bulwark.js"),
      "scan",
      "--format",
      "json",
      "--fail-on",
      "none",
      "--ports",
      `${TCP_SPEC},5060/udp`,
      ...addresses,
    ]);
  const nmap = () => timed("nmap", ["-sT", "-Pn", "-n", "-p", TCP_SPEC, "-oX", "-", ...addresses]);
  // ssh-audit's own way to audit several servers: one process, its threads.
  const sshAudit = () => timed("ssh-audit", ["-j", "-T", sshTargets]);
  const sip = () => timed(svmap, addresses);

  const times: Record<string, number[]> = {
    bulwark: [],
    nmap: [],
    sshAudit: [],
    svmap: [],
    sequential: [],
    concurrent: [],
  };
  let agreement = "";
  try {
    // Interleaved, so a slower moment of the machine weighs on both sides alike.
    for (let i = 0; i < RUNS; i++) {
      const b = check(await bulwark(), "bulwark scan");
      times.bulwark?.push(b.seconds);
      const n = check(await nmap(), "nmap");
      const a = check(await sshAudit(), "ssh-audit", (c) => c !== null && c >= 0 && c <= 3);
      const s = check(await sip(), svmap);
      times.nmap?.push(n.seconds);
      times.sshAudit?.push(a.seconds);
      times.svmap?.push(s.seconds);
      times.sequential?.push(n.seconds + a.seconds + s.seconds);
      const t0 = process.hrtime.bigint();
      await Promise.all([nmap(), sshAudit(), sip()]);
      times.concurrent?.push(Number(process.hrtime.bigint() - t0) / 1e9);
      if (i === 0) {
        const o = openPorts(b.stdout, n.stdout);
        agreement = `open TCP ports: bulwark ${o.ours}, nmap ${o.nmap}${o.ours === o.nmap ? "" : "  DIFFER"}; SIP devices: svmap ${[...s.stdout.matchAll(/^\|\s*[\d.]+:\d+/gm)].length}`;
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const fmt = (k: string) => {
    const s = stats(times[k] ?? []);
    return `${s.best.toFixed(2).padStart(6)} s / ${s.median.toFixed(2).padStart(6)} s`;
  };
  const b = stats(times.bulwark ?? []);
  const seq = stats(times.sequential ?? []);
  const con = stats(times.concurrent ?? []);
  const tcpCount = TCP_SPEC.split(",").length;
  return [
    `scan of the lab: ${addresses.length} addresses, ${tcpCount} TCP ports + 5060/udp, ${RUNS} runs each (best / median), ${process.version}`,
    `  bulwark scan (every probe)             ${fmt("bulwark")}`,
    `  nmap -sT                               ${fmt("nmap")}`,
    `  ssh-audit (${sshServers.length} servers, -T)              ${fmt("sshAudit")}`,
    `  ${svmap.padEnd(38)} ${fmt("svmap")}`,
    `  the three, one after another           ${fmt("sequential")}`,
    `  the three at once                      ${fmt("concurrent")}`,
    `  ${agreement}`,
    `  bulwark vs the three one after another: ${(seq.median / b.median).toFixed(2)}x faster (median), ${(seq.best / b.best).toFixed(2)}x (best); vs all at once: ${(con.median / b.median).toFixed(2)}x`,
    "target: bulwark >= 2x faster than the three together",
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${(await benchScanLab()).join("\n")}\n`);
}
