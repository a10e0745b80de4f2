/**
 * fail2ban's own settings (fail2ban.conf, fail2ban.d/*.conf, fail2ban.local, fail2ban.d/*.local;
 * fail2ban/client/fail2banreader.py): log level and target, sockets, and the ban database.
 */
import { type Fail2banConfig, type ReadOptions, readConfig } from "./config.js";
import { builtin, dedupe, located } from "./filter.js";
import { diskFs } from "./fs.js";
import { parseDuration } from "./options.js";
import type { ConfigFs, Fail2banDiagnostic, Located } from "./types.js";

export interface ServerSettings {
  /** [Definition] options, fail2ban's defaults (from `<fail2ban>`) where not set. */
  options: Map<string, Located<string>>;
  /** How long bans are kept in the database, in seconds (`dbpurgeage`). */
  dbpurgeage?: Located<number>;
  files: string[];
  diagnostics: Fail2banDiagnostic[];
  config: Fail2banConfig;
}

/** Fail2banReader's options and their defaults. */
const SETTINGS: [string, string | undefined][] = [
  ["socket", "/var/run/fail2ban/fail2ban.sock"],
  ["pidfile", "/var/run/fail2ban/fail2ban.pid"],
  ["loglevel", "INFO"],
  ["logtarget", "STDERR"],
  ["syslogsocket", "auto"],
  ["allowipv6", "auto"],
  ["dbfile", "/var/lib/fail2ban/fail2ban.sqlite3"],
  ["dbmaxmatches", undefined],
  ["dbpurgeage", "1d"],
];

export function loadServerSettings(
  root: string | ConfigFs,
  opts: ReadOptions = {},
): ServerSettings {
  const fs = typeof root === "string" ? diskFs(root) : root;
  const cfg = readConfig(fs, "fail2ban", opts);
  const diagnostics: Fail2banDiagnostic[] = [...cfg.diagnostics];
  const options = new Map<string, Located<string>>();
  if (cfg.files.length > 0 && !cfg.hasSection("Definition")) {
    const file = cfg.files[0] ?? "fail2ban.conf";
    diagnostics.push({
      severity: "warning",
      file,
      line: 1,
      message:
        "no [Definition] section in fail2ban.conf and its companions: fail2ban uses its defaults",
    });
  }
  for (const [name, fallback] of SETTINGS) {
    const r = cfg.get("Definition", name, { diagnostics });
    if (r.status === "ok") {
      const value = r.value.trim();
      options.set(name, located(value.text, value, r.at));
    } else if (r.status !== "error" && fallback !== undefined) {
      const value = builtin(fallback);
      options.set(name, located(fallback, value, value.originAt(0)));
    }
  }
  const stacksize = cfg.get("Thread", "stacksize", { diagnostics });
  if (stacksize.status === "ok") {
    options.set("stacksize", located(stacksize.value.text.trim(), stacksize.value, stacksize.at));
  }
  const result: ServerSettings = {
    options,
    files: [...new Set(cfg.files)],
    diagnostics,
    config: cfg,
  };
  const purge = options.get("dbpurgeage");
  if (purge) {
    const seconds = parseDuration(purge.text);
    if (seconds === undefined) {
      diagnostics.push({
        severity: "error",
        file: purge.at.file,
        line: purge.at.line,
        message: `[Definition] dbpurgeage '${purge.text}' is not a time (1d, 86400...)`,
      });
    } else {
      result.dbpurgeage = { ...purge, value: seconds };
    }
  }
  result.diagnostics = dedupe(diagnostics);
  return result;
}
