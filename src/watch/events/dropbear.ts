/**
 * Dropbear (OpenWrt, RutOS, many embedded devices): a successful SSH login. Dropbear logs (to
 * syslog, facility authpriv, ident "dropbear"):
 *
 *   Mar 24 15:25:51 rut955 dropbear[4092]: Password auth succeeded for 'root' from 192.168.1.10:51334
 *   Mon Sep 15 14:54:39 2025 authpriv.notice dropbear[30519]: Password auth succeeded for 'root' from 192.168.9.204:55200
 *   Jul 10 23:53:52 gw dropbear[825]: Pubkey auth succeeded for 'root' with ssh-ed25519 key SHA256:Xq3… from 203.0.113.9:41022
 *   Jul 10 23:53:52 gw dropbear[825]: Pubkey auth succeeded for 'root' with key md5 0f:3a:… from 10.0.0.2:4022   (before 2020)
 *   Jul 10 23:53:52 gw dropbear[825]: Auth succeeded with blank password for 'root' from 192.168.1.10:51334
 *   Jul 10 23:53:52 gw dropbear[825]: PAM password auth succeeded for 'admin' from 192.168.1.10:51334
 *   Jul 10 23:53:52 gw dropbear[825]: 2FA auth succeeded for 'admin' from 192.168.1.10:51334   (RutOS 7 with 2FA)
 *   Jul 10 23:53:52 gw dropbear[825]: [825] Jul 10 23:53:52 Password auth succeeded for 'root' from 1.2.3.4:52289   (-E, journal)
 *
 * Confirmed: Dropbear source (svr-authpasswd.c, svr-authpubkey.c, svr-authpam.c), Teltonika's
 * RutOS 7.20 SDK patches (911-ubus-pam-support, 916-2fa-support), a logread capture from an
 * OpenWrt router. The address is "host:port", for IPv6 too (no brackets).
 *
 * Not a login, never reported: "Bad password attempt…", "Login attempt for nonexistent user…",
 * "Pubkey auth bad signature…", "Exit before auth…", "2FA auth failed…", and the partial successes
 * "Password auth succeeded for 'x' from …, extra auth required" (multi-method auth) and
 * "…, 2FA required" (RutOS: the one-time password is still to come). Anything after the address
 * makes the line a non-login.
 */
import type { EventDetector } from "./types.js";
import { cleanHost, cleanUser, execAt, fieldsOf, makeEvent, progIs } from "./util.js";

const PROGS: ReadonlySet<string> = new Set(["dropbear"]);

/** "[825] Jul 10 23:53:52 " that Dropbear -E puts before its message (fail2ban gh-3597). */
const STDERR_PREFIX = /\[\d{1,10}\] [A-Z][a-z]{2} [ 0-3]?\d \d\d:\d\d:\d\d /y;
const PASSWORD =
  /(Password|PAM password|2FA) auth succeeded for (?:secret user )?'([^'\r\n]{0,256})' from (\S{1,256})/y;
const PUBKEY =
  /[Pp]ubkey auth succeeded for '([^'\r\n]{0,256})' with (?:key (?:md5 )?|(\S{1,64}) key )(\S{1,256}) from (\S{1,256})/y;
const BLANK = /Auth succeeded with blank password for '([^'\r\n]{0,256})' from (\S{1,256})/y;

/** Only whitespace may follow the address of a completed login. */
function endsAt(text: string, end: number): boolean {
  return /^\s*$/.test(text.slice(end, end + 64));
}

interface Found {
  method: string;
  rawUser: string | undefined;
  rawHost: string | undefined;
  keyType?: string | undefined;
  fingerprint?: string | undefined;
}

function matchLogin(text: string, at: number): Found | undefined {
  const pw = execAt(PASSWORD, text, at);
  if (pw) {
    if (!endsAt(text, PASSWORD.lastIndex)) return undefined;
    const method = pw[1] === "PAM password" ? "pam" : pw[1] === "2FA" ? "password+2fa" : "password";
    return { method, rawUser: pw[2], rawHost: pw[3] };
  }
  const pk = execAt(PUBKEY, text, at);
  if (pk) {
    if (!endsAt(text, PUBKEY.lastIndex)) return undefined;
    return {
      method: "publickey",
      rawUser: pk[1],
      keyType: pk[2],
      fingerprint: pk[3],
      rawHost: pk[4],
    };
  }
  const blank = execAt(BLANK, text, at);
  if (blank) {
    if (!endsAt(text, BLANK.lastIndex)) return undefined;
    return { method: "blank-password", rawUser: blank[1], rawHost: blank[2] };
  }
  return undefined;
}

export const dropbearDetector: EventDetector = {
  name: "dropbear",
  kinds: ["login-success"],
  precheck: (text) => text.includes("uth succeeded"),
  detect(view) {
    const h = view.header;
    if (!progIs(h.prog, PROGS, true)) return undefined;
    const text = view.text;
    let at = h.body;
    STDERR_PREFIX.lastIndex = at;
    if (STDERR_PREFIX.test(text)) at = STDERR_PREFIX.lastIndex;

    const found = matchLogin(text, at);
    if (!found) return undefined;
    const { method, rawUser, rawHost, keyType, fingerprint } = found;
    const user = cleanUser(rawUser);
    const host = cleanHost(rawHost, true);
    return makeEvent(
      view,
      "dropbear",
      "login-success",
      `SSH login (Dropbear, ${method}) as ${user ?? "?"} from ${host ?? rawHost}`,
      {
        host,
        user,
        fields: fieldsOf({ service: "ssh", method, keyType, fingerprint }),
      },
    );
  },
};
