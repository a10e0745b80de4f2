import type { BindScope, PortRange, Transport } from "./model.js";

/** Parses "22", "4200-4220", "80:443" (fw3 range syntax) or a space-separated list of them. */
export function parsePorts(spec: string, transport: Transport): PortRange[] | undefined {
  const out: PortRange[] = [];
  for (const part of spec.split(/[\s,]+/).filter(Boolean)) {
    const m = /^(\d{1,5})(?:[-:](\d{1,5}))?$/.exec(part);
    if (!m) return undefined;
    const from = Number(m[1]);
    const to = m[2] ? Number(m[2]) : from;
    if (from < 1 || to > 65535 || to < from) return undefined;
    out.push({ from, to, transport });
  }
  return out.length ? out : undefined;
}

/**
 * A listen address as uhttpd and friends write it: "80", "0.0.0.0:80", "[::]:443",
 * "192.168.1.1:80". Returns the port and where it is bound.
 */
export function parseListen(spec: string): { port: number; bind: BindScope } | undefined {
  const m = /^(?:\[([^\]]*)\]:|([^:]*):)?(\d{1,5})$/.exec(spec.trim());
  if (!m) return undefined;
  const host = m[1] ?? m[2];
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  if (host === undefined || host === "" || host === "0.0.0.0" || host === "::" || host === "*") {
    return { port, bind: "any" };
  }
  if (host.startsWith("127.") || host === "::1" || host === "localhost") {
    return { port, bind: "loopback" };
  }
  return { port, bind: "specific" };
}

export function overlaps(a: PortRange, b: PortRange): boolean {
  const sameTransport =
    a.transport === b.transport ||
    (isTcpLike(a.transport) && isTcpLike(b.transport)) ||
    (a.transport === "udp" && b.transport === "udp");
  return sameTransport && a.from <= b.to && b.from <= a.to;
}

function isTcpLike(t: Transport): boolean {
  return t === "tcp" || t === "tls" || t === "ws" || t === "wss";
}

export function formatPorts(ports: PortRange[]): string {
  return ports
    .map((p) => `${p.from === p.to ? p.from : `${p.from}-${p.to}`}/${p.transport}`)
    .join(", ");
}

/** IANA ephemeral range the guide suggests for services that must face the internet. */
export function isUnconventionalPort(p: PortRange): boolean {
  return p.from >= 32768 && p.to <= 65535;
}
