/**
 * Bans as elements of nftables sets, through the `nft` binary.
 *
 * Table `inet bulwark` (configurable); per jail two sets with `flags timeout` (`j_<jail>_v4`,
 * `j_<jail>_v6`) and a base chain per hook (`j_<jail>_input`) whose rules drop what the sets hold,
 * optionally only to the jail's ports. Each ban is added with `timeout Ns`, so the kernel lifts it
 * even if the watcher is gone; the engine's unban deletes it at the same time.
 *
 * Operations queued in the same turn of the event loop go to one `nft -f -` run (a flood of bans is
 * one process, one atomic netlink transaction). When a batch fails, its operations are retried one
 * by one so that one bad element does not sink the others; deleting an element that is already
 * gone (the kernel's timeout came first) is not an error. Errors reject the operation's promise.
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

export interface JailPorts {
  /** "tcp" (default), "udp", or "all" for every protocol. */
  protocol?: "tcp" | "udp" | "all";
  /** Ports or ranges ("22", "ssh", "5060-5061", fail2ban's "0:65535"); empty: all ports. */
  ports: (number | string)[];
}

export interface NftablesOptions {
  /** The `nft` command (default ["nft"]), e.g. ["ip", "netns", "exec", "ns1", "nft"]. */
  command?: string[];
  /** Table name, family inet (default "bulwark"). */
  table?: string;
  /** Hooks to filter in (default ["input"]; a router adds "forward"). */
  hooks?: ("input" | "forward")[];
  /** Chain priority (default -1, before the usual filter chains). */
  priority?: number;
  verdict?: "drop" | "reject";
  /** Per jail, the ports a ban applies to (default: all traffic from the address). */
  ports?: Record<string, JailPorts>;
  /** Bound on each `nft` run (default 10 s). */
  timeoutMs?: number;
  clock?: Clock;
  run?: CommandRunner;
}

const NAME_RE = /^[A-Za-z][A-Za-z0-9_]*$/;

/** A jail name as an nft identifier: letters, digits and `_`; a short hash when changed. */
export function nftName(jail: string): string {
  const clean = jail.replace(/[^A-Za-z0-9_]/g, "_").slice(0, 40);
  if (clean === jail && NAME_RE.test(clean)) return clean;
  let h = 0;
  for (const c of jail) h = (Math.imul(h, 31) + (c.codePointAt(0) ?? 0)) >>> 0;
  return `${/^[A-Za-z]/.test(clean) ? clean : `x${clean}`}_${h.toString(36)}`;
}

function portList(p: JailPorts): string {
  const out: string[] = [];
  for (const raw of p.ports) {
    for (const part of String(raw).split(",")) {
      const t = part.trim().replace(/:/g, "-");
      if (t === "") continue;
      if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(t)) throw new Error(`invalid port '${t}'`);
      out.push(t);
    }
  }
  return out.join(", ");
}

export class NftablesAction implements BanAction {
  readonly name = "nftables";
  readonly #command: string[];
  readonly #table: string;
  readonly #hooks: ("input" | "forward")[];
  readonly #priority: number;
  readonly #verdict: string;
  readonly #ports: Record<string, JailPorts>;
  readonly #timeoutMs: number;
  readonly #clock: Clock;
  readonly #run: CommandRunner;
  readonly #ready = new Set<string>();
  readonly #batcher = new OpBatcher((ops) => this.#flush(ops));

  constructor(opts: NftablesOptions = {}) {
    this.#command = opts.command ?? ["nft"];
    this.#table = opts.table ?? "bulwark";
    if (!NAME_RE.test(this.#table)) throw new Error(`invalid nftables table name '${this.#table}'`);
    this.#hooks = opts.hooks ?? ["input"];
    this.#priority = opts.priority ?? -1;
    this.#verdict = opts.verdict ?? "drop";
    this.#ports = opts.ports ?? {};
    this.#timeoutMs = opts.timeoutMs ?? 10_000;
    this.#clock = opts.clock ?? systemClock;
    this.#run = opts.run ?? runCommand;
  }

  /** The set holding a jail's banned addresses of one family. */
  setName(jail: string, family: 4 | 6): string {
    return `j_${nftName(jail)}_v${family}`;
  }

  /** The statements that create a jail's sets and chains (idempotent). */
  setupScript(jail: string): string[] {
    const t = `inet ${this.#table}`;
    const n = nftName(jail);
    const s4 = this.setName(jail, 4);
    const s6 = this.setName(jail, 6);
    const lines = [
      `add table ${t}`,
      `add set ${t} ${s4} { type ipv4_addr; flags timeout; }`,
      `add set ${t} ${s6} { type ipv6_addr; flags timeout; }`,
    ];
    const p = this.#ports[jail];
    let match = "";
    if (p && p.ports.length > 0) {
      const proto = p.protocol ?? "tcp";
      const list = portList(p);
      match =
        proto === "all" ? ` th dport { ${list} }` : ` meta l4proto ${proto} th dport { ${list} }`;
    } else if (p?.protocol && p.protocol !== "all") {
      match = ` meta l4proto ${p.protocol}`;
    }
    const verdict = this.#verdict === "reject" ? "reject" : "drop";
    for (const hook of this.#hooks) {
      const chain = `j_${n}_${hook}`;
      lines.push(
        `add chain ${t} ${chain} { type filter hook ${hook} priority ${this.#priority}; policy accept; }`,
        `flush chain ${t} ${chain}`,
        `add rule ${t} ${chain} ip saddr @${s4}${match} ${verdict}`,
        `add rule ${t} ${chain} ip6 saddr @${s6}${match} ${verdict}`,
      );
    }
    return lines;
  }

  ban(address: string, jail: string, until: number): Promise<void> {
    return this.#batcher.submit("nftables", "ban", address, jail, until);
  }

  unban(address: string, jail: string): Promise<void> {
    return this.#batcher.submit("nftables", "unban", address, jail, 0);
  }

  #element(o: Op, now: number): string {
    if (o.op === "unban" || !Number.isFinite(o.until)) return o.address;
    const seconds = Math.max(1, Math.ceil((o.until - now) / 1000));
    return `${o.address} timeout ${seconds}s`;
  }

  #script(ops: Op[], setupJails: string[]): string {
    const now = this.#clock.now();
    const lines: string[] = [];
    for (const j of setupJails) lines.push(...this.setupScript(j));
    // operations in order; consecutive ones on the same set in one statement
    const groups: { id: string; elems: string[] }[] = [];
    for (const o of ops) {
      const verb = o.op === "ban" ? "add" : "delete";
      const id = `${verb} element inet ${this.#table} ${this.setName(o.jail, o.family)}`;
      const last = groups[groups.length - 1];
      if (last && last.id === id) last.elems.push(this.#element(o, now));
      else groups.push({ id, elems: [this.#element(o, now)] });
    }
    for (const g of groups) lines.push(`${g.id} { ${g.elems.join(", ")} }`);
    return `${lines.join("\n")}\n`;
  }

  async #nft(script: string): Promise<RunResult> {
    return this.#run([...this.#command, "-f", "-"], { input: script, timeoutMs: this.#timeoutMs });
  }

  async #flush(ops: Op[]): Promise<void> {
    const setup = [...new Set(ops.map((o) => o.jail))].filter((j) => !this.#ready.has(j));
    let r: RunResult;
    try {
      r = await this.#nft(this.#script(ops, setup));
    } catch (e) {
      for (const o of ops) o.reject(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    if (succeeded(r)) {
      for (const j of setup) this.#ready.add(j);
      for (const o of ops) o.resolve();
      return;
    }
    if (r.spawnError || r.timedOut || (ops.length === 1 && setup.length === 0)) {
      if (ops.length === 1 && ops[0]?.op === "unban" && isGone(r)) {
        ops[0].resolve();
        return;
      }
      const err = new ActionError(`nftables: ${describeFailure(r)}`, [r]);
      for (const o of ops) o.reject(err);
      return;
    }
    // find what failed: the setup first, then each operation alone
    if (setup.length > 0) {
      const s = await this.#nft(`${setup.flatMap((j) => this.setupScript(j)).join("\n")}\n`);
      if (!succeeded(s)) {
        const err = new ActionError(`nftables setup: ${describeFailure(s)}`, [s]);
        for (const o of ops) o.reject(err);
        return;
      }
      for (const j of setup) this.#ready.add(j);
    }
    for (const o of ops) {
      const one = await this.#nft(this.#script([o], []));
      if (succeeded(one) || (o.op === "unban" && isGone(one))) o.resolve();
      else
        o.reject(new ActionError(`nftables ${o.op} ${o.address}: ${describeFailure(one)}`, [one]));
    }
  }

  /** Addresses in a jail's sets, as the kernel has them now. */
  async list(jail: string): Promise<string[]> {
    const out: string[] = [];
    for (const family of [4, 6] as const) {
      const r = await this.#run(
        [...this.#command, "-j", "list", "set", "inet", this.#table, this.setName(jail, family)],
        { timeoutMs: this.#timeoutMs },
      );
      if (!succeeded(r)) {
        if (/No such file or directory/.test(r.stderr)) continue;
        throw new ActionError(`nftables: ${describeFailure(r)}`, [r]);
      }
      out.push(...parseSetElements(r.stdout));
    }
    return out;
  }

  /** Remove the whole table (tests, `--cleanup`). */
  async teardown(): Promise<void> {
    await this.close();
    const r = await this.#run([...this.#command, "delete", "table", "inet", this.#table], {
      timeoutMs: this.#timeoutMs,
    });
    this.#ready.clear();
    if (!succeeded(r) && !/No such file or directory/.test(r.stderr)) {
      throw new ActionError(`nftables: ${describeFailure(r)}`, [r]);
    }
  }

  close(): Promise<void> {
    return this.#batcher.drain();
  }
}

function isGone(r: RunResult): boolean {
  return r.code !== 0 && /No such file or directory/.test(r.stderr) && !r.timedOut;
}

/** The elements of `nft -j list set` output: plain addresses, or `{elem: {val, timeout}}`. */
export function parseSetElements(json: string): string[] {
  const out: string[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return out;
  }
  const items = (doc as { nftables?: unknown[] }).nftables ?? [];
  for (const item of items) {
    const set = (item as { set?: { elem?: unknown[] } }).set;
    for (const e of set?.elem ?? []) {
      if (typeof e === "string") out.push(e);
      else {
        const val = (e as { elem?: { val?: unknown } }).elem?.val;
        if (typeof val === "string") out.push(val);
      }
    }
  }
  return out;
}
