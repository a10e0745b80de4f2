/**
 * Telnet: connect, refuse every option the server asks for or offers (DO → WONT, WILL → DONT,
 * each answered once, RFC 854's loop rule), and read what it shows until a login, password or
 * shell prompt appears, or `readMs` passes. Nothing else is ever sent: no user name, no password.
 * Never throws; bytes that are neither telnet negotiation nor a prompt are "not-telnet", silence
 * is "no-answer", and at most `maxBytes` are read.
 */
import { Socket } from "node:net";
import type { SoftwareSeen } from "../../facts/model.js";
import { softwareFrom } from "../software.js";
import { TelnetNegotiator } from "../telnet-negotiation.js";
import { clean } from "./http.js";

export interface TelnetResult {
  address: string;
  port: number;
  state: "telnet" | "not-telnet" | "no-answer" | "error";
  /** The server negotiated options (IAC sequences). */
  negotiated: boolean;
  /** What it asked for or offered, as "DO 24", "WILL 1" (all refused). */
  options: string[];
  loginPrompt: boolean;
  passwordPrompt: boolean;
  /** A command prompt came up without any login: anyone who connects has a shell. */
  shellPrompt: boolean;
  /** The text shown before the prompt, printable, cut. */
  banner?: string;
  /** The prompt line itself. */
  prompt?: string;
  /** The device or software the text names (OpenWrt, BusyBox, Debian...). */
  software?: SoftwareSeen;
  error?: string;
  time: string;
}

export interface TelnetOptions {
  /** Connect time-out (default 3000 ms). */
  timeoutMs?: number;
  /** How long to read once connected (default 1500 ms). */
  readMs?: number;
  /** Bytes read at most (default 8 KB). */
  maxBytes?: number;
  /**
   * Continue on this connection, already open, instead of opening one: the banner probe's, with
   * what it read (the negotiation this probe then answers). Some telnet servers serve one login at
   * a time and hold a second connection for a second or more.
   */
  connection?: { socket: Socket; received: Buffer };
}

const LOGIN = /(?:login|user ?name|user)\s*:\s*$/i;
const PASSWORD = /password\s*:\s*$/i;
// "root@OpenWrt:~# ", "BusyBox ... # ", "Router> ": a prompt at the very end of what was shown.
const SHELL = /(?:^|\S)[#$>] ?$/;

/** Operating systems and firmware a telnet greeting names, beyond the server products. */
const SYSTEMS: { product: string; test: RegExp }[] = [
  { product: "rutos", test: /\b(?:RUT[A-Z0-9]*|TRB\d+)_R_(\d+\.\d+(?:\.\d+)?)/ },
  { product: "openwrt", test: /\bOpenWrt\b(?:\s+(\d+\.\d+(?:\.\d+)?(?:-rc\d+)?))?/i },
  { product: "busybox", test: /\bBusyBox v(\d+\.\d+(?:\.\d+)?)/ },
  { product: "debian", test: /\bDebian GNU\/Linux(?: (\d+(?:\.\d+)?))?/ },
  { product: "ubuntu", test: /\bUbuntu (\d+\.\d+(?:\.\d+)?)/ },
];

export function bannerSoftware(text: string): SoftwareSeen | undefined {
  const server = softwareFrom(text);
  if (server) return server;
  // The firmware before its parts: an OpenWrt greeting that also names BusyBox is OpenWrt.
  const lines = text.split(/\r?\n|\r/);
  for (const s of SYSTEMS) {
    for (const line of lines) {
      const m = s.test.exec(line);
      if (m)
        return { product: s.product, ...(m[1] ? { version: m[1] } : {}), raw: clean(line, 160) };
    }
  }
  return undefined;
}

export function telnetProbe(
  address: string,
  port: number,
  opts: TelnetOptions = {},
): Promise<TelnetResult> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const readMs = opts.readMs ?? 1500;
  const maxBytes = opts.maxBytes ?? 8 * 1024;
  const time = new Date().toISOString();
  return new Promise((resolve) => {
    const socket = opts.connection?.socket ?? new Socket();
    const n = new TelnetNegotiator();
    let size = 0;
    let connected = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners("data");
      socket.destroy();
      const text = n.text.replace(/\r\n?/g, "\n");
      const lines = text.split("\n");
      const tail = (lines.at(-1) ?? "").trimStart();
      const loginPrompt = LOGIN.test(tail);
      const passwordPrompt = !loginPrompt && PASSWORD.test(tail);
      const shellPrompt = !loginPrompt && !passwordPrompt && SHELL.test(tail);
      const prompted = loginPrompt || passwordPrompt || shellPrompt;
      const shown = prompted ? lines.slice(0, -1).join("\n") : text;
      const banner = clean(shown, 300);
      const software = bannerSoftware(text);
      const state: TelnetResult["state"] =
        n.negotiated || prompted
          ? "telnet"
          : size > 0
            ? "not-telnet"
            : connected || error === "time-out" || error === "ECONNREFUSED"
              ? "no-answer"
              : "error";
      resolve({
        address,
        port,
        state,
        negotiated: n.negotiated,
        options: n.options,
        loginPrompt,
        passwordPrompt,
        shellPrompt,
        ...(banner ? { banner } : {}),
        ...(prompted ? { prompt: clean(tail, 80) } : {}),
        ...(software ? { software } : {}),
        ...(error && state !== "telnet" ? { error } : {}),
        time,
      });
    };
    const onConnect = () => {
      connected = true;
      clearTimeout(timer);
      timer = setTimeout(() => finish(), readMs);
    };
    const onData = (d: Buffer) => {
      const chunk = d.subarray(0, Math.max(0, maxBytes - size));
      size += chunk.length;
      const reply = n.feed(chunk);
      if (reply.length > 0 && !socket.destroyed) socket.write(reply);
      const tail = n.text.replace(/\r/g, "").split("\n").at(-1) ?? "";
      // A prompt waits for input: nothing more will come.
      if (size >= maxBytes || LOGIN.test(tail) || PASSWORD.test(tail)) finish();
    };
    socket.on("data", onData);
    socket.on("end", () => finish());
    socket.on("close", () => finish());
    socket.on("error", (err: NodeJS.ErrnoException) => finish(err.code ?? err.message));
    const given = opts.connection;
    if (given) {
      // Connected already: answer what was read, then read on (it was handed over paused).
      onConnect();
      if (socket.destroyed) finish("closed before the probe");
      else {
        onData(given.received);
        socket.resume();
      }
      return;
    }
    socket.on("connect", onConnect);
    timer = setTimeout(() => finish("time-out"), timeoutMs);
    socket.connect({ host: address, port });
  });
}
