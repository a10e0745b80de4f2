/**
 * Keyed hashing with random per-process keys, and the small helpers the secrets module shares.
 *
 * A keyed hash (HMAC-SHA256) of a secret lets us compare secrets and key caches without keeping
 * the secret. The keys are random, generated on first use and never leave the process, so the
 * digests cannot be tested against guesses offline and mean nothing to another run.
 */
import { createHmac, randomBytes } from "node:crypto";

/** What a keyed digest is for. Each purpose has its own key, so digests never cross over. */
export type KeyPurpose = "fingerprint" | "assess-cache" | "hash-cache" | "hash-cache-bounded";

const keys = new Map<KeyPurpose, Buffer>();

function keyFor(purpose: KeyPurpose): Buffer {
  let key = keys.get(purpose);
  if (!key) {
    key = randomBytes(32);
    keys.set(purpose, key);
  }
  return key;
}

/**
 * HMAC-SHA256 (base64url) of `parts` under the per-process key for `purpose`. The parts are
 * length-prefixed, so ("ab", "c") and ("a", "bc") give different digests.
 */
export function keyedDigest(purpose: KeyPurpose, ...parts: readonly string[]): string {
  const mac = createHmac("sha256", keyFor(purpose));
  for (const part of parts) {
    mac.update(`${Buffer.byteLength(part, "utf8")}:`);
    mac.update(part, "utf8");
  }
  return mac.digest("base64url");
}

/**
 * Fingerprint of a secret: HMAC-SHA256 under a random per-process key, base64url (43 chars).
 *
 * Equal secrets give equal fingerprints within one process, so reuse of one secret across the
 * credentials of a device can be found without keeping the plaintext. Fingerprints differ from
 * run to run and cannot be checked against guesses without the key. Keep them in memory for
 * comparison; they are not meant for reports.
 */
export function fingerprintSecret(plain: string): string {
  requireString(plain, "fingerprintSecret", "secret");
  return keyedDigest("fingerprint", plain);
}

/**
 * Throws a TypeError when `value` is not a string. The message names the function and the
 * parameter and the type received, never the value itself.
 */
export function requireString(value: unknown, fn: string, param: string): asserts value is string {
  if (typeof value !== "string") {
    throw new TypeError(`${fn}: ${param} must be a string, got ${describeType(value)}`);
  }
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/**
 * A Map with a size bound that forgets the least recently used entry. Keys are keyed digests,
 * never plaintext.
 */
export class BoundedCache<V> {
  readonly #map = new Map<string, V>();

  constructor(readonly maxEntries: number) {}

  get(key: string): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      // Move to the back: Map iteration order is insertion order.
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.maxEntries) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
  }

  get size(): number {
    return this.#map.size;
  }

  clear(): void {
    this.#map.clear();
  }
}
