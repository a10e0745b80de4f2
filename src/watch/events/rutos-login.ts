/**
 * Teltonika RutOS: WebUI and SSH logins as RutOS writes them to its events log (and, on the
 * legacy LuCI-based RUT9xx firmware, to syslog through `logger`).
 *
 * Confirmed from Teltonika's GPL SDKs (source, not a device capture):
 *
 *   Password auth succeeded for root on SSH from 192.168.1.10:51334
 *       RutOS 7 Dropbear patch 904-events-log-ssh ("%s for %s on SSH from %s", sender "SSH").
 *       Dropbear's own syslog line for the same login is matched by the dropbear detector; both
 *       give user "root" and address 192.168.1.10, so the seen-set counts one login.
 *   WebUI password auth succeeded for 'admin' from HTTPS WAN 203.0.113.9
 *       RUT9xx legacy LuCI dispatcher.lua (`/usr/bin/logger "WebUI password auth succeeded for
 *       'admin' from " .. HTTP|HTTPS .. " " .. LAN|WAN .. " " .. address`), tag "root".
 *   Authentication was successful from HTTP LAN 192.168.1.10
 *       RUT9xx legacy events log, type "Web UI" (only user admin can log in there).
 *   Password auth succeeded from LAN 192.168.1.10:51334
 *       RUT9xx legacy teltonika-functions.sh check_this_ip() (events log, type "SSH"; no user).
 *
 * Assumed (RutOS 7 WebUI; the text itself is not in the SDK, which ships the web API compiled):
 * RutOS 7's Events Reporting matches WebUI logins by the substrings "Password auth succeeded" /
 * "Bad password attempt", and its Event Juggler by "successfully authenticated on HTTP" /
 * "Invalid password attempt for" (vuci events_reporting rule lists, RutOS 7 UI sources). The
 * shapes accepted for those are
 *
 *   Password auth succeeded for admin on WebUI from 192.168.1.10          (any one-word channel)
 *   User admin successfully authenticated on HTTPS from 192.168.1.10
 *
 * Not found in any source and not matched: "User root logged in through SSH", "Authentication was
 * successful from WebUI" with nothing after it.
 *
 * Failures, never reported: "Bad password attempt for root on SSH from …", "Bad WebUI password
 * attempt for 'admin' from …", "WebUI Login attempt for nonexistent user from …", "Authentication
 * was not successful …", "Invalid password attempt for …", "Bad password attempt from …".
 */
import { rutosBody } from "./rutos.js";
import type { EventDetector } from "./types.js";
import { cleanHost, cleanUser, execAt, fieldsOf, makeEvent } from "./util.js";

const EVENT_SSH =
  /Password auth succeeded for (\S{1,256}) on ([A-Za-z][\w-]{0,15}) from (\S{1,256})\s*$/y;
const LEGACY_SYSLOG =
  /WebUI password auth succeeded for '([^'\r\n]{0,256})' from (HTTPS?)\s+(?:(LAN|WAN)\s+)?(\S{1,256})\s*$/y;
const LEGACY_EVENT =
  /Authentication was successful from (HTTPS?)\s+(?:(LAN|WAN)\s+)?(\S{1,256})\s*$/y;
const LEGACY_SSH_EVENT = /Password auth succeeded from (LAN|WAN)\s+(\S{1,256})\s*$/y;
const JUGGLER =
  /(?:User )?['"]?([^\s'"]{1,256})['"]? successfully authenticated on (HTTPS?)\b(?:[^\r\n]{0,80}? from (\S{1,256}))?\s*$/y;

export const rutosLoginDetector: EventDetector = {
  name: "rutos-login",
  kinds: ["login-success"],
  precheck: (text) =>
    text.includes("uth succeeded") ||
    text.includes("was successful from") ||
    text.includes("successfully authenticated on"),
  detect(view) {
    const at = rutosBody(view);
    if (at < 0) return undefined;
    const text = view.text;
    let m = execAt(EVENT_SSH, text, at);
    if (m) {
      const channel = m[2] ?? "";
      const ssh = channel.toUpperCase() === "SSH";
      const user = cleanUser(m[1]);
      const host = cleanHost(m[3], ssh);
      return makeEvent(
        view,
        "rutos-login",
        "login-success",
        `${ssh ? "SSH" : channel} login (RutOS) as ${user ?? "?"} from ${host ?? m[3]}`,
        { host, user, fields: fieldsOf({ service: ssh ? "ssh" : channel.toLowerCase(), channel }) },
      );
    }
    m = execAt(LEGACY_SYSLOG, text, at);
    if (m) {
      const user = cleanUser(m[1]);
      const host = cleanHost(m[4]);
      return makeEvent(
        view,
        "rutos-login",
        "login-success",
        `Web login (RutOS WebUI, ${m[2]}) as ${user ?? "?"} from ${host ?? m[4]}`,
        { host, user, fields: fieldsOf({ service: "webui", protocol: m[2], via: m[3] }) },
      );
    }
    m = execAt(LEGACY_EVENT, text, at);
    if (m) {
      const host = cleanHost(m[3]);
      // The legacy WebUI logs this only for its single account, "admin" (dispatcher.lua).
      return makeEvent(
        view,
        "rutos-login",
        "login-success",
        `Web login (RutOS WebUI, ${m[1]}) as admin from ${host ?? m[3]}`,
        { host, user: "admin", fields: fieldsOf({ service: "webui", protocol: m[1], via: m[2] }) },
      );
    }
    m = execAt(LEGACY_SSH_EVENT, text, at);
    if (m) {
      const host = cleanHost(m[2], true);
      return makeEvent(
        view,
        "rutos-login",
        "login-success",
        `SSH login (RutOS) from ${host ?? m[2]}`,
        {
          host,
          fields: fieldsOf({ service: "ssh", via: m[1] }),
        },
      );
    }
    m = execAt(JUGGLER, text, at);
    if (m) {
      const user = cleanUser(m[1]);
      const host = cleanHost(m[3]);
      return makeEvent(
        view,
        "rutos-login",
        "login-success",
        `Web login (RutOS WebUI, ${m[2]}) as ${user ?? "?"}${host ? ` from ${host}` : ""}`,
        { host, user, fields: fieldsOf({ service: "webui", protocol: m[2] }) },
      );
    }
    return undefined;
  },
};
