/**
 * Log files: a follower that behaves like `tail -F` (through rename rotation and copytruncate, with
 * fs.watch for promptness and polling as the safety net) and a one-shot streaming reader for
 * `bulwark regex` and audits.
 *
 * Lines are split on LF (CRLF accepted), decoded as UTF-8 with U+FFFD for invalid bytes (as
 * fail2ban does with its default `logencoding`, which decodes with errors="replace"), numbered
 * from 1, and capped at `maxLineBytes` (64 KiB by default). fail2ban itself has no such cap
 * (filter.py's FileContainer.readline reads a whole line, however long); Bulwark keeps the first
 * 64 KiB, drops the rest and counts it, so a hostile writer cannot grow the watcher's memory.
 */
import { type FSWatcher, watch } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
import { basename, dirname } from "node:path";
import type { Readable } from "node:stream";
import type { LogLine } from "../types.js";
import {
  DEFAULT_MAX_LINE_BYTES,
  type LineHandler,
  LineSplitter,
  type SplitEmit,
  type WarningHandler,
  WarnLimiter,
} from "./common.js";

export interface FollowOptions {
  /** Called for each complete line, in order. */
  onLine: LineHandler;
  onWarning?: WarningHandler;
  /** Read the file from its beginning instead of starting at its end (default false). */
  fromStart?: boolean;
  /** Polling interval (ms); fs.watch events trigger an earlier look. Default 1000. */
  pollIntervalMs?: number;
  /** Use fs.watch on the file's directory as well as polling (default true). */
  useWatch?: boolean;
  /** Cap on one line in bytes (default 64 KiB). */
  maxLineBytes?: number;
  /** Bytes read at once (default 256 KiB). */
  readChunkBytes?: number;
  /** Bytes read in one look before yielding to the event loop (default 16 MiB). */
  maxBytesPerPoll?: number;
  /**
   * After a rename rotation, how long the old file is still read (a daemon may write to it until
   * it reopens its log); its unfinished last line is emitted when it is let go. Default 2000 ms.
   */
  rotationGraceMs?: number;
  /** When starting at the end, count the lines already there so line numbers are real (default true). */
  countLines?: boolean;
  /** `source` of the lines (default: the path). */
  source?: string;
  /** Keep the process alive while following (default true). */
  persistent?: boolean;
  /**
   * Where a previous run stopped (from `position()`): used if the file is still the same one
   * (same inode, at least that long, same first bytes); otherwise the file is new since then
   * and is read from its beginning.
   */
  resume?: FilePosition;
}

/** A resumable position in a followed file. */
export interface FilePosition {
  ino: number;
  /** Byte offset of the next line to read. */
  pos: number;
  /** Number of the last line read. */
  lineNo: number;
  /** The file's first bytes (up to 64), base64: tells a truncated-and-refilled file apart. */
  head: string;
}

export interface FollowStats {
  lines: number;
  bytes: number;
  rotations: number;
  truncations: number;
  /** Lines cut to maxLineBytes. */
  longLines: number;
  /** Unfinished last lines of rotated files emitted when they were let go. */
  partialFlushed: number;
  /** Errors reading (the follower retries at the next poll). */
  readErrors: number;
}

interface Tracked {
  fh: FileHandle;
  dev: number;
  ino: number;
  pos: number;
  splitter: LineSplitter;
  /** First bytes of the file, to notice a truncation that was refilled past our position. */
  head: Buffer | null;
  /** For a rotated-away file: when to let it go. */
  until?: number;
}

const HEAD_BYTES = 64;

/**
 * Follows one log file like `tail -F`. `start()` positions it (at the end by default) and begins
 * watching; `stop()` ends cleanly. A file that does not exist yet is waited for and then read from
 * its beginning, as is the new file after a rotation.
 */
export class FileFollower {
  readonly path: string;
  readonly source: string;
  readonly stats: FollowStats = {
    lines: 0,
    bytes: 0,
    rotations: 0,
    truncations: 0,
    longLines: 0,
    partialFlushed: 0,
    readErrors: 0,
  };
  private readonly o: Required<Omit<FollowOptions, "onWarning" | "source" | "resume">>;
  private resume: FilePosition | undefined;
  private finalPosition: FilePosition | undefined;
  private readonly warn: WarningHandler;
  private readonly longWarn: WarnLimiter;
  private readonly errWarn: WarnLimiter;
  private cur: Tracked | null = null;
  private retired: Tracked[] = [];
  private buf: Buffer;
  private timer: NodeJS.Timeout | null = null;
  private watcher: FSWatcher | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private started = false;
  private missingWarned = false;

  constructor(path: string, opts: FollowOptions) {
    this.path = path;
    this.source = opts.source ?? path;
    this.o = {
      onLine: opts.onLine,
      fromStart: opts.fromStart ?? false,
      pollIntervalMs: opts.pollIntervalMs ?? 1000,
      useWatch: opts.useWatch ?? true,
      maxLineBytes: opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
      readChunkBytes: opts.readChunkBytes ?? 256 * 1024,
      maxBytesPerPoll: opts.maxBytesPerPoll ?? 16 * 1024 * 1024,
      rotationGraceMs: opts.rotationGraceMs ?? 2000,
      countLines: opts.countLines ?? true,
      persistent: opts.persistent ?? true,
    };
    this.resume = opts.resume;
    this.warn = opts.onWarning ?? (() => {});
    this.longWarn = new WarnLimiter(opts.onWarning);
    this.errWarn = new WarnLimiter(opts.onWarning);
    this.buf = Buffer.allocUnsafe(this.o.readChunkBytes);
  }

  /** Opens the file (if it exists), positions it, and starts watching and polling. */
  async start(): Promise<void> {
    if (this.started) throw new Error(`${this.path}: follower already started`);
    this.started = true;
    const t = await this.openTracked(this.o.fromStart ? "start" : "end", this.resume);
    this.resume = undefined;
    if (this.stopped) {
      await t?.fh.close().catch(() => {});
      return;
    }
    this.cur = t;
    if (!t) this.noteMissing();
    this.startWatch();
    this.timer = setInterval(() => this.kick(), this.o.pollIntervalMs);
    if (!this.o.persistent) this.timer.unref();
    // Whatever is there past the start position is read at once.
    this.kick();
  }

  /**
   * Where reading stands in the current file (the start of an unfinished line, if any), to pass
   * as `resume` to a later follower (still available after `stop()`); undefined while the file
   * does not exist.
   */
  position(): FilePosition | undefined {
    const t = this.cur;
    if (!t) return this.finalPosition;
    return {
      ino: t.ino,
      pos: t.pos - t.splitter.unfinishedBytes,
      lineNo: t.splitter.lineNo,
      head: (t.head ?? Buffer.alloc(0)).toString("base64"),
    };
  }

  /** Looks at the file now; resolves when that look (and any it coalesced) is done. */
  async poll(): Promise<void> {
    this.kick();
    while (this.running) await this.running;
  }

  /** Stops watching, waits for a look in progress, and closes the files. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.watcher?.close();
    this.watcher = null;
    while (this.running) await this.running;
    this.finalPosition = this.position();
    const all = [...this.retired, ...(this.cur ? [this.cur] : [])];
    this.retired = [];
    this.cur = null;
    await Promise.all(all.map((t) => t.fh.close().catch(() => {})));
  }

  private kick(): void {
    if (this.stopped && !this.running) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      if (this.stopped) return;
      try {
        const more = await this.look();
        if (more) this.again = true;
      } catch (e) {
        this.stats.readErrors++;
        this.errWarn.note(`${this.path}: ${(e as Error).message}`);
      }
      if (this.again) await new Promise<void>((r) => setImmediate(r));
    } while (this.again && !this.stopped);
  }

  /** One look: drain rotated-away files, then the current one; notice a rotation. */
  private async look(): Promise<boolean> {
    let more = false;
    if (this.retired.length > 0) {
      const now = Date.now();
      const keep: Tracked[] = [];
      for (const r of this.retired) {
        const rMore = await this.drain(r).catch(() => false);
        if (rMore) more = true;
        if (!rMore && (r.until ?? 0) <= now) await this.retire(r);
        else keep.push(r);
      }
      this.retired = keep;
    }
    if (!this.cur) {
      this.cur = await this.openTracked("start");
      if (!this.cur) return more;
      if (this.missingWarned) this.warn(`${this.path}: appeared, following it`);
      this.missingWarned = false;
    }
    const cur = this.cur;
    if (await this.drain(cur)) return true;
    const st = await stat(this.path).catch(() => null);
    if (st && (st.ino !== cur.ino || st.dev !== cur.dev)) {
      // Rotated: a new file has the name. Keep reading the old one for a grace period.
      this.stats.rotations++;
      this.warn(`${this.path}: rotated (new file), following the new one`);
      cur.until = Date.now() + this.o.rotationGraceMs;
      this.retired.push(cur);
      this.cur = await this.openTracked("start");
      if (this.cur && (await this.drain(this.cur))) more = true;
      // Let go of the old file at once if there is no grace period.
      if (this.o.rotationGraceMs <= 0) return true;
    }
    return more;
  }

  private async retire(t: Tracked): Promise<void> {
    if (t.splitter.hasPending) {
      t.splitter.flush(this.deliverLine);
      this.stats.partialFlushed++;
    }
    await t.fh.close().catch(() => {});
  }

  /** Reads new bytes of one file. True when it stopped at the per-look budget (more to read). */
  private async drain(t: Tracked): Promise<boolean> {
    const st = await t.fh.stat();
    if (st.size < t.pos) {
      this.truncated(t, `shrank from ${t.pos} to ${st.size} bytes`);
    } else if (st.size > t.pos && t.head && t.pos > 0) {
      // Truncated and written again past our position before we looked? Its head changed.
      const n = t.head.length;
      const now = Buffer.allocUnsafe(n);
      const { bytesRead } = await t.fh.read(now, 0, n, 0);
      if (bytesRead < n || !now.equals(t.head)) this.truncated(t, "rewritten from its beginning");
    }
    if (st.size <= t.pos) return false;
    let budget = this.o.maxBytesPerPoll;
    const emit = this.deliverLine;
    while (budget > 0) {
      const want = Math.min(this.buf.length, budget);
      const { bytesRead } = await t.fh.read(this.buf, 0, want, t.pos);
      if (bytesRead === 0) break;
      if (t.pos === 0 || (t.head && t.head.length < HEAD_BYTES))
        this.noteHead(t, this.buf, bytesRead);
      t.pos += bytesRead;
      budget -= bytesRead;
      this.stats.bytes += bytesRead;
      this.readAt = Date.now();
      t.splitter.push(this.buf, emit, 0, bytesRead);
      if (this.stopped) return false;
    }
    return budget <= 0;
  }

  private noteHead(t: Tracked, buf: Buffer, n: number): void {
    // Only the first read at offset 0 (or a head still shorter than HEAD_BYTES) sets the head.
    if (t.pos === 0) t.head = Buffer.from(buf.subarray(0, Math.min(n, HEAD_BYTES)));
    else if (t.head && t.head.length < HEAD_BYTES && t.pos === t.head.length) {
      const add = buf.subarray(0, Math.min(n, HEAD_BYTES - t.head.length));
      t.head = Buffer.concat([t.head, add]);
    }
  }

  private truncated(t: Tracked, why: string): void {
    this.stats.truncations++;
    this.warn(`${this.path}: truncated (${why}), reading it again from its beginning`);
    t.pos = 0;
    t.head = null;
    t.splitter.reset(0);
  }

  /** When the bytes being split were read (every line of them arrived then). */
  private readAt = Date.now();

  private readonly deliverLine: SplitEmit = (text, lineNo, ascii, withNewline) => {
    this.stats.lines++;
    this.o.onLine(logLine(text, this.source, lineNo, ascii, withNewline, this.readAt));
  };

  private async openTracked(at: "start" | "end", resume?: FilePosition): Promise<Tracked | null> {
    let fh: FileHandle;
    try {
      fh = await open(this.path, "r");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return null;
      throw e;
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new Error(`${this.path} is not a regular file`);
      const splitter = new LineSplitter(this.o.maxLineBytes, (lineNo, bytes) => {
        this.stats.longLines++;
        this.longWarn.note(
          `${this.path}:${lineNo}: line of ${bytes} bytes cut to ${this.o.maxLineBytes} (rest dropped)`,
        );
      });
      const t: Tracked = { fh, dev: st.dev, ino: st.ino, pos: 0, splitter, head: null };
      if (resume) {
        const want = Buffer.from(resume.head, "base64");
        const head = Buffer.allocUnsafe(want.length);
        const { bytesRead } = await fh.read(head, 0, head.length, 0);
        if (
          resume.ino === st.ino &&
          resume.pos <= st.size &&
          bytesRead === want.length &&
          head.equals(want)
        ) {
          t.pos = resume.pos;
          t.head = want.length > 0 ? want : null;
          splitter.reset(resume.lineNo);
        } else {
          this.warn(
            `${this.path}: not the file last read (rotated or truncated since); reading it from its beginning`,
          );
        }
        return t;
      }
      if (at === "end" && st.size > 0) {
        const { lines, lastLineStart } = await this.scan(fh, st.size, this.o.countLines);
        // Start at the beginning of an unfinished last line, so it is emitted whole once done.
        t.pos = lastLineStart;
        splitter.reset(lines);
        const head = Buffer.allocUnsafe(Math.min(HEAD_BYTES, st.size));
        const { bytesRead } = await fh.read(head, 0, head.length, 0);
        t.head = head.subarray(0, bytesRead);
      }
      return t;
    } catch (e) {
      await fh.close().catch(() => {});
      throw e;
    }
  }

  /** Counts newlines in [0, size) (if asked) and finds where the last unfinished line starts. */
  private async scan(
    fh: FileHandle,
    size: number,
    count: boolean,
  ): Promise<{ lines: number; lastLineStart: number }> {
    const buf = this.buf;
    let lines = 0;
    let lastNl = -1;
    if (count) {
      for (let pos = 0; pos < size; ) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - pos), pos);
        if (bytesRead === 0) break;
        let i = buf.indexOf(10, 0);
        while (i >= 0 && i < bytesRead) {
          lines++;
          lastNl = pos + i;
          i = buf.indexOf(10, i + 1);
        }
        pos += bytesRead;
      }
    } else {
      // Only the tail matters: find the last newline, reading backwards (at most a line's cap:
      // an unfinished line longer than that is joined at the end, as its head would be dropped).
      let end = size;
      while (end > 0 && lastNl < 0 && size - end <= this.o.maxLineBytes) {
        const from = Math.max(0, end - buf.length);
        const { bytesRead } = await fh.read(buf, 0, end - from, from);
        const i = buf.subarray(0, bytesRead).lastIndexOf(10);
        if (i >= 0) lastNl = from + i;
        end = from;
      }
      if (lastNl < 0 && end > 0) return { lines, lastLineStart: size };
    }
    return { lines, lastLineStart: lastNl + 1 };
  }

  private noteMissing(): void {
    if (this.missingWarned) return;
    this.missingWarned = true;
    this.warn(`${this.path}: does not exist (yet); waiting for it`);
  }

  private startWatch(): void {
    if (!this.o.useWatch) return;
    const name = basename(this.path);
    try {
      this.watcher = watch(dirname(this.path), { persistent: this.o.persistent }, (_ev, f) => {
        if (f === null || f === name) this.kick();
      });
      this.watcher.on("error", (e) => {
        this.warn(`${this.path}: fs.watch failed (${e.message}); polling only`);
        this.watcher?.close();
        this.watcher = null;
      });
    } catch (e) {
      this.warn(`${this.path}: cannot watch its directory (${(e as Error).message}); polling only`);
      this.watcher = null;
    }
  }
}

/** A line read from a file (every one of one shape). */
function logLine(
  text: string,
  source: string,
  lineNo: number,
  ascii: boolean,
  withNewline: string | undefined,
  receivedAt: number,
): LogLine {
  return { text, source, lineNo, ascii, withNewline, receivedAt };
}

export interface ReadLinesOptions {
  /** Cap on one line in bytes (default 64 KiB); longer ones are cut and counted. */
  maxLineBytes?: number;
  /** Read size (default 1 MiB). */
  chunkBytes?: number;
  /** Lines per batch handed out (default 4096). */
  batchLines?: number;
  /** `source` of the lines (default: the path, or "stream"). */
  source?: string;
  /**
   * Drop a last line that has no newline, as fail2ban-regex does (its FileContainer waits for a
   * line end). Default false: the last line is emitted.
   */
  dropUnterminated?: boolean;
  onWarning?: WarningHandler;
  /** Filled in as the read goes (lines, long lines, bytes). */
  stats?: ReadStats;
}

export interface ReadStats {
  lines: number;
  longLines: number;
  bytes: number;
  /** The file's last line had no newline (emitted unless dropUnterminated). */
  unterminated: boolean;
}

/**
 * Reads a whole file (or a stream) line by line, streaming, in batches of LogLines with 1-based
 * line numbers. Memory is bounded by the chunk size, the batch size and the line cap.
 */
export async function* readLogLineBatches(
  input: string | Readable,
  opts: ReadLinesOptions = {},
): AsyncGenerator<LogLine[]> {
  const stats: ReadStats = opts.stats ?? { lines: 0, longLines: 0, bytes: 0, unterminated: false };
  const batchLines = Math.max(1, opts.batchLines ?? 4096);
  let batch: LogLine[] = [];
  for await (const _ of splitLines(input, opts, stats, (line) => batch.push(line))) {
    if (batch.length >= batchLines) {
      stats.lines += batch.length;
      const out = batch;
      batch = [];
      yield out;
    }
  }
  if (batch.length > 0) {
    stats.lines += batch.length;
    yield batch;
  }
}

/**
 * Reads a whole file line by line, calling `onLine` for each as soon as it is split off (no batch:
 * a line and what its handler makes of it can die young, which keeps the garbage collector's
 * work small); resolves with the counts.
 */
export async function forEachLogLine(
  input: string | Readable,
  onLine: LineHandler,
  opts: ReadLinesOptions = {},
): Promise<ReadStats> {
  const stats: ReadStats = opts.stats ?? { lines: 0, longLines: 0, bytes: 0, unterminated: false };
  const deliver = (line: LogLine) => {
    stats.lines++;
    onLine(line);
  };
  for await (const _ of splitLines(input, opts, stats, deliver)) {
    // each chunk's lines were delivered as it was split
  }
  return stats;
}

/**
 * What both one-shot readers share: the chunks read, split into lines handed to `deliver` (long
 * lines cut and warned about, the last line without a newline kept or dropped as asked), counted
 * in `stats` (bytes, long lines, an unterminated end; lines are the caller's to count). Yields
 * once each chunk's lines are delivered.
 */
async function* splitLines(
  input: string | Readable,
  opts: ReadLinesOptions,
  stats: ReadStats,
  deliver: (line: LogLine) => void,
): AsyncGenerator<void> {
  const source = opts.source ?? (typeof input === "string" ? input : "stream");
  const max = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const warn = new WarnLimiter(opts.onWarning);
  const splitter = new LineSplitter(max, (lineNo, bytes) => {
    stats.longLines++;
    warn.note(`${source}:${lineNo}: line of ${bytes} bytes cut to ${max} (rest dropped)`);
  });
  /** When the chunk being split was read (every line of it arrived then). */
  let readAt = Date.now();
  const emit: SplitEmit = (text, lineNo, ascii, withNewline) => {
    deliver(logLine(text, source, lineNo, ascii, withNewline, readAt));
  };
  for await (const b of chunksOf(input, opts.chunkBytes)) {
    readAt = Date.now();
    stats.bytes += b.length;
    splitter.push(b, emit);
    yield;
  }
  if (splitter.hasPending) {
    stats.unterminated = true;
    if (!opts.dropUnterminated) splitter.flush(emit);
  }
}

/** The first read of a file (see chunksOf). */
const FIRST_READ_BYTES = 16 * 1024;

/**
 * The bytes of a file, or of a stream, chunk by chunk. A file is read into one buffer, reused for
 * every chunk (each chunk is valid until the next is asked for; the splitter copies what must
 * outlive it): a stream's fresh buffer per chunk lives long enough to reach the old generation
 * (the lines of a megabyte take more than a young collection to handle), and those buffers,
 * freed by full collections only, made one every hundred megabytes or so.
 */
async function* chunksOf(
  input: string | Readable,
  chunkBytes = 1024 * 1024,
): AsyncGenerator<Buffer> {
  if (typeof input !== "string") {
    for await (const chunk of input) {
      yield typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    }
    return;
  }
  const fh = await open(input, "r");
  try {
    const buf = Buffer.allocUnsafe(Math.max(1, chunkBytes));
    // a short first read: lines reach the caller sooner, and the splitter meets a chunk's end
    // (a line cut in two) while its code is still being profiled, not after it was optimized
    // for whole lines only (which would throw that code away, to be optimized again)
    let want = Math.min(buf.length, FIRST_READ_BYTES);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, want, null);
      want = buf.length;
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}
