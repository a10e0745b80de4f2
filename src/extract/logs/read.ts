/**
 * Getting log lines to a collector: a file named on the command line (read in chunks, so a large
 * auth.log costs a megabyte of buffer, not its size; a gzip-compressed rotation decompressed), or
 * the logs found in an input's tree (a root copied from a PBX or a router: var/log/auth.log,
 * var/log/asterisk/security, var/log/fail2ban.log, a `logread` capture saved beside etc/...).
 *
 * Lines are split as the watcher's inputs split them (LF, CRLF, invalid UTF-8 as U+FFFD, each cut
 * at 64 KiB).
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type { Diagnostic } from "../../facts/model.js";
import { InputError } from "../../sources/input-error.js";
import type { FileTree } from "../../sources/tree.js";
import { LineSplitter } from "../../watch/inputs/index.js";
import type { LogReader } from "./collector.js";
import { baseLogName, kindOfPath, type LogKind } from "./kinds.js";

const CHUNK = 1024 * 1024;
/** A compressed rotation is decompressed whole: refuse one that would not fit comfortably. */
const MAX_GZIP_BYTES = 512 * 1024 * 1024;

function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Reads a log file line by line into `reader`. Throws InputError when it cannot be read. */
export function readLogFile(path: string, reader: LogReader): void {
  let fd: number;
  try {
    if (!statSync(path).isFile()) throw new InputError("not a file", path);
    fd = openSync(path, "r");
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read the log: ${(e as NodeJS.ErrnoException).code ?? e}`, path);
  }
  const splitter = new LineSplitter();
  const emit = (text: string, lineNo: number) => reader.line({ text, source: path, lineNo });
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let n = readSync(fd, buf, 0, CHUNK, null);
    if (isGzip(buf.subarray(0, n))) {
      closeSync(fd);
      fd = -1;
      let data: Buffer;
      try {
        data = gunzipSync(readFileSync(path), { maxOutputLength: MAX_GZIP_BYTES });
      } catch (e) {
        throw new InputError(`cannot decompress the log: ${(e as Error).message}`, path);
      }
      splitter.push(data, emit);
    } else {
      while (n > 0) {
        splitter.push(buf, emit, 0, n);
        n = readSync(fd, buf, 0, CHUNK, null);
      }
    }
    splitter.flush(emit);
    reader.end();
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** Feeds text held in memory (a file of a tree) to `reader`, numbering lines from 1. */
export function readLogText(text: string, source: string, reader: LogReader): void {
  const splitter = new LineSplitter();
  splitter.push(Buffer.from(text, "utf8"), (t, lineNo) => reader.line({ text: t, source, lineNo }));
  splitter.flush((t, lineNo) => reader.line({ text: t, source, lineNo }));
  reader.end();
}

/** Folders of a device's tree where logs are looked for. */
const LOG_DIRS = [
  "var/log",
  "var/log/asterisk",
  "var/log/nginx",
  "var/log/lighttpd",
  "var/log/apache2",
  "var/log/httpd",
  // RutOS keeps its log on flash in /log when "log to flash" is set
  "log",
];

/** `logread > logread.txt` saved at the top of a root, beside etc/ (as ss-tulpn.txt is). */
const CAPTURE = /^logread(?:\.(?:txt|log))?$/;

/** Rotation age: the current file 0, `.1` 1, `.2.gz` 2; dated rotations by their date. */
function age(name: string): number {
  const n = /\.(\d{1,3})(?:\.gz)?$/.exec(name);
  if (n) return Number(n[1]);
  const d = /-(\d{8})(?:\.gz)?$/.exec(name);
  if (d) return 1 / Number(d[1]);
  return 0;
}

export interface TreeLog {
  path: string;
  kind: LogKind;
}

/**
 * The logs of a tree, oldest rotation first (auth.log.2, auth.log.1, auth.log), so that reading
 * them in order follows time. Compressed rotations are left out (the tree gives text; name them
 * with --logs), and said so in `diagnostics`.
 */
export function logsInTree(tree: FileTree, diagnostics: Diagnostic[]): TreeLog[] {
  const out: TreeLog[] = [];
  for (const name of tree.list("")) {
    if (CAPTURE.test(name)) out.push({ path: name, kind: "syslog" });
  }
  for (const dir of LOG_DIRS) {
    const names = tree
      .list(dir)
      .map((name) => ({ name, path: `${dir}/${name}`, kind: kindOfPath(`${dir}/${name}`) }))
      .filter((f) => f.kind !== "any")
      .sort(
        (a, b) =>
          baseLogName(a.name).localeCompare(baseLogName(b.name)) || age(b.name) - age(a.name),
      );
    for (const f of names) {
      if (f.name.endsWith(".gz")) {
        diagnostics.push({
          severity: "info",
          file: tree.display(f.path),
          message: "compressed log not read from the input: give it with --logs to include it",
        });
        continue;
      }
      out.push({ path: f.path, kind: f.kind });
    }
  }
  return out;
}
