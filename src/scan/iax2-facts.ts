/**
 * IAX2 over the network, as Facts: one Service per UDP port the IAX2 probe poked (4569/udp). A
 * PONG (or any IAX2 control frame to our call) proves an IAX2 peer listens; an ICMP
 * port-unreachable proves nothing does; silence proves neither, so it stays unknown with the
 * reason. Whether IAX2 is *used* (a trunk, a user) is not visible from the network.
 */
import type { Facts, PortRange, Service, WanReach } from "../facts/model.js";
import { bindUnseen, udpWanAsScanned } from "../facts/scanned.js";
import { type Fact, known, type ProbeOrigin, unknown } from "../facts/value.js";
import { portOrigin } from "./port-origin.js";
import type { Iax2Result } from "./probes/iax2.js";

/** Ports probed as IAX2 by default. */
export const IAX2_PORTS = [4569];

const ASKED = "IAX2 POKE (full frame, RFC 5456)";

function probeOrigin(r: Iax2Result, address: string, excerpt: string): ProbeOrigin {
  return portOrigin("iax2-poke", address, r.port, r.time, excerpt, "udp");
}

/** One line for people: what the POKE got on this port. */
export function iax2Excerpt(r: Iax2Result): string {
  switch (r.state) {
    case "answered":
      return `IAX2 ANSWERS: POKE got ${r.answer?.reply ?? "an IAX2 frame"} (${r.answer?.ms ?? "?"} ms)`;
    case "closed":
      return "closed (ICMP port unreachable)";
    case "not-iax2":
      return `not IAX2 (${r.ignored.datagrams} datagram(s): ${r.ignored.firstError ?? "?"})`;
    case "error":
      return `probe failed: ${r.error ?? "error"}`;
    default:
      return `no answer to a POKE (sent ${r.sent} time(s))`;
  }
}

function silentReason(r: Iax2Result): string {
  if (r.state === "not-iax2")
    return `${r.port}/udp sent ${r.ignored.datagrams} datagram(s) that are no IAX2 answer (${r.ignored.firstError ?? "not IAX2"}): whether IAX2 listens is not known`;
  if (r.state === "error")
    return `the IAX2 probe failed (${r.error ?? "error"}): whether IAX2 listens is not known`;
  return `no answer to an IAX2 POKE on ${r.port}/udp: IAX2 off, or filtered`;
}

function wanOf(
  vantage: "internet" | "local",
  r: Iax2Result,
  ports: PortRange[],
  o: ProbeOrigin,
): Fact<WanReach> {
  return udpWanAsScanned(
    vantage,
    r.state,
    r.port,
    ports,
    o,
    "no IAX2 answer from the internet: off, or filtered",
  );
}

/** One IAX2 Service per poked UDP port. */
export function fillIax2Facts(
  f: Facts,
  scans: Iax2Result[],
  address: string,
  vantage: "internet" | "local",
): void {
  for (const r of scans) {
    f.sources.push({
      path: `${address}:${r.port}/udp`,
      status: r.state === "error" ? "warning" : "ok",
      format: `probe:iax2 ${r.state}`,
    });
    const ports: PortRange[] = [{ from: r.port, to: r.port, transport: "udp" }];
    const asked = probeOrigin(r, address, `${ASKED}: ${iax2Excerpt(r)}`);
    const svc: Service = {
      id: `iax2-${r.port}-udp`,
      kind: "iax2",
      label: `IAX2 on ${r.port}/udp`,
      admin: false,
      enabled: unknown(silentReason(r), asked),
      ports: known(ports, asked),
      bind: bindUnseen(asked),
      tls: unknown("no IAX2 answer", asked),
      auth: {},
      wan: wanOf(vantage, r, ports, asked),
    };
    if (r.state === "answered") {
      const seen = probeOrigin(
        r,
        address,
        `${ASKED} answered with ${r.answer?.reply ?? "an IAX2 frame"} from call ${r.answer?.peerCall ?? "?"}`,
      );
      svc.enabled = known(true, seen);
      // IAX2 never runs over TLS (its optional AES encryption is negotiated call by call).
      svc.tls = known(false, seen);
      svc.wan = wanOf(vantage, r, ports, seen);
    } else if (r.state === "closed") {
      const refused = probeOrigin(
        r,
        address,
        `${ASKED}: ICMP port unreachable, nothing listens on ${r.port}/udp`,
      );
      svc.enabled = known(false, refused);
      svc.tls = unknown("nothing listens", refused);
    }
    f.services.push(svc);
  }
}
