/**
 * The jail engine: failures in (FilterMatch), bans and unbans out, as fail2ban decides them.
 *
 * Per jail it counts failures per key (the host, normalised, or the `<F-ID>` when there is no
 * host) within `findtime` (see failures.ts), bans at `maxretry` for `bantime` (grown by
 * `bantime.increment`), feeds recidive jails with other jails' bans, and lifts bans when they
 * expire (one min-heap, one timer). It never bans an address of the protect list (the admin's own
 * SSH peer and any address given), of the jail's `ignoreip`, or of this host (`ignoreself`).
 *
 * Time comes from an injected clock, and {@link JailEngine.tick} does the periodic work, so tests
 * drive the engine without waiting; {@link JailEngine.start} arms the one real timer.
 *
 * Actions run asynchronously, in order per jail and address (a ban's unban waits for the ban);
 * their failures become `action-error` events. Only addresses are handed to actions: a key that is
 * an `<F-ID>` is counted, banned and reported, but no firewall can drop it.
 */

import type { BanDecision, FilterMatch, LogLine } from "../types.js";
import type { BanAction, Clock } from "./actions/types.js";
import { systemClock } from "./actions/types.js";
import { type BanKey, banKey, type KeyKind } from "./addr.js";
import { FailureTable } from "./failures.js";
import { ExpiryHeap } from "./heap.js";
import { type ActiveBan, type BanHistory, MemoryBanHistory, type PastBan } from "./history.js";
import {
  AddressSet,
  buildAddressSet,
  type LookupFn,
  selfAddresses,
  sshPeerAddresses,
} from "./ignore.js";
import { type BantimeIncrement, compileIncrement, failureWeight } from "./increment.js";

/** A jail as the engine runs it. Times in seconds, as fail2ban writes them. */
export interface JailSpec {
  name: string;
  /** Default 5. */
  maxretry?: number;
  /** Default 600 s. */
  findtime?: number;
  /** Default 600 s; negative: for ever. */
  bantime?: number;
  /** `bantime.increment`: true for fail2ban's defaults, or its settings. */
  increment?: boolean | BantimeIncrement;
  /** Addresses, networks (`10.0.0.0/8`, `2001:db8::/32`, `10.0.0.0/255.0.0.0`) and host names. */
  ignoreip?: string[];
  /** Never ban this host's own addresses (default true, as in fail2ban). */
  ignoreself?: boolean;
  /**
   * A recidive jail: fed with the bans of the other jails ("all") or of these ones, each ban
   * counting as one failure of the address.
   */
  feedsFrom?: "all" | string[];
  actions?: BanAction[];
}

export type IgnoreReason = "protect" | "ignoreip" | "ignoreself";

/**
 * A ban decision (the shared {@link BanDecision}: `banCount` is the number of earlier bans) with
 * what the store, the actions and the alerts need.
 */
export interface JailBan extends BanDecision, ActiveBan {
  /** Re-applied from the store at start. */
  restored: boolean;
  /** User names of the failure that tipped it, as the filter captured them. */
  users: string[];
  /** Where that failure was read, when known. */
  source?: string;
  /** The router that sent it (syslog). */
  sender?: string;
}

export type JailEvent =
  | { type: "ban"; ban: JailBan }
  | {
      type: "unban";
      jail: string;
      key: string;
      kind: KeyKind;
      reason: "expired" | "manual";
      time: number;
    }
  | { type: "ignored"; jail: string; key: string; reason: IgnoreReason; time: number }
  | {
      type: "action-error";
      jail: string;
      key: string;
      action: string;
      op: "ban" | "unban" | "close";
      error: Error;
    }
  | { type: "warning"; jail?: string; message: string };

export type ObserveResult =
  | { status: "counted"; key: string; failures: number }
  | { status: "banned"; key: string; ban: JailBan }
  | { status: "ignored"; key: string; reason: IgnoreReason }
  | { status: "already-banned"; key: string }
  | { status: "stale"; key: string }
  | { status: "expired"; key: string }
  | { status: "no-key" }
  | { status: "unknown-jail" };

export interface JailEngineOptions {
  jails: JailSpec[];
  clock?: Clock;
  /** Where bans and ban counts are kept (the SQLite store); in memory by default. */
  history?: BanHistory;
  /** Addresses and networks never banned, whatever a jail says. */
  protect?: string[];
  /** Also protect the peer of SSH_CONNECTION / SSH_CLIENT (default true). */
  protectSshPeer?: boolean;
  /** Environment read for the SSH peer (default process.env). */
  env?: NodeJS.ProcessEnv;
  lookup?: LookupFn;
  /** Bound on each DNS lookup at start (default 3000 ms). */
  dnsTimeoutMs?: number;
  /** This host's addresses for ignoreself (default: interfaces, loopback, own names resolved). */
  selfAddresses?: string[];
  /** For bantime.rndtime (default Math.random). */
  random?: () => number;
  /**
   * A live line dated further than this from now is taken as happening now (fail2ban's operation
   * mode: a zone or clock problem must not stop bans). Default 60 s.
   */
  maxClockSkewMs?: number;
  /** Slots of each failure table looked at per tick (default 50,000) and per failure (4). */
  sweepBudget?: number;
  /** History older than this is purged, as fail2ban's dbpurgeage (default 1 day). */
  purgeAgeSeconds?: number;
  /** Period of the real timer when no ban expires sooner (default 1000 ms). */
  tickMs?: number;
  /** Keep the process alive for the timer (default false: inputs keep it alive). */
  keepAlive?: boolean;
}

interface JailState {
  spec: JailSpec;
  name: string;
  maxretry: number;
  findtimeMs: number;
  bantime: number;
  increment?: BantimeIncrement;
  evformula?: (ban: { time: number; count: number }) => number;
  ignoreself: boolean;
  ignore: AddressSet;
  failures: FailureTable;
  active: Map<string, JailBan>;
  actions: BanAction[];
  weightOf: (key: string, time: number) => number;
  stats: { failures: number; bans: number; ignored: number; stale: number };
  lastSkewWarning: number;
}

export interface JailStats {
  jail: string;
  /** Keys with failures counted within findtime. */
  tracked: number;
  banned: number;
  failures: number;
  bans: number;
  ignored: number;
  stale: number;
}

type Listener = (e: JailEvent) => void;

/** Build an engine: ignore lists and this host's addresses resolved (bounded), jails ready. */
export async function createJailEngine(opts: JailEngineOptions): Promise<JailEngine> {
  const dns = { lookup: opts.lookup, dnsTimeoutMs: opts.dnsTimeoutMs };
  const warnings: string[] = [];
  const protectEntries = [...(opts.protect ?? [])];
  if (opts.protectSshPeer !== false) protectEntries.push(...sshPeerAddresses(opts.env));
  const protect = await buildAddressSet(protectEntries, dns);
  for (const p of protect.problems) warnings.push(`protect: ${p}`);
  const needSelf = opts.jails.some((j) => j.ignoreself !== false);
  const self = needSelf
    ? await buildAddressSet(opts.selfAddresses ?? (await selfAddresses(dns)), dns)
    : { set: new AddressSet(), problems: [] };
  const ignores = await Promise.all(opts.jails.map((j) => buildAddressSet(j.ignoreip ?? [], dns)));
  ignores.forEach((r, i) => {
    for (const p of r.problems) warnings.push(`[${opts.jails[i]?.name}] ${p}`);
  });
  return new JailEngine(
    opts,
    protect.set,
    self.set,
    ignores.map((r) => r.set),
    warnings,
  );
}

const DEFAULT_MAXRETRY = 5;
const DEFAULT_FINDTIME = 600;
const DEFAULT_BANTIME = 600;
const HOUR = 3_600_000;

export class JailEngine {
  readonly #clock: Clock;
  readonly #history: BanHistory;
  readonly #protect: AddressSet;
  readonly #self: AddressSet;
  readonly #jails = new Map<string, JailState>();
  /** Jail → the recidive jails its bans feed. */
  readonly #feeds = new Map<string, JailState[]>();
  readonly #heap = new ExpiryHeap();
  readonly #listeners = new Set<Listener>();
  readonly #chains = new Map<string, Promise<void>>();
  readonly #maxSkew: number;
  readonly #sweepBudget: number;
  readonly #purgeAge: number;
  readonly #tickMs: number;
  readonly #keepAlive: boolean;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #running = false;
  #nextPurge = 0;
  /** Problems found while building (unresolved names, invalid entries). */
  readonly warnings: string[];

  constructor(
    opts: JailEngineOptions,
    protect: AddressSet,
    self: AddressSet,
    ignores: AddressSet[],
    warnings: string[] = [],
  ) {
    this.#clock = opts.clock ?? systemClock;
    this.#history = opts.history ?? new MemoryBanHistory();
    this.#protect = protect;
    this.#self = self;
    this.#maxSkew = opts.maxClockSkewMs ?? 60_000;
    this.#sweepBudget = opts.sweepBudget ?? 50_000;
    this.#purgeAge = opts.purgeAgeSeconds ?? 86_400;
    this.#tickMs = opts.tickMs ?? 1000;
    this.#keepAlive = opts.keepAlive ?? false;
    this.warnings = warnings;
    const random = opts.random ?? Math.random;
    opts.jails.forEach((spec, i) => {
      if (this.#jails.has(spec.name)) throw new Error(`jail '${spec.name}' defined twice`);
      const maxretry = spec.maxretry ?? DEFAULT_MAXRETRY;
      const findtimeMs = (spec.findtime ?? DEFAULT_FINDTIME) * 1000;
      const increment =
        spec.increment === true ? {} : spec.increment === false ? undefined : spec.increment;
      const state: JailState = {
        spec,
        name: spec.name,
        maxretry,
        findtimeMs,
        bantime: spec.bantime ?? DEFAULT_BANTIME,
        increment,
        evformula: increment ? compileIncrement(increment, random) : undefined,
        ignoreself: spec.ignoreself !== false,
        ignore: ignores[i] ?? new AddressSet(),
        failures: new FailureTable(findtimeMs),
        active: new Map(),
        actions: spec.actions ?? [],
        weightOf: () => 1,
        stats: { failures: 0, bans: 0, ignored: 0, stale: 0 },
        lastSkewWarning: Number.NEGATIVE_INFINITY,
      };
      if (increment) {
        state.weightOf = (key, time) => {
          const past = this.#past(state, key);
          if (!past || time <= past.timeOfBan) return 1;
          return failureWeight(past.banCount, maxretry);
        };
      }
      this.#jails.set(spec.name, state);
    });
    for (const r of this.#jails.values()) {
      const from = r.spec.feedsFrom;
      if (!from) continue;
      const sources = from === "all" ? [...this.#jails.keys()] : from;
      for (const s of sources) {
        if (s === r.name) continue;
        if (!this.#jails.has(s)) {
          this.warnings.push(`[${r.name}] feeds from unknown jail '${s}'`);
          continue;
        }
        const list = this.#feeds.get(s) ?? [];
        list.push(r);
        this.#feeds.set(s, list);
      }
    }
  }

  /** Names of the jails, in the order given. */
  get jails(): string[] {
    return [...this.#jails.keys()];
  }

  on(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(e: JailEvent): void {
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch {
        // a listener's failure is its own business
      }
    }
  }

  #past(state: JailState, key: string): PastBan | undefined {
    return state.increment?.overalljails
      ? this.#history.lastBanOverall(key)
      : this.#history.lastBan(state.name, key);
  }

  /** Why this key must not be banned in this jail, if it must not. */
  #ignoreReason(state: JailState, key: BanKey): IgnoreReason | undefined {
    if (key.kind !== "id" && this.#protect.has(key)) return "protect";
    if (state.ignore.size > 0 && state.ignore.has(key)) return "ignoreip";
    if (state.ignoreself && key.kind !== "id" && this.#self.has(key)) return "ignoreself";
    return undefined;
  }

  /** Is this address protected from every ban (the admin's connection, the protect list)? */
  isProtected(address: string): boolean {
    const k = banKey(address, undefined);
    return k !== undefined && k.kind !== "id" && this.#protect.has(k);
  }

  /**
   * Count one failure. `live` (default true) is a line read as it happens: a date far from now
   * is taken as now. A backlog line (`live: false`) older than findtime is not counted.
   */
  observe(
    jail: string,
    match: FilterMatch,
    opts: { line?: LogLine; live?: boolean } = {},
  ): ObserveResult {
    const state = this.#jails.get(jail);
    if (!state) return { status: "unknown-jail" };
    const key = banKey(match.host, match.id);
    if (!key) return { status: "no-key" };
    const now = this.#clock.now();
    let time = match.time ?? opts.line?.time ?? now;
    if (time > now) time = now;
    if (opts.live !== false) {
      if (now - time > this.#maxSkew) {
        if (now - state.lastSkewWarning > 86_400_000) {
          state.lastSkewWarning = now;
          this.#emit({
            type: "warning",
            jail,
            message: `[${jail}] a line is dated ${Math.round((now - time) / 1000)} s before now; taken as now (a time zone or clock problem?)`,
          });
        }
        time = now;
      }
    } else if (time <= now - state.findtimeMs) {
      state.stats.stale++;
      return { status: "stale", key: key.key };
    }
    return this.#count(state, key, time, now, match.users, opts.line);
  }

  #count(
    state: JailState,
    key: BanKey,
    time: number,
    now: number,
    users: string[],
    line: LogLine | undefined,
  ): ObserveResult {
    const reason = this.#ignoreReason(state, key);
    if (reason) {
      state.stats.ignored++;
      this.#emit({ type: "ignored", jail: state.name, key: key.key, reason, time });
      return { status: "ignored", key: key.key, reason };
    }
    if (state.active.has(key.key)) return { status: "already-banned", key: key.key };
    state.stats.failures++;
    const failures = state.failures.add(key.key, time, state.weightOf);
    if (state.failures.size > 1024) state.failures.sweep(now, 4);
    if (failures < state.maxretry) return { status: "counted", key: key.key, failures };
    state.failures.delete(key.key);
    return this.#ban(state, key, time, now, failures, users, line, undefined);
  }

  #ban(
    state: JailState,
    key: BanKey,
    time: number,
    now: number,
    failures: number,
    users: string[],
    line: LogLine | undefined,
    bantimeOverride: number | undefined,
  ): ObserveResult {
    const past = this.#past(state, key.key);
    const previous = past?.banCount ?? 0;
    let bantime = bantimeOverride ?? state.bantime;
    if (bantimeOverride === undefined && state.evformula && bantime > 0 && previous > 0) {
      bantime = state.evformula({ time: bantime, count: previous });
    }
    const until = bantime < 0 ? Number.POSITIVE_INFINITY : time + bantime * 1000;
    if (until <= now) return { status: "expired", key: key.key };
    const ban: JailBan = {
      jail: state.name,
      key: key.key,
      address: key.key,
      kind: key.kind,
      time,
      until,
      bantime: bantime < 0 ? -1 : bantime,
      banCount: previous,
      count:
        (state.increment?.overalljails
          ? (this.#history.lastBan(state.name, key.key)?.banCount ?? 0)
          : previous) + 1,
      failures,
      restored: false,
      users: [...users],
      source: line?.source,
      sender: line?.sender,
    };
    this.#apply(state, ban);
    try {
      this.#history.recordBan(stored(ban));
    } catch (e) {
      this.#emit({
        type: "warning",
        jail: state.name,
        message: `ban not stored: ${errorOf(e).message}`,
      });
    }
    state.stats.bans++;
    this.#emit({ type: "ban", ban });
    for (const r of this.#feeds.get(state.name) ?? []) {
      this.#count(r, key, time, now, users, line);
    }
    return { status: "banned", key: key.key, ban };
  }

  /** Make a ban effective: remember it, schedule its end, run the actions. */
  #apply(state: JailState, ban: JailBan): void {
    state.active.set(ban.key, ban);
    if (Number.isFinite(ban.until)) {
      this.#heap.push({ until: ban.until, jail: state.name, key: ban.key });
      if (this.#running && ban.until < this.#timerAt) this.#arm();
    }
    if (ban.kind === "id") return;
    for (const action of state.actions) {
      this.#enqueue(state.name, ban.key, action, "ban", () =>
        action.ban(ban.key, state.name, ban.until),
      );
    }
  }

  #enqueue(
    jail: string,
    key: string,
    action: BanAction,
    op: "ban" | "unban",
    run: () => Promise<void>,
  ): void {
    const id = `${jail}\u0000${key}\u0000${action.name}`;
    const before = this.#chains.get(id) ?? Promise.resolve();
    const next = before.then(async () => {
      try {
        await run();
      } catch (e) {
        this.#emit({ type: "action-error", jail, key, action: action.name, op, error: errorOf(e) });
      }
    });
    this.#chains.set(id, next);
    void next.then(() => {
      if (this.#chains.get(id) === next) this.#chains.delete(id);
    });
  }

  /**
   * Ban by hand (or from another source): the protect and ignore lists still apply. `bantime`
   * (seconds) replaces the jail's and its increment.
   */
  ban(
    jail: string,
    address: string,
    opts: { bantime?: number; time?: number } = {},
  ): ObserveResult {
    const state = this.#jails.get(jail);
    if (!state) return { status: "unknown-jail" };
    const key = banKey(address, undefined);
    if (!key) return { status: "no-key" };
    const reason = this.#ignoreReason(state, key);
    if (reason) {
      state.stats.ignored++;
      this.#emit({ type: "ignored", jail, key: key.key, reason, time: this.#clock.now() });
      return { status: "ignored", key: key.key, reason };
    }
    if (state.active.has(key.key)) return { status: "already-banned", key: key.key };
    const now = this.#clock.now();
    state.failures.delete(key.key);
    return this.#ban(state, key, opts.time ?? now, now, 0, [], undefined, opts.bantime);
  }

  /** Lift a ban now. False when the key is not banned in that jail. */
  unban(jail: string, address: string): boolean {
    const state = this.#jails.get(jail);
    if (!state) return false;
    const key = banKey(address, undefined)?.key ?? address;
    return this.#lift(state, key, "manual", this.#clock.now());
  }

  #lift(state: JailState, key: string, reason: "expired" | "manual", now: number): boolean {
    const ban = state.active.get(key);
    if (!ban) return false;
    state.active.delete(key);
    try {
      this.#history.recordUnban(state.name, key, now);
    } catch (e) {
      this.#emit({
        type: "warning",
        jail: state.name,
        message: `unban not stored: ${errorOf(e).message}`,
      });
    }
    if (ban.kind !== "id") {
      for (const action of state.actions) {
        this.#enqueue(state.name, key, action, "unban", () => action.unban(key, state.name));
      }
    }
    this.#emit({ type: "unban", jail: state.name, key, kind: ban.kind, reason, time: now });
    return true;
  }

  /**
   * Periodic work, at `now` (default: the clock): lift expired bans, sweep old failures, purge old
   * history hourly. Returns the number of bans lifted.
   */
  tick(now = this.#clock.now()): number {
    let lifted = 0;
    for (let top = this.#heap.peek(); top && top.until <= now; top = this.#heap.peek()) {
      this.#heap.pop();
      const state = this.#jails.get(top.jail);
      const ban = state?.active.get(top.key);
      if (state && ban && ban.until === top.until && this.#lift(state, top.key, "expired", now)) {
        lifted++;
      }
    }
    for (const state of this.#jails.values()) state.failures.sweep(now, this.#sweepBudget);
    if (now >= this.#nextPurge) {
      this.#nextPurge = now + HOUR;
      try {
        this.#history.purge(now, this.#purgeAge);
      } catch (e) {
        this.#emit({ type: "warning", message: `history purge failed: ${errorOf(e).message}` });
      }
    }
    return lifted;
  }

  /**
   * Re-apply the bans still in force from the history (the store), dropping expired ones and
   * those an ignore or protect list now covers. Returns the bans restored.
   */
  restore(): JailBan[] {
    const now = this.#clock.now();
    const out: JailBan[] = [];
    for (const b of this.#history.activeBans(now)) {
      const state = this.#jails.get(b.jail);
      if (!state || state.active.has(b.key)) continue;
      const key = banKey(b.key, undefined) ?? { key: b.key, kind: b.kind };
      const k: BanKey = b.kind === "id" ? { key: b.key, kind: "id" } : key;
      const reason = this.#ignoreReason(state, k);
      if (reason) {
        this.#history.recordUnban(b.jail, b.key, now);
        this.#emit({ type: "ignored", jail: b.jail, key: b.key, reason, time: now });
        continue;
      }
      const ban: JailBan = {
        ...b,
        address: b.key,
        banCount: b.count - 1,
        restored: true,
        users: [],
      };
      this.#apply(state, ban);
      this.#emit({ type: "ban", ban });
      out.push(ban);
    }
    return out;
  }

  /** The bans in force, of one jail or all. */
  activeBans(jail?: string): JailBan[] {
    const out: JailBan[] = [];
    for (const s of this.#jails.values()) {
      if (jail !== undefined && s.name !== jail) continue;
      out.push(...s.active.values());
    }
    return out;
  }

  isBanned(jail: string, address: string): boolean {
    const key = banKey(address, undefined)?.key ?? address;
    return this.#jails.get(jail)?.active.has(key) ?? false;
  }

  /** The failure count of a key within findtime (0 when none). */
  failures(jail: string, key: string): number {
    const k = banKey(key, undefined)?.key ?? key;
    return this.#jails.get(jail)?.failures.get(k)?.retry ?? 0;
  }

  stats(): JailStats[] {
    return [...this.#jails.values()].map((s) => ({
      jail: s.name,
      tracked: s.failures.size,
      banned: s.active.size,
      ...s.stats,
    }));
  }

  /** Arm the timer: ticks at the next expiry or every `tickMs`, whichever comes first. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#arm();
  }

  #arm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (!this.#running) return;
    const now = this.#clock.now();
    const next = Math.min(this.#heap.peek()?.until ?? Number.POSITIVE_INFINITY, now + this.#tickMs);
    this.#timerAt = next;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.tick();
        this.#arm();
      },
      Math.max(0, Math.min(next - now, 2 ** 31 - 1)),
    );
    if (!this.#keepAlive) this.#timer.unref();
  }

  /** Stop the timer; bans stay (the kernel expires them, the store restores them). */
  stop(): void {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  /** Wait until every action started so far has finished. */
  async idle(): Promise<void> {
    while (this.#chains.size > 0) await Promise.all([...this.#chains.values()]);
  }

  /** Stop, wait for the actions, close them. */
  async close(): Promise<void> {
    this.stop();
    await this.idle();
    const seen = new Set<BanAction>();
    for (const s of this.#jails.values()) {
      for (const a of s.actions) {
        if (seen.has(a)) continue;
        seen.add(a);
        try {
          await a.close?.();
        } catch (e) {
          this.#emit({
            type: "action-error",
            jail: s.name,
            key: "",
            action: a.name,
            op: "close",
            error: errorOf(e),
          });
        }
      }
    }
  }
}

function stored(b: JailBan): ActiveBan {
  return {
    jail: b.jail,
    key: b.key,
    kind: b.kind,
    time: b.time,
    until: b.until,
    bantime: b.bantime,
    count: b.count,
    failures: b.failures,
  };
}

function errorOf(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
