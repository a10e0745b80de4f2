/**
 * What every `bulwark watch` input shares: the callback a line is handed to, warnings, and the
 * byte-to-line splitter (newline framing, CRLF, invalid UTF-8, a cap on a line's length) that the
 * file follower, the one-shot reader and the journal reader all use.
 */
import { isAscii } from "node:buffer";
import type { LogLine } from "../types.js";

/** Receives each line as the input produces it (synchronously, in order). */
export type LineHandler = (line: LogLine) => void;

/** Receives a human-readable warning (a rotation, a truncated line, a restart...). */
export type WarningHandler = (message: string) => void;

/** Default cap on one line (bytes): longer lines keep their first 64 KiB, the rest is dropped. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

/**
 * What a splitter hands out: the decoded line (no line end), its 1-based number, whether its bytes
 * were all ASCII, and, when it had a plain LF end, the line with that newline as one string (the
 * filters' buffers are slices of it, with no copy).
 */
export type SplitEmit = (
  text: string,
  lineNo: number,
  ascii: boolean,
  withNewline?: string,
) => void;

/** Counters a splitter keeps. */
export interface SplitStats {
  /** Complete lines emitted. */
  lines: number;
  /** Lines longer than the cap: emitted cut to the cap, the rest dropped. */
  longLines: number;
  /** Bytes dropped from long lines. */
  droppedBytes: number;
}

/**
 * Splits a byte stream into lines on LF (a CR before it is dropped), decodes each as UTF-8 with
 * U+FFFD for invalid sequences (never throws), numbers them from 1, and caps each at
 * `maxLineBytes`: the head of a longer line is kept (cut on a character boundary), the rest is
 * skipped up to the next newline and counted. Memory held between pushes is at most the cap.
 *
 * Chunks pushed may be reused by the caller afterwards: what must outlive a push is copied.
 */
export class LineSplitter {
  lineNo = 0;
  readonly stats: SplitStats = { lines: 0, longLines: 0, droppedBytes: 0 };
  private parts: Buffer[] = [];
  private partLen = 0;
  /** Bytes of the current (unfinished) line beyond the cap, dropped. */
  private over = 0;

  constructor(
    readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
    /** Called when a line had to be cut: its number and full length in bytes. */
    private readonly onLongLine?: (lineNo: number, bytes: number) => void,
  ) {
    if (!(maxLineBytes >= 1))
      throw new RangeError(`maxLineBytes must be >= 1 (got ${maxLineBytes})`);
  }

  /** Bytes of an unfinished line held (at most the cap). */
  get pendingBytes(): number {
    return this.partLen;
  }

  /** Bytes seen of the unfinished line, including those beyond the cap (dropped). */
  get unfinishedBytes(): number {
    return this.partLen + this.over;
  }

  /** Whether an unfinished line is pending (bytes seen after the last newline). */
  get hasPending(): boolean {
    return this.partLen > 0 || this.over > 0;
  }

  /** Forgets any unfinished line and restarts numbering after `lineNo`. */
  reset(lineNo = 0): void {
    this.parts = [];
    this.partLen = 0;
    this.over = 0;
    this.lineNo = lineNo;
  }

  push(chunk: Buffer, emit: SplitEmit, start = 0, end = chunk.length): void {
    let from = start;
    // one look at the whole chunk (vectorised) tells it for each line in it
    const ascii = isAscii(chunk.subarray(start, end));
    while (from < end) {
      const nl = chunk.indexOf(10, from);
      if (nl < 0 || nl >= end) {
        this.hold(chunk, from, end);
        return;
      }
      if (this.partLen === 0 && this.over === 0) this.emitSlice(chunk, from, nl, 0, emit, ascii);
      else {
        this.hold(chunk, from, nl);
        this.emitHeld(emit);
      }
      from = nl + 1;
    }
  }

  /** Emits what is pending as a last line (a file read whole whose last line has no newline). */
  flush(emit: SplitEmit): boolean {
    if (!this.hasPending) return false;
    this.emitHeld(emit);
    return true;
  }

  private hold(chunk: Buffer, from: number, to: number): void {
    const room = this.maxLineBytes - this.partLen;
    const n = to - from;
    if (n <= room) {
      if (n > 0) {
        this.parts.push(Buffer.from(chunk.subarray(from, to)));
        this.partLen += n;
      }
      return;
    }
    if (room > 0) {
      this.parts.push(Buffer.from(chunk.subarray(from, from + room)));
      this.partLen += room;
    }
    this.over += n - Math.max(room, 0);
  }

  private emitHeld(emit: SplitEmit): void {
    const buf =
      this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.partLen);
    const over = this.over;
    this.parts = [];
    this.partLen = 0;
    this.over = 0;
    this.emitSlice(buf, 0, buf.length, over, emit, isAscii(buf));
  }

  /**
   * Emits bytes [from, to) as one line; `over` bytes of it were already dropped; `ascii`: they are
   * all ASCII (decoded as such: the same characters, quicker).
   */
  private emitSlice(
    buf: Buffer,
    from: number,
    to: number,
    over: number,
    emit: SplitEmit,
    ascii: boolean,
  ): void {
    let end = to;
    const total = end - from + over;
    if (end - from > this.maxLineBytes) {
      over += end - from - this.maxLineBytes;
      end = from + this.maxLineBytes;
    }
    if (over > 0) {
      end = utf8Boundary(buf, from, end);
      this.stats.longLines++;
      this.stats.droppedBytes += total - (end - from);
      this.onLongLine?.(this.lineNo + 1, total);
    } else if (end > from && buf[end - 1] === 13) end--;
    this.lineNo++;
    this.stats.lines++;
    const encoding = ascii ? "latin1" : "utf8";
    // (`to` may be the buffer's end: a read past it would throw optimized code away)
    if (end === to && over === 0 && to < buf.length && buf[to] === 10) {
      const withNewline = buf.toString(encoding, from, to + 1);
      emit(withNewline.slice(0, -1), this.lineNo, ascii, withNewline);
    } else emit(buf.toString(encoding, from, end), this.lineNo, ascii);
  }
}

/** Moves `end` back so that [from, end) does not end inside a UTF-8 multi-byte sequence. */
export function utf8Boundary(buf: Buffer, from: number, end: number): number {
  // Walk back over at most 3 continuation bytes to the lead byte; cut before it unless the
  // sequence it starts is complete within [from, end).
  let i = end - 1;
  let k = 0;
  while (i >= from && k < 3 && ((buf[i] as number) & 0xc0) === 0x80) {
    i--;
    k++;
  }
  if (i < from) return end;
  const lead = buf[i] as number;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return need > 1 && end - i < need ? i : end;
}

/** Rate-limits a repeated warning: the first, then at most one per interval, with a count. */
export class WarnLimiter {
  private last = Number.NEGATIVE_INFINITY;
  private suppressed = 0;
  constructor(
    private readonly warn: WarningHandler | undefined,
    private readonly intervalMs = 60_000,
  ) {}
  note(message: string, now = Date.now()): void {
    if (!this.warn) return;
    if (now - this.last < this.intervalMs) {
      this.suppressed++;
      return;
    }
    const more = this.suppressed > 0 ? ` (and ${this.suppressed} more like it before)` : "";
    this.last = now;
    this.suppressed = 0;
    this.warn(message + more);
  }
}

/** Waits `ms`, unless the signal aborts first (resolves either way). */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
