/**
 * Asterisk's logger (logger.conf) to facts.pbx.logging: every channel of [logfiles] with the
 * levels it receives, and from them the files that receive `security` events (what fail2ban's
 * Asterisk filters read best). As main/logger.c does:
 *
 * - `name => [formatter]level,level`; `*` means every level, `security` included;
 * - `console` is the console, `syslog.facility` is syslog, anything else a file, relative to
 *   astlogdir (asterisk.conf [directories], default /var/log/asterisk) unless it starts with `/`;
 * - with `appendhostname = yes` in [general], every file name gets `.<hostname>` appended;
 * - without logger.conf, Asterisk logs warnings, notices and errors to the console only.
 *
 * AsteriskLoggingFacts only has room for the security files; the per-channel levels are kept in
 * `channels` (AsteriskLoggingFacts), which the rules read when present.
 */
import type { Facts } from "../../facts/model.js";
import {
  type AsteriskLogChannel,
  type AsteriskLoggingFacts,
  HOSTNAME_PLACEHOLDER,
  receivesLevel,
} from "../../facts/pbx.js";
import { known, type Origin, unknown } from "../../facts/value.js";
import { get } from "../../parsers/asterisk/index.js";
import { absentOrigin, asteriskDirComplete, astTrue, firstSection } from "./ami.js";
import type { AsteriskContext } from "./context.js";

export const DEFAULT_LOG_DIR = "/var/log/asterisk";

function logDir(ctx: AsteriskContext): { dir: string; origin?: Origin } {
  const conf = ctx.asterisk("asterisk.conf");
  const dirs = conf ? firstSection(conf, "directories") : undefined;
  const v = dirs ? get(dirs, "astlogdir") : undefined;
  if (!v || !dirs) return { dir: DEFAULT_LOG_DIR };
  const entry = dirs.entries.findLast((e) => e.key.toLowerCase() === "astlogdir");
  return { dir: v.replace(/\/+$/, "") || "/", origin: entry ? ctx.entryOrigin(entry) : undefined };
}

export function extractAsteriskLogging(ctx: AsteriskContext, facts: Facts): void {
  const config = ctx.asterisk("logger.conf");
  const dir = logDir(ctx);
  if (!config) {
    if (!asteriskDirComplete(ctx)) {
      facts.pbx.logging = unknown(ctx.whyUnknown("logger.conf"));
      return;
    }
    const origin = absentOrigin(
      ctx,
      "logger.conf",
      "Asterisk logs warnings, notices and errors to the console only",
    );
    const detail: AsteriskLoggingFacts = {
      securityLogFiles: [],
      at: [origin],
      channels: [
        {
          name: "console",
          type: "console",
          path: "console",
          levels: ["notice", "warning", "error"],
          at: [origin],
        },
      ],
      logDir: dir.dir,
    };
    facts.pbx.logging = known<AsteriskLoggingFacts>(detail, origin);
    return;
  }
  const general = firstSection(config, "general");
  const appendHost = general ? astTrue(get(general, "appendhostname")) : false;
  const logfiles = firstSection(config, "logfiles");
  const channels: AsteriskLogChannel[] = [];
  for (const e of logfiles?.entries ?? []) {
    const name = e.key.trim();
    if (!name) continue;
    const levels = e.value
      .replace(/^\s*\[[^\]]*\]/, "")
      .split(",")
      .map((l) => l.trim().toLowerCase())
      .filter(Boolean);
    const at = [ctx.entryOrigin(e)];
    if (name.toLowerCase() === "console") {
      channels.push({ name, type: "console", path: "console", levels, at });
    } else if (name.toLowerCase().startsWith("syslog")) {
      const facility = name.includes(".") ? name.slice(name.indexOf(".") + 1) : "local0";
      channels.push({ name, type: "syslog", path: `syslog:${facility || "local0"}`, levels, at });
    } else {
      const base = name.startsWith("/") ? name : `${dir.dir === "/" ? "" : dir.dir}/${name}`;
      const path = appendHost ? `${base}.${HOSTNAME_PLACEHOLDER}` : base;
      channels.push({ name, type: "file", path, levels, at });
    }
  }
  const securityLogFiles = channels
    .filter((c) => c.type === "file" && receivesLevel(c, "security"))
    .map((c) => c.path);
  const sectionAt: Origin = logfiles
    ? ctx.sectionOrigin(logfiles)
    : {
        kind: "config",
        file: ctx.tree.display(config.file),
        excerpt: "no [logfiles] section: nothing is logged to files",
      };
  const at: Origin[] = [sectionAt, ...channels.flatMap((c) => c.at)];
  if (dir.origin) at.push(dir.origin);
  const detail: AsteriskLoggingFacts = {
    securityLogFiles,
    at,
    channels,
    logDir: dir.dir,
    logfilesRef: logfiles
      ? { language: "asterisk", file: ctx.tree.display(logfiles.file), section: logfiles.name }
      : { language: "asterisk", file: ctx.tree.display(config.file), section: "logfiles" },
  };
  facts.pbx.logging = known<AsteriskLoggingFacts>(detail, ...at);
}
