/**
 * FreeSWITCH (mod_sofia): authentication failures, unknown users, and in `ddos` mode the
 * challenges themselves (a flood of INVITEs that never authenticate). Needs
 * `log-auth-failures` on the Sofia profiles. Modes: normal, ddos, extra (both; the default).
 */
import { detector } from "./common.js";

export const FREESWITCH = detector(
  `
_daemon = freeswitch
`,
  String.raw`
[Definition]
# FreeSWITCH's own log: "2013-12-31 17:39:54.767815 [WARNING] sofia_reg.c:1533 ...", "08-03 07:56:53.026292 [WARN] [SOFIA] [sofia_reg.c:4130] ..."
# through syslog or the journal a second timestamp (and a CPU load "82.43%") may follow the head
_inner = (?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? )?(?:\d+\.\d+%% )?
prefregex = ^(?:<_head>)?<_inner>\s*\[WARN(?:ING)?\](?: \[SOFIA\])? \[?sofia_reg\.c:\d+\]? <F-CONTENT>.+</F-CONTENT>$

_failures = ^SIP auth failure \([^)]*\) on sofia profile '[^']+' for \[[^\]]*\] from ip <HOST>$
            ^Can't find user \[[^\]]*\] from <HOST>$
_challenges = ^SIP auth challenge \([^)]*\) on sofia profile '[^']+' for \[[^\]]*\] from ip <HOST>$
_mode_normal = <_failures>
_mode_ddos = <_challenges>
_mode_extra = <_failures>
              <_challenges>
failregex = <_mode_<mode>>
mode = extra
ignoreregex =
datepattern = ^(?:%%ExY-)?%%Exm-%%Exd[ T]%%ExH:%%ExM:%%ExS(?:\.%%f)?
journalmatch = _SYSTEMD_UNIT=freeswitch.service
`,
);
