/**
 * Teltonika RutOS: a configuration change. RutOS's libuci is patched to log every commit made
 * through the web UI/API (`uci_logged_commit_user`) to the events log, sender "CONFIG":
 *
 *   Mon Sep 15 14:54:39 2025 EVENTS.notice CONFIG: User "admin" changed network configuration
 *   Sep 15 14:54:39 RUTX11 kernel: firewall configuration has been changed
 *
 * Confirmed: RutOS 7.20 SDK, package/system/uci/patches/001_added_log_event.patch
 * ("User \"%s\" changed %s configuration", "%s configuration has been changed") and
 * package/system/rpcd/patches/001-uci-logging.patch (rpcd's uci "logged_commit" passes the session
 * user). The framing in syslog is described in ./rutos.ts (assumed from the logread source).
 * RUT9xx legacy (LuCI) firmware: "Configuration was restored from backup!" (events log, "Web UI";
 * confirmed in its admin/system.lua).
 *
 * Plain OpenWrt logs nothing on a configuration change: neither `uci commit` nor rpcd's
 * uci.commit/apply write a syslog line (only the effects show: netifd, firewall reloads), so there
 * is no OpenWrt detector here.
 */
import { rutosBody } from "./rutos.js";
import type { EventDetector } from "./types.js";
import { cleanUser, execAt, fieldsOf, makeEvent } from "./util.js";

const BY_USER = /User "([^"\r\n]{0,256})" changed ([\w.@-]{1,64}) configuration\s*$/y;
const ANONYMOUS = /([\w.@-]{1,64}) configuration has been changed\s*$/y;
const RESTORED = /Configuration was restored from backup!?\s*$/y;

export const rutosConfigDetector: EventDetector = {
  name: "rutos-config",
  kinds: ["config-change"],
  precheck: (text) =>
    text.includes(" configuration") || text.includes("Configuration was restored"),
  detect(view) {
    const at = rutosBody(view);
    if (at < 0) return undefined;
    const text = view.text;
    let m = execAt(BY_USER, text, at);
    if (m) {
      const user = cleanUser(m[1]);
      const config = m[2] ?? "";
      return makeEvent(
        view,
        "rutos-config",
        "config-change",
        `Configuration "${config}" changed${user ? ` by ${user}` : ""} (RutOS)`,
        { user, fields: fieldsOf({ config }) },
      );
    }
    m = execAt(ANONYMOUS, text, at);
    if (m) {
      const config = m[1] ?? "";
      return makeEvent(
        view,
        "rutos-config",
        "config-change",
        `Configuration "${config}" changed (RutOS)`,
        {
          fields: fieldsOf({ config }),
        },
      );
    }
    if (execAt(RESTORED, text, at)) {
      return makeEvent(
        view,
        "rutos-config",
        "config-change",
        "Configuration restored from a backup (RutOS WebUI)",
        { fields: { config: "*" } },
      );
    }
    return undefined;
  },
};
