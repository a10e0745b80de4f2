/**
 * Addresses a jail never bans: `ignoreip` (addresses, CIDRs v4/v6, IPv4 `addr/netmask`, host
 * names resolved once at start with a bounded DNS timeout), `ignoreself` (this host's own
 * addresses) and the engine-wide protect list (the address the admin is connected from, read from
 * SSH_CONNECTION / SSH_CLIENT, and any address or network given).
 */
import { networkInterfaces, hostname as osHostname } from "node:os";
import { classifyIgnoreIp } from "../../parsers/fail2ban/ignoreip.js";
import { type BanKey, normalizeAddress, v6Words } from "./addr.js";

/** Resolve a host name to addresses (A and AAAA). */
export type LookupFn = (hostname: string) => Promise<string[]>;

export const defaultLookup: LookupFn = async (hostname) => {
  const { lookup } = await import("node:dns/promises");
  const all = await lookup(hostname, { all: true, verbatim: true });
  return all.map((a) => a.address);
};

/** `lookup` bounded by `timeoutMs`: rejects with a timeout error, never hangs a start. */
export async function lookupWithTimeout(
  lookup: LookupFn,
  hostname: string,
  timeoutMs: number,
): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`DNS lookup of ${hostname} timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    timer.unref?.();
  });
  try {
    return await Promise.race([lookup(hostname), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** IPv4 text (already validated) to an unsigned 32-bit number. */
function v4Number(text: string): number {
  let n = 0;
  let part = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      n = n * 256 + part;
      part = 0;
    } else part = part * 10 + (c - 48);
  }
  return n * 256 + part;
}

/** A set of addresses and networks, and of exact non-address keys (an `<F-ID>` written as is). */
export class AddressSet {
  /** Single addresses, normalised: the common case, one hash lookup. */
  readonly #exact = new Set<string>();
  /** IPv4 networks: [network, mask] as unsigned numbers. */
  readonly #v4: [number, number][] = [];
  /** IPv6 networks: eight 16-bit words and the prefix length. */
  readonly #v6: [number[], number][] = [];
  readonly #ids = new Set<string>();
  /** The entries as given (for messages) and what they stand for. */
  readonly entries: { entry: string; addresses: string[] }[] = [];
  #count = 0;

  get size(): number {
    return this.#count;
  }

  /** Add an address or network; false when `entry` is neither. */
  addNetwork(entry: string): boolean {
    const cls = classifyIgnoreIp(entry.trim());
    if (cls.kind !== "address" && cls.kind !== "cidr") return false;
    const slash = cls.entry.indexOf("/");
    const addr = normalizeAddress(slash < 0 ? cls.entry : cls.entry.slice(0, slash));
    if (!addr) return false;
    // an IPv4-mapped network (::ffff:10.0.0.0/104) is the IPv4 network it maps
    const mapped = addr.family === 4 && cls.family === 6;
    const bits = addr.family === 4 ? 32 : 128;
    let prefix = cls.prefixLength ?? (cls.family === 6 ? 128 : 32);
    if (mapped) prefix = Math.max(0, prefix - 96);
    if (prefix >= bits) this.#exact.add(addr.address);
    else if (addr.family === 4) {
      const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
      this.#v4.push([(v4Number(addr.address) & mask) >>> 0, mask]);
    } else {
      this.#v6.push([v6Words(addr.address) ?? [], prefix]);
    }
    this.#count++;
    return true;
  }

  addId(id: string): void {
    this.#ids.add(id);
    this.#count++;
  }

  /** Does the set hold this key (a normalised address, or an ID)? */
  has(key: BanKey): boolean {
    if (this.#count === 0) return false;
    if (key.kind === "id") return this.#ids.has(key.key);
    if (this.#exact.has(key.key)) return true;
    if (key.kind === "ipv4") {
      if (this.#v4.length === 0) return false;
      const n = v4Number(key.key);
      for (const [net, mask] of this.#v4) if ((n & mask) >>> 0 === net) return true;
      return false;
    }
    if (this.#v6.length === 0) return false;
    const w = v6Words(key.key);
    if (!w) return false;
    for (const [net, prefix] of this.#v6) if (inV6Net(w, net, prefix)) return true;
    return false;
  }
}

function inV6Net(w: number[], net: number[], prefix: number): boolean {
  let left = prefix;
  for (let i = 0; i < 8 && left > 0; i++, left -= 16) {
    const take = Math.min(16, left);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if (((w[i] ?? 0) & mask) !== ((net[i] ?? 0) & mask)) return false;
  }
  return true;
}

export interface IgnoreBuildOptions {
  lookup?: LookupFn;
  /** Per host name (default 3000 ms). */
  dnsTimeoutMs?: number;
}

export interface IgnoreBuildResult {
  set: AddressSet;
  /** Entries that could not be used: invalid, or a host name that did not resolve in time. */
  problems: string[];
}

/**
 * Build a set from `ignoreip`-style entries: addresses and networks at once, host names resolved
 * (all in parallel, each bounded by `dnsTimeoutMs`). A name that does not resolve is reported,
 * not fatal: the jail runs without it, as fail2ban does.
 */
export async function buildAddressSet(
  entries: readonly string[],
  opts: IgnoreBuildOptions = {},
): Promise<IgnoreBuildResult> {
  const set = new AddressSet();
  const problems: string[] = [];
  const lookup = opts.lookup ?? defaultLookup;
  const timeoutMs = opts.dnsTimeoutMs ?? 3000;
  const names: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === "") continue;
    if (set.addNetwork(entry)) {
      set.entries.push({ entry, addresses: [entry] });
      continue;
    }
    const cls = classifyIgnoreIp(entry);
    if (cls.kind === "hostname") names.push(entry);
    else problems.push(`ignoreip entry '${entry}' is neither an address, a network nor a name`);
  }
  const resolved = await Promise.allSettled(
    names.map((n) => lookupWithTimeout(lookup, n, timeoutMs)),
  );
  resolved.forEach((r, i) => {
    const name = names[i] as string;
    if (r.status === "rejected") {
      problems.push(
        `ignoreip name '${name}' not resolved: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`,
      );
      return;
    }
    const addresses: string[] = [];
    for (const a of r.value) if (set.addNetwork(a)) addresses.push(a);
    if (addresses.length === 0) problems.push(`ignoreip name '${name}' resolved to no address`);
    set.entries.push({ entry: name, addresses });
  });
  return { set, problems };
}

/**
 * This host's own addresses, as fail2ban's `ignoreself` sees them: the loopback networks, every
 * interface address, and what `localhost` and the host name resolve to.
 */
export async function selfAddresses(opts: IgnoreBuildOptions = {}): Promise<string[]> {
  const out = new Set<string>(["127.0.0.0/8", "::1"]);
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) out.add(a.address);
  }
  const lookup = opts.lookup ?? defaultLookup;
  const names = ["localhost", osHostname()].filter((n) => n !== "");
  const got = await Promise.allSettled(
    names.map((n) => lookupWithTimeout(lookup, n, opts.dnsTimeoutMs ?? 3000)),
  );
  for (const r of got) if (r.status === "fulfilled") for (const a of r.value) out.add(a);
  return [...out];
}

/**
 * The address of the SSH client this process runs under, from `SSH_CONNECTION` ("client port
 * server port") or `SSH_CLIENT` ("client port port"): the admin's own connection, never banned.
 */
export function sshPeerAddresses(env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  for (const name of ["SSH_CONNECTION", "SSH_CLIENT"]) {
    const first = env[name]?.trim().split(/\s+/)[0];
    const a = first ? normalizeAddress(first) : undefined;
    if (a && !out.includes(a.address)) out.push(a.address);
  }
  return out;
}
