/**
 * TCP connect and banner grab: connect, then read what the server says first (up to `maxBytes`
 * within `bannerMs`). Nothing is sent. Every outcome is a clean result, never a throw: "open"
 * (with or without a banner), "closed" (refused), "no-answer" (time-out), "error".
 *
 * A scan need not wait idle while a port stays silent: `onSilent` tells it when the connection has
 * said nothing for `silentMs`, so the probes for silent ports can start, and `signal` ends the
 * banner wait once one of them has shown that the server only speaks when spoken to. `takeOver`
 * hands the open connection to the next probe instead of closing it.
 */
import { Socket } from "node:net";

export interface TcpResult {
  address: string;
  port: number;
  state: "open" | "closed" | "no-answer" | "error";
  /** What the server sent first, when it sent anything. */
  banner?: Buffer;
  /** Connect time. */
  ms: number;
  error?: string;
  time: string;
}

export interface TcpOptions {
  /** Connect time-out (default 3000 ms). */
  timeoutMs?: number;
  /** How long to wait for a banner once connected (default 1500 ms). */
  bannerMs?: number;
  /** Banner bytes kept (default 512). */
  maxBytes?: number;
  /** Called once when the connection has stayed silent this long (default 150 ms). */
  onSilent?: () => void;
  silentMs?: number;
  /**
   * Aborted: stop waiting for a banner, if nothing has come yet (the port is then open without
   * one). Once bytes came, the wait for the rest of the banner goes on as usual.
   */
  signal?: AbortSignal;
  /**
   * Offered the still-open connection once its banner is read (not when the server closed it),
   * with every byte read so far (the banner may be cut to `maxBytes`): returning true takes it over, paused and without this probe's listeners; the taker must
   * destroy it. For a next probe that continues on this connection rather than opening another,
   * which some servers make wait (a telnetd serving one login at a time).
   */
  takeOver?: (socket: Socket, received: Buffer) => boolean;
}

/** A connection left open for the next probe, with every byte read on it so far. */
export interface OpenConnection {
  socket: Socket;
  received: Buffer;
}

/** How long a banner that is only telnet negotiation waits for more (the login prompt). */
const TELNET_GRACE_MS = 200;

/**
 * `b` is nothing but whole telnet commands (RFC 854: IAC WILL/WONT/DO/DONT option, IAC SB ... IAC
 * SE, IAC and a one-byte command): a server negotiating options before it greets.
 */
export function onlyTelnetCommands(b: Buffer): boolean {
  let i = 0;
  while (i < b.length) {
    if (b[i] !== 0xff || i + 1 >= b.length) return false;
    const cmd = b[i + 1] as number;
    if (cmd >= 0xfb && cmd <= 0xfe) {
      if (i + 2 >= b.length) return false;
      i += 3;
    } else if (cmd === 0xfa) {
      let end = -1;
      for (let j = i + 2; j + 1 < b.length; j++)
        if (b[j] === 0xff && b[j + 1] === 0xf0) {
          end = j;
          break;
        }
      if (end < 0) return false;
      i = end + 2;
    } else i += 2;
  }
  return b.length > 0;
}

export function tcpProbe(address: string, port: number, opts: TcpOptions = {}): Promise<TcpResult> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const bannerMs = opts.bannerMs ?? 1500;
  const maxBytes = opts.maxBytes ?? 512;
  const time = new Date().toISOString();
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = new Socket();
    const chunks: Buffer[] = [];
    let size = 0;
    let connectedAt = 0;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let silence: NodeJS.Timeout | undefined;
    const stopWaiting = () => {
      if (connectedAt && size === 0) finish({ state: "open" });
    };
    /** Whether the taker took the connection: only after a whole banner, never an ended one. */
    const handedOver = (complete: boolean): boolean => {
      if (!complete || size === 0 || !opts.takeOver || socket.destroyed || socket.readableEnded)
        return false;
      socket.pause();
      socket
        .off("error", onError)
        .off("connect", onConnect)
        .off("end", onEnd)
        .off("close", onClose);
      // Until the taker listens: a reset in between must not throw.
      socket.on("error", () => {});
      return opts.takeOver(socket, Buffer.concat(chunks));
    };
    const finish = (r: Omit<TcpResult, "address" | "port" | "time" | "ms">, complete = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(silence);
      opts.signal?.removeEventListener("abort", stopWaiting);
      socket.off("data", onData);
      const banner = size > 0 ? Buffer.concat(chunks).subarray(0, maxBytes) : undefined;
      if (!(r.state === "open" && handedOver(complete))) socket.destroy();
      resolve({
        address,
        port,
        ms: (connectedAt || Date.now()) - started,
        time,
        ...r,
        ...(r.state === "open" && banner ? { banner } : {}),
      });
    };
    const onError = (err: NodeJS.ErrnoException) => {
      if (connectedAt) finish({ state: "open" });
      else if (err.code === "ECONNREFUSED") finish({ state: "closed" });
      else if (err.code === "EHOSTUNREACH" || err.code === "ENETUNREACH")
        finish({ state: "no-answer", error: err.code });
      else finish({ state: "error", error: err.code ?? err.message });
    };
    const onConnect = () => {
      connectedAt = Date.now();
      clearTimeout(timer);
      timer = setTimeout(() => finish({ state: "open" }, true), bannerMs);
      if (opts.onSilent) silence = setTimeout(opts.onSilent, opts.silentMs ?? 150);
      if (opts.signal?.aborted) stopWaiting();
      else opts.signal?.addEventListener("abort", stopWaiting, { once: true });
    };
    const onData = (d: Buffer) => {
      clearTimeout(silence);
      chunks.push(d);
      size += d.length;
      // Enough bytes, or a complete first line: no need to wait for more.
      if (size >= maxBytes || d.includes(0x0a)) finish({ state: "open" }, true);
      else {
        // A telnet server that opened with its option negotiation waits for our answers before
        // it says anything more: a short grace for what may follow, not the whole banner wait.
        // Anything else keeps the banner wait it started with.
        clearTimeout(timer);
        const left = Math.max(0, connectedAt + bannerMs - Date.now());
        const wait = onlyTelnetCommands(Buffer.concat(chunks))
          ? Math.min(TELNET_GRACE_MS, left)
          : left;
        timer = setTimeout(() => finish({ state: "open" }, true), wait);
      }
    };
    const onEnd = () => finish({ state: "open" });
    const onClose = () => {
      if (connectedAt) finish({ state: "open" });
    };
    socket.on("error", onError);
    socket.on("connect", onConnect);
    socket.on("data", onData);
    socket.on("end", onEnd);
    socket.on("close", onClose);
    timer = setTimeout(() => finish({ state: "no-answer", error: "time-out" }), timeoutMs);
    socket.connect({ host: address, port });
  });
}

/** A banner as printable text for evidence: control bytes shown as \xNN, cut to `max`. */
export function printable(b: Buffer | undefined, max = 120): string {
  if (!b) return "";
  let s = "";
  for (const byte of b.subarray(0, max)) {
    if (byte === 0x0d || byte === 0x0a) s += byte === 0x0a ? "\\n" : "\\r";
    else if (byte >= 0x20 && byte < 0x7f) s += String.fromCharCode(byte);
    else s += `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return s;
}
