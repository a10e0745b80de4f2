/**
 * Last line of defence for "secrets never appear in output": anything that still looks like a
 * crypt hash or a private key in a report string is masked before it is written.
 */
const CRYPT_HASH_RE = /\$(?:1|2[abxy]?|5|6|y|apr1|p)\$[./A-Za-z0-9$]{8,}/g;
const PEM_RE = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g;

export function redact(text: string): string {
  return text.replace(PEM_RE, "<private key not shown>").replace(CRYPT_HASH_RE, "<hash not shown>");
}

/** Deeply redacts every string of a JSON-able value. */
export function redactDeep<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_k, v) => (typeof v === "string" ? redact(v) : v)) as T;
}
