/**
 * Failure counting for one jail, as fail2ban's FailManager counts, in compact storage.
 *
 * fail2ban keeps, per key, the time of the first and of the last failure and a retry count. When a
 * failure arrives more than `findtime` after the first one, the count is not reset but rescaled to
 * the rate seen so far (`retry = round(retry / (now - first) * findtime)`, `first = now -
 * findtime`): a slow but steady attacker is still caught. An entry whose last failure is older
 * than `findtime` is dropped (FailManager.cleanup).
 *
 * Here a key maps to a slot index; a slot's fields live in typed arrays (first and last time as
 * float64 ms, the count as uint32, the per-failure weight as uint16), freed slots are reused, and
 * expired entries are swept incrementally (a bounded number of slots per call), so a million
 * distinct attackers cost a few dozen bytes each beyond the key string and the map entry.
 */

/** Python 3's round(): halves to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  if (Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

export interface FailureEntry {
  first: number;
  last: number;
  retry: number;
}

export class FailureTable {
  #findtimeMs: number;
  readonly #index = new Map<string, number>();
  #keys: (string | undefined)[] = [];
  #first: Float64Array;
  #last: Float64Array;
  #retry: Uint32Array;
  #weight: Uint16Array;
  #free: Int32Array;
  #freeTop = 0;
  /** Slots handed out so far (high-water mark). */
  #high = 0;
  #cursor = 0;

  constructor(findtimeMs: number, initialCapacity = 256) {
    this.#findtimeMs = findtimeMs;
    const n = Math.max(16, initialCapacity);
    this.#first = new Float64Array(n);
    this.#last = new Float64Array(n);
    this.#retry = new Uint32Array(n);
    this.#weight = new Uint16Array(n);
    this.#free = new Int32Array(n);
  }

  get size(): number {
    return this.#index.size;
  }

  get findtimeMs(): number {
    return this.#findtimeMs;
  }

  set findtimeMs(ms: number) {
    this.#findtimeMs = ms;
  }

  get capacity(): number {
    return this.#first.length;
  }

  #grow(): void {
    const n = this.#first.length * 2;
    const grow = <T extends Float64Array | Uint32Array | Uint16Array | Int32Array>(
      a: T,
      make: (n: number) => T,
    ): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.#first = grow(this.#first, (k) => new Float64Array(k));
    this.#last = grow(this.#last, (k) => new Float64Array(k));
    this.#retry = grow(this.#retry, (k) => new Uint32Array(k));
    this.#weight = grow(this.#weight, (k) => new Uint16Array(k));
    this.#free = grow(this.#free, (k) => new Int32Array(k));
  }

  #alloc(key: string): number {
    let slot: number;
    if (this.#freeTop > 0) slot = this.#free[--this.#freeTop] as number;
    else {
      if (this.#high === this.#first.length) this.#grow();
      slot = this.#high++;
    }
    this.#keys[slot] = key;
    this.#index.set(key, slot);
    return slot;
  }

  #release(slot: number): void {
    const key = this.#keys[slot];
    if (key === undefined) return;
    this.#index.delete(key);
    this.#keys[slot] = undefined;
    this.#free[this.#freeTop++] = slot;
  }

  /**
   * Count one failure of `key` at `time` (ms) and return the count within findtime. `weightOf`
   * is asked once, when the key is new: how much each of its failures counts (fail2ban's
   * bantime.increment counts a known bad address's failures more).
   */
  add(key: string, time: number, weightOf?: (key: string, time: number) => number): number {
    let slot = this.#index.get(key);
    if (slot !== undefined && (this.#last[slot] as number) <= time - this.#findtimeMs) {
      // expired but not swept yet: as if cleanup had run
      this.#release(slot);
      slot = undefined;
    }
    if (slot === undefined) {
      slot = this.#alloc(key);
      const w = weightOf ? Math.max(1, Math.min(65535, Math.floor(weightOf(key, time)))) : 1;
      this.#first[slot] = time;
      this.#last[slot] = time;
      this.#weight[slot] = w;
      this.#retry[slot] = w;
      return w;
    }
    const last = this.#last[slot] as number;
    if (time > last) {
      const first = this.#first[slot] as number;
      if (first < time - this.#findtimeMs) {
        const retry = this.#retry[slot] as number;
        this.#retry[slot] = roundHalfEven((retry / (time - first)) * this.#findtimeMs);
        this.#first[slot] = time - this.#findtimeMs;
      }
      this.#last[slot] = time;
    }
    const retry = (this.#retry[slot] as number) + (this.#weight[slot] as number);
    this.#retry[slot] = retry;
    return retry;
  }

  get(key: string): FailureEntry | undefined {
    const slot = this.#index.get(key);
    if (slot === undefined) return undefined;
    return {
      first: this.#first[slot] as number,
      last: this.#last[slot] as number,
      retry: this.#retry[slot] as number,
    };
  }

  delete(key: string): boolean {
    const slot = this.#index.get(key);
    if (slot === undefined) return false;
    this.#release(slot);
    return true;
  }

  clear(): void {
    this.#index.clear();
    this.#keys = [];
    this.#high = 0;
    this.#freeTop = 0;
    this.#cursor = 0;
  }

  /**
   * Drop entries whose last failure is at or before `now - findtime`, looking at no more than
   * `budget` slots from where the previous sweep stopped. Returns how many were dropped.
   */
  sweep(now: number, budget = Number.POSITIVE_INFINITY): number {
    const limit = now - this.#findtimeMs;
    let removed = 0;
    let looked = 0;
    const high = this.#high;
    if (high === 0) return 0;
    while (looked < budget && looked < high) {
      if (this.#cursor >= high) this.#cursor = 0;
      const slot = this.#cursor++;
      looked++;
      if (this.#keys[slot] !== undefined && (this.#last[slot] as number) <= limit) {
        this.#release(slot);
        removed++;
      }
    }
    return removed;
  }

  /** Keys currently counted (for status and tests). */
  *keys(): IterableIterator<string> {
    yield* this.#index.keys();
  }
}
