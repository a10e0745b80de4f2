/**
 * Bounded concurrency and rate for everything a scan sends: at most `concurrency` probes at a
 * time, and new probes started no faster than `ratePerSecond`. The defaults are gentle enough
 * for a cellular link: there the concurrency binds first (32 probes in flight over a 100 ms
 * round trip start at most ~320 a second), so the rate only caps fast networks, where 1000 new
 * connections a second is light (nmap's defaults send far more). Progress is reported as probes
 * finish.
 */

export interface LimiterOptions {
  /** Probes in flight at once (default 32). */
  concurrency?: number;
  /** New probes (connections) started per second (default 1000). */
  ratePerSecond?: number;
  /** Called when a probe finishes: how many are done of how many were queued so far. */
  onProgress?: (done: number, total: number) => void;
}

export const DEFAULT_CONCURRENCY = 32;
export const DEFAULT_RATE = 1000;

export class Limiter {
  readonly concurrency: number;
  readonly ratePerSecond: number;
  private readonly onProgress?: (done: number, total: number) => void;
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private nextStart = 0;
  private total = 0;
  private done = 0;
  /** Most probes seen in flight at once (tests check the bound). */
  peak = 0;

  constructor(opts: LimiterOptions = {}) {
    this.concurrency = Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_CONCURRENCY));
    this.ratePerSecond = Math.max(0.1, opts.ratePerSecond ?? DEFAULT_RATE);
    this.onProgress = opts.onProgress;
  }

  /** Runs `task` when a slot is free and the rate allows; its result (or error) is passed on. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    this.total++;
    if (this.active >= this.concurrency)
      await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.active++;
    // Reserve a start time spaced 1/rate after the previous one.
    const now = Date.now();
    const start = Math.max(now, this.nextStart);
    this.nextStart = start + 1000 / this.ratePerSecond;
    if (start > now) await sleep(start - now);
    this.peak = Math.max(this.peak, this.active);
    try {
      return await task();
    } finally {
      this.done++;
      this.onProgress?.(this.done, this.total);
      const next = this.queue.shift();
      // The slot passes straight to the next waiter; `active` stays the same.
      if (next) next();
      else this.active--;
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A text progress bar for a terminal: `[#####-----] 12/40`. */
export function progressBar(done: number, total: number, width = 30): string {
  const frac = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(frac * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}`;
}
