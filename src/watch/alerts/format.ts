/** Alerts built from jail events and access events, and the summary text. */
import type { JailBan, JailEvent } from "../jails/engine.js";
import type { AccessEvent } from "../types.js";
import type { Alert, AlertSeverity } from "./types.js";

/**
 * 600 → "10 min", 5400 → "1 h 30 min", 90 → "1 min 30 s", 86400 → "1 day"; with `long`,
 * "10 minutes", "1 hour 30 minutes".
 */
export function formatDuration(seconds: number, long = false): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "ever";
  let s = Math.round(seconds);
  const parts: string[] = [];
  const units: [number, string, string][] = long
    ? [
        [86_400, " day", " days"],
        [3600, " hour", " hours"],
        [60, " minute", " minutes"],
        [1, " second", " seconds"],
      ]
    : [
        [86_400, " day", " days"],
        [3600, " h", " h"],
        [60, " min", " min"],
        [1, " s", " s"],
      ];
  for (const [n, one, many] of units) {
    if (s >= n) {
      const k = Math.floor(s / n);
      s -= k * n;
      parts.push(`${k}${k === 1 ? one : many}`);
    } else if (parts.length > 0) break;
    if (parts.length === 2) break;
  }
  return parts.length > 0 ? parts.join(" ") : long ? "0 seconds" : "0 s";
}

function ordinal(n: number): string {
  const v = n % 100;
  if (v >= 11 && v <= 13) return `${n}th`;
  return `${n}${["th", "st", "nd", "rd"][n % 10] ?? "th"}`;
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : "never";
}

export function alertForBan(ban: JailBan): Alert {
  const permanent = !Number.isFinite(ban.until);
  const length = permanent ? "for ever" : `for ${formatDuration(ban.bantime)}`;
  const title = `${ban.restored ? "Ban restored" : "Banned"} ${ban.key} in ${ban.jail} ${length}`;
  const lines = [
    `${ban.kind === "id" ? "ID" : "Address"}: ${ban.key}`,
    `Jail: ${ban.jail}`,
    ban.restored ? "Restored from the state store at start" : `Failures: ${ban.failures}`,
    `Ban: ${ordinal(ban.count)}, until ${iso(ban.until)}`,
  ];
  if (ban.users.length > 0) lines.push(`User: ${ban.users.join(", ")}`);
  if (ban.sender) lines.push(`Reported by: ${ban.sender}`);
  if (ban.source) lines.push(`Log: ${ban.source}`);
  if (ban.kind === "id") lines.push("Not an address: counted and reported, no firewall rule");
  return {
    kind: "ban",
    severity: ban.jail === "recidive" ? "critical" : "warning",
    key: `ban:${ban.jail}:${ban.key}`,
    title,
    text: lines.join("\n"),
    time: ban.time,
    data: {
      jail: ban.jail,
      address: ban.key,
      kind: ban.kind,
      until: Number.isFinite(ban.until) ? iso(ban.until) : null,
      bantime: ban.bantime,
      failures: ban.failures,
      banCount: ban.banCount,
      restored: ban.restored,
      users: ban.users,
      sender: ban.sender ?? null,
      source: ban.source ?? null,
    },
  };
}

/** An alert for a jail event worth telling (ban, action failure, optionally unban). */
export function alertForJailEvent(
  e: JailEvent,
  opts: { unbans?: boolean; now?: number } = {},
): Alert | undefined {
  switch (e.type) {
    case "ban":
      return alertForBan(e.ban);
    case "unban":
      if (!opts.unbans) return undefined;
      return {
        kind: "unban",
        severity: "info",
        key: `unban:${e.jail}:${e.key}`,
        title: `Unbanned ${e.key} in ${e.jail} (${e.reason})`,
        text: `${e.key} is no longer banned in ${e.jail}: ${e.reason === "expired" ? "bantime over" : "lifted by hand"}.`,
        time: e.time,
        data: { jail: e.jail, address: e.key, reason: e.reason },
      };
    case "action-error":
      return {
        kind: "action-error",
        severity: "critical",
        key: `action-error:${e.action}:${e.jail}:${e.op}`,
        title: `Ban action ${e.action} failed in ${e.jail}`,
        text: `The ${e.action} action could not ${e.op} ${e.key || "(setup)"} in ${e.jail}: ${e.error.message}\nThe address may not be blocked.`,
        time: opts.now ?? Date.now(),
        data: { jail: e.jail, address: e.key, action: e.action, op: e.op, error: e.error.message },
      };
    default:
      return undefined;
  }
}

const ACCESS_TITLES: Record<AccessEvent["kind"], [string, AlertSeverity]> = {
  "login-success": ["Administrative login", "warning"],
  "config-change": ["Configuration changed", "warning"],
  "link-down": ["Link down", "critical"],
  "link-up": ["Link up", "info"],
  "sim-switch": ["SIM switched", "warning"],
  reboot: ["Reboot", "warning"],
  other: ["Access event", "info"],
};

/** An alert for an access event; `note` adds a line (e.g. "address never seen before"). */
export function alertForAccess(e: AccessEvent, note?: string): Alert {
  const [label, severity] = ACCESS_TITLES[e.kind];
  const where = e.line.sender ? ` on ${e.line.sender}` : "";
  const who = [e.user, e.host ? `from ${e.host}` : undefined].filter(Boolean).join(" ");
  const title = `${label}${who ? `: ${who}` : ""}${where}`;
  const lines = [e.detail];
  if (note) lines.push(note);
  lines.push(`Time: ${iso(e.time)}`);
  if (e.line.sender) lines.push(`Device: ${e.line.sender}`);
  lines.push(`Log: ${e.line.source}`);
  return {
    kind: "access",
    severity,
    key: `access:${e.kind}:${e.line.sender ?? ""}:${e.user ?? ""}:${e.host ?? ""}:${e.kind === "login-success" ? "" : e.detail}`,
    title,
    text: lines.join("\n"),
    time: e.time,
    data: {
      event: e.kind,
      user: e.user ?? null,
      host: e.host ?? null,
      detail: e.detail,
      sender: e.line.sender ?? null,
      source: e.line.source,
      note: note ?? null,
    },
  };
}
