/**
 * The MQTT probe: its three packets byte for byte, fake brokers on 127.0.0.1 written here (one
 * that lets anonymous clients in, one that wants credentials, the same over TLS with a throw-away
 * self-signed certificate made by `openssl req`), hostile peers (garbage, a CONNACK of the wrong
 * length, silence, a close in the middle of a packet, a flood), the facts and the two MQTT rules a
 * scan gets, and, when Debian's mosquitto is installed, real brokers started on random high ports
 * with their own configuration.
 */
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanSummary } from "../src/cli/scan-command.js";
import { DEFAULT_PROFILE } from "../src/engine/profile.js";
import type { Facts } from "../src/facts/model.js";
import { mqttBrokerAuth } from "../src/rules/messaging/mqtt-broker-auth.js";
import { mqttTls } from "../src/rules/messaging/mqtt-tls.js";
import { scanTargets } from "../src/scan/index.js";
import {
  connectPacket,
  DISCONNECT,
  mqttProbe,
  parseConnack,
  remainingLength,
} from "../src/scan/probes/mqtt.js";
import { closedPort, FakeServers, LOOPBACK, selfSignedCertificate } from "./support/fake-server.js";

const HOST = LOOPBACK;
const ctx = { profile: DEFAULT_PROFILE, now: new Date() };
const fake = new FakeServers();

/** One MQTT control packet as a broker reads it (§2): type, flags, body. */
interface Packet {
  type: number;
  flags: number;
  body: Buffer;
}

/** Splits what a client sent into packets; an independent reading of the client's bytes. */
function packets(b: Buffer): Packet[] {
  const out: Packet[] = [];
  let off = 0;
  while (off < b.length) {
    const first = b[off] as number;
    let len = 0;
    let mul = 1;
    let i = off + 1;
    for (;;) {
      const byte = b[i++];
      if (byte === undefined) return out;
      len += (byte & 0x7f) * mul;
      mul *= 128;
      if ((byte & 0x80) === 0) break;
    }
    out.push({ type: first >> 4, flags: first & 0x0f, body: b.subarray(i, i + len) });
    off = i + len;
  }
  return out;
}

/** A broker's view of one client: every byte it sent, until it hung up. */
interface Seen {
  bytes: Buffer;
  closed: boolean;
}

function serve(srv: Server, onConn: (s: Socket, seen: Seen) => void, seen: Seen[], tls = false) {
  // A TLS server's "connection" is the raw TCP socket; the broker speaks on the secure one.
  srv.on(tls ? "secureConnection" : "connection", (s: Socket) => {
    fake.track(s);
    const mine: Seen = { bytes: Buffer.alloc(0), closed: false };
    seen.push(mine);
    s.on("data", (d) => {
      mine.bytes = Buffer.concat([mine.bytes, d]);
    });
    s.on("close", () => {
      mine.closed = true;
    });
    onConn(s, mine);
  });
}

/** A fake broker answering each CONNECT with `connack` (and, for 0, staying until DISCONNECT). */
async function broker(connack: Buffer, tlsOpts?: { key: Buffer; cert: Buffer }) {
  const seen: Seen[] = [];
  const srv: Server = tlsOpts ? createTlsServer(tlsOpts) : createServer();
  if (tlsOpts) srv.on("tlsClientError", () => {});
  serve(
    srv,
    (s, mine) => {
      s.on("data", () => {
        if (packets(mine.bytes).length === 1 && mine.bytes[0] === 0x10) {
          s.write(connack);
          if (connack[3] !== 0) s.end();
        }
      });
    },
    seen,
    tlsOpts !== undefined,
  );
  return { port: await fake.listen(srv), seen };
}

/** A peer that does `onConn` with every connection (hostile variants). */
async function peer(onConn: (s: Socket) => void): Promise<number> {
  const srv = createServer();
  serve(srv, (s) => onConn(s), []);
  return fake.listen(srv);
}

const waitFor = async (cond: () => boolean, ms = 2000) => {
  const until = Date.now() + ms;
  while (!cond() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
};

let dir = "";
let key: Buffer;
let cert: Buffer;

beforeAll(() => {
  ({ key, cert } = selfSignedCertificate("bulwark-mqtt"));
  // The same pair as files, for the real mosquitto below.
  dir = mkdtempSync(join(tmpdir(), "bulwark-mqtt-"));
  writeFileSync(join(dir, "key.pem"), key);
  writeFileSync(join(dir, "cert.pem"), cert);
});

afterAll(async () => {
  await fake.closeAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ACCEPTED = Buffer.from([0x20, 0x02, 0x00, 0x00]);
const NOT_AUTHORIZED = Buffer.from([0x20, 0x02, 0x00, 0x05]);
const BAD_CREDENTIALS = Buffer.from([0x20, 0x02, 0x00, 0x04]);

describe("MQTT packets", () => {
  it("CONNECT is MQTT 3.1.1 with a clean session and no credentials, byte for byte", () => {
    expect(connectPacket("bulwark-0123456789ab").toString("hex")).toBe(
      // 10 (CONNECT) 20 (32 bytes follow) | 00 04 "MQTT" | 04 (3.1.1) | 02 (clean session only)
      // | 00 1e (keep-alive 30 s) | 00 14 (20-byte client id) "bulwark-0123456789ab"
      `1020${"00044d515454"}04${"02"}${"001e"}${"0014"}${Buffer.from("bulwark-0123456789ab").toString("hex")}`,
    );
    expect(DISCONNECT.toString("hex")).toBe("e000");
  });

  it("encodes the remaining length as the spec's table says", () => {
    const cases: [number, string][] = [
      [0, "00"],
      [127, "7f"],
      [128, "8001"],
      [16_383, "ff7f"],
      [16_384, "808001"],
      [2_097_151, "ffff7f"],
      [2_097_152, "80808001"],
      [268_435_455, "ffffff7f"],
    ];
    for (const [n, hex] of cases) expect(remainingLength(n).toString("hex"), String(n)).toBe(hex);
    expect(() => remainingLength(268_435_456)).toThrow(RangeError);
  });

  it("reads a CONNACK, and refuses anything else", () => {
    expect(parseConnack(Buffer.from([0x20]))).toEqual({ kind: "incomplete" });
    expect(parseConnack(Buffer.from([0x20, 0x02, 0x01]))).toEqual({ kind: "incomplete" });
    expect(parseConnack(Buffer.from([0x20, 0x02, 0x01, 0x00]))).toEqual({
      kind: "connack",
      sessionPresent: true,
      returnCode: 0,
    });
    expect(parseConnack(NOT_AUTHORIZED)).toMatchObject({ kind: "connack", returnCode: 5 });
    for (const [bytes, why] of [
      [[0x48, 0x54, 0x54, 0x50], /0x48 is not a CONNACK/],
      [[0x20, 0x03, 0x00, 0x00, 0x00], /remaining length 3/],
      [[0x20, 0x02, 0x80, 0x00], /reserved CONNACK flags/],
      [[0x20, 0x02, 0x00, 0x09], /unknown CONNACK return code 9/],
    ] as const) {
      const p = parseConnack(Buffer.from(bytes));
      expect(p.kind).toBe("invalid");
      if (p.kind === "invalid") expect(p.why).toMatch(why);
    }
  });
});

describe("MQTT probe against fake brokers", () => {
  it("anonymous broker: CONNACK 0, then a polite DISCONNECT; nothing subscribed or published", async () => {
    const b = await broker(ACCEPTED);
    const r = await mqttProbe(HOST, b.port, { timeoutMs: 1000 });
    expect(r).toMatchObject({
      state: "mqtt",
      transport: "tcp",
      returnCode: 0,
      access: "anonymous",
      disconnected: true,
    });
    expect(r.clientId).toMatch(/^bulwark-[0-9a-f]{12}$/);
    await waitFor(() => b.seen[0]?.closed === true);
    const sent = packets(b.seen[0]?.bytes ?? Buffer.alloc(0));
    // CONNECT (1) then DISCONNECT (14): no SUBSCRIBE (8), no PUBLISH (3), nothing else.
    expect(sent.map((p) => p.type)).toEqual([1, 14]);
    const connect = sent[0]?.body ?? Buffer.alloc(0);
    expect(connect.subarray(0, 6).toString("latin1")).toBe("\x00\x04MQTT");
    expect(connect[6]).toBe(4); // protocol level 3.1.1
    expect(connect[7]).toBe(0x02); // clean session; no user name (0x80), password (0x40), will (0x04)
    expect(connect.subarray(10).toString("utf8")).toBe(`\x00\x14${r.clientId}`);
    expect(b.seen[0]?.closed).toBe(true);
  });

  it("broker wanting credentials: CONNACK 5 or 4, no DISCONNECT needed", async () => {
    for (const [connack, rc] of [
      [NOT_AUTHORIZED, 5],
      [BAD_CREDENTIALS, 4],
    ] as const) {
      const b = await broker(connack);
      const r = await mqttProbe(HOST, b.port, { timeoutMs: 1000 });
      expect(r).toMatchObject({
        state: "mqtt",
        returnCode: rc,
        access: "credentials-required",
        disconnected: false,
      });
      await waitFor(() => b.seen[0]?.closed === true);
      expect(packets(b.seen[0]?.bytes ?? Buffer.alloc(0)).map((p) => p.type)).toEqual([1]);
    }
  });

  it("a CONNACK that says nothing about credentials leaves access undecided", async () => {
    const b = await broker(Buffer.from([0x20, 0x02, 0x00, 0x01]));
    const r = await mqttProbe(HOST, b.port, { timeoutMs: 1000 });
    expect(r).toMatchObject({ state: "mqtt", returnCode: 1, access: "undecided" });
  });

  it("over TLS: records the session (version, self-signed certificate)", async () => {
    const anon = await broker(ACCEPTED, { key, cert });
    const r = await mqttProbe(HOST, anon.port, { timeoutMs: 2000, tls: true });
    expect(r).toMatchObject({ state: "mqtt", transport: "tls", access: "anonymous" });
    expect(r.tls).toMatchObject({
      version: expect.stringMatching(/^TLSv1\.[23]$/),
      subject: "CN=bulwark-mqtt",
      selfSigned: true,
      trustError: "DEPTH_ZERO_SELF_SIGNED_CERT",
    });
    const locked = await broker(NOT_AUTHORIZED, { key, cert });
    const l = await mqttProbe(HOST, locked.port, { timeoutMs: 2000, tls: true });
    expect(l).toMatchObject({ transport: "tls", access: "credentials-required" });
  });

  it("plain MQTT where TLS was expected is found and said so", async () => {
    const b = await broker(ACCEPTED);
    const r = await mqttProbe(HOST, b.port, { timeoutMs: 1000, tls: true });
    expect(r).toMatchObject({ state: "mqtt", transport: "tcp", access: "anonymous" });
    expect(r.tlsError).toBeTruthy();
    expect(r.tls).toBeUndefined();
  });
});

describe("hostile peers end cleanly within the time-out", () => {
  const within = async (port: number, ms: number, tls = false) => {
    const t0 = Date.now();
    const r = await mqttProbe(HOST, port, { timeoutMs: ms, tls });
    expect(Date.now() - t0, `port ${port}`).toBeLessThan(ms * (tls ? 2 : 1) + 500);
    return r;
  };

  it("garbage, wrong CONNACKs, silence, half a packet, a flood, HTTP, a closed port", async () => {
    const reply = (bytes: number[] | string, end = true) =>
      peer((s) =>
        s.once("data", () => {
          const b = typeof bytes === "string" ? Buffer.from(bytes) : Buffer.from(bytes);
          if (end) s.end(b);
          else s.write(b);
        }),
      );
    const cases: [string, Promise<number>, string, RegExp][] = [
      ["garbage", reply([0x00, 0xff, 0x13, 0x37]), "not-mqtt", /0x00 is not a CONNACK/],
      ["CONNACK of length 3", reply([0x20, 0x03, 0, 0, 0]), "not-mqtt", /remaining length 3/],
      ["reserved flags", reply([0x20, 0x02, 0xfe, 0]), "not-mqtt", /reserved/],
      ["return code 200", reply([0x20, 0x02, 0, 200]), "not-mqtt", /return code 200/],
      ["half a CONNACK, then close", reply([0x20, 0x02]), "not-mqtt", /closed after 2 byte/],
      ["half a CONNACK, then silence", reply([0x20], false), "not-mqtt", /no complete CONNACK/],
      ["silence", peer(() => {}), "no-answer", /no complete CONNACK/],
      ["close at once", peer((s) => s.destroy()), "no-answer", /without a CONNACK/],
      ["close after CONNECT", peer((s) => s.once("data", () => s.end())), "no-answer", /closed/],
      ["HTTP", reply("HTTP/1.1 400 Bad Request\r\n\r\n"), "not-mqtt", /0x48/],
      ["closed port", closedPort(), "closed", /ECONNREFUSED/],
    ];
    for (const [name, portP, state, why] of cases) {
      const r = await within(await portP, 600);
      expect(r.state, name).toBe(state);
      expect(r.error, name).toMatch(why);
      expect(r.access, name).toBeUndefined();
    }
  });

  it("a flood is cut after a few bytes", async () => {
    let written = 0;
    const port = await peer((s) => {
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!s.destroyed && written < 64 * 1024 * 1024 && s.write(chunk))
          written += chunk.length;
      };
      s.on("drain", pump);
      pump();
    });
    const r = await within(port, 1000);
    expect(r.state).toBe("not-mqtt");
    expect(r.received?.length ?? 0).toBeLessThanOrEqual(120 * 4);
  });

  it("TLS expected: a silent peer, garbage and a closed port", async () => {
    const silent = await peer(() => {});
    const garbage = await peer((s) => s.end(Buffer.from("SSH-2.0-OpenSSH_9.2\r\n")));
    const s = await within(silent, 500, true);
    expect(s.state).toBe("tls-failed");
    expect(s.error).toMatch(/time-out in the TLS handshake/);
    const g = await within(garbage, 500, true);
    expect(g.state).toBe("tls-failed");
    expect((await within(await closedPort(), 500, true)).state).toBe("closed");
  });
});

describe("a scan's MQTT facts, and the rules judging them", () => {
  const scanPorts = async (...ports: number[]) => {
    const [scan] = await scanTargets([HOST], {
      ports: ports.map((port) => ({ port, transport: "tcp" as const })),
      mqttPorts: ports,
      timeoutMs: 1000,
    });
    if (!scan) throw new Error("no scan");
    return scan;
  };
  const statuses = (f: Facts) => ({
    auth: mqttBrokerAuth.check(f, ctx).map((x) => x.status),
    tls: mqttTls.check(f, ctx).map((x) => x.status),
  });

  it("an anonymous plain broker fails both rules, from probe evidence", async () => {
    const b = await broker(ACCEPTED);
    const scan = await scanPorts(b.port);
    const svc = scan.facts.services.find((s) => s.kind === "mqtt");
    expect(svc).toMatchObject({
      id: `mqtt-${b.port}`,
      label: `MQTT on ${b.port}/tcp`,
      tls: { known: true, value: false },
      auth: { anonymous: { known: true, value: true } },
    });
    expect(scan.facts.mqtt).toMatchObject({
      known: true,
      value: [{ name: `MQTT on ${b.port}/tcp`, role: "broker", purpose: "unknown", port: b.port }],
    });
    const at = svc?.auth.anonymous?.at[0];
    expect(at).toMatchObject({ kind: "probe", probe: "mqtt-connect", port: b.port });
    expect(at?.kind === "probe" && at.excerpt).toBe(
      "CONNECT without credentials in clear: CONNACK 0 (connection accepted)",
    );
    expect(statuses(scan.facts)).toEqual({ auth: ["fail"], tls: ["fail"] });
    const fix = mqttBrokerAuth.check(scan.facts, ctx)[0]?.fix;
    expect(fix?.summary).toMatch(new RegExp(`broker at port ${b.port}`));
    expect(fix?.commands).toEqual({
      language: "mosquitto",
      lines: ["allow_anonymous false", "password_file /etc/mosquitto/passwd"],
    });
    expect(scanSummary([scan])).toContain(
      `${b.port}/tcp MQTT: CONNECT without credentials in clear: CONNACK 0 (connection accepted) — ANONYMOUS ACCESS`,
    );
  });

  it("a TLS broker wanting credentials passes both", async () => {
    const b = await broker(NOT_AUTHORIZED, { key, cert });
    const scan = await scanPorts(b.port);
    const svc = scan.facts.services.find((s) => s.kind === "mqtt");
    expect(svc).toMatchObject({
      label: `MQTT over TLS on ${b.port}/tcp`,
      tls: { known: true, value: true },
      auth: { anonymous: { known: true, value: false } },
    });
    expect(statuses(scan.facts)).toEqual({ auth: ["pass"], tls: ["pass"] });
  });

  it("a silent port stays unknown; a port that is not MQTT is no broker", async () => {
    const silent = await peer(() => {});
    const s = await scanPorts(silent);
    expect(statuses(s.facts)).toEqual({ auth: ["unknown"], tls: ["unknown"] });
    const http = await peer((x) => x.once("data", () => x.end("HTTP/1.1 400 Bad\r\n\r\n")));
    const h = await scanPorts(http);
    expect(
      h.facts.services.find((x) => x.ports.known && x.ports.value[0]?.from === http)?.kind,
    ).not.toBe("mqtt");
    expect(h.facts.mqtt).toMatchObject({ known: true, value: [] });
    expect(statuses(h.facts)).toEqual({ auth: ["not_applicable"], tls: ["not_applicable"] });
  });
});

// ---------------------------------------------------------------------------------------------
// Debian's mosquitto

const MOSQUITTO = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"].find((p) => existsSync(p));
const mosquittoMissing = MOSQUITTO
  ? undefined
  : "mosquitto not installed (apt-get install mosquitto)";
if (mosquittoMissing)
  process.stderr.write(`\n[bulwark] SKIPPED real mosquitto: ${mosquittoMissing}\n`);

describe.skipIf(mosquittoMissing !== undefined && process.env.CI !== "true")(
  "MQTT probe against Debian's mosquitto",
  () => {
    const children: ReturnType<typeof spawn>[] = [];
    const logs: string[] = [];
    let anonPort = 0;
    let lockedPort = 0;

    /** Starts mosquitto with `conf`, collecting its log; resolves once it accepts connections. */
    async function start(conf: string, port: number, i: number): Promise<void> {
      const file = join(dir, `mosquitto-${i}.conf`);
      writeFileSync(file, conf);
      const child = spawn(MOSQUITTO as string, ["-c", file], { stdio: ["ignore", "pipe", "pipe"] });
      children.push(child);
      logs[i] = "";
      const log = (d: Buffer) => {
        logs[i] += d.toString();
      };
      child.stdout?.on("data", log);
      child.stderr?.on("data", log);
      const until = Date.now() + 10_000;
      while (Date.now() < until) {
        const r = await mqttProbe(HOST, port, { timeoutMs: 500, tls: false });
        if (r.state !== "closed") return;
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error(`mosquitto did not start: ${logs[i]}`);
    }

    beforeAll(async () => {
      if (mosquittoMissing) throw new Error(`${mosquittoMissing} (CI=true: .ci/run installs it)`);
      // Run as root, mosquitto drops to its own user: let it read the throw-away files.
      chmodSync(dir, 0o755);
      chmodSync(join(dir, "key.pem"), 0o644);
      const passwd = join(dir, "passwd");
      execFileSync("mosquitto_passwd", ["-b", "-c", passwd, "lab", `pw-${process.pid}`], {
        stdio: "ignore",
      });
      chmodSync(passwd, 0o644);
      anonPort = await closedPort();
      lockedPort = await closedPort();
      const common = "persistence false\nlog_dest stderr\nlog_type all\n";
      await start(`${common}listener ${anonPort} ${HOST}\nallow_anonymous true\n`, anonPort, 0);
      await start(
        [
          common,
          `listener ${lockedPort} ${HOST}`,
          "allow_anonymous false",
          `password_file ${passwd}`,
          `certfile ${join(dir, "cert.pem")}`,
          `keyfile ${join(dir, "key.pem")}`,
          "",
        ].join("\n"),
        lockedPort,
        1,
      );
    }, 30_000);

    afterAll(async () => {
      await Promise.all(
        children.map((c) =>
          c.exitCode === null
            ? new Promise((res) => {
                c.once("exit", res);
                c.kill("SIGTERM");
              })
            : undefined,
        ),
      );
    });

    it("anonymous listener: accepted, and the DISCONNECT is logged as a clean one", async () => {
      const r = await mqttProbe(HOST, anonPort, { timeoutMs: 2000 });
      expect(r).toMatchObject({ state: "mqtt", returnCode: 0, access: "anonymous" });
      await waitFor(() => logs[0]?.includes(`Client ${r.clientId} disconnected.`) === true);
      expect(logs[0]).toContain(`New client connected from 127.0.0.1`);
      expect(logs[0]).toContain(`Client ${r.clientId} disconnected.`);
      // No subscription, no publication reached the broker.
      expect(logs[0]).not.toMatch(/Received (SUBSCRIBE|PUBLISH)/);
    });

    it("TLS + password listener: credentials required, TLS session recorded", async () => {
      const r = await mqttProbe(HOST, lockedPort, { timeoutMs: 2000, tls: true });
      expect(r).toMatchObject({
        state: "mqtt",
        transport: "tls",
        returnCode: 5,
        access: "credentials-required",
      });
      expect(r.tls?.subject).toBe("CN=bulwark-mqtt");
      // Plain MQTT to the TLS listener is not mistaken for a broker answer.
      const plain = await mqttProbe(HOST, lockedPort, { timeoutMs: 1000, tls: false });
      expect(plain.state).not.toBe("mqtt");
    });

    it("a scan of both: anonymous plain fails, TLS with password passes", async () => {
      const [scan] = await scanTargets([HOST], {
        ports: [anonPort, lockedPort].map((port) => ({ port, transport: "tcp" as const })),
        mqttPorts: [anonPort, lockedPort],
        timeoutMs: 1500,
      });
      const f = scan?.facts as Facts;
      // One finding per broker, in port order.
      const expected = anonPort < lockedPort ? ["fail", "pass"] : ["pass", "fail"];
      expect(mqttBrokerAuth.check(f, ctx).map((x) => x.status)).toEqual(expected);
      expect(mqttTls.check(f, ctx).map((x) => x.status)).toEqual(expected);
    });
  },
);
