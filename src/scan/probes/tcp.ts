/**
 * TCP connect and banner grab: connect, then read what the server says first (up to `maxBytes`
 * within `bannerMs`). Nothing is sent. Every outcome is a clean result, never a throw: "open"
 * (with or without a banner), "closed" (refused), "no-answer" (time-out), "error".
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
    const finish = (r: Omit<TcpResult, "address" | "port" | "time" | "ms">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners("data");
      socket.destroy();
      const banner = size > 0 ? Buffer.concat(chunks).subarray(0, maxBytes) : undefined;
      resolve({
        address,
        port,
        ms: (connectedAt || Date.now()) - started,
        time,
        ...r,
        ...(r.state === "open" && banner ? { banner } : {}),
      });
    };
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (connectedAt) finish({ state: "open" });
      else if (err.code === "ECONNREFUSED") finish({ state: "closed" });
      else if (err.code === "EHOSTUNREACH" || err.code === "ENETUNREACH")
        finish({ state: "no-answer", error: err.code });
      else finish({ state: "error", error: err.code ?? err.message });
    });
    socket.on("connect", () => {
      connectedAt = Date.now();
      clearTimeout(timer);
      timer = setTimeout(() => finish({ state: "open" }), bannerMs);
    });
    socket.on("data", (d: Buffer) => {
      chunks.push(d);
      size += d.length;
      // Enough bytes, or a complete first line: no need to wait for more.
      if (size >= maxBytes || d.includes(0x0a)) finish({ state: "open" });
      else {
        // A telnet server that opened with its option negotiation waits for our answers before
        // it says anything more: a short grace for what may follow, not the whole banner wait.
        // Anything else keeps the banner wait it started with.
        clearTimeout(timer);
        const left = Math.max(0, connectedAt + bannerMs - Date.now());
        const wait = onlyTelnetCommands(Buffer.concat(chunks))
          ? Math.min(TELNET_GRACE_MS, left)
          : left;
        timer = setTimeout(() => finish({ state: "open" }), wait);
      }
    });
    socket.on("end", () => finish({ state: "open" }));
    socket.on("close", () => {
      if (connectedAt) finish({ state: "open" });
    });
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
