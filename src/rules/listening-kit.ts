/**
 * For a daemon that no configuration file describes (telnetd or snmpd on a Linux host), the
 * listening sockets decide: a socket on the port means it runs; a listing without one means it
 * does not. Without a listing the absence of configuration proves nothing.
 */
import type { Facts } from "../facts/model.js";
import { absentPackage } from "./absent.js";
import { fail, pass } from "./outcome.js";
import type { Finding, Fix } from "./types.js";

export function decideBySockets(
  facts: Facts,
  what: { label: string; port: number; transport: "tcp" | "udp"; uciFile: string; fix: Fix },
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
  return fail(
    `${what.label} listens on ${sockets.map((s) => `${s.address}:${s.port}/${s.transport}${s.process ? ` (${s.process})` : ""}`).join(", ")}`,
    sockets.flatMap((s) => s.at),
    what.fix,
  );
}
