/**
 * Coalescing for firewall actions: the bans and unbans issued in one turn of the event loop go
 * out as one batch (500 bans from a burst cost one `nft -f` or `ipset restore`), and close() waits
 * for every batch still in flight. How a batch is applied is the action's own business.
 */

import { isIP } from "node:net";
import { ActionError } from "./exec.js";

/** One queued ban or unban, settled when the batch it went out in is done. */
export interface Op {
  op: "ban" | "unban";
  jail: string;
  address: string;
  family: 4 | 6;
  until: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class OpBatcher {
  #queue: Op[] = [];
  #scheduled = false;
  readonly #inflight = new Set<Promise<void>>();

  constructor(private readonly flush: (ops: Op[]) => Promise<void>) {}

  push(op: Omit<Op, "resolve" | "reject">): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ ...op, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        const batch = this.#queue;
        this.#queue = [];
        const p = this.flush(batch);
        this.#inflight.add(p);
        void p.finally(() => this.#inflight.delete(p));
      });
    });
  }

  /**
   * Queues a ban or unban of `address` for `tool` (named in errors): refused when it is not an IP
   * address, or an IPv6 one while the tool's IPv6 is off.
   */
  submit(
    tool: string,
    op: Op["op"],
    address: string,
    jail: string,
    until: number,
    ipv6 = true,
  ): Promise<void> {
    const family = isIP(address);
    if (family !== 4 && family !== 6) {
      return Promise.reject(new ActionError(`${tool}: '${address}' is not an IP address`));
    }
    if (family === 6 && !ipv6) {
      return Promise.reject(new ActionError(`${tool}: IPv6 is off, cannot ban ${address}`));
    }
    return this.push({ op, jail, address, family, until });
  }

  /** Resolves once nothing is queued and no batch is in flight. */
  async drain(): Promise<void> {
    while (this.#scheduled || this.#inflight.size > 0) {
      if (this.#inflight.size > 0) await Promise.all([...this.#inflight]);
      else await new Promise((r) => setImmediate(r));
    }
  }
}
