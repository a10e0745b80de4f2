/**
 * The IAX2 probe: its full-frame encoding and decoding (exact bytes, rejections), a fake IAX2 peer
 * on 127.0.0.1 written here (answers a POKE with a PONG and records the ACK), a silent port, a
 * closed port (ICMP port-unreachable), hostile peers (garbage, truncated and oversized frames,
 * mini frames, other calls, an echo, broken information elements, a flood), then the facts, the
 * rules and the CLI that a scan gets from it. Debian 12 ships no Asterisk: no real peer here.
 */

import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { scanSummary } from "../src/cli/scan-command.js";
import { settingsFrom } from "../src/engine/profile.js";
import { runRules } from "../src/engine/run.js";
import { ALL_RULES } from "../src/rules/index.js";
import { scanTargets } from "../src/scan/index.js";
import {
  ACK,
  decodeFullFrame,
  encodeFullFrame,
  FRAME_IAX,
  type FullFrame,
  iax2Probe,
  MAX_FRAME,
  POKE,
  PONG,
} from "../src/scan/probes/iax2.js";
import { runCli } from "./support/cli.js";
import { closedUdpPort, timed } from "./support/fake-server.js";

const HOST = "127.0.0.1";
const PEER_CALL = 0x1234;

describe("IAX2 full frames", () => {
  it("encodes a POKE byte for byte as RFC 5456 section 8.1.1 lays the header out", () => {
    const poke = encodeFullFrame({
      source: 0x0102,
      destination: 0,
      retransmitted: false,
      timestamp: 3,
      oseqno: 0,
      iseqno: 0,
      frameType: FRAME_IAX,
      subclass: POKE,
    });
    // F bit + source call 0x0102 | R bit clear + destination 0 | timestamp 3 | OSeqno 0 |
    // ISeqno 0 | frame type 6 (IAX) | subclass 0x1e (POKE)
    expect(poke.toString("hex")).toBe("81020000000000030000061e");
    const again = encodeFullFrame({ ...decodeOk(poke), retransmitted: true });
    expect(again.toString("hex")).toBe("81028000000000030000061e");
  });

  it("decodes a PONG with information elements, and refuses what is not a full frame", () => {
    const pong = Buffer.concat([
      frame({ source: 7, destination: 0x0102, subclass: PONG, oseqno: 0, iseqno: 1 }),
      Buffer.from([0x12, 0x04, 0, 0, 0, 9, 0x13, 0x00]), // two IEs, the second empty
    ]);
    expect(decodeOk(pong)).toMatchObject({
      source: 7,
      destination: 0x0102,
      frameType: FRAME_IAX,
      subclass: PONG,
      iseqno: 1,
      ies: [
        { type: 0x12, length: 4 },
        { type: 0x13, length: 0 },
      ],
    });
    const cases: [string, Buffer, RegExp][] = [
      ["empty", Buffer.alloc(0), /too short/],
      ["3 bytes", Buffer.from([0x80, 1, 0]), /too short/],
      ["mini frame", Buffer.from("0007000a0102030405", "hex"), /F bit clear/],
      ["truncated header", pong.subarray(0, 8), /truncated full frame header/],
      ["IE past the end", pong.subarray(0, pong.length - 3), /runs past the end/],
      ["half an IE", Buffer.concat([pong, Buffer.from([0x12])]), /truncated information element/],
      ["oversized", Buffer.alloc(MAX_FRAME + 1, 0x80), /oversized/],
    ];
    for (const [name, buf, why] of cases) {
      const d = decodeFullFrame(buf);
      expect(d.ok, name).toBe(false);
      if (!d.ok) expect(d.error, name).toMatch(why);
    }
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 63 }), fc.boolean(), (bytes, fullFlag) => {
        const b = Buffer.from(bytes);
        // half of them marked as full frames, so that decoding goes past the first byte
        if (b.length > 0 && fullFlag) b[0] = (b[0] as number) | 0x80;
        const d = decodeFullFrame(b);
        expect(typeof d.ok).toBe("boolean");
      }),
      { numRuns: 5000 },
    );
  });
});

function decodeOk(b: Buffer): FullFrame {
  const d = decodeFullFrame(b);
  if (!d.ok) throw new Error(d.error);
  return d.frame;
}

function frame(p: Partial<Omit<FullFrame, "ies">> & { destination: number }): Buffer {
  return encodeFullFrame({
    source: PEER_CALL,
    retransmitted: false,
    timestamp: 3,
    oseqno: 0,
    iseqno: 1,
    frameType: FRAME_IAX,
    subclass: PONG,
    ...p,
  });
}

// ---------------------------------------------------------------------------------------------
// Fake peers

interface Peer {
  port: number;
  /** Every full frame received, decoded. */
  frames: FullFrame[];
  socket: Socket;
}

const peers: Peer[] = [];

async function peer(
  answer: (f: FullFrame, reply: (b: Buffer) => void) => void,
  port = 0,
): Promise<Peer> {
  const socket = createSocket("udp4");
  const p: Peer = { port: 0, frames: [], socket };
  socket.on("message", (raw: Buffer, rinfo: RemoteInfo) => {
    const d = decodeFullFrame(raw);
    if (!d.ok) return;
    p.frames.push(d.frame);
    answer(d.frame, (b) => socket.send(b, rinfo.port, rinfo.address));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, HOST, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  p.port = socket.address().port;
  peers.push(p);
  return p;
}

/** What chan_iax2 does with a POKE: a PONG from a fresh call number, echoing the timestamp. */
const answersPoke = (f: FullFrame, reply: (b: Buffer) => void) => {
  if (f.frameType === FRAME_IAX && f.subclass === POKE && f.destination === 0)
    reply(frame({ destination: f.source, timestamp: f.timestamp, oseqno: 0, iseqno: 1 }));
};

afterAll(() => {
  for (const p of peers) p.socket.close();
});

describe("IAX2 probe against fake peers", () => {
  it("a POKE gets a PONG, which it acknowledges", async () => {
    const p = await peer(answersPoke);
    const [r, ms] = await timed(iax2Probe(HOST, p.port, { timeoutMs: 1000 }));
    expect(r.state).toBe("answered");
    expect(r.answer).toMatchObject({ reply: "PONG", peerCall: PEER_CALL, ies: 0 });
    expect(r.sent).toBe(1);
    expect(r.acked).toBe(true);
    expect(ms).toBeLessThan(500);
    // What the peer saw: one POKE to call 0, then an ACK for the PONG (RFC 5456: the ACK
    // carries the acknowledged frame's timestamp and the next expected sequence number).
    await new Promise((res) => setTimeout(res, 50));
    const [poke, ack] = p.frames;
    expect(poke).toMatchObject({ destination: 0, frameType: FRAME_IAX, subclass: POKE });
    expect(ack).toMatchObject({
      source: poke?.source,
      destination: PEER_CALL,
      frameType: FRAME_IAX,
      subclass: ACK,
      timestamp: poke?.timestamp,
      iseqno: 1,
      oseqno: 1,
    });
    expect(p.frames).toHaveLength(2);
  });

  it("any IAX control frame to its call proves IAX2 (an INVAL), without an ACK", async () => {
    const p = await peer((f, reply) => reply(frame({ destination: f.source, subclass: 0x0a })));
    const r = await iax2Probe(HOST, p.port, { timeoutMs: 1000 });
    expect(r.state).toBe("answered");
    expect(r.answer?.reply).toBe("INVAL");
    expect(r.acked).toBeUndefined();
  });

  it("a PONG after the retransmission still counts", async () => {
    const p = await peer((f, reply) => {
      if (f.retransmitted) answersPoke(f, reply);
    });
    const [r, ms] = await timed(iax2Probe(HOST, p.port, { timeoutMs: 600 }));
    expect(r.state).toBe("answered");
    expect(r.sent).toBe(2);
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(600);
  });

  it("silence is no-answer, after exactly one retransmission (R bit set), within the time-out", async () => {
    const p = await peer(() => {});
    const [r, ms] = await timed(iax2Probe(HOST, p.port, { timeoutMs: 600 }));
    expect(r.state).toBe("no-answer");
    expect(r.sent).toBe(2);
    expect(p.frames.map((f) => f.retransmitted)).toEqual([false, true]);
    expect(new Set(p.frames.map((f) => `${f.source}/${f.timestamp}/${f.oseqno}`)).size).toBe(1);
    expect(ms).toBeGreaterThanOrEqual(590);
    expect(ms).toBeLessThan(1100);
  });

  it("a closed port (ICMP port unreachable) is closed, at once", async () => {
    const [r, ms] = await timed(iax2Probe(HOST, await closedUdpPort(), { timeoutMs: 3000 }));
    expect(r.state).toBe("closed");
    expect(r.error).toMatch(/ECONNREFUSED/);
    expect(ms).toBeLessThan(1000);
  });

  it("hostile peers: garbage, truncated, oversized, mini frames, other calls, echo, flood", async () => {
    const raw = (b: Buffer | ((f: FullFrame) => Buffer)) =>
      peer((f, reply) => reply(typeof b === "function" ? b(f) : b));
    const hostile: [string, Peer, RegExp][] = [
      ["garbage", await raw(Buffer.from("SIP/2.0 400 Bad Request\r\n\r\n")), /F bit clear/],
      ["truncated", await raw((f) => frame({ destination: f.source }).subarray(0, 9)), /truncated/],
      ["oversized", await raw(Buffer.alloc(MAX_FRAME + 100, 0x80)), /oversized/],
      ["mini frame", await raw(Buffer.from("1234000a01020304", "hex")), /F bit clear/],
      ["other call", await raw((f) => frame({ destination: (f.source + 1) & 0x7fff })), /call/],
      ["echo", await raw((f) => encodeFullFrame(f)), /addressed to call 0/],
      [
        "voice frame",
        await raw((f) => frame({ destination: f.source, frameType: 2, subclass: 4 })),
        /instead of an IAX control frame/,
      ],
      [
        "broken IE",
        await raw((f) => Buffer.concat([frame({ destination: f.source }), Buffer.from([1, 9, 0])])),
        /runs past the end/,
      ],
      ["60 kB", await raw(Buffer.alloc(60_000, 0x81)), /oversized/],
    ];
    for (const [name, p, firstError] of hostile) {
      const [r, ms] = await timed(iax2Probe(HOST, p.port, { timeoutMs: 600 }));
      expect(r.state, name).toBe("not-iax2");
      expect(r.answer, name).toBeUndefined();
      expect(r.ignored.firstError, name).toMatch(firstError);
      expect(ms, name).toBeLessThan(1100);
    }
    const flood = await peer((_f, reply) => {
      for (let i = 0; i < 200; i++) reply(Buffer.from([0x00, i & 0xff, 0, 0]));
    });
    const [flooded, ms] = await timed(iax2Probe(HOST, flood.port, { timeoutMs: 3000 }));
    expect(flooded.state).toBe("error");
    expect(flooded.error).toMatch(/flood/);
    expect(ms).toBeLessThan(1500);
  });
});

// ---------------------------------------------------------------------------------------------
// A scan: facts, rules, CLI

async function scanOne(port: number, vantage: "internet" | "local" = "local") {
  const [scan] = await scanTargets([HOST], {
    ports: [{ port, transport: "udp" }],
    iax2Ports: [port],
    class: "pbx",
    vantage,
    timeoutMs: 600,
  });
  if (!scan) throw new Error("no scan");
  const report = runRules(scan.facts, ALL_RULES, settingsFrom({}));
  const results = (id: string) => report.results.filter((r) => r.rule === id);
  return { scan, results };
}

describe("a scan's IAX2 facts, and the rules judging them", () => {
  it("a PONG: an IAX2 service, enabled; VPX-05 fails, a non-default port passes VPX-04", async () => {
    const p = await peer(answersPoke);
    const { scan, results } = await scanOne(p.port, "internet");
    expect(scan.iax2.map((x) => x.state)).toEqual(["answered"]);
    expect(scan.skipped).toEqual([]);
    const svc = scan.facts.services.find((s) => s.kind === "iax2");
    expect(svc?.enabled).toMatchObject({ known: true, value: true });
    expect(svc?.ports).toMatchObject({
      value: [{ from: p.port, to: p.port, transport: "udp" }],
    });
    expect(svc?.enabled.at[0]).toMatchObject({
      kind: "probe",
      probe: "iax2-poke",
      port: p.port,
      transport: "udp",
    });
    expect(svc?.wan).toMatchObject({ known: true, value: { reachable: true } });
    expect(scan.facts.scan).toMatchObject({
      known: true,
      value: { udp: [{ port: p.port, answered: true }] },
    });
    const [unused] = results("iax2-disabled-if-unused");
    expect(unused?.status).toBe("fail");
    expect(unused?.severity).toBe("medium");
    expect(unused?.message).toMatch(/IAX2 answers a POKE .* from the internet/);
    expect(unused?.remediation?.commands?.lines.join("\n")).toMatch(/noload =>? ?chan_iax2\.so/);
    expect(results("sip-default-ports").map((r) => r.status)).toContain("pass");
    expect(scanSummary([scan])).toContain(`${p.port}/udp IAX2: IAX2 ANSWERS: POKE got PONG`);
  });

  it("port unreachable: enabled false and a pass; silence: unknown, never a pass", async () => {
    const closed = await scanOne(await closedUdpPort());
    expect(closed.scan.facts.services.find((s) => s.kind === "iax2")?.enabled).toMatchObject({
      known: true,
      value: false,
    });
    expect(closed.results("iax2-disabled-if-unused").map((r) => r.status)).toEqual(["pass"]);
    expect(closed.results("iax2-disabled-if-unused")[0]?.message).toMatch(/port unreachable/);

    const silent = await scanOne((await peer(() => {})).port);
    expect(silent.scan.facts.services.find((s) => s.kind === "iax2")?.enabled.known).toBe(false);
    const [r] = silent.results("iax2-disabled-if-unused");
    expect(r?.status).toBe("unknown");
    expect(r?.message).toMatch(/no answer to an IAX2 POKE/);
  });

  it("the CLI pokes 4569/udp and shows it in text and JSON", async (t) => {
    let p: Peer;
    try {
      p = await peer(answersPoke, 4569);
    } catch (err) {
      const why = `127.0.0.1:4569/udp is taken (${(err as Error).message}): cannot stand in for IAX2's default port`;
      process.stderr.write(`\n[bulwark] SKIPPED CLI on 4569/udp: ${why}\n`);
      t.skip();
      return;
    }
    const json = await runCli([
      "scan",
      HOST,
      "--class",
      "pbx",
      "--ports",
      "4569/udp",
      "--format",
      "json",
      "--timeout",
      "600",
    ]);
    const doc = JSON.parse(json.stdout) as {
      targets: {
        scan: { iax2: { state: string }[] };
        results: { rule: string; status: string }[];
      }[];
    };
    const target = doc.targets[0];
    expect(target?.scan.iax2).toEqual([expect.objectContaining({ port: 4569, state: "answered" })]);
    const statuses = (id: string) =>
      target?.results.filter((r) => r.rule === id).map((r) => r.status);
    expect(statuses("iax2-disabled-if-unused")).toEqual(["fail"]);
    // IAX2 on its default port: the VPX-04 finding, beside "nothing answered in SIP".
    expect(statuses("sip-default-ports")).toContain("fail");
    const text = await runCli(["scan", HOST, "--ports", "4569/udp", "--timeout", "600"]);
    expect(text.stdout).toMatch(/4569\/udp IAX2: IAX2 ANSWERS: POKE got PONG/);
    // Each run: one POKE and the ACK for its PONG (the last ACK may still be in flight).
    await new Promise((res) => setTimeout(res, 50));
    expect(p.frames.map((f) => f.subclass)).toEqual([POKE, ACK, POKE, ACK]);
  });
});
