/** Address classification shared by every source (config, probe, logs). */
import { isIP } from "node:net";

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
