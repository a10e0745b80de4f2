/**
 * `audit PATH --host ADDRESS`: scan the live device the configuration belongs to, on the ports its
 * class uses plus every port the configuration itself names, and attach the comparison to the
 * configuration's facts (`facts.live`) so the `live-matches-config` rule judges it.
 */
import type { FactsEnricher } from "../audit/audit-target.js";
import type { Facts } from "../facts/model.js";
import { known, unknown } from "../facts/value.js";
import { type HostScan, type ScanOptions, scanTargets } from "../scan/index.js";
import { defaultPorts, type PortSpec, type ScanClass } from "../scan/targets.js";
import { compareWithScan, type ScanSide } from "./compare.js";

/** At most this many extra ports taken from the configuration (a range can name thousands). */
const MAX_CONFIG_PORTS = 256;

/** The class's ports, and the ports the configuration's own services name. */
export function portsFor(config: Facts, cls: ScanClass | undefined): PortSpec[] {
  const seen = new Map<string, PortSpec>();
  const add = (p: PortSpec) => seen.set(`${p.port}/${p.transport}`, p);
  for (const p of defaultPorts(cls)) add(p);
  let extra = 0;
  for (const s of config.services) {
    if (!s.ports.known) continue;
    for (const r of s.ports.value) {
      if (r.to - r.from > 16) continue; // a range (RTP, forwards) is not one service to probe
      for (let port = r.from; port <= r.to && extra < MAX_CONFIG_PORTS; port++) {
        const transport = r.transport === "udp" ? "udp" : "tcp";
        if (!seen.has(`${port}/${transport}`)) extra++;
        add({ port, transport });
      }
    }
  }
  return [...seen.values()].sort(
    (a, b) => a.port - b.port || a.transport.localeCompare(b.transport),
  );
}

function scanClassOf(config: Facts): ScanClass | undefined {
  const c = config.device.class;
  if (!c.known) return undefined;
  // A plain Linux host has no class of its own: every class's ports are probed.
  return c.value === "router" || c.value === "pbx" || c.value === "intercom" ? c.value : undefined;
}

/** What the scan probed, for the comparison: TCP with its state, UDP only where it answered. */
function probedOf(scan: HostScan): ScanSide["probed"] {
  const tcp = scan.tcp.map((t) => ({
    port: t.port,
    transport: "tcp" as const,
    state: t.state,
    time: t.time,
  }));
  // A UDP port that stays silent proves nothing (filtered, or a silent server), so only UDP
  // answers take part.
  const udp = scan.facts.services
    .filter((s) => s.ports.known && s.ports.value[0]?.transport === "udp")
    .map((s) => {
      const origin = s.enabled.at[0];
      return {
        port: s.ports.known ? (s.ports.value[0]?.from ?? 0) : 0,
        transport: "udp" as const,
        state: "answered",
        time: origin?.kind === "probe" ? origin.time : new Date().toISOString(),
      };
    });
  return [...tcp, ...udp];
}

export interface LiveCheck {
  enrich: FactsEnricher;
  /** The scan, once `enrich` ran (for its own report). */
  scan(): HostScan | undefined;
}

/** An enricher that scans `host` and records the comparison with the audited configuration. */
export function liveCheck(
  host: string,
  opts: Omit<ScanOptions, "class" | "ports"> & { vantage?: "internet" | "local" },
): LiveCheck {
  let result: HostScan | undefined;
  return {
    scan: () => result,
    async enrich(config) {
      const cls = scanClassOf(config);
      const [scan] = await scanTargets([host], {
        ...opts,
        class: cls,
        ports: portsFor(config, cls),
      });
      result = scan;
      const when = new Date().toISOString();
      if (!scan || scan.error || !scan.address) {
        config.live = unknown(
          `the live device could not be scanned: ${scan?.error ?? "no result"}`,
          {
            kind: "probe",
            probe: "scan",
            address: host,
            time: when,
          },
        );
        return;
      }
      const vantage = opts.vantage ?? "local";
      const comparison = compareWithScan(config, {
        address: scan.address,
        vantage,
        facts: scan.facts,
        probed: probedOf(scan),
      });
      config.live = known(comparison, {
        kind: "probe",
        probe: "scan",
        address: scan.address,
        time: scan.tcp[0]?.time ?? when,
        excerpt: `${comparison.probed.length} ports probed from ${vantage === "internet" ? "the internet" : "inside the network"}`,
      });
    },
  };
}
