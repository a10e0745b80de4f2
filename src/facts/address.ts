/** Address classification shared by every source (config, probe, logs). */
import { isIP } from "node:net";
import type { BindScope } from "./model.js";

const PRIVATE_V4: [number, number][] = [
  [0x0a000000, 8], // 10/8
  [0xac100000, 12], // 172.16/12
  [0xc0a80000, 16], // 192.168/16
  [0x64400000, 10], // 100.64/10 carrier-grade NAT: not reachable from the internet
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local
  [0x00000000, 8], // "this network"
  [0xc6120000, 15], // benchmarking
  [0xe0000000, 3], // multicast and reserved
];

function v4(addr: string): number {
  return addr.split(".").reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
}

/**
 * True for an address that is routable on the public internet. The documentation ranges
 * (TEST-NET-1/2/3, 2001:db8::/32) count as public: they stand for public addresses in examples.
 */
export function isPublicAddress(addr: string): boolean {
  const kind = isIP(addr);
  if (kind === 4) {
    const n = v4(addr);
    return !PRIVATE_V4.some(([net, bits]) => ((n >>> (32 - bits)) << (32 - bits)) >>> 0 === net);
  }
  if (kind === 6) {
    const a = addr.toLowerCase();
    // Global unicast is 2000::/3.
    return /^[23]/.test(a);
  }
  return false;
}

/**
 * A bind address as Asterisk accepts it ("0.0.0.0", "127.0.0.1:5039", "[::]:8089", "::"), split
 * into host and optional port.
 */
export function splitHostPort(spec: string): { host: string; port?: number } {
  const s = spec.trim();
  const v6 = /^\[([^\]]*)\](?::(\d{1,5}))?$/.exec(s);
  if (v6) return { host: v6[1] ?? "", port: v6[2] ? Number(v6[2]) : undefined };
  if (isIP(s) === 6) return { host: s };
  const m = /^([^:]*):(\d{1,5})$/.exec(s);
  if (m) return { host: m[1] ?? "", port: Number(m[2]) };
  return { host: s };
}

/** Which networks an address listens on: any, loopback, a private (LAN) or a public (WAN) one. */
export function bindScopeOf(host: string): BindScope {
  const h = host.trim().toLowerCase();
  if (h === "" || h === "0.0.0.0" || h === "::" || h === "*" || /^0+(:0+)*$/.test(h)) return "any";
  if (h.startsWith("127.") || h === "::1" || h === "localhost") return "loopback";
  if (isIP(h) === 0) return "specific";
  if (isPublicAddress(h)) return "wan";
  return "lan";
}
