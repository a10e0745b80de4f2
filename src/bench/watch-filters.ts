/**
 * Benchmark, side by side in one run: Bulwark's filters against Debian's fail2ban-regex on the same
 * logs (the corpus logs, annotations stripped, repeated to 1,000,000 lines for sshd and 200,000 for
 * the others) with the same filter files. Prints lines per second of both, the ratio, the CPU
 * seconds of both, and both matched-line counts (they must agree); then every failure of both,
 * one by one, as the server mode finds them (fail2ban-regex `-o row`: id, time, user, users,
 * address), must be the same. Then
 * the memory taken by 1,000,000 distinct attacking addresses tracked (sshd failures through the
 * filter into a jail), then the syslog receiver's throughput.
 *
 * One core: our filter runs in a child Node process started with `--single-threaded` (no helper
 * threads for the garbage collector or the compiler), reading the log file (forEachLogLine) and
 * counting lines as fail2ban-regex does; fail2ban-regex is single-threaded Python. Our runs are repeated (best kept, as the
 * machine may be shared); fail2ban-regex runs once (it takes minutes).
 *
 *   npm run bench:watch
 *   BENCH_WATCH_FILTERS=sshd,asterisk   only these filters
 *   BENCH_WATCH_LINES=N                 sshd line count (others: min(N, 200,000))
 *   BENCH_WATCH_RUNS=N                  our runs per filter, best kept (default 5)
 *   BENCH_WATCH_PEER=0                  skip fail2ban-regex
 *   BENCH_WATCH_VERIFY=0                skip the failure-by-failure comparison
 *   BENCH_WATCH_PIN=CPU                 pin our runs to one CPU (taskset -c CPU)
 *   BENCH_WATCH_MEMORY=0                skip the memory figure
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadFilter } from "../watch/filter/load.js";
import { forEachLogLine } from "../watch/inputs/index.js";
import { createJailEngine } from "../watch/jails/index.js";
import { distinctAddress, exposedGc, heapReading } from "./heap.js";
import { benchSyslog } from "./watch-syslog.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CORPUS = resolve(process.env.BULWARK_CORPUS ?? join(ROOT, "..", "shared", "corpus"));
const SSHD_LINES = Number(process.env.BENCH_WATCH_LINES ?? 1_000_000);
const OTHER_LINES = Math.min(SSHD_LINES, 200_000);
const RUNS = Math.max(1, Number(process.env.BENCH_WATCH_RUNS ?? 5));
const VERIFY = process.env.BENCH_WATCH_VERIFY !== "0";
const PAIRS: [log: string, filter: string, lines: number][] = [
  ["sshd", "sshd", SSHD_LINES],
  ["dropbear", "dropbear", OTHER_LINES],
  ["asterisk", "asterisk", OTHER_LINES],
  ["nginx-http-auth", "nginx-http-auth", OTHER_LINES],
  ["apache-auth", "apache-auth", OTHER_LINES],
];
const SSHD_TARGET = 500_000;
const RATIO_TARGET = 50;
const MEMORY_ADDRESSES = 1_000_000;
const MEMORY_TARGET_MB = 500;

/** The corpus log without its annotation lines, repeated to `count` lines, written to `path`. */
function buildLog(log: string, count: number, path: string): void {
  const lines = readFileSync(join(CORPUS, "fail2ban-logs", log), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"));
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) out.push(lines[i % lines.length] as string);
  writeFileSync(path, `${out.join("\n")}\n`);
}

interface Run {
  /** Wall-clock seconds. */
  seconds: number;
  /** CPU seconds (user and system). */
  cpu: number;
  lines: number;
  matched: number;
}

/** One run of our filter over the file, in this process: counted as fail2ban-regex counts. */
async function oursHere(logPath: string, filterPath: string): Promise<Run> {
  // every regex tried, pending multi-line entries kept
  const filter = loadFilter(filterPath, { checkAllRegex: true, keepPending: true });
  let lines = 0;
  let matched = 0;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await forEachLogLine(logPath, (line) => {
    lines++;
    if (filter.classify(line).kind === "matched") matched++;
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { seconds, cpu: (c.user + c.system) / 1e6, lines, matched };
}

/** One run of our filter in a single-threaded child process (see the header). */
function ours(logPath: string, filterPath: string): Run | string {
  const node = [process.execPath, "--single-threaded", fileURLToPath(import.meta.url)];
  const args = ["--ours", logPath, filterPath];
  const pin = process.env.BENCH_WATCH_PIN;
  const [cmd, ...rest] = pin ? ["taskset", "-c", pin, ...node, ...args] : [...node, ...args];
  const r = spawnSync(cmd as string, rest, { encoding: "utf8", timeout: 30 * 60 * 1000 });
  if (r.error || r.status !== 0) return `run failed: ${r.error?.message ?? r.stderr.slice(0, 300)}`;
  return JSON.parse(r.stdout) as Run;
}

/** CPU seconds of this process's finished children (Linux: /proc/self/stat cutime + cstime). */
function childCpu(): number | undefined {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(f[13]) + Number(f[14]);
    return Number.isFinite(ticks) ? ticks / clockTicks() : undefined;
  } catch {
    return undefined;
  }
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  ticksPerSecond ??= Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout) || 100;
  return ticksPerSecond;
}

function peer(logPath: string, filterPath: string): Run | string {
  clockTicks();
  const cpu0 = childCpu();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    "fail2ban-regex",
    ["-r", "--print-no-missed", "--print-no-ignored", logPath, filterPath],
    {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      timeout: 30 * 60 * 1000,
    },
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = childCpu();
  if (r.error || r.status !== 0)
    return `fail2ban-regex failed: ${r.error?.message ?? r.stderr.slice(0, 200)}`;
  const m = /Lines: (\d+) lines, \d+ ignored, (\d+) matched/.exec(r.stdout);
  return {
    seconds,
    cpu: cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : Number.NaN,
    lines: m ? Number(m[1]) : -1,
    matched: m ? Number(m[2]) : -1,
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en");

/** One failure as fail2ban-regex's `-o row` prints it: id, time, user, users, addresses. */
type Row = [
  fid: string | null,
  time: number | null,
  user: string | null,
  users: string[] | null,
  ip4: string | null,
  ip6: string | null,
  dns: string | null,
];

/** Python turning fail2ban-regex's `-o row` lines (Python literals) into JSON rows. */
const ROWS_TO_JSON = `
import ast, json, sys
out = []
for line in sys.stdin:
    line = line.strip()
    if not line.startswith("["):
        continue
    fid, t, d = ast.literal_eval(line.rstrip(",").replace("set()", "[]"))
    users = sorted(d["users"]) if d.get("users") else None
    out.append([fid, t, d.get("user"), users, d.get("ip4"), d.get("ip6"), d.get("dns")])
json.dump(out, sys.stdout)`;

/** The failures fail2ban-regex reports, line after line (`-o row`: server mode, see ourRows). */
function peerRows(logPath: string, filterPath: string): Row[] | string {
  const r = spawnSync("fail2ban-regex", ["-r", "-o", "row", logPath, filterPath], {
    encoding: "utf8",
    maxBuffer: 1024 * 1024 * 1024,
    timeout: 30 * 60 * 1000,
  });
  if (r.error || r.status !== 0)
    return `fail2ban-regex -o row failed: ${r.error?.message ?? r.stderr.slice(0, 200)}`;
  const j = spawnSync("python3", ["-c", ROWS_TO_JSON], {
    input: r.stdout,
    encoding: "utf8",
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (j.error || j.status !== 0)
    return `reading fail2ban-regex's rows failed: ${j.error?.message ?? j.stderr.slice(0, 200)}`;
  return JSON.parse(j.stdout) as Row[];
}

/**
 * Our failures, as fail2ban-regex reports them with `-o`: the regexes tried up to the first that
 * matches and failures still waiting for their address dropped (as fail2ban's server runs, and
 * `bulwark watch`), those of matched lines that are not helpers.
 */
async function ourRows(logPath: string, filterPath: string): Promise<Row[]> {
  const filter = loadFilter(filterPath, { checkAllRegex: false, keepPending: false });
  const rows: Row[] = [];
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  await forEachLogLine(logPath, (line) => {
    const v = filter.classify(line);
    if (v.kind !== "matched") return;
    for (const r of v.raw) {
      if (r.fail.nofail) continue;
      const users = r.fail.users?.size ? [...r.fail.users].sort() : null;
      rows.push([
        r.fid,
        r.date ?? null,
        str(r.fail.user),
        users,
        str(r.fail.ip4),
        str(r.fail.ip6),
        str(r.fail.dns),
      ]);
    }
  });
  return rows;
}

/** Compares every failure (id, time, user, users, addresses) with fail2ban-regex's. */
async function verify(logPath: string, filterPath: string): Promise<string> {
  const theirs = peerRows(logPath, filterPath);
  if (typeof theirs === "string") return theirs;
  const mine = await ourRows(logPath, filterPath);
  const n = Math.max(mine.length, theirs.length);
  for (let i = 0; i < n; i++) {
    const a = JSON.stringify(mine[i] ?? null);
    const b = JSON.stringify(theirs[i] ?? null);
    if (a !== b) {
      return `FAILURES DIFFER from fail2ban-regex's at #${i + 1} of ${fmt(n)}: bulwark ${a}, fail2ban-regex ${b}`;
    }
  }
  return `the same ${fmt(n)} failures as fail2ban-regex -o row (id, time, user, users, address: each compared)`;
}

/** What one filter's runs printed, and its figures for the targets (undefined: not measured). */
interface PairResult {
  lines: string[];
  rate?: number;
  ratio?: number;
}

/** One filter: our best run, fail2ban-regex's, the ratio. */
async function benchPair(
  dir: string,
  [log, filter, count]: (typeof PAIRS)[number],
  hasPeer: boolean,
): Promise<PairResult> {
  const logPath = join(dir, `${log}.log`);
  buildLog(log, count, logPath);
  const filterPath = join(CORPUS, "fail2ban-config", "filter.d", `${filter}.conf`);
  try {
    let best: Run | undefined;
    for (let i = 0; i < RUNS; i++) {
      const a = ours(logPath, filterPath);
      if (typeof a === "string") return { lines: [`${filter.padEnd(16)} ${a}`] };
      if (!best || a.seconds < best.seconds) best = a;
    }
    const a = best as Run;
    const ourRate = a.lines / a.seconds;
    const out = [
      `${filter.padEnd(16)} ${String(a.lines).padStart(8)} lines  bulwark ${fmt(ourRate).padStart(10)} lines/s  ${a.cpu.toFixed(2)} s cpu  (${a.matched} matched; best of ${RUNS})`,
    ];
    const result: PairResult = { lines: out, rate: ourRate };
    if (hasPeer) {
      const b = peer(logPath, filterPath);
      if (typeof b === "string") out.push(`${"".padEnd(16)} ${b}`);
      else {
        const peerRate = a.lines / b.seconds;
        const ratio = ourRate / peerRate;
        result.ratio = ratio;
        const cpuRatio = Number.isFinite(b.cpu) ? `, ${(b.cpu / a.cpu).toFixed(1)}x by cpu` : "";
        out.push(
          `${"".padEnd(16)} ${"".padStart(8)}        fail2ban-regex ${fmt(peerRate).padStart(8)} lines/s  ${b.cpu.toFixed(2)} s cpu  (${b.matched} matched)  ratio ${ratio.toFixed(1)}x${cpuRatio}${b.matched === a.matched && b.lines === a.lines ? "" : "  MATCH COUNTS DIFFER"}`,
        );
      }
      if (VERIFY) out.push(`${"".padEnd(16)} ${await verify(logPath, filterPath)}`);
    }
    return result;
  } finally {
    rmSync(logPath, { force: true });
  }
}

export async function benchWatchFilters(): Promise<string[]> {
  if (!existsSync(CORPUS))
    return [`filter benchmark skipped: ${CORPUS} not found (set BULWARK_CORPUS)`];
  const hasPeer =
    process.env.BENCH_WATCH_PEER !== "0" &&
    spawnSync("fail2ban-regex", ["--version"], { encoding: "utf8" }).status === 0;
  const only = process.env.BENCH_WATCH_FILTERS?.split(",").map((s) => s.trim());
  const dir = mkdtempSync(join(tmpdir(), "bulwark-bench-watch-"));
  const out = [
    `filters vs fail2ban-regex${hasPeer ? "" : " (not run: Bulwark alone)"}, one core each (${process.version}, bulwark --single-threaded)`,
  ];
  try {
    const ratios: string[] = [];
    let lowest = Number.POSITIVE_INFINITY;
    let sshdRate: number | undefined;
    for (const pair of PAIRS) {
      if (only && !only.includes(pair[1])) continue;
      const r = await benchPair(dir, pair, hasPeer);
      out.push(...r.lines);
      if (pair[1] === "sshd") sshdRate = r.rate;
      if (r.ratio !== undefined) {
        ratios.push(`${pair[1]} ${r.ratio.toFixed(1)}x`);
        lowest = Math.min(lowest, r.ratio);
      }
    }
    const verdict = (ok: boolean) => (ok ? "met" : "NOT MET");
    out.push(
      `target >= ${fmt(SSHD_TARGET)} lines/s for sshd: ${sshdRate === undefined ? "not measured" : `${verdict(sshdRate >= SSHD_TARGET)} (${fmt(sshdRate)})`}`,
      `target >= ${RATIO_TARGET}x fail2ban-regex: ${ratios.length === 0 ? "not measured" : `${verdict(lowest >= RATIO_TARGET)} (${ratios.join(", ")})`}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/**
 * Memory with 1,000,000 distinct attacking addresses tracked: one sshd failure line per address
 * (every 100th address fails five times and is banned), through the sshd filter into a jail.
 * The figure is the heap and buffers taken (after a forced collection when it can be had).
 */
export async function benchWatchMemory(n = MEMORY_ADDRESSES): Promise<string[]> {
  const gc = exposedGc();
  const read = () => {
    const r = heapReading(gc);
    return { heap: r.heap + r.buffers, rss: r.rss };
  };
  let now = Date.UTC(2026, 0, 1);
  const filter = loadFilter("sshd", { timezone: "UTC", now: () => now });
  const before = read();
  const engine = await createJailEngine({
    jails: [{ name: "sshd", maxretry: 5, findtime: 3600, bantime: 600, increment: true }],
    clock: { now: () => now },
    env: {},
    selfAddresses: [],
    lookup: async () => [],
  });
  const t0 = performance.now();
  let observed = 0;
  for (let i = 0; i < n; i++) {
    const host = distinctAddress(i);
    const text = `Jan  1 00:00:00 gw sshd[${1000 + (i % 30000)}]: Failed password for root from ${host} port ${1024 + (i % 60000)} ssh2`;
    const times = i % 100 === 0 ? 5 : 1;
    for (let k = 0; k < times; k++) {
      for (const r of filter.process({ text, source: "bench" })) {
        if (r.match) {
          engine.observe("sshd", r.match);
          observed++;
        }
      }
    }
    if ((i & 1023) === 0) now += 1;
  }
  const seconds = (performance.now() - t0) / 1000;
  const after = read();
  const stats = engine.stats()[0];
  const mb = (after.heap - before.heap) / (1024 * 1024);
  return [
    `memory, ${fmt(n)} distinct attacking addresses (sshd filter into a jail): ${fmt(stats?.tracked ?? 0)} tracked, ${fmt(stats?.banned ?? 0)} banned, +${mb.toFixed(0)} MB heap and buffers (${Math.round((after.heap - before.heap) / n)} bytes/address), rss ${fmt(after.rss / (1024 * 1024))} MB${gc ? "" : " [no forced gc: upper bound]"}; ${fmt(observed / seconds)} failures/s through filter and jail`,
    `target < ${MEMORY_TARGET_MB} MB: ${mb < MEMORY_TARGET_MB && after.rss / (1024 * 1024) < MEMORY_TARGET_MB ? "met" : "NOT MET"}`,
  ];
}

if (process.argv[2] === "--ours") {
  // the child of ours(): one run, printed as JSON
  const r = await oursHere(process.argv[3] as string, process.argv[4] as string);
  process.stdout.write(`${JSON.stringify(r)}\n`);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${(await benchWatchFilters()).join("\n")}\n\n`);
  if (process.env.BENCH_WATCH_MEMORY !== "0") {
    process.stdout.write(`${(await benchWatchMemory()).join("\n")}\n\n`);
  }
  process.stdout.write(`${(await benchSyslog()).join("\n")}\n`);
}
