/**
 * The systemd journal, read through `journalctl -o json` (no native binding needed), each entry
 * formatted into the line fail2ban's systemd backend would hand its filters.
 *
 * fail2ban (server/filtersystemd.py, formatJournalEntry) builds the line as
 *   [_HOSTNAME " "] [ (SYSLOG_IDENTIFIER or _COMM) ["[" (SYSLOG_PID or _PID) "]"] ":" " "]
 *   ["[%12.6f] " monotonic seconds, for "kernel:"] MESSAGE
 * with a multi-valued MESSAGE joined by spaces and every newline replaced by the two characters
 * "\n"; the entry's time is _SOURCE_REALTIME_TIMESTAMP, else __REALTIME_TIMESTAMP. This module
 * does the same. In journalctl's JSON, a field holding non-UTF-8 bytes is an array of byte values,
 * a field with several values an array of values, and (without --all) a field over 4096 bytes is
 * null: the reader passes --all.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { LogLine } from "../types.js";
import {
  delay,
  type LineHandler,
  LineSplitter,
  type WarningHandler,
  WarnLimiter,
} from "./common.js";

/** A journal entry as journalctl -o json prints it. */
export type JournalEntry = Record<string, unknown>;

export interface JournalOptions {
  onLine: LineHandler;
  onWarning?: WarningHandler;
  /**
   * journalctl matches, e.g. ["_SYSTEMD_UNIT=sshd.service", "+", "_COMM=sshd"] ("+" is OR, as in
   * fail2ban's journalmatch); a string is split like fail2ban splits journalmatch (shell words).
   */
  matches?: string[] | string;
  /** Start with entries since this time (journalctl --since; a Date or epoch ms becomes "@seconds"). */
  since?: string | Date | number;
  /** Start after this cursor (journalctl --after-cursor); wins over `since`. */
  afterCursor?: string;
  /** Follow new entries (-f, the default); false reads what is there and ends (see `done`). */
  follow?: boolean;
  /** The journalctl to run (default "journalctl", looked up on PATH). */
  journalctl?: string;
  /** Read the journal files of this directory (journalctl -D). */
  directory?: string;
  /** Read these journal files (journalctl --file). */
  files?: string[];
  /** Ask journalctl only for the fields the line needs (--output-fields; default true). */
  outputFields?: boolean;
  /** More arguments, placed before the matches. */
  extraArgs?: string[];
  /** When following and journalctl ends, run it again (from the last cursor) after this delay; the delay doubles up to 30 s. Default 1000 ms. */
  restartDelayMs?: number;
  /** Environment for journalctl (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** `source` of the lines (default "journal"). */
  source?: string;
}

export interface JournalStats {
  /** Entries read and formatted into lines. */
  lines: number;
  /** Output lines that were not a JSON object (counted, skipped). */
  malformed: number;
  /** Times journalctl was run again after it ended. */
  restarts: number;
}

/** Fields the line needs (journalctl always adds __CURSOR and the __*_TIMESTAMP fields). */
const OUTPUT_FIELDS = [
  "MESSAGE",
  "_HOSTNAME",
  "SYSLOG_IDENTIFIER",
  "_COMM",
  "SYSLOG_PID",
  "_PID",
  "_SOURCE_REALTIME_TIMESTAMP",
  "_SOURCE_MONOTONIC_TIMESTAMP",
];

/** JSON lines can be long (a 64 KiB message of raw bytes is ~256 KiB of JSON): cap generously. */
const MAX_JSON_LINE = 8 * 1024 * 1024;

/** Splits a fail2ban `journalmatch` value into journalctl arguments (shell-like words). */
export function splitJournalMatch(s: string): string[] {
  const out: string[] = [];
  let cur = "";
  let has = false;
  let q: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (q) {
      if (c === q) q = null;
      else if (c === "\\" && q === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      q = c;
      has = true;
    } else if (c === "\\" && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = "";
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (q) throw new Error(`journalmatch: unclosed quote in ${JSON.stringify(s)}`);
  if (has) out.push(cur);
  return out;
}

/** The journalctl arguments for these options. */
export function journalctlArgs(opts: Omit<JournalOptions, "onLine">): string[] {
  const follow = opts.follow ?? true;
  const args = ["-o", "json", "--all", "--no-pager", "-q"];
  if (opts.outputFields ?? true) args.push(`--output-fields=${OUTPUT_FIELDS.join(",")}`);
  if (opts.directory) args.push("-D", opts.directory);
  for (const f of opts.files ?? []) args.push(`--file=${f}`);
  if (opts.afterCursor) args.push(`--after-cursor=${opts.afterCursor}`);
  else if (opts.since !== undefined) args.push(`--since=${sinceArg(opts.since)}`);
  else if (follow) args.push("-n", "0");
  if (follow) args.push("-f");
  args.push(...(opts.extraArgs ?? []));
  const m = typeof opts.matches === "string" ? splitJournalMatch(opts.matches) : opts.matches;
  if (m) args.push(...m);
  return args;
}

function sinceArg(since: string | Date | number): string {
  if (typeof since === "string") return since;
  const ms = typeof since === "number" ? since : since.getTime();
  return `@${Math.floor(ms / 1000)}`;
}

/** A field's value as text: bytes decoded as UTF-8 (U+FFFD for invalid), the first of several. */
function fieldText(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) {
    if (v.length === 0) return "";
    if (typeof v[0] === "number") return bytesText(v);
    return fieldText(v[0]);
  }
  if (typeof v === "number") return String(v);
  return "";
}

function bytesText(v: unknown[]): string {
  const b = Buffer.allocUnsafe(v.length);
  for (let i = 0; i < v.length; i++) b[i] = Number(v[i]) & 0xff;
  return b.toString("utf8");
}

/** MESSAGE: several values (an array of strings or byte arrays) are joined by spaces. */
function messageText(v: unknown): string {
  if (Array.isArray(v) && v.length > 0 && typeof v[0] !== "number") {
    return v.map((x) => fieldText(x)).join(" ");
  }
  return fieldText(v);
}

/** "[%i]" of an integer PID, else the value as it is (fail2ban's fallback). */
function pidText(v: string): string {
  const t = v.trim();
  if (/^[+-]?\d+$/.test(t)) return String(Number.parseInt(t, 10));
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(t)) return String(Number.parseInt(t, 16));
  return v;
}

function micros(v: unknown): number | undefined {
  const s = fieldText(v);
  if (!/^\d+$/.test(s)) return undefined;
  return Number(s);
}

/** The line fail2ban's systemd backend makes of a journal entry, and the entry's time (epoch ms). */
export function formatJournalEntry(entry: JournalEntry): { text: string; time?: number } {
  const parts: string[] = [];
  const host = fieldText(entry._HOSTNAME);
  if (host) parts.push(host);
  const ident = fieldText(entry.SYSLOG_IDENTIFIER) || fieldText(entry._COMM);
  if (ident) {
    let tag = ident;
    const pid = fieldText(entry.SYSLOG_PID) || fieldText(entry._PID);
    if (pid) tag += `[${pidText(pid)}]`;
    tag += ":";
    parts.push(tag);
    if (tag === "kernel:") {
      const mono = micros(entry._SOURCE_MONOTONIC_TIMESTAMP) ?? micros(entry.__MONOTONIC_TIMESTAMP);
      if (mono !== undefined) parts.push(`[${(mono / 1e6).toFixed(6).padStart(12)}]`);
    }
  }
  parts.push(messageText(entry.MESSAGE));
  const text = parts.join(" ").replace(/\n/g, "\\n");
  const us = micros(entry._SOURCE_REALTIME_TIMESTAMP) ?? micros(entry.__REALTIME_TIMESTAMP);
  return us === undefined ? { text } : { text, time: Math.floor(us / 1000) };
}

/** Parses one line of `journalctl -o json` output; undefined if it is not a JSON object. */
export function parseJournalJson(line: string): JournalEntry | undefined {
  if (line.length === 0 || line.charCodeAt(0) !== 0x7b) return undefined;
  try {
    const v: unknown = JSON.parse(line);
    return v !== null && typeof v === "object" && !Array.isArray(v)
      ? (v as JournalEntry)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs journalctl and hands out each entry as a LogLine (source "journal", time the entry's).
 * Following, it runs journalctl again from the last cursor if it ends; `stop()` ends it.
 * Not following, `done` resolves when journalctl has printed everything (rejects if it failed).
 */
export class JournalReader {
  readonly stats: JournalStats = { lines: 0, malformed: 0, restarts: 0 };
  /** The cursor of the last entry read (resume point). */
  cursor: string | undefined;
  /** Settles when reading ends: not following, at journalctl's exit; following, at stop(). */
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private rejectDone!: (e: Error) => void;
  private child: ChildProcess | null = null;
  private readonly source: string;
  private readonly warn: WarningHandler;
  private readonly badWarn: WarnLimiter;
  private readonly abort = new AbortController();
  private stopped = false;
  private startedAt = 0;
  private readonly follow: boolean;
  private restartDelay: number;
  private outputFields: boolean;

  constructor(private readonly opts: JournalOptions) {
    this.source = opts.source ?? "journal";
    this.warn = opts.onWarning ?? (() => {});
    this.badWarn = new WarnLimiter(opts.onWarning);
    this.follow = opts.follow ?? true;
    this.restartDelay = opts.restartDelayMs ?? 1000;
    this.outputFields = opts.outputFields ?? true;
    this.done = new Promise<void>((res, rej) => {
      this.resolveDone = res;
      this.rejectDone = rej;
    });
    // A caller that only awaits start()/stop() must not see an unhandled rejection.
    this.done.catch(() => {});
  }

  /** Runs journalctl; resolves once it is running, rejects if it cannot be started. */
  async start(): Promise<void> {
    try {
      await this.run(this.argsNow());
    } catch (e) {
      this.stopped = true;
      this.rejectDone(e as Error);
      throw e;
    }
  }

  /** Ends journalctl (SIGTERM, then SIGKILL after 2 s) and resolves when it has exited. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    const c = this.child;
    if (c && c.exitCode === null && c.signalCode === null) {
      const exited = new Promise<void>((r) => c.once("close", () => r()));
      c.kill("SIGTERM");
      const t = setTimeout(() => c.kill("SIGKILL"), 2000);
      await exited;
      clearTimeout(t);
    }
    this.resolveDone();
  }

  private run(args: string[]): Promise<void> {
    const cmd = this.opts.journalctl ?? "journalctl";
    this.startedAt = Date.now();
    const child = spawn(cmd, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: this.opts.env ?? process.env,
    });
    this.child = child;
    const splitter = new LineSplitter(MAX_JSON_LINE);
    const emit = (json: string) => this.entry(json);
    let stderr = "";
    let spawned = false;
    child.stdout?.on("data", (b: Buffer) => splitter.push(b, emit));
    child.stderr?.on("data", (b: Buffer) => {
      stderr = (stderr + b.toString("utf8")).slice(-4096);
    });
    child.on("close", (code, signal) => {
      splitter.flush(emit);
      if (this.child === child) this.child = null;
      // A journalctl that could not be started is reported by the "error" handler below.
      if (spawned) this.ended(code, signal, stderr.trim());
    });
    return new Promise<void>((resolve, reject) => {
      child.once("spawn", () => {
        spawned = true;
        resolve();
      });
      child.once("error", (e: NodeJS.ErrnoException) => {
        const msg =
          e.code === "ENOENT"
            ? `${cmd}: not found (is systemd's journalctl installed and on PATH?)`
            : `${cmd}: ${e.message}`;
        reject(new Error(msg));
      });
    });
  }

  /** Arguments for a (re)run: from the last cursor if there is one, else from the start asked. */
  private argsNow(since?: number): string[] {
    return journalctlArgs({
      ...this.opts,
      outputFields: this.outputFields,
      afterCursor: this.cursor ?? this.opts.afterCursor,
      since: this.cursor ? undefined : (this.opts.since ?? since),
    });
  }

  private entry(json: string): void {
    const e = parseJournalJson(json);
    if (!e) {
      if (json.trim() === "") return;
      this.stats.malformed++;
      this.badWarn.note(`journal: skipped a line that is not a JSON object: ${json.slice(0, 120)}`);
      return;
    }
    const c = e.__CURSOR;
    if (typeof c === "string") this.cursor = c;
    const { text, time } = formatJournalEntry(e);
    this.stats.lines++;
    const line: LogLine = { text, source: this.source, time };
    this.opts.onLine(line);
  }

  private ended(code: number | null, signal: NodeJS.Signals | null, stderr: string): void {
    if (this.stopped) return;
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (
      code !== 0 &&
      this.stats.lines === 0 &&
      this.outputFields &&
      /output-fields|unrecognized option/i.test(stderr)
    ) {
      // journalctl before systemd 236 has no --output-fields: run it again without.
      this.outputFields = false;
      this.warn("journal: this journalctl has no --output-fields; asking for whole entries");
      this.run(this.argsNow()).catch((e: Error) => this.ended(null, null, e.message));
      return;
    }
    if (!this.follow) {
      if (code === 0) this.resolveDone();
      else this.rejectDone(new Error(`journalctl ended with ${how}${stderr ? `: ${stderr}` : ""}`));
      return;
    }
    // Following: it should not end. Run it again from where we were, with a growing delay.
    if (Date.now() - this.startedAt > 60_000) this.restartDelay = this.opts.restartDelayMs ?? 1000;
    const wait = this.restartDelay;
    this.restartDelay = Math.min(this.restartDelay * 2, 30_000);
    this.warn(
      `journal: journalctl ended (${how}${stderr ? `: ${stderr}` : ""}); running it again in ${wait} ms`,
    );
    const since = this.startedAt;
    void delay(wait, this.abort.signal).then(async () => {
      if (this.stopped) return;
      this.stats.restarts++;
      try {
        await this.run(this.argsNow(since));
      } catch (e) {
        this.ended(null, null, (e as Error).message);
      }
    });
  }
}
