/** Interfaces (LAN, WAN, mobile, VPN) and DHCP servers. */
import type { DhcpServer, Facts, NetworkInterface } from "../../facts/model.js";
import { known, unknown } from "../../facts/value.js";
import { bool, list, sectionsOfType, str } from "../../parsers/uci/query.js";
import type { RouterContext } from "./context.js";

const MOBILE_PROTOS = new Set([
  "qmi",
  "qmux",
  "ncm",
  "wwan",
  "3g",
  "modemmanager",
  "mbim",
  "mobile",
  "connm",
]);
const VPN_PROTOS = new Set([
  "wireguard",
  "openvpn",
  "pptp",
  "l2tp",
  "gre",
  "gretap",
  "vti",
  "xfrm",
  "zerotier",
]);

function roleOf(name: string, proto: string): NetworkInterface["role"] {
  if (name === "loopback" || proto === "loopback") return "loopback";
  if (MOBILE_PROTOS.has(proto) || /^mob\d/.test(name) || name === "ppp" || name.startsWith("ppp_"))
    return "mobile";
  if (VPN_PROTOS.has(proto)) return "vpn";
  if (/^lan\d*$/.test(name)) return "lan";
  if (/^wan\d*6?$/.test(name) || name.startsWith("wan")) return "wan";
  return "other";
}

export function extractNetwork(ctx: RouterContext, facts: Facts): void {
  const net = ctx.pkg("network");
  if (!net) {
    facts.network = unknown(ctx.whyUnknown("network"));
    return;
  }
  const interfaces: NetworkInterface[] = sectionsOfType(net, "interface").map((s) => {
    const name = s.name ?? s.ref;
    const proto = str(s, "proto") ?? "none";
    const mask = str(s, "netmask");
    const addresses = list(s, "ipaddr").map((a) =>
      mask && !a.includes("/") ? `${a}/${maskBits(mask)}` : a,
    );
    return {
      name,
      proto,
      addresses,
      role: roleOf(name, proto),
      enabled: bool(s, "disabled") !== true && bool(s, "enabled") !== false,
      devices: [...list(s, "device"), ...list(s, "ifname")],
      at: [ctx.origin(net, s, s.options.has("ipaddr") ? "ipaddr" : "proto")],
      cfg: ctx.ref(net, s),
    };
  });
  const dhcp = ctx.pkg("dhcp");
  const dhcpServers: DhcpServer[] = dhcp
    ? sectionsOfType(dhcp, "dhcp").map((s) => ({
        interface: str(s, "interface") ?? s.name ?? s.ref,
        // `ignore 1` switches DHCP off on that interface; dhcpv4 'disabled' does the same in odhcpd setups.
        enabled: bool(s, "ignore") !== true && str(s, "dhcpv4") !== "disabled",
        at: [ctx.origin(dhcp, s, s.options.has("ignore") ? "ignore" : undefined)],
        cfg: ctx.ref(dhcp, s),
      }))
    : [];
  facts.network = known({ interfaces, dhcpServers }, { kind: "config", file: net.file });
}

function maskBits(mask: string): number {
  if (/^\d+$/.test(mask)) return Number(mask);
  return mask
    .split(".")
    .map((o) => Number(o).toString(2).replace(/0/g, "").length)
    .reduce((a, b) => a + b, 0);
}
