/**
 * For a host (no zone firewall), decides each service's reachability from the internet from
 * facts.listening (where the service really listens) and facts.hostFirewall (a saved iptables/nft
 * ruleset's verdict per port). Only services whose `wan` is still unknown after deriveWanReach are
 * decided here:
 *
 * - a listing of sockets shows the service's ports bound to loopback only → not reachable; it shows
 *   nothing on those ports → not reachable (nothing listens);
 * - otherwise, with a saved ruleset: a port accepted for an arbitrary internet address → reachable
 *   from any source (sources []); every port dropped → not reachable; any port undecided → unknown;
 * - without a ruleset the answer stays unknown (an upstream firewall or NAT may still protect it).
 */
import type { HostPortExposure, ListeningSocket } from "../../facts/host.js";
import type { Facts, PortRange, Service, WanReach } from "../../facts/model.js";
import { formatPorts } from "../../facts/ports.js";
import { type Fact, known, type Origin, unknown } from "../../facts/value.js";

const l4 = (t: PortRange["transport"]): "tcp" | "udp" => (t === "udp" ? "udp" : "tcp");

/** Single ports of a service (ranges wider than 16 ports are not expanded). */
function singlePorts(ports: PortRange[]): { port: number; transport: "tcp" | "udp" }[] {
  const out: { port: number; transport: "tcp" | "udp" }[] = [];
  for (const r of ports) {
    if (r.to - r.from > 16) return [];
    for (let p = r.from; p <= r.to; p++) out.push({ port: p, transport: l4(r.transport) });
  }
  return out;
}

export function deriveHostReach(facts: Facts): void {
  for (const svc of facts.services) {
    if (svc.wan.known) continue;
    svc.wan = hostReach(svc, facts) ?? svc.wan;
  }
}

function hostReach(svc: Service, facts: Facts): Fact<WanReach> | undefined {
  if (!svc.ports.known) return undefined;
  const ports = singlePorts(svc.ports.value);
  if (ports.length === 0) return undefined;
  const none = (via: string, ...at: Origin[]): Fact<WanReach> =>
    known({ reachable: false, sources: [], ports: [], via: [via] }, ...at);

  if (facts.listening.known) {
    const socks: ListeningSocket[] = facts.listening.value.filter((s) =>
      ports.some((p) => p.port === s.port && p.transport === s.transport),
    );
    if (socks.length === 0) {
      return none(
        `nothing listens on ${formatPorts(svc.ports.value)} (listening sockets)`,
        ...facts.listening.at,
      );
    }
    if (socks.every((s) => s.scope === "loopback")) {
      return none(
        `${svc.label} listens on loopback only (${socks.map((s) => `${s.address}:${s.port}`).join(", ")})`,
        ...socks.flatMap((s) => s.at),
      );
    }
  }

  const fwFact = facts.hostFirewall;
  if (!fwFact.known) {
    if (facts.firewall.known) return undefined;
    return unknown(`host firewall unknown: ${fwFact.reason}`);
  }
  const fw = fwFact.value;
  const exps: HostPortExposure[] = [];
  for (const p of ports) {
    const e = fw.exposures.find((x) => x.port === p.port && x.transport === p.transport);
    if (!e) return unknown(`the host firewall was not evaluated for ${p.port}/${p.transport}`);
    exps.push(e);
  }
  const accepted = exps.filter((e) => e.verdict === "accepted");
  if (accepted.length) {
    return known(
      {
        reachable: true,
        sources: [],
        ports: accepted.map((e) => ({ from: e.port, to: e.port, transport: e.transport })),
        via: accepted.map((e) => e.summary),
      },
      ...accepted.flatMap((e) => e.at),
    );
  }
  const undecided = exps.filter((e) => e.verdict === "unknown");
  if (undecided.length) {
    return unknown(
      `host firewall undecided: ${undecided.map((e) => e.summary).join("; ")}`,
      ...undecided.flatMap((e) => e.at),
    );
  }
  return known(
    { reachable: false, sources: [], ports: [], via: exps.map((e) => e.summary) },
    ...exps.flatMap((e) => e.at),
  );
}
