/**
 * fail2ban (etc/fail2ban) to facts.fail2ban: every jail as fail2ban resolves it (jail.conf,
 * jail.d/*.conf, jail.local, jail.d/*.local, the paths-*.conf includes, [DEFAULT] inheritance and
 * interpolation: see src/parsers/fail2ban).
 *
 * - `enabled` is false unless the configuration says otherwise (fail2ban's own default). A jail
 *   whose filter file is missing while the input holds filter.d is skipped by fail2ban, so it counts
 *   as not running (the reason is in the jail's evidence and in the diagnostics).
 * - maxretry, findtime and bantime not set anywhere (not even in a [DEFAULT]) take fail2ban's
 *   built-in values — maxretry 3, findtime 600 s, bantime 600 s (FailManager / BanManager) — cited
 *   as implied. Stock jail.conf sets 5 / 10m / 10m in its [DEFAULT], which normally applies first.
 * - Each jail's `at` holds, in order: its section header, then one origin per option that matters
 *   to the rules, with an excerpt `name = value` (enabled, filter, logpath, port, maxretry,
 *   findtime, bantime, bantime.increment, ignoreip, action): rules cite them by option name.
 */
import type { Fail2banJail, IgnoreIpEntry } from "../../facts/host.js";
import type { Facts } from "../../facts/model.js";
import { type ConfigOrigin, known, type Origin } from "../../facts/value.js";
import {
  BUILTIN_FILE,
  type ConfigFs,
  type Located,
  loadJails,
  type Provenance,
  type ResolvedJail,
} from "../../parsers/fail2ban/index.js";
import type { FileTree } from "../../sources/tree.js";
import type { ExtractContext } from "../context.js";

export const FAIL2BAN_DIR = "etc/fail2ban";
/** Where fixes go on the device. */
export const JAIL_LOCAL = "/etc/fail2ban/jail.local";

/** fail2ban's built-in values when no configuration file sets them (server/failmanager.py, banmanager.py). */
export const FAIL2BAN_BUILTIN = { maxretry: 3, findtime: 600, bantime: 600 } as const;

/** A ConfigFs over the tree's etc/fail2ban. */
export function treeFs(tree: FileTree, root = FAIL2BAN_DIR): ConfigFs {
  const under = (p: string) => (p === "" || p === "." ? root : `${root}/${p.replace(/^\.\//, "")}`);
  return {
    read: (p) => (p.startsWith("/") ? undefined : tree.read(under(p))),
    list: (d) => (d.startsWith("/") ? [] : tree.list(under(d))),
  };
}

function hasFail2ban(tree: FileTree): boolean {
  return (
    tree.read(`${FAIL2BAN_DIR}/jail.conf`) !== undefined ||
    tree.read(`${FAIL2BAN_DIR}/jail.local`) !== undefined ||
    tree.list(`${FAIL2BAN_DIR}/jail.d`).length > 0
  );
}

export function extractFail2ban(ctx: ExtractContext, facts: Facts): void {
  if (!hasFail2ban(ctx.tree)) return;
  const fs = treeFs(ctx.tree);
  const result = loadJails(fs, { withFilters: true });
  const display = (file: string) => ctx.tree.display(`${FAIL2BAN_DIR}/${file}`);
  const origin = (at: Provenance, excerpt?: string): ConfigOrigin =>
    at.file === BUILTIN_FILE || at.line === 0
      ? {
          kind: "config",
          file: at.file === BUILTIN_FILE ? display("jail.conf") : display(at.file),
          ...(excerpt ? { excerpt } : {}),
          implied: true,
        }
      : { kind: "config", file: display(at.file), line: at.line, ...(excerpt ? { excerpt } : {}) };

  // Problems reading the files are input errors; problems of a jail are how fail2ban treats it
  // (it skips the jail), which the rules report: warnings here.
  const fileLevel = new Set(
    result.config.diagnostics.map((d) => `${d.file}:${d.line}:${d.message}`),
  );
  for (const d of result.diagnostics) {
    if (d.severity === "info") continue;
    const key = `${d.file}:${d.line}:${d.message}`;
    ctx.diagnostics.push({
      severity: fileLevel.has(key) ? d.severity : "warning",
      file: display(d.file),
      ...(d.line > 0 ? { line: d.line } : {}),
      message: d.message,
    });
  }
  for (const f of result.files) {
    const bad = result.config.diagnostics.some((d) => d.file === f && d.severity === "error");
    ctx.sources.push({ path: display(f), format: "fail2ban", status: bad ? "error" : "ok" });
  }

  const haveFilters = ctx.tree.list(`${FAIL2BAN_DIR}/filter.d`).length > 0;
  const skipped = new Map<string, string>();
  for (const d of result.diagnostics) {
    const m = /^\[([^\]]+)\] (filter '.*' not found.*)$/.exec(d.message);
    if (m && d.severity === "error" && haveFilters) skipped.set(m[1] as string, m[2] as string);
  }

  const jails: Fail2banJail[] = [];
  for (const j of result.jails) {
    jails.push(toJail(j, origin, skipped.get(j.name), display));
  }
  const enabled = jails.filter((j) => j.enabled).length;
  const at: Origin[] = result.files.map((f, i) => ({
    kind: "config" as const,
    file: display(f),
    excerpt:
      i === 0
        ? `fail2ban reads ${result.files.length} file(s), ${enabled} of ${jails.length} jail(s) enabled`
        : "read by fail2ban",
  }));
  facts.fail2ban = known({ jails, at }, ...at);
}

function toJail(
  j: ResolvedJail,
  origin: (at: Provenance, excerpt?: string) => ConfigOrigin,
  skippedWhy: string | undefined,
  display: (file: string) => string,
): Fail2banJail {
  const at: Origin[] = [];
  for (const h of j.headers) at.push(origin(h, `[${j.name}]`));
  const header = j.headers[j.headers.length - 1];
  const opt = (name: string, v: Located<unknown> | undefined, text?: string) => {
    if (v) at.push(origin(v.at, `${name} = ${text ?? v.text}`));
  };
  if (skippedWhy) {
    at.push({
      ...origin(j.enabled.at, `enabled = ${j.enabled.text}, but ${skippedWhy}`),
    });
  } else if (j.enabled.at.file === BUILTIN_FILE) {
    at.push(origin(j.enabled.at, "enabled not set: fail2ban defaults to false"));
  } else {
    opt("enabled", j.enabled);
  }
  opt("filter", j.filter);
  if (j.logpath.length) {
    const first = j.logpath[0] as { at: Provenance };
    at.push(origin(first.at, `logpath = ${j.logpath.map((l) => l.path).join(" ")}`));
  }
  if (j.logpathIgnored) {
    at.push(origin(j.backend.at, `backend = ${j.backend.value} (reads the journal, not logpath)`));
  }
  opt("port", j.port);

  const numeric = (
    name: "maxretry" | "findtime" | "bantime",
    v: Located<number> | undefined,
  ): number => {
    if (v) {
      at.push(origin(v.at, `${name} = ${v.text}`));
      return v.value;
    }
    const dflt = FAIL2BAN_BUILTIN[name];
    at.push({
      kind: "config",
      file: display("jail.conf"),
      excerpt: `${name} not set: fail2ban's built-in value is ${dflt}${name === "maxretry" ? "" : " seconds"}`,
      implied: true,
    });
    return dflt;
  };
  const maxretry = numeric("maxretry", j.maxretry);
  const findtime = numeric("findtime", j.findtime);
  const bantime = numeric("bantime", j.bantime);
  opt("bantime.increment", j.bantimeIncrement);
  const ignoreip = j.options.get("ignoreip");
  if (ignoreip) opt("ignoreip", ignoreip, ignoreip.text.replace(/\s+/g, " ").trim());
  const action = j.options.get("action");
  if (action) opt("action", action, j.actions.map((a) => a.name).join(" "));

  const ignore: IgnoreIpEntry[] = j.ignoreip.map((e) => ({
    entry: e.entry,
    kind: e.kind,
    scope: e.scope ?? (e.kind === "hostname" ? "hostname" : "invalid"),
  }));
  return {
    name: j.name,
    enabled: j.enabled.value && !skippedWhy,
    filter: j.filter?.value.name ?? "",
    logpaths: j.logpath.map((l) => l.path),
    port: j.port?.value ?? "",
    maxretry,
    findtimeSeconds: findtime,
    bantimeSeconds: bantime,
    bantimeIncrement: j.bantimeIncrement?.value ?? false,
    ignoreip: ignore,
    actions: j.actions.map((a) => a.name),
    at,
    cfg: {
      language: "fail2ban",
      file: header ? display(header.file) : display("jail.conf"),
      section: j.name,
    },
  };
}
