/**
 * The watcher: inputs → filters → jail engine → actions, with the state store and the alerts.
 *
 * - One reader per distinct log file, shared by every jail that reads it (a jail reading it from
 *   its end skips what a jail reading it from its beginning asked for); one journal reader per
 *   distinct journalmatch, shared likewise; every syslog listener feeds the jails marked `syslog`
 *   (optionally only from some senders).
 * - Each line goes through each of its jails' filters (the filter bounds its own regex cost: lines
 *   cut at 8 KiB, exponential patterns refused); a filter that throws costs that line only, is
 *   counted and reported (rate-limited), and never stops the watcher.
 * - Live, a line dated far from now counts as now (a zone problem must not stop bans); what a file
 *   holds already when it is read from its beginning (fail2ban's `head`), and journal entries,
 *   count by their own time, failures older than findtime being left out.
 * - `once`: the files (and journal) are read from their beginning once, and time follows the log
 *   (a replay: findtime and bantime are measured in the log's time, so the decisions are those a
 *   watcher running then would have made). Nothing is blocked in a replay: the actions are dry
 *   runs and the alert channels are not contacted; the caller prints the decisions.
 *
 * `stop()` ends the inputs, waits for the actions in flight, sends the alerts held back, and
 * closes the store. Bans stay in the kernel with their timeout (nftables/ipset) and in the store,
 * which restores them at the next start.
 */
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../sources/input-error.js";
import {
  type AlertChannel,
  AlertDispatcher,
  type ChannelStats,
  EmailChannel,
  WebhookChannel,
} from "./alerts/index.js";
import { defaultStatePath, type WatchConfig, type WatchJailConfig } from "./config.js";
import {
  type AccessEventDetector,
  createAccessEventDetector,
  createLineTimeReader,
  type DetectedAccessEvent,
} from "./events/index.js";
import { type CompiledFilter, compileFilter } from "./filter/compile.js";
import { loadFilter } from "./filter/load.js";
import {
  FileFollower,
  JournalReader,
  readLogLineBatches,
  SyslogServer,
  WarnLimiter,
} from "./inputs/index.js";
import {
  type ActionKind,
  type BanAction,
  type Clock,
  createAction,
  createJailEngine,
  DryRunAction,
  type JailEngine,
  type JailEngineOptions,
  type JailEvent,
  type JailPorts,
  type JailSpec,
  type JailStats,
  systemClock,
} from "./jails/index.js";
import { openWatchStore, type WatchStore } from "./state/index.js";
import type { LogLine } from "./types.js";

export type WatchEvent =
  | JailEvent
  | { type: "access"; event: DetectedAccessEvent }
  | { type: "alert-error"; channel: string; title: string; error: Error };

export interface WatcherOptions {
  /** Read the logs once from their beginning (replaying their time) and finish; see `done`. */
  once?: boolean;
  /** Bans, unbans, addresses not banned (ignored), action failures, warnings. */
  onEvent?: (e: WatchEvent) => void;
  /** Live mode's clock (default: the system's). A replay has its own. */
  clock?: Clock;
  /** Environment: the SSH peer to protect, the alert channels' credentials. */
  env?: NodeJS.ProcessEnv;
  /** Action instances to use instead of building them (tests, embedding). */
  actions?: Partial<Record<ActionKind, BanAction>>;
  /** More alert channels (besides the configuration's). */
  channels?: AlertChannel[];
  /** Jail engine settings (this host's addresses, DNS, timer period...). */
  engine?: Partial<
    Pick<
      JailEngineOptions,
      | "selfAddresses"
      | "lookup"
      | "dnsTimeoutMs"
      | "tickMs"
      | "protectSshPeer"
      | "maxClockSkewMs"
      | "random"
    >
  >;
  /** File followers' polling period (default 1000 ms; fs.watch makes them prompter). */
  pollIntervalMs?: number;
  /** The journalctl to run (default "journalctl"). */
  journalctl?: string;
}

export interface JailCounters {
  /** Lines handed to the jail's filter. */
  lines: number;
  /** Failures the filter found. */
  matches: number;
  /** Lines an ignoreregex dropped. */
  ignoredLines: number;
  /** Failures without an address or id to count them by. */
  noKey: number;
  /** Lines the filter (or the engine) failed on: counted, reported, skipped. */
  errors: number;
}

export type WatcherJailStats = JailStats & JailCounters;

export interface WatcherInputStats {
  kind: "file" | "journal" | "syslog";
  source: string;
  jails: string[];
  lines: number;
}

export interface WatcherStats {
  once: boolean;
  startedAt: number;
  /** Lines read by every input together. */
  lines: number;
  jails: WatcherJailStats[];
  inputs: WatcherInputStats[];
  actionErrors: number;
  warnings: number;
  alerts: ChannelStats[];
  /** Bans in force now. */
  banned: { jail: string; address: string; until: number }[];
}

export interface Watcher {
  readonly config: WatchConfig;
  readonly engine: JailEngine;
  /** `once`: resolves when every log has been read and the actions are done. Live: at stop. */
  readonly done: Promise<void>;
  /** Where the syslog listeners listen (port 0 resolved), in the configuration's order. */
  readonly listeners: {
    udp?: { address: string; port: number };
    tcp?: { address: string; port: number };
  }[];
  /** The state file in use (undefined: in memory). */
  readonly statePath: string | undefined;
  /** Stop everything; idempotent. */
  stop(): Promise<void>;
  stats(): WatcherStats;
}

// ---------------------------------------------------------------------------------------------

interface JailRuntime {
  cfg: WatchJailConfig;
  name: string;
  /** For lines of files and syslog, and for journal entries (logtype journal). */
  fileFilter?: CompiledFilter;
  journalFilter?: CompiledFilter;
  counters: JailCounters;
  errWarn: WarnLimiter;
}

interface Route {
  jail: JailRuntime;
  filter: CompiledFilter;
  /** Read this source's existing content too (else: only what is written from now on). */
  fromStart: boolean;
  ident?: string;
  senders?: Set<string>;
}

interface FileGroup {
  path: string;
  routes: Route[];
  fromStart: boolean;
  /** Lines being read are what the file held at start. */
  backlog: boolean;
  follower?: FileFollower;
  lines: number;
}

interface JournalGroup {
  matches: string[];
  routes: Route[];
  reader?: JournalReader;
  lines: number;
}

class ReplayClock implements Clock {
  t = 0;
  now(): number {
    return this.t;
  }
}

const GLOB_CHARS = /[*?[]/;

function globPartRe(part: string): RegExp {
  let re = "";
  for (let i = 0; i < part.length; i++) {
    const c = part[i] as string;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = part.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let body = part.slice(i + 1, end);
        const neg = body.startsWith("!") || body.startsWith("^");
        if (neg) body = body.slice(1);
        re += `[${neg ? "^" : ""}${body.replace(/[\\\]]/g, "\\$&")}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * The files a logpath names: the path itself, or what a glob pattern (`*`, `?`, `[...]` in any
 * component, as fail2ban's glob) matches now, sorted.
 */
export function expandLogPath(pattern: string): string[] {
  const abs = resolve(pattern);
  if (!GLOB_CHARS.test(abs)) return [abs];
  let bases = ["/"];
  for (const part of abs.split("/").filter((p) => p !== "")) {
    const next: string[] = [];
    if (!GLOB_CHARS.test(part)) {
      for (const b of bases) next.push(join(b, part));
    } else {
      const re = globPartRe(part);
      for (const b of bases) {
        let names: string[];
        try {
          names = readdirSync(b);
        } catch {
          continue;
        }
        for (const n of names.sort()) {
          if (n.startsWith(".") && !part.startsWith(".")) continue;
          if (re.test(n)) next.push(join(b, n));
        }
      }
    }
    bases = next;
  }
  return bases.filter(isFile);
}

function errorOf(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

function journalMatchArgs(f: CompiledFilter): string[] {
  return f.journalmatch.flatMap((terms, i) => (i > 0 ? ["+", ...terms] : terms));
}

/**
 * Build and start a watcher. Configuration problems found here (a filter that cannot be read or
 * compiled, a state file that cannot be opened, an alert channel without its credentials) are
 * {@link InputError}s naming the configuration's file and line; a listener that cannot bind is
 * an Error. Nothing is left running when it throws.
 */
export async function startWatcher(
  config: WatchConfig,
  opts: WatcherOptions = {},
): Promise<Watcher> {
  const w = new WatcherImpl(config, opts);
  try {
    await w.init();
  } catch (e) {
    await w.stop().catch(() => {});
    throw e;
  }
  return w;
}

class WatcherImpl implements Watcher {
  readonly config: WatchConfig;
  engine!: JailEngine;
  readonly done: Promise<void>;
  readonly listeners: Watcher["listeners"] = [];
  statePath: string | undefined;
  readonly #o: WatcherOptions;
  readonly #once: boolean;
  readonly #clock: Clock;
  /** Access events dated by their line's stamp, read in the configured zone (else the machine's). */
  readonly #events: AccessEventDetector;
  readonly #replay: ReplayClock | undefined;
  readonly #env: NodeJS.ProcessEnv;
  readonly #startedAt = Date.now();
  #resolveDone!: () => void;
  #jails: JailRuntime[] = [];
  #files: FileGroup[] = [];
  #journals: JournalGroup[] = [];
  #syslogRoutes: Route[] = [];
  #syslog: { server: SyslogServer; source: string }[] = [];
  #store: WatchStore | undefined;
  #dispatcher: AlertDispatcher | undefined;
  #actions: BanAction[] = [];
  #lines = 0;
  #actionErrors = 0;
  #warnings = 0;
  #lastTick = Number.NEGATIVE_INFINITY;
  #stopping: Promise<void> | undefined;
  #engineReady = false;
  #reading: Promise<void> | undefined;

  constructor(config: WatchConfig, opts: WatcherOptions) {
    this.config = config;
    this.#o = opts;
    this.#once = opts.once ?? false;
    this.#replay = this.#once ? new ReplayClock() : undefined;
    this.#clock = this.#replay ?? opts.clock ?? systemClock;
    const now = () => this.#clock.now();
    this.#events = createAccessEventDetector({
      now,
      lineTime: createLineTimeReader({ timezone: config.timezone, now }),
    });
    this.#env = opts.env ?? process.env;
    this.done = new Promise((r) => {
      this.#resolveDone = r;
    });
  }

  #emit(e: WatchEvent): void {
    if (e.type === "warning") this.#warnings++;
    if (e.type === "action-error") this.#actionErrors++;
    try {
      this.#o.onEvent?.(e);
    } catch {
      // the listener's failure is its own business
    }
  }

  #warn = (message: string): void => {
    this.#emit({ type: "warning", message });
  };

  #configError(j: WatchJailConfig | undefined, message: string): InputError {
    const file = j?.at.file ?? this.config.file ?? "watch configuration";
    return new InputError(message, file, j?.at.line);
  }

  // -- building -------------------------------------------------------------------------------

  async init(): Promise<void> {
    const cfg = this.config;
    for (const w of cfg.warnings) this.#warn(w);
    this.#buildJails();
    if (this.#jails.length === 0) {
      throw this.#configError(undefined, "no jail to run (every jail was skipped or disabled)");
    }
    const actionsByJail = this.#buildActions();
    this.#openStore();
    const specs: JailSpec[] = this.#jails.map((j) => ({
      ...j.cfg.spec,
      name: j.name,
      actions: actionsByJail.get(j.name) ?? [],
    }));
    this.engine = await createJailEngine({
      jails: specs,
      clock: this.#clock,
      history: this.#store,
      protect: cfg.protect,
      env: this.#env,
      ...this.#o.engine,
    });
    this.#engineReady = true;
    for (const w of this.engine.warnings) this.#warn(w);
    this.engine.on((e) => this.#emit(e));
    if (!this.#once) this.#buildAlerts();
    this.#buildRoutes();
    if (this.#once) {
      if (cfg.syslog.length > 0) this.#warn("syslog listeners are not started with --once");
      this.#reading = this.#readOnce().then(
        () => this.#resolveDone(),
        (e) => {
          this.#warn(`reading stopped: ${errorOf(e).message}`);
          this.#resolveDone();
        },
      );
      return;
    }
    const restored = this.engine.restore();
    if (restored.length > 0) this.#warn(`${restored.length} ban(s) still in force restored`);
    this.engine.start();
    await this.#startInputs();
  }

  #buildJails(): void {
    const names = new Set<string>();
    for (const j of this.config.jails) {
      if (names.has(j.name)) throw this.#configError(j, `jail '${j.name}' is defined twice`);
      names.add(j.name);
      const rt: JailRuntime = {
        cfg: j,
        name: j.name,
        counters: { lines: 0, matches: 0, ignoredLines: 0, noKey: 0, errors: 0 },
        errWarn: new WarnLimiter(this.#warn),
      };
      if (!j.spec.feedsFrom) {
        try {
          const readsFiles = j.logpath.length > 0 || j.syslog !== undefined;
          if (readsFiles) rt.fileFilter = this.#compile(j, j.logtype);
          if (j.journal) {
            rt.journalFilter =
              j.logtype === "journal" && rt.fileFilter
                ? rt.fileFilter
                : this.#compile(j, "journal");
          }
        } catch (e) {
          const why = errorOf(e).message;
          const msg = `jail '${j.name}': ${why.includes(j.filter) ? "" : `filter ${j.filter}: `}${why}`;
          if (j.imported) {
            this.#warn(`${j.at.file}:${j.at.line}: ${msg}; jail skipped`);
            continue;
          }
          throw this.#configError(j, msg);
        }
      }
      this.#jails.push(rt);
    }
  }

  #compile(j: WatchJailConfig, logtype: string | undefined): CompiledFilter {
    const timezone = j.timezone ?? this.config.timezone;
    if (j.filterDefinition) return compileFilter(j.filterDefinition, { timezone, logtype });
    return loadFilter(j.filter, { mode: j.mode, set: j.set, logtype, timezone });
  }

  #buildActions(): Map<string, BanAction[]> {
    const cfg = this.config;
    const ports: Record<string, JailPorts> = {};
    for (const j of this.#jails) if (j.cfg.ports) ports[j.name] = j.cfg.ports;
    const byKind = new Map<ActionKind, BanAction>();
    const out = new Map<string, BanAction[]>();
    for (const j of this.#jails) {
      // a replay never blocks anybody: its bans are in the past
      const kind: ActionKind = this.#once ? "dry-run" : (j.cfg.action ?? cfg.action.kind);
      let action = byKind.get(kind);
      if (!action) {
        action =
          this.#o.actions?.[kind] ??
          (kind === "dry-run"
            ? new DryRunAction({ clock: this.#clock })
            : createAction(kind, {
                clock: this.#clock,
                nftables: { ...cfg.action.nftables, ports },
                ipset: cfg.action.ipset,
                fail2banClient: cfg.action.fail2banClient,
              }));
        byKind.set(kind, action);
        this.#actions.push(action);
      }
      out.set(j.name, [action]);
    }
    return out;
  }

  #openStore(): void {
    const cfg = this.config;
    let path = cfg.state;
    // The default file only for a watcher that bans: a dry run or a replay is not remembered
    // (a later real run would otherwise restore bans nobody decided on).
    const bans = this.#actions.some((a) => !(a instanceof DryRunAction));
    if (path === undefined && !this.#once && bans) path = defaultStatePath(this.#env);
    if (path === undefined) return;
    try {
      this.#store = openWatchStore(path);
      this.statePath = path === ":memory:" ? undefined : path;
    } catch (e) {
      throw new InputError(`cannot open the watch state: ${errorOf(e).message}`, path);
    }
  }

  #buildAlerts(): void {
    const a = this.config.alerts;
    const channels: AlertChannel[] = [];
    try {
      for (const w of a.webhooks) channels.push(new WebhookChannel({ ...w, env: this.#env }));
      for (const e of a.emails) channels.push(new EmailChannel({ ...e, env: this.#env }));
    } catch (e) {
      throw this.#configError(undefined, `alerts: ${errorOf(e).message}`);
    }
    channels.push(...(this.#o.channels ?? []));
    if (channels.length === 0) return;
    const d = new AlertDispatcher({
      channels: channels.map((channel) => ({ channel, policy: a.policy })),
      clock: this.#clock,
      seen: this.#store,
      everyLogin: a.everyLogin,
      unbans: a.unbans,
      summaryIntervalMs: a.summaryIntervalMs,
      onError: (channel, alert, error) =>
        this.#emit({ type: "alert-error", channel, title: alert.title, error }),
    });
    d.attach(this.engine);
    d.start();
    this.#dispatcher = d;
  }

  #buildRoutes(): void {
    const files = new Map<string, FileGroup>();
    const journals = new Map<string, JournalGroup>();
    for (const j of this.#jails) {
      const c = j.cfg;
      if (c.spec.feedsFrom) continue;
      const fileFilter = j.fileFilter;
      if (fileFilter) {
        for (const lp of c.logpath) {
          const paths = expandLogPath(lp.path);
          if (paths.length === 0) {
            this.#warn(`[${j.name}] ${lp.path}: no file matches`);
            continue;
          }
          for (const p of paths) {
            let g = files.get(p);
            if (!g) {
              g = { path: p, routes: [], fromStart: false, backlog: false, lines: 0 };
              files.set(p, g);
            }
            if (g.routes.some((r) => r.jail === j)) continue;
            const route: Route = { jail: j, filter: fileFilter, fromStart: lp.fromStart };
            if (lp.ident) route.ident = lp.ident;
            g.routes.push(route);
            if (lp.fromStart) g.fromStart = true;
          }
        }
        if (c.syslog) {
          const route: Route = { jail: j, filter: fileFilter, fromStart: false };
          if (c.syslog.senders?.length) route.senders = new Set(c.syslog.senders);
          this.#syslogRoutes.push(route);
        }
      }
      if (c.journal && j.journalFilter) {
        const matches = c.journal.matches ?? journalMatchArgs(j.journalFilter);
        if (matches.length === 0) {
          this.#warn(`[${j.name}] no journalmatch: every journal entry goes through its filter`);
        }
        const key = JSON.stringify(matches);
        let g = journals.get(key);
        if (!g) {
          g = { matches, routes: [], lines: 0 };
          journals.set(key, g);
        }
        g.routes.push({ jail: j, filter: j.journalFilter, fromStart: true });
      }
    }
    this.#files = [...files.values()];
    this.#journals = [...journals.values()];
    if (!this.#once) {
      if (this.config.syslog.length > 0 && this.#syslogRoutes.length === 0) {
        this.#warn("syslog listeners configured, but no jail reads syslog (syslog: true)");
      }
      if (this.config.syslog.length === 0 && this.#syslogRoutes.length > 0) {
        const names = this.#syslogRoutes.map((r) => r.jail.name).join(", ");
        this.#warn(`jails ${names} read syslog, but no syslog listener is configured`);
      }
    }
  }

  // -- lines ----------------------------------------------------------------------------------

  #dispatch(routes: Route[], line: LogLine, backlog: boolean, live: boolean): void {
    this.#lines++;
    // Access events (logins, configuration changes, links going down, reboots) are not failures:
    // they are reported whatever jails read the line, once per line, and alerted when live.
    if (!backlog) {
      const event = this.#events.detect(line);
      if (event) {
        this.#emit({ type: "access", event });
        if (live && !this.#once) this.#dispatcher?.access(event);
      }
    }
    for (const r of routes) {
      if (backlog && !r.fromStart) continue;
      if (r.senders && (line.sender === undefined || !r.senders.has(line.sender))) continue;
      let l = line;
      if (r.ident) {
        l = { ...line, text: `${r.ident}: ${line.text}` };
        if (l.time === undefined && !this.#once) l.time = this.#clock.now();
      }
      this.#process(r.jail, r.filter, l, live && !backlog);
    }
  }

  #process(j: JailRuntime, filter: CompiledFilter, line: LogLine, live: boolean): void {
    j.counters.lines++;
    let results: ReturnType<CompiledFilter["process"]>;
    try {
      results = filter.process(line);
    } catch (e) {
      j.counters.errors++;
      j.errWarn.note(
        `[${j.name}] ${line.source}${line.lineNo ? `:${line.lineNo}` : ""}: filter failed on this line (skipped): ${errorOf(e).message}`,
      );
      return;
    }
    for (const r of results) {
      if (r.ignored) {
        j.counters.ignoredLines++;
        continue;
      }
      const m = r.match;
      if (!m) continue;
      j.counters.matches++;
      if (this.#replay) this.#advance(m.time ?? line.time);
      try {
        const res = this.engine.observe(j.name, m, { line, live: live && !this.#once });
        if (res.status === "no-key") j.counters.noKey++;
      } catch (e) {
        j.counters.errors++;
        j.errWarn.note(`[${j.name}] failure not counted: ${errorOf(e).message}`);
      }
    }
  }

  /** Replay: the clock follows the log; expired bans are lifted as its time passes. */
  #advance(t: number | undefined): void {
    const c = this.#replay;
    if (!c || t === undefined || !(t > c.t)) return;
    c.t = t;
    if (t - this.#lastTick >= 1000) {
      this.#lastTick = t;
      this.engine.tick(t);
    }
  }

  // -- inputs ---------------------------------------------------------------------------------

  async #readOnce(): Promise<void> {
    for (const g of this.#files) {
      if (this.#stopping) return;
      if (!isFile(g.path)) {
        this.#warn(`${g.path}: not found (or not a file); skipped`);
        continue;
      }
      try {
        for await (const batch of readLogLineBatches(g.path, { onWarning: this.#warn })) {
          for (const line of batch) {
            g.lines++;
            this.#dispatch(g.routes, line, false, false);
          }
          if (this.#stopping) break;
        }
      } catch (e) {
        this.#warn(`${g.path}: ${errorOf(e).message}`);
      }
    }
    for (const g of this.#journals) {
      if (this.#stopping) return;
      const reader = new JournalReader({
        onLine: (line) => {
          g.lines++;
          this.#dispatch(g.routes, line, false, false);
        },
        onWarning: this.#warn,
        matches: g.matches,
        follow: false,
        journalctl: this.#o.journalctl,
      });
      g.reader = reader;
      try {
        await reader.start();
        await reader.done;
      } catch (e) {
        this.#warn(`journal: ${errorOf(e).message}`);
      }
    }
    await this.engine.idle();
  }

  async #startInputs(): Promise<void> {
    for (const l of this.config.syslog) {
      const source = `${l.udp ? "udp" : ""}${l.udp && l.tcp ? "+" : ""}${l.tcp ? "tcp" : ""}://${l.host.includes(":") ? `[${l.host}]` : l.host}:${l.port}`;
      const server = new SyslogServer({
        onLine: (line) => this.#dispatch(this.#syslogRoutes, line, false, true),
        onWarning: this.#warn,
        host: l.host,
        port: l.port,
        udp: l.udp,
        tcp: l.tcp,
        timezone: l.timezone ?? this.config.timezone,
        allowedSenders: l.allowedSenders,
      });
      try {
        await server.start();
      } catch (e) {
        throw new Error(`syslog listener ${source}: ${errorOf(e).message}`);
      }
      this.#syslog.push({ server, source });
      this.listeners.push({ udp: server.udpAddress, tcp: server.tcpAddress });
    }
    const since = this.#clock.now() - this.#maxFindtimeMs();
    for (const g of this.#journals) {
      const reader = new JournalReader({
        onLine: (line) => {
          g.lines++;
          // entries carry their exact time: counted by it (those older than findtime left out)
          this.#dispatch(g.routes, line, false, false);
        },
        onWarning: this.#warn,
        matches: g.matches,
        since,
        journalctl: this.#o.journalctl,
      });
      g.reader = reader;
      try {
        await reader.start();
      } catch (e) {
        this.#warn(`journal: ${errorOf(e).message}; jails ${g.routes.map((r) => r.jail.name)}`);
      }
    }
    for (const g of this.#files) {
      if (this.#stopping) return;
      const follower = new FileFollower(g.path, {
        onLine: (line) => {
          g.lines++;
          this.#dispatch(g.routes, line, g.backlog, true);
        },
        onWarning: this.#warn,
        fromStart: g.fromStart,
        pollIntervalMs: this.#o.pollIntervalMs,
      });
      g.follower = follower;
      g.backlog = g.fromStart;
      try {
        await follower.start();
        if (g.fromStart) await follower.poll();
      } catch (e) {
        this.#warn(`${g.path}: ${errorOf(e).message}`);
      } finally {
        g.backlog = false;
      }
    }
  }

  #maxFindtimeMs(): number {
    let max = 600;
    for (const j of this.#jails) max = Math.max(max, j.cfg.spec.findtime ?? 600);
    return max * 1000;
  }

  // -- control --------------------------------------------------------------------------------

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const inputs: (Promise<unknown> | undefined)[] = [
      ...this.#files.map((g) => g.follower?.stop()),
      ...this.#journals.map((g) => g.reader?.stop()),
      ...this.#syslog.map((s) => s.server.stop()),
    ];
    await Promise.allSettled(inputs);
    if (this.#engineReady) {
      await this.#reading;
      this.engine.stop();
      await this.engine.close();
    } else {
      await Promise.allSettled(this.#actions.map((a) => a.close?.()));
    }
    if (this.#dispatcher) {
      await this.#dispatcher.close().catch((e) => this.#warn(`alerts: ${errorOf(e).message}`));
    }
    try {
      this.#store?.close();
    } catch (e) {
      this.#warn(`state: ${errorOf(e).message}`);
    }
    this.#resolveDone();
  }

  stats(): WatcherStats {
    const engineStats = new Map(
      this.#engineReady ? this.engine.stats().map((s) => [s.jail, s]) : [],
    );
    const jails = this.#jails.map((j) => {
      const s = engineStats.get(j.name) ?? {
        jail: j.name,
        tracked: 0,
        banned: 0,
        failures: 0,
        bans: 0,
        ignored: 0,
        stale: 0,
      };
      return { ...s, ...j.counters };
    });
    const names = (routes: Route[]) => routes.map((r) => r.jail.name);
    const inputs: WatcherInputStats[] = [
      ...this.#files.map((g) => ({
        kind: "file" as const,
        source: g.path,
        jails: names(g.routes),
        lines: g.lines,
      })),
      ...this.#journals.map((g) => ({
        kind: "journal" as const,
        source: `journal${g.matches.length ? ` ${g.matches.join(" ")}` : ""}`,
        jails: names(g.routes),
        lines: g.lines,
      })),
      ...this.#syslog.map((s) => ({
        kind: "syslog" as const,
        source: s.source,
        jails: names(this.#syslogRoutes),
        lines: s.server.stats.parsed,
      })),
    ];
    return {
      once: this.#once,
      startedAt: this.#startedAt,
      lines: this.#lines,
      jails,
      inputs,
      actionErrors: this.#actionErrors,
      warnings: this.#warnings,
      alerts: this.#dispatcher?.stats() ?? [],
      banned: this.#engineReady
        ? this.engine.activeBans().map((b) => ({ jail: b.jail, address: b.key, until: b.until }))
        : [],
    };
  }
}
