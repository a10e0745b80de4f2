/** The Service a scan built for one TCP port, for the protocol probes that enrich it. */
import type { Facts, Service, ServiceKind } from "../facts/model.js";

export function serviceOnPort(f: Facts, port: number): Service | undefined {
  return f.services.find(
    (s) =>
      s.kind !== "sip" &&
      s.ports.known &&
      s.ports.value.some((p) => p.transport !== "udp" && p.from <= port && port <= p.to),
  );
}

/** Gives a service the kind a probe established, keeping its id in step (`<kind>-<port>`). */
export function setKind(s: Service, kind: ServiceKind, port: number): void {
  if (s.kind === kind) return;
  s.kind = kind;
  s.id = `${kind}-${port}`;
}
