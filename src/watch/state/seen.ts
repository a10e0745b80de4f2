/**
 * The seen-set of access events: which (user, address) logins were already seen, so that only a
 * login from somewhere new raises an alert. Kept in the SQLite store; {@link MemorySeenSet} when
 * there is none.
 */
export interface SeenRecord {
  subject: string;
  firstSeen: number;
  lastSeen: number;
  count: number;
}

export interface SeenSet {
  /** Record a sighting at `time`; `first` is true when the subject was never seen before. */
  markSeen(subject: string, time: number): { first: boolean; record: SeenRecord };
  getSeen(subject: string): SeenRecord | undefined;
}

export class MemorySeenSet implements SeenSet {
  readonly #m = new Map<string, SeenRecord>();

  markSeen(subject: string, time: number): { first: boolean; record: SeenRecord } {
    const r = this.#m.get(subject);
    if (r) {
      r.lastSeen = Math.max(r.lastSeen, time);
      r.count++;
      return { first: false, record: { ...r } };
    }
    const record = { subject, firstSeen: time, lastSeen: time, count: 1 };
    this.#m.set(subject, record);
    return { first: true, record: { ...record } };
  }

  getSeen(subject: string): SeenRecord | undefined {
    const r = this.#m.get(subject);
    return r ? { ...r } : undefined;
  }
}
