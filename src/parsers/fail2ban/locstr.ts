/**
 * A string that remembers, for every character, the file and line it was written on. Interpolation
 * and tag substitution build values out of pieces of many files; keeping the origin of each piece
 * lets a failregex line or an ignoreip entry point at the line that actually wrote it.
 */
import type { Provenance } from "./types.js";

interface Run {
  /** Offset in `text` where this origin starts; it lasts until the next run. */
  start: number;
  at: Provenance;
}

function sameAt(a: Provenance, b: Provenance): boolean {
  return a.line === b.line && a.file === b.file;
}

export class LocStr {
  private constructor(
    readonly text: string,
    /** Sorted by start, the first at 0, never two neighbours with the same origin. */
    private readonly runs: readonly Run[],
  ) {}

  static of(text: string, at: Provenance): LocStr {
    return new LocStr(text, [{ start: 0, at }]);
  }

  /** The parts joined; `fallback` is the origin of an empty result with no parts. */
  static concat(parts: readonly LocStr[], fallback?: Provenance): LocStr {
    if (parts.length === 1 && parts[0]) return parts[0];
    let text = "";
    const runs: Run[] = [];
    for (const part of parts) {
      if (part.text === "" && runs.length > 0) continue;
      for (const run of part.runs) {
        const start = text.length + run.start;
        const last = runs[runs.length - 1];
        if (last && sameAt(last.at, run.at)) continue;
        if (last && last.start === start) runs[runs.length - 1] = { start, at: run.at };
        else runs.push({ start, at: run.at });
      }
      text += part.text;
    }
    if (runs.length === 0) runs.push({ start: 0, at: fallback ?? { file: "<fail2ban>", line: 0 } });
    return new LocStr(text, runs);
  }

  get length(): number {
    return this.text.length;
  }

  /** The origin of the character at `offset` (the last origin past the end). */
  originAt(offset: number): Provenance {
    let lo = 0;
    let hi = this.runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const run = this.runs[mid];
      if (run && run.start <= offset) lo = mid;
      else hi = mid - 1;
    }
    // runs is never empty: every constructor path starts with a run at 0
    return (this.runs[lo] as Run).at;
  }

  /** The origin of the first non-blank character, or of the start for a blank string. */
  firstOrigin(): Provenance {
    const m = /\S/.exec(this.text);
    return this.originAt(m ? m.index : 0);
  }

  slice(start: number, end: number = this.text.length): LocStr {
    const s = Math.max(0, Math.min(start, this.text.length));
    const e = Math.max(s, Math.min(end, this.text.length));
    const runs: Run[] = [{ start: 0, at: this.originAt(s) }];
    for (const run of this.runs) {
      if (run.start > s && run.start < e) runs.push({ start: run.start - s, at: run.at });
    }
    return new LocStr(this.text.slice(s, e), runs);
  }

  /** Distinct origins of the characters, in order (the start's origin for an empty string). */
  sources(): Provenance[] {
    const out: Provenance[] = [];
    for (const run of this.runs) {
      if (run.start >= this.text.length && this.text.length > 0) break;
      if (!out.some((p) => sameAt(p, run.at))) out.push(run.at);
    }
    return out;
  }

  /** Python's `str.split('\n')`. */
  splitLines(): LocStr[] {
    const out: LocStr[] = [];
    let from = 0;
    for (;;) {
      const nl = this.text.indexOf("\n", from);
      if (nl < 0) break;
      out.push(this.slice(from, nl));
      from = nl + 1;
    }
    out.push(this.slice(from));
    return out;
  }

  /** Python's `str.strip()` (whitespace both ends). */
  trim(): LocStr {
    const start = this.text.length - this.text.trimStart().length;
    const end = this.text.trimEnd().length;
    return start === 0 && end === this.text.length ? this : this.slice(start, Math.max(start, end));
  }

  trimEnd(): LocStr {
    const end = this.text.trimEnd().length;
    return end === this.text.length ? this : this.slice(0, end);
  }

  /** Python's `str.replace(old, new)`: every occurrence. */
  replaceAll(needle: string, by: LocStr): LocStr {
    if (needle === "" || !this.text.includes(needle)) return this;
    const parts: LocStr[] = [];
    let from = 0;
    for (;;) {
      const at = this.text.indexOf(needle, from);
      if (at < 0) break;
      parts.push(this.slice(from, at), by);
      from = at + needle.length;
    }
    parts.push(this.slice(from));
    return LocStr.concat(parts);
  }
}
