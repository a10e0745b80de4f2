/**
 * For a daemon that no configuration file describes (telnetd or snmpd on a Linux host), the
 * listening sockets decide: a socket on the port means it runs; a listing without one means it
 * does not. Without a listing the absence of configuration proves nothing.
 */
import type { Facts } from "../facts/model.js";
import { absentPackage } from "./absent.js";
import { fail, pass, undecided } from "./outcome.js";
import type { Finding, Fix } from "./types.js";

export function decideBySockets(
  facts: Facts,
  what: {
    label: string;
    port: number;
    transport: "tcp" | "udp";
    uciFile: string;
    /**
     * What a listening daemon means: a failure with this fix (telnet: running is the problem), or,
     * when it is `{ unknown: reason }`, undecided (SNMP: running is fine with safe communities).
     */
    whenListening: Fix | { unknown: string };
  },
): Finding {
  if (!facts.listening.known) return absentPackage(facts, what.label, what.uciFile);
  const sockets = facts.listening.value.filter(
    (s) => s.port === what.port && s.transport === what.transport,
  );
  if (sockets.length === 0) {
    return pass(
      `nothing listens on ${what.port}/${what.transport} (listening sockets)`,
      facts.listening.at,
    );
  }
  const message = `${what.label} listens on ${sockets.map((s) => `${s.address}:${s.port}/${s.transport}${s.process ? ` (${s.process})` : ""}`).join(", ")}`;
  const evidence = sockets.flatMap((s) => s.at);
  const w = what.whenListening;
  return "unknown" in w
    ? undecided(`${message}; ${w.unknown}`, evidence)
    : fail(message, evidence, w);
}
