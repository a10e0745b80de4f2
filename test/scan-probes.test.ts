/**
 * The probes against servers this test starts on 127.0.0.1 (loopback only): a banner, a closed
 * port, hostile peers (garbage, stall, close mid-handshake, flood), and a Node HTTPS server with a
 * self-signed certificate made by the openssl CLI.
 */
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanTargets } from "../src/scan/index.js";
import { sshProbe } from "../src/scan/probes/ssh.js";
import { tcpProbe } from "../src/scan/probes/tcp.js";
import { tlsProbe } from "../src/scan/probes/tls.js";
import { runCli } from "./support/cli.js";
import { closedPort, FakeServers, LOOPBACK, selfSignedCertificate } from "./support/fake-server.js";

const HOST = LOOPBACK;
const fake = new FakeServers();
const listen = (onConn: (s: Socket) => void) => fake.tcp(onConn);

let banner: number;
let garbage: number;
let stall: number;
let closer: number;
let flood: number;
let halfSsh: number;
let closed: number;

beforeAll(async () => {
  banner = await listen((s) => s.write("220 lab FTP ready\r\n"));
  garbage = await listen((s) => s.end(Buffer.from([0, 1, 2, 0xfe, 0x80, 0x7f, 10, 13, 99])));
  stall = await listen(() => {});
  closer = await listen((s) => s.destroy());
  halfSsh = await listen((s) => {
    // Looks like SSH, then hangs up in the middle of the key exchange.
    s.write("SSH-2.0-OpenSSH_9.2\r\n");
    s.once("data", () => s.end(Buffer.from([0, 0, 1, 0])));
  });
  let floods = 0;
  flood = await listen((s) => {
    const chunk = Buffer.alloc(16 * 1024, 0x41);
    const pump = () => {
      while (!s.destroyed && floods < 4096 && s.write(chunk)) floods++;
    };
    s.on("drain", pump);
    pump();
  });
  closed = await closedPort();
});

afterAll(() => fake.closeAll());

describe("TCP probe", () => {
  it("reads a banner without sending anything", async () => {
    let received = 0;
    const port = await listen((s) => {
      s.on("data", (d) => {
        received += d.length;
      });
      s.write("SSH-2.0-dropbear_2022.83\r\n");
    });
    const r = await tcpProbe(HOST, port, { timeoutMs: 1000 });
    expect(r.state).toBe("open");
    expect(r.banner?.toString()).toBe("SSH-2.0-dropbear_2022.83\r\n");
    expect(received).toBe(0);
    const b = await tcpProbe(HOST, banner, { timeoutMs: 1000 });
    expect(b.banner?.toString()).toMatch(/^220 lab FTP/);
  });

  it("tells closed from open and silent", async () => {
    expect((await tcpProbe(HOST, closed, { timeoutMs: 1000 })).state).toBe("closed");
    const t0 = Date.now();
    const s = await tcpProbe(HOST, stall, { timeoutMs: 1000, bannerMs: 300 });
    expect(s.state).toBe("open");
    expect(s.banner).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it("keeps at most maxBytes of a flood, and returns promptly", async () => {
    const t0 = Date.now();
    const r = await tcpProbe(HOST, flood, { timeoutMs: 1000, maxBytes: 256 });
    expect(r.state).toBe("open");
    expect(r.banner?.length).toBe(256);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it("stops waiting soon after a telnet server's option negotiation, keeps what follows it", async () => {
    // IAC WILL ECHO, IAC DO TTYPE, IAC SB TTYPE SEND IAC SE: then the server waits for answers.
    const iac = Buffer.from([255, 251, 1, 255, 253, 24, 255, 250, 24, 1, 255, 240]);
    const negotiating = await listen((s) => s.write(iac));
    const t0 = Date.now();
    const r = await tcpProbe(HOST, negotiating, { timeoutMs: 3000, bannerMs: 1500 });
    expect(r.state).toBe("open");
    expect(r.banner).toEqual(iac);
    expect(Date.now() - t0).toBeLessThan(1000);
    // A prompt right after the negotiation (BusyBox telnetd) is still part of the banner, and
    // half a command is waited for like any banner.
    const prompting = await listen((s) => {
      s.write(iac);
      setTimeout(() => s.write("router login: "), 50);
    });
    const p = await tcpProbe(HOST, prompting, { timeoutMs: 3000, bannerMs: 600 });
    expect(p.banner?.toString("latin1")).toBe(`${iac.toString("latin1")}router login: `);
    const half = await listen((s) => s.write(Buffer.from([255, 253])));
    const t1 = Date.now();
    const h = await tcpProbe(HOST, half, { timeoutMs: 3000, bannerMs: 600 });
    expect(h.banner).toEqual(Buffer.from([255, 253]));
    expect(Date.now() - t1).toBeGreaterThanOrEqual(550);
  });
});

describe("hostile peers give clean answers within the time-out", () => {
  const within = async <T>(p: Promise<T>, ms: number): Promise<T> => {
    const t0 = Date.now();
    const r = await p;
    expect(Date.now() - t0).toBeLessThan(ms);
    return r;
  };

  it("SSH: garbage, stall, close, half a handshake, flood, closed port", async () => {
    for (const port of [garbage, stall, closer, flood, closed, banner]) {
      const r = await within(sshProbe(HOST, port, { timeoutMs: 1500 }), 2500);
      expect(r.state, `port ${port}: ${r.error}`).not.toBe("ssh");
      expect(r.passwordAuth).toBeUndefined();
    }
    const half = await within(sshProbe(HOST, halfSsh, { timeoutMs: 1500 }), 2500);
    expect(half.ident).toBe("SSH-2.0-OpenSSH_9.2");
    expect(half.authMethods).toBeUndefined();
    expect(half.passwordAuth).toBeUndefined();
  });

  it("TLS: garbage, stall, close, flood, closed port, plain text", async () => {
    for (const port of [garbage, stall, closer, flood, closed, banner, halfSsh]) {
      const r = await within(tlsProbe(HOST, port, { timeoutMs: 1000 }), 6000);
      expect(r.state, `port ${port}`).not.toBe("tls");
      expect(r.certificate).toBeUndefined();
    }
  });
});

describe("TLS probe against a self-signed HTTPS server", () => {
  let port: number;
  let legacyPort: number;

  beforeAll(async () => {
    const { key, cert } = selfSignedCertificate("bulwark-lab");
    port = await fake.listen(createHttpsServer({ key, cert }, (_q, res) => res.end("ok")));
    // A server that still allows TLS 1.0 and weak suites.
    legacyPort = await fake.listen(
      createHttpsServer({ key, cert, minVersion: "TLSv1", ciphers: "ALL:@SECLEVEL=0" }, (_q, res) =>
        res.end("ok"),
      ),
    );
  });

  it("reads versions, expiry, self-signed and key size", async () => {
    const r = await tlsProbe(HOST, port, { timeoutMs: 3000 });
    expect(r.state).toBe("tls");
    expect(r.versions["TLSv1.2"]?.verdict).toBe("accepted");
    expect(r.versions["TLSv1.3"]?.verdict).toBe("accepted");
    // Node's default server minimum is TLS 1.2: refused, or this OpenSSL cannot even offer it.
    expect(["refused", "cannot-test"]).toContain(r.versions.TLSv1?.verdict);
    expect(["refused", "cannot-test"]).toContain(r.versions["TLSv1.1"]?.verdict);
    const c = r.certificate;
    expect(c?.selfSigned).toBe(true);
    expect(c?.subject).toContain("CN=bulwark-lab");
    expect(c?.expired).toBe(false);
    expect(c?.daysLeft).toBeGreaterThanOrEqual(28);
    expect(c?.daysLeft).toBeLessThanOrEqual(30);
    expect(c?.keyType).toBe("rsa");
    expect(c?.keyBits).toBe(2048);
    expect(c?.trustError).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
    const accepted = r.weakCiphers.filter((w) => w.verdict === "accepted").map((w) => w.name);
    // Node's default server suites still include static-RSA AES-GCM (no forward secrecy): seen.
    expect(accepted).toEqual(["static RSA key exchange (no forward secrecy)"]);
  });

  it("reports TLS 1.0 on a legacy server as accepted, or honestly as cannot-test", async () => {
    const r = await tlsProbe(HOST, legacyPort, { timeoutMs: 3000 });
    expect(r.state).toBe("tls");
    expect(["accepted", "cannot-test"]).toContain(r.versions.TLSv1?.verdict);
    if (r.versions.TLSv1?.verdict === "cannot-test")
      process.stderr.write(
        `[bulwark] this OpenSSL cannot offer TLS 1.0: ${r.versions.TLSv1.detail}\n`,
      );
    const kRsa = r.weakCiphers.find((w) => w.name.startsWith("static RSA"));
    expect(["accepted", "cannot-test"]).toContain(kRsa?.verdict);
  });

  it("a scan turns the HTTPS port into an https service with TLS, seen by a probe", async () => {
    const [scan] = await scanTargets([HOST], {
      ports: [
        { port, transport: "tcp" },
        { port: closed, transport: "tcp" },
      ],
      timeoutMs: 1500,
    });
    const svc = scan?.facts.services.find((s) => s.kind === "https");
    expect(svc?.tls).toMatchObject({ known: true, value: true });
    expect(svc?.enabled.at[0]).toMatchObject({
      kind: "probe",
      address: HOST,
      port,
      transport: "tcp",
    });
    // From inside (the default vantage), answering proves nothing about the internet.
    expect(svc?.wan).toMatchObject({ known: false });
    expect(scan?.facts.services).toHaveLength(1);
  });

  it("from the internet (--vantage internet), an answering service is exposed", async () => {
    const [scan] = await scanTargets([HOST], {
      ports: [{ port, transport: "tcp" }],
      timeoutMs: 1500,
      vantage: "internet",
    });
    const svc = scan?.facts.services.find((s) => s.kind === "https");
    expect(svc?.wan).toMatchObject({
      known: true,
      value: { reachable: true, via: ["answered the scanner from the internet"] },
    });
  });

  it("the CLI prints the scan and the report; json has the observations", async () => {
    const text = await runCli([
      "scan",
      HOST,
      "--ports",
      String(port),
      "--timeout",
      "1500",
      "--class",
      "router",
    ]);
    expect(text.stdout).toContain("self-signed");
    expect([0, 1]).toContain(text.code);
    const json = await runCli([
      "scan",
      HOST,
      "--ports",
      String(port),
      "--format",
      "json",
      "--timeout",
      "1500",
    ]);
    const doc = JSON.parse(json.stdout);
    expect(doc.targets[0].scan.tls[0].certificate.selfSigned).toBe(true);
    expect(doc.targets[0].target).toBe(HOST);
  });
});

describe("scan CLI refusals", () => {
  it("refuses a wide range and bad ports with exit 2, before contacting anything", async () => {
    const r = await runCli(["scan", "10.0.0.0/8"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refused/);
    expect((await runCli(["scan", HOST, "--ports", "99999"])).code).toBe(2);
  });
});
