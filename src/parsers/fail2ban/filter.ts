/**
 * A fail2ban filter (filter.d/NAME.conf) resolved as fail2ban's FilterReader resolves it for a
 * jail: `filter.d/NAME.conf`, `NAME.d/*.conf`, `NAME.local`, `NAME.d/*.local` with their includes
 * (usually `before = common.conf`), the jail's filter parameters (`sshd[mode=aggressive]`) and
 * `[Init]` values, `%(...)s` interpolation, then `<tag>` substitution (`<mdre-<mode>>`,
 * `<known/...>`, `<lt_<logtype>/__prefix_line>`).
 *
 * The regexes are delivered as fail2ban hands them to its server: Python regexes, with the tags
 * fail2ban expands at compile time (`<HOST>`, `<ADDR>`, `<F-USER>`...) still in place.
 */
import { basename, dirname, extname } from "node:path";
import { type Fail2banConfig, type ReadOptions, readConfig, readConfigFiles } from "./config.js";
import { diskFs } from "./fs.js";
import { LocStr } from "./locstr.js";
import { parseInteger } from "./options.js";
import { substituteRecursiveTags } from "./tags.js";
import {
  BUILTIN_FILE,
  type ConfigFs,
  type Fail2banDiagnostic,
  type Located,
  type Provenance,
} from "./types.js";

/** One line of a multi-line value (a failregex, an ignoreregex, a journalmatch). */
export interface ValueLine {
  text: string;
  /** Where the text of this line was written (its first non-blank character). */
  at: Provenance;
}

export interface FilterDefinition {
  /** `sshd` for filter.d/sshd.conf. */
  name: string;
  /** Files read, in fail2ban's order (includes first). Empty when the filter does not exist. */
  files: string[];
  failregex: ValueLine[];
  ignoreregex: ValueLine[];
  prefregex?: Located<string>;
  datepattern?: Located<string>;
  maxlines?: Located<number>;
  journalmatch: ValueLine[];
  usedns?: Located<string>;
  mode?: Located<string>;
  logtype?: Located<string>;
  /** Every resolved option: [Definition] (own), the jail's parameters, [Init] and `known/` ones. */
  options: Map<string, Located<string>>;
  diagnostics: Fail2banDiagnostic[];
}

export interface FilterReadOptions extends ReadOptions {
  /** The jail's parameters: `sshd[mode=aggressive]` → `{ mode: "aggressive" }`. */
  params?: ReadonlyMap<string, LocStr> | Readonly<Record<string, string>>;
  /**
   * The jail's backend. Like fail2ban, a `systemd` backend sets `logtype = journal` (else `file`)
   * unless the parameters or [Definition] set `logtype`. Left out, nothing is set (fail2ban-regex).
   */
  backend?: string;
  /** Further jail options visible to the filter's interpolation (configparser `vars`). */
  vars?: ReadonlyMap<string, LocStr>;
}

/** FilterReader._configOpts: the options read with the jail's values as `vars`. */
const FILTER_OPTS = [
  "usedns",
  "prefregex",
  "ignoreregex",
  "failregex",
  "maxlines",
  "datepattern",
  "journalmatch",
];
const CONDITIONAL_RE = /^([\p{L}\p{N}_]+)(\?.+)$/su;

export function builtin(text: string): LocStr {
  return LocStr.of(text, { file: BUILTIN_FILE, line: 0 });
}

export function located<T>(value: T, text: LocStr, at: Provenance): Located<T> {
  const sources = [at];
  for (const s of text.sources()) {
    if (!sources.some((p) => p.file === s.file && p.line === s.line)) sources.push(s);
  }
  return { value, text: text.text, at, sources };
}

export function valueLines(value: LocStr): ValueLine[] {
  return value
    .splitLines()
    .filter((l) => l.text !== "")
    .map((l) => ({ text: l.text, at: l.firstOrigin() }));
}

function toParams(params: FilterReadOptions["params"]): Map<string, LocStr> {
  if (!params) return new Map();
  if (params instanceof Map) return new Map(params);
  return new Map(Object.entries(params).map(([k, v]) => [k, builtin(v)]));
}

/** Resolve the filter read into `cfg` (FilterReader.getOptions(all=True) + getCombined). */
export function resolveFilter(
  cfg: Fail2banConfig,
  name: string,
  opts: FilterReadOptions = {},
): FilterDefinition {
  return resolveFilterValues(cfg, name, opts).definition;
}

/** {@link resolveFilter}, with the resolved values themselves (for a jail's `known/` options). */
export function resolveFilterValues(
  cfg: Fail2banConfig,
  name: string,
  opts: FilterReadOptions = {},
): { definition: FilterDefinition; values: Map<string, LocStr> } {
  const diagnostics: Fail2banDiagnostic[] = [...cfg.diagnostics];
  const initOpts = toParams(opts.params);
  // the filter's own file (not one of its includes), for problems of the filter as a whole
  const own = cfg.files.find((f) => basename(f).replace(/\.(?:conf|local)$/, "") === name);
  const anchor: Provenance = {
    file: own ?? cfg.files[cfg.files.length - 1] ?? `filter.d/${name}.conf`,
    line: 0,
  };

  if (opts.backend !== undefined) {
    // FilterReader.applyAutoOptions
    if (!initOpts.get("logtype")?.text && !cfg.hasOption("Definition", "logtype", false)) {
      initOpts.set("logtype", builtin(opts.backend.startsWith("systemd") ? "journal" : "file"));
    }
  }
  const pOpts = new Map<string, LocStr>(opts.vars ?? []);
  for (const [k, v] of initOpts) pOpts.set(k, v);

  const values = new Map<string, { value: LocStr; at: Provenance }>();
  const get = (section: string, option: string, vars?: ReadonlyMap<string, LocStr>) => {
    const r = cfg.get(section, option, { vars, diagnostics });
    return r.status === "ok" ? { value: r.value, at: r.at } : undefined;
  };

  if (!cfg.hasSection("Definition") && cfg.files.length > 0) {
    diagnostics.push({
      severity: "error",
      file: anchor.file,
      line: 1,
      message: `filter '${name}' has no [Definition] section`,
    });
  }
  for (const option of FILTER_OPTS) {
    if (pOpts.has(option)) continue;
    const v = get("Definition", option, pOpts);
    if (v) values.set(option, v);
  }
  if (cfg.hasSection("Init")) {
    for (const option of cfg.options("Init")) {
      const v = get("Init", option);
      if (!v) continue;
      if (!option.startsWith("known/")) initOpts.set(`known/${option}`, v.value);
      if (!initOpts.has(option)) initOpts.set(option, v.value);
    }
  }
  for (const option of cfg.options("Definition")) {
    if (values.has(option)) continue;
    const v = get("Definition", option);
    if (v) values.set(option, v);
  }

  const combined = new Map<string, LocStr>();
  const at = new Map<string, Provenance>();
  for (const [k, v] of values) {
    combined.set(k, v.value);
    at.set(k, v.at);
  }
  for (const [k, v] of initOpts) {
    combined.set(k, v);
    at.set(k, v.originAt(0));
  }
  const ignore = new Set<string>();
  for (const k of combined.keys()) {
    const cond = CONDITIONAL_RE.exec(k);
    if (cond?.[1]) ignore.add(cond[1]);
  }
  const cache = new Map<string, LocStr | undefined>();
  const lookup = (tag: string): LocStr | undefined => {
    if (cache.has(tag)) return cache.get(tag);
    cache.set(tag, undefined);
    const r = cfg.getEx("Definition", tag, { vars: pOpts, diagnostics });
    const v = r.status === "ok" ? r.value : undefined;
    cache.set(tag, v);
    return v;
  };
  const resolved = substituteRecursiveTags(combined, ignore, lookup, (e) => {
    const origin = e.value.firstOrigin();
    diagnostics.push({
      severity: "error",
      file: origin.file,
      line: origin.line,
      message: `[Definition] ${e.tag}: tag <${e.found}> refers back to itself or is substituted too often; fail2ban cannot resolve this filter`,
    });
  });

  const options = new Map<string, Located<string>>();
  for (const [k, v] of resolved) {
    options.set(k, located(v.text, v, at.get(k) ?? anchor));
  }
  const def: FilterDefinition = {
    name,
    files: [...new Set(cfg.files)],
    failregex: [],
    ignoreregex: [],
    journalmatch: [],
    options,
    diagnostics: dedupe(diagnostics),
  };
  const lines = (key: string) => {
    const v = resolved.get(key);
    return v ? valueLines(v) : [];
  };
  def.failregex = lines("failregex");
  def.ignoreregex = lines("ignoreregex");
  def.journalmatch = lines("journalmatch");
  for (const key of ["prefregex", "datepattern", "usedns", "mode", "logtype"] as const) {
    const o = options.get(key);
    if (o) def[key] = o;
  }
  const maxlines = options.get("maxlines");
  if (maxlines) {
    const n = parseInteger(maxlines.text);
    if (n === undefined) {
      def.diagnostics.push({
        severity: "warning",
        file: maxlines.at.file,
        line: maxlines.at.line,
        message: `[Definition] maxlines: '${maxlines.text}' is not an integer; fail2ban ignores it`,
      });
    } else {
      def.maxlines = { ...maxlines, value: n };
    }
  }
  if (cfg.files.length > 0 && def.failregex.length === 0) {
    def.diagnostics.push({
      severity: "info",
      file: anchor.file,
      line: 1,
      message: `filter '${name}' defines no failregex`,
    });
  }
  return { definition: def, values: resolved };
}

export function dedupe(diagnostics: Fail2banDiagnostic[]): Fail2banDiagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.severity}\u0000${d.file}\u0000${d.line}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Read and resolve the filter `name` of the tree `fs` (`name` as in `filter = name[...]`).
 * A filter that does not exist gives an error diagnostic and an empty definition.
 */
export function readFilter(
  fs: ConfigFs,
  name: string,
  opts: FilterReadOptions = {},
): FilterDefinition {
  return readFilterValues(fs, name, opts).definition;
}

/** {@link readFilter}, with the resolved values themselves. */
export function readFilterValues(
  fs: ConfigFs,
  name: string,
  opts: FilterReadOptions = {},
): { definition: FilterDefinition; values: Map<string, LocStr> } {
  const cfg = readConfig(fs, `filter.d/${name}`, opts);
  if (cfg.files.length === 0) {
    cfg.diagnostics.length = 0;
    cfg.diagnostics.push({
      severity: "error",
      file: `filter.d/${name}.conf`,
      line: 0,
      message: `filter '${name}' not found (filter.d/${name}.conf or filter.d/${name}.local)`,
    });
  }
  return resolveFilterValues(cfg, name, opts);
}

/**
 * Read and resolve a filter file on disk, e.g. `/etc/fail2ban/filter.d/sshd.conf`: with its
 * `.local` and `.d/` companions and its includes, which are looked up relative to the parent of
 * its folder (the fail2ban configuration root).
 */
export function loadFilterDefinition(
  filterFile: string,
  opts: FilterReadOptions = {},
): FilterDefinition {
  const folder = dirname(filterFile);
  const fs = diskFs(dirname(folder));
  const ext = extname(filterFile);
  const stem = basename(filterFile, ext);
  const rel = `${basename(folder)}/${stem}`;
  if (ext === ".conf" || ext === ".local") {
    const cfg = readConfig(fs, rel, opts);
    if (cfg.files.length === 0) {
      cfg.diagnostics.length = 0;
      cfg.diagnostics.push({
        severity: "error",
        file: `${rel}${ext}`,
        line: 0,
        message: `cannot read ${filterFile}`,
      });
    }
    return resolveFilter(cfg, stem, opts);
  }
  const cfg = readConfigFiles(fs, [`${basename(folder)}/${basename(filterFile)}`], opts);
  return resolveFilter(cfg, stem, opts);
}
