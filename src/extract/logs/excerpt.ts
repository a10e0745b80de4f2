/**
 * A log line as evidence: printable, bounded, and without what could give a password away.
 *
 * Log lines rarely hold a password, but some hold its derivatives or a client's words:
 * - Asterisk's security log writes the digest challenge and the client's response
 *   (`Challenge="…",ReceivedChallenge="…",ReceivedHash="…"`), and chan_iax2 both MD5 responses
 *   (`failed MD5 authentication for 'x' (e7df… != 53ac…)`): enough to test guesses offline.
 * - An HTTP access log keeps query strings (`/login?user=admin&password=…`).
 * - Any `key=value` whose key names a secret (password, secret, token, psk…).
 * Those values are replaced by `<not shown>`, and so is any run of 32 or more hex digits (a digest).
 */
import { isSecretOption } from "../context.js";

/** Long enough for an Asterisk security event up to its remote address. */
const MAX_EXCERPT = 400;
const HIDDEN = "<not shown>";

/** Asterisk security event fields that carry challenge/response material. */
const ASTERISK_SECRET_FIELDS =
  /\b(Challenge|ReceivedChallenge|ReceivedHash|ExpectedResponse|ReceivedResponse|Response|Nonce|Password|Secret)="[^"]*"/g;
const HEX_DIGEST = /\b[0-9a-fA-F]{32,}\b/g;
/** `name=value` in a query string, a key=value log or a URL; the value ends at & ; space , " '. */
const KEY_VALUE = /([A-Za-z][\w.-]{0,40})=("[^"]*"|'[^']*'|[^&;\s,"']*)/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

export function logExcerpt(text: string): string {
  let t = text.length > 4 * MAX_EXCERPT ? text.slice(0, 4 * MAX_EXCERPT) : text;
  t = t
    .replace(CONTROL, "?")
    .replace(ASTERISK_SECRET_FIELDS, (_m, k: string) => `${k}="${HIDDEN}"`)
    .replace(KEY_VALUE, (m, k: string) =>
      isSecretOption(k) || /pass|pwd|secret/i.test(k) ? `${k}=${HIDDEN}` : m,
    )
    .replace(HEX_DIGEST, HIDDEN);
  return t.length > MAX_EXCERPT ? `${t.slice(0, MAX_EXCERPT - 1)}…` : t;
}
