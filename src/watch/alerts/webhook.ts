/**
 * Alerts by webhook: an HTTP POST of JSON, with a timeout per attempt and retries with
 * exponential backoff (and jitter) on network errors, timeouts, 408, 429 (honouring a short
 * Retry-After) and 5xx. Other answers are final. The URL is not put in error messages beyond its
 * origin (a chat webhook's path is its secret); header values may come from environment variables.
 */
import type { Alert, AlertChannel } from "./types.js";

export interface WebhookOptions {
  url: string;
  /** "json" (default): the alert as JSON; "slack": `{"text": ...}` (Slack, Mattermost, Rocket.Chat). */
  format?: "json" | "slack";
  headers?: Record<string, string>;
  /** Header → environment variable holding its value (e.g. Authorization → BULWARK_WEBHOOK_AUTH). */
  headersFromEnv?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  /** Per attempt (default 5000 ms). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** First backoff (default 1000 ms), doubled each retry, at most `maxBackoffMs` (30 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  name?: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export class WebhookError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly attempts = 1,
  ) {
    super(message);
    this.name = "WebhookError";
  }
}

const RETRY_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

export function webhookBody(alert: Alert, format: "json" | "slack" = "json"): string {
  if (format === "slack") {
    return JSON.stringify({ text: `*${alert.title}*\n${alert.text}` });
  }
  return JSON.stringify({
    source: "bulwark",
    kind: alert.kind,
    severity: alert.severity,
    key: alert.key,
    title: alert.title,
    text: alert.text,
    time: new Date(alert.time).toISOString(),
    data: alert.data,
  });
}

export class WebhookChannel implements AlertChannel {
  readonly name: string;
  readonly #url: URL;
  readonly #format: "json" | "slack";
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;

  constructor(opts: WebhookOptions) {
    this.#url = new URL(opts.url);
    if (this.#url.protocol !== "https:" && this.#url.protocol !== "http:") {
      throw new Error(`webhook URL must be http(s), not ${this.#url.protocol}`);
    }
    this.name = opts.name ?? `webhook ${this.#url.origin}`;
    this.#format = opts.format ?? "json";
    const env = opts.env ?? process.env;
    this.#headers = {
      "content-type": "application/json",
      "user-agent": "bulwark",
      ...opts.headers,
    };
    for (const [header, variable] of Object.entries(opts.headersFromEnv ?? {})) {
      const v = env[variable];
      if (v === undefined || v === "") {
        throw new Error(`webhook header ${header}: environment variable ${variable} is not set`);
      }
      this.#headers[header] = v;
    }
    this.#timeoutMs = opts.timeoutMs ?? 5000;
    this.#retries = opts.retries ?? 3;
    this.#backoffMs = opts.backoffMs ?? 1000;
    this.#maxBackoffMs = opts.maxBackoffMs ?? 30_000;
    this.#fetch = opts.fetch ?? fetch;
    this.#sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.#random = opts.random ?? Math.random;
  }

  async send(alert: Alert): Promise<void> {
    const body = webhookBody(alert, this.#format);
    let last: WebhookError | undefined;
    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      let wait = Math.min(this.#maxBackoffMs, this.#backoffMs * 2 ** attempt);
      wait = wait / 2 + (this.#random() * wait) / 2;
      try {
        const res = await this.#fetch(this.#url, {
          method: "POST",
          headers: this.#headers,
          body,
          signal: AbortSignal.timeout(this.#timeoutMs),
          redirect: "error",
        });
        // drain the body so the connection is reused
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return;
        last = new WebhookError(
          `${this.name}: HTTP ${res.status} ${res.statusText}`.trim(),
          res.status,
          attempt + 1,
        );
        if (!RETRY_STATUS.has(res.status)) throw last;
        const retryAfter = Number(res.headers.get("retry-after"));
        if (Number.isFinite(retryAfter) && retryAfter > 0) {
          wait = Math.min(this.#maxBackoffMs, retryAfter * 1000);
        }
      } catch (e) {
        if (e instanceof WebhookError && e === last && !RETRY_STATUS.has(e.status ?? 0)) throw e;
        if (!(e instanceof WebhookError)) {
          const err = e as Error & { cause?: { code?: string; message?: string } };
          const why =
            err.name === "TimeoutError" || err.name === "AbortError"
              ? `timed out after ${this.#timeoutMs} ms`
              : (err.cause?.code ?? err.cause?.message ?? err.message);
          last = new WebhookError(`${this.name}: ${why}`, undefined, attempt + 1);
        }
      }
      if (attempt < this.#retries) await this.#sleep(wait);
    }
    throw last ?? new WebhookError(`${this.name}: failed`);
  }
}
