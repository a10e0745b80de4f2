/**
 * Benchmark, side by side in one run: Bulwark's filters against Debian's fail2ban-regex on the same
 * logs (the corpus logs, annotations stripped, repeated to 1,000,000 lines for sshd and 200,000 for
 * the others) with the same filter files. Prints lines per second of both, the ratio, and both
 * matched-line counts (they must agree). Then the syslog receiver's throughput.
 *
 *   npm run bench:watch         # BENCH_WATCH_LINES=N to change the sshd line count
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadFilter } from "../watch/filter/load.js";
import { forEachLogLine } from "../watch/inputs/index.js";
import { benchSyslog } from "./watch-syslog.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CORPUS = resolve(process.env.BULWARK_CORPUS ?? join(ROOT, "..", "shared", "corpus"));
const SSHD_LINES = Number(process.env.BENCH_WATCH_LINES ?? 1_000_000);
const OTHER_LINES = Math.min(SSHD_LINES, 200_000);
const PAIRS: [log: string, filter: string, lines: number][] = [
  ["sshd", "sshd", SSHD_LINES],
  ["dropbear", "dropbear", OTHER_LINES],
  ["asterisk", "asterisk", OTHER_LINES],
  ["nginx-http-auth", "nginx-http-auth", OTHER_LINES],
  ["apache-auth", "apache-auth", OTHER_LINES],
];

/** The corpus log without its annotation lines, repeated to `count` lines, written to `path`. */
function buildLog(log: string, count: number, path: string): void {
  const lines = readFileSync(join(CORPUS, "fail2ban-logs", log), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"));
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) out.push(lines[i % lines.length] as string);
  writeFileSync(path, `${out.join("\n")}\n`);
}

async function ours(
  logPath: string,
  filterPath: string,
): Promise<{ seconds: number; lines: number; matched: number }> {
  // Counted as fail2ban-regex counts: every regex tried, pending multi-line entries kept.
  const filter = loadFilter(filterPath, { checkAllRegex: true, keepPending: true });
  let lines = 0;
  let matched = 0;
  const t0 = process.hrtime.bigint();
  await forEachLogLine(logPath, (line) => {
    lines++;
    if (filter.classify(line.text).kind === "matched") matched++;
  });
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, lines, matched };
}

function peer(logPath: string, filterPath: string): { seconds: number; matched: number } | string {
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
  if (r.error || r.status !== 0)
    return `fail2ban-regex failed: ${r.error?.message ?? r.stderr.slice(0, 200)}`;
  const m = /Lines: \d+ lines, \d+ ignored, (\d+) matched/.exec(r.stdout);
  return { seconds, matched: m ? Number(m[1]) : -1 };
}

export async function benchWatchFilters(): Promise<string[]> {
  if (!existsSync(CORPUS))
    return [`filter benchmark skipped: ${CORPUS} not found (set BULWARK_CORPUS)`];
  const hasPeer = spawnSync("fail2ban-regex", ["--version"], { encoding: "utf8" }).status === 0;
  const dir = mkdtempSync(join(tmpdir(), "bulwark-bench-watch-"));
  const out = [
    `filters vs fail2ban-regex${hasPeer ? "" : " (not installed: Bulwark alone)"}, one core (${process.version})`,
  ];
  try {
    for (const [log, filter, count] of PAIRS) {
      const logPath = join(dir, `${log}.log`);
      buildLog(log, count, logPath);
      const filterPath = join(CORPUS, "fail2ban-config", "filter.d", `${filter}.conf`);
      const a = await ours(logPath, filterPath);
      const ourRate = a.lines / a.seconds;
      let line = `${filter.padEnd(16)} ${String(a.lines).padStart(8)} lines  bulwark ${Math.round(ourRate).toLocaleString("en").padStart(10)} lines/s (${a.matched} matched)`;
      if (hasPeer) {
        const b = peer(logPath, filterPath);
        if (typeof b === "string") line += `  ${b}`;
        else {
          const peerRate = a.lines / b.seconds;
          line += `  fail2ban-regex ${Math.round(peerRate).toLocaleString("en").padStart(8)} lines/s (${b.matched} matched)  ratio ${(ourRate / peerRate).toFixed(1)}x${b.matched === a.matched ? "" : "  MATCH COUNTS DIFFER"}`;
        }
      }
      out.push(line);
      rmSync(logPath, { force: true });
    }
    out.push("targets: >= 50x fail2ban-regex; >= 500,000 lines/s for sshd");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${(await benchWatchFilters()).join("\n")}\n\n`);
  process.stdout.write(`${(await benchSyslog()).join("\n")}\n`);
}
