/**
 * SNMP: does the agent answer the factory-default communities? One GetRequest for sysDescr.0 and
 * sysName.0 per version (v1, v2c) and community ("public", "private": the two well-known defaults,
 * nothing else is ever guessed), four datagrams on one UDP socket, each sent again once when still
 * unanswered halfway through the time-out. Once one community answered, the agent is alive and
 * answers within milliseconds: the others get a short grace, not the rest of the time-out (an
 * agent that ignores a wrong community never answers it). Reading only: no SetRequest, no walk.
 *
 * The socket is connected, because only a connected UDP socket hears the ICMP port-unreachable
 * (ECONNREFUSED) that proves nothing listens; that is also why this is not built on net-snmp, which
 * sends from an unconnected socket. Silence proves nothing: filtered, another community, SNMPv3
 * only. Every outcome is a clean result within the time-out, whatever the peer sends.
 */
import { randomInt } from "node:crypto";
import { TAG } from "../snmp/ber.js";
import {
  decodeMessage,
  ERROR_STATUS,
  getRequest,
  PDU,
  SNMP_V1,
  SNMP_V2C,
  type VarBind,
} from "../snmp/message.js";
import { type IgnoredDatagrams, type UdpExchange, udpExchange, udpState } from "./udp-exchange.js";

export const DEFAULT_COMMUNITIES = ["public", "private"] as const;
export type DefaultCommunity = (typeof DEFAULT_COMMUNITIES)[number];
export type SnmpVersionName = "v1" | "v2c";

export const SYS_DESCR = "1.3.6.1.2.1.1.1.0";
export const SYS_NAME = "1.3.6.1.2.1.1.5.0";

export interface SnmpAnswer {
  version: SnmpVersionName;
  community: DefaultCommunity;
  /** The agent answered with an error-status (e.g. noSuchName): the community still worked. */
  error?: string;
  sysDescr?: string;
  sysName?: string;
  /** Milliseconds from the first request to this answer. */
  ms: number;
}

export interface SnmpResult {
  address: string;
  port: number;
  /**
   * "answered": at least one default community got an answer. "closed": ICMP port-unreachable,
   * nothing listens. "no-answer": silence. "not-snmp": only datagrams that were not an answer.
   */
  state: "answered" | "no-answer" | "closed" | "not-snmp" | "error";
  answers: SnmpAnswer[];
  /** Every version and community asked, with how many times the request was sent. */
  tried: { version: SnmpVersionName; community: DefaultCommunity; sent: number }[];
  /** Datagrams that answered none of the requests (garbage, strays, other communities). */
  ignored: IgnoredDatagrams;
  error?: string;
  time: string;
}

export interface SnmpOptions {
  /** The whole exchange, retransmission included (default 3000 ms). */
  timeoutMs?: number;
  /** Once one request was answered, how long the others still get (default 250 ms). */
  graceMs?: number;
}

/** Once one community answered, how long the others get (a live agent answers in milliseconds). */
const ANSWERED_GRACE_MS = 250;
/** A sysDescr longer than this is cut (RFC 1213 allows 255). */
const MAX_TEXT = 255;

interface Request {
  version: SnmpVersionName;
  community: DefaultCommunity;
  id: number;
  packet: Buffer;
  sent: number;
  answered: boolean;
}

/** An OCTET STRING value as one line of printable text (control bytes become spaces). */
export function displayText(b: Buffer): string {
  let s = "";
  for (const ch of b.subarray(0, MAX_TEXT * 4).toString("utf8")) {
    const c = ch.codePointAt(0) ?? 0;
    s += c < 0x20 || c === 0x7f || c === 0xfffd ? " " : ch;
  }
  return s.replace(/ {2,}/g, " ").trim().slice(0, MAX_TEXT);
}

function stringValue(varbinds: VarBind[], oid: string): string | undefined {
  const v = varbinds.find((x) => x.oid === oid);
  return v && v.type === TAG.OCTET_STRING ? displayText(v.value) : undefined;
}

export async function snmpProbe(
  address: string,
  port = 161,
  opts: SnmpOptions = {},
): Promise<SnmpResult> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const result: SnmpResult = {
    address,
    port,
    state: "no-answer",
    answers: [],
    tried: [],
    ignored: { datagrams: 0, bytes: 0 },
    time: new Date().toISOString(),
  };
  const used = new Set<number>();
  const requests: Request[] = [];
  for (const [version, v] of [
    ["v2c", SNMP_V2C],
    ["v1", SNMP_V1],
  ] as const)
    for (const community of DEFAULT_COMMUNITIES) {
      let id = randomInt(1, 2 ** 31 - 1);
      while (used.has(id)) id = randomInt(1, 2 ** 31 - 1);
      used.add(id);
      const packet = getRequest(v, community, id, [SYS_DESCR, SYS_NAME]);
      requests.push({ version, community, id, packet, sent: 0, answered: false });
    }

  let graceStarted = false;
  const send = (x: UdpExchange, r: Request) => {
    if (x.ended) return;
    r.sent++;
    x.send(r.packet);
  };
  const end = await udpExchange({
    address,
    port,
    timeoutMs,
    ignored: result.ignored,
    // Repeats of an answer already in are dropped without being ignored: the byte count after
    // every datagram is what stops an agent (or a spoofer) that replays one.
    floodCheck: "every-datagram",
    start: (x) => {
      for (const r of requests) send(x, r);
    },
    retransmit: (x) => {
      for (const r of requests) if (!r.answered) send(x, r);
    },
    onMessage: (msg, x) => {
      const ignore = (why: string) => x.ignore(msg, why);
      const d = decodeMessage(msg);
      if (!d.ok) ignore(d.error);
      else {
        const m = d.message;
        const r = requests.find((q) => q.id === m.pdu.requestId);
        if (!r) ignore(`request-id ${m.pdu.requestId} matches no request`);
        else if (m.pdu.type !== PDU.RESPONSE)
          ignore(`PDU 0x${m.pdu.type.toString(16)} instead of a Response`);
        else if (m.version !== (r.version === "v1" ? SNMP_V1 : SNMP_V2C))
          ignore("answer in another SNMP version");
        else if (!m.community.equals(Buffer.from(r.community)))
          ignore("answer with another community");
        else if (!r.answered) {
          r.answered = true;
          const status = m.pdu.errorStatus;
          result.answers.push({
            version: r.version,
            community: r.community,
            ...(status !== 0 ? { error: ERROR_STATUS[status] ?? `error-status ${status}` } : {}),
            sysDescr: stringValue(m.pdu.varbinds, SYS_DESCR),
            sysName: stringValue(m.pdu.varbinds, SYS_NAME),
            ms: x.elapsed(),
          });
        }
      }
      if (requests.every((q) => q.answered)) x.finish();
      else if (result.answers.length > 0 && !graceStarted) {
        graceStarted = true;
        x.later(opts.graceMs ?? ANSWERED_GRACE_MS, () => x.finish());
      }
    },
  });
  result.tried = requests.map((r) => ({
    version: r.version,
    community: r.community,
    sent: r.sent,
  }));
  result.state = udpState(result.answers.length > 0, end, result.ignored, "not-snmp");
  if (end.error) result.error = end.error;
  return result;
}
