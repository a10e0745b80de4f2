/**
 * IPv4/IPv6 prefixes as firewalls write them (`10.0.0.0/8`, `10.0.0.0/255.0.0.0`, `1.2.3.4`,
 * `2001:db8::/32`, `::ffff:1.2.3.4`), and port specs (`22`, `1024:65535`, `:1023`, `80,443`,
 * `1000-2000`, service names). Nothing here throws: unreadable input gives `undefined`.
 */

export type IpFamily = "ipv4" | "ipv6";

export interface Prefix {
  family: IpFamily;
  /** The network address, host bits cleared. */
  addr: bigint;
  len: number;
}

export type PortRange = readonly [from: number, to: number];

const IPV4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIpv4(s: string): bigint | undefined {
  const m = IPV4_RE.exec(s);
  if (!m) return undefined;
  let v = 0;
  for (let k = 1; k <= 4; k++) {
    const n = Number(m[k]);
    if (n > 255) return undefined;
    v = v * 256 + n;
  }
  return BigInt(v);
}

function parseIpv6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let text = s;
  if (text.includes(".")) {
    // an embedded IPv4 tail, e.g. ::ffff:1.2.3.4: rewrite it as two hex groups
    const lastColon = text.lastIndexOf(":");
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === undefined || lastColon < 0) return undefined;
    text = `${text.slice(0, lastColon + 1)}${((v4 >> 16n) & 0xffffn).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const parseGroups = (h: string): bigint[] | undefined => {
    if (h === "") return [];
    const out: bigint[] = [];
    for (const g of h.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(BigInt(`0x${g}`));
    }
    return out;
  };
  const head = parseGroups(halves[0] ?? "");
  const rest = halves.length === 2 ? parseGroups(halves[1] ?? "") : [];
  if (!head || !rest) return undefined;
  let groups: bigint[];
  if (halves.length === 2) {
    const missing = 8 - head.length - rest.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<bigint>(missing).fill(0n), ...rest];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Parses one address, optionally with `/len` or (IPv4) a dotted `/mask`. */
export function parsePrefix(text: string): Prefix | undefined {
  const [addrText, lenText, extra] = text.trim().split("/");
  if (addrText === undefined || extra !== undefined) return undefined;
  const family: IpFamily = addrText.includes(":") ? "ipv6" : "ipv4";
  const bits = family === "ipv4" ? 32 : 128;
  const addr = family === "ipv4" ? parseIpv4(addrText) : parseIpv6(addrText);
  if (addr === undefined) return undefined;
  let len = bits;
  if (lenText !== undefined) {
    if (/^\d{1,3}$/.test(lenText)) {
      len = Number(lenText);
    } else if (family === "ipv4") {
      const mask = parseIpv4(lenText);
      if (mask === undefined) return undefined;
      len = maskLength(mask, 32);
    } else {
      return undefined;
    }
    if (len < 0 || len > bits) return undefined;
  }
  return { family, addr: clearHost(addr, len, bits), len };
}

function maskLength(mask: bigint, bits: number): number {
  // a contiguous mask: count leading ones; a non-contiguous one is read by its leading ones
  let len = 0;
  for (let i = bits - 1; i >= 0; i--) {
    if ((mask >> BigInt(i)) & 1n) len++;
    else break;
  }
  return len;
}

function clearHost(addr: bigint, len: number, bits: number): bigint {
  const host = bits - len;
  return (addr >> BigInt(host)) << BigInt(host);
}

function bitsOf(f: IpFamily): number {
  return f === "ipv4" ? 32 : 128;
}

/** `outer` contains every address of `inner`. */
export function prefixContains(outer: Prefix, inner: Prefix): boolean {
  if (outer.family !== inner.family || outer.len > inner.len) return false;
  return clearHost(inner.addr, outer.len, bitsOf(outer.family)) === outer.addr;
}

export function prefixOverlaps(a: Prefix, b: Prefix): boolean {
  return prefixContains(a, b) || prefixContains(b, a);
}

/** An inclusive address range (iprange `a-b`, nft `a-b`), as the prefixes that cover it exactly. */
export function parseAddressRange(text: string): Prefix[] | undefined {
  const [a, b, extra] = text.split("-");
  if (a === undefined || b === undefined || extra !== undefined) return undefined;
  const from = parsePrefix(a);
  const to = parsePrefix(b);
  if (!from || !to || from.family !== to.family) return undefined;
  const bits = bitsOf(from.family);
  if (from.len !== bits || to.len !== bits || from.addr > to.addr) return undefined;
  const out: Prefix[] = [];
  let cur = from.addr;
  const end = to.addr;
  while (cur <= end && out.length < 256) {
    let len = bits;
    // grow the block while it stays aligned and inside the range
    while (len > 0) {
      const size = 1n << BigInt(bits - len + 1);
      if (cur % size !== 0n || cur + size - 1n > end) break;
      len--;
    }
    out.push({ family: from.family, addr: cur, len });
    cur += 1n << BigInt(bits - len);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// What an "arbitrary internet address" is, for the exposure analysis

const V4_MULTICAST = parsePrefix("224.0.0.0/4") as Prefix;
const V4_RESERVED = parsePrefix("240.0.0.0/4") as Prefix;
const V4_LOOPBACK = parsePrefix("127.0.0.0/8") as Prefix;
/** Multicast and reserved space together: no internet source lives there. */
const V4_NOT_SOURCE = parsePrefix("224.0.0.0/3") as Prefix;
const V6_GLOBAL = parsePrefix("2000::/3") as Prefix;
const V6_MULTICAST = parsePrefix("ff00::/8") as Prefix;
const V6_LOOPBACK = parsePrefix("::1/128") as Prefix;

/**
 * How a source prefix relates to an arbitrary internet source address:
 * - "all": it contains every internet address (0.0.0.0/0, ::/0, 2000::/3 ...);
 * - "broad": a large share of the internet (shorter than /8 in IPv4, /16 in IPv6) but not all, so
 *   whether "an arbitrary source" is inside cannot be said;
 * - "specific": a network or host that an arbitrary internet address is taken to be outside of
 *   (private ranges, a company's block, one admin's address).
 */
export function classifySource(p: Prefix): "all" | "broad" | "specific" {
  if (p.family === "ipv4") {
    if (p.len === 0) return "all";
    return p.len < 8 && !prefixContains(V4_NOT_SOURCE, p) ? "broad" : "specific";
  }
  if (prefixContains(p, V6_GLOBAL)) return "all";
  if (p.len < 16 && prefixOverlaps(p, V6_GLOBAL)) return "broad";
  return "specific";
}

/** A destination prefix that a unicast packet from the internet to this host can never have. */
export function isNeverLocalUnicastDestination(p: Prefix): boolean {
  if (p.family === "ipv4") {
    return (
      prefixContains(V4_MULTICAST, p) ||
      prefixContains(V4_RESERVED, p) ||
      prefixContains(V4_LOOPBACK, p)
    );
  }
  return prefixContains(V6_MULTICAST, p) || prefixContains(V6_LOOPBACK, p);
}

// ---------------------------------------------------------------------------------------------
// Ports

/** Service names as /etc/services spells them, for the ports firewalls commonly name. */
export const SERVICE_PORTS: Readonly<Record<string, number>> = {
  ftp: 21,
  "ftp-data": 20,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  bootps: 67,
  bootpc: 68,
  tftp: 69,
  http: 80,
  www: 80,
  kerberos: 88,
  pop3: 110,
  sunrpc: 111,
  ntp: 123,
  "netbios-ns": 137,
  "netbios-dgm": 138,
  "netbios-ssn": 139,
  imap: 143,
  imap2: 143,
  snmp: 161,
  "snmp-trap": 162,
  bgp: 179,
  ldap: 389,
  https: 443,
  "microsoft-ds": 445,
  isakmp: 500,
  syslog: 514,
  submission: 587,
  ldaps: 636,
  rsync: 873,
  imaps: 993,
  pop3s: 995,
  openvpn: 1194,
  "ms-sql-s": 1433,
  l2tp: 1701,
  pptp: 1723,
  radius: 1812,
  nfs: 2049,
  mysql: 3306,
  "ms-wbt-server": 3389,
  iax: 4569,
  "ipsec-nat-t": 4500,
  sip: 5060,
  "sip-tls": 5061,
  postgresql: 5432,
  "http-alt": 8080,
  webcache: 8080,
};

function parsePortNumber(s: string): number | undefined {
  if (/^\d{1,5}$/.test(s)) {
    const n = Number(s);
    return n <= 65535 ? n : undefined;
  }
  return SERVICE_PORTS[s.toLowerCase()];
}

/**
 * One port or range: `22`, `ssh`, `1024:65535`, `:1023`, `1024:`, `1000-2000`. iptables writes
 * ranges with `:`, nftables with `-`.
 */
export function parsePortRange(text: string): PortRange | undefined {
  const t = text.trim();
  const sep = t.includes(":") ? ":" : t.includes("-") && !/^[a-z]/i.test(t) ? "-" : undefined;
  if (sep === undefined) {
    const n = parsePortNumber(t);
    return n === undefined ? undefined : [n, n];
  }
  const [a = "", b = "", extra] = t.split(sep);
  if (extra !== undefined) return undefined;
  const from = a === "" ? 0 : parsePortNumber(a);
  const to = b === "" ? 65535 : parsePortNumber(b);
  if (from === undefined || to === undefined) return undefined;
  // iptables swaps a reversed range (`--dport 90:80`); do the same
  return from <= to ? [from, to] : [to, from];
}

/** A comma-separated list of ports/ranges (multiport). */
export function parsePortList(text: string): PortRange[] | undefined {
  const out: PortRange[] = [];
  for (const part of text.split(",")) {
    if (part === "") return undefined;
    const r = parsePortRange(part);
    if (!r) return undefined;
    out.push(r);
  }
  return out.length ? out : undefined;
}

export function portInRanges(port: number, ranges: readonly PortRange[]): boolean {
  return ranges.some(([a, b]) => port >= a && port <= b);
}

/** Whether `ranges` cover every port of [from, to]. */
export function rangesCover(ranges: readonly PortRange[], from: number, to: number): boolean {
  const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
  let next = from;
  for (const [a, b] of sorted) {
    if (a > next) break;
    if (b >= next) next = b + 1;
    if (next > to) return true;
  }
  return next > to;
}

export function rangesIntersect(ranges: readonly PortRange[], from: number, to: number): boolean {
  return ranges.some(([a, b]) => a <= to && b >= from);
}

export function formatPortRanges(ranges: readonly PortRange[]): string {
  return ranges.map(([a, b]) => (a === b ? String(a) : `${a}:${b}`)).join(",");
}

/**
 * A NAT target: `10.0.0.2:22`, `10.0.0.2`, `:8080`, `[2001:db8::1]:22`, `::99`, `1.2.3.4:80-90`.
 * `port` is set for a single port only.
 */
export function splitNatTarget(s: string): { addr?: string; port?: number } {
  let addr: string | undefined;
  let portText: string | undefined;
  const br = /^\[([^\]]*)\](?::(.*))?$/.exec(s);
  if (br) {
    addr = br[1];
    portText = br[2];
  } else {
    const colons = s.split(":").length - 1;
    if (colons === 1) {
      const at = s.indexOf(":");
      addr = s.slice(0, at);
      portText = s.slice(at + 1);
    } else {
      addr = s;
    }
  }
  const out: { addr?: string; port?: number } = {};
  if (addr) out.addr = addr;
  if (portText && /^\d{1,5}$/.test(portText)) out.port = Number(portText);
  return out;
}
