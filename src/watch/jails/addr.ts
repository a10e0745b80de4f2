/**
 * Address keys: what a jail counts and bans by. An IP address is normalised so that the same
 * address written two ways is one key (`2001:DB8::0:1` → `2001:db8::1`, `::ffff:192.0.2.1` →
 * `192.0.2.1`, a zone `%eth0` dropped); anything else (an `<F-ID>` capture, a host name) is kept
 * as written and counted, but no firewall action can ban it.
 */
import { isIPv4, isIPv6 } from "node:net";

export type KeyKind = "ipv4" | "ipv6" | "id";

export interface BanKey {
  key: string;
  kind: KeyKind;
}

/** The eight 16-bit words of a valid IPv6 address text. */
export function v6Words(text: string): number[] | undefined {
  let head = text;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  const last = text.slice(lastColon + 1);
  if (last.includes(".")) {
    const parts = last.split(".").map(Number);
    if (parts.length !== 4) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = parts;
    tail = [(a << 8) | b, (c << 8) | d];
    const before = text.slice(0, lastColon + 1);
    head = before.endsWith("::") ? before : before.slice(0, -1);
  }
  const halves = head.split("::");
  const parse = (s: string) => (s === "" ? [] : s.split(":").map((w) => Number.parseInt(w, 16)));
  const left = parse(halves[0] ?? "");
  if (halves.length === 1) return [...left, ...tail];
  const right = parse(halves[1] ?? "");
  const fill = 8 - left.length - right.length - tail.length;
  return [...left, ...new Array<number>(fill).fill(0), ...right, ...tail];
}

/** RFC 5952 text of eight 16-bit words: lower case, the longest run (≥ 2) of zeros as `::`. */
function formatV6(words: number[]): string {
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

/**
 * The canonical text of an IP address, or undefined when `text` is not one. IPv4-mapped IPv6
 * addresses become IPv4 (a firewall sees the IPv4 packet).
 */
export function normalizeAddress(text: string): { address: string; family: 4 | 6 } | undefined {
  let t = text.trim();
  if (t.startsWith("[") && t.endsWith("]")) t = t.slice(1, -1);
  if (isIPv4(t)) return { address: t, family: 4 };
  const zone = t.indexOf("%");
  if (zone >= 0) t = t.slice(0, zone);
  if (!isIPv6(t)) return undefined;
  const words = v6Words(t.toLowerCase());
  if (words?.length !== 8) return undefined;
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    const hi = words[6] ?? 0;
    const lo = words[7] ?? 0;
    return { address: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, family: 4 };
  }
  return { address: formatV6(words), family: 6 };
}

/** The key a failure is counted by: the host (normalised when it is an address), else the ID. */
export function banKey(host: string | undefined, id: string | undefined): BanKey | undefined {
  if (host !== undefined && host !== "") {
    const a = normalizeAddress(host);
    if (a) return { key: a.address, kind: a.family === 4 ? "ipv4" : "ipv6" };
    return { key: host, kind: "id" };
  }
  if (id !== undefined && id !== "") return { key: id, kind: "id" };
  return undefined;
}
