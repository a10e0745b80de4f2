/**
 * Decides, for every service, whether the internet side can reach it, from facts only: where the
 * service listens, the WAN zones' input policy and the rules that accept traffic from WAN.
 * Works for any source that filled in services and an OpenWrt-style zone firewall.
 */
import type {
  Facts,
  Firewall,
  FirewallRule,
  PortRange,
  Service,
  WanReach,
} from "../../facts/model.js";
import { formatPorts, overlaps } from "../../facts/ports.js";
import { type Fact, known, type Origin, unknown } from "../../facts/value.js";
import { wanZones } from "../../facts/zones.js";

function ruleMatchesPort(rule: FirewallRule, port: PortRange): boolean {
  const protoOk =
    rule.protocols.includes("all") ||
    rule.protocols.includes(port.transport === "udp" ? "udp" : "tcp");
  if (!protoOk) return false;
  return rule.destPorts.length === 0 || rule.destPorts.some((p) => overlaps(p, port));
}

export function deriveWanReach(facts: Facts): void {
  const fwFact = facts.firewall;
  const interfaces = facts.network.known ? facts.network.value.interfaces : [];
  const wanNets = new Set(
    interfaces.filter((i) => i.role === "wan" || i.role === "mobile").map((i) => i.name),
  );
  // The router's own addresses: a port forward to one of them reaches a service of the router.
  const ownAddresses = new Set([
    "127.0.0.1",
    ...interfaces.flatMap((i) => i.addresses.map((a) => a.split("/")[0] ?? "")),
  ]);
  for (const svc of facts.services) svc.wan = reachOf(svc, fwFact, wanNets, ownAddresses);
}

function reachOf(
  svc: Service,
  fwFact: Fact<Firewall>,
  wanNets: Set<string>,
  ownAddresses: Set<string>,
): Fact<WanReach> {
  const none = (via: string, ...at: Origin[]): Fact<WanReach> =>
    known({ reachable: false, sources: [], ports: [], via: [via] }, ...at);
  if (svc.enabled.known && !svc.enabled.value)
    return none(`${svc.label} is disabled`, ...svc.enabled.at);
  if (svc.bind.known && (svc.bind.value === "lan" || svc.bind.value === "loopback")) {
    return none(`${svc.label} listens on ${svc.bind.value} only`, ...svc.bind.at);
  }
  if (!svc.ports.known) return unknown(`ports of ${svc.label} unknown: ${svc.ports.reason}`);
  if (!fwFact.known) return unknown(`firewall unknown: ${fwFact.reason}`);
  const fw = fwFact.value;
  const zones = wanZones(fw, wanNets);
  if (zones.length === 0)
    return unknown("no WAN zone found in the firewall configuration", ...fw.at);

  const reachedPorts: PortRange[] = [];
  const sources = new Set<string>();
  let fromAny = false;
  const via: string[] = [];
  const openers: NonNullable<WanReach["openers"]> = [];
  const at: Origin[] = [];

  for (const zone of zones) {
    if (zone.input === "ACCEPT") {
      fromAny = true;
      reachedPorts.push(...svc.ports.value);
      via.push(`zone '${zone.name}' accepts all input`);
      openers.push({ kind: "zone", name: zone.name, cfg: zone.cfg });
      at.push(...zone.at);
    }
  }
  const zoneNames = new Set(zones.map((z) => z.name));
  for (const rule of fw.rules) {
    if (!rule.enabled || rule.target !== "ACCEPT" || rule.dest !== undefined) continue;
    if (rule.src === undefined || !(rule.src === "*" || zoneNames.has(rule.src))) continue;
    const hit = svc.ports.value.filter((p) => ruleMatchesPort(rule, p));
    if (hit.length === 0) continue;
    reachedPorts.push(...hit);
    if (rule.srcIps.length === 0) fromAny = true;
    else for (const ip of rule.srcIps) sources.add(ip);
    via.push(
      `rule '${rule.name}' accepts ${formatPorts(hit)} from ${rule.src}${rule.srcIps.length ? ` (${rule.srcIps.join(", ")})` : ""}`,
    );
    openers.push({ kind: "rule", name: rule.name, cfg: rule.cfg });
    at.push(...rule.at);
  }
  for (const fwd of fw.forwards) {
    if (!fwd.enabled || !(fwd.src === "*" || zoneNames.has(fwd.src))) continue;
    // fw3/fw4: a DNAT redirect without dest_ip targets the router itself.
    const host = fwd.internalHost?.split("/")[0];
    if (host !== undefined && !ownAddresses.has(host)) continue;
    const inside = fwd.internalPorts.length ? fwd.internalPorts : fwd.externalPorts;
    const hit = svc.ports.value.filter((p) => inside.some((q) => overlaps(q, p)));
    if (hit.length === 0) continue;
    // The internet reaches it on the forward's external ports (the same ones when unset).
    const outside = fwd.externalPorts.length ? fwd.externalPorts : hit;
    reachedPorts.push(...outside);
    if (fwd.srcIps.length === 0) fromAny = true;
    else for (const ip of fwd.srcIps) sources.add(ip);
    via.push(
      `port forward '${fwd.name}' maps ${formatPorts(outside)} from ${fwd.src} to ${host ?? "the router"}:${formatPorts(hit)}`,
    );
    openers.push({ kind: "forward", name: fwd.name, cfg: fwd.cfg });
    at.push(...fwd.at);
  }
  if (via.length === 0) {
    const z = zones.map((z) => `'${z.name}' input ${z.input}`).join(", ");
    return none(
      `no firewall rule accepts ${formatPorts(svc.ports.value)} from WAN (zone ${z})`,
      ...zones.flatMap((z) => z.at),
    );
  }
  return known(
    {
      reachable: true,
      sources: fromAny ? [] : [...sources],
      ports: dedupe(reachedPorts),
      via,
      openers,
    },
    ...at,
  );
}

function dedupe(ports: PortRange[]): PortRange[] {
  const seen = new Set<string>();
  return ports.filter((p) => {
    const k = `${p.from}-${p.to}/${p.transport}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
