/**
 * The RTSP probe against RTSP servers this test writes (loopback only): a stream handed out
 * without credentials, Digest and Basic challenges, a refusal, a stream only at a common path, no
 * stream at all, and hostile peers (garbage, stall, hang-up, an HTTP server, a flood). Then end to
 * end: scanTargets and the rtsp-stream-auth rule.
 */
import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settingsFrom } from "../src/engine/profile.js";
import { runRules } from "../src/engine/run.js";
import { ALL_RULES } from "../src/rules/index.js";
import { scanTargets } from "../src/scan/index.js";
import { parseRtspAnswer, rtspProbe } from "../src/scan/probes/rtsp.js";
import { FakeServers, LOOPBACK } from "./support/fake-server.js";

const HOST = LOOPBACK;
const fake = new FakeServers();

const SDP = [
  "v=0",
  "o=- 1 1 IN IP4 127.0.0.1",
  "s=Door camera",
  "t=0 0",
  "m=video 0 RTP/AVP 96",
  "a=rtpmap:96 H264/90000",
  "m=audio 0 RTP/AVP 0",
  "",
].join("\r\n");

interface Seen {
  method: string;
  path: string;
  authorization?: string;
}

/** An RTSP server: `answer` decides the reply to each request; every request is recorded. */
async function rtspServer(
  answer: (req: Seen) => { status: string; headers?: string[]; body?: string },
): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const port = await fake.tcp((s) => {
    let buf = "";
    s.on("data", (d) => {
      buf += d.toString("latin1");
      let end = buf.indexOf("\r\n\r\n");
      while (end >= 0) {
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        const lines = head.split("\r\n");
        const m = /^(\w+) rtsp:\/\/[^/]+(\/\S*) RTSP\/1\.0$/.exec(lines[0] ?? "");
        const cseq =
          lines
            .find((l) => /^cseq:/i.test(l))
            ?.split(":")[1]
            ?.trim() ?? "0";
        const auth = lines.find((l) => /^authorization:/i.test(l));
        const req: Seen = {
          method: m?.[1] ?? "?",
          path: m?.[2] ?? "?",
          ...(auth ? { authorization: auth } : {}),
        };
        seen.push(req);
        const a = answer(req);
        const body = a.body ?? "";
        s.write(
          [
            `RTSP/1.0 ${a.status}`,
            `CSeq: ${cseq}`,
            "Server: Test Door Streamer/2.1",
            ...(a.headers ?? []),
            ...(body ? ["Content-Type: application/sdp", `Content-Length: ${body.length}`] : []),
            "",
            body,
          ].join("\r\n"),
        );
        end = buf.indexOf("\r\n\r\n");
      }
    });
  });
  return { port, seen };
}

const raw = (onConn: (s: Socket) => void) => fake.tcp(onConn);

const OPTIONS_OK = {
  status: "200 OK",
  headers: ["Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN"],
};

let anonymous: Awaited<ReturnType<typeof rtspServer>>;
let digest: Awaited<ReturnType<typeof rtspServer>>;
let basic: Awaited<ReturnType<typeof rtspServer>>;
let forbidden: Awaited<ReturnType<typeof rtspServer>>;
let atLive: Awaited<ReturnType<typeof rtspServer>>;
let nowhere: Awaited<ReturnType<typeof rtspServer>>;
let lockedOptions: Awaited<ReturnType<typeof rtspServer>>;

beforeAll(async () => {
  anonymous = await rtspServer((q) =>
    q.method === "OPTIONS" ? OPTIONS_OK : { status: "200 OK", body: SDP },
  );
  digest = await rtspServer((q) =>
    q.method === "OPTIONS"
      ? OPTIONS_OK
      : {
          status: "401 Unauthorized",
          headers: ['WWW-Authenticate: Digest realm="door", nonce="5f1e"'],
        },
  );
  basic = await rtspServer((q) =>
    q.method === "OPTIONS"
      ? OPTIONS_OK
      : { status: "401 Unauthorized", headers: ['WWW-Authenticate: Basic realm="door"'] },
  );
  forbidden = await rtspServer((q) =>
    q.method === "OPTIONS" ? OPTIONS_OK : { status: "403 Forbidden" },
  );
  atLive = await rtspServer((q) =>
    q.method === "OPTIONS"
      ? OPTIONS_OK
      : q.path === "/live"
        ? { status: "200 OK", body: SDP }
        : { status: "404 Not Found" },
  );
  nowhere = await rtspServer((q) =>
    q.method === "OPTIONS" ? OPTIONS_OK : { status: "404 Not Found" },
  );
  lockedOptions = await rtspServer(() => ({
    status: "401 Unauthorized",
    headers: ['WWW-Authenticate: Digest realm="cam", nonce="1"'],
  }));
});

afterAll(() => fake.closeAll());

describe("RTSP probe against servers written here", () => {
  it("an SDP answered without credentials is an anonymous stream, with its media", async () => {
    const r = await rtspProbe(HOST, anonymous.port, { timeoutMs: 2000 });
    expect(r.state).toBe("rtsp");
    expect(r.stream).toEqual({ verdict: "anonymous", path: "/", schemes: [] });
    expect(r.answers[0]).toMatchObject({
      method: "OPTIONS",
      status: 200,
      server: "Test Door Streamer/2.1",
    });
    expect(r.answers[0]?.methods).toContain("DESCRIBE");
    expect(r.answers[1]).toMatchObject({
      method: "DESCRIBE",
      sdp: true,
      media: ["video", "audio"],
    });
    expect(anonymous.seen.every((q) => q.authorization === undefined)).toBe(true);
  });

  it("tells Digest from Basic challenges, and a refusal", async () => {
    expect((await rtspProbe(HOST, digest.port, { timeoutMs: 2000 })).stream).toEqual({
      verdict: "auth-required",
      path: "/",
      schemes: ["digest"],
    });
    expect((await rtspProbe(HOST, basic.port, { timeoutMs: 2000 })).stream?.schemes).toEqual([
      "basic",
    ]);
    expect((await rtspProbe(HOST, forbidden.port, { timeoutMs: 2000 })).stream?.verdict).toBe(
      "forbidden",
    );
    const locked = await rtspProbe(HOST, lockedOptions.port, { timeoutMs: 2000 });
    expect(locked.stream).toMatchObject({ verdict: "auth-required", schemes: ["digest"] });
  });

  it("tries common paths when the root has no stream, in at most four requests", async () => {
    const r = await rtspProbe(HOST, atLive.port, { timeoutMs: 2000 });
    expect(r.stream).toMatchObject({ verdict: "anonymous", path: "/live" });
    expect(atLive.seen.map((q) => `${q.method} ${q.path}`)).toEqual([
      "OPTIONS /",
      "DESCRIBE /",
      "DESCRIBE /live",
    ]);
    const none = await rtspProbe(HOST, nowhere.port, { timeoutMs: 2000 });
    expect(none.stream?.verdict).toBe("not-found");
    expect(nowhere.seen).toHaveLength(4);
  });

  it("parses answers split anywhere and rejects other protocols", () => {
    const text = Buffer.from(
      `RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Length: ${SDP.length}\r\n\r\n${SDP}`,
    );
    expect(parseRtspAnswer(text.subarray(0, 3), false)).toBeUndefined();
    expect(parseRtspAnswer(text.subarray(0, 40), false)).toBeUndefined();
    expect(parseRtspAnswer(text, false)).toMatchObject({
      ok: true,
      answer: { status: 200, sdp: true },
    });
    expect(parseRtspAnswer(Buffer.from("HTTP/1.1 400 Bad Request\r\n\r\n"), false)).toMatchObject({
      ok: false,
      state: "not-rtsp",
    });
  });
});

describe("hostile RTSP peers end cleanly within the time-out", () => {
  const timed = async (port: number) => {
    const t0 = Date.now();
    const r = await rtspProbe(HOST, port, { timeoutMs: 1000 });
    return { r, ms: Date.now() - t0 };
  };

  it("garbage, an HTTP server and a flood are not RTSP; a stall and a hang-up no answer", async () => {
    const garbage = await raw((s) => s.end(Buffer.from([0, 1, 2, 0xfe, 10, 13])));
    const httpServer = await raw((s) =>
      s.once("data", () => s.end("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")),
    );
    const flood = await raw((s) =>
      s.once("data", () => {
        s.write("RTSP/1.0 200 OK\r\n");
        const chunk = Buffer.from(`X-Pad: ${"b".repeat(4000)}\r\n`);
        let n = 0;
        const go = () => {
          while (!s.destroyed && n < 2500 && s.write(chunk)) n++;
        };
        s.on("drain", go);
        go();
      }),
    );
    const stall = await raw(() => {});
    const hangUp = await raw((s) => s.destroy());
    const cut = await raw((s) => s.once("data", () => s.end("RTSP/1.0 200 OK\r\nCSeq:")));
    for (const port of [garbage, httpServer, flood]) {
      const { r, ms } = await timed(port);
      expect(r.state, `port ${port}: ${r.error}`).toBe("not-rtsp");
      expect(ms).toBeLessThan(1500);
      expect(r.stream).toBeUndefined();
    }
    for (const port of [stall, hangUp]) {
      const { r, ms } = await timed(port);
      expect(r.state).toBe("no-answer");
      expect(ms).toBeLessThan(1500);
    }
    const c = await timed(cut);
    expect(c.r.state).toBe("not-rtsp");
    expect(c.ms).toBeLessThan(1500);
  });
});

describe("RTSP facts and the stream rule, end to end", () => {
  it("a scan marks the anonymous stream and the challenged one; the rule judges both", async () => {
    const ports = [anonymous.port, digest.port, basic.port];
    const [scan] = await scanTargets([HOST], {
      ports: ports.map((port) => ({ port, transport: "tcp" as const })),
      rtspPorts: ports,
      class: "intercom",
      timeoutMs: 1500,
    });
    const facts = scan?.facts;
    if (!facts) throw new Error("no scan");
    // RTSP ports are asked in RTSP, not greeted with a TLS handshake.
    expect(scan?.tls).toEqual([]);
    const on = (port: number) =>
      facts.services.find((s) => s.ports.known && s.ports.value[0]?.from === port);
    expect(on(anonymous.port)).toMatchObject({
      kind: "rtsp",
      id: `rtsp-${anonymous.port}`,
      label: `RTSP on ${anonymous.port}/tcp`,
      auth: { anonymous: { known: true, value: true } },
    });
    expect(on(anonymous.port)?.auth.anonymous?.at[0]).toMatchObject({
      kind: "probe",
      probe: "rtsp-describe",
      excerpt: expect.stringContaining("DESCRIBE / → 200 OK; SDP (video, audio)"),
    });
    expect(on(digest.port)?.auth).toMatchObject({
      anonymous: { value: false },
      challengeSchemes: { value: ["digest"] },
    });
    const report = runRules(facts, ALL_RULES, settingsFrom({}));
    const verdicts = report.results
      .filter((x) => x.rule === "rtsp-stream-auth")
      .map((x) => [x.subject, x.status]);
    expect(verdicts).toEqual([
      [`RTSP on ${anonymous.port}/tcp`, "fail"],
      [`RTSP on ${digest.port}/tcp`, "pass"],
      [`RTSP on ${basic.port}/tcp`, "fail"],
    ]);
  });
});
