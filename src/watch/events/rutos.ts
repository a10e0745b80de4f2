/**
 * Where a Teltonika RutOS "events log" message starts in a line.
 *
 * RutOS keeps a second log, the events log (WebUI: System → Maintenance → Events Log), written
 * through its patched logd (`ubus call log write_ext '{"event": TEXT, "sender": NAME, "table": N,
 * "write_db": 1}'`, RutOS 7.20 SDK, package/system/ubox patches 002/006) and, before RutOS 7,
 * through `/usr/bin/eventslog -i -t EVENTS -n NAME -e TEXT` (RUT9xx legacy SDK). The entry goes into
 * the same ring buffer as syslog, so `logread` and remote syslog carry it too, but how it is framed
 * there varies (confirmed in the SDK's logread patch, not on a device):
 *
 *   Mon Sep 15 14:54:39 2025 EVENTS.notice CONFIG: User "admin" changed network configuration    logread -F file (sender as tag)
 *   Sep 15 14:54:39 RUTX11 kernel: User "admin" changed network configuration                  remote syslog, table 0 (logd marks it "kernel")
 *   Sep 15 14:54:39 RUTX11 Request from Web UI                                                   remote syslog, no tag at all
 *
 * So these detectors accept the message right after the header, after a tag from the set below,
 * or after "SENDER: " when the sender has a space in it ("Web UI: …"). Never after any other
 * program's tag: an SMS text or a user name inside another message must not count.
 */
import type { LineView } from "./types.js";

/** Tags a RutOS events-log line (or the shell `logger` call that mirrors one) may carry. */
export const RUTOS_PROGS: ReadonlySet<string> = new Set([
  "kernel",
  "root",
  "logger",
  "eventslog",
  "SSH",
  "WebUI",
  "CONFIG",
  "Config",
  "Reboot",
  "Startup",
  "EVENTS",
  "SYSTEM",
  "NETWORK",
  "CONNECTIONS",
  "sim_switch",
  "simswitch",
  "port_events",
]);

const SENDER_PREFIX =
  /(?:Web UI|WebUI|SSH|CONFIG|Config|Reboot|Startup|SIM switch|Switch Events|Port events|Mobile Data): /y;

/** The index where an events-log message starts, or -1 when the line's tag rules it out. */
export function rutosBody(view: LineView, extraProgs?: ReadonlySet<string>): number {
  const h = view.header;
  if (h.prog !== undefined && !RUTOS_PROGS.has(h.prog) && !extraProgs?.has(h.prog)) return -1;
  let at = h.body;
  SENDER_PREFIX.lastIndex = at;
  if (SENDER_PREFIX.test(view.text)) at = SENDER_PREFIX.lastIndex;
  return at;
}
