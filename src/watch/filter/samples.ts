/**
 * A runner for fail2ban's annotated sample logs (fail2ban/tests/files/logs), following its test
 * harness (fail2ban/tests/samplestestcase.py): `# failJSON: {...}` states what the next line must
 * give, `# filterOptions:` switches the filter variants every following line is run through,
 * `# fileOptions:` merges common options into later variants, `# addFILE:` queues another log.
 * Each variant is one persistent filter (its multi-line state carries over), "now" is frozen and
 * the expected times are local wall-clock times of a given zone.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RawFailure } from "./engine.js";
import { mktime } from "./timezone.js";

/** fail2ban's test "now": 2005-08-14 10:00:00 UTC. */
export const TEST_NOW = 1124013600;
/** The zone of fail2ban's test suite (TZ=CET-01CEST-02,M3.5.0,M10.5.0). */
export const TEST_ZONE = "Europe/Zurich";

const ANNOTATION_RE = /^#+ ?(failJSON|(?:file|filter)Options|addFILE):(.+)$/;

/** What the runner needs of a filter variant. */
export interface SampleFilter {
  /** fail2ban's processLine: with `time` (epoch ms) for journal lines (no date parsing). */
  processRaw(text: string, time?: number): RawFailure[];
  /** The failregexes (for the "every regex has a sample" rule). */
  readonly failregex: readonly string[];
}

export interface SampleOptions {
  /** Directory of the logs. */
  dir: string;
  /** First log file (a name in `dir`). */
  file: string;
  /** The filter's name, as the annotations' conditions see it (`name == 'sshd'`). */
  name: string;
  /** A new filter variant for these parameters (mode, logtype...). */
  makeFilter(params: Record<string, string>): SampleFilter;
  /** Frozen "now", epoch seconds. Default {@link TEST_NOW}. */
  now?: number;
  /** Zone of the expected times. Default {@link TEST_ZONE}. */
  zone?: string;
}

export interface SampleCheck {
  file: string;
  /** 1-based line number of the log line checked. */
  lineNo: number;
  variant: string;
  ok: boolean;
  message?: string;
  expected: Record<string, unknown>;
}

export interface SampleReport {
  /** Checks per file, in processing order. */
  files: { file: string; checks: number; met: number }[];
  checks: SampleCheck[];
  /** Variants whose failregex never matched a line (fail2ban's "Regex has no samples"). */
  regexWithoutSamples: { variant: string; index: number }[];
}

/** The few Python expressions the annotations use: ==, !=, and, or, not, name, opts.get('k'). */
export function evalCondition(expr: string, env: { name: string; opts: Record<string, unknown> }) {
  const tokens = expr.match(/'[^']*'|"[^"]*"|==|!=|\(|\)|[A-Za-z_][\w.]*|\S/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const value = (): unknown => {
    const t = next();
    if (t === undefined) throw new Error(`bad condition: ${expr}`);
    if (t === "(") {
      const v = orExpr();
      if (next() !== ")") throw new Error(`bad condition: ${expr}`);
      return v;
    }
    if (t.startsWith("'") || t.startsWith('"')) return t.slice(1, -1);
    if (t === "name") return env.name;
    if (t === "True") return true;
    if (t === "False") return false;
    if (t === "None") return null;
    if (t === "opts.get") {
      if (next() !== "(") throw new Error(`bad condition: ${expr}`);
      const k = value();
      let dflt: unknown = null;
      if (peek() === ",") {
        next();
        dflt = value();
      }
      if (next() !== ")") throw new Error(`bad condition: ${expr}`);
      const v = env.opts[String(k)];
      return v === undefined ? dflt : v;
    }
    throw new Error(`unsupported condition token '${t}' in: ${expr}`);
  };
  const cmp = (): unknown => {
    const a = value();
    const op = peek();
    if (op === "==" || op === "!=") {
      next();
      const b = value();
      return op === "==" ? a === b : a !== b;
    }
    return a;
  };
  const notExpr = (): unknown => {
    if (peek() === "not") {
      next();
      return !notExpr();
    }
    return cmp();
  };
  const andExpr = (): unknown => {
    let v = notExpr();
    while (peek() === "and") {
      next();
      const w = notExpr();
      v = v && w;
    }
    return v;
  };
  const orExpr = (): unknown => {
    let v = andExpr();
    while (peek() === "or") {
      next();
      const w = andExpr();
      v = v || w;
    }
    return v;
  };
  const v = orExpr();
  if (i !== tokens.length) throw new Error(`bad condition: ${expr}`);
  return Boolean(v);
}

/** Python's str() of a dict of strings, as the harness names its filter variants. */
function pyDictStr(o: Record<string, unknown>): string {
  const q = (s: string) => `'${s.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  return `{${Object.entries(o)
    .map(([k, v]) => `${q(k)}: ${typeof v === "string" ? q(v) : JSON.stringify(v)}`)
    .join(", ")}}`;
}

function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return JSON.stringify([...v].map((x) => String(x)).sort());
  return JSON.stringify(v);
}

/** The expected time of an annotation: local wall-clock time in `zone` → epoch seconds. */
export function expectedTime(t: string, zone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(t);
  if (!m) throw new Error(`bad time in annotation: ${t}`);
  const n = (i: number) => Number(m[i]);
  const base = mktime(
    { year: n(1), month: n(2), day: n(3), hour: n(4), minute: n(5), second: n(6) },
    zone,
  );
  const micro = m[7] ? Number(m[7].padEnd(6, "0")) : 0;
  return base + micro / 1000000.0;
}

function check(
  expected: Record<string, unknown>,
  found: RawFailure[],
  zone: string,
): string | undefined {
  if (found.length === 0) {
    return expected.match ? "Line not matched when should have" : undefined;
  }
  if (!expected.match) return "Line matched when shouldn't have";
  if (found.length !== 1)
    return `Multiple regexs matched [${found.map((f) => f.regexIndex).join(", ")}]`;
  const r = found[0] as RawFailure;
  for (const [k, v] of Object.entries(expected)) {
    if (k === "time" || k === "match" || k === "desc" || k === "constraint") continue;
    let fv: unknown = r.fail[k];
    if (fv === null || fv === undefined) {
      if (k === "host") fv = r.fid;
      if (k === "attempts") fv = (r.fail.matches ?? []).length;
    }
    if (fv === undefined) fv = null;
    if (fv instanceof Set) fv = [...fv];
    if (Array.isArray(fv) || Array.isArray(v)) {
      if (sortedJson(fv) !== sortedJson(v)) return `${k}: ${sortedJson(fv)} != ${sortedJson(v)}`;
      continue;
    }
    if (fv !== v) return `${k}: ${JSON.stringify(fv)} != ${JSON.stringify(v)}`;
  }
  const t = expected.time;
  if (typeof t === "string") {
    const want = expectedTime(t, zone);
    if (r.date !== want) {
      const iso = (x: number | undefined) =>
        x === undefined ? "none" : new Date(x * 1000).toISOString().replace(".000Z", "Z");
      return `time mismatch ${r.date} (${iso(r.date)}) != ${want} (${iso(want)})`;
    }
  }
  return undefined;
}

/** Run an annotated sample log (and the files it adds) through a filter, checking every annotation. */
export function runSamples(opts: SampleOptions): SampleReport {
  const now = opts.now ?? TEST_NOW;
  const zone = opts.zone ?? TEST_ZONE;
  const filters = new Map<string, { flt: SampleFilter; used: Set<number> }>();
  const report: SampleReport = { files: [], checks: [], regexWithoutSamples: [] };
  let filterTests:
    | { name: string; flt: SampleFilter; used: Set<number>; opts: Record<string, unknown> }[]
    | null = null;
  const readFilter = (fltName: string, params: Record<string, string>) => {
    let f = filters.get(fltName);
    if (!f) {
      f = { flt: opts.makeFilter(params), used: new Set() };
      filters.set(fltName, f);
    }
    return f;
  };
  const usedRe = new Set<string>();
  const filenames = [opts.file];
  let commonOpts: Record<string, unknown> = {};
  for (let fi = 0; fi < filenames.length; fi++) {
    const filename = filenames[fi] as string;
    const text = new TextDecoder("utf-8").decode(readFileSync(join(opts.dir, filename)));
    const lines = text.split(/(?<=\n)/);
    const fileStat = { file: filename, checks: 0, met: 0 };
    report.files.push(fileStat);
    let ignoreBlock = false;
    let faildata: Record<string, unknown> = {};
    for (let li = 0; li < lines.length; li++) {
      let line = lines[li] as string;
      let lineNo = li + 1;
      const ann = ANNOTATION_RE.exec(line.replace(/\n$/, ""));
      if (ann) {
        const kind = ann[1];
        const data = JSON.parse(ann[2] ?? "null") as unknown;
        if (kind === "fileOptions") {
          commonOpts = data as Record<string, unknown>;
          continue;
        }
        if (kind === "filterOptions") {
          filterTests = [];
          ignoreBlock = false;
          for (const fd of Array.isArray(data) ? data : [data]) {
            const o: Record<string, unknown> = {
              ...commonOpts,
              ...(fd as Record<string, unknown>),
            };
            const cond = o["test.condition"];
            if (typeof cond === "string" && cond) {
              ignoreBlock = !evalCondition(cond, { name: opts.name, opts: o });
            }
            if (!ignoreBlock) {
              const fltOpts: Record<string, string> = {};
              for (const [k, v] of Object.entries(o))
                if (!k.startsWith("test.")) fltOpts[k] = String(v);
              let fltName = (o["test.filter-name"] as string | undefined) ?? "";
              if (!fltName) fltName = Object.keys(fltOpts).length ? pyDictStr(fltOpts) : "";
              const f = readFilter(opts.name + fltName, fltOpts);
              filterTests.push({ name: opts.name + fltName, flt: f.flt, used: f.used, opts: o });
            }
          }
          continue;
        }
        if (kind === "addFILE") {
          filenames.push(String(data));
          continue;
        }
        faildata = (data ?? {}) as Record<string, unknown>;
        li++;
        if (li >= lines.length) break;
        line = lines[li] as string;
        lineNo = li + 1;
      } else if (ignoreBlock || line.startsWith("#") || !line.trim()) {
        continue;
      } else {
        faildata = {};
      }
      if (ignoreBlock) continue;
      if (!filterTests) {
        const f = readFilter(opts.name, {});
        filterTests = [{ name: opts.name, flt: f.flt, used: f.used, opts: {} }];
      }
      const stripped = line.replace(/[\r\n]+$/, "");
      for (const t of filterTests) {
        const constraint = faildata.constraint;
        if (typeof constraint === "string" && constraint) {
          if (!evalCondition(constraint, { name: opts.name, opts: t.opts })) continue;
        }
        let message: string | undefined;
        try {
          let ret: RawFailure[];
          if (t.opts.logtype !== "journal") ret = t.flt.processRaw(stripped);
          else {
            const prefix = (t.opts["test.prefix-line"] as string | undefined) ?? "";
            ret = t.flt.processRaw(prefix + stripped, now * 1000);
          }
          const found: RawFailure[] = [];
          for (const r of ret) {
            if (r.fid === null || r.fail.nofail) {
              t.used.add(r.regexIndex);
              usedRe.add(t.flt.failregex[r.regexIndex] ?? "");
              continue;
            }
            found.push(r);
          }
          message = check(faildata, found, zone);
          if (!message) {
            for (const r of found) {
              t.used.add(r.regexIndex);
              usedRe.add(t.flt.failregex[r.regexIndex] ?? "");
            }
          }
        } catch (e) {
          message = `error: ${(e as Error).message}`;
        }
        fileStat.checks++;
        if (!message) fileStat.met++;
        const c: SampleCheck = {
          file: filename,
          lineNo,
          variant: t.name,
          ok: !message,
          expected: faildata,
        };
        if (message) c.message = message;
        report.checks.push(c);
      }
    }
  }
  for (const [name, f] of filters) {
    f.flt.failregex.forEach((re, i) => {
      if (!f.used.has(i) && !usedRe.has(re))
        report.regexWithoutSamples.push({ variant: name, index: i });
    });
  }
  return report;
}
