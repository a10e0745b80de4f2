/**
 * `bulwark regex LOG FILTER`: the equivalent of fail2ban-regex. FILTER is a built-in detector
 * (`sshd`, `asterisk`...) or a fail2ban filter file (optionally `file[name=value,...]`); every line
 * of LOG is fed to it, in order.
 *
 * Text output: fail2ban-regex's summary (prefregex, failregex and ignoreregex hits, date
 * templates, lines matched/ignored/missed, counted as fail2ban-regex counts them). JSON output:
 * an array with one object per line of LOG, `{ line, match, host, user, users, time, ... }`.
 * Exit status 0, or 2 when the filter cannot be loaded (the message names file and line) or the
 * log cannot be read.
 */
import { createReadStream, statSync } from "node:fs";
import { FilterCompileError, type LineVerdict } from "../watch/filter/compile.js";
import { type LoadedFilter, loadFilter } from "../watch/filter/load.js";
import { isoInZone } from "../watch/filter/timezone.js";

export interface RegexCommandOptions {
  mode?: string;
  logtype?: string;
  set: string[];
  format: string;
  timezone?: string;
}

/** The lines of a file, decoded as UTF-8 (invalid bytes become U+FFFD), without their `\r\n`. */
async function* readLines(path: string): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8");
  let rest = "";
  for await (const chunk of createReadStream(path)) {
    rest += decoder.decode(chunk as Buffer, { stream: true });
    let i = rest.indexOf("\n");
    let start = 0;
    while (i >= 0) {
      yield rest.slice(start, i).replace(/\r+$/, "");
      start = i + 1;
      i = rest.indexOf("\n", start);
    }
    rest = rest.slice(start);
  }
  rest += decoder.decode();
  if (rest !== "") yield rest.replace(/\r+$/, "");
}

function jsonFor(
  lineNo: number,
  v: LineVerdict,
  flt: LoadedFilter,
  journal: boolean,
): Record<string, unknown> {
  const o: Record<string, unknown> = { line: lineNo, match: v.found.length > 0 };
  if (v.kind === "ignored") o.ignored = true;
  const first = v.found[0];
  if (first) {
    const fail = first.fail;
    const host = (fail.ip4 ?? fail.ip6 ?? fail.dns ?? first.fid) as string | null | undefined;
    if (host) o.host = host;
    if (typeof fail.user === "string") o.user = fail.user;
    if (fail.users?.size) o.users = [...fail.users].sort();
    if (typeof fail.fid === "string") o.id = fail.fid;
    o.attempts = (fail.matches ?? []).length;
    o.regex = first.regexIndex + 1;
    if (first.date !== undefined && !journal) {
      o.time = isoInZone(first.date * 1000, flt.timeZone.zone, flt.timeZone.fixed);
    }
    if (v.found.length > 1) {
      o.failures = v.found.map((r) => ({
        regex: r.regexIndex + 1,
        host: (r.fail.ip4 ?? r.fail.ip6 ?? r.fail.dns ?? r.fid) as string,
      }));
    }
  }
  return o;
}

export async function runRegexCommand(
  log: string,
  filter: string,
  opts: RegexCommandOptions,
): Promise<number> {
  const out = (s: string) => process.stdout.write(s);
  const err = (s: string) => process.stderr.write(`bulwark regex: ${s}\n`);
  let flt: LoadedFilter;
  try {
    const loadOpts: Parameters<typeof loadFilter>[1] = {
      set: opts.set ?? [],
      checkAllRegex: true,
      keepPending: true,
    };
    if (opts.mode !== undefined) loadOpts.mode = opts.mode;
    if (opts.logtype !== undefined) loadOpts.logtype = opts.logtype;
    if (opts.timezone !== undefined) loadOpts.timezone = opts.timezone;
    flt = loadFilter(filter, loadOpts);
  } catch (e) {
    if (e instanceof FilterCompileError) err(e.message);
    else err(`${filter}: ${(e as Error).message}`);
    return 2;
  }
  try {
    if (!statSync(log).isFile()) throw new Error("not a regular file");
  } catch (e) {
    err(`cannot read ${log}: ${(e as Error).message}`);
    return 2;
  }
  for (const w of flt.warnings) err(`warning: ${w}`);
  const journal = flt.logtype === "journal";
  const json = opts.format === "json";
  const stats = { lines: 0, matched: 0, ignored: 0, missed: 0 };
  const t0 = performance.now();
  let lineNo = 0;
  let firstJson = true;
  if (json) out("[");
  try {
    for await (const text of readLines(log)) {
      lineNo++;
      const v = flt.classify(text);
      stats.lines++;
      stats[v.kind]++;
      if (json) {
        out(`${firstJson ? "\n" : ",\n"}${JSON.stringify(jsonFor(lineNo, v, flt, journal))}`);
        firstJson = false;
      }
    }
  } catch (e) {
    if (json) out("\n]\n");
    err(`cannot read ${log}: ${(e as Error).message}`);
    return 2;
  }
  const elapsed = (performance.now() - t0) / 1000;
  if (json) {
    out(firstJson ? "]\n" : "\n]\n");
    return 0;
  }
  const lines: string[] = [];
  const list = (items: string[], header?: string) => {
    if (header) lines.push(`|- ${header}`);
    for (const i of items) lines.push(`|  ${i}`);
    lines.push("`-");
  };
  lines.push("", "Running tests", "=============", "");
  lines.push(
    flt.origin.startsWith("builtin:")
      ? `Use   failregex built-in detector : ${flt.origin.slice(8)}`
      : `Use   failregex filter file : ${flt.origin}`,
  );
  const dp = flt.definition.datepattern?.value;
  if (dp !== undefined && !journal) lines.push(`Use      datepattern : ${dp}`);
  if (journal) lines.push("Use          logtype : journal (no timestamps)");
  lines.push(`Use         log file : ${log}`, "", "Results", "=======", "");
  if (flt.prefregex !== undefined) {
    lines.push(`Prefregex: ${flt.stats.prefregex} total`);
    list([flt.prefregex]);
    lines.push("");
  }
  const regexes = (title: string, res: readonly string[], counts: number[]) => {
    const total = counts.reduce((a, b) => a + b, 0);
    lines.push(`${title}: ${total} total`);
    const items = res
      .map((r, i) => ({ r, i, n: counts[i] ?? 0 }))
      .filter((x) => x.n > 0)
      .map((x) => `${String(x.i + 1).padStart(2)}) [${x.n}] ${x.r}`);
    if (items.length) list(items, " #) [# of hits] regular expression");
    lines.push("");
  };
  // as fail2ban-regex shows them: as written, tags unexpanded
  const written = (lines: readonly { text: string }[], compiled: readonly string[]) =>
    lines.length === compiled.length ? lines.map((l) => l.text) : compiled;
  regexes("Failregex", written(flt.definition.failregex, flt.failregex), flt.stats.fail);
  regexes("Ignoreregex", written(flt.definition.ignoreregex, flt.ignoreregex), flt.stats.ignore);
  if (!journal) {
    const hits = flt.dateTemplates().filter((t) => t.hits > 0);
    lines.push("Date template hits:");
    list(
      hits.map((t) => `[${t.hits}] ${t.name}`),
      "[# of hits] date format",
    );
    lines.push("");
  }
  lines.push(
    `Lines: ${stats.lines} lines, ${stats.ignored} ignored, ${stats.matched} matched, ${stats.missed} missed`,
  );
  lines.push(`[processed in ${elapsed.toFixed(2)} sec]`, "");
  out(`${lines.join("\n")}\n`);
  return 0;
}
