/**
 * OpenWrt/RutOS netifd: a device losing or regaining carrier, and a logical interface going down
 * or up.
 *
 *   Thu Mar  5 10:00:01 2026 daemon.notice netifd: Network device 'eth1' link is down
 *   Thu Mar  5 10:00:07 2026 daemon.notice netifd: Network device 'eth1' link is up
 *   Thu Mar  5 10:00:01 2026 daemon.notice netifd: bridge 'br-lan' link is down
 *   Thu Mar  5 10:00:02 2026 daemon.notice netifd: Interface 'wan' is now down
 *   Thu Mar  5 10:00:09 2026 daemon.notice netifd: Interface 'wan' is now up
 *
 * Confirmed: netifd source (device.c device_set_link(): "%s '%s' link is %s" with the device
 * type's name — "Network device" for a plain port, "bridge", "VLAN"…; interface.c: "Interface
 * '%s' is now up|down"). A device line is the carrier (the cable); an interface line is the
 * logical network (it also goes down on `ifdown`, a lost DHCP lease, a modem reconnect).
 */
import type { EventDetector } from "./types.js";
import { execAt, fieldsOf, makeEvent, progIs } from "./util.js";

const PROGS: ReadonlySet<string> = new Set(["netifd"]);
const DEVICE = /([A-Za-z][\w ]{0,30}?) '([^'\r\n]{1,64})' link is (up|down)\s*$/y;
const IFACE = /Interface '([^'\r\n]{1,64})' is now (up|down)\s*$/y;

export const netifdDetector: EventDetector = {
  name: "netifd",
  kinds: ["link-down", "link-up"],
  precheck: (text) => text.includes("' link is ") || text.includes("' is now "),
  detect(view) {
    const h = view.header;
    if (!progIs(h.prog, PROGS, true)) return undefined;
    const text = view.text;
    let m = execAt(IFACE, text, h.body);
    if (m) {
      const up = m[2] === "up";
      return makeEvent(
        view,
        "netifd",
        up ? "link-up" : "link-down",
        `Interface ${m[1]} is ${up ? "up" : "down"}`,
        { fields: fieldsOf({ network: m[1], source: "netifd" }) },
      );
    }
    m = execAt(DEVICE, text, h.body);
    if (m) {
      const up = m[3] === "up";
      return makeEvent(
        view,
        "netifd",
        up ? "link-up" : "link-down",
        `Link ${up ? "up" : "down"} on ${m[2]}`,
        { fields: fieldsOf({ interface: m[2], deviceType: m[1], source: "netifd" }) },
      );
    }
    return undefined;
  },
};
