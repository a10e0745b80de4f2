/** An action that only records what it would do: `--dry-run`, tests, and the audit of a config. */
import type { BanAction, Clock } from "./types.js";
import { systemClock } from "./types.js";

export interface DryRunRecord {
  op: "ban" | "unban";
  address: string;
  jail: string;
  /** For a ban: its end (epoch ms, Infinity when permanent). */
  until?: number;
  /** When it was asked. */
  time: number;
}

export class DryRunAction implements BanAction {
  readonly name: string;
  readonly records: DryRunRecord[] = [];
  readonly #clock: Clock;
  readonly #log?: (r: DryRunRecord) => void;

  constructor(opts: { name?: string; clock?: Clock; log?: (r: DryRunRecord) => void } = {}) {
    this.name = opts.name ?? "dry-run";
    this.#clock = opts.clock ?? systemClock;
    this.#log = opts.log;
  }

  async ban(address: string, jail: string, until: number): Promise<void> {
    this.#record({ op: "ban", address, jail, until, time: this.#clock.now() });
  }

  async unban(address: string, jail: string): Promise<void> {
    this.#record({ op: "unban", address, jail, time: this.#clock.now() });
  }

  #record(r: DryRunRecord): void {
    this.records.push(r);
    this.#log?.(r);
  }

  /** Addresses banned now, by the records. */
  banned(jail?: string): string[] {
    const on = new Map<string, boolean>();
    for (const r of this.records) {
      if (jail !== undefined && r.jail !== jail) continue;
      on.set(`${r.jail}\u0000${r.address}`, r.op === "ban");
    }
    return [...on].filter(([, v]) => v).map(([k]) => k.split("\u0000")[1] as string);
  }
}
