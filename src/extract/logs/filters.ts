/**
 * The failure detectors a log is read with: the built-in filters of `bulwark watch`
 * (src/watch/filter: sshd, dropbear, asterisk, web logins...), and three written here in
 * fail2ban's filter format for logs those do not cover:
 *
 * - `bans`: fail2ban's own log, `2026-03-05 10:00:00,123 fail2ban.actions [812]: NOTICE [sshd] Ban 203.0.113.5`
 *   (also through syslog: `Sep 16 00:44:55 host fail2ban.actions: NOTICE [jail] Ban 10.0.0.7`);
 *   "Restore Ban" is fail2ban re-applying a ban from its database at start. Shapes from fail2ban's
 *   recidive filter and its test log (server/actions.py logs "[%s] Ban %s" / "Restore Ban").
 * - `provisioning`: Wazo's provisioning server security log (/var/log/wazo-provd-fail2ban.log,
 *   `[2026-03-05 10:00:00,123] New device created automatically from 198.51.100.7: 7f3a…`, and
 *   "Sensitive file requested from …"), the lines Wazo's own wazo-provd filter bans on
 *   (wazo-provd's security.py: logging.Formatter('[%(asctime)s] %(message)s')).
 * - `web-access`: an HTTP access log in the common/combined format (nginx, lighttpd, Apache), a
 *   request answered 401 (credentials refused) — what HTTP basic authentication failures look like
 *   where there is no error log.
 */
import { readFilter } from "../../parsers/fail2ban/filter.js";
import { memoryFs } from "../../parsers/fail2ban/fs.js";
import { type CompiledFilter, compileFilter, loadFilter } from "../../watch/filter/index.js";

const OWN: Record<string, string> = {
  bans: String.raw`
[Definition]
failregex = ^\s*(?:\S+\s+)?(?:fail2ban(?:-server)?(?:\[\d+\])?:\s+)?(?:fail2ban\.actions\s*(?:\[\d+\])?:\s+)?(?:NOTICE\s+)?\[<F-JAIL>[^\]\s]{1,64}</F-JAIL>\]\s+<F-ACTION>(?:Restore )?Ban</F-ACTION>\s+<HOST>\s*$
datepattern = {^LN-BEG}
`,
  provisioning: String.raw`
[Definition]
failregex = ^\s*(?:\[\]\s*)?<F-WHAT>New device created automatically|Sensitive file requested</F-WHAT> from <HOST>:
datepattern = {^LN-BEG}
`,
  "web-access": String.raw`
[Definition]
failregex = ^\s*<HOST> \S+ <F-USER>\S+</F-USER> \[\] "[A-Z]{3,10} [^"]{0,4096}" 401 
`,
};

/**
 * A substring test each detector's lines pass, taken from its own patterns: a line without it can
 * be neither a failure nor a line a multi-line failure gathers, so the filter is not run on it (on
 * a router's whole syslog most lines pass none). sshd's lines carry its tag (sshd, sshd-session,
 * sshd-auth) in every syslog, journal and logread shape; Asterisk's a level its prefregex requires.
 */
export const GATES: Record<string, (text: string) => boolean> = {
  sshd: (t) => t.includes("sshd"),
  dropbear: (t) => t.includes("attempt") || t.includes("before auth"),
  asterisk: (t) => t.includes("NOTICE") || t.includes("SECURITY") || t.includes("WARNING"),
  freeswitch: (t) => t.includes("sofia_reg.c"),
  kamailio: (t) => t.includes("ike") || t.includes("uth") || t.includes("assword"),
  luci: (t) => t.includes("luci:"),
  "rutos-webui": (t) =>
    t.includes("luci:") ||
    t.includes("attempt") ||
    t.includes("uthentication") ||
    t.includes("ogin"),
  "nginx-http-auth": (t) => t.includes("client: "),
  "lighttpd-auth": (t) => t.includes("_auth.c"),
  "apache-auth": (t) => t.includes("[client ") || t.includes("[remote "),
  "web-access": (t) => t.includes('" 401 '),
  provisioning: (t) => t.includes(" from "),
  bans: (t) => t.includes("Ban "),
};

export interface DetectorOptions {
  timezone?: string;
  now?: () => number;
}

/** Compiles one detector by name (a built-in filter, or one of this module's). */
export function compileDetector(name: string, opts: DetectorOptions): CompiledFilter {
  const own = OWN[name];
  const compile = { timezone: opts.timezone, now: opts.now };
  if (own === undefined) return loadFilter(name, compile);
  return compileFilter(readFilter(memoryFs({ [`filter.d/${name}.conf`]: own }), name), compile);
}

/**
 * Compiled detectors, one per name for a whole extraction. Sharing is right for rotated files
 * read oldest first (auth.log.1 then auth.log are one stream: an sshd session may span the cut);
 * across unrelated files a session id (host and pid) does not recur.
 */
export class DetectorSet {
  readonly #cache = new Map<string, CompiledFilter>();

  constructor(private readonly opts: DetectorOptions) {}

  get(name: string): CompiledFilter {
    let f = this.#cache.get(name);
    if (!f) {
      f = compileDetector(name, this.opts);
      this.#cache.set(name, f);
    }
    return f;
  }
}
