/**
 * Benchmark: audit 2,000 router backups, generated variants of the bundled example, each read
 * from disk, gunzipped, untarred, parsed, extracted and judged by every rule, the way
 * `bulwark audit` does. Prints backups per second and peak memory (resident set size), for two
 * sets of variants:
 *
 * - "same secrets": hostnames, SSH, telnet and firewall switches and source addresses differ; the
 *   secrets are the example's (a fleet configured from one template, or a re-audit);
 * - "unique secrets": every backup also has its own WiFi key and web-user password, so each needs
 *   a fresh zxcvbn strength estimate (about 1.4 ms per strong password): the worst case.
 *
 *   npm run bench            # every benchmark; or: node dist/bench/audit-backups.js [count]
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import tarStream from "tar-stream";
import { auditTarget } from "../audit/audit-target.js";
import { settingsFrom } from "../engine/profile.js";
import { clearAssessCache, clearDefaultHashCache } from "../secrets/index.js";

const ROOT = join(import.meta.dirname, "..", "..");
const SRC = join(ROOT, "examples", "rutx11-insecure");
const COUNT = Number(process.argv[2] ?? 2000);

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
}

function randomSecret(): string {
  return randomBytes(6 + Math.floor(Math.random() * 12)).toString("base64url");
}

/** One variant: the example with its own hostname and switches, and optionally its own secrets. */
function variant(
  i: number,
  originals: Map<string, string>,
  uniqueSecrets: boolean,
): Map<string, string> {
  const flip = (b: boolean) => (b ? "1" : "0");
  const out = new Map(originals);
  const edit = (path: string, fn: (s: string) => string) => out.set(path, fn(out.get(path) ?? ""));
  edit("etc/config/system", (s) => s.replaceAll("Warehouse-RUTX11", `Site-${i}-RUTX11`));
  edit("etc/config/dropbear", (s) =>
    s.replace("PasswordAuth 'on'", `PasswordAuth '${i % 2 ? "on" : "off"}'`),
  );
  edit("etc/config/firewall", (s) =>
    s
      .replace(/option enabled '1'/, `option enabled '${flip(i % 3 === 0)}'`)
      .replace("option src_ip '203.0.113.10'", `option src_ip '203.0.113.${i % 250}'`),
  );
  if (uniqueSecrets) {
    edit("etc/config/wireless", (s) =>
      s.replace("option key 'warehouse1'", `option key '${randomSecret()}'`),
    );
    edit("etc/config/rpcd", (s) =>
      s.replace("option password 'Operator1'", `option password '${randomSecret()}'`),
    );
  }
  edit("etc/config/telnetd", (s) =>
    s.replace("option enable\t'1'", `option enable\t'${flip(i % 4 === 0)}'`),
  );
  return out;
}

async function pack(entries: Map<string, string>): Promise<Buffer> {
  const p = tarStream.pack();
  const chunks: Buffer[] = [];
  p.on("data", (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((r) => p.on("end", () => r()));
  for (const [name, text] of entries) p.entry({ name, mode: 0o644 }, text);
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

interface Result {
  /** Seconds of each repetition, fastest first. */
  seconds: number[];
  fails: number;
}

/** Repetitions per mode: the machine is shared, so one run can be slowed by a neighbour. */
const RUNS = 3;

async function run(
  label: string,
  dir: string,
  originals: Map<string, string>,
  uniqueSecrets: boolean,
): Promise<Result> {
  const paths: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    const path = join(dir, `${label}-${i}.tar.gz`);
    writeFileSync(path, await pack(variant(i, originals, uniqueSecrets)));
    paths.push(path);
  }
  const settings = settingsFrom({});
  const seconds: number[] = [];
  let fails = 0;
  for (let r = 0; r < RUNS; r++) {
    // Every repetition starts cold: no secret's strength or hash verdict is remembered from the last.
    clearAssessCache();
    clearDefaultHashCache();
    globalThis.gc?.();
    fails = 0;
    const t0 = process.hrtime.bigint();
    for (const path of paths) {
      const report = await auditTarget(path, settings);
      if (report.error) throw new Error(report.error);
      fails += report.results.filter((x) => x.status === "fail").length;
    }
    seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { seconds: seconds.sort((a, b) => a - b), fails };
}

export async function benchBackups(): Promise<string[]> {
  const originals = new Map(files(SRC).map((f) => [relative(SRC, f), readFileSync(f, "utf8")]));
  const dir = mkdtempSync(join(tmpdir(), "bulwark-bench-"));
  try {
    // Warm-up: module loading and the password-strength dictionaries are a one-time cost.
    writeFileSync(join(dir, "warmup.tar.gz"), await pack(variant(0, originals, false)));
    await auditTarget(join(dir, "warmup.tar.gz"), settingsFrom({}));
    const lines = [`${COUNT} backups per run, one process, one core (${process.version})`];
    for (const [label, unique] of [
      ["same secrets", false],
      ["unique secrets", true],
    ] as const) {
      const r = await run(label.replace(" ", "-"), dir, originals, unique);
      const best = COUNT / (r.seconds[0] as number);
      const median = COUNT / (r.seconds[Math.floor(r.seconds.length / 2)] as number);
      lines.push(
        `${label.padEnd(15)} ${best.toFixed(0).padStart(6)} backups/s best of ${RUNS}, ${median.toFixed(0)} median  (${r.fails} failing checks found per run)`,
      );
    }
    // The OS's own high-water mark of this process: every allocation of both runs included.
    const peakMb = (process.resourceUsage().maxRSS / 1024).toFixed(0);
    lines.push(
      `peak memory (max RSS): ${peakMb} MB (target < 300 MB); throughput target >= 1000 backups/s`,
    );
    lines.push(
      "no peer tool audits UCI router backups, so there is no side-by-side ratio for this benchmark",
      "",
    );
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`)
  process.stdout.write(`${(await benchBackups()).join("\n")}\n`);
