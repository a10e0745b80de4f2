/**
 * `bulwark watch`: follow logs (files, the journal, syslog from routers), run the jails, ban,
 * alert. Runs until SIGINT or SIGTERM (then stops cleanly, exit 0); with `--once` it reads the
 * logs from their beginning once, replaying their time, prints the decisions and exits.
 *
 * Output: one line per decision (ban, unban, an address that was not banned because it is
 * protected or ignored) as text or as JSON lines, then a summary; warnings and errors go to
 * standard error. Exit 2 on a bad configuration (its file and line named) or when the watcher
 * cannot start.
 *
 * The default action is a dry run: decisions are printed, nothing is blocked, until the
 * configuration (`action:`) or `--action` says otherwise.
 */

import { InputError } from "../sources/input-error.js";
import { formatDuration } from "../watch/alerts/index.js";
import { buildWatchConfig, type WatchConfig } from "../watch/config.js";
import type { ActionKind } from "../watch/jails/index.js";
import { startWatcher, type WatchEvent, type WatcherStats } from "../watch/watcher.js";

export interface WatchCommandOptions {
  config?: string;
  fail2ban: string[];
  action?: string;
  state?: string;
  syslog: string[];
  once?: boolean;
  format: string;
  timezone?: string;
}

const EXIT_OK = 0;
const EXIT_ERROR = 2;

function iso(ms: number | undefined): string | null {
  if (ms === undefined || !Number.isFinite(ms)) return null;
  return new Date(ms).toISOString();
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function complain(line: string): void {
  process.stderr.write(`bulwark: ${line}\n`);
}

/** Action per jail, as the watcher will use it. */
function actionOf(config: WatchConfig, once: boolean): (jail: string) => ActionKind {
  const byJail = new Map(config.jails.map((j) => [j.name, j.action ?? config.action.kind]));
  return (jail) => (once ? "dry-run" : (byJail.get(jail) ?? config.action.kind));
}

export async function runWatchCommand(opts: WatchCommandOptions): Promise<number> {
  const json = opts.format === "json";
  const once = opts.once ?? false;
  let config: WatchConfig;
  try {
    config = buildWatchConfig({
      config: opts.config,
      fail2ban: opts.fail2ban,
      action: opts.action,
      state: opts.state,
      syslog: opts.syslog,
      timezone: opts.timezone,
    });
  } catch (e) {
    if (e instanceof InputError) {
      complain(e.located);
      return EXIT_ERROR;
    }
    throw e;
  }
  if (config.jails.length === 0) {
    const where = [config.file, ...opts.fail2ban].filter((x) => x !== undefined);
    complain(
      where.length > 0
        ? `no enabled jail in ${where.join(", ")}`
        : "nothing to watch: give --config FILE (jails in YAML) or --fail2ban DIR (an existing fail2ban configuration)",
    );
    return EXIT_ERROR;
  }

  const action = actionOf(config, once);
  const seenIgnored = new Set<string>();
  const onEvent = (e: WatchEvent) => {
    switch (e.type) {
      case "ban": {
        const b = e.ban;
        const kind = action(b.jail);
        if (json) {
          say(
            JSON.stringify({
              type: "ban",
              time: iso(b.time),
              jail: b.jail,
              address: b.address,
              kind: b.kind,
              failures: b.failures,
              bantime: b.bantime,
              until: iso(b.until),
              count: b.count,
              users: b.users,
              source: b.source ?? null,
              sender: b.sender ?? null,
              restored: b.restored,
              action: kind,
            }),
          );
        } else {
          const what = b.restored
            ? "restored"
            : `${b.failures} failure${b.failures === 1 ? "" : "s"}`;
          const users = b.users.length > 0 ? `, user ${b.users.join(",")}` : "";
          const until = Number.isFinite(b.until)
            ? `${formatDuration(b.bantime)}, until ${iso(b.until)}`
            : "for ever";
          const dry = kind === "dry-run" ? " [dry run]" : "";
          say(`${iso(b.time)} ban    ${b.jail} ${b.address} (${what}${users}; ${until})${dry}`);
        }
        break;
      }
      case "access": {
        const a = e.event;
        if (json) {
          say(
            JSON.stringify({
              type: "access",
              time: iso(a.time),
              kind: a.kind,
              host: a.host ?? null,
              user: a.user ?? null,
              detail: a.detail,
              source: a.line.source,
              line: a.line.lineNo ?? null,
            }),
          );
        } else {
          const who = [a.user && `user ${a.user}`, a.host && `from ${a.host}`]
            .filter(Boolean)
            .join(" ");
          say(`${iso(a.time)} event  ${a.kind} ${a.detail}${who ? ` (${who})` : ""}`);
        }
        break;
      }
      case "unban":
        if (json) {
          say(
            JSON.stringify({
              type: "unban",
              time: iso(e.time),
              jail: e.jail,
              address: e.key,
              reason: e.reason,
              action: action(e.jail),
            }),
          );
        } else say(`${iso(e.time)} unban  ${e.jail} ${e.key} (${e.reason})`);
        break;
      case "ignored": {
        const k = `${e.jail}\u0000${e.key}\u0000${e.reason}`;
        if (seenIgnored.has(k)) break;
        seenIgnored.add(k);
        if (json) {
          say(
            JSON.stringify({
              type: "ignored",
              time: iso(e.time),
              jail: e.jail,
              address: e.key,
              reason: e.reason,
            }),
          );
        } else say(`${iso(e.time)} ignore ${e.jail} ${e.key} (${e.reason}: never banned)`);
        break;
      }
      case "action-error":
        if (json) {
          say(
            JSON.stringify({
              type: "action-error",
              jail: e.jail,
              address: e.key || null,
              action: e.action,
              op: e.op,
              error: e.error.message,
            }),
          );
        } else {
          complain(
            `[${e.jail}] ${e.action} ${e.op}${e.key ? ` ${e.key}` : ""} failed: ${e.error.message}`,
          );
        }
        break;
      case "alert-error":
        complain(`alert '${e.title}' not delivered by ${e.channel}: ${e.error.message}`);
        break;
      case "warning":
        complain(`warning: ${e.message}`);
        break;
    }
  };

  // Signals are caught from the start: one during startup stops the watcher as soon as it runs.
  // A second one while stopping ends the process at once.
  let signalled: NodeJS.Signals | undefined;
  let wake = () => {};
  const stopAsked = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(EXIT_ERROR);
    signalled = signal;
    if (!json) process.stderr.write(`bulwark watch: ${signal}, stopping\n`);
    wake();
  };
  if (!once) {
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }
  try {
    let watcher: Awaited<ReturnType<typeof startWatcher>>;
    try {
      watcher = await startWatcher(config, { once, onEvent });
    } catch (e) {
      if (e instanceof InputError) complain(e.located);
      else complain(`cannot start: ${(e as Error).message}`);
      return EXIT_ERROR;
    }
    if (!json) {
      const kinds = [...new Set(config.jails.map((j) => action(j.name)))];
      const how = kinds.includes("dry-run")
        ? once
          ? "a replay of the logs, decisions are printed, nothing is blocked"
          : "decisions are printed, nothing is blocked (--action nftables to ban)"
        : "bans are applied";
      process.stderr.write(
        `bulwark watch: ${config.jails.length} jail${config.jails.length === 1 ? "" : "s"} (${config.jails
          .map((j) => j.name)
          .join(", ")}); action ${kinds.join(", ")}: ${how}\n`,
      );
    }
    await (once ? watcher.done : stopAsked);
    await watcher.stop();
    printSummary(watcher.stats(), json, action);
    return EXIT_OK;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

function printSummary(s: WatcherStats, json: boolean, action: (jail: string) => string): void {
  if (json) {
    say(
      JSON.stringify({
        type: "summary",
        mode: s.once ? "once" : "live",
        lines: s.lines,
        jails: s.jails.map((j) => ({
          jail: j.jail,
          action: action(j.jail),
          lines: j.lines,
          matches: j.matches,
          failures: j.failures,
          bans: j.bans,
          banned: j.banned,
          ignored: j.ignored,
          stale: j.stale,
          errors: j.errors,
        })),
        inputs: s.inputs,
        banned: s.banned.map((b) => ({ ...b, until: iso(b.until) })),
        actionErrors: s.actionErrors,
        warnings: s.warnings,
      }),
    );
    return;
  }
  say(
    `summary: ${s.lines} line${s.lines === 1 ? "" : "s"} read, ${s.jails.reduce((n, j) => n + j.bans, 0)} ban(s), ${s.banned.length} in force`,
  );
  for (const j of s.jails) {
    say(
      `  ${j.jail}: ${j.lines} lines, ${j.matches} failures found, ${j.bans} bans (${j.banned} in force), ${j.ignored} ignored, ${j.stale} too old, ${j.errors} errors`,
    );
  }
}
