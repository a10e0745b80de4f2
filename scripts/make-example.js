#!/usr/bin/env node
/**
 * Packs examples/rutx11-insecure/ (a RUTX11 configured insecurely on purpose, written for this
 * project) into examples/backup-RUTX11-insecure.tar.gz, laid out as `sysupgrade -b` lays out a
 * backup. Deterministic: sorted entries, fixed mtimes, so the archive only changes with its source.
 *
 *   node scripts/make-example.js            # writes the archive
 *   node scripts/make-example.js --check    # exits 1 if the archive is out of date
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import tarStream from "tar-stream";

const ROOT = join(import.meta.dirname, "..");
const SRC = join(ROOT, "examples", "rutx11-insecure");
const OUT = join(ROOT, "examples", "backup-RUTX11-insecure.tar.gz");
const MTIME = new Date("2026-11-02T10:00:00Z");

function files(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? files(p) : [p];
    });
}

export async function buildExample() {
  const pack = tarStream.pack();
  const chunks = [];
  pack.on("data", (c) => chunks.push(c));
  const done = new Promise((resolve, reject) => {
    pack.on("end", resolve);
    pack.on("error", reject);
  });
  for (const file of files(SRC)) {
    const name = relative(SRC, file).split("\\").join("/");
    const mode = name === "etc/shadow" ? 0o600 : 0o644;
    pack.entry(
      { name, mode, mtime: MTIME, uid: 0, gid: 0, uname: "root", gname: "root" },
      readFileSync(file),
    );
  }
  pack.finalize();
  await done;
  // level 9 and no file name/mtime in the gzip header: the same source gives the same bytes.
  return gzipSync(Buffer.concat(chunks), { level: 9 });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const data = await buildExample();
  if (process.argv.includes("--check")) {
    const current = readFileSync(OUT);
    if (!current.equals(data)) {
      process.stderr.write(
        `${relative(ROOT, OUT)} is out of date: run node scripts/make-example.js\n`,
      );
      process.exit(1);
    }
  } else {
    writeFileSync(OUT, data);
    process.stdout.write(`wrote ${relative(ROOT, OUT)} (${data.length} bytes)\n`);
  }
}
