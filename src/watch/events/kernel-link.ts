/**
 * Linux kernel: an Ethernet link going down (cable unplugged, peer switched off) or up.
 *
 *   Mar  3 08:14:02 pbx kernel: [ 8127.554120] e1000e 0000:00:19.0 eno1: NIC Link is Down
 *   Mar  3 08:14:09 pbx kernel: e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx
 *   Mar  3 08:14:09 pbx kernel: igb 0000:03:00.0 eth1: igb: eth1 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: RX
 *   Thu Mar  5 10:00:01 2026 kern.info kernel: [  912.301000] mtk_soc_eth 1e100000.ethernet wan: Link is Down
 *   Thu Mar  5 10:00:01 2026 kern.info kernel: [  915.421000] mt7530-mdio mdio-bus:1f lan2: Link is Up - 1Gbps/Full - flow control rx/tx
 *   Thu Mar  5 10:00:01 2026 kern.info kernel: [   61.230000] eth0: link up (1000Mbps/Full duplex)      (ag71xx, ath79 RUT9xx)
 *   Thu Mar  5 10:00:01 2026 kern.info kernel: [   61.230000] eth0: link down
 *   [   61.230000] mtk_soc_eth 10100000.ethernet eth0: port 4 link up (100Mbps/Full duplex)      (dmesg, mt7620 switch port)
 *
 * Confirmed: kernel source — phylib phy_print_status() and phylink ("Link is Up - %s/%s - flow
 * control %s", "Link is Down", through netdev_info: "driver bus-id ifname: …"), e1000e/igb ("NIC
 * Link is Up %d Mbps %s Duplex, Flow Control: %s"), OpenWrt's ag71xx and mt7620 drivers ("%s: link
 * up (%sMbps/%s duplex)", "port %d link up …"). Only lines tagged "kernel" (or with no tag: dmesg)
 * count. Drivers outside these families word it their own way and are not matched.
 *
 * The detail is "Link down on IFNAME" / "Link up on IFNAME" whatever the driver, the same as the
 * netifd device line for the same carrier change, so the alert dedupe window folds the pair.
 */
import type { EventDetector } from "./types.js";
import { execAt, fieldsOf, makeEvent } from "./util.js";

const KERNEL: ReadonlySet<string> = new Set(["kernel"]);
const KTIME = /\[ *\d{1,10}\.\d{1,9}\] /y;
const IFNAME = "([\\w.@-]{1,32})";
/** phylib/phylink and e1000e-style, after up to four "driver bus-id ifname:" tokens. */
const LINK_IS = new RegExp(
  `(?:\\S{1,128} ){0,4}?${IFNAME}:? (?:NIC )?Link is (Up|Down)\\b(?: - (\\w{1,16})\\/(\\w{1,8})| (\\d{1,6} ?[MG]bps),? (\\w{1,8}) Duplex)?`,
  "y",
);
/** ag71xx / mt7620: "eth0: link up (1000Mbps/Full duplex)", "eth0: port 4 link down". */
const LINK_LOWER = new RegExp(
  `(?:\\S{1,128} ){0,3}?${IFNAME}: (?:port (\\d{1,3}) )?link (up|down)\\b(?: \\((\\w{1,16}?)Mbps\\/(\\w{1,8}) duplex\\))?\\s*$`,
  "y",
);

interface Link {
  iface: string | undefined;
  up: boolean;
  speed?: string | undefined;
  duplex?: string | undefined;
  port?: string | undefined;
}

function matchLink(text: string, at: number): Link | undefined {
  const a = execAt(LINK_IS, text, at);
  if (a) return { iface: a[1], up: a[2] === "Up", speed: a[3] ?? a[5], duplex: a[4] ?? a[6] };
  const b = execAt(LINK_LOWER, text, at);
  if (b) {
    return {
      iface: b[1],
      port: b[2],
      up: b[3] === "up",
      speed: b[4] ? `${b[4]}Mbps` : undefined,
      duplex: b[5],
    };
  }
  return undefined;
}

export const kernelLinkDetector: EventDetector = {
  name: "kernel-link",
  kinds: ["link-down", "link-up"],
  precheck: (text) =>
    text.includes("ink is ") || text.includes("link up") || text.includes("link down"),
  detect(view) {
    const h = view.header;
    if (h.prog !== undefined && !KERNEL.has(h.prog)) return undefined;
    const text = view.text;
    let at = h.body;
    KTIME.lastIndex = at;
    if (KTIME.test(text)) at = KTIME.lastIndex;
    const found = matchLink(text, at);
    if (!found) return undefined;
    const { iface, up, speed, duplex, port } = found;
    const where = `${iface ?? "?"}${port ? ` port ${port}` : ""}`;
    return makeEvent(
      view,
      "kernel-link",
      up ? "link-up" : "link-down",
      up ? `Link up on ${where}` : `Link down on ${where}`,
      { fields: fieldsOf({ interface: iface, port, speed, duplex, source: "kernel" }) },
    );
  },
};
