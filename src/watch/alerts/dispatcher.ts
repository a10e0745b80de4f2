/**
 * The alert dispatcher: every alert goes to every channel through that channel's rate limit
 * (token bucket + dedupe window), one delivery at a time per channel with a bounded queue; what
 * is held back becomes one summary per interval. Delivery failures are reported to `onError`,
 * never thrown into the event loop.
 *
 * Jail events (bans, failing actions) come in through {@link AlertDispatcher.attach}; access
 * events through {@link AlertDispatcher.access} (login from an address not seen before, with the
 * seen-set in the store; configuration change; link down; SIM switch; reboot).
 */

import type { Clock } from "../jails/actions/types.js";
import { systemClock } from "../jails/actions/types.js";
import type { JailEngine } from "../jails/engine.js";
import { MemorySeenSet, type SeenSet } from "../state/seen.js";
import type { AccessEvent } from "../types.js";
import { alertForAccess, alertForJailEvent } from "./format.js";
import { DedupeWindow, HeldBack, TokenBucket } from "./limiter.js";
import type { Alert, AlertChannel, AlertSeverity } from "./types.js";

export interface ChannelPolicy {
  /** Alerts sent at once before the limit bites (default 5). */
  burst?: number;
  /** Alerts per hour after the burst (default 6: one every 10 minutes). */
  perHour?: number;
  /** The same alert key is sent once per window (default 10 minutes). */
  dedupeMs?: number;
  /** Alerts waiting for delivery at most (default 50); more are held back. */
  queue?: number;
  /** Alerts below this severity are not sent on this channel (default "info": all). */
  minSeverity?: AlertSeverity;
}

export interface DispatcherOptions {
  channels: { channel: AlertChannel; policy?: ChannelPolicy }[];
  clock?: Clock;
  /** A summary of what was held back at most this often (default 10 minutes). */
  summaryIntervalMs?: number;
  /** Where logins already seen are kept (the SQLite store); in memory by default. */
  seen?: SeenSet;
  /** Alert on every login, not only from addresses not seen before (default false). */
  everyLogin?: boolean;
  /** Alert on unbans too (default false). */
  unbans?: boolean;
  /** A delivery failed (after the channel's retries). */
  onError?: (channel: string, alert: Alert, error: Error) => void;
  /** Keep the process alive for the summary timer (default false). */
  keepAlive?: boolean;
}

const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };

interface ChannelState {
  channel: AlertChannel;
  bucket: TokenBucket;
  dedupe: DedupeWindow;
  queueMax: number;
  minRank: number;
  queue: Alert[];
  sending: Promise<void> | undefined;
  held: HeldBack | undefined;
  lastSummary: number;
  stats: { sent: number; failed: number; heldBack: number; summaries: number };
}

export interface ChannelStats {
  channel: string;
  sent: number;
  failed: number;
  heldBack: number;
  summaries: number;
}

export class AlertDispatcher {
  readonly #clock: Clock;
  readonly #channels: ChannelState[];
  readonly #summaryMs: number;
  readonly #seen: SeenSet;
  readonly #everyLogin: boolean;
  readonly #unbans: boolean;
  readonly #onError?: (channel: string, alert: Alert, error: Error) => void;
  readonly #keepAlive: boolean;
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: DispatcherOptions) {
    this.#clock = opts.clock ?? systemClock;
    const now = this.#clock.now();
    this.#summaryMs = opts.summaryIntervalMs ?? 600_000;
    this.#seen = opts.seen ?? new MemorySeenSet();
    this.#everyLogin = opts.everyLogin ?? false;
    this.#unbans = opts.unbans ?? false;
    this.#onError = opts.onError;
    this.#keepAlive = opts.keepAlive ?? false;
    this.#channels = opts.channels.map(({ channel, policy = {} }) => ({
      channel,
      bucket: new TokenBucket(policy.burst ?? 5, policy.perHour ?? 6, now),
      dedupe: new DedupeWindow(policy.dedupeMs ?? 600_000),
      queueMax: policy.queue ?? 50,
      minRank: SEVERITY_RANK[policy.minSeverity ?? "info"],
      queue: [],
      sending: undefined,
      held: undefined,
      lastSummary: Number.NEGATIVE_INFINITY,
      stats: { sent: 0, failed: 0, heldBack: 0, summaries: 0 },
    }));
  }

  /** Offer an alert to every channel. */
  notify(alert: Alert): void {
    const now = this.#clock.now();
    for (const c of this.#channels) {
      if (SEVERITY_RANK[alert.severity] < c.minRank) continue;
      if (
        c.dedupe.isDuplicate(alert.key, now) ||
        c.queue.length >= c.queueMax ||
        !c.bucket.take(now)
      ) {
        this.#holdBack(c, alert, now);
        continue;
      }
      c.dedupe.mark(alert.key, now);
      this.#enqueue(c, alert);
    }
  }

  #holdBack(c: ChannelState, alert: Alert, now: number): void {
    c.held ??= new HeldBack(now);
    c.held.add(alert);
    c.stats.heldBack++;
  }

  #enqueue(c: ChannelState, alert: Alert): void {
    c.queue.push(alert);
    if (!c.sending) c.sending = this.#drain(c);
  }

  async #drain(c: ChannelState): Promise<void> {
    for (let a = c.queue.shift(); a; a = c.queue.shift()) {
      try {
        await c.channel.send(a);
        c.stats.sent++;
      } catch (e) {
        c.stats.failed++;
        const err = e instanceof Error ? e : new Error(String(e));
        try {
          this.#onError?.(c.channel.name, a, err);
        } catch {
          // the error handler's own failure is not ours to report
        }
      }
    }
    c.sending = undefined;
  }

  /**
   * Send the summaries that are due: at most one per channel per interval, once the first alert
   * held back is an interval old (or at once with `force`).
   */
  tick(opts: { force?: boolean } = {}): number {
    const now = this.#clock.now();
    let sent = 0;
    for (const c of this.#channels) {
      c.dedupe.prune(now);
      const held = c.held;
      if (!held || held.empty) continue;
      const due = now - held.since >= this.#summaryMs && now - c.lastSummary >= this.#summaryMs;
      if (!due && !opts.force) continue;
      c.held = undefined;
      c.lastSummary = now;
      c.stats.summaries++;
      this.#enqueue(c, held.toAlert(now));
      sent++;
    }
    return sent;
  }

  /**
   * Turn jail events (bans, action failures, unbans if asked) into alerts. Bans restored from the
   * store at start were told when they were made and are not told again.
   */
  attach(engine: JailEngine): () => void {
    return engine.on((e) => {
      if (e.type === "ban" && e.ban.restored) return;
      const alert = alertForJailEvent(e, { unbans: this.#unbans, now: this.#clock.now() });
      if (alert) this.notify(alert);
    });
  }

  /**
   * An access event: a login alerts when its address (per device and user) was never seen
   * before, and the seen-set remembers it; the other kinds always alert (through the limits).
   * Returns the alert offered, if any.
   */
  access(event: AccessEvent): Alert | undefined {
    let note: string | undefined;
    if (event.kind === "login-success") {
      const subject = `login\u0000${event.line.sender ?? ""}\u0000${event.user ?? ""}\u0000${event.host ?? "local"}`;
      const { first, record } = this.#seen.markSeen(subject, event.time);
      if (!first && !this.#everyLogin) return undefined;
      note = first
        ? `First login ${event.user ? `of ${event.user} ` : ""}from ${event.host ?? "this console"}${event.line.sender ? ` on ${event.line.sender}` : ""}: never seen before.`
        : `Seen ${record.count} times since ${new Date(record.firstSeen).toISOString()}.`;
    }
    const alert = alertForAccess(event, note);
    this.notify(alert);
    return alert;
  }

  /** Start the summary timer (every minute or the interval, whichever is shorter). */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.tick(), Math.min(60_000, this.#summaryMs));
    if (!this.#keepAlive) this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Wait for every queued delivery. */
  async flush(): Promise<void> {
    for (;;) {
      const pending = this.#channels.flatMap((c) => (c.sending ? [c.sending] : []));
      if (pending.length === 0) return;
      await Promise.all(pending);
    }
  }

  /** Stop, send what is held back as summaries, wait, close the channels. */
  async close(): Promise<void> {
    this.stop();
    this.tick({ force: true });
    await this.flush();
    for (const c of this.#channels) await c.channel.close?.();
  }

  stats(): ChannelStats[] {
    return this.#channels.map((c) => ({ channel: c.channel.name, ...c.stats }));
  }
}
