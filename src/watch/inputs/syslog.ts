/**
 * A syslog receiver for a fleet of routers (Teltonika RutOS / OpenWrt logd, or any RFC 3164 /
 * RFC 5424 sender) on UDP and TCP.
 *
 * - UDP: one message per datagram, a large receive buffer (SO_RCVBUF, 8 MiB asked; the kernel
 *   caps it at net.core.rmem_max, and a warning says so), counted, never throwing.
 * - TCP: frames by octet counting (RFC 6587 "LEN SP MSG") or by a trailing LF (or NUL, as
 *   OpenWrt's logd can send), decided per frame as rsyslog does. Each connection holds at most
 *   `maxMessageBytes` of an unfinished frame: a longer frame is delivered cut at that size (and
 *   counted), the rest is dropped up to the frame's end, so a client that sends endless data
 *   without a newline costs no more memory; a connection silent for `idleTimeoutMs` is closed,
 *   its unfinished frame delivered.
 *
 * Each message becomes a LogLine whose `text` is the line rsyslog would write for it (see
 * syslog-parse.ts), `sender` the peer's address and `time` the header's time (else the time of
 * reception).
 */
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server, type Socket } from "node:net";
import type { LogLine } from "../types.js";
import { type LineHandler, utf8Boundary, type WarningHandler, WarnLimiter } from "./common.js";
import { SyslogParser } from "./syslog-parse.js";

export interface SyslogEndpoint {
  host?: string;
  port?: number;
}

export interface SyslogServerOptions {
  onLine: LineHandler;
  onWarning?: WarningHandler;
  /** Address to listen on (default "127.0.0.1"; a fleet needs "0.0.0.0" or "::"). */
  host?: string;
  /** Port for both UDP and TCP (default 514; 0 picks a free one). */
  port?: number;
  /** Listen on UDP (default true), optionally on its own host/port. */
  udp?: boolean | SyslogEndpoint;
  /** Listen on TCP (default true), optionally on its own host/port. */
  tcp?: boolean | SyslogEndpoint;
  /** Zone for header times that have none (IANA name, "UTC", "+02:00"); default the host's. */
  timezone?: string;
  /** Longest message kept (bytes, default 64 KiB); longer ones are cut and counted. */
  maxMessageBytes?: number;
  /** UDP receive buffer asked for (default 8 MiB). */
  recvBufferSize?: number;
  /** Most TCP connections at once (default 512); more are refused and counted. */
  maxConnections?: number;
  /** Close a TCP connection silent this long (default 15 min; 0 never). */
  idleTimeoutMs?: number;
  /** Accept messages only from these addresses (exact match; default: from anyone). */
  allowedSenders?: Iterable<string>;
}

export interface SyslogStats {
  /** Datagrams and TCP frames received. */
  received: number;
  /** Lines handed to onLine. */
  parsed: number;
  /** Messages discarded: empty, or from a sender not allowed. */
  dropped: number;
  /** Messages longer than maxMessageBytes, delivered cut. */
  truncated: number;
  /** TCP frames left unfinished when their connection closed, delivered as they were. */
  partial: number;
  /** Messages (or connections) from senders not in allowedSenders. */
  rejected: number;
  /** TCP connections accepted, and refused for being over maxConnections. */
  connections: number;
  refused: number;
  /** Bytes received. */
  bytes: number;
  /** Exceptions thrown by onLine (caught, counted). */
  handlerErrors: number;
}

/** Frame callback: bytes [start, end) of buf are one message; `cut` if it was longer. */
export type FrameEmit = (buf: Buffer, start: number, end: number, cut: boolean) => void;

enum St {
  Start = 0,
  Header = 1,
  Octet = 2,
  Line = 3,
  Discard = 4,
}

/**
 * TCP syslog framing for one connection: octet counting ("LEN SP MSG", LEN without leading zero)
 * or LF/NUL-terminated, decided at each frame's first byte. Holds at most `max` bytes of an
 * unfinished frame, in one buffer that grows as needed.
 */
export class SyslogFramer {
  private st: St = St.Start;
  private acc: Buffer | null = null;
  private accLen = 0;
  private len = 0;
  private digits = 0;
  /** Octet-counted payload bytes still expected. */
  private remaining = 0;
  /** The head of an over-long octet-counted frame was delivered; the rest is being dropped. */
  private dropping = false;

  constructor(
    readonly max: number,
    private readonly emit: FrameEmit,
  ) {}

  /** Bytes of an unfinished frame held (at most the cap). */
  get pendingBytes(): number {
    return this.accLen;
  }

  push(buf: Buffer): void {
    const n = buf.length;
    let i = 0;
    let nextLf = -2;
    let nextNul = -2;
    while (i < n) {
      switch (this.st) {
        case St.Start: {
          const c = buf[i] as number;
          if (c === 10 || c === 0 || c === 13 || c === 32) {
            i++;
            continue;
          }
          if (c >= 49 && c <= 57) {
            this.st = St.Header;
            this.len = 0;
            this.digits = 0;
          } else this.st = St.Line;
          continue;
        }
        case St.Header: {
          while (i < n && this.digits < 10) {
            const c = buf[i] as number;
            if (c < 48 || c > 57) break;
            this.len = this.len * 10 + c - 48;
            this.digits++;
            i++;
          }
          if (i === n) return;
          if (buf[i] === 32 && this.digits <= 9) {
            i++;
            this.remaining = this.len;
            this.accLen = 0;
            this.st = this.len === 0 ? St.Start : St.Octet;
          } else {
            // Digits not followed by a space: a newline-framed message that starts with digits.
            this.st = St.Line;
            this.hold(Buffer.from(String(this.len)), 0, this.digits);
          }
          continue;
        }
        case St.Octet: {
          const take = Math.min(this.remaining, n - i);
          if (!this.dropping && this.accLen === 0 && take === this.remaining && take <= this.max) {
            // The whole frame is in this chunk: no copy.
            this.emit(buf, i, i + take, false);
          } else if (!this.dropping) {
            this.hold(buf, i, i + Math.min(take, this.max - this.accLen));
            if (this.accLen >= this.max && this.len > this.max) {
              // Longer than the cap: deliver the head now, drop the rest of the frame.
              this.flushAcc(true);
              this.dropping = true;
            } else if (take === this.remaining) this.flushAcc(false);
          }
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.dropping = false;
            this.st = St.Start;
          }
          continue;
        }
        case St.Line:
        case St.Discard: {
          if (nextLf !== -1 && nextLf < i) nextLf = buf.indexOf(10, i);
          if (nextNul !== -1 && nextNul < i) nextNul = buf.indexOf(0, i);
          const end =
            nextLf < 0
              ? nextNul < 0
                ? -1
                : nextNul
              : nextNul < 0
                ? nextLf
                : Math.min(nextLf, nextNul);
          const stop = end < 0 ? n : end;
          if (this.st === St.Discard) {
            i = stop;
          } else if (end >= 0 && this.accLen === 0 && stop - i <= this.max) {
            this.emit(buf, i, stop, false);
            i = stop;
          } else {
            const room = this.max - this.accLen;
            if (stop - i > room) {
              this.hold(buf, i, i + room);
              this.flushAcc(true);
              this.st = St.Discard;
            } else {
              this.hold(buf, i, stop);
              if (end >= 0) this.flushAcc(false);
            }
            i = stop;
          }
          if (end >= 0) {
            i = end + 1;
            this.st = St.Start;
          }
          continue;
        }
      }
    }
  }

  /** The connection ended: delivers an unfinished frame. True if there was one. */
  finish(): boolean {
    const had = this.accLen > 0 && (this.st === St.Line || this.st === St.Octet);
    if (had) this.flushAcc(false);
    this.st = St.Start;
    this.accLen = 0;
    this.acc = null;
    this.dropping = false;
    return had;
  }

  private hold(buf: Buffer, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    const need = this.accLen + n;
    if (!this.acc || this.acc.length < need) {
      const size = Math.min(this.max + 16, Math.max(need, (this.acc?.length ?? 2048) * 2));
      const next = Buffer.allocUnsafe(size);
      if (this.acc && this.accLen > 0) this.acc.copy(next, 0, 0, this.accLen);
      this.acc = next;
    }
    buf.copy(this.acc, this.accLen, from, to);
    this.accLen = need;
  }

  private flushAcc(cut: boolean): void {
    const acc = this.acc;
    const len = this.accLen;
    this.accLen = 0;
    if (!acc || len === 0) return;
    this.emit(acc, 0, cut ? utf8Boundary(acc, 0, len) : len, cut);
    // A big buffer is not kept for the next frame.
    if (acc.length > 16 * 1024) this.acc = null;
  }
}

function endpoint(
  v: boolean | SyslogEndpoint | undefined,
  host: string,
  port: number,
): Required<SyslogEndpoint> | null {
  if (v === false) return null;
  const e = typeof v === "object" ? v : {};
  return { host: e.host ?? host, port: e.port ?? port };
}

function label(proto: string, host: string, port: number): string {
  return `syslog-${proto}:${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** Receives syslog over UDP and TCP; `start()` listens, `stop()` closes everything. */
export class SyslogServer {
  readonly stats: SyslogStats = {
    received: 0,
    parsed: 0,
    dropped: 0,
    truncated: 0,
    partial: 0,
    rejected: 0,
    connections: 0,
    refused: 0,
    bytes: 0,
    handlerErrors: 0,
  };
  readonly parser: SyslogParser;
  private readonly onLine: LineHandler;
  private readonly warn: WarningHandler;
  private readonly errWarn: WarnLimiter;
  private readonly max: number;
  private readonly allowed: Set<string> | null;
  private udp: UdpSocket | null = null;
  private tcp: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private udpSource = "syslog-udp";
  private tcpSource = "syslog-tcp";
  private lastAddr = "";
  private lastNorm = "";

  constructor(private readonly opts: SyslogServerOptions) {
    this.onLine = opts.onLine;
    this.warn = opts.onWarning ?? (() => {});
    this.errWarn = new WarnLimiter(opts.onWarning);
    this.max = Math.max(64, opts.maxMessageBytes ?? 64 * 1024);
    this.allowed = opts.allowedSenders ? new Set(opts.allowedSenders) : null;
    this.parser = new SyslogParser({ timezone: opts.timezone });
  }

  /** Where UDP listens (after start), or undefined. */
  get udpAddress(): { address: string; port: number } | undefined {
    return this.udp ? this.udp.address() : undefined;
  }

  /** Where TCP listens (after start), or undefined. */
  get tcpAddress(): { address: string; port: number } | undefined {
    const a = this.tcp?.address();
    return a && typeof a === "object" ? { address: a.address, port: a.port } : undefined;
  }

  /** The UDP receive buffer the kernel granted (bytes; Linux reports twice what it grants). */
  get recvBufferSize(): number | undefined {
    try {
      return this.udp?.getRecvBufferSize();
    } catch {
      return undefined;
    }
  }

  async start(): Promise<void> {
    const host = this.opts.host ?? "127.0.0.1";
    const port = this.opts.port ?? 514;
    const u = endpoint(this.opts.udp, host, port);
    const t = endpoint(this.opts.tcp, host, port);
    if (!u && !t) throw new Error("syslog: neither UDP nor TCP is enabled");
    try {
      if (u) await this.startUdp(u.host, u.port);
      if (t) await this.startTcp(t.host, t.port);
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  async stop(): Promise<void> {
    const udp = this.udp;
    this.udp = null;
    const tcp = this.tcp;
    this.tcp = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await Promise.all([
      udp ? new Promise<void>((r) => udp.close(() => r())) : undefined,
      tcp ? new Promise<void>((r) => tcp.close(() => r())) : undefined,
    ]);
  }

  /** Parses one message from `sender` and hands out its line (what UDP and TCP both do). */
  receive(raw: string, sender: string, source: string): void {
    const st = this.stats;
    st.received++;
    if (isBlank(raw)) {
      st.dropped++;
      return;
    }
    const now = Date.now();
    const m = this.parser.parse(raw, sender, now);
    const line: LogLine = { text: m.text, source, time: m.time ?? now, sender };
    st.parsed++;
    try {
      this.onLine(line);
    } catch (e) {
      st.handlerErrors++;
      this.errWarn.note(`syslog: line handler failed: ${(e as Error).message}`);
    }
  }

  private norm(addr: string): string {
    if (addr === this.lastAddr) return this.lastNorm;
    this.lastAddr = addr;
    this.lastNorm = addr.startsWith("::ffff:") && addr.includes(".") ? addr.slice(7) : addr;
    return this.lastNorm;
  }

  private onDatagram = (msg: Buffer, rinfo: RemoteInfo): void => {
    const st = this.stats;
    st.bytes += msg.length;
    const sender = this.norm(rinfo.address);
    if (this.allowed !== null && !this.allowed.has(sender)) {
      st.received++;
      st.rejected++;
      st.dropped++;
      return;
    }
    let end = msg.length;
    if (end > this.max) {
      end = utf8Boundary(msg, 0, this.max);
      st.truncated++;
    }
    this.receive(msg.toString("utf8", 0, end), sender, this.udpSource);
  };

  private startUdp(host: string, port: number): Promise<void> {
    const sock = createSocket({
      type: host.includes(":") ? "udp6" : "udp4",
      recvBufferSize: this.opts.recvBufferSize ?? 8 * 1024 * 1024,
    });
    this.udp = sock;
    sock.on("message", this.onDatagram);
    return new Promise<void>((resolve, reject) => {
      const fail = (e: Error) =>
        reject(new Error(`syslog: cannot listen on UDP ${host}:${port}: ${e.message}`));
      sock.once("error", fail);
      sock.bind(port, host, () => {
        sock.off("error", fail);
        sock.on("error", (e) => this.errWarn.note(`syslog: UDP error: ${e.message}`));
        const a = sock.address();
        this.udpSource = label("udp", host, a.port);
        const want = this.opts.recvBufferSize ?? 8 * 1024 * 1024;
        const got = this.recvBufferSize ?? 0;
        // Linux doubles the value it grants; less than asked means net.core.rmem_max capped it.
        if (got > 0 && got < want)
          this.warn(
            `syslog: UDP receive buffer is ${got} bytes (asked ${want}); raise net.core.rmem_max to absorb bursts`,
          );
        resolve();
      });
    });
  }

  private startTcp(host: string, port: number): Promise<void> {
    const server = createServer((sock) => this.accept(sock));
    server.maxConnections = this.opts.maxConnections ?? 512;
    server.on("drop", () => {
      this.stats.refused++;
      this.errWarn.note(
        `syslog: TCP connection refused (over ${server.maxConnections} connections)`,
      );
    });
    this.tcp = server;
    return new Promise<void>((resolve, reject) => {
      const fail = (e: Error) =>
        reject(new Error(`syslog: cannot listen on TCP ${host}:${port}: ${e.message}`));
      server.once("error", fail);
      server.listen({ host, port, ipv6Only: false }, () => {
        server.off("error", fail);
        server.on("error", (e) => this.errWarn.note(`syslog: TCP error: ${e.message}`));
        const a = server.address();
        this.tcpSource = label("tcp", host, a && typeof a === "object" ? a.port : port);
        resolve();
      });
    });
  }

  private accept(sock: Socket): void {
    const st = this.stats;
    const sender = this.norm(sock.remoteAddress ?? "?");
    if (this.allowed !== null && !this.allowed.has(sender)) {
      st.rejected++;
      sock.destroy();
      return;
    }
    st.connections++;
    this.sockets.add(sock);
    const source = this.tcpSource;
    const framer = new SyslogFramer(this.max, (buf, start, end, cut) => {
      if (cut) st.truncated++;
      this.receive(buf.toString("utf8", start, end), sender, source);
    });
    const idle = this.opts.idleTimeoutMs ?? 15 * 60_000;
    if (idle > 0)
      sock.setTimeout(idle, () => {
        this.errWarn.note(`syslog: closing TCP connection from ${sender}, silent for ${idle} ms`);
        sock.destroy();
      });
    sock.on("data", (b: Buffer) => {
      st.bytes += b.length;
      framer.push(b);
    });
    sock.on("error", () => {});
    sock.on("close", () => {
      this.sockets.delete(sock);
      if (framer.finish()) st.partial++;
    });
  }
}

/** Nothing but line ends, NULs and spaces. */
function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 10 && c !== 13 && c !== 0 && c !== 32) return false;
  }
  return true;
}
