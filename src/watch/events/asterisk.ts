/**
 * Asterisk: a login to the Manager Interface (AMI) and a module reload (the configuration being
 * re-read: `core reload`, `module reload`, `dialplan reload`, an AMI "Reload" action).
 *
 *   [2026-03-12 10:04:31] VERBOSE[2270] manager.c: Manager 'admin' logged on from 127.0.0.1
 *   [Mar 12 10:04:31] VERBOSE[2270] manager.c:   == HTTP Manager 'admin' logged on from 192.0.2.44   (1.8/11: verbose prefix kept)
 *   Mar 12 10:04:31 pbx asterisk[2214]: VERBOSE[2270]: manager.c:6873 in authenticate: Manager 'wazo' logged on from 127.0.0.1
 *   [2026-03-12 10:05:02] VERBOSE[2301] loader.c: Reloading module 'res_pjsip.so' (Basic SIP resource)
 *
 * Confirmed: Asterisk source (manager.c: ast_verb(2, "%sManager '%s' logged on from %s\n", "HTTP "
 * for the HTTP manager); loader.c: ast_verb(3, "Reloading module '%s' (%s)\n"); logger.c for the
 * file and syslog framings, which the fail2ban Asterisk test log shows too). Logons appear only
 * with `displayconnects = yes` (the default) and verbose ≥ 2 in the log channel.
 *
 * Not a login: "manager.c: 192.0.2.9 failed to authenticate as 'admin'", "… tried to authenticate
 * with nonexistent user 'x'", "Manager 'admin' logged off from …". The file name right after the
 * level is what places a message: "manager.c: Manager …" quoted inside a chan_sip or PJSIP message
 * (caller-controlled text) is not at that place.
 *
 * A `core reload` writes one "Reloading module" line per module: the event's detail is the same
 * for all of them ("Asterisk configuration reloaded"), so the alert dedupe window folds them into
 * one alert; the module is in `fields.module`.
 */
import type { EventDetector, LineView } from "./types.js";
import { cleanHost, cleanUser, execAt, fieldsOf, makeEvent } from "./util.js";

const LEVEL =
  "(?:VERBOSE|NOTICE|EVENT|WARNING|DEBUG|ERROR|SECURITY|DTMF)\\[\\d{1,10}\\](?:\\[C-[0-9a-fA-F]{1,16}\\])?:?";
/** The file log: "[date] LEVEL[lwp][C-callid] " from the start of the line. */
const FILE_HEADER = new RegExp(`\\[[^\\]\\r\\n]{1,40}\\] ${LEVEL} `, "y");
/** The syslog form, after the "asterisk[pid]: " tag: "LEVEL[lwp]: ". */
const SYSLOG_LEVEL = new RegExp(`${LEVEL} `, "y");
/** "manager.c:" / "manager.c:6873 in authenticate:" / "manager.c:6873 authenticate:". */
const SOURCE = (file: string) => `${file}:(?:\\d{1,6} (?:in )?\\w{1,64}:)?\\s+(?:(?:==|--|>)\\s+)?`;
const LOGON = new RegExp(
  `${SOURCE("manager\\.c")}(HTTP )?Manager '([^'\\r\\n]{0,256})' logged on from (\\S{1,256})\\s*$`,
  "y",
);
const RELOAD = new RegExp(
  `${SOURCE("loader\\.c")}Reloading module '([^'\\r\\n]{1,128})'(?: \\(([^\\r\\n]{0,200})\\))?\\s*$`,
  "y",
);

/** Where the "file.c:" part of an Asterisk message starts, or -1. */
function messageStart(view: LineView): number {
  const text = view.text;
  if (text.charCodeAt(0) === 91) {
    FILE_HEADER.lastIndex = 0;
    if (FILE_HEADER.test(text)) return FILE_HEADER.lastIndex;
  }
  const h = view.header;
  if (h.prog !== "asterisk") return -1;
  SYSLOG_LEVEL.lastIndex = h.body;
  return SYSLOG_LEVEL.test(text) ? SYSLOG_LEVEL.lastIndex : -1;
}

export const asteriskAmiDetector: EventDetector = {
  name: "asterisk-ami",
  kinds: ["login-success"],
  precheck: (text) => text.includes("' logged on from "),
  detect(view) {
    const at = messageStart(view);
    if (at < 0) return undefined;
    const m = execAt(LOGON, view.text, at);
    if (!m) return undefined;
    const http = m[1] !== undefined;
    const user = cleanUser(m[2]);
    const host = cleanHost(m[3]);
    return makeEvent(
      view,
      "asterisk-ami",
      "login-success",
      `Asterisk Manager (AMI${http ? " over HTTP" : ""}) login as ${user ?? "?"} from ${host ?? m[3]}`,
      { host, user, fields: fieldsOf({ service: http ? "ami-http" : "ami" }) },
    );
  },
};

export const asteriskReloadDetector: EventDetector = {
  name: "asterisk-reload",
  kinds: ["config-change"],
  precheck: (text) => text.includes("Reloading module '"),
  detect(view) {
    const at = messageStart(view);
    if (at < 0) return undefined;
    const m = execAt(RELOAD, view.text, at);
    if (!m) return undefined;
    return makeEvent(view, "asterisk-reload", "config-change", "Asterisk configuration reloaded", {
      fields: fieldsOf({ module: m[1], description: m[2] }),
    });
  },
};
