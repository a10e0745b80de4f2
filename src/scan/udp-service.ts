/**
 * The Service a UDP probe (SNMP, IAX2) makes of the port it asked, before what the protocol's
 * answer says. Only an answer proves the service on, and only an ICMP port-unreachable proves it
 * off: silence stays unknown with the probe's reason, as does what a scan never sees (the bind).
 */
import type { Facts, PortRange, Service, ServiceKind } from "../facts/model.js";
import { bindUnseen, udpWanAsScanned } from "../facts/scanned.js";
import { known, type ProbeOrigin, unknown } from "../facts/value.js";

export interface UdpProbed {
  /** The service's kind, also the probe named in the source's format. */
  kind: ServiceKind;
  /** The protocol as people name it: "SNMP". */
  name: string;
  address: string;
  port: number;
  /** The probe's state: "answered", "closed", "error", silence... */
  state: string;
  vantage: "internet" | "local";
  /** What the probe asked, with its outcome: cited until an answer or a refusal says more. */
  asked: ProbeOrigin;
  /** Where the peer answered: enabled, and reached from the internet when scanned from there. */
  answeredAt: ProbeOrigin[];
  /** What the probe sends, as its excerpts name it: "IAX2 POKE (full frame, RFC 5456)". */
  asking: string;
  /** The probe's origin on this port, with this excerpt. */
  origin: (excerpt: string) => ProbeOrigin;
  /** Why enabled stays unknown when the port neither answered nor refused. */
  silence: string;
  /** Why silence from the internet does not tell whether the internet reaches the service. */
  wanSilence: string;
}

/** Records the probe as a source, and returns the port's Service for the protocol to complete. */
export function udpService(f: Facts, u: UdpProbed): Service {
  f.sources.push({
    path: `${u.address}:${u.port}/udp`,
    status: u.state === "error" ? "warning" : "ok",
    format: `probe:${u.kind} ${u.state}`,
  });
  const ports: PortRange[] = [{ from: u.port, to: u.port, transport: "udp" }];
  const wan = (o: ProbeOrigin) =>
    udpWanAsScanned(u.vantage, u.state, u.port, ports, o, u.wanSilence);
  const svc: Service = {
    id: `${u.kind}-${u.port}-udp`,
    kind: u.kind,
    label: `${u.name} on ${u.port}/udp`,
    admin: false,
    enabled: unknown(u.silence, u.asked),
    ports: known(ports, u.asked),
    bind: bindUnseen(u.asked),
    tls: unknown(`no ${u.name} answer`, u.asked),
    auth: {},
    wan: wan(u.asked),
  };
  if (u.state === "answered") {
    svc.enabled = known(true, ...u.answeredAt);
    svc.wan = wan(u.answeredAt[0] ?? u.asked);
  } else if (u.state === "closed") {
    const refused = u.origin(
      `${u.asking}: ICMP port unreachable, nothing listens on ${u.port}/udp`,
    );
    svc.enabled = known(false, refused);
    svc.tls = unknown("nothing listens", refused);
  }
  return svc;
}
