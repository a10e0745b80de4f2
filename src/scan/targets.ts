/**
 * What a scan may contact, and on which ports. Only the targets the user named are ever
 * contacted: a CIDR is expanded here, once, and anything too wide is refused before a single
 * packet is sent (IPv4 wider than /22 needs `allowLarge`, and even then no wider than /16; IPv6
 * never wider than /120).
 */
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import type { DeviceClass } from "../facts/model.js";

export class TargetError extends Error {}

export interface PortSpec {
  port: number;
  transport: "tcp" | "udp";
}

export type ScanClass = Extract<DeviceClass, "router" | "pbx" | "intercom">;

/** The widest IPv4 range scanned without `allowLarge`, and the widest with it. */
export const MAX_IPV4_PREFIX = 22;
export const MAX_IPV4_PREFIX_LARGE = 16;
export const MAX_IPV6_PREFIX = 120;

/** Ports per device class, in `--ports` syntax. */
export const CLASS_PORTS: Record<ScanClass, string> = {
  router: "22,23,80,443,8080,8443,4200-4220,161/udp,1883,8883",
  pbx: "22,80,443,5060/udp,5060/tcp,5061,4569/udp,5038,8088,8089",
  intercom: "22,23,80,443,554,5060",
};

/** Every class's ports: what a scan without `--class` looks at. */
export function defaultPorts(cls?: ScanClass): PortSpec[] {
  if (cls) return parsePorts(CLASS_PORTS[cls]);
  return dedupe(Object.values(CLASS_PORTS).flatMap((s) => parsePorts(s)));
}

function dedupe(ports: PortSpec[]): PortSpec[] {
  const seen = new Set<string>();
  return ports
    .filter((p) => {
      const k = `${p.port}/${p.transport}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => a.port - b.port || a.transport.localeCompare(b.transport));
}

/**
 * `22,80,4200-4220,161/udp,5060/tcp+udp`: ports and ranges, TCP unless a suffix says otherwise.
 * At most 4096 ports in all.
 */
export function parsePorts(spec: string): PortSpec[] {
  const out: PortSpec[] = [];
  for (const raw of spec.split(",")) {
    const item = raw.trim();
    if (!item) continue;
    const m = /^(\d{1,5})(?:-(\d{1,5}))?(?:\/(tcp|udp)(?:\+(tcp|udp))?)?$/i.exec(item);
    if (!m) throw new TargetError(`bad port "${item}" (expected e.g. 22, 4200-4220, 161/udp)`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from < 1 || to > 65535 || to < from)
      throw new TargetError(`bad port range "${item}" (1-65535, low-high)`);
    const transports = [m[3], m[4]]
      .filter((t): t is string => t !== undefined)
      .map((t) => t.toLowerCase() as "tcp" | "udp");
    for (let port = from; port <= to; port++)
      for (const transport of transports.length ? transports : (["tcp"] as const))
        out.push({ port, transport });
    if (out.length > 4096) throw new TargetError("more than 4096 ports: narrow --ports");
  }
  if (out.length === 0) throw new TargetError(`no port in "${spec}"`);
  return dedupe(out);
}

export interface TargetOptions {
  allowLarge?: boolean;
  /** Reads a targets file (tests pass their own). */
  readFile?: (path: string) => string;
}

const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/**
 * Targets as the user named them: host names, addresses, CIDRs, `@FILE` (one target a line,
 * `#` comments). Returns the hosts to contact, in order, without duplicates.
 */
export function parseTargets(specs: string[], opts: TargetOptions = {}): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (h: string) => {
    if (!seen.has(h)) {
      seen.add(h);
      out.push(h);
    }
  };
  const one = (spec: string, where: string) => {
    for (const h of expandTarget(spec, opts, where)) add(h);
  };
  for (const spec of specs) {
    if (spec.startsWith("@")) {
      const file = spec.slice(1);
      let text: string;
      try {
        text = (opts.readFile ?? ((p) => readFileSync(p, "utf8")))(file);
      } catch (err) {
        throw new TargetError(`cannot read targets file ${file}: ${(err as Error).message}`);
      }
      for (const [i, line] of text.split(/\r?\n/).entries()) {
        const t = line.replace(/#.*/, "").trim();
        if (!t) continue;
        for (const word of t.split(/[\s,]+/)) one(word, `${file}:${i + 1}: `);
      }
    } else one(spec.trim(), "");
  }
  if (out.length === 0) throw new TargetError("no target given");
  return out;
}

function expandTarget(spec: string, opts: TargetOptions, where: string): string[] {
  const slash = spec.indexOf("/");
  if (slash < 0) {
    const bare = spec.replace(/^\[(.*)\]$/, "$1");
    if (isIP(bare)) return [bare];
    if (HOSTNAME.test(spec) && !/^[\d.]+$/.test(spec)) return [spec.toLowerCase()];
    throw new TargetError(`${where}not a host name, address or CIDR: "${spec}"`);
  }
  const addr = spec.slice(0, slash);
  const prefixText = spec.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) throw new TargetError(`${where}bad prefix in "${spec}"`);
  const prefix = Number(prefixText);
  const family = isIP(addr);
  if (family === 4) {
    if (prefix > 32) throw new TargetError(`${where}bad IPv4 prefix in "${spec}"`);
    const limit = opts.allowLarge ? MAX_IPV4_PREFIX_LARGE : MAX_IPV4_PREFIX;
    if (prefix < limit)
      throw new TargetError(
        opts.allowLarge
          ? `${where}${spec} is wider than /${MAX_IPV4_PREFIX_LARGE}: refused`
          : `${where}${spec} is wider than /${MAX_IPV4_PREFIX}: refused without --allow-large`,
      );
    const base = ipv4ToInt(addr) & (prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0);
    const size = 2 ** (32 - prefix);
    const hosts: string[] = [];
    // Network and broadcast addresses are not hosts (except in /31 and /32).
    const skipEnds = prefix <= 30;
    for (let i = skipEnds ? 1 : 0; i < (skipEnds ? size - 1 : size); i++)
      hosts.push(intToIpv4((base + i) >>> 0));
    return hosts;
  }
  if (family === 6) {
    if (prefix > 128) throw new TargetError(`${where}bad IPv6 prefix in "${spec}"`);
    if (prefix < MAX_IPV6_PREFIX)
      throw new TargetError(`${where}${spec} is wider than /${MAX_IPV6_PREFIX}: refused`);
    const base = ipv6ToBigInt(addr) & ~((1n << BigInt(128 - prefix)) - 1n);
    const size = 1 << (128 - prefix);
    return Array.from({ length: size }, (_, i) => bigIntToIpv6(base + BigInt(i)));
  }
  throw new TargetError(`${where}not an address in "${spec}"`);
}

function ipv4ToInt(a: string): number {
  return a.split(".").reduce((n, o) => ((n << 8) | Number(o)) >>> 0, 0);
}

function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}

function ipv6ToBigInt(a: string): bigint {
  let text = a;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    const n = ipv4ToInt(v4[1]);
    text = `${text.slice(0, -v4[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const h = head ? head.split(":") : [];
  const t = tail === undefined ? [] : tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return groups.reduce((n, g) => (n << 16n) | BigInt(Number.parseInt(g || "0", 16)), 0n);
}

function bigIntToIpv6(n: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  // RFC 5952: compress the longest run of zero groups (two or more).
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
}
