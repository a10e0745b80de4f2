/**
 * LuCI (OpenWrt's web interface, served by uhttpd): a successful web login. LuCI's dispatcher
 * writes to stderr, which uhttpd passes to syslog under its own tag (newer builds prefix a level):
 *
 *   Sun Jan 18 14:03:18 2026 daemon.err uhttpd[4509]: [info] luci: accepted login on /admin/services/podkop for root from 192.168.21.19
 *   Mar  2 09:12:40 OpenWrt uhttpd[2114]: luci: accepted login on / for root from 192.168.1.100
 *   Mar  2 09:12:40 OpenWrt uhttpd[2114]: luci: accepted login on / for root from fd00::1c2
 *
 * Confirmed: LuCI source (modules/luci-base dispatcher: "luci: accepted login on /%s for %s from
 * %s", "?" when a value is missing) and router logs posted publicly (a logread capture with the
 * "[info]" prefix). The failure is "luci: failed login on …" and is never reported.
 *
 * The path is the requested URL (chosen by the client, may hold spaces): user and address are
 * read from the end of the line.
 */
import type { EventDetector } from "./types.js";
import { cleanHost, cleanUser, execAt, fieldsOf, makeEvent, progIs } from "./util.js";

const PROGS: ReadonlySet<string> = new Set(["uhttpd", "luci", "lua", "rpcd", "ucode"]);

const LEVEL_PREFIX = /\[[a-z]{1,8}\] /y;
const ACCEPTED = /luci: accepted login on (\/[^\r\n]*) for (\S{1,256}) from (\S{1,256})\s*$/y;

export const luciDetector: EventDetector = {
  name: "luci",
  kinds: ["login-success"],
  precheck: (text) => text.includes("luci: accepted login"),
  detect(view) {
    const h = view.header;
    if (!progIs(h.prog, PROGS, true)) return undefined;
    let at = h.body;
    LEVEL_PREFIX.lastIndex = at;
    if (LEVEL_PREFIX.test(view.text)) at = LEVEL_PREFIX.lastIndex;
    const m = execAt(ACCEPTED, view.text, at);
    if (!m) return undefined;
    const [, path = "/", rawUser, rawHost] = m;
    const user = cleanUser(rawUser);
    const host = cleanHost(rawHost);
    return makeEvent(
      view,
      "luci",
      "login-success",
      `Web login (LuCI) as ${user ?? "?"} from ${host ?? "an unknown address"}`,
      { host, user, fields: fieldsOf({ service: "luci", path: path.slice(0, 200) }) },
    );
  },
};
