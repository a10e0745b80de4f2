/**
 * fail2ban's jails, resolved as fail2ban's client resolves them (JailsReader/JailReader):
 * `jail.conf`, `jail.d/*.conf`, `jail.local`, `jail.d/*.local` with their includes (e.g.
 * `paths-debian.conf`), `[DEFAULT]` inherited, later files overriding earlier ones, every option
 * interpolated in its jail (`%(__name__)s`, `%(sshd_log)s`, `%(default/action_)s`...).
 *
 * Every section but `[INCLUDES]` is a jail; disabled jails are returned too (with
 * `enabled.value === false`), since "the sshd jail is disabled" is itself a finding. fail2ban
 * reads no further than `enabled` for a disabled jail, so its problems are reported one severity
 * lower (warning instead of error).
 *
 * With `withFilters`, each enabled jail's filter is read too, as JailReader does: its resolved
 * values become the jail's `%(known/...)s` options, and a `failregex` (or `ignoreregex`,
 * `prefregex`, `datepattern`, `maxlines`, `journalmatch`, `usedns`) set in the jail or its
 * `[DEFAULT]` replaces the filter's. Actions (action.d) are not read: an action is reported as
 * its name and parameters.
 */
import { type Fail2banConfig, INCLUDES_SECTION, type ReadOptions, readConfig } from "./config.js";
import {
  builtin,
  dedupe,
  type FilterDefinition,
  located,
  readFilterValues,
  valueLines,
} from "./filter.js";
import { diskFs } from "./fs.js";
import { classifyIgnoreIp, type IgnoreIpClass } from "./ignoreip.js";
import type { LocStr } from "./locstr.js";
import {
  extractOptions,
  parseBool,
  parseDuration,
  parseInteger,
  splitWithOptions,
  splitWords,
} from "./options.js";
import type { ConfigFs, Fail2banDiagnostic, Located, Provenance } from "./types.js";

/** `name[opt=value, ...]` as used by `filter =` and `action =`. */
export interface OptionsRef {
  name: string;
  options: Record<string, string>;
  /** Where each option's value was written. */
  optionsAt: Record<string, Provenance>;
}

export interface JailAction extends OptionsRef {
  /** The action as written after interpolation, e.g. `nftables[port="ssh", protocol="tcp", ...]`. */
  text: string;
  at: Provenance;
}

export interface JailLogPath {
  /** A path or glob pattern. */
  path: string;
  /** `tail`: read from the end of the file at start (`logpath = /var/log/x tail`); else `head`. */
  tail: boolean;
  at: Provenance;
}

export interface JailIgnoreIp extends IgnoreIpClass {
  at: Provenance;
}

export interface ResolvedJail {
  name: string;
  /** Every `[name]` header, in the order the files are read. */
  headers: Provenance[];
  enabled: Located<boolean>;
  /** `auto` by default; `systemd...` reads the journal and ignores `logpath`. */
  backend: Located<string>;
  /** Absent when the jail names no filter (fail2ban warns and runs without one). */
  filter?: Located<OptionsRef>;
  logpath: JailLogPath[];
  /** True when the backend reads the journal, so `logpath` is not used. */
  logpathIgnored: boolean;
  port?: Located<string>;
  protocol?: Located<string>;
  maxretry?: Located<number>;
  /** Seconds. */
  findtime?: Located<number>;
  /** Seconds; negative means banned for ever. */
  bantime?: Located<number>;
  bantimeIncrement?: Located<boolean>;
  ignoreself?: Located<boolean>;
  ignoreip: JailIgnoreIp[];
  ignorecommand?: Located<string>;
  usedns?: Located<string>;
  actions: JailAction[];
  /** The interpolated text of every option read, by name (`bantime.maxtime`, `banaction`...). */
  options: Map<string, Located<string>>;
  /**
   * With `withFilters`: the filter as this jail runs it, with the jail's parameters and backend,
   * and the filter options the jail sets itself in place of the filter's.
   */
  filterDefinition?: FilterDefinition;
}

export interface JailsResult {
  jails: ResolvedJail[];
  /** Files read, in order. */
  files: string[];
  diagnostics: Fail2banDiagnostic[];
  config: Fail2banConfig;
}

export interface JailsReadOptions extends ReadOptions {
  /** Value of `%(fail2ban_version)s` (default "1.1.0"). */
  version?: string;
  /** Also read each enabled jail's filter (filter.d/NAME) and report its problems. */
  withFilters?: boolean;
}

/** JailReader._configOpts (with FilterReader's), read for every jail. */
const JAIL_OPTIONS = [
  "enabled",
  "backend",
  "filter",
  "maxretry",
  "maxmatches",
  "findtime",
  "bantime",
  "bantime.increment",
  "bantime.factor",
  "bantime.formula",
  "bantime.multipliers",
  "bantime.maxtime",
  "bantime.rndtime",
  "bantime.overalljails",
  "ignorecommand",
  "ignoreself",
  "ignoreip",
  "ignorecache",
  "logtimezone",
  "logencoding",
  "logpath",
  "action",
  "usedns",
  "prefregex",
  "ignoreregex",
  "failregex",
  "maxlines",
  "datepattern",
  "journalmatch",
];
/** FilterReader._configOpts: a jail may set them, replacing the filter's. */
const FILTER_OPTIONS = [
  "usedns",
  "prefregex",
  "ignoreregex",
  "failregex",
  "maxlines",
  "datepattern",
  "journalmatch",
];
/** Not read by the jail itself but by its actions (through `action_`) or the filter. */
const EXTRA_OPTIONS = ["port", "protocol", "banaction", "banaction_allports", "mode"];

const BOOL_WORDS = ["1", "on", "true", "yes", "0", "off", "false", "no"];

function optionsRef(value: LocStr): OptionsRef | { error: string; at: Provenance } {
  const r = extractOptions(value);
  if (!r.ok) return { error: r.message, at: value.originAt(r.offset) };
  if (r.name.text !== r.name.text.trim() || r.name.text === "") {
    return {
      error: `the name ${JSON.stringify(r.name.text)} has blanks around it, so fail2ban looks for a file of that name`,
      at: r.name.firstOrigin(),
    };
  }
  const options: Record<string, string> = {};
  const optionsAt: Record<string, Provenance> = {};
  for (const [k, v] of r.options) {
    options[k] = v.text;
    optionsAt[k] = v.firstOrigin();
  }
  return { name: r.name.text, options, optionsAt };
}

function resolveJail(
  cfg: Fail2banConfig,
  name: string,
  diagnostics: Fail2banDiagnostic[],
  filters?: { fs: ConfigFs; opts: ReadOptions },
): ResolvedJail {
  const headers = cfg.headers.get(name) ?? [];
  const header = headers[0] ?? { file: cfg.files[0] ?? "jail.conf", line: 0 };
  const texts = new Map<string, { value: LocStr; at: Provenance }>();
  const read = (option: string, severity: Fail2banDiagnostic["severity"]) => {
    const r = cfg.get(name, option, { diagnostics, severity });
    // not stripped: fail2ban does not strip an interpolated value (`enabled =` with `true` on the
    // next line reads "\ntrue", which is not true)
    if (r.status === "ok") texts.set(option, { value: r.value, at: r.at });
  };
  const report = (severity: Fail2banDiagnostic["severity"], at: Provenance, message: string) =>
    diagnostics.push({ severity, file: at.file, line: at.line, message: `[${name}] ${message}` });

  read("enabled", "error");
  const enabledText = texts.get("enabled");
  const enabled = enabledText
    ? located(parseBool(enabledText.value.text), enabledText.value, enabledText.at)
    : located(false, builtin("false"), builtin("").originAt(0));
  if (enabledText && !BOOL_WORDS.includes(enabledText.value.text.toLowerCase())) {
    report(
      "warning",
      enabledText.value.firstOrigin(),
      `enabled ${JSON.stringify(enabledText.value.text)} is not one of 1/on/true/yes: fail2ban takes it as false`,
    );
  }
  // fail2ban stops at `enabled` for a disabled jail: problems below only matter once enabled
  const severity = enabled.value ? "error" : "warning";
  const warn = enabled.value ? "warning" : "info";
  read("backend", severity);
  read("filter", severity);

  // like JailReader: read the filter first and give its values to the jail as %(known/...)s
  let filterRef: OptionsRef | undefined;
  const filterText = texts.get("filter");
  if (filterText && filterText.value.text !== "") {
    const ref = optionsRef(filterText.value);
    if ("error" in ref) {
      report(
        severity,
        ref.at,
        `invalid filter definition '${filterText.value.text}': ${ref.error}`,
      );
    } else {
      filterRef = ref;
    }
  } else if (enabled.value) {
    report("warning", filterText?.at ?? header, "no filter set: the jail matches nothing");
  }
  const backendValue = texts.get("backend")?.value.text ?? "auto";
  const params = new Map<string, LocStr>();
  if (filterText) {
    const r = extractOptions(filterText.value);
    if (r.ok) for (const [k, v] of r.options) params.set(k, v);
  }
  let filterLoaded = false;
  if (filters && enabled.value && filterRef && filterText) {
    const vars = new Map<string, LocStr>();
    for (const [k, v] of texts) vars.set(k, k === "enabled" ? builtin("True") : v.value);
    const first = readFilterValues(filters.fs, filterRef.name, {
      ...filters.opts,
      params,
      backend: backendValue,
      vars,
    });
    if (first.definition.files.length === 0) {
      report(
        "error",
        filterText.at,
        `filter '${filterRef.name}' not found (filter.d/${filterRef.name}.conf or .local): fail2ban skips this jail`,
      );
    } else {
      cfg.mergeSection(name, first.values, "known/");
      filterLoaded = true;
    }
  }

  for (const option of JAIL_OPTIONS) {
    if (texts.has(option)) continue;
    // without the filter, `%(known/failregex)s` and the like cannot be resolved here
    const own = FILTER_OPTIONS.includes(option) && !filterLoaded ? warn : severity;
    read(option, own);
  }
  for (const option of EXTRA_OPTIONS) read(option, warn);

  const options = new Map<string, Located<string>>();
  for (const [k, v] of texts) options.set(k, located(v.value.text, v.value, v.at));
  const get = (k: string) => texts.get(k);

  const backendText = get("backend");
  const backend = backendText
    ? located(backendText.value.text, backendText.value, backendText.at)
    : located("auto", builtin("auto"), builtin("").originAt(0));

  const jail: ResolvedJail = {
    name,
    headers,
    enabled,
    backend,
    logpath: [],
    logpathIgnored: backend.value.startsWith("systemd"),
    ignoreip: [],
    actions: [],
    options,
  };

  if (filterRef && filterText) jail.filter = located(filterRef, filterText.value, filterText.at);
  if (filters && filterLoaded && filterRef) {
    const vars = new Map<string, LocStr>();
    for (const [k, v] of texts) vars.set(k, k === "enabled" ? builtin("True") : v.value);
    const def = readFilterValues(filters.fs, filterRef.name, {
      ...filters.opts,
      params,
      backend: backendValue,
      vars,
    }).definition;
    // what the jail sets itself replaces the filter's (JailReader passes its options to the filter)
    for (const key of FILTER_OPTIONS) {
      const own = texts.get(key);
      if (!own) continue;
      if (key === "failregex" || key === "ignoreregex" || key === "journalmatch") {
        def[key] = valueLines(own.value);
      } else if (key === "maxlines") {
        const n = parseInteger(own.value.text);
        if (n !== undefined) def.maxlines = located(n, own.value, own.at);
      } else if (key === "prefregex" || key === "datepattern" || key === "usedns") {
        def[key] = located(own.value.text, own.value, own.at);
      }
    }
    jail.filterDefinition = def;
    diagnostics.push(...def.diagnostics);
  }

  const logpath = get("logpath");
  if (logpath) {
    for (const line of logpath.value.splitLines()) {
      const text = line.text;
      if (text.trim() === "") continue;
      const at = line.firstOrigin();
      const space = text.lastIndexOf(" ");
      let path = text;
      let tail = false;
      if (space >= 0) {
        path = text.slice(0, space);
        const option = text.slice(space + 1);
        tail = option.toLowerCase() === "tail";
        if (!tail && option.toLowerCase() !== "head") {
          report(
            warn,
            at,
            `logpath '${text}': fail2ban takes the last word '${option}' as the head/tail option and the path as '${path}'`,
          );
        }
      }
      jail.logpath.push({ path, tail, at });
    }
  } else if (enabled.value && !jail.logpathIgnored) {
    report("warning", header, `no logpath for backend '${backend.value}'`);
  }

  for (const key of ["port", "protocol", "ignorecommand", "usedns"] as const) {
    const v = options.get(key);
    if (v) jail[key] = v;
  }

  const maxretry = options.get("maxretry");
  if (maxretry) {
    const n = parseInteger(maxretry.text);
    if (n === undefined)
      report(
        warn,
        maxretry.at,
        `maxretry '${maxretry.text}' is not an integer; fail2ban uses its default`,
      );
    else jail.maxretry = { ...maxretry, value: n };
  }
  for (const key of ["findtime", "bantime"] as const) {
    const v = options.get(key);
    if (!v) continue;
    const seconds = parseDuration(v.text);
    if (seconds === undefined)
      report(severity, v.at, `${key} '${v.text}' is not a time (600, 10m, 1h, 1d...)`);
    else jail[key] = { ...v, value: seconds };
  }
  const increment = options.get("bantime.increment");
  if (increment) jail.bantimeIncrement = { ...increment, value: parseBool(increment.text) };
  const ignoreself = options.get("ignoreself");
  if (ignoreself) jail.ignoreself = { ...ignoreself, value: parseBool(ignoreself.text) };

  const ignoreip = get("ignoreip");
  if (ignoreip) {
    for (const word of splitWords(ignoreip.value)) {
      const at = word.originAt(0);
      const cls = classifyIgnoreIp(word.text);
      if (cls.kind === "invalid")
        report(
          warn,
          at,
          `ignoreip entry '${word.text}' is neither an address, a network nor a host name`,
        );
      jail.ignoreip.push({ ...cls, at });
    }
  }

  const action = get("action");
  if (action) {
    for (const part of splitWithOptions(action.value)) {
      const act = part.trim();
      if (act.text === "") continue;
      const ref = optionsRef(act);
      if ("error" in ref) {
        report(severity, ref.at, `invalid action definition '${act.text}': ${ref.error}`);
        continue;
      }
      jail.actions.push({ ...ref, text: act.text, at: act.firstOrigin() });
    }
  }
  if (enabled.value && jail.actions.length === 0) {
    report(
      "warning",
      action?.at ?? header,
      "no actions defined: matches are counted but nobody is banned",
    );
  }
  return jail;
}

/** Resolve every jail of a configuration read with `readConfig(fs, "jail")`. */
export function resolveJails(
  cfg: Fail2banConfig,
  opts: JailsReadOptions & { fs?: ConfigFs } = {},
): JailsResult {
  const diagnostics: Fail2banDiagnostic[] = [...cfg.diagnostics];
  cfg.mergeDefaults(
    new Map([
      ["fail2ban_version", builtin(opts.version ?? "1.1.0")],
      ["fail2ban_confpath", builtin(opts.confPath ?? "/etc/fail2ban")],
    ]),
  );
  const jails: ResolvedJail[] = [];
  for (const name of cfg.sectionNames()) {
    if (name === INCLUDES_SECTION) continue;
    const filters = opts.withFilters && opts.fs ? { fs: opts.fs, opts } : undefined;
    const jail = resolveJail(cfg, name, diagnostics, filters);
    jails.push(jail);
  }
  return { jails, files: [...new Set(cfg.files)], diagnostics: dedupe(diagnostics), config: cfg };
}

/**
 * Read and resolve the jails of a fail2ban configuration tree: a directory on disk (the
 * `/etc/fail2ban` of a device or backup) or any {@link ConfigFs}.
 */
export function loadJails(root: string | ConfigFs, opts: JailsReadOptions = {}): JailsResult {
  const fs = typeof root === "string" ? diskFs(root) : root;
  const cfg = readConfig(fs, "jail", opts);
  return resolveJails(cfg, { ...opts, fs });
}
