/**
 * A fail2ban configuration as fail2ban's client assembles it (fail2ban/client/configreader.py and
 * configparserinc.py): the layering `X.conf`, `X.d/*.conf`, `X.local`, `X.d/*.local`; every file
 * followed by its `.local` sibling; `[INCLUDES] before =` / `after =` (paths relative to the
 * including file); `[DEFAULT]` under every section; later files overriding earlier ones while
 * the overridden values stay reachable as `%(known/option)s`; `[Section?cond]` conditional
 * sections; and `%(option)s` interpolation with `%(__name__)s`, `%(section/option)s`,
 * `%(default/option)s` and `%(known/option)s`.
 *
 * Every value keeps the file and line it was written on. Problems become located diagnostics;
 * nothing here throws, and a broken or missing file never stops the others from being read.
 */
import { posix } from "node:path";
import { normalizePath } from "./fs.js";
import { DEFAULT_SECTION, type IniFile, type IniOption, parseIni } from "./ini.js";
import { LocStr } from "./locstr.js";
import type { ConfigFs, Fail2banDiagnostic, Provenance } from "./types.js";

export const INCLUDES_SECTION = "INCLUDES";
/** configparser's MAX_INTERPOLATION_DEPTH. */
const MAX_INTERPOLATION_DEPTH = 10;
const MAX_INCLUDE_DEPTH = 32;
/** Not in fail2ban: a guard against values that multiply at each level of interpolation. */
const MAX_VALUE_LENGTH = 1_000_000;
/** SafeConfigParserWithIncludes.CONDITIONAL_RE: `[Init?family=inet6]`. */
const CONDITIONAL_RE = /^([\p{L}\p{N}_]+)(\?.+)$/su;
/** `%(section/option)s` (SECTION_OPTSUBST_CRE), applied to the name inside `%(...)s`. */
const SECTION_OPTION_RE = /^([\p{L}\p{N}_-]+)\/(.+)$/su;
/** `section/option` as a tag name (SECTION_OPTNAME_CRE). */
const SECTION_OPTNAME_RE = /^([\p{L}\p{N}_-]+)\/([^\s>]+)$/u;

export interface ReadOptions {
  /**
   * Where the tree sits on the device (default `/etc/fail2ban`): an absolute include below it is
   * read from the tree; other absolute includes are asked of the ConfigFs as they are.
   */
  confPath?: string;
}

export type GetResult =
  | { status: "ok"; value: LocStr; at: Provenance }
  | { status: "no-section" }
  | { status: "no-option" }
  /** Interpolation failed; the reason is in the diagnostics passed to `get`. */
  | { status: "error" };

export interface GetOptions {
  /** Values that take precedence over the section's (configparser's `vars`), keys any case. */
  vars?: ReadonlyMap<string, LocStr>;
  /** Return the raw value, without interpolation. */
  raw?: boolean;
  /** Where interpolation errors go. */
  diagnostics?: Fail2banDiagnostic[];
  /** Severity of interpolation errors (default `error`). */
  severity?: Fail2banDiagnostic["severity"];
}

export class Fail2banConfig {
  readonly defaults = new Map<string, IniOption>();
  /** All sections in order of first appearance, including the `KNOWN/<section>` ones. */
  readonly sections = new Map<string, Map<string, IniOption>>();
  /** Every `[header]` line that opened (or reopened) each section. */
  readonly headers = new Map<string, Provenance[]>();
  /** Files read, in the order fail2ban reads (and merges) them. */
  readonly files: string[] = [];
  /** Problems found while reading the files and following includes. */
  readonly diagnostics: Fail2banDiagnostic[] = [];

  /** Section names, without fail2ban's internal `KNOWN/...` sections. */
  sectionNames(): string[] {
    return [...this.sections.keys()].filter((n) => !n.startsWith("KNOWN/"));
  }

  hasSection(section: string): boolean {
    return this.sections.has(section);
  }

  /** Option names of a section, optionally with those of `[DEFAULT]`. */
  options(section: string, withDefault = false): string[] {
    const own = [...(this.sections.get(section)?.keys() ?? [])];
    if (!withDefault) return own;
    return [...new Set([...own, ...this.defaults.keys()])];
  }

  hasOption(section: string, option: string, withDefault = true): boolean {
    const name = option.toLowerCase();
    if (this.sections.get(section)?.has(name)) return true;
    return withDefault && this.defaults.has(name);
  }

  /** The raw option as set in `section` or inherited from `[DEFAULT]`. */
  rawOption(section: string, option: string): IniOption | undefined {
    const name = option.toLowerCase();
    if (section !== DEFAULT_SECTION) {
      const own = this.sections.get(section)?.get(name);
      if (own) return own;
    }
    return this.defaults.get(name);
  }

  /** Add values to `[DEFAULT]`, replacing existing ones (ConfigReader.merge_defaults). */
  mergeDefaults(values: ReadonlyMap<string, LocStr>): void {
    for (const [name, value] of values) {
      const key = name.toLowerCase();
      this.defaults.set(key, { name: key, value, at: value.originAt(0) });
    }
  }

  /** Add values to a section, names prefixed by `prefix` (SafeConfigParserWithIncludes.merge_section). */
  mergeSection(section: string, values: ReadonlyMap<string, LocStr>, prefix = ""): void {
    let target = this.sections.get(section);
    if (!target) {
      target = new Map();
      this.sections.set(section, target);
    }
    for (const [name, value] of values) {
      if (prefix && name.startsWith(prefix)) continue;
      const key = prefix + name;
      target.set(key, { name: key, value, at: value.originAt(0) });
    }
  }

  /** ConfigParser.get: the value of `option` in `section` (or `[DEFAULT]`), interpolated. */
  get(section: string, option: string, opts: GetOptions = {}): GetResult {
    if (section !== DEFAULT_SECTION && !this.sections.has(section)) return { status: "no-section" };
    const name = option.toLowerCase();
    const vars = lowerKeys(opts.vars);
    const fromVars = vars.get(name);
    const found = fromVars
      ? { value: fromVars, at: fromVars.originAt(0) }
      : this.rawOption(section, name);
    if (!found) return { status: "no-option" };
    if (opts.raw) return { status: "ok", value: found.value, at: found.at };
    const value = new Interpolation(this, section, name, vars, opts).run(found.value);
    return value ? { status: "ok", value, at: found.at } : { status: "error" };
  }

  /**
   * SafeConfigParserWithIncludes.get_ex, used for `<tag>` look-ups: `known/opt` is looked up in
   * the overridden values first, `section/opt` and `default/opt` in that section.
   */
  getEx(section: string, option: string, opts: GetOptions = {}): GetResult {
    const m = option.includes("/") ? SECTION_OPTNAME_RE.exec(option) : null;
    if (m) {
      const sec = m[1] ?? "";
      const opt = m[2] ?? "";
      const lower = sec.toLowerCase();
      const candidates =
        lower === "known"
          ? [`KNOWN/${section}`, section]
          : [lower === "default" ? DEFAULT_SECTION : sec];
      for (const s of candidates) {
        const r = this.get(s, opt, { ...opts, vars: undefined });
        if (r.status === "ok" || r.status === "error") return r;
      }
    }
    return this.get(section, option, opts);
  }
}

function lowerKeys(vars: ReadonlyMap<string, LocStr> | undefined): Map<string, LocStr> {
  const out = new Map<string, LocStr>();
  if (vars) for (const [k, v] of vars) out.set(k.toLowerCase(), v);
  return out;
}

/** configparser.BasicInterpolation with fail2ban's additions (BasicInterpolationWithName). */
class Interpolation {
  constructor(
    private readonly cfg: Fail2banConfig,
    private readonly section: string,
    private readonly option: string,
    private readonly vars: Map<string, LocStr>,
    private readonly opts: GetOptions,
  ) {}

  private length = 0;

  run(raw: LocStr): LocStr | undefined {
    const acc: LocStr[] = [];
    return this.some(raw, 1, [this.option], acc) ? LocStr.concat(acc, raw.originAt(0)) : undefined;
  }

  private push(acc: LocStr[], part: LocStr, at: Provenance): boolean {
    this.length += part.length;
    if (this.length > MAX_VALUE_LENGTH) {
      return this.fail(
        at,
        `the value grows beyond ${MAX_VALUE_LENGTH} characters once interpolated`,
      );
    }
    acc.push(part);
    return true;
  }

  private fail(at: Provenance, message: string): false {
    this.opts.diagnostics?.push({
      severity: this.opts.severity ?? "error",
      file: at.file,
      line: at.line,
      message: `[${this.section}] ${this.option}: ${message}`,
    });
    return false;
  }

  private lookup(rawName: string, at: Provenance): LocStr | undefined {
    const name = rawName.toLowerCase();
    if (name === "__name__") return LocStr.of(this.section, at);
    const direct =
      this.vars.get(name) ??
      (this.section === DEFAULT_SECTION
        ? undefined
        : this.cfg.sections.get(this.section)?.get(name)?.value) ??
      this.cfg.defaults.get(name)?.value;
    if (direct) return direct;
    // fail2ban maps `%(section/option)s` under its name as written, and configparser looks it up
    // lower-cased: a name with capitals is never found
    const m = SECTION_OPTION_RE.exec(rawName);
    if (!m || rawName !== name) return undefined;
    const sec = m[1] ?? "";
    const opt = m[2] ?? "";
    if (sec === "default") return this.cfg.defaults.get(opt)?.value;
    if (sec === "known") {
      return (
        this.cfg.sections.get(`KNOWN/${this.section}`)?.get(opt)?.value ??
        this.cfg.defaults.get(opt)?.value
      );
    }
    const target = this.cfg.sections.get(sec);
    if (!target) return undefined;
    return target.get(opt)?.value ?? this.cfg.defaults.get(opt)?.value;
  }

  private some(rest: LocStr, depth: number, stack: string[], acc: LocStr[]): boolean {
    const text = rest.text;
    if (depth > MAX_INTERPOLATION_DEPTH) {
      return this.fail(
        rest.firstOrigin(),
        `interpolation nested deeper than ${MAX_INTERPOLATION_DEPTH} levels (${stack.join(" -> ")})`,
      );
    }
    let i = 0;
    while (i < text.length) {
      const p = text.indexOf("%", i);
      if (p < 0) return this.push(acc, rest.slice(i), rest.originAt(i));
      if (p > i && !this.push(acc, rest.slice(i, p), rest.originAt(i))) return false;
      const at = rest.originAt(p);
      const c = text[p + 1];
      if (c === "%") {
        acc.push(rest.slice(p, p + 1));
        i = p + 2;
      } else if (c === "(") {
        const m = /^%\(([^)]+)\)s/.exec(text.slice(p));
        if (!m) {
          return this.fail(at, `bad interpolation variable reference ${quote(text.slice(p))}`);
        }
        const rawName = m[1] ?? "";
        const name = rawName.toLowerCase();
        i = p + m[0].length;
        const value = this.lookup(rawName, at);
        if (!value) {
          return this.fail(at, `%(${rawName})s refers to an option that is not defined`);
        }
        if (value.text.includes("%")) {
          if (stack.includes(name)) {
            return this.fail(at, `interpolation loop: ${[...stack, name].join(" -> ")}`);
          }
          if (!this.some(value, depth + 1, [...stack, name], acc)) return false;
        } else if (!this.push(acc, value, at)) {
          return false;
        }
      } else {
        return this.fail(at, `'%' must be followed by '%' or '(', found: ${quote(text.slice(p))}`);
      }
    }
    return true;
  }
}

function quote(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}...` : s);
}

/** Python's os.path.splitext(path)[0]. */
function stripExtension(path: string): string {
  const slash = path.lastIndexOf("/");
  const base = path.slice(slash + 1);
  const dot = base.lastIndexOf(".");
  if (dot <= 0 || /^\.+$/.test(base.slice(0, dot + 1))) return path;
  return path.slice(0, slash + 1 + dot);
}

class Reader {
  private readonly parsed = new Map<string, IniFile | null>();
  private readonly confPrefix: string;

  constructor(
    private readonly fs: ConfigFs,
    private readonly cfg: Fail2banConfig,
    opts: ReadOptions,
  ) {
    this.confPrefix = `${(opts.confPath ?? "/etc/fail2ban").replace(/\/+$/, "")}/`;
  }

  parse(path: string): IniFile | undefined {
    const cached = this.parsed.get(path);
    if (cached !== undefined) return cached ?? undefined;
    let text: string | undefined;
    try {
      text = this.fs.read(path);
    } catch {
      text = undefined;
    }
    const file = text === undefined ? null : parseIni(text, path);
    this.parsed.set(path, file);
    if (file) this.cfg.diagnostics.push(...file.diagnostics);
    return file ?? undefined;
  }

  private resolveInclude(from: string, entry: string): string | undefined {
    if (entry.startsWith("/")) {
      if (entry.startsWith(this.confPrefix))
        return normalizePath(entry.slice(this.confPrefix.length));
      return posix.normalize(entry);
    }
    const dir = posix.dirname(from);
    return normalizePath(dir === "." ? entry : `${dir}/${entry}`);
  }

  /** _expandConfFilesWithLocal + _getIncludes */
  includes(filenames: string[], seen: string[]): string[] {
    const expanded: string[] = [];
    for (const f of filenames) {
      expanded.push(f);
      const local = `${stripExtension(f)}.local`;
      if (!filenames.includes(local) && this.parse(local)) expanded.push(local);
    }
    return expanded.flatMap((f) => this.includesOf(f, seen));
  }

  /** __getIncludesUncached: [before..., resource, after...] */
  private includesOf(resource: string, seen: string[]): string[] {
    const file = this.parse(resource);
    if (!file) return [];
    const section = file.sections.get(INCLUDES_SECTION);
    if (!section) return [resource];
    const single = new Fail2banConfig();
    mergeFile(single, file);
    const lists: Record<"before" | "after", string[]> = { before: [], after: [] };
    for (const which of ["before", "after"] as const) {
      if (!section.options.has(which)) continue;
      const diagnostics: Fail2banDiagnostic[] = [];
      const r = single.get(INCLUDES_SECTION, which, { diagnostics });
      this.cfg.diagnostics.push(...diagnostics);
      if (r.status !== "ok") continue;
      for (const line of r.value.splitLines()) {
        const entry = line.text;
        if (entry.trim() === "") continue;
        const at = line.firstOrigin();
        const path = this.resolveInclude(resource, entry);
        if (path === undefined) {
          this.report("warning", at, `include '${entry}' points outside the configuration tree`);
          continue;
        }
        if (seen.includes(path)) {
          this.report("warning", at, `include loop: ${[...seen, resource, path].join(" -> ")}`);
          continue;
        }
        if (seen.length >= MAX_INCLUDE_DEPTH) {
          this.report("error", at, `includes nested deeper than ${MAX_INCLUDE_DEPTH} files`);
          continue;
        }
        if (!this.parse(path) && !path.endsWith(".local")) {
          // fail2ban skips a missing include silently; a missing `.local` is the normal case
          this.report(
            "warning",
            at,
            `included file '${entry}' not found (${path}); fail2ban skips it`,
          );
        }
        lists[which].push(...this.includes([path], [...seen, resource]));
      }
    }
    return [...lists.before, resource, ...lists.after];
  }

  private report(severity: Fail2banDiagnostic["severity"], at: Provenance, message: string) {
    this.cfg.diagnostics.push({ severity, file: at.file, line: at.line, message });
  }
}

/** Merge one parsed file into a configuration (the multi-file branch of SafeConfigParserWithIncludes.read). */
function mergeFile(cfg: Fail2banConfig, file: IniFile): void {
  for (const [k, v] of file.defaults) cfg.defaults.set(k, v);
  for (const [rawName, section] of file.sections) {
    let name = rawName;
    let options = section.options;
    const cond = CONDITIONAL_RE.exec(rawName);
    if (cond) {
      name = cond[1] ?? rawName;
      const suffix = cond[2] ?? "";
      options = new Map();
      for (const [k, v] of section.options) options.set(k + suffix, { ...v, name: k + suffix });
    }
    const headers = cfg.headers.get(name) ?? [];
    headers.push(section.at);
    cfg.headers.set(name, headers);
    const existing = cfg.sections.get(name);
    if (existing) {
      // keep the values about to be overridden, for %(known/option)s
      let known = cfg.sections.get(`KNOWN/${name}`);
      if (!known) {
        known = new Map();
        cfg.sections.set(`KNOWN/${name}`, known);
      }
      for (const [k, v] of existing) if (options.has(k)) known.set(k, v);
      for (const [k, v] of options) existing.set(k, v);
    } else {
      cfg.sections.set(name, new Map(options));
    }
  }
}

/**
 * Read files in fail2ban's way: each followed by its `.local` sibling when there is one, each
 * preceded by its `before =` includes and followed by its `after =` includes, then merged in order.
 */
export function readConfigFiles(
  fs: ConfigFs,
  files: string[],
  opts: ReadOptions = {},
): Fail2banConfig {
  const cfg = new Fail2banConfig();
  const reader = new Reader(fs, cfg, opts);
  const normalized = files.map((f) => normalizePath(f)).filter((f): f is string => f !== undefined);
  for (const path of reader.includes(normalized, [])) {
    const file = reader.parse(path);
    if (!file) continue;
    cfg.files.push(path);
    mergeFile(cfg, file);
  }
  return cfg;
}

/** The files fail2ban reads for `name` (`jail`, `fail2ban`, `filter.d/sshd`), existing ones only. */
export function configFilesFor(fs: ConfigFs, name: string): string[] {
  const dir = `${name}.d`;
  const inDir = (ext: string) =>
    safeList(fs, dir)
      .filter((n) => n.endsWith(ext) && !n.startsWith("."))
      .sort()
      .map((n) => `${dir}/${n}`);
  const candidates = [`${name}.conf`, ...inDir(".conf"), `${name}.local`, ...inDir(".local")];
  return candidates.filter((p) => safeRead(fs, p) !== undefined);
}

function safeList(fs: ConfigFs, dir: string): string[] {
  try {
    return fs.list(dir);
  } catch {
    return [];
  }
}

function safeRead(fs: ConfigFs, path: string): string | undefined {
  try {
    return fs.read(path);
  } catch {
    return undefined;
  }
}

/**
 * ConfigReaderUnshared.read(name): `name.conf`, `name.d/*.conf`, `name.local`, `name.d/*.local`,
 * each with its includes. An error diagnostic when none of them exists.
 */
export function readConfig(fs: ConfigFs, name: string, opts: ReadOptions = {}): Fail2banConfig {
  const files = configFilesFor(fs, name);
  const cfg = readConfigFiles(fs, files, opts);
  if (files.length === 0) {
    cfg.diagnostics.push({
      severity: "error",
      file: `${name}.conf`,
      line: 0,
      message: `found no configuration files for '${name}' (${name}.conf, ${name}.d/*.conf, ${name}.local, ${name}.d/*.local)`,
    });
  }
  return cfg;
}
