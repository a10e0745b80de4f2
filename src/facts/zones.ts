/** Queries over a zone firewall (OpenWrt fw3/fw4) that extractors and rules share. */
import type { Firewall, FirewallZone } from "./model.js";

/** Zones facing the internet: named wan*, or covering a wan/mobile network. */
export function wanZones(fw: Firewall, wanNetworks: Set<string>): FirewallZone[] {
  return fw.zones.filter(
    (z) =>
      /^wan/i.test(z.name) || z.networks.some((n) => wanNetworks.has(n) || /^(wan|mob)/.test(n)),
  );
}
