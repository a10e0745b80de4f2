/**
 * A resolved fail2ban filter definition → a matcher over log lines.
 *
 * `compileFilter(def, opts).process(line)` gives, for one line, the failures it completes (a line
 * can complete several pending multi-line failures) and whether an ignoreregex dropped it.
 *
 * Limits, by choice:
 * - Lines longer than `maxLineLength` (default 8192 characters, rsyslog's default maximum message
 *   size) are cut before matching. fail2ban does not cut lines; a JavaScript regex cannot be
 *   interrupted, and the cut bounds the polynomial worst cases that the static check of the
 *   translator (which refuses the exponential ones) lets through.
 * - Host names captured by `<HOST>` are returned as written: fail2ban resolves them when
 *   `usedns` is yes/warn; resolving (or not) is the jail's business here.
 */
import type { FilterDefinition, ValueLine } from "../../parsers/fail2ban/filter.js";
import type { Located } from "../../parsers/fail2ban/types.js";
import { PyRegexError } from "../regex/errors.js";
import type { FilterMatch, FilterResult, LogLine } from "../types.js";
import { DatePatternError } from "./datetemplate.js";
import {
  type EngineOptions,
  type FailData,
  FilterEngine,
  type LineHints,
  type RawFailure,
} from "./engine.js";
import { RegexException, type TupleLine } from "./failregex.js";
import { isFixedTimeZone, TimeZoneError, validateTimeZone } from "./strptime.js";
import { isIanaZone, localZone } from "./timezone.js";

export const DEFAULT_MAX_LINE_LENGTH = 8192;

export interface CompileOptions {
  /**
   * `journal`: lines are journal messages (`host ident[pid]: MESSAGE`), no date is looked for;
   * the time is the input's (LogLine.time) or now. Default: the definition's `logtype`, else file.
   */
  logtype?: string;
  /**
   * Zone of timestamps without one: an IANA name (`Europe/Zurich`) read with its summer time, or
   * a fixed offset as fail2ban's `logtimezone` takes it (`UTC+0200`, `CET`, `-0400`). Default:
   * the machine's zone.
   */
  timezone?: string;
  /** "Now" (epoch ms): year inference of syslog dates. Default Date.now. */
  now?: () => number;
  /** Try every failregex (fail2ban-regex's default) instead of stopping at the first match. */
  checkAllRegex?: boolean;
  /** Keep failures still waiting for their address (multi-line); default false. */
  keepPending?: boolean;
  /** Default {@link DEFAULT_MAX_LINE_LENGTH}. */
  maxLineLength?: number;
  /** Patterns that can backtrack exponentially: refuse (default) or accept with a warning. */
  unsafeRegex?: "reject" | "warn";
  /** Override the definition's `usedns` (yes, warn, no, raw). */
  useDns?: string;
  /** Replace timestamps far from now by now, as fail2ban's server does in operation. */
  checkFindTime?: boolean;
}

/** A filter match with what fail2ban keeps besides: the lines gathered and every capture. */
export interface Fail2banMatch extends FilterMatch {
  /** fail2ban's failure id: the address, or the `<F-ID>` value. */
  fid: string;
  /** The lines (date included) gathered into this failure; fail2ban's `attempts` is their count. */
  matches: string[];
  /** fail2ban's ticket data: every capture and flag (`users` as a sorted array). */
  data: Record<string, unknown>;
}

export interface Fail2banResult extends FilterResult {
  match?: Fail2banMatch;
}

export interface LineVerdict {
  kind: "matched" | "ignored" | "missed";
  found: RawFailure[];
  raw: RawFailure[];
}

export class FilterCompileError extends Error {
  override readonly name = "FilterCompileError";
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}${line ? `:${line}` : ""}: ${reason}`);
  }
}

export interface CompiledFilter {
  readonly name: string;
  readonly logtype: string;
  /** The regexes as fail2ban shows them (tags expanded). */
  readonly failregex: readonly string[];
  readonly ignoreregex: readonly string[];
  readonly prefregex: string | undefined;
  /** journalmatch lines, each split into its terms (`_SYSTEMD_UNIT=sshd.service`, `+`...). */
  readonly journalmatch: readonly string[][];
  readonly warnings: readonly string[];
  /** The zone of timestamps without one (IANA), and fail2ban's fixed `logtimezone` offset if set. */
  readonly timeZone: { zone: string; fixed?: number };
  /** Failures this line gives (failures only: helpers that are not failures are left out). */
  process(line: LogLine): Fail2banResult[];
  /** fail2ban's own processLine result (for tools and tests): every entry, pending and nofail too. */
  processRaw(text: string, time?: number, hints?: LineHints): RawFailure[];
  /**
   * A line the way fail2ban-regex counts it (compile with checkAllRegex and keepPending to count
   * exactly as it does): `matched` (an entry that is not a mere helper), `ignored` (an
   * ignoreregex or a helper), `missed`; `found` are the failures in fail2ban's test harness sense.
   */
  classify(line: string | LogLine, time?: number): LineVerdict;
  /** Per-regex hit counts so far (every entry processLine returned, nofail ones included). */
  readonly stats: { fail: number[]; ignore: number[]; prefregex: number };
  /** Names and hit counts of the date templates. */
  dateTemplates(): { name: string; hits: number }[];
}

function atOf(v: ValueLine | Located<string>): { file: string; line: number } {
  return { file: v.at.file, line: v.at.line };
}

function describe(e: unknown): string {
  if (e instanceof PyRegexError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Resolve the time zone option: an IANA zone, or a fixed fail2ban offset. */
export function resolveTimeZone(tz: string | undefined): { zone: string; fixed?: number } {
  if (tz === undefined || tz === "") return { zone: localZone() };
  if (isFixedTimeZone(tz)) return { zone: localZone(), fixed: validateTimeZone(tz) };
  if (isIanaZone(tz)) return { zone: tz };
  throw new TimeZoneError(`Unknown or unsupported time zone: '${tz}'`);
}

function usersOf(fail: FailData): string[] {
  if (fail.users?.size) return [...fail.users].sort();
  const u = fail.user;
  return typeof u === "string" && u !== "" ? [u] : [];
}

const NOT_FIELDS = new Set([
  "ip4",
  "ip6",
  "dns",
  "fid",
  "user",
  "users",
  "matches",
  "nofail-matches",
  "content",
]);

const INTERNAL_GROUP = /^_*__py[gma]\d+$/;

/** fail2ban's ticket data of a failure, for display: every capture and flag, `users` sorted. */
export function failData(fail: FailData): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fail)) {
    if (v === undefined || k === "matches" || k === "nofail-matches" || INTERNAL_GROUP.test(k)) {
      continue;
    }
    data[k] = v instanceof Set ? [...v].sort() : v;
  }
  return data;
}

export function toMatch(r: RawFailure): Fail2banMatch {
  const fail = r.fail;
  let fields: Record<string, string> | undefined;
  const getFields = () => {
    if (fields) return fields;
    fields = {};
    for (const k in fail) {
      const v = fail[k];
      if (typeof v !== "string" || NOT_FIELDS.has(k) || INTERNAL_GROUP.test(k)) continue;
      if (k.startsWith("skiplines")) continue;
      fields[k.toLowerCase()] = v;
    }
    return fields;
  };
  const host =
    (fail.ip4 as string | null | undefined) ??
    (fail.ip6 as string | null | undefined) ??
    (fail.dns as string | null | undefined) ??
    undefined;
  const matches = fail.matches ?? [];
  let data: Record<string, unknown> | undefined;
  let lines: string[] | undefined;
  const m = {
    regexIndex: r.regexIndex,
    users: usersOf(fail),
    get fields(): Record<string, string> {
      return getFields();
    },
    fid: r.fid ?? "",
    get matches(): string[] {
      lines ??= matches.map((t: TupleLine) => t.join(""));
      return lines;
    },
    get data(): Record<string, unknown> {
      data ??= failData(fail);
      return data;
    },
  } as Fail2banMatch;
  if (host !== undefined) m.host = host;
  else if (r.fid !== null) m.host = r.fid;
  const id = fail.fid;
  if (typeof id === "string") m.id = id;
  if (r.date !== undefined) m.time = Math.round(r.date * 1000);
  return m;
}

/** What an input may know of a line that spares a filter work (a LogLine is one). */
export type { LineHints };

/** Compile a resolved filter definition. Throws {@link FilterCompileError} naming file and line. */
export function compileFilter(def: FilterDefinition, opts: CompileOptions = {}): CompiledFilter {
  const errors = def.diagnostics.filter((d) => d.severity === "error");
  const firstError = errors[0];
  if (firstError)
    throw new FilterCompileError(firstError.file, firstError.line, firstError.message);
  const anchor = def.files[def.files.length - 1] ?? `filter.d/${def.name}.conf`;
  if (def.failregex.length === 0) {
    throw new FilterCompileError(anchor, 0, `filter '${def.name}' defines no failregex`);
  }
  let tz: { zone: string; fixed?: number };
  try {
    tz = resolveTimeZone(opts.timezone);
  } catch (e) {
    throw new FilterCompileError(anchor, 0, describe(e));
  }
  const logtype = opts.logtype ?? def.logtype?.value ?? "file";
  const journal = logtype === "journal";
  const nowMs = opts.now ?? Date.now;
  const stats = { fail: [] as number[], ignore: [] as number[], prefregex: 0 };
  const givenNow = opts.now;
  const engineOpts: EngineOptions = {
    // without a clock of the caller's, the engine's own real-time reading (once per line)
    ...(givenNow ? { now: () => givenNow() / 1000 } : {}),
    zone: tz.zone,
    logTimeZone: tz.fixed,
    useDns: opts.useDns ?? def.usedns?.value ?? "warn",
    returnRawHost: true,
    checkAllRegex: opts.checkAllRegex ?? false,
    ignorePending: !(opts.keepPending ?? false),
    checkFindTime: opts.checkFindTime ?? false,
    unsafe: opts.unsafeRegex ?? "reject",
    onIgnoreRegex: (i) => {
      stats.ignore[i] = (stats.ignore[i] ?? 0) + 1;
      ignoredFlag = true;
    },
  };
  let ignoredFlag = false;
  const engine = new FilterEngine(engineOpts);
  const warnings: string[] = [];
  const step = (where: { file: string; line: number }, label: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      if (
        e instanceof PyRegexError ||
        e instanceof RegexException ||
        e instanceof DatePatternError ||
        e instanceof Error
      ) {
        throw new FilterCompileError(where.file, where.line, `${label}: ${describe(e)}`);
      }
      throw e;
    }
  };
  if (def.maxlines) {
    const ml = def.maxlines;
    step(atOf(ml), "maxlines", () => engine.setMaxLines(ml.value));
  }
  if (def.prefregex?.value) {
    const pr = def.prefregex;
    step(atOf(pr), "prefregex", () => engine.setPrefRegex(pr.value));
  }
  def.failregex.forEach((v, i) => {
    step(atOf(v), `failregex ${i + 1}`, () => engine.addFailRegex(v.text));
  });
  def.ignoreregex.forEach((v, i) => {
    step(atOf(v), `ignoreregex ${i + 1}`, () => engine.addIgnoreRegex(v.text));
  });
  if (def.datepattern) {
    const dp = def.datepattern;
    step(atOf(dp), "datepattern", () => engine.setDatePattern(dp.value));
  }
  for (const r of [engine.prefregex, ...engine.failRegex, ...engine.ignoreRegex]) {
    for (const w of r?.py.translation.warnings ?? [])
      warnings.push(`${w.message} (${w.construct})`);
  }
  stats.fail = engine.failRegex.map(() => 0);
  stats.ignore = engine.ignoreRegex.map(() => 0);
  const maxLen = opts.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;

  const processRaw = (text0: string, time?: number, hints?: LineHints): RawFailure[] => {
    const cut = text0.length > maxLen;
    const text = cut ? text0.slice(0, maxLen) : text0;
    const before = engine.prefMatched;
    const out = journal
      ? engine.processLine(
          ["", new Date(time ?? nowMs()).toISOString(), text],
          (time ?? nowMs()) / 1000,
          hints,
        )
      : engine.processLine(
          text,
          undefined,
          // a line cut to the cap has no "with its newline" form
          cut ? { ascii: hints?.ascii, receivedAt: hints?.receivedAt } : hints,
        );
    stats.prefregex += engine.prefMatched - before;
    for (const r of out) stats.fail[r.regexIndex] = (stats.fail[r.regexIndex] ?? 0) + 1;
    return out;
  };

  return {
    name: def.name,
    logtype,
    failregex: engine.failRegex.map((r) => r.regex),
    ignoreregex: engine.ignoreRegex.map((r) => r.regex),
    prefregex: engine.prefregex?.regex,
    journalmatch: def.journalmatch.map((j) => j.text.split(/\s+/).filter(Boolean)),
    warnings,
    timeZone: tz,
    stats,
    processRaw,
    classify(line: string | LogLine, time?: number): LineVerdict {
      ignoredFlag = false;
      const raw =
        typeof line === "string"
          ? processRaw(line, time)
          : processRaw(line.text, time ?? line.time, line);
      let isIgnored = ignoredFlag;
      let counted = 0;
      let found: RawFailure[] | undefined;
      for (const r of raw) {
        if (r.fail.nofail) isIgnored = true;
        else counted++;
        if (r.fid !== null && !r.fail.nofail) {
          if (found === undefined) found = [r];
          else found.push(r);
        }
      }
      const kind = isIgnored ? "ignored" : counted > 0 ? "matched" : "missed";
      return { kind, found: found ?? [], raw };
    },
    process(line: LogLine): Fail2banResult[] {
      ignoredFlag = false;
      const raw = processRaw(line.text, line.time, line);
      const out: Fail2banResult[] = [];
      for (const r of raw) {
        if (r.fid === null || r.fail.nofail) continue;
        const m = toMatch(r);
        if (m.time === undefined && line.time !== undefined) m.time = line.time;
        out.push({ ignored: false, match: m });
      }
      if (out.length === 0 && ignoredFlag) out.push({ ignored: true });
      return out;
    },
    dateTemplates() {
      return (engine.dateDetector?.templateList ?? []).map((t) => ({ name: t.name, hits: t.hits }));
    },
  };
}
