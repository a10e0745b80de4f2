/**
 * Alerts for `bulwark watch`: bans and access events to webhooks and email, through a rate limit
 * that turns an attack into a summary instead of a mail flood.
 */
export {
  AlertDispatcher,
  type ChannelPolicy,
  type ChannelStats,
  type DispatcherOptions,
} from "./dispatcher.js";
export { EmailChannel, type EmailOptions } from "./email.js";
export { alertForAccess, alertForBan, alertForJailEvent, formatDuration } from "./format.js";
export { DedupeWindow, HeldBack, TokenBucket } from "./limiter.js";
export type { Alert, AlertChannel, AlertKind, AlertSeverity } from "./types.js";
export { WebhookChannel, WebhookError, type WebhookOptions, webhookBody } from "./webhook.js";
