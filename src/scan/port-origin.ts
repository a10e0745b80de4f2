/** The origin of what a probe saw on one port, as every fact built from a probe cites it. */
import type { ProbeOrigin } from "../facts/value.js";

export function portOrigin(
  probe: string,
  address: string,
  port: number,
  time: string,
  excerpt?: string,
  transport: "tcp" | "udp" = "tcp",
): ProbeOrigin {
  return {
    kind: "probe",
    probe,
    address,
    port,
    transport,
    time,
    ...(excerpt ? { excerpt } : {}),
  };
}
