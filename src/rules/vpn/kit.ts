/** Shared by the VPN rules: labels, what counts as secure, and compact facts for their cases. */
import type { Facts, Vpn, VpnType } from "../../facts/model.js";
import { known } from "../../facts/value.js";
import { at } from "../case-kit.js";

const LABELS: Record<VpnType, string> = {
  ipsec: "IPsec",
  openvpn: "OpenVPN",
  wireguard: "WireGuard",
  pptp: "PPTP",
  l2tp: "L2TP",
  "l2tp-ipsec": "L2TP/IPsec",
  gre: "GRE",
  sstp: "SSTP",
  zerotier: "ZeroTier",
  tailscale: "Tailscale",
  other: "VPN",
};

export function vpnLabel(v: Vpn): string {
  const role = v.role === "server" || v.role === "client" ? ` ${v.role}` : "";
  return `${LABELS[v.type]}${role} '${v.name}'`;
}

/** Authenticated and encrypted with current cryptography: what TEL-22 and RBT-10 ask for. */
const SECURE_TYPES: ReadonlySet<VpnType> = new Set([
  "ipsec",
  "openvpn",
  "wireguard",
  "l2tp-ipsec",
  "sstp",
  "zerotier",
  "tailscale",
]);

export function isSecureVpn(v: Vpn): boolean {
  return v.enabled && !v.weak && SECURE_TYPES.has(v.type);
}

/** A whole backup: what is absent from it is absent from the device. */
export function inputComplete(facts: Facts): boolean {
  return facts.coverage.known && facts.coverage.value.complete;
}

// --- case builders ---

export function caseVpn(p: Partial<Vpn> & Pick<Vpn, "name" | "type">): Vpn {
  return {
    role: "client",
    enabled: true,
    weak: p.type === "pptp" || p.type === "l2tp" || p.type === "gre",
    at: [at(`option proto '${p.type}'`, 30, "case/etc/config/network")],
    cfg: { language: "uci", package: "network", section: p.name, sectionType: "interface" },
    ...p,
  };
}

export function withVpns(f: Facts, vpns: Vpn[]): void {
  f.vpns = known(vpns, at("VPN packages", 1, "case/etc/config/network"));
}
