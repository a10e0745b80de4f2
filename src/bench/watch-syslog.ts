/**
 * Benchmark: the syslog receiver on loopback. N RFC 3164 messages (default 200,000) are sent over
 * UDP from another process (python3, else a Node worker thread), paced by the receiver's
 * acknowledgements so that no more than the kernel receive buffer can hold is ever in flight, and
 * then the same over TCP (newline framing, one connection). Prints messages per second and the
 * counts: sent, processed (parsed into lines) and lost. Target: >= 100,000 messages/s over UDP
 * with none lost.
 *
 *   node dist/bench/watch-syslog.js [count]      # or BULWARK_BENCH_SYSLOG_N=count
 *   BULWARK_BENCH_SYSLOG_SENDER=node ...         # send from a Node worker even if python3 is there
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { SyslogServer } from "../watch/inputs/syslog.js";

const DEFAULT_N = 200_000;
const MAX_N = 5_000_000;
const TARGET = 100_000;

/** The messages sent, cycled: a router's Dropbear brute-force noise. */
const TEMPLATES = 256;
function message(i: number): string {
  return `<38>Nov 21 10:00:01 rut955 dropbear[${1000 + i}]: Bad password attempt for 'root' from 203.0.113.${i % 250}:${40000 + i}`;
}

/** The sender as a python3 program: UDP paced by acks on stdin, or TCP in big writes. */
const PY_SENDER = `
import os, socket, sys
mode, port, n, window = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
msgs = [l.encode() for l in sys.argv[5].split("\\x01")]
k = len(msgs)
sent = 0
if mode == "udp":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect(("127.0.0.1", port))
    ack = 0
    buf = b""
    send = s.send
    while sent < n:
        lim = min(n, ack + window)
        while sent < lim:
            send(msgs[sent % k])
            sent += 1
        if sent >= n:
            break
        while True:
            d = os.read(0, 65536)
            if not d:
                sys.stdout.write(str(sent) + "\\n"); sys.exit(0)
            buf += d
            parts = buf.split(b"\\n")
            buf = parts[-1]
            if len(parts) > 1:
                ack = int(parts[-2])
                break
else:
    s = socket.create_connection(("127.0.0.1", port))
    block = b"".join(m + b"\\n" for m in msgs)
    while sent + k <= n:
        s.sendall(block)
        sent += k
    if sent < n:
        s.sendall(b"".join(m + b"\\n" for m in msgs[: n - sent]))
        sent = n
    s.shutdown(socket.SHUT_WR)
    s.close()
sys.stdout.write(str(sent) + "\\n")
`;

/** The same sender as a worker thread (when there is no python3): acks through shared memory. */
const WORKER_SENDER = `
const { workerData, parentPort } = require("node:worker_threads");
const { mode, port, n, window, msgs, sab } = workerData;
const ack = new Int32Array(sab);
const bufs = msgs.map((m) => Buffer.from(m));
let sent = 0;
if (mode === "udp") {
  const s = require("node:dgram").createSocket("udp4");
  s.connect(port, "127.0.0.1", () => {
    const pump = () => {
      while (sent < n && sent - Atomics.load(ack, 0) < window) s.send(bufs[sent++ % bufs.length]);
      if (sent < n) setImmediate(pump);
      else s.close(() => parentPort.postMessage(sent));
    };
    pump();
  });
} else {
  const s = require("node:net").connect(port, "127.0.0.1", () => {
    const block = Buffer.concat(bufs.map((b) => Buffer.concat([b, Buffer.from("\\n")])));
    const write = () => {
      while (sent < n) {
        const k = Math.min(bufs.length, n - sent);
        const b = k === bufs.length ? block : Buffer.concat(bufs.slice(0, k).map((x) => Buffer.concat([x, Buffer.from("\\n")])));
        sent += k;
        if (!s.write(b)) return s.once("drain", write);
      }
      s.end(() => parentPort.postMessage(sent));
    };
    write();
  });
}
`;

interface RunResult {
  sent: number;
  processed: number;
  seconds: number;
  rate: number;
  cpuUsPerMsg: number;
  bad: number;
  extra: string;
}

function hasPython(): boolean {
  const r = spawnSync("python3", ["-c", "import socket"], { stdio: "ignore", timeout: 10_000 });
  return r.status === 0;
}

/** /proc/net/snmp Udp RcvbufErrors (all sockets of the machine), or undefined. */
function udpRcvbufErrors(): number | undefined {
  try {
    const rows = readFileSync("/proc/net/snmp", "utf8")
      .split("\n")
      .filter((l) => l.startsWith("Udp:"));
    const names = rows[0]?.split(/\s+/) ?? [];
    const values = rows[1]?.split(/\s+/) ?? [];
    const i = names.indexOf("RcvbufErrors");
    return i > 0 ? Number(values[i]) : undefined;
  } catch {
    return undefined;
  }
}

interface Sender {
  /** Tells the sender how many messages were processed (UDP pacing). */
  ack(processed: number): void;
  /** Resolves with the count the sender says it sent. */
  finished: Promise<number>;
  kill(): void;
}

function startSender(
  python: boolean,
  mode: "udp" | "tcp",
  port: number,
  n: number,
  window: number,
  msgs: string[],
): Sender {
  if (python) {
    const child: ChildProcess = spawn(
      "python3",
      ["-c", PY_SENDER, mode, String(port), String(n), String(window), msgs.join("\x01")],
      { stdio: ["pipe", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout?.on("data", (b: Buffer) => {
      out += b.toString();
    });
    child.stdin?.on("error", () => {});
    const finished = new Promise<number>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", () => resolve(Number(out.trim()) || 0));
    });
    return {
      ack: (p) => {
        if (child.stdin?.writable) child.stdin.write(`${p}\n`);
      },
      finished,
      kill: () => {
        child.stdin?.end();
        if (child.exitCode === null) child.kill();
      },
    };
  }
  const sab = new SharedArrayBuffer(4);
  const acks = new Int32Array(sab);
  const w = new Worker(WORKER_SENDER, {
    eval: true,
    workerData: { mode, port, n, window, msgs, sab },
  });
  const finished = new Promise<number>((resolve, reject) => {
    w.once("message", (m: number) => resolve(m));
    w.once("error", reject);
  });
  return {
    ack: (p) => Atomics.store(acks, 0, p),
    finished,
    kill: () => void w.terminate(),
  };
}

async function run(mode: "udp" | "tcp", n: number, python: boolean): Promise<RunResult> {
  const msgs = Array.from({ length: TEMPLATES }, (_, i) => message(i));
  let processed = 0;
  let bad = 0;
  let first = 0;
  let last = 0;
  let nextAck = 0;
  let ackEvery = 1;
  let sender: Sender | null = null;
  const server = new SyslogServer({
    host: "127.0.0.1",
    port: 0,
    udp: mode === "udp",
    tcp: mode === "tcp",
    timezone: "UTC",
    onLine: (line) => {
      if (processed === 0) first = performance.now();
      processed++;
      // Spot-check the line: "Nov 21 10:00:01 rut955 dropbear[...".
      if (line.text.charCodeAt(16) !== 114 || line.sender !== "127.0.0.1") bad++;
      if (processed >= nextAck) {
        nextAck += ackEvery;
        sender?.ack(processed);
      }
      last = performance.now();
    },
  });
  await server.start();
  const port = (mode === "udp" ? server.udpAddress?.port : server.tcpAddress?.port) as number;
  // In flight at most what the receive buffer holds (~2 KiB of kernel memory per small datagram).
  const rcvbuf = server.recvBufferSize ?? 0;
  const window = mode === "udp" ? Math.max(64, Math.min(4096, Math.floor(rcvbuf / 2048))) : n;
  ackEvery = Math.max(1, Math.floor(window / 4));
  nextAck = ackEvery;
  const drops0 = udpRcvbufErrors();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  sender = startSender(python, mode, port, n, window, msgs);
  let sent = -1;
  void sender.finished.then((s) => {
    sent = s;
  });
  // Wait for everything, or for no progress for 2 s once the sender is done; 120 s at most.
  const deadline = Date.now() + 120_000;
  let seen = -1;
  let still = 0;
  while (processed < n && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    if (processed === seen && sent >= 0) {
      still += 50;
      if (still >= 2000) break;
    } else still = 0;
    seen = processed;
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  sender.kill();
  if (sent < 0)
    sent = await Promise.race([
      sender.finished,
      new Promise<number>((r) => setTimeout(() => r(n), 2000)),
    ]);
  const drops1 = udpRcvbufErrors();
  await server.stop();
  const seconds = processed > 1 ? (last - first) / 1000 : wall;
  const extra =
    mode === "udp"
      ? `window ${window.toLocaleString("en-US")}, receive buffer ${(rcvbuf / 1048576).toFixed(1)} MiB, kernel buffer drops ${drops0 !== undefined && drops1 !== undefined ? drops1 - drops0 : "?"}`
      : "one connection, newline framing";
  return {
    sent,
    processed,
    seconds,
    rate: processed > 1 ? (processed - 1) / seconds : 0,
    cpuUsPerMsg: processed > 0 ? (cpu.user + cpu.system) / processed : 0,
    bad,
    extra,
  };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Runs the benchmark; returns printable lines. */
export async function benchSyslog(count?: number): Promise<string[]> {
  const asked = count ?? Number(process.env.BULWARK_BENCH_SYSLOG_N ?? DEFAULT_N);
  const n = Math.max(1000, Math.min(MAX_N, Number.isFinite(asked) ? Math.floor(asked) : DEFAULT_N));
  const want = process.env.BULWARK_BENCH_SYSLOG_SENDER; // "node" or "python", else the best there is
  const python = want === "node" ? false : hasPython();
  const out = [
    `Syslog receiver, loopback: ${fmt(n)} RFC 3164 messages per transport, sent by ${python ? "python3 (child process)" : "a Node worker thread"}`,
  ];
  let udpOk = false;
  for (const mode of ["udp", "tcp"] as const) {
    const r = await run(mode, n, python);
    const lost = r.sent - r.processed;
    if (mode === "udp") udpOk = lost === 0 && r.bad === 0 && r.rate >= TARGET && r.processed === n;
    out.push(
      `  ${mode.toUpperCase()}: ${fmt(r.sent)} sent, ${fmt(r.processed)} processed, ${fmt(lost)} lost` +
        `${r.bad ? `, ${fmt(r.bad)} misparsed` : ""}; ${r.seconds.toFixed(2)} s, ${fmt(r.rate)} msg/s` +
        ` (receiver CPU ${r.cpuUsPerMsg.toFixed(2)} µs/msg${python ? "" : " incl. sender"}; ${r.extra})`,
    );
  }
  out.push(`  target (UDP >= ${fmt(TARGET)} msg/s, none lost): ${udpOk ? "met" : "NOT met"}`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = process.argv[2];
  process.stdout.write(`${(await benchSyslog(arg ? Number(arg) : undefined)).join("\n")}\n`);
}
