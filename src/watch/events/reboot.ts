/**
 * Reboots: a device going down, and a device coming up.
 *
 * Coming up (detail "Device booted", the same for each boot marker so the alert dedupe window
 * folds the markers of one boot):
 *
 *   Mar  3 08:14:02 pbx kernel: [    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) …
 *   Thu Mar  5 10:00:01 2026 kern.notice kernel: [    0.000000] Linux version 5.4.147 (build@teltonika) …
 *   Thu Mar  5 10:00:31 2026 daemon.info procd: - init complete -
 *     Confirmed: the kernel's first line (init/main.c linux_banner); procd state.c logs "- init
 *     complete -" once per boot, after it switched its log to syslog (ident "procd").
 *   Sep 15 14:54:39 RUTX11 Device startup completed
 *     RutOS 7 events log, type "Startup". Assumed wording: Events Reporting's subtypes are
 *     "Device startup completed" and "unexpected shutdown" (vuci rule list); a line containing
 *     "unexpected shutdown" is reported as a boot after an unexpected shutdown (power loss?).
 *   Jan  1 00:00:09 rut955 syslog.info syslogd started: BusyBox v1.19.4
 *     BusyBox syslogd's first line (confirmed: busybox sysklogd/syslogd.c). It also appears when
 *     only syslogd restarts, so its detail says so.
 *
 * Going down:
 *
 *   Thu Mar  5 10:20:11 2026 daemon.info procd: - shutdown -
 *   Thu Mar  5 10:20:13 2026 daemon.info procd: - reboot -          (rarely reaches syslog: logd is gone)
 *     Confirmed: procd state.c ("- shutdown -", then "- reboot -" or "- power down -").
 *   Sep 15 14:54:39 RUTX11 Request from Web UI
 *   Mon Sep 15 14:54:39 2025 SYSTEM.notice Reboot: Request from ping reboot
 *     Confirmed: RutOS 7.20 SDK /sbin/reboot wrapper (events log, sender "Reboot", table SYSTEM):
 *     "Request from Web UI|SMS|Input/Output|ping reboot|wget reboot|reboot scheduler|button|
 *     modbus|iojuggler|call|mctl|SSH|UART|Cumulocity/Cloud Of Things|gsm due to GPRS Attach Mode
 *     change", "Request after backup|modem firmware upgrade|firmware upgrade", "Other"; RUT9xx
 *     legacy: "Request after FW upgrade". Without the "Reboot" tag only these exact reasons count.
 *
 * Not found in any source and not matched: "Router reboot".
 */
import { rutosBody } from "./rutos.js";
import type { EventDetector, LineView } from "./types.js";
import { execAt, fieldsOf, makeEvent } from "./util.js";

const KTIME = /\[ *\d{1,10}\.\d{1,9}\] /y;
const LINUX = /Linux version (\S{1,128})/y;
const PROCD = /- (reboot|shutdown|power down|init complete) -\s*$/y;
const BUSYBOX = /syslogd started: BusyBox v(\S{1,64})/y;
const STARTUP = /Device startup completed\b([^\r\n]{0,200})/y;
const REQUEST_KNOWN =
  /Request (from|after) (Web UI|SMS|Input\/Output|ping reboot|wget reboot|reboot scheduler|button|modbus|iojuggler|call|mctl|SSH|UART|Cumulocity\/Cloud Of Things|gsm due to GPRS Attach Mode change|backup|modem firmware upgrade|firmware upgrade|FW upgrade)\s*$/y;
const REQUEST_ANY = /(?:Request (from|after) ([^\r\n]{1,80}?)|(Other))\s*$/y;

const DOWN_DETAIL: Record<string, string> = {
  reboot: "Device rebooting",
  shutdown: "Device shutting down",
  "power down": "Device powering off",
};

function bootEvent(view: LineView, source: string, fields: Record<string, string>) {
  return makeEvent(view, "reboot", "reboot", "Device booted", {
    fields: { phase: "boot", source, ...fields },
  });
}

export const rebootDetector: EventDetector = {
  name: "reboot",
  kinds: ["reboot"],
  precheck: (text) =>
    text.includes("Linux version ") ||
    text.includes("syslogd started: BusyBox") ||
    text.includes("- reboot -") ||
    text.includes("- shutdown -") ||
    text.includes("- power down -") ||
    text.includes("- init complete -") ||
    text.includes("Request from ") ||
    text.includes("Request after ") ||
    text.includes("Device startup completed") ||
    (text.includes("Other") && text.includes("Reboot")),
  detect(view) {
    const text = view.text;
    const h = view.header;
    if (h.prog === "kernel" || h.prog === undefined) {
      let at = h.body;
      KTIME.lastIndex = at;
      if (KTIME.test(text)) at = KTIME.lastIndex;
      const m = execAt(LINUX, text, at);
      if (m) return bootEvent(view, "kernel", fieldsOf({ kernel: m[1] }));
    }
    if (h.prog === "procd" || h.prog === undefined) {
      const m = execAt(PROCD, text, h.body);
      if (m) {
        const what = m[1] ?? "";
        if (what === "init complete") return bootEvent(view, "procd", {});
        return makeEvent(view, "reboot", "reboot", DOWN_DETAIL[what] ?? "Device going down", {
          fields: { phase: "shutdown", source: "procd", action: what },
        });
      }
    }
    for (const at of [h.afterTime, h.bare]) {
      const m = execAt(BUSYBOX, text, at);
      if (m) {
        return makeEvent(
          view,
          "reboot",
          "reboot",
          "System log daemon started (device boot, or syslogd restarted)",
          { fields: fieldsOf({ phase: "boot", source: "busybox-syslogd", busybox: m[1] }) },
        );
      }
    }
    const at = rutosBody(view);
    if (at < 0) return undefined;
    let m = execAt(STARTUP, text, at);
    if (m) {
      const unexpected = /unexpected shutdown/i.test(m[1] ?? "");
      return makeEvent(
        view,
        "reboot",
        "reboot",
        unexpected ? "Device booted after an unexpected shutdown" : "Device booted",
        {
          fields: fieldsOf({
            phase: "boot",
            source: "rutos",
            unexpected: unexpected ? "yes" : undefined,
          }),
        },
      );
    }
    m = execAt(REQUEST_KNOWN, text, at);
    if (!m && h.prog === "Reboot") m = execAt(REQUEST_ANY, text, at);
    if (!m && /^Reboot: /.test(text.slice(h.body, h.body + 8))) m = execAt(REQUEST_ANY, text, at);
    if (m) {
      const reason = m[3] ?? `${m[1]} ${m[2]}`;
      return makeEvent(view, "reboot", "reboot", `Reboot requested (${reason}, RutOS)`, {
        fields: fieldsOf({ phase: "shutdown", source: "rutos", reason }),
      });
    }
    return undefined;
  },
};
