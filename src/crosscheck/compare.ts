/**
 * Cross-checks a device's configuration against a live scan of the same device: a service the
 * configuration says is off (or closed to the internet) that answers anyway, a port that answers
 * though no configuration Bulwark read explains it, and a service configured on that does not
 * answer. Each disagreement keeps the evidence of both sides, so a reader sees the config line
 * and the probe that contradict each other.
 *
 * Only ports the scan actually probed are compared: a port nobody asked about says nothing.
 */
import type { Facts, LiveComparison, PortRange, Service, ServiceDrift } from "../facts/model.js";
import type { Origin } from "../facts/value.js";

export interface ScanSide {
  /** The address the scan contacted. */
  address: string;
  vantage: "internet" | "local";
  /** The live device's facts, as `scanTargets` built them. */
  facts: Facts;
  /** Every port the scan probed, answered or not, with what it saw ("closed", "filtered"...). */
  probed: { port: number; transport: "tcp" | "udp"; state: string; time: string }[];
}

type Stream = "tcp" | "udp";

/** TLS, WebSocket and plain TCP share one TCP port space; UDP is its own. */
function streamOf(t: PortRange["transport"]): Stream {
  return t === "udp" ? "udp" : "tcp";
}

function covers(ranges: readonly PortRange[], port: number, stream: Stream): boolean {
  return ranges.some((r) => streamOf(r.transport) === stream && port >= r.from && port <= r.to);
}

const key = (port: number, stream: Stream) => `${port}/${stream}`;

/** The single port a scan-built service stands for (each has exactly one). */
function livePort(s: Service): { port: number; stream: Stream } | undefined {
  const r = s.ports.known ? s.ports.value[0] : undefined;
  return r ? { port: r.from, stream: streamOf(r.transport) } : undefined;
}

/** Configured services that claim this port (ports known). */
function claimants(config: Facts, port: number, stream: Stream): Service[] {
  return config.services.filter((s) => s.ports.known && covers(s.ports.value, port, stream));
}

/** A host's own socket list (ss -tulpn in the audited root) explains a port too. */
function listeningOrigins(config: Facts, port: number, stream: Stream): Origin[] | undefined {
  if (!config.listening.known) return undefined;
  const hit = config.listening.value.filter(
    (l) => l.port === port && l.transport === stream && l.scope !== "loopback",
  );
  return hit.length > 0 ? hit.flatMap((l) => l.at) : undefined;
}

function configOrigins(services: readonly Service[]): Origin[] {
  return services.flatMap((s) => [...s.enabled.at, ...(s.ports.known ? s.ports.at : [])]);
}

export function compareWithScan(config: Facts, scan: ScanSide): LiveComparison {
  const drift: ServiceDrift[] = [];
  let agreed = 0;
  const answering = new Map<string, Service>();
  for (const s of scan.facts.services) {
    const p = livePort(s);
    if (p && s.enabled.known && s.enabled.value) answering.set(key(p.port, p.stream), s);
  }

  for (const live of answering.values()) {
    const { port, stream } = livePort(live) as { port: number; stream: Stream };
    const claims = claimants(config, port, stream);
    const probe = [...live.enabled.at];
    const sockets = listeningOrigins(config, port, stream);
    if (claims.length === 0) {
      if (sockets) {
        agreed++;
        continue;
      }
      drift.push({
        kind: "answers-unexplained",
        port,
        transport: stream,
        service: live.label,
        admin: live.admin,
        config: [],
        probe,
      });
      continue;
    }
    const on = claims.filter((c) => !(c.enabled.known && !c.enabled.value));
    if (on.length === 0) {
      // Every configured claimant of this port is switched off, yet something answers.
      const first = claims[0] as Service;
      drift.push({
        kind: "answers-but-disabled",
        port,
        transport: stream,
        service: `${live.label} (configured: ${first.label})`,
        admin: live.admin || claims.some((c) => c.admin),
        config: configOrigins(claims),
        probe,
        ...(first.cfg ? { cfg: first.cfg } : {}),
      });
      continue;
    }
    if (scan.vantage === "internet") {
      const closed = on.filter((c) => c.wan.known && !c.wan.value.reachable);
      if (closed.length === on.length) {
        const first = closed[0] as Service;
        drift.push({
          kind: "answers-but-closed-to-wan",
          port,
          transport: stream,
          service: `${live.label} (configured: ${first.label})`,
          admin: live.admin || closed.some((c) => c.admin),
          config: closed.flatMap((c) => [...c.wan.at]),
          probe,
          ...(first.cfg ? { cfg: first.cfg } : {}),
        });
        continue;
      }
    }
    agreed++;
  }

  // Configured on, on a port the scan probed, yet silent.
  for (const { port, transport, state, time } of scan.probed) {
    if (answering.has(key(port, transport))) continue;
    const on = claimants(config, port, transport).filter((c) => c.enabled.known && c.enabled.value);
    // From inside the network a service bound to the LAN may well answer; from the internet
    // a WAN-closed service is expected to be silent, and that is agreement.
    const expected = on.filter((c) =>
      scan.vantage === "internet" ? c.wan.known && c.wan.value.reachable : true,
    );
    if (expected.length === 0) continue;
    const first = expected[0] as Service;
    drift.push({
      kind: "configured-but-silent",
      port,
      transport,
      service: first.label,
      admin: expected.some((c) => c.admin),
      config: configOrigins(expected),
      probe: [
        {
          kind: "probe",
          probe: transport === "udp" ? "udp" : "tcp-connect",
          address: scan.address,
          port,
          transport,
          time,
          excerpt: state,
        },
      ],
      ...(first.cfg ? { cfg: first.cfg } : {}),
    });
  }

  drift.sort((a, b) => a.port - b.port || a.transport.localeCompare(b.transport));
  return {
    address: scan.address,
    vantage: scan.vantage,
    probed: scan.probed.map((p) => key(p.port, p.transport)),
    agreed,
    drift,
  };
}
