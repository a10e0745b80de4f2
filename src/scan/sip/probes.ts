/**
 * SIP probes: OPTIONS, REGISTER and INVITE without credentials, and
 * extension enumeration (existing vs random extension). Results are plain
 * objects with raw status lines and times; mapping to facts happens elsewhere.
 *
 * Every INVITE that got any answer is cleaned up: CANCEL while provisional,
 * ACK for every final response, BYE after a 2xx. A scan never leaves a call
 * ringing or up.
 */
import { randomInt } from "node:crypto";
import {
  buildRequest,
  getHeader,
  getHeaders,
  hostForUri,
  newBranch,
  newCallId,
  newTag,
  type SipHeader,
  type SipRequest,
  type SipResponse,
  tagOf,
} from "./message.js";
import {
  type CertificateInfo,
  type GarbageStats,
  SipConnection,
  type SipTarget,
  type SipTimers,
  type TransactionResult,
} from "./transport.js";

export interface SipProbeOptions {
  timers?: Partial<SipTimers>;
  /** User part of our From (default "bulwark"). */
  fromUser?: string;
  /** User-Agent header (default {@link SIP_USER_AGENT}). */
  userAgent?: string;
}

/** What came back, independent of the SIP semantics. */
export type SipOutcome = "answered" | "no-answer" | "not-sip" | "unreachable" | "error";

export interface SipExchange {
  method: string;
  requestLine: string;
  /** Transmission times in ms (UDP retransmissions appear as extra entries). */
  sentAtMs: number[];
  provisional: { statusLine: string; status: number; atMs: number }[];
  statusLine?: string;
  status?: number;
  reason?: string;
  finalAtMs?: number;
  timedOut: boolean;
  error?: string;
}

export interface SipProbeBase {
  host: string;
  port: number;
  transport: SipTarget["transport"];
  outcome: SipOutcome;
  /** Wall-clock start (ISO) and duration of the whole probe. */
  startedAt: string;
  durationMs: number;
  exchanges: SipExchange[];
  certificate?: CertificateInfo;
  garbage?: GarbageStats;
  error?: string;
}

export interface SipOptionsResult extends SipProbeBase {
  status?: number;
  statusLine?: string;
  server?: string;
  userAgent?: string;
  allow: string[];
  supported: string[];
}

export type RegisterVerdict =
  | "auth-required"
  | "registered-without-auth"
  | "forbidden"
  | "not-found"
  | "other"
  | "none";

export interface AuthChallenge {
  header: "WWW-Authenticate" | "Proxy-Authenticate";
  scheme: string;
  realm?: string;
  algorithm?: string;
}

export interface SipRegisterResult extends SipProbeBase {
  user: string;
  verdict: RegisterVerdict;
  status?: number;
  statusLine?: string;
  challenge?: AuthChallenge;
  server?: string;
}

export type InviteVerdict =
  | "auth-required"
  /** 2xx: the call was answered without credentials. */
  | "call-accepted"
  /** 180/183 without credentials: the call was routed (and cancelled by us). */
  | "call-progressing"
  | "forbidden"
  | "not-found"
  | "other"
  | "none";

export interface SipInviteResult extends SipProbeBase {
  extension: string;
  verdict: InviteVerdict;
  status?: number;
  statusLine?: string;
  challenge?: AuthChallenge;
  server?: string;
  /** Clean-up requests we sent: CANCEL, ACK, BYE with their answers. */
  cleanup: { method: string; statusLine?: string; error?: string }[];
}

export interface SipEnumerationResult {
  host: string;
  port: number;
  transport: SipTarget["transport"];
  method: "REGISTER" | "INVITE";
  existing: SipRegisterResult | SipInviteResult;
  random: SipRegisterResult | SipInviteResult;
  /** Both got a SIP answer and the answers differ (status, reason or challenge presence). */
  enumerable: boolean;
  /** Why they were judged different (or "same"/"inconclusive"). */
  basis: string;
}

// ---------------------------------------------------------------------------

interface Dialog {
  conn: SipConnection;
  callId: string;
  fromTag: string;
  from: string;
  cseq: number;
  opts: SipProbeOptions;
}

function exchangeOf(t: TransactionResult): SipExchange {
  return {
    method: t.method,
    requestLine: t.requestLine,
    sentAtMs: t.sentAtMs,
    provisional: t.provisional,
    ...(t.final
      ? {
          statusLine: t.final.statusLine,
          status: t.final.status,
          reason: t.final.reason,
          finalAtMs: t.finalAtMs,
        }
      : {}),
    timedOut: t.timedOut,
    ...(t.error ? { error: t.error } : {}),
  };
}

function uriFor(conn: SipConnection, user?: string): string {
  const { host, port, transport } = conn.target;
  const u = user ? `${user}@` : "";
  const param = transport === "udp" ? "" : `;transport=${transport}`;
  return `sip:${u}${hostForUri(host)}:${port}${param}`;
}

function newDialog(conn: SipConnection, opts: SipProbeOptions, fromUser?: string): Dialog {
  const user = fromUser ?? opts.fromUser ?? "bulwark";
  return {
    conn,
    callId: newCallId(),
    fromTag: newTag(),
    from: `<sip:${user}@${hostForUri(conn.localHost)}>`,
    cseq: randomInt(1, 10_000),
    opts,
  };
}

function request(
  d: Dialog,
  method: string,
  uri: string,
  to: string,
  extra: { toTag?: string; branch?: string; cseq?: number; headers?: SipHeader[]; body?: string },
): SipRequest {
  const { conn } = d;
  const contactParam = conn.target.transport === "udp" ? "" : `;transport=${conn.target.transport}`;
  return buildRequest({
    method,
    uri,
    transport: conn.viaTransport,
    localHost: conn.localHost,
    localPort: conn.localPort,
    branch: extra.branch ?? newBranch(),
    from: d.from,
    fromTag: d.fromTag,
    to,
    ...(extra.toTag ? { toTag: extra.toTag } : {}),
    callId: d.callId,
    cseq: extra.cseq ?? d.cseq,
    contact: `<sip:${d.from.slice(5, d.from.indexOf("@"))}@${hostForUri(conn.localHost)}:${conn.localPort}${contactParam}>`,
    ...(d.opts.userAgent ? { userAgent: d.opts.userAgent } : {}),
    headers: extra.headers ?? [],
    ...(extra.body ? { body: extra.body, contentType: "application/sdp" } : {}),
  });
}

function challengeOf(r: SipResponse | undefined): AuthChallenge | undefined {
  if (!r) return undefined;
  for (const header of ["WWW-Authenticate", "Proxy-Authenticate"] as const) {
    const v = getHeader(r, header);
    if (!v) continue;
    const scheme = /^\s*(\S+)/.exec(v)?.[1] ?? "";
    const realm = /realm\s*=\s*"([^"]*)"/i.exec(v)?.[1];
    const algorithm = /algorithm\s*=\s*"?([\w-]+)/i.exec(v)?.[1];
    return {
      header,
      scheme,
      ...(realm !== undefined ? { realm } : {}),
      ...(algorithm ? { algorithm } : {}),
    };
  }
  return undefined;
}

const UNREACHABLE = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH"]);

function outcomeOf(conn: SipConnection | undefined, exchanges: SipExchange[]): SipOutcome {
  if (exchanges.some((e) => e.status !== undefined || e.provisional.length > 0)) return "answered";
  if (conn && (conn.garbage.datagrams > 0 || conn.garbage.bytes > 0 || conn.garbage.firstError)) {
    return "not-sip";
  }
  if (conn?.failure?.startsWith("not SIP")) return "not-sip";
  if (conn?.failure && UNREACHABLE.has(conn.failure)) return "unreachable";
  if (exchanges.some((e) => e.error && e.error !== "closed" && !e.timedOut)) {
    return conn?.failure === "closed by peer" ? "no-answer" : "error";
  }
  return "no-answer";
}

/** Opens a connection, runs `body`, always closes; fills the common fields. */
async function withConnection<T extends SipProbeBase>(
  target: SipTarget,
  opts: SipProbeOptions,
  init: () => Omit<T, keyof SipProbeBase>,
  body: (conn: SipConnection, result: T) => Promise<void>,
): Promise<T> {
  const started = Date.now();
  const result = {
    ...init(),
    host: target.host,
    port: target.port ?? (target.transport === "tls" ? 5061 : 5060),
    transport: target.transport,
    outcome: "no-answer",
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    exchanges: [],
  } as unknown as T;
  let conn: SipConnection | undefined;
  try {
    conn = await SipConnection.open(target, opts.timers);
    await body(conn, result);
    await conn.closeGracefully();
    result.outcome = outcomeOf(conn, result.exchanges);
    if (conn.certificate) result.certificate = conn.certificate;
    if (conn.garbage.datagrams || conn.garbage.bytes || conn.garbage.firstError) {
      result.garbage = conn.garbage;
    }
    if (conn.failure && result.outcome !== "answered") result.error = conn.failure;
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    result.error = msg;
    result.outcome = UNREACHABLE.has(msg)
      ? "unreachable"
      : msg === "ETIMEDOUT"
        ? "no-answer"
        : "error";
  } finally {
    conn?.close();
    result.durationMs = Date.now() - started;
  }
  return result;
}

// ---------------------------------------------------------------------------
// OPTIONS

export function sipOptions(
  target: SipTarget,
  opts: SipProbeOptions = {},
): Promise<SipOptionsResult> {
  return withConnection<SipOptionsResult>(
    target,
    opts,
    () => ({ allow: [], supported: [] }),
    async (conn, result) => {
      const d = newDialog(conn, opts);
      const req = request(d, "OPTIONS", uriFor(conn), `<${uriFor(conn)}>`, {
        headers: [{ name: "Accept", value: "application/sdp" }],
      });
      const t = await conn.request(req);
      result.exchanges.push(exchangeOf(t));
      const r = t.final;
      if (!r) return;
      result.status = r.status;
      result.statusLine = r.statusLine;
      const server = getHeader(r, "Server");
      const ua = getHeader(r, "User-Agent");
      if (server) result.server = server;
      if (ua) result.userAgent = ua;
      result.allow = getHeaders(r, "Allow").map((m) => m.toUpperCase());
      result.supported = getHeaders(r, "Supported");
    },
  );
}

// ---------------------------------------------------------------------------
// REGISTER

function registerVerdict(status: number | undefined): RegisterVerdict {
  if (status === undefined) return "none";
  if (status === 401 || status === 407) return "auth-required";
  if (status >= 200 && status < 300) return "registered-without-auth";
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  return "other";
}

export function sipRegisterNoAuth(
  target: SipTarget,
  user: string,
  opts: SipProbeOptions = {},
): Promise<SipRegisterResult> {
  return withConnection<SipRegisterResult>(
    target,
    opts,
    () => ({ user, verdict: "none" }),
    async (conn, result) => {
      const d = newDialog(conn, opts, user);
      const aor = `<sip:${user}@${hostForUri(conn.target.host)}>`;
      const registrar = uriFor(conn);
      const req = request(d, "REGISTER", registrar, aor, {
        headers: [{ name: "Expires", value: "60" }],
      });
      const t = await conn.request(req);
      result.exchanges.push(exchangeOf(t));
      const r = t.final;
      result.verdict = registerVerdict(r?.status);
      if (!r) return;
      result.status = r.status;
      result.statusLine = r.statusLine;
      const challenge = challengeOf(r);
      if (challenge) result.challenge = challenge;
      const server = getHeader(r, "Server") ?? getHeader(r, "User-Agent");
      if (server) result.server = server;
      if (r.status >= 200 && r.status < 300) {
        // We got registered without credentials: remove the binding again.
        d.cseq++;
        const undo = request(d, "REGISTER", registrar, aor, {
          headers: [{ name: "Expires", value: "0" }],
        });
        const u = await conn.request(undo);
        result.exchanges.push(exchangeOf(u));
      }
    },
  );
}

// ---------------------------------------------------------------------------
// INVITE

function sdpOffer(localHost: string): string {
  const ip6 = localHost.includes(":");
  const addr = `IN ${ip6 ? "IP6" : "IP4"} ${localHost}`;
  const id = randomInt(1, 2 ** 31);
  return [
    "v=0",
    `o=bulwark ${id} ${id} ${addr}`,
    "s=-",
    `c=${addr}`,
    "t=0 0",
    "m=audio 9 RTP/AVP 0 8",
    "a=rtpmap:0 PCMU/8000",
    "a=rtpmap:8 PCMA/8000",
    "a=inactive",
    "",
  ].join("\r\n");
}

function inviteVerdict(final: SipResponse | undefined, provisional: number[]): InviteVerdict {
  const s = final?.status;
  if (s !== undefined && s >= 200 && s < 300) return "call-accepted";
  if (s === 401 || s === 407) return "auth-required";
  if (provisional.some((p) => p === 180 || p === 183)) return "call-progressing";
  if (s === 403) return "forbidden";
  if (s === 404) return "not-found";
  if (s !== undefined) return "other";
  return "none";
}

export function sipInviteNoAuth(
  target: SipTarget,
  extension: string,
  opts: SipProbeOptions = {},
): Promise<SipInviteResult> {
  return withConnection<SipInviteResult>(
    target,
    opts,
    () => ({ extension, verdict: "none", cleanup: [] }),
    async (conn, result) => {
      const d = newDialog(conn, opts);
      const ruri = uriFor(conn, extension);
      const to = `<${ruri}>`;
      const branch = newBranch();
      const invite = request(d, "INVITE", ruri, to, { branch, body: sdpOffer(conn.localHost) });
      const inviteCseq = d.cseq;

      // CANCEL as soon as the call is routed (180/183: a phone may ring), or
      // when a server that said only "100 Trying" keeps us waiting for half
      // of timer B. CANCEL reuses the INVITE's branch (RFC 3261 §9.1).
      let cancel: Promise<TransactionResult> | undefined;
      let cancelTimer: NodeJS.Timeout | undefined;
      const sendCancel = () => {
        if (cancel) return;
        cancel = conn.request(buildCancel(invite));
      };
      const onProvisional = (r: SipResponse) => {
        if (r.status > 100) sendCancel();
        else if (!cancelTimer) {
          cancelTimer = setTimeout(sendCancel, Math.max(1, conn.timers.timeoutMs / 2));
        }
      };
      const t = await conn.request(invite, { onProvisional });
      if (cancelTimer) clearTimeout(cancelTimer);
      result.exchanges.push(exchangeOf(t));
      const final = t.final;
      if (cancel) {
        const c = await cancel;
        result.exchanges.push(exchangeOf(c));
        result.cleanup.push({
          method: "CANCEL",
          ...(c.final ? { statusLine: c.final.statusLine } : {}),
          ...(c.error ? { error: c.error } : c.timedOut ? { error: "timeout" } : {}),
        });
      }
      result.verdict = inviteVerdict(
        final,
        t.provisional.map((p) => p.status),
      );
      if (final) {
        result.status = final.status;
        result.statusLine = final.statusLine;
        const challenge = challengeOf(final);
        if (challenge) result.challenge = challenge;
        const server = getHeader(final, "Server") ?? getHeader(final, "User-Agent");
        if (server) result.server = server;
      }
      if (!final) return;
      const toTag = tagOf(getHeader(final, "To"));
      if (final.status >= 300) {
        // Non-2xx: ACK within the INVITE transaction (same branch, §17.1.1.3).
        conn.send(
          request(d, "ACK", ruri, to, {
            branch,
            cseq: inviteCseq,
            ...(toTag ? { toTag } : {}),
          }),
        );
        result.cleanup.push({ method: "ACK" });
        return;
      }
      // 2xx: the call is up. ACK (new transaction) to the remote target, then BYE.
      const contact = getHeader(final, "Contact");
      const remote = /<([^>]+)>/.exec(contact ?? "")?.[1] ?? contact?.split(";")[0]?.trim() ?? ruri;
      const ackUri = /^sips?:/i.test(remote) ? remote : ruri;
      conn.send(request(d, "ACK", ackUri, to, { cseq: inviteCseq, ...(toTag ? { toTag } : {}) }));
      result.cleanup.push({ method: "ACK" });
      d.cseq = inviteCseq + 1;
      const bye = await conn.request(
        request(d, "BYE", ackUri, to, { cseq: d.cseq, ...(toTag ? { toTag } : {}) }),
      );
      result.exchanges.push(exchangeOf(bye));
      result.cleanup.push({
        method: "BYE",
        ...(bye.final ? { statusLine: bye.final.statusLine } : {}),
        ...(bye.error ? { error: bye.error } : bye.timedOut ? { error: "timeout" } : {}),
      });
    },
  );
}

/** RFC 3261 §9.1: CANCEL mirrors the INVITE's Request-URI, Via, From, To, Call-ID and CSeq number. */
function buildCancel(invite: SipRequest): SipRequest {
  const keep = new Set(["via", "from", "to", "call-id", "max-forwards", "route", "user-agent"]);
  const headers: SipHeader[] = [];
  for (const h of invite.headers) {
    const n = h.name.toLowerCase();
    if (n === "cseq") {
      headers.push({ name: "CSeq", value: `${h.value.trim().split(/\s+/)[0]} CANCEL` });
    } else if (keep.has(n)) headers.push({ ...h });
  }
  return {
    kind: "request",
    method: "CANCEL",
    uri: invite.uri,
    version: "SIP/2.0",
    headers,
    body: "",
  };
}

// ---------------------------------------------------------------------------
// Enumeration

export interface EnumerationOptions extends SipProbeOptions {
  /** Which request to compare with (default REGISTER: it never rings a phone). */
  method?: "REGISTER" | "INVITE";
}

/** A random extension unlikely to exist (10 digits). */
export function randomExtension(): string {
  return String(randomInt(1_000_000_000, 9_999_999_999));
}

export async function sipEnumeration(
  target: SipTarget,
  existing: string,
  random: string = randomExtension(),
  opts: EnumerationOptions = {},
): Promise<SipEnumerationResult> {
  const method = opts.method ?? "REGISTER";
  const probe = (ext: string) =>
    method === "REGISTER"
      ? sipRegisterNoAuth(target, ext, opts)
      : sipInviteNoAuth(target, ext, opts);
  // Sequential on purpose: no bursts at the target, and timing stays comparable.
  const a = await probe(existing);
  const b = await probe(random);
  let enumerable = false;
  let basis: string;
  if (a.status === undefined || b.status === undefined) {
    basis = "inconclusive: no final answer for both extensions";
  } else if (a.status !== b.status) {
    enumerable = true;
    basis = `status ${a.status} vs ${b.status}`;
  } else if ((a.statusLine ?? "") !== (b.statusLine ?? "")) {
    enumerable = true;
    basis = `reason "${a.statusLine}" vs "${b.statusLine}"`;
  } else if (Boolean(a.challenge) !== Boolean(b.challenge)) {
    enumerable = true;
    basis = "challenge present for only one extension";
  } else if ((a.challenge?.realm ?? "") !== (b.challenge?.realm ?? "")) {
    enumerable = true;
    basis = "different realms";
  } else basis = "same answer";
  return {
    host: target.host,
    port: a.port,
    transport: target.transport,
    method,
    existing: a,
    random: b,
    enumerable,
    basis,
  };
}
