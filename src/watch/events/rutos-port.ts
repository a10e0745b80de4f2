/**
 * Teltonika RutOS: an Ethernet port's link state as RutOS's port_events service reports it to the
 * events log (Events Reporting type "Switch Events", "Port state" in the WebUI).
 *
 * Assumed shape. What is confirmed (RutOS 7 vuci events_reporting rule lists): the event text
 * contains "Port link state" and "changed to DOWN" / "changed to UP" ("Unplugged" / "Plugged in"
 * in the UI), and names the port as "LAN1"…"LANn" or "WAN" (port_events' names). The whole
 * sentence is not in any source available, so this accepts a message that starts with "Port link
 * state" and, within 80 characters, says "changed to UP|DOWN", e.g.
 *
 *   Sep 15 14:54:39 RUTX11 Port link state for LAN2 changed to DOWN
 *   Mon Sep 15 14:54:39 2025 EVENTS.notice Switch Events: Port link state of WAN changed to UP
 *
 * The kernel and netifd lines for the same unplug are matched by their own detectors.
 */
import { rutosBody } from "./rutos.js";
import type { EventDetector } from "./types.js";
import { execAt, fieldsOf, makeEvent } from "./util.js";

const PORT_STATE = /Port link state\b([^\r\n]{0,80}?)\bchanged to (UP|DOWN|Up|Down|up|down)\b/y;
const PORT_NAME = /\b(LAN ?\d{0,2}|WAN ?\d{0,2}|port ?\d{1,2})\b/i;

export const rutosPortDetector: EventDetector = {
  name: "rutos-port",
  kinds: ["link-down", "link-up"],
  precheck: (text) => text.includes("Port link state"),
  detect(view) {
    const at = rutosBody(view);
    if (at < 0) return undefined;
    const m = execAt(PORT_STATE, view.text, at);
    if (!m) return undefined;
    const up = m[2]?.toUpperCase() === "UP";
    const port = PORT_NAME.exec(m[1] ?? "")?.[1];
    return makeEvent(
      view,
      "rutos-port",
      up ? "link-up" : "link-down",
      `Port ${port ?? "?"} link ${up ? "up (plugged in)" : "down (unplugged)"}`,
      { fields: fieldsOf({ port, source: "rutos" }) },
    );
  },
};
