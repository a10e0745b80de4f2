/**
 * What a scan can say of any service that answered it, whatever the protocol: not which
 * interfaces it is bound to (only that it answers), and whether the internet reaches it only when
 * the scan itself came from the internet. Shared by the scan's fact builders and the rules' cases.
 */
import type { BindScope, PortRange, WanReach } from "./model.js";
import { type Fact, known, type Origin, unknown } from "./value.js";

export function bindUnseen(seen: Origin): Fact<BindScope> {
  return unknown("a scan sees that the service answers, not which interfaces it listens on", seen);
}

/** From the internet an answer proves the internet reaches it; from inside it proves nothing. */
export function wanAsScanned(
  vantage: "internet" | "local",
  ports: PortRange[],
  seen: Origin,
): Fact<WanReach> {
  if (vantage === "internet")
    return known(
      { reachable: true, sources: [], ports, via: ["answered the scanner from the internet"] },
      seen,
    );
  return unknown(
    "scanned from inside the network: whether the internet reaches it was not observed (scan from outside with --vantage internet)",
    seen,
  );
}

/**
 * A UDP service the scan asked in its own protocol: an answer is handled as for any service;
 * an ICMP port-unreachable from the internet proves the internet does not reach it; silence says
 * nothing (a filter and an idle port look the same), so it stays unknown with `silence`.
 */
export function udpWanAsScanned(
  vantage: "internet" | "local",
  state: string,
  port: number,
  ports: PortRange[],
  seen: Origin,
  silence: string,
): Fact<WanReach> {
  if (vantage !== "internet" || state === "answered") return wanAsScanned(vantage, ports, seen);
  if (state === "closed")
    return known(
      {
        reachable: false,
        sources: [],
        ports: [],
        via: [`${port}/udp refused the scanner from the internet (ICMP port unreachable)`],
      },
      seen,
    );
  return unknown(silence, seen);
}
