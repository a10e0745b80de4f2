/**
 * RFC 3261 message syntax: builder, datagram parser and stream framer.
 *
 * The parser never throws: it returns either a message or a located error
 * (byte offset, line number, reason), so hostile peers produce a clean
 * "not SIP" instead of an exception.
 */
import { randomBytes } from "node:crypto";
import { VERSION } from "../../data-files.js";

/** Neutral, operator-identifiable client identity (never "friendly-scanner"). */
export const SIP_USER_AGENT = `bulwark-scan/${VERSION}`;

/** RFC 3261 §8.1.1.7: branch IDs start with this magic cookie. */
export const BRANCH_COOKIE = "z9hG4bK";

/** Upper bound on a single message (header section + body). */
export const MAX_MESSAGE_BYTES = 65_536;

export interface SipHeader {
  /** Canonical (long-form) name, e.g. "Via" for "v". */
  name: string;
  value: string;
}

interface SipBase {
  version: string;
  headers: SipHeader[];
  body: string;
}

export interface SipRequest extends SipBase {
  kind: "request";
  method: string;
  uri: string;
}

export interface SipResponse extends SipBase {
  kind: "response";
  status: number;
  reason: string;
  /** The raw status line, e.g. "SIP/2.0 401 Unauthorized". */
  statusLine: string;
}

export type SipMessage = SipRequest | SipResponse;

export interface SipParseError {
  /** Byte offset (into the parsed buffer) where the problem was found. */
  offset: number;
  /** 1-based line number. */
  line: number;
  reason: string;
}

export type SipParseResult =
  | { ok: true; message: SipMessage }
  | { ok: false; error: SipParseError };

/** RFC 3261 §7.3.3 compact forms (plus common RFC 3515/3265/4028 ones). */
const COMPACT: Record<string, string> = {
  i: "Call-ID",
  m: "Contact",
  e: "Content-Encoding",
  l: "Content-Length",
  c: "Content-Type",
  f: "From",
  s: "Subject",
  k: "Supported",
  t: "To",
  v: "Via",
  o: "Event",
  r: "Refer-To",
  u: "Allow-Events",
  x: "Session-Expires",
};

/** Well-known spellings so that canonical names look like the RFC's. */
const CANONICAL: Record<string, string> = Object.fromEntries(
  [
    "Via",
    "From",
    "To",
    "Call-ID",
    "CSeq",
    "Contact",
    "Max-Forwards",
    "Content-Length",
    "Content-Type",
    "Content-Encoding",
    "User-Agent",
    "Server",
    "Allow",
    "Supported",
    "Require",
    "Subject",
    "Event",
    "Refer-To",
    "Allow-Events",
    "Session-Expires",
    "WWW-Authenticate",
    "Proxy-Authenticate",
    "Authorization",
    "Proxy-Authorization",
    "Expires",
    "Accept",
    "Record-Route",
    "Route",
    "Warning",
    "Reason",
    "Retry-After",
  ].map((n) => [n.toLowerCase(), n]),
);

/** Headers whose values are comma-separated lists (RFC 3261 §7.3.1). */
const LIST_HEADERS = new Set([
  "via",
  "contact",
  "allow",
  "supported",
  "require",
  "proxy-require",
  "unsupported",
  "route",
  "record-route",
  "accept",
  "accept-encoding",
  "accept-language",
  "allow-events",
  "content-encoding",
  "in-reply-to",
]);

export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  const long = COMPACT[lower];
  if (long) return long;
  return CANONICAL[lower] ?? name;
}

/** First value of a header, case-insensitive, compact forms understood. */
export function getHeader(msg: SipMessage, name: string): string | undefined {
  const want = canonicalHeaderName(name).toLowerCase();
  return msg.headers.find((h) => h.name.toLowerCase() === want)?.value;
}

/**
 * All values of a header: repeated header lines, and comma-separated values
 * split for list headers (commas inside quotes or <...> are kept).
 */
export function getHeaders(msg: SipMessage, name: string): string[] {
  const want = canonicalHeaderName(name).toLowerCase();
  const raw = msg.headers.filter((h) => h.name.toLowerCase() === want).map((h) => h.value);
  if (!LIST_HEADERS.has(want)) return raw;
  return raw.flatMap(splitList);
}

export function splitList(value: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    if (quoted) {
      cur += ch;
      if (ch === "\\" && i + 1 < value.length) cur += value[++i];
      else if (ch === '"') quoted = false;
    } else if (ch === '"') {
      quoted = true;
      cur += ch;
    } else if (ch === "<") {
      angle = true;
      cur += ch;
    } else if (ch === ">") {
      angle = false;
      cur += ch;
    } else if (ch === "," && !angle) {
      if (cur.trim()) out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** `;name=value` parameters of a header value (after the first `;` outside <>/quotes). */
export function headerParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  let depth = 0;
  let quoted = false;
  let start = -1;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quoted) {
      if (ch === "\\") i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === "<") depth++;
    else if (ch === ">") depth = Math.max(0, depth - 1);
    else if (ch === ";" && depth === 0) {
      start = i;
      break;
    }
  }
  if (start < 0) return params;
  for (const part of value.slice(start + 1).split(";")) {
    const eq = part.indexOf("=");
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!key) continue;
    params.set(key, eq < 0 ? "" : part.slice(eq + 1).trim());
  }
  return params;
}

export interface ViaInfo {
  protocol: string;
  transport: string;
  sentBy: string;
  branch?: string;
}

export function parseVia(value: string): ViaInfo | undefined {
  const m = /^\s*SIP\s*\/\s*([\d.]+)\s*\/\s*([A-Za-z]+)\s+([^;\s]+)/i.exec(value);
  if (!m) return undefined;
  const branch = headerParams(value).get("branch");
  return {
    protocol: `SIP/${m[1]}`,
    transport: (m[2] as string).toUpperCase(),
    sentBy: m[3] as string,
    ...(branch ? { branch } : {}),
  };
}

export function parseCSeq(value: string | undefined): { seq: number; method: string } | undefined {
  if (!value) return undefined;
  const m = /^\s*(\d{1,10})\s+([A-Za-z!%*_+`'~.-]+)\s*$/.exec(value);
  if (!m) return undefined;
  return { seq: Number(m[1]), method: (m[2] as string).toUpperCase() };
}

/** The `tag` parameter of a From/To value. */
export function tagOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return headerParams(value).get("tag") || undefined;
}

/** Top Via branch of a message. */
export function topBranch(msg: SipMessage): string | undefined {
  const via = getHeaders(msg, "Via")[0];
  return via ? parseVia(via)?.branch : undefined;
}

// ---------------------------------------------------------------------------
// Identifiers

function token(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

/** A fresh RFC 3261 branch (random per transaction). */
export function newBranch(): string {
  return `${BRANCH_COOKIE}${token(10)}`;
}

export function newTag(): string {
  return token(6);
}

export function newCallId(host?: string): string {
  return host ? `${token(12)}@${host}` : token(16);
}

// ---------------------------------------------------------------------------
// Builder

/** Format a host for a URI / Via sent-by (IPv6 literals get brackets). */
export function hostForUri(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

export function serialize(msg: SipMessage): string {
  const start =
    msg.kind === "request"
      ? `${msg.method} ${msg.uri} ${msg.version}`
      : `${msg.version} ${msg.status} ${msg.reason}`;
  const body = msg.body ?? "";
  const lines = [start];
  for (const h of msg.headers) {
    if (h.name.toLowerCase() === "content-length") continue;
    if (/[\r\n]/.test(h.name) || /[\r\n]/.test(h.value)) {
      throw new Error(`header ${h.name} contains a line break`);
    }
    lines.push(`${h.name}: ${h.value}`);
  }
  lines.push(`Content-Length: ${Buffer.byteLength(body, "utf8")}`);
  return `${lines.join("\r\n")}\r\n\r\n${body}`;
}

export interface RequestSpec {
  method: string;
  uri: string;
  /** Via transport token: UDP, TCP or TLS. */
  transport: string;
  /** Local sent-by host and port. */
  localHost: string;
  localPort: number;
  branch?: string;
  from: string;
  fromTag: string;
  to: string;
  toTag?: string;
  callId: string;
  cseq: number;
  /** CSeq method (defaults to method; differs for nothing in RFC 3261, kept for clarity). */
  cseqMethod?: string;
  contact?: string;
  maxForwards?: number;
  userAgent?: string;
  headers?: SipHeader[];
  body?: string;
  contentType?: string;
}

export function buildRequest(spec: RequestSpec): SipRequest {
  const branch = spec.branch ?? newBranch();
  const headers: SipHeader[] = [
    {
      name: "Via",
      value: `SIP/2.0/${spec.transport.toUpperCase()} ${hostForUri(spec.localHost)}:${spec.localPort};branch=${branch};rport`,
    },
    { name: "Max-Forwards", value: String(spec.maxForwards ?? 70) },
    { name: "From", value: `${spec.from};tag=${spec.fromTag}` },
    { name: "To", value: spec.toTag ? `${spec.to};tag=${spec.toTag}` : spec.to },
    { name: "Call-ID", value: spec.callId },
    { name: "CSeq", value: `${spec.cseq} ${spec.cseqMethod ?? spec.method}` },
  ];
  if (spec.contact) headers.push({ name: "Contact", value: spec.contact });
  headers.push({ name: "User-Agent", value: spec.userAgent ?? SIP_USER_AGENT });
  if (spec.headers) headers.push(...spec.headers);
  if (spec.body && spec.contentType)
    headers.push({ name: "Content-Type", value: spec.contentType });
  return {
    kind: "request",
    method: spec.method,
    uri: spec.uri,
    version: "SIP/2.0",
    headers,
    body: spec.body ?? "",
  };
}

// ---------------------------------------------------------------------------
// Parser

const METHOD_RE = /^[A-Za-z!%*_+`'~.-]+$/;

function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function fail(text: string, offset: number, reason: string): SipParseResult {
  return { ok: false, error: { offset, line: lineAt(text, offset), reason } };
}

/** Locate the end of the header section: index of the blank line's first byte and the body start. */
function headerEnd(buf: Buffer): { end: number; bodyStart: number } | undefined {
  const crlf = buf.indexOf("\r\n\r\n");
  const lf = buf.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { end: crlf, bodyStart: crlf + 4 };
  if (lf >= 0) return { end: lf, bodyStart: lf + 2 };
  return undefined;
}

/** Parse the header section (start line + headers), without the body. */
function parseHead(head: string): SipParseResult {
  if (head.length === 0) return fail(head, 0, "empty message");
  // Control characters other than CR/LF/HT are not SIP.
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) {
      return fail(head, i, `control character 0x${c.toString(16).padStart(2, "0")}`);
    }
  }
  const rawLines = head.split(/\r?\n/);
  const first = rawLines[0] ?? "";
  let message: SipMessage;
  const status = /^SIP\/(\d+\.\d+) ([1-6]\d\d)(?: (.*))?$/.exec(first);
  if (status) {
    message = {
      kind: "response",
      version: `SIP/${status[1]}`,
      status: Number(status[2]),
      reason: status[3] ?? "",
      statusLine: first,
      headers: [],
      body: "",
    };
  } else {
    const parts = first.split(" ");
    if (parts.length !== 3 || !/^SIP\/\d+\.\d+$/.test(parts[2] as string)) {
      return fail(head, 0, "not a SIP request or status line");
    }
    const [method, uri, version] = parts as [string, string, string];
    if (!METHOD_RE.test(method)) return fail(head, 0, "bad method token");
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(uri)) {
      return fail(head, method.length + 1, "bad Request-URI");
    }
    message = { kind: "request", method, uri, version, headers: [], body: "" };
  }
  // Headers, with line folding (RFC 3261 §7.3.1).
  let offset = first.length;
  for (let i = 1; i < rawLines.length; i++) {
    const line = rawLines[i] as string;
    const lineOffset = head.indexOf(line, offset);
    offset = lineOffset >= 0 ? lineOffset + line.length : offset;
    if (line.length === 0) continue;
    if (line[0] === " " || line[0] === "\t") {
      const last = message.headers[message.headers.length - 1];
      if (!last) return fail(head, lineOffset, "continuation line without a header");
      last.value = `${last.value} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) return fail(head, lineOffset, "header line without a colon");
    const name = line.slice(0, colon).trim();
    if (!/^[A-Za-z0-9!%*_+`'~.-]+$/.test(name)) return fail(head, lineOffset, "bad header name");
    message.headers.push({ name: canonicalHeaderName(name), value: line.slice(colon + 1).trim() });
  }
  return { ok: true, message };
}

function contentLengthOf(msg: SipMessage): number | "bad" | undefined {
  const v = getHeader(msg, "Content-Length");
  if (v === undefined) return undefined;
  if (!/^\s*\d{1,9}\s*$/.test(v)) return "bad";
  return Number(v);
}

/**
 * Parse one message from a datagram (RFC 3261 §18.3: Content-Length, when
 * present, bounds the body; a missing one means "the rest of the datagram").
 */
export function parseMessage(input: Buffer | string): SipParseResult {
  const buf = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  if (buf.length > MAX_MESSAGE_BYTES) {
    return {
      ok: false,
      error: { offset: MAX_MESSAGE_BYTES, line: 0, reason: "message too large" },
    };
  }
  // Leading CRLFs (keep-alives) are skipped (RFC 3261 §7.5).
  let start = 0;
  while (start < buf.length && (buf[start] === 13 || buf[start] === 10)) start++;
  const data = buf.subarray(start);
  const he = headerEnd(data);
  const headText = data.subarray(0, he ? he.end : data.length).toString("latin1");
  const head = parseHead(headText);
  if (!head.ok) return { ok: false, error: { ...head.error, offset: head.error.offset + start } };
  const msg = head.message;
  const bodyBuf = he ? data.subarray(he.bodyStart) : Buffer.alloc(0);
  const cl = contentLengthOf(msg);
  if (cl === "bad") return fail(headText, 0, "bad Content-Length");
  if (cl !== undefined && cl > bodyBuf.length) {
    return {
      ok: false,
      error: { offset: buf.length, line: 0, reason: "body shorter than Content-Length" },
    };
  }
  msg.body = bodyBuf.subarray(0, cl ?? bodyBuf.length).toString("utf8");
  return { ok: true, message: msg };
}

/**
 * Frames SIP messages on a byte stream (TCP/TLS) by Content-Length
 * (RFC 3261 §18.3). After an error the framer stays failed: a stream that
 * is out of sync cannot be resynchronised reliably.
 */
export class SipStreamFramer {
  private buf: Buffer = Buffer.alloc(0);
  private consumed = 0;
  error: SipParseError | undefined;

  /** Feed bytes; returns the complete messages now available. */
  push(chunk: Buffer): SipMessage[] {
    const out: SipMessage[] = [];
    if (this.error) return out;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      let start = 0;
      while (start < this.buf.length && (this.buf[start] === 13 || this.buf[start] === 10)) start++;
      if (start) this.drop(start);
      if (this.buf.length === 0) break;
      const he = headerEnd(this.buf);
      if (!he) {
        if (this.buf.length > MAX_MESSAGE_BYTES) this.setError(this.buf.length, "header too large");
        else this.precheck();
        break;
      }
      const head = parseHead(this.buf.subarray(0, he.end).toString("latin1"));
      if (!head.ok) {
        this.setError(head.error.offset, head.error.reason, head.error.line);
        break;
      }
      const cl = contentLengthOf(head.message);
      if (cl === "bad") {
        this.setError(0, "bad Content-Length");
        break;
      }
      const len = cl ?? 0; // a stream message without Content-Length has no body
      if (he.bodyStart + len > MAX_MESSAGE_BYTES) {
        this.setError(0, "message too large");
        break;
      }
      if (this.buf.length < he.bodyStart + len) break;
      head.message.body = this.buf.subarray(he.bodyStart, he.bodyStart + len).toString("utf8");
      out.push(head.message);
      this.drop(he.bodyStart + len);
    }
    return out;
  }

  /** Bytes buffered but not yet framed (a partial message). */
  get pending(): number {
    return this.buf.length;
  }

  /** Reject obvious non-SIP early (before a blank line ever arrives). */
  private precheck(): void {
    const firstLineEnd = this.buf.indexOf("\n");
    const first = this.buf
      .subarray(0, firstLineEnd < 0 ? Math.min(this.buf.length, 32) : firstLineEnd)
      .toString("latin1")
      .replace(/\r$/, "");
    for (let i = 0; i < first.length; i++) {
      const c = first.charCodeAt(i);
      if ((c < 32 && c !== 9) || c === 127) {
        this.setError(i, `control character 0x${c.toString(16).padStart(2, "0")}`);
        return;
      }
    }
    if (firstLineEnd >= 0 && !/^SIP\/\d/.test(first) && !/ SIP\/\d+\.\d+$/.test(first)) {
      this.setError(0, "not a SIP request or status line");
    }
  }

  private drop(n: number): void {
    this.consumed += n;
    this.buf = this.buf.subarray(n);
  }

  private setError(offset: number, reason: string, line = 0): void {
    this.error = { offset: this.consumed + offset, line, reason };
  }
}
