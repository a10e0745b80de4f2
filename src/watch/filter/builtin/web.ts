/**
 * Web servers and router web interfaces: HTTP authentication failures of nginx, lighttpd and
 * Apache, and login failures of the router UIs (LuCI on uhttpd, RutOS WebUI).
 */
import { detector } from "./common.js";

/**
 * nginx error log: basic-auth user unknown / wrong password, PAM failures. Modes: normal (or
 * auth), fallback (TLS handshakes that fail the way scanners make them fail), aggressive (both).
 */
export const NGINX_HTTP_AUTH = detector(
  `
_daemon = nginx
`,
  String.raw`
[Definition]
# "[error] 2865#0: *66647 " after the date; in the journal the message may repeat "host nginx: " and the date
_level = \[(?:error|crit|warn|alert|emerg)\] \d+#\d+: \*\d+
_again_file =
_again_rfc5424 =
_again_journal = (?:\S+ nginx: )?(?:\d{4}/\d\d/\d\d \d\d:\d\d:\d\d )?
prefregex = ^<_head><_again_<logtype>><_level> <F-CONTENT>.+</F-CONTENT>$

# what nginx appends: ", client: A, server: S, request: "R"[, upstream: "U"], host: "H"[, referrer: "F"]";
# a user name is the client's words and may imitate it: the real client is the one followed by
# well-formed fields up to the end of the line
_client = , client: <HOST>, server: \S*(?:, \w+: "[^"]*")*\s*$
_auth = ^user "<F-USER>.*</F-USER>":? (?:password mismatch|was not found in "[^"]*")<_client>
        ^PAM: user '<F-USER>.*</F-USER>' - not authenticated: .*?<_client>
_tls = ^SSL_(?:do_handshake|read)\(\) failed \(SSL: .*?\) while (?:SSL handshaking|waiting for request|reading client request line), client: <HOST>, server: \S+\s*$
_mode_normal = <_auth>
_mode_auth = <_auth>
_mode_fallback = <_tls>
_mode_aggressive = <_auth>
                   <_tls>
failregex = <_mode_<mode>>
mode = normal
ignoreregex =
datepattern = {^LN-BEG}
journalmatch = _SYSTEMD_UNIT=nginx.service + _COMM=nginx
`,
);

/** lighttpd mod_auth (formerly http_auth): wrong password, unknown user, digest failures. */
export const LIGHTTPD_AUTH = detector(
  `
_daemon = lighttpd
`,
  String.raw`
[Definition]
# "2011-12-25 17:09:20: (http_auth.c.875) ..." leaves ": (http_auth.c.875) " once the date is cut
failregex = ^(?::\s*)?<_head>\(?(?:http|mod)_auth\.c\.\d+\) (?:password doesn't match for \S+ username:\s+<F-USER>\S+?</F-USER>,?|digest: auth failed(?: for\s+<F-ALT_USER>\S+?</F-ALT_USER>\s*)?: (?:wrong password|uri mismatch \([^)]*\))|get_password failed),? IP: <HOST>\s*$
ignoreregex =
datepattern = {^LN-BEG}
journalmatch = _SYSTEMD_UNIT=lighttpd.service
`,
);

/**
 * Apache httpd error log: authentication and authorization failures (basic, digest, owner),
 * access denied by configuration, SNI mismatches. Parameters: `logging` = file (ErrorLog to a
 * file, default) or syslog (ErrorLog syslog); `mode` = normal (default; mod_evasive's denials are
 * left to a jail of their own) or aggressive (they count too).
 */
export const APACHE_AUTH = detector(
  String.raw`
_daemon = (?:apache\d*|httpd(?:/\w+)?)
logging = file
`,
  String.raw`
[Definition]
# in a file the date is in brackets, which stay ("[] [error] ..."); through syslog a syslog head
_lead_file = \[\]\s*
_lead_logfile = <_lead_file>
_lead_syslog = <_head>
# "[error]", "[auth_basic:error]", "[:error]"; in normal mode not mod_evasive's
_module_normal = (?!evasive)
_module_aggressive =
_where = \[(?:error|<_module_<mode>>[^\]\s:]*:error)\](?: \[pid \d+(?::\S+ \d+)?\])? \[(?:client|remote) <HOST>(?::\d{1,5})?\]
prefregex = ^<_lead_<logging>><_where> (?:AH\d+: )?<F-CONTENT>.+</F-CONTENT>$

# "Digest: " / "Basic: " before some messages (Apache 2.2)
_scheme = (?:[A-Z]\w+: )?
failregex = ^client (?:denied by server configuration|used wrong authentication scheme)\b
            ^user (?!\x60)<F-USER>\S*|.*?</F-USER> (?:auth(?:oriz|entic)ation failure|not found|denied by provider)\b
            ^Authorization of user <F-USER>\S*|.*?</F-USER> to access .*? failed\b
            ^<_scheme>user <F-USER>\S*|.*?</F-USER>: password mismatch\b
            ^<_scheme>user \x60<F-USER>[^']*|.*?</F-USER>' in realm \x60.+' (?:auth(?:oriz|entic)ation failure|not found|denied by provider)\b
            ^<_scheme>invalid nonce .* received - (?:length is not\b|user attempted time travel\b)
            ^<_scheme>realm mismatch - got \x60(?:[^']*|.*?)' but expected\b
            ^<_scheme>unknown algorithm \x60(?:[^']*|.*?)' received\b
            ^invalid qop \x60(?:[^']*|.*?)' received\b
            ^(?:No h|H)ostname \S+ provided via SNI(?:, but no hostname provided| and hostname \S+ provided| for a name based virtual host)\b
mode = normal
ignoreregex =
datepattern = {^LN-BEG}
journalmatch = _SYSTEMD_UNIT=apache2.service + _SYSTEMD_UNIT=httpd.service
`,
);

/**
 * LuCI on uhttpd (OpenWrt, and RutOS before 7): `luci: failed login on /admin for root from
 * 192.0.2.1`, which LuCI writes to stderr and uhttpd passes to syslog (`daemon.err uhttpd[1]:
 * [info] luci: ...` through logread). Successful logins are matched as such (not failures).
 */
export const LUCI = detector(
  `
_daemon = uhttpd
`,
  String.raw`
[Definition]
# logread shows "daemon.err uhttpd[1234]:", uhttpd may add "[info] "
_facility = (?:\w+\.\w+ )?
prefregex = ^<_head_<logtype>><_facility><_head_<logtype>>(?:\[\w+\] )?luci: <F-CONTENT>.+</F-CONTENT>$
failregex = ^failed login on \S* for <F-USER>.*?</F-USER> from <HOST>\s*$
ignoreregex =
journalmatch = _SYSTEMD_UNIT=uhttpd.service + _COMM=uhttpd
`,
);

/**
 * Teltonika RutOS WebUI. RutOS 7 logs WebUI logins through its API and event log; RutOS 6 and
 * older are LuCI based (see {@link LUCI}, also matched here). The RutOS 7 wordings accepted
 * (`Authentication failed for user admin from 192.0.2.1`, `Bad password attempt for 'admin'
 * from 192.0.2.1 (WebUI)`, `Failed login attempt for user admin from 192.0.2.1`...) are those
 * reported for the web interface; no sample log of a device was available to check them
 * against, so the patterns take the common shapes rather than one exact text.
 */
export const RUTOS_WEBUI = detector(
  String.raw`
_daemon = \S+
`,
  String.raw`
[Definition]
_facility = (?:\w+\.\w+ )?
_who = (?:for (?:user )?'?<F-USER>[^'\s]*</F-USER>'? )?
failregex = ^<_head><_facility><_head>(?:\[\w+\] )?luci: failed login on \S* for <F-USER>.*?</F-USER> from <HOST>\s*$
            ^<_head><_facility><_head>(?:\[\w+\] )?(?:WebUI: |\[WebUI\] )?(?:Bad password attempt|Authentication (?:failed|was unsuccessful|failure)|Failed login(?: attempt)?|Login failed|Unsuccessful login(?: attempt)?) <_who>from (?:IP )?<HOST>(?::\d+)?(?: \(?(?:WebUI|HTTPS?|web)\)?)?\s*\.?$
ignoreregex =
`,
);
