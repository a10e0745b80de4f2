/**
 * Classification of `ignoreip` entries: fail2ban never bans what they match, so a public address
 * (or a wide network) in there is an address an attacker may brute-force from unhindered.
 *
 * fail2ban accepts an IPv4 or IPv6 address, a network as `address/prefix` or (IPv4)
 * `address/netmask`, or a DNS name that it resolves.
 */

export type IgnoreIpKind = "address" | "cidr" | "hostname" | "invalid";

export type AddressScope =
  | "loopback"
  | "private"
  | "link-local"
  /** 100.64.0.0/10, carrier-grade NAT */
  | "shared"
  | "documentation"
  | "multicast"
  | "unspecified"
  | "reserved"
  | "public";

export interface IgnoreIpClass {
  entry: string;
  kind: IgnoreIpKind;
  family?: 4 | 6;
  /** For an address, its scope; for a network, the scope of all of it, or `public` as soon as it holds a public address. */
  scope?: AddressScope;
  /** Network prefix length (32 or 128 for a single address). */
  prefixLength?: number;
  /** Whether it whitelists at least one public address; undefined for host names (that depends on DNS) and invalid entries. */
  public?: boolean;
}

interface Block {
  family: 4 | 6;
  start: bigint;
  end: bigint;
  scope: AddressScope;
}

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = (n << 8n) | BigInt(v);
  }
  return n;
}

function parseIPv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(":")) return undefined;
  let head = text;
  const words: number[] = [];
  // an IPv4 tail (::ffff:1.2.3.4) stands for the last two words
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  let tailWords: number[] = [];
  if (tail.includes(".")) {
    const v4 = parseIPv4(tail);
    if (v4 === undefined) return undefined;
    tailWords = [Number(v4 >> 16n), Number(v4 & 0xffffn)];
    const before = text.slice(0, lastColon + 1);
    head = before.endsWith("::") ? before : before.slice(0, -1);
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const parse = (s: string): number[] | undefined => {
    if (s === "") return [];
    const out: number[] = [];
    for (const w of s.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(w)) return undefined;
      out.push(Number.parseInt(w, 16));
    }
    return out;
  };
  const left = parse(halves[0] ?? "");
  const right = halves.length === 2 ? parse(halves[1] ?? "") : [];
  if (!left || !right) return undefined;
  const given = left.length + right.length + tailWords.length;
  if (halves.length === 2) {
    if (given > 7) return undefined;
    words.push(...left, ...new Array<number>(8 - given).fill(0), ...right, ...tailWords);
  } else {
    if (given !== 8) return undefined;
    words.push(...left, ...tailWords);
  }
  let n = 0n;
  for (const w of words) n = (n << 16n) | BigInt(w);
  return n;
}

function block(family: 4 | 6, cidr: string, scope: AddressScope): Block {
  const [addr = "", len = "0"] = cidr.split("/");
  const bits = family === 4 ? 32n : 128n;
  const start = (family === 4 ? parseIPv4(addr) : parseIPv6(addr)) ?? 0n;
  const size = 1n << (bits - BigInt(len));
  return { family, start, end: start + size - 1n, scope };
}

/** Special-purpose ranges (IANA registries), the narrowest first where they nest. */
const BLOCKS: Block[] = [
  block(4, "0.0.0.0/8", "unspecified"),
  block(4, "10.0.0.0/8", "private"),
  block(4, "100.64.0.0/10", "shared"),
  block(4, "127.0.0.0/8", "loopback"),
  block(4, "169.254.0.0/16", "link-local"),
  block(4, "172.16.0.0/12", "private"),
  block(4, "192.0.0.0/24", "reserved"),
  block(4, "192.0.2.0/24", "documentation"),
  block(4, "192.168.0.0/16", "private"),
  block(4, "198.18.0.0/15", "reserved"),
  block(4, "198.51.100.0/24", "documentation"),
  block(4, "203.0.113.0/24", "documentation"),
  block(4, "224.0.0.0/4", "multicast"),
  block(4, "240.0.0.0/4", "reserved"),
  block(6, "::/128", "unspecified"),
  block(6, "::1/128", "loopback"),
  block(6, "fc00::/7", "private"),
  block(6, "fe80::/10", "link-local"),
  block(6, "ff00::/8", "multicast"),
  block(6, "2001:db8::/32", "documentation"),
];
/** IPv6 outside 2000::/3 (and not above) is not allocated as global unicast. */
const V6_GLOBAL = block(6, "2000::/3", "public");
const V4_MAPPED = block(6, "::ffff:0:0/96", "reserved");

function scopeOfRange(family: 4 | 6, start: bigint, end: bigint): AddressScope {
  if (family === 6 && start >= V4_MAPPED.start && end <= V4_MAPPED.end) {
    return scopeOfRange(4, start - V4_MAPPED.start, end - V4_MAPPED.start);
  }
  const blocks = BLOCKS.filter((b) => b.family === family);
  const inside = blocks.find((b) => start >= b.start && end <= b.end);
  if (inside) return inside.scope;
  // does the range hold an address outside every special block?
  const publicSpace =
    family === 4
      ? [{ start: 0n, end: (1n << 32n) - 1n }]
      : [{ start: V6_GLOBAL.start, end: V6_GLOBAL.end }];
  for (const space of publicSpace) {
    let cursor = start > space.start ? start : space.start;
    const last = end < space.end ? end : space.end;
    const sorted = blocks
      .filter((b) => b.end >= cursor && b.start <= last)
      .sort((a, b) => (a.start < b.start ? -1 : 1));
    for (const b of sorted) {
      if (b.start > cursor) return "public";
      if (b.end >= cursor) cursor = b.end + 1n;
      if (cursor > last) break;
    }
    if (cursor <= last) return "public";
  }
  return "reserved";
}

const HOSTNAME_RE =
  /^(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

function maskToPrefix(mask: string): number | undefined {
  const n = parseIPv4(mask);
  if (n === undefined) return undefined;
  const bin = n.toString(2).padStart(32, "0");
  return /^1*0*$/.test(bin) ? (bin.indexOf("0") === -1 ? 32 : bin.indexOf("0")) : undefined;
}

/** Classify one `ignoreip` entry: `127.0.0.1`, `192.168.0.0/16`, `::1`, `10.0.0.0/255.0.0.0`, `host.example`. */
export function classifyIgnoreIp(entry: string): IgnoreIpClass {
  const slash = entry.indexOf("/");
  const addr = slash < 0 ? entry : entry.slice(0, slash);
  const v4 = parseIPv4(addr);
  const v6 = v4 === undefined ? parseIPv6(addr) : undefined;
  const family = v4 !== undefined ? 4 : v6 !== undefined ? 6 : undefined;
  if (family === undefined) {
    if (slash < 0 && HOSTNAME_RE.test(entry) && !/^[\d.]+$/.test(entry)) {
      return { entry, kind: "hostname" };
    }
    return { entry, kind: "invalid" };
  }
  const bits = family === 4 ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const spec = entry.slice(slash + 1);
    const p = /^\d{1,3}$/.test(spec) ? Number(spec) : family === 4 ? maskToPrefix(spec) : undefined;
    if (p === undefined || p > bits) return { entry, kind: "invalid", family };
    prefix = p;
  }
  const value = (v4 ?? v6) as bigint;
  const hostBits = BigInt(bits - prefix);
  const start = (value >> hostBits) << hostBits;
  const end = start + (1n << hostBits) - 1n;
  const scope = scopeOfRange(family, start, end);
  return {
    entry,
    kind: slash < 0 ? "address" : "cidr",
    family,
    scope,
    prefixLength: prefix,
    public: scope === "public",
  };
}
