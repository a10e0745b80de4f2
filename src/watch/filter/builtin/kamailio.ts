/**
 * Kamailio: what it logs by itself, without a custom routing script — the pike module blocking
 * a flooding address (`PIKE - BLOCKing ip 192.0.2.1, node=...`), the antiflood alert of the
 * stock kamailio.cfg (`ALERT: pike blocking REGISTER from sip:... (IP:192.0.2.1:5060)`) — and the
 * usual shape of an authentication failure logged from the script with xlog (`... auth(entication)
 * failed ... (IP:192.0.2.1:5060)` or `... from 192.0.2.1`).
 */
import { detector } from "./common.js";

export const KAMAILIO = detector(
  String.raw`
_daemon = (?:\S*/)?kamailio
`,
  String.raw`
[Definition]
# "WARNING: pike [pike_funcs.c:151]: pike_check_req(): ", "ALERT: <script>: ", "NOTICE: {1 1 REGISTER x} <script>: "
_level = (?:\d+\(\d+\) )?(?:[A-Z]+: )?(?:\{[^}]*\} )?(?:[\w<>-]+ (?:\[[^\]]+\]: )?(?:\w+\(\): )?|<script>: )?
prefregex = ^<_head><_level><F-CONTENT>.+</F-CONTENT>$
failregex = ^PIKE - BLOCKing ip <HOST>, node=\S+\s*$
            ^(?:ALERT: )?pike blocking \S+ from \S+ \(IP:<HOST>:\d+\)\s*$
            ^(?:[^:]*: )?(?:[Aa]uth(?:entication)? (?:failed|failure|error)|[Ww]rong password|[Ii]nvalid password)\b.*? (?:from \S+ )?\(IP:<HOST>(?::\d+)?\)\s*$
            ^(?:[^:]*: )?(?:[Aa]uth(?:entication)? (?:failed|failure|error)|[Ww]rong password|[Ii]nvalid password)(?: for \S+)? from <HOST>(?::\d+)?\s*$
ignoreregex =
journalmatch = _SYSTEMD_UNIT=kamailio.service
`,
);
