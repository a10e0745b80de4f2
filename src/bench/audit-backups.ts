/**
 * Benchmark: audit 2,000 router backups, generated variants of the bundled example (hostnames,
 * SSH and firewall switches, WiFi keys and passwords all differ, so no cache makes it easy), each
 * read from disk, gunzipped, untarred, parsed, extracted and judged by every rule, the way
 * `bulwark audit` does. Prints backups per second and peak memory (resident set size).
 *
 *   npm run bench            # or: node dist/bench/audit-backups.js [count]
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import tarStream from "tar-stream";
import { auditTarget } from "../audit/audit-target.js";
import { settingsFrom } from "../engine/profile.js";

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

/** One variant: the example with its own hostname, switches and secrets. */
function variant(i: number, originals: Map<string, string>): Map<string, string> {
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
  edit("etc/config/wireless", (s) =>
    s.replace("option key 'warehouse1'", `option key '${randomSecret()}'`),
  );
  edit("etc/config/rpcd", (s) =>
    s.replace("option password 'Operator1'", `option password '${randomSecret()}'`),
  );
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

async function main(): Promise<void> {
  const originals = new Map(files(SRC).map((f) => [relative(SRC, f), readFileSync(f, "utf8")]));
  const dir = mkdtempSync(join(tmpdir(), "bulwark-bench-"));
  try {
    process.stdout.write(`generating ${COUNT} backups in ${dir} …\n`);
    const paths: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      const path = join(dir, `backup-${i}.tar.gz`);
      writeFileSync(path, await pack(variant(i, originals)));
      paths.push(path);
    }
    const settings = settingsFrom({});
    // Warm-up: module loading and the password-strength dictionaries are a one-time cost.
    await auditTarget(paths[0] as string, settings);
    globalThis.gc?.();
    let peakRss = process.memoryUsage().rss;
    let fails = 0;
    const t0 = process.hrtime.bigint();
    for (const path of paths) {
      const r = await auditTarget(path, settings);
      if (r.error) throw new Error(r.error);
      fails += r.results.filter((x) => x.status === "fail").length;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const maxRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
    process.stdout.write(
      [
        `audited ${COUNT} backups in ${seconds.toFixed(2)} s on one core (${fails} failing checks found)`,
        `throughput: ${(COUNT / seconds).toFixed(0)} backups/s (target >= 1000)`,
        `peak memory (RSS): ${(maxRss / 1024 / 1024).toFixed(0)} MB (target < 300 MB)`,
        "no peer tool audits UCI router backups, so there is no side-by-side ratio for this benchmark",
        "",
      ].join("\n"),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
