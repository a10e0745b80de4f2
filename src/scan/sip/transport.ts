/**
 * SIP transports for the scanner: UDP (RFC 3261 §17.1 timers A/E with
 * doubling retransmission, bounded by timer B/F), TCP and TLS (stream
 * framing by Content-Length). One socket per probe; every wait is bounded;
 * responses are matched to their client transaction by top-Via branch and
 * CSeq (number and method).
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { isIP, type Socket as NetSocket, connect as netConnect } from "node:net";
import { type PeerCertificate, type TLSSocket, connect as tlsConnect } from "node:tls";
import { certificateName } from "../certificate-name.js";
import {
  getHeader,
  parseCSeq,
  parseMessage,
  type SipMessage,
  type SipParseError,
  type SipRequest,
  type SipResponse,
  SipStreamFramer,
  serialize,
  topBranch,
} from "./message.js";

export type SipTransportName = "udp" | "tcp" | "tls";

export interface SipTarget {
  host: string;
  /** Default 5060 (udp/tcp) or 5061 (tls). */
  port?: number;
  transport: SipTransportName;
  /** TLS SNI; defaults to the host when it is a name. */
  servername?: string;
}

export interface SipTimers {
  /** RFC 3261 T1 (RTT estimate), default 500 ms. */
  t1Ms: number;
  /** RFC 3261 T2 (cap for non-INVITE retransmission), default 4000 ms. */
  t2Ms: number;
  /** Timer B/F: how long a transaction waits for an answer (default 8000 ms, RFC: 64*T1). */
  timeoutMs: number;
  /** TCP/TLS connect + handshake bound, default 5000 ms. */
  connectTimeoutMs: number;
}

export const DEFAULT_TIMERS: SipTimers = {
  t1Ms: 500,
  t2Ms: 4000,
  timeoutMs: 8000,
  connectTimeoutMs: 5000,
};

export function defaultPort(transport: SipTransportName): number {
  return transport === "tls" ? 5061 : 5060;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  selfSigned: boolean;
  /** Whether Node's default CA store would have accepted it. */
  authorized: boolean;
  authorizationError?: string;
}

export interface ResponseRecord {
  statusLine: string;
  status: number;
  /** Milliseconds since the transaction's first transmission. */
  atMs: number;
}

export interface TransactionResult {
  method: string;
  branch: string;
  cseq: number;
  requestLine: string;
  /** Transmission times (ms since the first send); length > 1 means retransmissions. */
  sentAtMs: number[];
  provisional: ResponseRecord[];
  final?: SipResponse;
  finalAtMs?: number;
  timedOut: boolean;
  /** Transport-level failure (refused, reset, not SIP, flood...). */
  error?: string;
}

export interface RequestOptions {
  /** Called for each provisional (1xx) response. */
  onProvisional?: (response: SipResponse) => void;
  /** Override timer B/F for this transaction. */
  timeoutMs?: number;
}

/** Received data that was not SIP (or too much of it). */
export interface GarbageStats {
  datagrams: number;
  bytes: number;
  firstError?: SipParseError;
}

const MAX_GARBAGE_DATAGRAMS = 64;
const MAX_RECEIVED_BYTES = 1_048_576;
const MAX_UNMATCHED = 256;
const MAX_PROVISIONAL = 32;

interface Pending {
  key: string;
  request: SipRequest;
  result: TransactionResult;
  start: number;
  options: RequestOptions;
  retransmit?: NodeJS.Timeout;
  deadline?: NodeJS.Timeout;
  interval: number;
  done: (r: TransactionResult) => void;
}

function keyOf(branch: string, seq: number, method: string): string {
  return `${branch.toLowerCase()}|${seq}|${method.toUpperCase()}`;
}

function describeCert(cert: PeerCertificate, socket: TLSSocket): CertificateInfo | undefined {
  if (!cert || Object.keys(cert).length === 0) return undefined;
  const subject = certificateName(cert.subject);
  const issuer = certificateName(cert.issuer);
  const err = socket.authorizationError;
  return {
    subject,
    issuer,
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
    fingerprint256: cert.fingerprint256,
    selfSigned: subject === issuer,
    authorized: socket.authorized,
    ...(err ? { authorizationError: String(err) } : {}),
  };
}

/**
 * One SIP "flow" to one target over one socket. Create with
 * {@link SipConnection.open}; always {@link SipConnection.close}.
 */
export class SipConnection {
  readonly target: Required<Pick<SipTarget, "host" | "port" | "transport">>;
  readonly timers: SipTimers;
  localHost = "0.0.0.0";
  localPort = 0;
  certificate: CertificateInfo | undefined;
  garbage: GarbageStats = { datagrams: 0, bytes: 0 };
  /** SIP responses that matched no transaction (late retransmissions, strays). */
  unmatched: SipResponse[] = [];
  /** Requests the peer sent us (e.g. BYE, OPTIONS keep-alive). */
  requestsReceived: SipRequest[] = [];
  /** Set when the flow died (closed by peer, error, not SIP, flood). */
  failure: string | undefined;
  private receivedBytes = 0;
  private pending = new Map<string, Pending>();
  private udp: UdpSocket | undefined;
  private stream: NetSocket | TLSSocket | undefined;
  private framer = new SipStreamFramer();
  private closed = false;
  private inFlight = 0;
  private drained: (() => void)[] = [];

  private constructor(target: SipTarget, timers: SipTimers) {
    this.target = {
      host: target.host,
      port: target.port ?? defaultPort(target.transport),
      transport: target.transport,
    };
    this.timers = timers;
  }

  /** Via transport token. */
  get viaTransport(): string {
    return this.target.transport.toUpperCase();
  }

  /**
   * Open the socket (UDP: bind + connect; TCP/TLS: connect + handshake),
   * bounded by connectTimeoutMs. Rejects with an Error whose message is the
   * error code (ECONNREFUSED, ETIMEDOUT, ...).
   */
  static async open(target: SipTarget, timers: Partial<SipTimers> = {}): Promise<SipConnection> {
    const conn = new SipConnection(target, { ...DEFAULT_TIMERS, ...timers });
    await conn.connect(target.servername);
    return conn;
  }

  private connect(servername?: string): Promise<void> {
    const { host, port, transport } = this.target;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        finish(new Error("ETIMEDOUT"));
      }, this.timers.connectTimeoutMs);
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          this.close();
          reject(err);
        } else resolve();
      };
      const codeOf = (e: unknown) => {
        const code = (e as NodeJS.ErrnoException).code;
        return new Error(code ?? (e as Error).message ?? String(e));
      };
      if (transport === "udp") {
        const family = isIP(host) === 6 ? "udp6" : "udp4";
        const sock = createSocket({ type: family });
        this.udp = sock;
        sock.on("error", (e) => {
          if (!settled) finish(codeOf(e));
          else this.fail(codeOf(e).message);
        });
        sock.on("message", (msg) => this.onDatagram(msg));
        sock.connect(port, host, () => {
          const a = sock.address();
          this.localHost = a.address;
          this.localPort = a.port;
          finish();
        });
        return;
      }
      const onConnected = (sock: NetSocket | TLSSocket) => {
        this.localHost = sock.localAddress ?? "0.0.0.0";
        this.localPort = sock.localPort ?? 0;
        finish();
      };
      let sock: NetSocket | TLSSocket;
      if (transport === "tls") {
        const sni = servername ?? (isIP(host) ? undefined : host);
        const tls = tlsConnect({
          host,
          port,
          rejectUnauthorized: false,
          ...(sni ? { servername: sni } : {}),
        });
        tls.once("secureConnect", () => {
          this.certificate = describeCert(tls.getPeerCertificate(), tls);
          onConnected(tls);
        });
        sock = tls;
      } else {
        const tcp = netConnect({ host, port });
        tcp.once("connect", () => onConnected(tcp));
        sock = tcp;
      }
      this.stream = sock;
      sock.on("data", (chunk: Buffer) => this.onStreamData(chunk));
      sock.on("error", (e) => {
        if (!settled) finish(codeOf(e));
        else this.fail(codeOf(e).message);
      });
      sock.on("close", () => {
        if (!settled) finish(new Error("ECONNRESET"));
        else this.fail("closed by peer");
      });
    });
  }

  /** Send a request without waiting (ACK). */
  send(request: SipRequest): void {
    this.write(serialize(request));
  }

  /** Run a client transaction; resolves (never rejects) on final response, timeout or failure. */
  request(request: SipRequest, options: RequestOptions = {}): Promise<TransactionResult> {
    const branch = topBranch(request) ?? "";
    const cseq = parseCSeq(getHeader(request, "CSeq"));
    const result: TransactionResult = {
      method: request.method,
      branch,
      cseq: cseq?.seq ?? 0,
      requestLine: `${request.method} ${request.uri} ${request.version}`,
      sentAtMs: [],
      provisional: [],
      timedOut: false,
    };
    if (!cseq) return Promise.resolve({ ...result, error: "request without CSeq" });
    if (this.failure || this.closed) {
      return Promise.resolve({ ...result, error: this.failure ?? "closed" });
    }
    return new Promise<TransactionResult>((resolve) => {
      const p: Pending = {
        key: keyOf(branch, cseq.seq, cseq.method),
        request,
        result,
        start: Date.now(),
        options,
        interval: this.timers.t1Ms,
        done: resolve,
      };
      this.pending.set(p.key, p);
      this.arm(p, options.timeoutMs ?? this.timers.timeoutMs);
      this.transmit(p);
    });
  }

  private arm(p: Pending, ms: number): void {
    if (p.deadline) clearTimeout(p.deadline);
    p.deadline = setTimeout(() => {
      p.result.timedOut = true;
      this.settle(p);
    }, ms);
  }

  private transmit(p: Pending): void {
    p.result.sentAtMs.push(Date.now() - p.start);
    this.write(serialize(p.request));
    if (this.target.transport !== "udp") return;
    // Timer A (INVITE: doubling, uncapped) / timer E (non-INVITE: capped at T2).
    p.retransmit = setTimeout(() => {
      if (!this.pending.has(p.key)) return;
      p.interval =
        p.request.method === "INVITE" ? p.interval * 2 : Math.min(p.interval * 2, this.timers.t2Ms);
      this.transmit(p);
    }, p.interval);
  }

  private settle(p: Pending, error?: string): void {
    if (!this.pending.delete(p.key)) return;
    if (p.retransmit) clearTimeout(p.retransmit);
    if (p.deadline) clearTimeout(p.deadline);
    if (error && !p.result.final) p.result.error = error;
    p.done(p.result);
  }

  private write(data: string): void {
    if (this.closed) return;
    this.inFlight++;
    const done = () => {
      this.inFlight--;
      if (this.inFlight === 0) for (const f of this.drained.splice(0)) f();
    };
    try {
      if (this.udp) this.udp.send(data, () => done());
      else if (this.stream) this.stream.write(data, () => done());
      else done();
    } catch (e) {
      done();
      this.fail((e as Error).message);
    }
  }

  /**
   * Let queued writes (a final ACK or BYE) reach the wire, bounded by
   * `maxWaitMs`, then close.
   */
  async closeGracefully(maxWaitMs = 500): Promise<void> {
    if (!this.closed && this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, maxWaitMs);
        this.drained.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    if (this.stream && !this.closed) {
      const s = this.stream;
      this.closed = true;
      for (const p of [...this.pending.values()]) this.settle(p, this.failure ?? "closed");
      s.end();
      setTimeout(() => s.destroy(), maxWaitMs).unref();
      return;
    }
    this.close();
  }

  private onDatagram(msg: Buffer): void {
    this.receivedBytes += msg.length;
    const parsed = parseMessage(msg);
    if (!parsed.ok) {
      this.garbage.datagrams++;
      this.garbage.bytes += msg.length;
      this.garbage.firstError ??= parsed.error;
      if (this.garbage.datagrams > MAX_GARBAGE_DATAGRAMS) this.fail("not SIP (flood)");
    } else this.dispatch(parsed.message);
    if (this.receivedBytes > MAX_RECEIVED_BYTES) this.fail("flood");
  }

  private onStreamData(chunk: Buffer): void {
    this.receivedBytes += chunk.length;
    for (const m of this.framer.push(chunk)) this.dispatch(m);
    if (this.framer.error) {
      this.garbage.bytes += this.framer.pending;
      this.garbage.firstError ??= this.framer.error;
      this.fail("not SIP");
    } else if (this.receivedBytes > MAX_RECEIVED_BYTES) this.fail("flood");
  }

  private dispatch(msg: SipMessage): void {
    if (this.closed) return;
    if (msg.kind === "request") {
      if (this.requestsReceived.length < MAX_UNMATCHED) this.requestsReceived.push(msg);
      else this.fail("flood");
      return;
    }
    const branch = topBranch(msg);
    const cseq = parseCSeq(getHeader(msg, "CSeq"));
    const p = branch && cseq ? this.pending.get(keyOf(branch, cseq.seq, cseq.method)) : undefined;
    if (!p) {
      if (this.unmatched.length < MAX_UNMATCHED) this.unmatched.push(msg);
      else this.fail("flood");
      return;
    }
    const atMs = Date.now() - p.start;
    if (msg.status < 200) {
      p.result.provisional.push({ statusLine: msg.statusLine, status: msg.status, atMs });
      // Any provisional stops INVITE retransmission; non-INVITE continues at T2.
      if (p.retransmit) clearTimeout(p.retransmit);
      if (this.target.transport === "udp" && p.request.method !== "INVITE") {
        p.interval = this.timers.t2Ms;
        p.retransmit = setTimeout(() => {
          if (this.pending.has(p.key)) this.transmit(p);
        }, p.interval);
      }
      // Proceeding: wait again for a final answer, still bounded.
      this.arm(p, p.options.timeoutMs ?? this.timers.timeoutMs);
      if (p.result.provisional.length > MAX_PROVISIONAL) {
        this.settle(p, "too many provisional responses");
        return;
      }
      try {
        p.options.onProvisional?.(msg);
      } catch {
        // a callback error must not break the transport
      }
      return;
    }
    p.result.final = msg;
    p.result.finalAtMs = atMs;
    this.settle(p);
  }

  private fail(reason: string): void {
    if (this.failure || this.closed) return;
    this.failure = reason;
    for (const p of [...this.pending.values()]) this.settle(p, reason);
    this.close();
  }

  /** Close the socket; pending transactions resolve with an error. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of [...this.pending.values()]) this.settle(p, this.failure ?? "closed");
    try {
      this.udp?.close();
    } catch {
      // already closed
    }
    this.stream?.destroy();
  }
}
