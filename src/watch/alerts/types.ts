/**
 * Alerts: what the watcher tells a person (a ban, an access event, a failing action, a summary of
 * what the rate limit held back), and the channels that carry them (webhook, email).
 *
 * An alert carries no secret: no log line (a failed login's line may hold a mistyped password, a
 * configuration change's line a key), no channel credential.
 */
export type AlertKind = "ban" | "unban" | "access" | "action-error" | "summary";
export type AlertSeverity = "info" | "warning" | "critical";

export interface Alert {
  kind: AlertKind;
  severity: AlertSeverity;
  /** Identity for the dedupe window: the same key within it is folded into the next summary. */
  key: string;
  /** One line: a mail subject, a chat message's first line. */
  title: string;
  /** A few lines for a person. */
  text: string;
  /** Epoch ms. */
  time: number;
  /** Details for machines (webhook JSON). */
  data: Record<string, unknown>;
}

export interface AlertChannel {
  /** For messages and the dispatcher's bookkeeping ("webhook", "email"...). */
  readonly name: string;
  /** Deliver one alert; rejects when it could not (after the channel's own retries). */
  send(alert: Alert): Promise<void>;
  close?(): Promise<void>;
}
