/**
 * One request/response exchange over a connected UDP socket, as the UDP probes (SNMP, IAX2) run
 * it: send, send again once halfway through the time-out, and end on the probe's answer, an ICMP
 * port-unreachable, a flood, or the time-out. The socket is connected because only a connected UDP
 * socket hears the ICMP port-unreachable (ECONNREFUSED) that proves nothing listens. Whatever the
 * peer sends, the exchange ends cleanly within the time-out and the socket is closed.
 */
import { createSocket } from "node:dgram";
import { isIP } from "node:net";

/** Datagrams that answer nothing before the probe gives up on a flooding peer. */
const MAX_IGNORED_DATAGRAMS = 64;
const MAX_RECEIVED_BYTES = 1_048_576;
const FLOOD = "flood of datagrams that answer nothing";
const REFUSED = "ICMP port unreachable (ECONNREFUSED)";

/** Datagrams that were no answer (garbage, strays, other requests), as a probe reports them. */
export interface IgnoredDatagrams {
  datagrams: number;
  bytes: number;
  firstError?: string;
}

/** How the exchange ended. */
export interface UdpEnd {
  /** An ICMP port-unreachable came back: nothing listens. */
  refused: boolean;
  /** Why it ended early: the port-unreachable, a socket error, or a flood. */
  error?: string;
}

/** What a probe does with the exchange while it runs. */
export interface UdpExchange {
  /** The exchange has ended: nothing more is sent. */
  readonly ended: boolean;
  /** Milliseconds since the socket was connected and the first request went out. */
  elapsed(): number;
  /** Sends one datagram; `then` runs once it is out. Nothing once the exchange has ended. */
  send(packet: Buffer, then?: () => void): void;
  /** Counts a datagram that answers nothing, with the first reason why. */
  ignore(msg: Buffer, why: string): void;
  /** Runs `fn` after `ms`, unless the exchange has ended by then. */
  later(ms: number, fn: () => void): NodeJS.Timeout;
  /** Ends the exchange: the answer is in, or (with `error`) it failed. Only the first call counts. */
  finish(error?: string): void;
}

export interface UdpExchangeSpec {
  address: string;
  port: number;
  /** The whole exchange, retransmission included. */
  timeoutMs: number;
  /** Where ignored datagrams are counted (the probe's result). */
  ignored: IgnoredDatagrams;
  /**
   * When the flood limit is checked. "every-datagram": after each datagram the probe handled,
   * for a probe that keeps listening after answers and drops repeats of an answer it already has
   * without ignoring them (SNMP): only the byte count then stops a peer that replays one.
   * "ignored-only": on each ignored datagram, for a probe that stops listening at its first answer
   * (IAX2), so that every datagram it reads before one is ignored.
   */
  floodCheck: "every-datagram" | "ignored-only";
  /** The socket is connected: send the request(s). */
  start(x: UdpExchange): void;
  /** Halfway through the time-out: send again what is still unanswered. */
  retransmit(x: UdpExchange): void;
  /** A datagram from the peer. */
  onMessage(msg: Buffer, x: UdpExchange): void;
}

export function udpExchange(spec: UdpExchangeSpec): Promise<UdpEnd> {
  const { address, port, timeoutMs, ignored } = spec;
  return new Promise((resolve) => {
    const socket = createSocket({ type: isIP(address) === 6 ? "udp6" : "udp4" });
    const timers: NodeJS.Timeout[] = [];
    let started = 0;
    let received = 0;
    let refused = false;
    let settled = false;
    const flooded = () =>
      ignored.datagrams > MAX_IGNORED_DATAGRAMS || received > MAX_RECEIVED_BYTES;

    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      socket.removeAllListeners("message");
      try {
        socket.close();
      } catch {
        // never bound, or already closed
      }
      if (refused) resolve({ refused, error: REFUSED });
      else resolve({ refused, ...(error ? { error } : {}) });
    };
    const later = (ms: number, fn: () => void) => {
      const t = setTimeout(fn, ms);
      timers.push(t);
      return t;
    };
    later(timeoutMs, () => finish());

    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === "ECONNREFUSED") refused = true;
      finish(err.code ?? err.message);
    };
    const x: UdpExchange = {
      get ended() {
        return settled;
      },
      elapsed: () => Date.now() - started,
      send(packet, then) {
        if (settled) return;
        try {
          socket.send(packet, (err) => {
            if (err) onError(err);
            else then?.();
          });
        } catch (err) {
          onError(err as NodeJS.ErrnoException);
        }
      },
      ignore(msg, why) {
        ignored.datagrams++;
        ignored.bytes += msg.length;
        ignored.firstError ??= why;
        if (spec.floodCheck === "ignored-only" && flooded()) finish(FLOOD);
      },
      later,
      finish,
    };

    socket.on("error", onError);
    socket.on("message", (msg: Buffer) => {
      if (settled) return;
      received += msg.length;
      spec.onMessage(msg, x);
      if (!settled && spec.floodCheck === "every-datagram" && flooded()) finish(FLOOD);
    });
    try {
      socket.connect(port, address, () => {
        if (settled) return;
        started = Date.now();
        spec.start(x);
        later(Math.floor(timeoutMs / 2), () => spec.retransmit(x));
      });
    } catch (err) {
      onError(err as NodeJS.ErrnoException);
    }
  });
}

/**
 * A UDP probe's state from how its exchange ended: an answer wins, then the port-unreachable, a
 * failure, datagrams that answered nothing (`notIt`: not this protocol), and last silence.
 */
export function udpState<N extends string>(
  answered: boolean,
  end: UdpEnd,
  ignored: IgnoredDatagrams,
  notIt: N,
): "answered" | "closed" | "error" | "no-answer" | N {
  if (answered) return "answered";
  if (end.refused) return "closed";
  if (end.error) return "error";
  if (ignored.datagrams > 0) return notIt;
  return "no-answer";
}
