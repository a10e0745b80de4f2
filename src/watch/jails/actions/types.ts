/**
 * What a jail does to an address it bans. `until` is epoch ms (Infinity for a permanent ban); an
 * action that can make the kernel expire the ban itself (nftables and ipset timeouts) does, so a
 * ban ends even if the watcher is gone. Failures are reported by rejecting the promise: the engine
 * turns them into `action-error` events, they never reach the event loop.
 */
export interface BanAction {
  /** For messages: "nftables", "ipset", "fail2ban-client", "dry-run". */
  readonly name: string;
  ban(address: string, jail: string, until: number): Promise<void>;
  unban(address: string, jail: string): Promise<void>;
  /** Release what the action holds (pending batches are flushed first). */
  close?(): Promise<void>;
}

/** Milliseconds since the epoch; tests give their own. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
