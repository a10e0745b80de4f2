/**
 * Bans as ipset entries referenced by an iptables rule (for hosts on iptables rather than nft).
 *
 * Per jail: `ipset create bulwark-<jail> hash:ip timeout 0 -exist` (and `bulwark6-<jail>` with
 * `family inet6`), and one rule per family, added once (`-C` checked first):
 * `iptables -w -I INPUT 1 -m set --match-set bulwark-<jail> src -j DROP`. Bans are `add ...
 * timeout N` (the kernel lifts them), unbans `del`, both fed in batches to `ipset restore -exist`
 * (which also refreshes the timeout of an address already there and ignores a deleted one).
 */
import { type Op, OpBatcher } from "./batch.js";
import {
  ActionError,
  type CommandRunner,
  describeFailure,
  type RunResult,
  runCommand,
  succeeded,
} from "./exec.js";
import { type BanAction, type Clock, systemClock } from "./types.js";

export interface IpsetOptions {
  ipset?: string[];
  iptables?: string[];
  ip6tables?: string[];
  /** Set name prefix (default "bulwark"): `bulwark-sshd`, `bulwark6-sshd`. */
  prefix?: string;
  /** Chain the rule goes in (default INPUT). */
  chain?: string;
  /** DROP (default) or REJECT. */
  target?: "DROP" | "REJECT";
  /** Also handle IPv6 (default true). */
  ipv6?: boolean;
  timeoutMs?: number;
  clock?: Clock;
  run?: CommandRunner;
}

/** ipset's largest timeout (seconds); a longer ban is stored without one and lifted by unban. */
const IPSET_MAX_TIMEOUT = 2_147_483;

export class IpsetAction implements BanAction {
  readonly name = "ipset";
  readonly #o: Required<Omit<IpsetOptions, "clock" | "run">>;
  readonly #clock: Clock;
  readonly #run: CommandRunner;
  readonly #ready = new Map<string, Promise<void>>();
  readonly #batcher = new OpBatcher((ops) => this.#flush(ops));

  constructor(opts: IpsetOptions = {}) {
    this.#o = {
      ipset: opts.ipset ?? ["ipset"],
      iptables: opts.iptables ?? ["iptables"],
      ip6tables: opts.ip6tables ?? ["ip6tables"],
      prefix: opts.prefix ?? "bulwark",
      chain: opts.chain ?? "INPUT",
      target: opts.target ?? "DROP",
      ipv6: opts.ipv6 ?? true,
      timeoutMs: opts.timeoutMs ?? 10_000,
    };
    this.#clock = opts.clock ?? systemClock;
    this.#run = opts.run ?? runCommand;
  }

  setName(jail: string, family: 4 | 6): string {
    const base = `${this.#o.prefix}${family === 6 ? "6" : ""}-`;
    const clean = jail.replace(/[^A-Za-z0-9_.-]/g, "_");
    return (base + clean).slice(0, 31);
  }

  #exec(argv: string[], input?: string): Promise<RunResult> {
    return this.#run(argv, { input, timeoutMs: this.#o.timeoutMs });
  }

  async #setup(jail: string): Promise<void> {
    const families: (4 | 6)[] = this.#o.ipv6 ? [4, 6] : [4];
    for (const family of families) {
      const set = this.setName(jail, family);
      const create = [...this.#o.ipset, "create", set, "hash:ip"];
      if (family === 6) create.push("family", "inet6");
      create.push("timeout", "0", "-exist");
      const c = await this.#exec(create);
      if (!succeeded(c)) throw new ActionError(`ipset: ${describeFailure(c)}`, [c]);
      const tables = family === 6 ? this.#o.ip6tables : this.#o.iptables;
      const rule = ["-m", "set", "--match-set", set, "src", "-j", this.#o.target];
      const check = await this.#exec([...tables, "-w", "-C", this.#o.chain, ...rule]);
      if (succeeded(check)) continue;
      if (check.spawnError || check.timedOut) {
        throw new ActionError(`iptables: ${describeFailure(check)}`, [check]);
      }
      const add = await this.#exec([...tables, "-w", "-I", this.#o.chain, "1", ...rule]);
      if (!succeeded(add)) throw new ActionError(`iptables: ${describeFailure(add)}`, [add]);
    }
  }

  #ensure(jail: string): Promise<void> {
    let p = this.#ready.get(jail);
    if (!p) {
      p = this.#setup(jail);
      this.#ready.set(jail, p);
      // a failed setup is tried again with the next operation
      p.catch(() => this.#ready.delete(jail));
    }
    return p;
  }

  ban(address: string, jail: string, until: number): Promise<void> {
    return this.#batcher.submit("ipset", "ban", address, jail, until, this.#o.ipv6);
  }

  unban(address: string, jail: string): Promise<void> {
    return this.#batcher.submit("ipset", "unban", address, jail, 0, this.#o.ipv6);
  }

  #line(o: Op, now: number): string {
    const set = this.setName(o.jail, o.family);
    if (o.op === "unban") return `del ${set} ${o.address}`;
    let timeout = 0;
    if (Number.isFinite(o.until)) {
      timeout = Math.max(1, Math.ceil((o.until - now) / 1000));
      if (timeout > IPSET_MAX_TIMEOUT) timeout = 0;
    }
    return `add ${set} ${o.address} timeout ${timeout}`;
  }

  async #flush(ops: Op[]): Promise<void> {
    const ready: Op[] = [];
    for (const j of new Set(ops.map((o) => o.jail))) {
      const mine = ops.filter((o) => o.jail === j);
      try {
        await this.#ensure(j);
        ready.push(...mine);
      } catch (e) {
        for (const o of mine) o.reject(e instanceof Error ? e : new Error(String(e)));
      }
    }
    if (ready.length === 0) return;
    const now = this.#clock.now();
    const input = `${ready.map((o) => this.#line(o, now)).join("\n")}\n`;
    const r = await this.#exec([...this.#o.ipset, "restore", "-exist"], input);
    if (succeeded(r)) {
      for (const o of ready) o.resolve();
      return;
    }
    if (ready.length === 1 || r.spawnError || r.timedOut) {
      const err = new ActionError(`ipset: ${describeFailure(r)}`, [r]);
      for (const o of ready) o.reject(err);
      return;
    }
    for (const o of ready) {
      const one = await this.#exec(
        [...this.#o.ipset, "restore", "-exist"],
        `${this.#line(o, now)}\n`,
      );
      if (succeeded(one)) o.resolve();
      else o.reject(new ActionError(`ipset ${o.op} ${o.address}: ${describeFailure(one)}`, [one]));
    }
  }

  /** Addresses in a jail's sets now. */
  async list(jail: string): Promise<string[]> {
    const out: string[] = [];
    for (const family of (this.#o.ipv6 ? [4, 6] : [4]) as (4 | 6)[]) {
      const r = await this.#exec([
        ...this.#o.ipset,
        "list",
        this.setName(jail, family),
        "-output",
        "plain",
      ]);
      if (!succeeded(r)) continue;
      const members = r.stdout.split("Members:\n")[1] ?? "";
      for (const line of members.split("\n")) {
        const addr = line.trim().split(/\s+/)[0];
        if (addr) out.push(addr);
      }
    }
    return out;
  }

  close(): Promise<void> {
    return this.#batcher.drain();
  }
}
