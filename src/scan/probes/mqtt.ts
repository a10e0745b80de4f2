/**
 * MQTT: does the broker let a client in without credentials? One MQTT 3.1.1 CONNECT with a
 * neutral random client id and no user name or password, the CONNACK read back (return code 0:
 * anonymous access accepted; 4 or 5: credentials required), then a polite DISCONNECT. Nothing is
 * ever subscribed to or published. On 8883 the connection is TLS (the session is recorded); when
 * the TLS handshake fails there, plain MQTT is tried once, since a plain broker on 8883 is the very
 * thing to report.
 *
 * The three packets are written by hand rather than with the `mqtt` package: that client brings a
 * dozen dependencies, reconnection and keep-alive machinery that a one-shot probe must not run,
 * and still would not say how a hostile peer misbehaved. Every outcome is a clean result within
 * the time-out, whatever the peer sends (garbage, a wrong CONNACK, silence, a flood).
 */
import { randomBytes } from "node:crypto";
import { isIP, Socket } from "node:net";
import tls from "node:tls";
import { certificateName } from "../certificate-name.js";
import { printable } from "./tcp.js";

/** MQTT 3.1.1 §3.2.2.3, by return code. */
export const CONNACK_CODES = [
  "connection accepted",
  "unacceptable protocol version",
  "identifier rejected",
  "server unavailable",
  "bad user name or password",
  "not authorized",
] as const;

export interface MqttTlsSession {
  version: string;
  cipher: string;
  subject?: string;
  notAfter?: string;
  selfSigned?: boolean;
  /** Why a verifying client would reject the certificate (e.g. DEPTH_ZERO_SELF_SIGNED_CERT). */
  trustError?: string;
}

export interface MqttResult {
  address: string;
  port: number;
  /** How the CONNECT went: in clear, or inside TLS. */
  transport: "tcp" | "tls";
  /**
   * "mqtt": a valid CONNACK came back. "not-mqtt": bytes that are not one. "no-answer": no
   * connection, or no CONNACK (silence, or closed without a word). "closed": refused.
   * "tls-failed": TLS was expected and its handshake failed.
   */
  state: "mqtt" | "not-mqtt" | "no-answer" | "closed" | "tls-failed" | "error";
  returnCode?: number;
  /** What the CONNACK says about credentials. */
  access?: "anonymous" | "credentials-required" | "undecided";
  /** The client id sent ("bulwark-" and 12 random hex digits). */
  clientId: string;
  tls?: MqttTlsSession;
  /** When TLS failed on a TLS port and plain MQTT answered instead: why TLS failed. */
  tlsError?: string;
  /** What came back when it was not a CONNACK (printable, cut). */
  received?: string;
  /** A DISCONNECT was sent after an accepted CONNECT. */
  disconnected: boolean;
  error?: string;
  ms: number;
  time: string;
}

export interface MqttOptions {
  /** Connect, TLS handshake and CONNACK together (default 3000 ms). */
  timeoutMs?: number;
  /** Speak TLS (default: on port 8883). */
  tls?: boolean;
  /** SNI name when the target was named by host name. */
  servername?: string;
}

/** More than any CONNACK: what a flooding peer gets to send before the probe stops reading. */
const MAX_READ = 4096;
const PROTOCOL_LEVEL_311 = 0x04;
const CLEAN_SESSION = 0x02;
const KEEP_ALIVE_S = 30;

export function randomClientId(): string {
  // 20 characters: within the 23 every 3.1.1 broker must accept.
  return `bulwark-${randomBytes(6).toString("hex")}`;
}

/** The variable-byte "remaining length" of the fixed header (§2.2.3). */
export function remainingLength(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > 268_435_455) throw new RangeError(`length ${n}`);
  const out: number[] = [];
  let v = n;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    out.push(byte);
  } while (v > 0);
  return Buffer.from(out);
}

/** CONNECT (§3.1) with a clean session, no will, no user name, no password. */
export function connectPacket(clientId: string): Buffer {
  const id = Buffer.from(clientId, "utf8");
  const idLength = Buffer.alloc(2);
  idLength.writeUInt16BE(id.length);
  const body = Buffer.concat([
    Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54]), // "MQTT"
    Buffer.from([PROTOCOL_LEVEL_311, CLEAN_SESSION, KEEP_ALIVE_S >> 8, KEEP_ALIVE_S & 0xff]),
    idLength,
    id,
  ]);
  return Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body]);
}

/** DISCONNECT (§3.14). */
export const DISCONNECT = Buffer.from([0xe0, 0x00]);

export type ConnackParse =
  | { kind: "incomplete" }
  | { kind: "connack"; sessionPresent: boolean; returnCode: number }
  | { kind: "invalid"; why: string };

/** Reads a CONNACK (§3.2) from the first bytes the server sent. */
export function parseConnack(b: Buffer): ConnackParse {
  if (b.length === 0) return { kind: "incomplete" };
  if (b[0] !== 0x20)
    return {
      kind: "invalid",
      why: `first byte 0x${(b[0] as number).toString(16).padStart(2, "0")} is not a CONNACK`,
    };
  if (b.length < 2) return { kind: "incomplete" };
  if (b[1] !== 0x02)
    return { kind: "invalid", why: `CONNACK of remaining length ${b[1]} (expected 2)` };
  if (b.length < 4) return { kind: "incomplete" };
  const flags = b[2] as number;
  const returnCode = b[3] as number;
  if ((flags & 0xfe) !== 0)
    return { kind: "invalid", why: `reserved CONNACK flags set (0x${flags.toString(16)})` };
  if (returnCode >= CONNACK_CODES.length)
    return { kind: "invalid", why: `unknown CONNACK return code ${returnCode}` };
  return { kind: "connack", sessionPresent: (flags & 1) === 1, returnCode };
}

/** What a return code says about credentials. */
export function accessOf(returnCode: number): NonNullable<MqttResult["access"]> {
  if (returnCode === 0) return "anonymous";
  if (returnCode === 4 || returnCode === 5) return "credentials-required";
  return "undecided";
}

/** OpenSSL's date ("Dec 21 19:30:57 2026 GMT") as ISO 8601; as sent when it does not parse. */
function isoOr(date: string): string {
  const d = new Date(date);
  return Number.isNaN(d.getTime()) ? date : d.toISOString();
}

function tlsSession(s: tls.TLSSocket): MqttTlsSession {
  const cert = s.getPeerCertificate();
  const has = cert && Object.keys(cert).length > 0;
  const subject = has ? certificateName(cert.subject) : "";
  return {
    version: s.getProtocol() ?? "?",
    cipher: s.getCipher()?.name ?? "?",
    ...(has
      ? {
          subject,
          notAfter: isoOr(cert.valid_to),
          selfSigned: subject === certificateName(cert.issuer),
        }
      : {}),
    ...(s.authorizationError ? { trustError: String(s.authorizationError) } : {}),
  };
}

function attempt(
  address: string,
  port: number,
  useTls: boolean,
  timeoutMs: number,
  servername: string | undefined,
): Promise<MqttResult> {
  const started = Date.now();
  const result: MqttResult = {
    address,
    port,
    transport: useTls ? "tls" : "tcp",
    state: "no-answer",
    clientId: randomClientId(),
    disconnected: false,
    ms: 0,
    time: new Date(started).toISOString(),
  };
  return new Promise((resolve) => {
    let connected = false;
    let secured = false;
    let settled = false;
    let buf = Buffer.alloc(0);
    const socket: Socket = useTls
      ? tls.connect({
          host: address,
          port,
          rejectUnauthorized: false,
          ...(servername && !isIP(servername) ? { servername } : {}),
        })
      : new Socket();

    const finish = (patch: Partial<MqttResult>, polite = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners("data");
      Object.assign(result, patch, { ms: Date.now() - started });
      if (polite) {
        // Let the DISCONNECT reach the broker, then hang up; never wait on the peer for it.
        socket.resume();
        socket.end(DISCONNECT);
        result.disconnected = true;
        setTimeout(() => socket.destroy(), 1000).unref();
      } else socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => {
      if (!connected) finish({ state: "no-answer", error: "time-out connecting" });
      else if (useTls && !secured)
        finish({ state: "tls-failed", error: "time-out in the TLS handshake" });
      else
        finish({
          state: buf.length ? "not-mqtt" : "no-answer",
          error: `no complete CONNACK within ${timeoutMs} ms`,
          ...(buf.length ? { received: printable(buf, 120) } : {}),
        });
    }, timeoutMs);

    // The server hung up (closed or reset) before a whole CONNACK.
    const hungUp = (how: string) => {
      if (buf.length)
        finish({
          state: "not-mqtt",
          error: `${how} after ${buf.length} byte(s) of a CONNACK`,
          received: printable(buf, 120),
        });
      else finish({ state: "no-answer", error: `${how} by the server without a CONNACK` });
    };
    const sendConnect = () => {
      socket.write(connectPacket(result.clientId));
    };
    socket.on("connect", () => {
      connected = true;
      if (!useTls) sendConnect();
    });
    if (useTls)
      socket.on("secureConnect", () => {
        secured = true;
        result.tls = tlsSession(socket as tls.TLSSocket);
        sendConnect();
      });
    socket.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]).subarray(0, MAX_READ);
      const p = parseConnack(buf);
      if (p.kind === "incomplete") return;
      if (p.kind === "invalid") {
        finish({ state: "not-mqtt", error: p.why, received: printable(buf, 120) });
        return;
      }
      const access = accessOf(p.returnCode);
      finish(
        { state: "mqtt", returnCode: p.returnCode, access },
        // Only an accepted session needs closing; a refused one is closed by the broker (§3.2.2.3).
        access === "anonymous",
      );
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (!connected && err.code === "ECONNREFUSED")
        finish({ state: "closed", error: "ECONNREFUSED" });
      else if (!connected && (err.code === "EHOSTUNREACH" || err.code === "ENETUNREACH"))
        finish({ state: "no-answer", error: err.code });
      else if (useTls && !secured)
        finish({ state: "tls-failed", error: err.message || err.code || "TLS error" });
      else if (connected) hungUp(err.code === "ECONNRESET" ? "reset" : (err.code ?? err.message));
      else finish({ state: "error", error: err.code ?? err.message });
    });
    socket.on("close", () => {
      if (useTls && !secured)
        finish({ state: "tls-failed", error: "closed during the TLS handshake" });
      else hungUp("closed");
    });
    if (!useTls) socket.connect({ host: address, port });
  });
}

/**
 * CONNECT without credentials to one port; TLS on 8883 unless told otherwise, falling back to
 * plain MQTT once when the TLS handshake fails.
 */
export async function mqttProbe(
  address: string,
  port: number,
  opts: MqttOptions = {},
): Promise<MqttResult> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const useTls = opts.tls ?? port === 8883;
  const first = await attempt(address, port, useTls, timeoutMs, opts.servername);
  if (!useTls || first.state !== "tls-failed") return first;
  const plain = await attempt(address, port, false, timeoutMs, undefined);
  return plain.state === "mqtt" ? { ...plain, tlsError: first.error } : first;
}
