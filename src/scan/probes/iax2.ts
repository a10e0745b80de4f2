/**
 * IAX2 (RFC 5456): does anything speak IAX2 on this UDP port? One full-frame POKE (the message
 * RFC 5456 reserves for peers with no call between them; destination call number 0), sent again
 * once (with the retransmission bit) when unanswered halfway through the time-out. A PONG proves
 * an IAX2 peer (Asterisk's chan_iax2 answers every POKE, whatever its users and peers); any other
 * well-formed IAX control frame addressed to our call number (ACK, INVAL, REJECT...) proves it too.
 * A PONG is acknowledged (the peer would otherwise retransmit it), then the probe ends.
 *
 * The socket is connected so that an ICMP port-unreachable surfaces as ECONNREFUSED: the proof
 * that nothing listens. Silence proves nothing (filtered, or a peer configured not to answer).
 * Whatever the peer sends, the result is clean and within the time-out.
 */
import { randomInt } from "node:crypto";
import { type IgnoredDatagrams, type UdpExchange, udpExchange, udpState } from "./udp-exchange.js";

/** Frame type 6: IAX protocol control (RFC 5456 section 8.2). */
export const FRAME_IAX = 0x06;
/** IAX control subclasses this probe names (RFC 5457 registry "IAX Control Frames"). */
export const IAX_SUBCLASS: Record<number, string> = {
  1: "NEW",
  2: "PING",
  3: "PONG",
  4: "ACK",
  5: "HANGUP",
  6: "REJECT",
  10: "INVAL",
  18: "VNAK",
  30: "POKE",
  33: "UNSUPPORT",
  37: "CALLTOKEN",
};
export const POKE = 0x1e;
export const PONG = 0x03;
export const ACK = 0x04;

const FULL_HEADER = 12;
/**
 * An IAX2 datagram bigger than this is not a control answer: Asterisk's own receive buffer is
 * 4096 bytes, and a PONG is a bare header plus a few information elements.
 */
export const MAX_FRAME = 4096;

export interface FullFrame {
  /** The sender's call number (15 bits). */
  source: number;
  /** The call number it is addressed to (15 bits). */
  destination: number;
  /** The retransmission bit. */
  retransmitted: boolean;
  timestamp: number;
  oseqno: number;
  iseqno: number;
  frameType: number;
  /** With the C bit set the subclass is a power of two; kept raw here. */
  subclass: number;
  /** Information elements: type and length of each (values are not kept). */
  ies: { type: number; length: number }[];
}

/** A full frame as bytes: header only (POKE and ACK carry no information element). */
export function encodeFullFrame(f: Omit<FullFrame, "ies">): Buffer {
  const b = Buffer.alloc(FULL_HEADER);
  b.writeUInt16BE(0x8000 | (f.source & 0x7fff), 0);
  b.writeUInt16BE((f.retransmitted ? 0x8000 : 0) | (f.destination & 0x7fff), 2);
  b.writeUInt32BE(f.timestamp >>> 0, 4);
  b[8] = f.oseqno & 0xff;
  b[9] = f.iseqno & 0xff;
  b[10] = f.frameType & 0xff;
  b[11] = f.subclass & 0xff;
  return b;
}

/** A datagram as an IAX2 full frame, or why it is not one. Never throws. */
export function decodeFullFrame(
  b: Buffer,
): { ok: true; frame: FullFrame } | { ok: false; error: string } {
  if (b.length > MAX_FRAME) return { ok: false, error: `${b.length} bytes: oversized for IAX2` };
  if (b.length < 4) return { ok: false, error: `${b.length} byte(s): too short for IAX2` };
  const first = b.readUInt16BE(0);
  if ((first & 0x8000) === 0)
    // A mini frame (media of an existing call) or a meta frame: never the answer to a POKE.
    return { ok: false, error: "not a full frame (F bit clear)" };
  if (b.length < FULL_HEADER)
    return { ok: false, error: `${b.length} bytes: truncated full frame header` };
  const second = b.readUInt16BE(2);
  const ies: FullFrame["ies"] = [];
  const frameType = b[10] as number;
  // Only IAX control frames carry information elements (RFC 5456 section 8.6).
  if (frameType === FRAME_IAX)
    for (let at = FULL_HEADER; at < b.length; ) {
      if (at + 2 > b.length) return { ok: false, error: "truncated information element" };
      const length = b[at + 1] as number;
      if (at + 2 + length > b.length)
        return { ok: false, error: "information element runs past the end" };
      ies.push({ type: b[at] as number, length });
      at += 2 + length;
    }
  return {
    ok: true,
    frame: {
      source: first & 0x7fff,
      destination: second & 0x7fff,
      retransmitted: (second & 0x8000) !== 0,
      timestamp: b.readUInt32BE(4),
      oseqno: b[8] as number,
      iseqno: b[9] as number,
      frameType,
      subclass: b[11] as number,
      ies,
    },
  };
}

export function subclassName(frameType: number, subclass: number): string {
  if (frameType !== FRAME_IAX) return `frame type ${frameType} subclass 0x${subclass.toString(16)}`;
  return IAX_SUBCLASS[subclass] ?? `IAX subclass 0x${subclass.toString(16)}`;
}

export interface Iax2Answer {
  /** "PONG", "ACK", "INVAL"...: what the peer sent back. */
  reply: string;
  /** The peer's call number for this exchange. */
  peerCall: number;
  /** How many information elements the frame carried. */
  ies: number;
  /** Milliseconds from the first POKE to this answer. */
  ms: number;
}

export interface Iax2Result {
  address: string;
  port: number;
  /**
   * "answered": an IAX2 full frame addressed to our call. "closed": ICMP port-unreachable.
   * "no-answer": silence. "not-iax2": only datagrams that were not an IAX2 answer.
   */
  state: "answered" | "no-answer" | "closed" | "not-iax2" | "error";
  answer?: Iax2Answer;
  /** How many times the POKE went out (1, or 2 after the retransmission). */
  sent: number;
  /** The PONG was acknowledged. */
  acked?: boolean;
  /** Datagrams that were not an answer (garbage, mini frames, other calls). */
  ignored: IgnoredDatagrams;
  error?: string;
  time: string;
}

export interface Iax2Options {
  /** The whole exchange, retransmission included (default 3000 ms). */
  timeoutMs?: number;
}

export async function iax2Probe(
  address: string,
  port = 4569,
  opts: Iax2Options = {},
): Promise<Iax2Result> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const result: Iax2Result = {
    address,
    port,
    state: "no-answer",
    sent: 0,
    ignored: { datagrams: 0, bytes: 0 },
    time: new Date().toISOString(),
  };
  const callNumber = randomInt(1, 0x8000);

  const poke = (x: UdpExchange, retransmitted: boolean) => {
    result.sent++;
    x.send(
      encodeFullFrame({
        source: callNumber,
        destination: 0,
        retransmitted,
        // Milliseconds since the start of the "call": a retransmission keeps the original.
        timestamp: 3,
        oseqno: 0,
        iseqno: 0,
        frameType: FRAME_IAX,
        subclass: POKE,
      }),
    );
  };
  const end = await udpExchange({
    address,
    port,
    timeoutMs,
    ignored: result.ignored,
    // The first answer ends the listening: every datagram read before it is ignored, so the
    // limit is checked there.
    floodCheck: "ignored-only",
    start: (x) => poke(x, false),
    retransmit: (x) => {
      if (!result.answer) poke(x, true);
    },
    onMessage: (msg, x) => {
      if (result.answer) return;
      const ignore = (why: string) => x.ignore(msg, why);
      const d = decodeFullFrame(msg);
      if (!d.ok) return ignore(d.error);
      const f = d.frame;
      if (f.frameType !== FRAME_IAX)
        return ignore(`${subclassName(f.frameType, f.subclass)} instead of an IAX control frame`);
      if (f.destination !== callNumber)
        return ignore(`addressed to call ${f.destination}, not to the POKE's call ${callNumber}`);
      if (f.subclass === POKE) return ignore("a POKE is no answer (an echo?)");
      result.answer = {
        reply: subclassName(f.frameType, f.subclass),
        peerCall: f.source,
        ies: f.ies.length,
        ms: x.elapsed(),
      };
      if (f.subclass !== PONG) return x.finish();
      // Acknowledge the PONG (RFC 5456 section 7: full frames are acknowledged; the ACK copies
      // the acknowledged frame's timestamp), so the peer does not keep retransmitting it.
      x.send(
        encodeFullFrame({
          source: callNumber,
          destination: f.source,
          retransmitted: false,
          timestamp: f.timestamp,
          oseqno: 1,
          iseqno: (f.oseqno + 1) & 0xff,
          frameType: FRAME_IAX,
          subclass: ACK,
        }),
        () => {
          result.acked = true;
          x.finish();
        },
      );
    },
  });
  result.state = udpState(result.answer !== undefined, end, result.ignored, "not-iax2");
  if (end.error) result.error = end.error;
  return result;
}
