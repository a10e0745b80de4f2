/**
 * OpenSSH: a successful login. sshd writes one line per accepted authentication (auth.c,
 * auth_log(): "%s %s%s for %s%.100s from %.200s port %d ssh2%s%s"):
 *
 *   Mar  7 18:53:20 pbx sshd[1556]: Accepted password for rda from 192.0.2.113 port 52100 ssh2
 *   Nov 28 09:16:03 pbx sshd[32307]: Accepted publickey for git from 192.0.2.1 port 57904 ssh2: RSA SHA256:3bGk…
 *   Jun  2 10:01:44 pbx sshd[812]: Accepted keyboard-interactive/pam for admin from 2001:db8::5 port 40022 ssh2
 *   Jun  2 10:01:44 pbx sshd-session[812]: Accepted publickey for root from 198.51.100.7 port 50122 ssh2: ED25519 SHA256:…
 *
 * Confirmed: OpenSSH source (auth.c) and fail2ban's test logs (corpus/fail2ban-logs/sshd); since
 * OpenSSH 9.8 the per-connection process logs as "sshd-session" (10.0 adds "sshd-auth").
 *
 * Not a login, never reported: "Failed …", "Postponed …" (keyboard-interactive in progress),
 * "Partial …" (one of several required methods), "Invalid user …", "session opened" (PAM, no
 * address). The message must start right after the sshd tag: the user name of a failed login is
 * attacker-chosen and may itself read "Accepted password for root from …".
 */
import type { EventDetector } from "./types.js";
import { cleanHost, cleanUser, execAt, fieldsOf, makeEvent, progIs } from "./util.js";

const PROGS: ReadonlySet<string> = new Set(["sshd", "sshd-session", "sshd-auth"]);

const ACCEPTED =
  /Accepted (password|publickey|keyboard-interactive(?:\/[\w-]{1,32})?|hostbased|gssapi-with-mic|gssapi-keyex|none) for (\S{1,256}) from (\S{1,256}) port (\d{1,5})(?: ssh[12])?(?:: ([^\r\n]*))?/y;

export const opensshDetector: EventDetector = {
  name: "openssh",
  kinds: ["login-success"],
  precheck: (text) => text.includes("Accepted "),
  detect(view) {
    const h = view.header;
    if (!progIs(h.prog, PROGS, true)) return undefined;
    const m = execAt(ACCEPTED, view.text, h.body);
    if (!m) return undefined;
    const [, method = "", rawUser, rawHost, port = "", key] = m;
    // A message that goes on after "ssh2" without ": key" is not sshd's (it never does).
    const end = ACCEPTED.lastIndex;
    if (key === undefined && !/^\s*$/.test(view.text.slice(end, end + 64))) return undefined;
    const user = cleanUser(rawUser);
    const host = cleanHost(rawHost);
    return makeEvent(
      view,
      "openssh",
      "login-success",
      `SSH login (OpenSSH, ${method}) as ${user ?? "?"} from ${host ?? rawHost} port ${port}`,
      {
        host,
        user,
        fields: fieldsOf({ service: "ssh", method, port, key: key?.trim().slice(0, 300) }),
      },
    );
  },
};
