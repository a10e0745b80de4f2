import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildRequest,
  getHeader,
  getHeaders,
  newBranch,
  parseCSeq,
  parseMessage,
  parseVia,
  SIP_USER_AGENT,
  SipStreamFramer,
  serialize,
  tagOf,
  topBranch,
} from "../src/scan/sip/message.js";

const RESPONSE = [
  "SIP/2.0 200 OK",
  "v: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKabc;rport=5070",
  "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKdef, SIP/2.0/TCP 10.0.0.2;branch=z9hG4bKghi",
  "f: <sip:a@b>;tag=111",
  "t: <sip:c@d>;tag=222",
  "i: call-1@host",
  "CSeq: 42 OPTIONS",
  "Server: Asterisk PBX",
  "  18.2.0",
  "Allow: INVITE, ACK, CANCEL",
  "allow: OPTIONS",
  'm: <sip:x@y;transport=tcp>, "Doe, J" <sip:z@w>',
  "k: replaces, timer",
  "c: application/sdp",
  "l: 4",
  "",
  "v=0\r\nEXTRA",
].join("\r\n");

describe("SIP message parser", () => {
  it("parses a response with compact, repeated, list and folded headers", () => {
    const r = parseMessage(RESPONSE);
    expect(r.ok).toBe(true);
    if (!r.ok || r.message.kind !== "response") throw new Error("expected a response");
    const m = r.message;
    expect(m.status).toBe(200);
    expect(m.statusLine).toBe("SIP/2.0 200 OK");
    expect(getHeader(m, "VIA")).toContain("z9hG4bKabc");
    expect(getHeaders(m, "v")).toHaveLength(3);
    expect(topBranch(m)).toBe("z9hG4bKabc");
    expect(tagOf(getHeader(m, "From"))).toBe("111");
    expect(tagOf(getHeader(m, "t"))).toBe("222");
    expect(getHeader(m, "call-id")).toBe("call-1@host");
    expect(parseCSeq(getHeader(m, "cseq"))).toEqual({ seq: 42, method: "OPTIONS" });
    expect(getHeader(m, "server")).toBe("Asterisk PBX 18.2.0");
    expect(getHeaders(m, "Allow")).toEqual(["INVITE", "ACK", "CANCEL", "OPTIONS"]);
    expect(getHeaders(m, "Contact")).toEqual(["<sip:x@y;transport=tcp>", '"Doe, J" <sip:z@w>']);
    expect(getHeaders(m, "Supported")).toEqual(["replaces", "timer"]);
    expect(m.body).toBe("v=0\r");
  });

  it("parses a request and its Via", () => {
    const r = parseMessage(
      "INVITE sip:100@pbx SIP/2.0\nVia: SIP/2.0/TLS [::1]:5061;branch=z9hG4bK1\nCSeq: 1 INVITE\n\n",
    );
    if (!r.ok || r.message.kind !== "request") throw new Error("expected a request");
    expect(r.message.method).toBe("INVITE");
    expect(r.message.uri).toBe("sip:100@pbx");
    expect(parseVia(getHeader(r.message, "Via") ?? "")).toEqual({
      protocol: "SIP/2.0",
      transport: "TLS",
      sentBy: "[::1]:5061",
      branch: "z9hG4bK1",
    });
  });

  it("returns located errors for garbage, never throws", () => {
    const cases: [string | Buffer, RegExp][] = [
      ["", /empty/],
      ["HTTP/1.1 200 OK\r\n\r\n", /not a SIP/],
      ["SSH-2.0-OpenSSH_9.2\r\n", /not a SIP/],
      ["SIP/2.0 200 OK\r\nVia SIP/2.0/UDP x\r\n\r\n", /colon/],
      ["SIP/2.0 200 OK\r\n folded-first\r\n\r\n", /continuation/],
      ["SIP/2.0 200 OK\r\nContent-Length: 99\r\n\r\nshort", /shorter/],
      ["SIP/2.0 200 OK\r\nContent-Length: -1\r\n\r\n", /Content-Length/],
      [Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05]), /control character/],
      [Buffer.alloc(70_000, 65), /too large/],
    ];
    for (const [input, reason] of cases) {
      const r = parseMessage(input);
      expect(r.ok, String(input).slice(0, 20)).toBe(false);
      if (!r.ok) {
        expect(r.error.reason).toMatch(reason);
        expect(r.error.offset).toBeGreaterThanOrEqual(0);
      }
    }
    const r = parseMessage("SIP/2.0 200 OK\r\nGood: 1\r\nBad line\r\n\r\n");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.line).toBe(3);
  });

  it("never throws on arbitrary bytes (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const buf = Buffer.from(bytes);
        parseMessage(buf);
        const f = new SipStreamFramer();
        f.push(buf);
        f.push(buf);
      }),
      { numRuns: 500 },
    );
  });
});

describe("SIP message builder", () => {
  it("builds an RFC 3261 request that round-trips", () => {
    const branch = newBranch();
    expect(branch).toMatch(/^z9hG4bK[0-9a-f]{20}$/);
    expect(newBranch()).not.toBe(branch);
    const req = buildRequest({
      method: "OPTIONS",
      uri: "sip:[::1]:5060",
      transport: "udp",
      localHost: "::1",
      localPort: 40000,
      branch,
      from: "<sip:bulwark@[::1]>",
      fromTag: "abc",
      to: "<sip:[::1]:5060>",
      callId: "cid",
      cseq: 7,
      body: "hello",
      contentType: "text/plain",
    });
    const text = serialize(req);
    expect(
      text.startsWith("OPTIONS sip:[::1]:5060 SIP/2.0\r\nVia: SIP/2.0/UDP [::1]:40000;branch="),
    ).toBe(true);
    expect(text).toContain("\r\nMax-Forwards: 70\r\n");
    expect(text).toContain(`\r\nUser-Agent: ${SIP_USER_AGENT}\r\n`);
    expect(SIP_USER_AGENT).toMatch(/^bulwark-scan\//);
    expect(text.toLowerCase()).not.toContain("friendly-scanner");
    expect(text.endsWith("Content-Length: 5\r\n\r\nhello")).toBe(true);
    const back = parseMessage(text);
    if (!back.ok || back.message.kind !== "request") throw new Error("round trip failed");
    expect(topBranch(back.message)).toBe(branch);
    expect(tagOf(getHeader(back.message, "From"))).toBe("abc");
    expect(parseCSeq(getHeader(back.message, "CSeq"))).toEqual({ seq: 7, method: "OPTIONS" });
    expect(back.message.body).toBe("hello");
  });

  it("refuses header injection", () => {
    const req = buildRequest({
      method: "OPTIONS",
      uri: "sip:x",
      transport: "UDP",
      localHost: "127.0.0.1",
      localPort: 1,
      from: "<sip:a@b>",
      fromTag: "t",
      to: "<sip:x>",
      callId: "c",
      cseq: 1,
      headers: [{ name: "X", value: "a\r\nEvil: 1" }],
    });
    expect(() => serialize(req)).toThrow(/line break/);
  });
});

describe("SIP stream framer", () => {
  const msg = (n: number, body = "") =>
    `SIP/2.0 200 OK\r\nCSeq: ${n} OPTIONS\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

  it("frames by Content-Length across arbitrary chunk boundaries, skipping keep-alive CRLFs", () => {
    const stream = Buffer.from(`\r\n\r\n${msg(1, "abc")}${msg(2)}\r\n${msg(3, "0123456789")}`);
    for (const size of [1, 2, 7, 64, stream.length]) {
      const f = new SipStreamFramer();
      const got: number[] = [];
      const bodies: string[] = [];
      for (let i = 0; i < stream.length; i += size) {
        for (const m of f.push(stream.subarray(i, i + size))) {
          got.push(parseCSeq(getHeader(m, "CSeq"))?.seq ?? -1);
          bodies.push(m.body);
        }
      }
      expect(got).toEqual([1, 2, 3]);
      expect(bodies).toEqual(["abc", "", "0123456789"]);
      expect(f.error).toBeUndefined();
      expect(f.pending).toBe(0);
    }
  });

  it("fails early on a non-SIP stream and stays failed", () => {
    const f = new SipStreamFramer();
    expect(f.push(Buffer.from("HTTP/1.1 400 Bad Request\r\n"))).toEqual([]);
    expect(f.error?.reason).toMatch(/not a SIP/);
    expect(f.push(Buffer.from(msg(1)))).toEqual([]);
    const g = new SipStreamFramer();
    g.push(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]));
    expect(g.error?.reason).toMatch(/control character/);
    const h = new SipStreamFramer();
    h.push(Buffer.alloc(70_000, 0x41));
    expect(h.error).toBeDefined();
  });
});
