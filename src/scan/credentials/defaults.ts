/**
 * Which factory defaults to try on a login, at most MAX_ATTEMPTS of them: entries of
 * data/default-credentials.json marked for that login ('services'), for the device's class
 * ('classes'), the vendors the scan recognised first, then other vendors' defaults, then the
 * generic lists. What is reported of a pair is its reference (vendor, product, user), never the
 * password.
 */
import {
  type DefaultCredential,
  type DefaultLoginService,
  defaultCredentials,
} from "../../secrets/defaults.js";

/**
 * Tries per login, at most. Low enough for the lockouts we know of: fail2ban's default maxretry
 * is 5, OpenSSH's MaxAuthTries 6 (and each try here is a connection of its own). A device that
 * blocks a source after 3 failures (some gateways do) blocks the scanner's address for its lock
 * time, never the device's users, since such blocks are per source address.
 */
export const MAX_ATTEMPTS = 3;

export interface DefaultPair {
  entry: DefaultCredential & { username: string };
  /** "the Teltonika factory default for user admin": how the pair is named in facts and output. */
  label: string;
}

export interface PairHints {
  /** The device class, when known ("router", "pbx"...). */
  cls?: string;
  /** Vendors recognised by the scan, as named in the data file ("Teltonika", "OpenWrt"). */
  vendors?: readonly string[];
}

export function pairLabel(c: DefaultCredential & { username: string }): string {
  return c.vendor === "generic"
    ? `the common device default for user ${c.username}`
    : `the ${c.vendor} factory default for user ${c.username}`;
}

/** The pairs to try on `service`, best first, at most `max`. */
export function defaultPairs(
  service: DefaultLoginService,
  hints: PairHints = {},
  max = MAX_ATTEMPTS,
  all: readonly DefaultCredential[] = defaultCredentials(),
): DefaultPair[] {
  const vendors = new Set((hints.vendors ?? []).map((v) => v.toLowerCase()));
  const rank = (c: DefaultCredential) =>
    vendors.has(c.vendor.toLowerCase()) ? 0 : c.vendor === "generic" ? 2 : 1;
  const usable = all.filter(
    (c): c is DefaultCredential & { username: string } =>
      c.username !== null &&
      (c.services ?? []).includes(service) &&
      (hints.cls === undefined || c.classes === undefined || c.classes.includes(hints.cls)),
  );
  // Array.prototype.sort is stable: file order within a rank.
  const ordered = [...usable].sort((a, b) => rank(a) - rank(b));
  const seen = new Set<string>();
  const out: DefaultPair[] = [];
  for (const c of ordered) {
    const key = `${c.username}\u0000${c.password}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ entry: c, label: pairLabel(c) });
    if (out.length >= max) break;
  }
  return out;
}
