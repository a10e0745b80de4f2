/**
 * Which kind of log a file is, by where it lives and what it is called, and what is looked for in
 * each kind: the failure detectors (built-in filters of src/watch/filter, and Bulwark's own in
 * ./filters.ts), whether access events are detected, and which services a quiet log of that kind
 * vouches for (an auth.log with no failure says SSH was not attacked; it says nothing of SIP).
 *
 * A file whose name says nothing (`router.log`, a capture saved under a name of its own) is told by
 * the shape of its first lines ({@link sniffKind}); when they have no common shape it is read as
 * "any": every detector runs, and it vouches only for the services it showed failures or logins of.
 */
import type { ObservedService } from "../../facts/observed.js";
import { parseSyslogHeader } from "../../watch/events/index.js";

export type LogKind =
  | "auth"
  | "syslog"
  | "asterisk"
  | "fail2ban"
  | "web-error"
  | "web-access"
  | "provisioning"
  | "any";

export interface KindSpec {
  /** Failure detectors, in priority order: on a line two of them claim, the first one wins. */
  detectors: readonly string[];
  /** Run the access-event detectors (logins, configuration changes, links, SIM, reboots). */
  events: boolean;
  /** Bans are read (fail2ban's own log). */
  bans: boolean;
  covers: readonly ObservedService[];
}

/** Every failure detector a log of unknown kind goes through, the most specific first. */
const ALL_DETECTORS = [
  "sshd",
  "dropbear",
  "asterisk",
  "freeswitch",
  "kamailio",
  "luci",
  "rutos-webui",
  "nginx-http-auth",
  "lighttpd-auth",
  "apache-auth",
  "web-access",
  "provisioning",
] as const;

export const KINDS: Record<LogKind, KindSpec> = {
  auth: { detectors: ["sshd", "dropbear"], events: true, bans: false, covers: ["ssh"] },
  // A router's or a host's whole syslog: SSH daemons, the router web interfaces, Asterisk through
  // syslog. It vouches for SSH only: whether a web UI or a PBX logs there is not known.
  syslog: {
    detectors: ["sshd", "dropbear", "asterisk", "luci", "rutos-webui"],
    events: true,
    bans: true,
    covers: ["ssh"],
  },
  asterisk: { detectors: ["asterisk"], events: true, bans: false, covers: ["sip", "iax2", "ami"] },
  fail2ban: { detectors: [], events: false, bans: true, covers: [] },
  "web-error": {
    detectors: ["nginx-http-auth", "lighttpd-auth", "apache-auth"],
    events: false,
    bans: false,
    covers: ["web"],
  },
  "web-access": { detectors: ["web-access"], events: false, bans: false, covers: ["web"] },
  provisioning: {
    detectors: ["provisioning"],
    events: false,
    bans: false,
    covers: ["provisioning"],
  },
  any: { detectors: ALL_DETECTORS, events: true, bans: true, covers: [] },
};

/** `auth.log.1`, `auth.log.2.gz`, `messages-20260301`, `error.log.gz` → `auth.log`, `messages`, `error.log`. */
export function baseLogName(name: string): string {
  return name
    .replace(/\.gz$/, "")
    .replace(/\.\d{1,3}$/, "")
    .replace(/-\d{8}$/, "");
}

/**
 * The kind of log a path is, from its folder and its name (rotation suffixes ignored); "any"
 * when neither says.
 */
export function kindOfPath(path: string): LogKind {
  const parts = path.replace(/\\/g, "/").split("/");
  const name = baseLogName(parts[parts.length - 1] ?? "");
  const dir = parts.slice(0, -1).join("/").toLowerCase();
  if (/(^|\/)asterisk$/.test(dir)) return "asterisk";
  if (/provd.*fail2ban\.log$/.test(name)) return "provisioning";
  if (name === "fail2ban.log") return "fail2ban";
  if (/(^|\/)(nginx|lighttpd|apache2?|httpd|uhttpd)$/.test(dir)) {
    if (/^(error\.log|error_log)$/.test(name)) return "web-error";
    if (/^(access\.log|access_log)$/.test(name)) return "web-access";
  }
  if (name === "auth.log" || name === "secure" || name === "authlog") return "auth";
  if (name === "messages" || name === "syslog" || name === "daemon.log") return "syslog";
  // `logread > logread.txt`: an OpenWrt or RutOS router's whole log
  if (/^logread(\.(txt|log))?$/.test(name)) return "syslog";
  return "any";
}

/** Line shapes that give a log's kind away (the daemons' own formats). */
const SHAPES: [LogKind, RegExp][] = [
  // fail2ban's log: "2026-03-05 10:02:31,335 fail2ban.actions [812]: NOTICE ..."
  ["fail2ban", /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} fail2ban\.\w+/],
  // wazo-provd's security log: "[2026-03-05 10:00:00,123] New device created automatically from ..."
  [
    "provisioning",
    /^\[[^\]]{8,40}\] (?:New device created automatically|Sensitive file requested) from /,
  ],
  // Asterisk's own files: "[2026-03-05 10:00:00] NOTICE[1638] chan_sip.c: ..."
  [
    "asterisk",
    /^\[[^\]]{8,40}\] (?:VERBOSE|NOTICE|WARNING|ERROR|SECURITY|DEBUG|DTMF|EVENT)\[\d+\]/,
  ],
  // the common/combined access log: 'host ident user [05/Mar/2026:10:20:00 +0000] "GET ...'
  ["web-access", /^\S+ \S+ \S+ \[\d\d\/\w{3}\/\d{4}:[^\]]+\] "/],
  // nginx "2026/03/05 10:00:00 [error] 812#0:", lighttpd "2026-03-05 10:00:00: (", Apache "[Thu Mar 05 ...] ["
  [
    "web-error",
    /^(?:\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[\w+\] \d+#\d+:|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d: \(|\[\w{3} \w{3} [ \d]\d [\d:.]+ \d{4}\] \[)/,
  ],
];

/** Lines looked at to tell a log's kind by its content. */
export const SNIFF_LINES = 200;

function shapeOf(text: string): LogKind | undefined {
  for (const [kind, re] of SHAPES) if (re.test(text)) return kind;
  // a timestamp and a program tag: a syslog file or a logread capture
  const h = parseSyslogHeader(text);
  return h.afterTime > 0 && h.prog !== undefined ? "syslog" : undefined;
}

/**
 * The kind the first lines of a log have in common (at least half of them; comment lines left
 * out), or "any" when they have none.
 */
export function sniffKind(lines: readonly string[]): LogKind {
  const votes = new Map<LogKind, number>();
  let counted = 0;
  for (const text of lines) {
    if (text.trim() === "" || text.startsWith("#")) continue;
    counted++;
    const k = shapeOf(text);
    if (k) votes.set(k, (votes.get(k) ?? 0) + 1);
  }
  let best: LogKind = "any";
  let most = 0;
  for (const [k, n] of votes) {
    if (n > most) {
      best = k;
      most = n;
    }
  }
  return counted > 0 && most * 2 >= counted ? best : "any";
}
