import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LineSplitter } from "../src/watch/inputs/common.js";
import {
  FileFollower,
  type FollowOptions,
  forEachLogLine,
  readLogLineBatches,
} from "../src/watch/inputs/file.js";
import type { LogLine } from "../src/watch/types.js";

async function waitFor(cond: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

let dir: string;
const followers: FileFollower[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "bulwark-follow-"));
});
afterEach(async () => {
  for (const f of followers.splice(0)) await f.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A follower driven by explicit polls (no timer, no fs.watch) unless options say otherwise. */
async function follow(path: string, opts: Partial<FollowOptions> = {}) {
  const lines: LogLine[] = [];
  const warnings: string[] = [];
  const f = new FileFollower(path, {
    onLine: (l) => lines.push(l),
    onWarning: (w) => warnings.push(w),
    useWatch: false,
    pollIntervalMs: 3_600_000,
    rotationGraceMs: 0,
    ...opts,
  });
  followers.push(f);
  await f.start();
  await f.poll();
  return { f, lines, warnings, texts: () => lines.map((l) => l.text) };
}

describe("line splitter", () => {
  it("numbers lines, drops CR before LF, replaces invalid UTF-8, holds partial lines", () => {
    const s = new LineSplitter(100);
    const out: [string, number][] = [];
    const emit = (t: string, n: number) => out.push([t, n]);
    s.push(Buffer.from("a\r\nb"), emit);
    s.push(Buffer.from([0xff, 0x0a, 0x63]), emit);
    expect(out).toEqual([
      ["a", 1],
      ["b\uFFFD", 2],
    ]);
    expect(s.hasPending).toBe(true);
    s.flush(emit);
    expect(out[2]).toEqual(["c", 3]);
  });

  it("cuts long lines at the cap on a character boundary and counts them", () => {
    const long: number[] = [];
    const s = new LineSplitter(10, (n, bytes) => long.push(n, bytes));
    const out: string[] = [];
    const emit = (t: string) => out.push(t);
    // 8 ASCII bytes then "é" (2 bytes) straddling the cap, then more; split over pushes.
    s.push(Buffer.from("12345678"), emit);
    s.push(Buffer.from("9é.."), emit);
    s.push(Buffer.from("...\nshort\n"), emit);
    expect(out).toEqual(["123456789", "short"]);
    expect(long).toEqual([1, 16]);
    expect(s.stats).toMatchObject({ lines: 2, longLines: 1, droppedBytes: 7 });
    expect(s.pendingBytes).toBe(0);
  });
});

describe("file follower", () => {
  it("reads from the beginning when asked, with line numbers, CRLF and invalid UTF-8", async () => {
    const p = join(dir, "auth.log");
    writeFileSync(
      p,
      Buffer.concat([Buffer.from("one\r\ntwo "), Buffer.from([0xc3, 0x28]), Buffer.from("\n")]),
    );
    const t0 = Date.now();
    const { lines } = await follow(p, { fromStart: true });
    const t1 = Date.now();
    // with what spares the filters work: ASCII or not (by the bytes), the text with its
    // newline when the line ended in a plain LF, and when the bytes were read (one reading)
    const at = lines[0]?.receivedAt ?? 0;
    expect(at).toBeGreaterThanOrEqual(t0);
    expect(at).toBeLessThanOrEqual(t1);
    expect(lines).toEqual([
      { text: "one", source: p, lineNo: 1, ascii: false, withNewline: undefined, receivedAt: at },
      {
        text: "two \uFFFD(",
        source: p,
        lineNo: 2,
        ascii: false,
        withNewline: "two \uFFFD(\n",
        receivedAt: at,
      },
    ]);
  });

  it("starts at the end, numbering new lines after the ones already there", async () => {
    const p = join(dir, "auth.log");
    writeFileSync(p, "old 1\nold 2\nold 3\n");
    const { f, lines } = await follow(p);
    expect(lines).toHaveLength(0);
    appendFileSync(p, "new 4\nnew 5\n");
    await f.poll();
    expect(lines.map((l) => [l.text, l.lineNo])).toEqual([
      ["new 4", 4],
      ["new 5", 5],
    ]);
  });

  it("waits for the newline of a partial last line (also one there at start)", async () => {
    const p = join(dir, "auth.log");
    writeFileSync(p, "done\nhalf a li");
    const { f, lines } = await follow(p);
    expect(lines).toHaveLength(0);
    appendFileSync(p, "ne\nanother par");
    await f.poll();
    expect(lines.map((l) => [l.text, l.lineNo])).toEqual([["half a line", 2]]);
    appendFileSync(p, "tial\n");
    await f.poll();
    expect(lines.map((l) => l.text)).toEqual(["half a line", "another partial"]);
  });

  it("follows a rename rotation: the rest of the old file, then the new one from line 1", async () => {
    const p = join(dir, "auth.log");
    writeFileSync(p, "a1\n");
    const { f, lines, warnings } = await follow(p, { rotationGraceMs: 60_000 });
    appendFileSync(p, "a2\n");
    renameSync(p, `${p}.1`);
    appendFileSync(`${p}.1`, "a3 written after the rename\n");
    await f.poll(); // the name is gone: keeps reading the old file
    writeFileSync(p, "b1\nb2\n");
    appendFileSync(`${p}.1`, "a4 written late, before the daemon reopened\n");
    await f.poll(); // the old file is drained before the new one is read
    appendFileSync(`${p}.1`, "a5 still later, within the grace period\n");
    appendFileSync(p, "b3\n");
    await f.poll();
    expect(lines.map((l) => [l.text, l.lineNo])).toEqual([
      ["a2", 2],
      ["a3 written after the rename", 3],
      ["a4 written late, before the daemon reopened", 4],
      ["b1", 1],
      ["b2", 2],
      ["a5 still later, within the grace period", 5],
      ["b3", 3],
    ]);
    expect(f.stats.rotations).toBe(1);
    expect(warnings.some((w) => w.includes("rotated"))).toBe(true);
  });

  it("emits the unfinished last line of a rotated file when letting it go", async () => {
    const p = join(dir, "auth.log");
    writeFileSync(p, "");
    const { f, lines } = await follow(p, { rotationGraceMs: 0 });
    appendFileSync(p, "x1\nx2 cut short");
    renameSync(p, `${p}.1`);
    writeFileSync(p, "y1\n");
    await f.poll();
    expect(lines.map((l) => l.text)).toEqual(["x1", "y1", "x2 cut short"]);
    expect(f.stats.partialFlushed).toBe(1);
  });

  it("follows copytruncate: truncated in place, read again from the start", async () => {
    const p = join(dir, "auth.log");
    writeFileSync(p, "l1\nl2\nl3\n");
    const { f, lines, warnings } = await follow(p);
    appendFileSync(p, "l4\n");
    await f.poll();
    truncateSync(p, 0);
    appendFileSync(p, "n1\n");
    await f.poll();
    expect(lines.map((l) => [l.text, l.lineNo])).toEqual([
      ["l4", 4],
      ["n1", 1],
    ]);
    expect(f.stats.truncations).toBe(1);
    expect(warnings.some((w) => w.includes("truncated"))).toBe(true);
  });

  it("notices a truncation refilled past the old position before it looked", async () => {
    const p = join(dir, "auth.log");
    writeFileSync(p, "Nov 21 10:00:00 first line of the old file\n");
    const { f, lines } = await follow(p);
    truncateSync(p, 0);
    writeFileSync(p, "Nov 22 00:00:00 new file, longer than the old one was\nsecond\n");
    await f.poll();
    expect(lines.map((l) => l.text)).toEqual([
      "Nov 22 00:00:00 new file, longer than the old one was",
      "second",
    ]);
    expect(f.stats.truncations).toBe(1);
  });

  it("cuts a very long line at maxLineBytes with a counted warning, and goes on", async () => {
    const p = join(dir, "auth.log");
    writeFileSync(p, "");
    const { f, lines, warnings } = await follow(p, {
      maxLineBytes: 64 * 1024,
      readChunkBytes: 16 * 1024,
    });
    appendFileSync(p, `${"é".repeat(300_000)}\nafter\n`);
    await f.poll();
    expect(lines).toHaveLength(2);
    expect(Buffer.byteLength(lines[0]?.text ?? "")).toBe(64 * 1024);
    expect(lines[0]?.text).toBe("é".repeat(32 * 1024));
    expect(lines[1]).toMatchObject({ text: "after", lineNo: 2 });
    expect(f.stats.longLines).toBe(1);
    expect(warnings.filter((w) => w.includes("cut to 65536"))).toHaveLength(1);
  });

  it("waits for a file that does not exist yet, then reads it from its beginning", async () => {
    const p = join(dir, "later.log");
    const { f, lines, warnings } = await follow(p);
    expect(warnings[0]).toMatch(/does not exist/);
    writeFileSync(p, "first\nsecond\n");
    await f.poll();
    expect(lines.map((l) => [l.text, l.lineNo])).toEqual([
      ["first", 1],
      ["second", 2],
    ]);
  });

  it("reacts to fs.watch without waiting for the poll, and stops cleanly", async () => {
    const p = join(dir, "auth.log");
    writeFileSync(p, "");
    const lines: LogLine[] = [];
    const f = new FileFollower(p, {
      onLine: (l) => lines.push(l),
      useWatch: true,
      pollIntervalMs: 60_000,
    });
    followers.push(f);
    await f.start();
    appendFileSync(p, "seen through inotify\n");
    await waitFor(() => lines.length === 1, 5000, "the watched line");
    // Rotation is noticed through the directory watch too.
    renameSync(p, `${p}.1`);
    writeFileSync(p, "new file\n");
    await waitFor(() => lines.length === 2, 5000, "the rotated file's line");
    expect(lines.map((l) => l.text)).toEqual(["seen through inotify", "new file"]);
    await f.stop();
    appendFileSync(p, "after stop\n");
    await new Promise((r) => setTimeout(r, 100));
    expect(lines).toHaveLength(2);
  });

  it("resumes where a previous follower stopped, unless the file changed since", async () => {
    const p = join(dir, "auth.log");
    writeFileSync(p, "a\nb\n");
    const first = await follow(p, { fromStart: true });
    appendFileSync(p, "c\nunfini");
    await first.f.poll();
    const pos = first.f.position();
    expect(pos).toMatchObject({ pos: 6, lineNo: 3 });
    await first.f.stop();
    appendFileSync(p, "shed\nd\n");
    const second = await follow(p, { resume: pos });
    expect(second.lines.map((l) => [l.text, l.lineNo])).toEqual([
      ["unfinished", 4],
      ["d", 5],
    ]);
    await second.f.stop();
    // Replaced while nobody watched: read whole.
    renameSync(p, `${p}.1`);
    writeFileSync(p, "new\n");
    const last = second.f.position();
    expect(last).toMatchObject({ pos: 19, lineNo: 5 });
    const third = await follow(p, { resume: last });
    expect(third.lines.map((l) => [l.text, l.lineNo])).toEqual([["new", 1]]);
    expect(third.warnings.some((w) => w.includes("not the file last read"))).toBe(true);
  });

  it("polls on its own when fs.watch is off", async () => {
    const p = join(dir, "auth.log");
    writeFileSync(p, "");
    const lines: LogLine[] = [];
    const f = new FileFollower(p, {
      onLine: (l) => lines.push(l),
      useWatch: false,
      pollIntervalMs: 20,
    });
    followers.push(f);
    await f.start();
    appendFileSync(p, "polled\n");
    await waitFor(() => lines.length === 1, 3000, "the polled line");
  });
});

describe("one-shot reader", () => {
  it("streams a whole file in batches with line numbers; last line without newline", async () => {
    const p = join(dir, "big.log");
    const n = 10_000;
    const body = Array.from({ length: n }, (_, i) => `line ${i + 1}`).join("\n");
    writeFileSync(p, `${body}\r\n${"x".repeat(100_000)}\nlast, no newline`);
    const seen: LogLine[] = [];
    let batches = 0;
    for await (const b of readLogLineBatches(p, { chunkBytes: 4096, batchLines: 1000 })) {
      batches++;
      // About batchLines: a batch is handed out once a chunk's lines take it past that.
      expect(b.length).toBeLessThanOrEqual(1000 + 4096 / 6);
      seen.push(...b);
    }
    expect(batches).toBeGreaterThan(5);
    expect(seen).toHaveLength(n + 2);
    expect(seen[0]).toEqual({
      text: "line 1",
      source: p,
      lineNo: 1,
      ascii: true,
      withNewline: "line 1\n",
      receivedAt: expect.any(Number),
    });
    expect(seen[n - 1]?.text).toBe(`line ${n}`);
    expect(seen[n]?.text.length).toBe(64 * 1024);
    expect(seen[n + 1]).toEqual({
      text: "last, no newline",
      source: p,
      lineNo: n + 2,
      ascii: true,
      withNewline: undefined,
      receivedAt: expect.any(Number),
    });

    const stats = await forEachLogLine(p, () => {}, { dropUnterminated: true });
    expect(stats).toEqual({
      lines: n + 1,
      longLines: 1,
      bytes: expect.any(Number),
      unterminated: true,
    });
  });

  it("reads a file through one reused buffer: lines split across chunks come out whole", async () => {
    const p = join(dir, "chunks.log");
    // multi-byte characters and line ends fall on every chunk boundary somewhere; some 24 KiB,
    // past the shorter first read of a large buffer
    const lines = Array.from({ length: 1000 }, (_, i) => `${i} jürgen ${"€".repeat(i % 5)} ✓`);
    expect(Buffer.byteLength(lines.join("\n"))).toBeGreaterThan(20_000);
    writeFileSync(p, `${lines.join("\n")}\n`);
    for (const chunkBytes of [1, 7, 64, 1 << 20]) {
      const got: LogLine[] = [];
      const stats = await forEachLogLine(p, (l) => got.push(l), { chunkBytes });
      expect(got.map((l) => l.text)).toEqual(lines);
      expect(got.every((l, i) => l.lineNo === i + 1 && l.ascii === false)).toBe(true);
      expect(stats.bytes).toBe(Buffer.byteLength(`${lines.join("\n")}\n`));
    }
  });

  it("closes the file when the reader of batches stops early", async () => {
    const p = join(dir, "early.log");
    writeFileSync(p, "a\n".repeat(50_000));
    const fds = () => readdirSync("/proc/self/fd").length;
    const before = fds();
    for await (const b of readLogLineBatches(p, { chunkBytes: 4096, batchLines: 10 })) {
      expect(b.length).toBeGreaterThan(0);
      break;
    }
    expect(fds()).toBe(before);
  });

  it("reads a stream, and reports a missing file as an error", async () => {
    const got: string[] = [];
    await forEachLogLine(Readable.from([Buffer.from("a\nb"), Buffer.from("c\n")]), (l) =>
      got.push(l.text),
    );
    expect(got).toEqual(["a", "bc"]);
    await expect(forEachLogLine(join(dir, "nope.log"), () => {})).rejects.toThrow(/ENOENT/);
  });
});
