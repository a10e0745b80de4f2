/**
 * A binary min-heap of ban expiries: one timer for the earliest, never one timer per ban. Entries
 * are not removed when a ban ends early (manual unban, prolonged ban): the engine checks, when an
 * entry comes out, that the ban it names still ends at that time (lazy deletion).
 */
export interface Expiry {
  until: number;
  jail: string;
  key: string;
}

export class ExpiryHeap {
  readonly #a: Expiry[] = [];

  get size(): number {
    return this.#a.length;
  }

  peek(): Expiry | undefined {
    return this.#a[0];
  }

  push(e: Expiry): void {
    const a = this.#a;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p] as Expiry;
      if (parent.until <= e.until) break;
      a[i] = parent;
      i = p;
    }
    a[i] = e;
  }

  pop(): Expiry | undefined {
    const a = this.#a;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && (a[r] as Expiry).until < (a[l] as Expiry).until ? r : l;
      if ((a[c] as Expiry).until >= last.until) break;
      a[i] = a[c] as Expiry;
      i = c;
    }
    a[i] = last;
    return top;
  }

  clear(): void {
    this.#a.length = 0;
  }
}
