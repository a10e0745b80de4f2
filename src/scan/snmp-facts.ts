/**
 * SNMP over the network, as Facts: one Service per UDP port the SNMP probe asked (161/udp), saying
 * whether the factory-default communities answered. An answer proves the community works (the
 * names "public" and "private" appear in the evidence: they are the public defaults, not secrets).
 * Silence proves nothing, so it stays unknown with the reason; only an ICMP port-unreachable
 * proves that no agent listens there.
 */
import type { Facts } from "../facts/model.js";
import { known, type ProbeOrigin, unknown } from "../facts/value.js";
import { portOrigin } from "./port-origin.js";
import { DEFAULT_COMMUNITIES, type SnmpAnswer, type SnmpResult } from "./probes/snmp.js";
import { softwareFrom } from "./software.js";
import { udpService } from "./udp-service.js";

/** Ports probed as SNMP by default. */
export const SNMP_PORTS = [161];

function probeOrigin(r: SnmpResult, address: string, excerpt: string): ProbeOrigin {
  return portOrigin("snmp-get", address, r.port, r.time, excerpt, "udp");
}

/** `community "public" answered (v2c, v1): sysDescr "Linux gw 5.15"`, one per community. */
function answeredOrigins(r: SnmpResult, address: string): ProbeOrigin[] {
  const byCommunity = new Map<string, SnmpAnswer[]>();
  for (const a of r.answers)
    byCommunity.set(a.community, [...(byCommunity.get(a.community) ?? []), a]);
  return [...byCommunity].map(([community, answers]) => {
    const first = answers[0] as SnmpAnswer;
    const said = first.sysDescr
      ? `sysDescr "${first.sysDescr.slice(0, 100)}"`
      : first.error
        ? `error-status ${first.error}`
        : "no sysDescr";
    return probeOrigin(
      r,
      address,
      `GetRequest with community "${community}" answered (${answers.map((a) => a.version).join(", ")}): ${said}`,
    );
  });
}

/** One line for people: what the default communities got on this port. */
export function snmpExcerpt(r: SnmpResult): string {
  switch (r.state) {
    case "answered": {
      const communities = [...new Set(r.answers.map((a) => `"${a.community}"`))].join(", ");
      const versions = [...new Set(r.answers.map((a) => a.version))].join(", ");
      const descr = r.answers.find((a) => a.sysDescr)?.sysDescr;
      return `default community ${communities} ANSWERED (${versions})${descr ? `; sysDescr "${descr.slice(0, 100)}"` : ""}`;
    }
    case "closed":
      return "closed (ICMP port unreachable)";
    case "not-snmp":
      return `not SNMP (${r.ignored.datagrams} datagram(s): ${r.ignored.firstError ?? "?"})`;
    case "error":
      return `probe failed: ${r.error ?? "error"}`;
    default:
      return `no answer to the default communities (${DEFAULT_COMMUNITIES.join(", ")}; v1, v2c)`;
  }
}

const ASKED = `GetRequest sysDescr.0/sysName.0 with the default communities (${DEFAULT_COMMUNITIES.join(", ")}; v1 and v2c)`;

function silentReason(r: SnmpResult): string {
  if (r.state === "not-snmp")
    return `${r.port}/udp sent ${r.ignored.datagrams} datagram(s) that answer no request (${r.ignored.firstError ?? "not SNMP"}): cannot tell whether the default communities work`;
  if (r.state === "error")
    return `the SNMP probe failed (${r.error ?? "error"}): cannot tell whether the default communities work`;
  return "no answer to the default communities: SNMP closed, filtered, or using another community";
}

/** One SNMP Service per probed UDP port, with what the default communities got. */
export function fillSnmpFacts(
  f: Facts,
  scans: SnmpResult[],
  address: string,
  vantage: "internet" | "local",
): void {
  for (const r of scans) {
    const asked = probeOrigin(r, address, `${ASKED}: ${r.state}${r.error ? ` (${r.error})` : ""}`);
    const at = answeredOrigins(r, address);
    const svc = udpService(f, {
      kind: "snmp",
      name: "SNMP",
      address,
      port: r.port,
      state: r.state,
      vantage,
      asked,
      answeredAt: at,
      asking: ASKED,
      origin: (excerpt) => probeOrigin(r, address, excerpt),
      silence: silentReason(r),
      wanSilence: "no SNMP answer from the internet: filtered, or answering another community",
    });
    if (r.state === "answered") {
      // SNMP v1/v2c have no encryption: the community travels in clear.
      svc.tls = known(false, ...at);
      svc.auth.defaultCredential = known(true, ...at);
      const descr = r.answers.find((a) => a.sysDescr)?.sysDescr;
      const seen = softwareFrom(descr);
      if (seen) svc.software = known(seen, probeOrigin(r, address, `sysDescr "${seen.raw}"`));
    } else if (r.state !== "closed") {
      svc.auth.defaultCredential = unknown(silentReason(r), asked);
    }
    f.services.push(svc);
  }
}
