/**
 * Loading a filter by name or path: a built-in detector (builtin/), or a fail2ban filter file
 * read with its includes, `.local` and `.d/` companions by the project's fail2ban reader, with
 * fail2ban-regex's `filter[name=value,...]` parameters (`--mode`, `--logtype`, `--set`).
 */
import { existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import {
  type FilterDefinition,
  loadFilterDefinition,
  readFilter,
} from "../../parsers/fail2ban/filter.js";
import { memoryFs } from "../../parsers/fail2ban/fs.js";
import { LocStr } from "../../parsers/fail2ban/locstr.js";
import { extractOptions } from "../../parsers/fail2ban/options.js";
import { BUILTIN_DETECTORS } from "./builtin/index.js";
import {
  type CompiledFilter,
  type CompileOptions,
  compileFilter,
  FilterCompileError,
} from "./compile.js";

export interface LoadOptions extends CompileOptions {
  /** fail2ban's `mode` parameter (`sshd[mode=aggressive]`). */
  mode?: string;
  /** Further filter parameters, `NAME=VALUE` (fail2ban-regex's `filter[NAME=VALUE]`). */
  set?: readonly string[] | Readonly<Record<string, string>>;
}

export interface LoadedFilter extends CompiledFilter {
  definition: FilterDefinition;
  /** Where it came from: `builtin:sshd` or the file path. */
  origin: string;
}

/** Names of the built-in detectors. */
export function builtinNames(): string[] {
  return Object.keys(BUILTIN_DETECTORS).sort();
}

function params(opts: LoadOptions, extra: Map<string, string>): Record<string, string> {
  const p: Record<string, string> = {};
  for (const [k, v] of extra) p[k] = v;
  if (opts.mode !== undefined) p.mode = opts.mode;
  if (opts.logtype !== undefined) p.logtype = opts.logtype;
  const set = opts.set ?? [];
  if (Array.isArray(set)) {
    for (const s of set as readonly string[]) {
      const i = s.indexOf("=");
      if (i <= 0) throw new FilterCompileError("--set", 0, `'${s}' is not NAME=VALUE`);
      p[s.slice(0, i).trim()] = s.slice(i + 1);
    }
  } else {
    for (const [k, v] of Object.entries(set as Record<string, string>)) p[k] = v;
  }
  return p;
}

/** Read (without compiling) the definition of a built-in detector or a filter file. */
export function readFilterDefinition(
  nameOrPath: string,
  opts: LoadOptions = {},
): { definition: FilterDefinition; origin: string; root?: string } {
  let target = nameOrPath;
  let extra = new Map<string, string>();
  // fail2ban-regex's `name[opt=value,...]`
  if (/\[.*\]$/s.test(target) && !existsSync(target)) {
    const r = extractOptions(LocStr.of(target, { file: "<command line>", line: 0 }));
    if (!r.ok) throw new FilterCompileError(nameOrPath, 0, r.message);
    target = r.name.text;
    extra = new Map([...r.options].map(([k, v]) => [k, v.text]));
  }
  const p = params(opts, extra);
  const builtin = BUILTIN_DETECTORS[target];
  if (builtin && !target.includes("/")) {
    const fs = memoryFs({ [`filter.d/${target}.conf`]: builtin.conf });
    return { definition: readFilter(fs, target, { params: p }), origin: `builtin:${target}` };
  }
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(target);
  } catch {
    st = undefined;
  }
  if (!st?.isFile()) {
    const known = builtinNames().join(", ");
    throw new FilterCompileError(
      target,
      0,
      `no such filter file, and not a built-in detector (built-in: ${known})`,
    );
  }
  const definition = loadFilterDefinition(target, { params: p });
  return { definition, origin: target, root: dirname(dirname(target)) };
}

/**
 * Load and compile a filter: a built-in detector name (`sshd`, `asterisk`...) or a path to a
 * fail2ban filter file, optionally with fail2ban-regex's `[name=value,...]` suffix. Errors name the
 * file and line ({@link FilterCompileError}).
 */
export function loadFilter(nameOrPath: string, opts: LoadOptions = {}): LoadedFilter {
  const { definition, origin, root } = readFilterDefinition(nameOrPath, opts);
  try {
    const compiled = compileFilter(definition, opts);
    return Object.assign(compiled, { definition, origin });
  } catch (e) {
    if (e instanceof FilterCompileError && root && !e.file.startsWith("/") && e.file !== "--set") {
      throw new FilterCompileError(`${root}/${e.file}`, e.line, e.reason);
    }
    throw e;
  }
}
