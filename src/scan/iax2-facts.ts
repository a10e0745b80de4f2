/**
 * IAX2 over the network, as Facts: one Service per UDP port the IAX2 probe poked (4569/udp). A
 * PONG (or any IAX2 control frame to our call) proves an IAX2 peer listens; an ICMP
 * port-unreachable proves nothing does; silence proves neither, so it stays unknown with the
 * reason. Whether IAX2 is *used* (a trunk, a user) is not visible from the network.
 */
import type { Facts } from "../facts/model.js";
import { known, type ProbeOrigin } from "../facts/value.js";
import { portOrigin } from "./port-origin.js";
import type { Iax2Result } from "./probes/iax2.js";
import { udpService } from "./udp-service.js";

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

/** One IAX2 Service per poked UDP port. */
export function fillIax2Facts(
  f: Facts,
  scans: Iax2Result[],
  address: string,
  vantage: "internet" | "local",
): void {
  for (const r of scans) {
    const seen = probeOrigin(
      r,
      address,
      `${ASKED} answered with ${r.answer?.reply ?? "an IAX2 frame"} from call ${r.answer?.peerCall ?? "?"}`,
    );
    const svc = udpService(f, {
      kind: "iax2",
      name: "IAX2",
      address,
      port: r.port,
      state: r.state,
      vantage,
      asked: probeOrigin(r, address, `${ASKED}: ${iax2Excerpt(r)}`),
      answeredAt: [seen],
      asking: ASKED,
      origin: (excerpt) => probeOrigin(r, address, excerpt),
      silence: silentReason(r),
      wanSilence: "no IAX2 answer from the internet: off, or filtered",
    });
    // IAX2 never runs over TLS (its optional AES encryption is negotiated call by call).
    if (r.state === "answered") svc.tls = known(false, seen);
    f.services.push(svc);
  }
}
