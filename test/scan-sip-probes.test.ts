/**
 * The SIP probes against SIP responders written here (loopback only):
 * a registrar that requires auth and leaks existence (404), one with
 * alwaysauthreject, one that accepts anonymous calls, one that rings until
 * cancelled, a silent peer, and garbage / flood peers. UDP, TCP and TLS.
 */
import { execFileSync } from "node:child_process";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  sipEnumeration,
  sipInviteNoAuth,
  sipOptions,
  sipRegisterNoAuth,
} from "../src/scan/sip/probes.js";
import type { SipTarget, SipTransportName } from "../src/scan/sip/transport.js";

// --- a tiny, independent SIP responder ------------------------------------

interface Req {
  method: string;
  uri: string;
  headers: Map<string, string[]>;
  raw: string;
}

const LONG: Record<string, string> = {
  v: "via",
  f: "from",
  t: "to",
  i: "call-id",
  l: "content-length",
};

function parseReq(text: string): Req | undefined {
  const [head = ""] = text.split("\r\n\r\n");
  const lines = head.split("\r\n");
  const m = /^(\w+) (\S+) SIP\/2\.0$/.exec(lines[0] ?? "");
  if (!m) return undefined;
  const headers = new Map<string, string[]>();
  for (const l of lines.slice(1)) {
    const i = l.indexOf(":");
    const k = l.slice(0, i).trim().toLowerCase();
    const name = LONG[k] ?? k;
    headers.set(name, [...(headers.get(name) ?? []), l.slice(i + 1).trim()]);
  }
  return { method: m[1] as string, uri: m[2] as string, headers, raw: text };
}

const h1 = (r: Req, n: string) => r.headers.get(n)?.[0] ?? "";

function respond(req: Req, status: string, extra: string[] = [], toTag = "srvtag"): string {
  const to = h1(req, "to");
  const lines = [
    `SIP/2.0 ${status}`,
    ...(req.headers.get("via") ?? []).map((v) => `Via: ${v}`),
    `From: ${h1(req, "from")}`,
    `To: ${/;tag=/.test(to) || status.startsWith("100") ? to : `${to};tag=${toTag}`}`,
    `Call-ID: ${h1(req, "call-id")}`,
    `CSeq: ${h1(req, "cseq")}`,
    "Server: LabPBX 1.0",
    ...extra,
    "Content-Length: 0",
    "",
    "",
  ];
  return lines.join("\r\n");
}

type Behaviour =
  | "auth"
  | "alwaysauthreject"
  | "anonymous"
  | "ringing"
  | "silent"
  | "garbage"
  | "flood";

interface Seen {
  method: string;
  at: number;
  branch: string;
  cseq: string;
  raw: string;
}

const EXISTING = "100";
const CHALLENGE = 'WWW-Authenticate: Digest realm="lab", nonce="abc", algorithm=MD5';

/** Returns the replies to send for one request (given the behaviour). */
function behave(b: Behaviour, req: Req, pendingInvites: Map<string, Req>): string[] {
  const user = /^sips?:([^@;]+)@/.exec(
    req.method === "REGISTER" ? h1(req, "to").replace(/^.*</, "") : req.uri,
  )?.[1];
  switch (req.method) {
    case "OPTIONS":
      return [
        respond(req, "200 OK", ["Allow: INVITE, ACK, CANCEL, OPTIONS, BYE", "Allow: REGISTER"]),
      ];
    case "ACK":
      return [];
    case "BYE":
      return [respond(req, "200 OK")];
    case "CANCEL": {
      const inv = pendingInvites.get(h1(req, "call-id"));
      if (!inv) return [respond(req, "481 Call/Transaction Does Not Exist")];
      pendingInvites.delete(h1(req, "call-id"));
      return [respond(req, "200 OK"), respond(inv, "487 Request Terminated")];
    }
    case "REGISTER":
    case "INVITE": {
      const trying = req.method === "INVITE" ? [respond(req, "100 Trying")] : [];
      if (b === "alwaysauthreject" || (b === "auth" && user === EXISTING)) {
        return [...trying, respond(req, "401 Unauthorized", [CHALLENGE])];
      }
      if (b === "auth") return [...trying, respond(req, "404 Not Found")];
      if (req.method === "REGISTER") return [respond(req, "200 OK", ["Expires: 60"])];
      if (b === "ringing") {
        pendingInvites.set(h1(req, "call-id"), req);
        return [...trying, respond(req, "180 Ringing")];
      }
      return [
        ...trying,
        respond(req, "180 Ringing"),
        respond(req, "200 OK", ["Contact: <sip:100@127.0.0.1>"]),
      ];
    }
    default:
      return [respond(req, "501 Not Implemented")];
  }
}

function garbage(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 37 + 11) & 0xff;
  return b;
}

class Responder {
  seen: Seen[] = [];
  private pendingInvites = new Map<string, Req>();
  private udp?: UdpSocket;
  private server?: Server;
  private sockets = new Set<Socket>();
  port = 0;

  constructor(
    readonly behaviour: Behaviour,
    readonly transport: SipTransportName,
    readonly host = "127.0.0.1",
  ) {}

  private record(req: Req): void {
    const via = h1(req, "via");
    this.seen.push({
      method: req.method,
      at: Date.now(),
      branch: /branch=([^;,\s]+)/.exec(via)?.[1] ?? "",
      cseq: h1(req, "cseq"),
      raw: req.raw,
    });
  }

  private replies(req: Req): Buffer[] {
    if (this.behaviour === "silent") return [];
    if (this.behaviour === "garbage") return [garbage(300)];
    if (this.behaviour === "flood") return Array.from({ length: 500 }, () => garbage(200));
    return behave(this.behaviour, req, this.pendingInvites).map((s) => Buffer.from(s));
  }

  async start(): Promise<this> {
    if (this.transport === "udp") {
      const sock = createSocket(this.host.includes(":") ? "udp6" : "udp4");
      this.udp = sock;
      sock.on("message", (msg, rinfo) => {
        const req = parseReq(msg.toString("latin1"));
        if (!req) return;
        this.record(req);
        for (const r of this.replies(req)) sock.send(r, rinfo.port, rinfo.address);
      });
      await new Promise<void>((res) => sock.bind(0, this.host, () => res()));
      this.port = sock.address().port;
      return this;
    }
    const onConn = (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
      s.on("error", () => {});
      let buf = "";
      s.on("data", (d: Buffer) => {
        buf += d.toString("latin1");
        for (;;) {
          const end = buf.indexOf("\r\n\r\n");
          if (end < 0) return;
          const len = Number(
            /\r\n(?:content-length|l)\s*:\s*(\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0,
          );
          if (buf.length < end + 4 + len) return;
          const text = buf.slice(0, end + 4 + len);
          buf = buf.slice(end + 4 + len);
          const req = parseReq(text);
          if (!req) return;
          this.record(req);
          for (const r of this.replies(req)) if (!s.destroyed) s.write(r);
        }
      });
    };
    this.server =
      this.transport === "tls"
        ? createTlsServer({ key: tls().key, cert: tls().cert }, onConn)
        : createTcpServer(onConn);
    await new Promise<void>((res) => this.server?.listen(0, this.host, () => res()));
    const addr = this.server.address();
    this.port = typeof addr === "object" && addr ? addr.port : 0;
    return this;
  }

  target(): SipTarget {
    return { host: this.host, port: this.port, transport: this.transport };
  }

  methods(): string[] {
    return this.seen.map((s) => s.method);
  }

  async stop(): Promise<void> {
    this.udp?.close();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((res) => (this.server ? this.server.close(() => res()) : res()));
  }
}

// --- TLS material (self-signed, made here) --------------------------------

let tlsMaterial: { key: string; cert: string } | undefined;
let tmp: string | undefined;
function tls(): { key: string; cert: string } {
  if (!tlsMaterial) throw new Error("no TLS material");
  return tlsMaterial;
}
function haveOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
const HAVE_OPENSSL = haveOpenssl();

beforeAll(() => {
  if (!HAVE_OPENSSL) return;
  tmp = mkdtempSync(join(tmpdir(), "bulwark-sip-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      join(tmp, "key.pem"),
      "-out",
      join(tmp, "cert.pem"),
      "-days",
      "1",
      "-subj",
      "/CN=sip.lab.test",
    ],
    { stdio: "ignore" },
  );
  tlsMaterial = {
    key: readFileSync(join(tmp, "key.pem"), "utf8"),
    cert: readFileSync(join(tmp, "cert.pem"), "utf8"),
  };
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const FAST = { timers: { t1Ms: 50, t2Ms: 400, timeoutMs: 1500, connectTimeoutMs: 1500 } };

async function withResponder<T>(
  b: Behaviour,
  t: SipTransportName,
  fn: (r: Responder) => Promise<T>,
  host?: string,
): Promise<T> {
  const r = await new Responder(b, t, host).start();
  try {
    return await fn(r);
  } finally {
    await r.stop();
  }
}

/** The peer reads our last datagram/segment asynchronously: wait (bounded) for it. */
async function until(cond: () => boolean, ms = 1000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

const TRANSPORTS: SipTransportName[] = HAVE_OPENSSL ? ["udp", "tcp", "tls"] : ["udp", "tcp"];

// --- tests -----------------------------------------------------------------

describe.each(TRANSPORTS)("SIP probes over %s", (transport) => {
  it("OPTIONS reports server, Allow and status; identifies neutrally", async () => {
    await withResponder("auth", transport, async (r) => {
      const res = await sipOptions(r.target(), FAST);
      expect(res.outcome).toBe("answered");
      expect(res.status).toBe(200);
      expect(res.statusLine).toBe("SIP/2.0 200 OK");
      expect(res.server).toBe("LabPBX 1.0");
      expect(res.allow).toEqual(["INVITE", "ACK", "CANCEL", "OPTIONS", "BYE", "REGISTER"]);
      expect(res.exchanges[0]?.finalAtMs).toBeGreaterThanOrEqual(0);
      const raw = r.seen[0]?.raw ?? "";
      expect(raw).toMatch(/\r\nUser-Agent: bulwark-scan\/[^\r]+\r\n/);
      expect(raw.toLowerCase()).not.toContain("friendly-scanner");
      expect(raw).toContain(`SIP/2.0/${transport.toUpperCase()} `);
      expect(r.seen[0]?.branch).toMatch(/^z9hG4bK/);
      if (transport === "tls") {
        expect(res.certificate?.subject).toContain("CN=sip.lab.test");
        expect(res.certificate?.selfSigned).toBe(true);
        expect(res.certificate?.authorized).toBe(false);
      }
    });
  });

  it("registrar requiring auth: challenge for the existing user, 404 for a random one → enumerable", async () => {
    await withResponder("auth", transport, async (r) => {
      const reg = await sipRegisterNoAuth(r.target(), EXISTING, FAST);
      expect(reg.verdict).toBe("auth-required");
      expect(reg.challenge).toEqual({
        header: "WWW-Authenticate",
        scheme: "Digest",
        realm: "lab",
        algorithm: "MD5",
      });
      const inv = await sipInviteNoAuth(r.target(), EXISTING, FAST);
      expect(inv.verdict).toBe("auth-required");
      expect(inv.statusLine).toBe("SIP/2.0 401 Unauthorized");
      expect(inv.cleanup.map((c) => c.method)).toContain("ACK");
      const enumReg = await sipEnumeration(r.target(), EXISTING, "4711", FAST);
      expect(enumReg.enumerable).toBe(true);
      expect(enumReg.basis).toBe("status 401 vs 404");
      expect(enumReg.random.verdict).toBe("not-found");
      const enumInv = await sipEnumeration(r.target(), EXISTING, undefined, {
        ...FAST,
        method: "INVITE",
      });
      expect(enumInv.enumerable).toBe(true);
      // every INVITE's final response was ACKed on the INVITE's own branch
      await until(() => r.methods().filter((m) => m === "ACK").length >= 3);
      const invites = r.seen.filter((s) => s.method === "INVITE");
      const acks = r.seen.filter((s) => s.method === "ACK");
      for (const i of invites) expect(acks.some((a) => a.branch === i.branch)).toBe(true);
    });
  });

  it("alwaysauthreject: same 401 for everyone → not enumerable", async () => {
    await withResponder("alwaysauthreject", transport, async (r) => {
      const e = await sipEnumeration(r.target(), EXISTING, undefined, FAST);
      expect(e.enumerable).toBe(false);
      expect(e.basis).toBe("same answer");
      expect(e.existing.verdict).toBe("auth-required");
      expect(e.random.verdict).toBe("auth-required");
    });
  });

  it("anonymous INVITE accepted: reports it, then ACKs and BYEs the call", async () => {
    await withResponder("anonymous", transport, async (r) => {
      const res = await sipInviteNoAuth(r.target(), "200", FAST);
      expect(res.verdict).toBe("call-accepted");
      expect(res.status).toBe(200);
      expect(res.exchanges[0]?.provisional.map((p) => p.status)).toEqual([100, 180]);
      expect(res.cleanup.find((c) => c.method === "BYE")?.statusLine).toBe("SIP/2.0 200 OK");
      const m = r.methods();
      expect(m).toContain("ACK");
      expect(m[m.length - 1]).toBe("BYE");
      const bye = r.seen.find((s) => s.method === "BYE");
      expect(bye?.raw).toMatch(/\r\nTo: [^\r]*;tag=srvtag/);
      const reg = await sipRegisterNoAuth(r.target(), "200", FAST);
      expect(reg.verdict).toBe("registered-without-auth");
      // and the binding we created was removed (Expires: 0)
      expect(r.seen.filter((s) => s.method === "REGISTER").at(-1)?.raw).toMatch(
        /\r\nExpires: 0\r\n/,
      );
    });
  });

  it("a ringing call is cancelled (CANCEL on the INVITE branch, 487 ACKed)", async () => {
    await withResponder("ringing", transport, async (r) => {
      const res = await sipInviteNoAuth(r.target(), "300", FAST);
      expect(res.verdict).toBe("call-progressing");
      expect(res.statusLine).toBe("SIP/2.0 487 Request Terminated");
      expect(res.cleanup.map((c) => c.method)).toEqual(["CANCEL", "ACK"]);
      const invite = r.seen.find((s) => s.method === "INVITE");
      const cancel = r.seen.find((s) => s.method === "CANCEL");
      expect(cancel?.branch).toBe(invite?.branch);
      expect(cancel?.cseq.split(" ")[0]).toBe(invite?.cseq.split(" ")[0]);
      await until(() => r.methods().includes("ACK"));
      expect(r.seen.find((s) => s.method === "ACK")?.branch).toBe(invite?.branch);
    });
  });

  it("garbage answers → not SIP, no crash", async () => {
    await withResponder("garbage", transport, async (r) => {
      const res = await sipOptions(r.target(), FAST);
      expect(res.outcome).toBe("not-sip");
      expect(res.status).toBeUndefined();
      expect(res.durationMs).toBeLessThan(3000);
    });
  });

  it("a flood → not SIP, bounded", async () => {
    await withResponder("flood", transport, async (r) => {
      const res = await sipInviteNoAuth(r.target(), "100", FAST);
      expect(res.outcome).toBe("not-sip");
      expect(res.durationMs).toBeLessThan(3000);
    });
  });
});

describe("SIP over UDP: timers", () => {
  it("a silent peer sees timer-A retransmissions (T1 doubling) and we report no answer after timer B", async () => {
    await withResponder("silent", "udp", async (r) => {
      const t0 = Date.now();
      const res = await sipInviteNoAuth(r.target(), "100", {
        timers: { t1Ms: 100, timeoutMs: 1000 },
      });
      const elapsed = Date.now() - t0;
      expect(res.outcome).toBe("no-answer");
      expect(res.verdict).toBe("none");
      expect(res.exchanges[0]?.timedOut).toBe(true);
      // sends at 0, 100, 300, 700 ms (next would be 1500 > timer B)
      expect(res.exchanges[0]?.sentAtMs).toHaveLength(4);
      expect(r.seen).toHaveLength(4);
      expect(new Set(r.seen.map((s) => s.branch)).size).toBe(1); // retransmissions reuse the branch
      const gaps = r.seen.slice(1).map((s, i) => s.at - (r.seen[i]?.at ?? 0));
      expect(gaps[0]).toBeGreaterThanOrEqual(80);
      expect(gaps[1]).toBeGreaterThanOrEqual(180);
      expect(gaps[2]).toBeGreaterThanOrEqual(370);
      expect(elapsed).toBeGreaterThanOrEqual(950);
      expect(elapsed).toBeLessThan(2500);
    });
  });

  it("non-INVITE retransmission is capped at T2", async () => {
    await withResponder("silent", "udp", async (r) => {
      const res = await sipOptions(r.target(), { timers: { t1Ms: 50, t2Ms: 100, timeoutMs: 600 } });
      expect(res.outcome).toBe("no-answer");
      const gaps = r.seen.slice(1).map((s, i) => s.at - (r.seen[i]?.at ?? 0));
      expect(gaps.length).toBeGreaterThanOrEqual(5);
      for (const g of gaps.slice(1)) expect(g).toBeLessThan(300); // doubling would give 200, 400
    });
  });

  it("a closed UDP port is unreachable or no answer, quickly", async () => {
    const s = createSocket("udp4");
    await new Promise<void>((res) => s.bind(0, "127.0.0.1", () => res()));
    const port = s.address().port;
    s.close();
    const res = await sipOptions({ host: "127.0.0.1", port, transport: "udp" }, FAST);
    expect(["unreachable", "no-answer"]).toContain(res.outcome);
    expect(res.durationMs).toBeLessThan(2500);
  });

  it("works over IPv6 loopback", async () => {
    let r: Responder | undefined;
    try {
      r = await new Responder("auth", "udp", "::1").start();
    } catch {
      return; // no IPv6 on this host
    }
    try {
      const res = await sipOptions(r.target(), FAST);
      expect(res.status).toBe(200);
      expect(r.seen[0]?.raw).toMatch(
        /^OPTIONS sip:\[::1\]:\d+ SIP\/2\.0\r\nVia: SIP\/2\.0\/UDP \[::1\]:/,
      );
    } finally {
      await r.stop();
    }
  });
});

describe("SIP over TCP: hostile peers", () => {
  it("a refused TCP port is unreachable", async () => {
    const srv = createTcpServer();
    await new Promise<void>((res) => srv.listen(0, "127.0.0.1", () => res()));
    const addr = srv.address();
    const port = typeof addr === "object" && addr ? addr.port : 0;
    await new Promise<void>((res) => srv.close(() => res()));
    const res = await sipOptions({ host: "127.0.0.1", port, transport: "tcp" }, FAST);
    expect(res.outcome).toBe("unreachable");
  });

  it("a peer that accepts and stalls, or closes at once, ends within the time-out", async () => {
    const sockets: Socket[] = [];
    for (const mode of ["stall", "close"] as const) {
      const srv = createTcpServer((s) => {
        sockets.push(s);
        if (mode === "close") s.destroy();
      });
      await new Promise<void>((res) => srv.listen(0, "127.0.0.1", () => res()));
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      const res = await sipOptions({ host: "127.0.0.1", port, transport: "tcp" }, FAST);
      expect(res.outcome).toBe("no-answer");
      expect(res.durationMs).toBeLessThan(2500);
      for (const s of sockets) s.destroy();
      await new Promise<void>((res) => srv.close(() => res()));
    }
  });

  it("TLS to a plain TCP SIP port fails cleanly", async () => {
    await withResponder("auth", "tcp", async (r) => {
      const res = await sipOptions({ ...r.target(), transport: "tls" }, FAST);
      expect(["error", "no-answer"]).toContain(res.outcome);
      expect(res.durationMs).toBeLessThan(2500);
    });
  });
});

// Real Kamailio servers (one challenging, one anonymous) are probed in the lab: scan-lab.test.ts.
