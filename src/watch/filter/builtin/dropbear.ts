/**
 * Dropbear (the SSH server of OpenWrt and RutOS): wrong passwords, unknown users, sessions that
 * hit the maximum number of tries. Some builds repeat the pid and time inside the message
 * (`[825] Jul 10 23:53:52 Bad password ...`).
 */
import { detector } from "./common.js";

export const DROPBEAR = detector(
  String.raw`
_daemon = dropbear
_again = (?:\[\d+\] \w{3} +\d+ \d\d:\d\d:\d\d )?
`,
  String.raw`
[Definition]
prefregex = ^<_head><_again><F-CONTENT>(?:[Bb]ad|[Ll]ogin|[Ee]xit).+</F-CONTENT>$
failregex = ^[Bb]ad (?:PAM )?password attempt for '<F-USER>.+</F-USER>' from <HOST>(?::\d+)?$
            ^[Ll]ogin attempt for nonexistent user (?:'<F-USER>.*</F-USER>' )?from <HOST>:\d+$
            ^[Ll]ogin attempt with wrong user <F-USER>.+</F-USER> from <HOST>:\d+$
            ^[Ee]xit before auth from \<?<ADDR>:\d+\>?: (?:\([^)]*\): )?Max auth tries reached - user '<F-USER>.+</F-USER>'\s*$
            ^[Ee]xit before auth \(user '.+', \d+ fails\): Max auth tries reached - user '<F-USER>.+</F-USER>' from <HOST>:\d+\s*$
ignoreregex =
journalmatch = _SYSTEMD_UNIT=dropbear.service + _COMM=dropbear
`,
);
