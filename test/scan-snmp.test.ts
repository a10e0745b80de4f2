/**
 * The SNMP probe: its BER encoding and decoding (exact bytes, rejections, and a fast-check fuzz of
 * the decoder), fake UDP agents on 127.0.0.1 written here (one that answers only the right
 * community, silent, hostile: garbage, truncated and oversized BER, spoofed answers, a flood), a
 * closed port (ICMP port-unreachable), the facts and the rule a scan gets from them, and, when
 * Debian's snmpd is installed, a real agent started on a random high port with its own config.
 */
import { spawn } from "node:child_process";
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanSummary } from "../src/cli/scan-command.js";
import { DEFAULT_PROFILE } from "../src/engine/profile.js";
import type { Facts } from "../src/facts/model.js";
import { snmpDefaultCommunity } from "../src/rules/router/snmp-default-community.js";
import { scanTargets } from "../src/scan/index.js";
import { SYS_DESCR, SYS_NAME, snmpProbe } from "../src/scan/probes/snmp.js";
import { decodeOid, encodeInteger, encodeOid, TAG } from "../src/scan/snmp/ber.js";
import {
  decodeMessage,
  encodeMessage,
  getRequest,
  PDU,
  type SnmpMessage,
} from "../src/scan/snmp/message.js";
import { runCli } from "./support/cli.js";
import { closedUdpPort, timed } from "./support/fake-server.js";

const HOST = "127.0.0.1";
const hex = (b: Buffer) => b.toString("hex");
const ctx = { profile: DEFAULT_PROFILE, now: new Date() };

describe("BER and SNMP messages", () => {
  it("encodes a GetRequest byte for byte as net-snmp's snmpget does", () => {
    // snmpget -v2c -c public HOST sysDescr.0 with request-id 1, decoded by hand:
    // 30 26 | 02 01 01 | 04 06 "public" | a0 19 | 02 01 01 | 02 01 00 | 02 01 00 | 30 0e 30 0c
    // 06 08 2b 06 01 02 01 01 01 00 | 05 00
    expect(hex(getRequest(1, "public", 1, [SYS_DESCR]))).toBe(
      "302602010104067075626c6963a019020101020100020100300e300c06082b060102010101000500",
    );
  });

  it("encodes integers and OIDs minimally, and decodes them back", () => {
    expect(hex(encodeInteger(0))).toBe("020100");
    expect(hex(encodeInteger(-1))).toBe("0201ff");
    expect(hex(encodeInteger(127))).toBe("02017f");
    expect(hex(encodeInteger(128))).toBe("02020080");
    expect(hex(encodeInteger(2 ** 31 - 1))).toBe("02047fffffff");
    // X.690's own example: 2.999.3 packs 2 and 999 into one subidentifier, 1079 = 0x88 0x37.
    expect(hex(encodeOid("2.999.3"))).toBe("0603883703");
    expect(decodeOid(Buffer.from("883703", "hex"))).toBe("2.999.3");
    expect(decodeOid(encodeOid("1.3.6.1.4.1.2021.4294967295").subarray(2))).toBe(
      "1.3.6.1.4.1.2021.4294967295",
    );
  });

  it("decodes an agent's Response, long-form lengths included", () => {
    const descr = "x".repeat(200); // > 127 bytes: the OCTET STRING length takes the long form
    const msg: SnmpMessage = {
      version: 0,
      community: Buffer.from("public"),
      pdu: {
        type: PDU.RESPONSE,
        requestId: 77,
        errorStatus: 0,
        errorIndex: 0,
        varbinds: [
          { oid: SYS_DESCR, type: TAG.OCTET_STRING, value: Buffer.from(descr) },
          { oid: SYS_NAME, type: 0x81, value: Buffer.alloc(0) }, // noSuchInstance
        ],
      },
    };
    const wire = encodeMessage(msg);
    expect(wire[1]).toBe(0x82); // the message's own length takes two bytes
    const d = decodeMessage(wire);
    expect(d).toEqual({ ok: true, message: msg });
  });

  it("refuses malformed BER with a reason, never an exception", () => {
    const good = getRequest(1, "public", 5, [SYS_DESCR]);
    const cases: [string, Buffer, RegExp][] = [
      ["empty", Buffer.alloc(0), /truncated/],
      ["indefinite length", Buffer.from("3080020101", "hex"), /indefinite/],
      ["length past the end", Buffer.from("3084ffffffff", "hex"), /runs past the end/],
      ["5-byte length field", Buffer.from("30850000000001", "hex"), /length field of 5/],
      ["high tag number", Buffer.from("30080201010400bf0100", "hex"), /multi-byte tag/],
      ["trailing bytes", Buffer.concat([good, Buffer.from([0])]), /trailing/],
      ["truncated", good.subarray(0, good.length - 3), /past the end|truncated/],
      ["SNMPv3", Buffer.from("3003020103", "hex"), /SNMPv3/],
      ["not a sequence", Buffer.from("HTTP/1.1 400 Bad Request\r\n"), /expected tag 0x30/],
    ];
    for (const [name, buf, why] of cases) {
      const d = decodeMessage(buf);
      expect(d.ok, name).toBe(false);
      if (!d.ok) expect(d.error, name).toMatch(why);
    }
  });
});

describe("BER decoder fuzz (fast-check)", () => {
  const oid = fc
    .tuple(
      fc.constantFrom(0, 1, 2),
      fc.nat({ max: 39 }),
      fc.array(fc.nat({ max: 2 ** 32 - 1 }), { maxLength: 12 }),
    )
    .map(([a, b, rest]) => [a, b, ...rest].join("."));
  const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
  const message: fc.Arbitrary<SnmpMessage> = fc.record({
    version: fc.constantFrom(0, 1),
    community: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
    pdu: fc.record({
      type: fc.constantFrom(PDU.GET_REQUEST, PDU.RESPONSE, PDU.GET_BULK_REQUEST, PDU.REPORT),
      requestId: int32,
      errorStatus: fc.nat({ max: 18 }),
      errorIndex: fc.nat({ max: 64 }),
      varbinds: fc.array(
        fc.record({
          oid,
          type: fc.constantFrom(TAG.OCTET_STRING, TAG.NULL, TAG.INTEGER, 0x40, 0x43, 0x80, 0x82),
          value: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
        }),
        { maxLength: 8 },
      ),
    }),
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const d = decodeMessage(Buffer.from(bytes));
        expect(typeof d.ok).toBe("boolean");
        if (!d.ok) expect(d.error.length).toBeGreaterThan(0);
      }),
      { numRuns: 5000 },
    );
  });

  it("decodes what it encodes", () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(decodeMessage(encodeMessage(m))).toEqual({ ok: true, message: m });
      }),
      { numRuns: 1000 },
    );
  });

  it("never throws on a valid message cut short, grown or with bytes changed", () => {
    fc.assert(
      fc.property(
        message,
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.uint8Array({ maxLength: 8 }),
        (m, cut, flips, extra) => {
          const wire = encodeMessage(m);
          const truncated = wire.subarray(0, cut % wire.length);
          const t = decodeMessage(truncated);
          expect(t.ok).toBe(false);
          const mutated = Buffer.concat([wire, Buffer.from(extra)]);
          for (const [at, byte] of flips) mutated[at % mutated.length] = byte;
          const d = decodeMessage(mutated);
          expect(typeof d.ok).toBe("boolean");
        },
      ),
      { numRuns: 3000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Fake agents

interface Agent {
  port: number;
  /** Every request received, decoded. */
  requests: SnmpMessage[];
  socket: Socket;
}

const agents: Agent[] = [];

async function agent(
  answer: (req: SnmpMessage, raw: Buffer, reply: (b: Buffer) => void) => void,
): Promise<Agent> {
  const socket = createSocket("udp4");
  const a: Agent = { port: 0, requests: [], socket };
  socket.on("message", (raw: Buffer, rinfo: RemoteInfo) => {
    const d = decodeMessage(raw);
    if (!d.ok) return;
    a.requests.push(d.message);
    answer(d.message, raw, (b) => socket.send(b, rinfo.port, rinfo.address));
  });
  await new Promise<void>((r) => socket.bind(0, HOST, r));
  a.port = socket.address().port;
  agents.push(a);
  return a;
}

/** An agent's Response to `req`, with sysDescr and sysName. */
function response(req: SnmpMessage, descr: string, name = "fake-agent"): Buffer {
  return encodeMessage({
    version: req.version,
    community: req.community,
    pdu: {
      type: PDU.RESPONSE,
      requestId: req.pdu.requestId,
      errorStatus: 0,
      errorIndex: 0,
      varbinds: [
        { oid: SYS_DESCR, type: TAG.OCTET_STRING, value: Buffer.from(descr) },
        { oid: SYS_NAME, type: TAG.OCTET_STRING, value: Buffer.from(name) },
      ],
    },
  });
}

afterAll(() => {
  for (const a of agents) a.socket.close();
});

describe("SNMP probe against fake agents", () => {
  it("finds the community that works, and only asks sysDescr.0/sysName.0 with public/private", async () => {
    const a = await agent((req, _raw, reply) => {
      if (req.community.toString() === "public") reply(response(req, "Fake agent net-snmp 5.9.3"));
    });
    // A grace past the time-out: the unanswered requests get all of it (see the early return below).
    const [r, ms] = await timed(snmpProbe(HOST, a.port, { timeoutMs: 800, graceMs: 5000 }));
    expect(r.state).toBe("answered");
    expect(r.answers.map((x) => `${x.community}/${x.version}`).sort()).toEqual([
      "public/v1",
      "public/v2c",
    ]);
    expect(r.answers[0]?.sysDescr).toBe("Fake agent net-snmp 5.9.3");
    expect(r.answers[0]?.sysName).toBe("fake-agent");
    // "private" went unanswered: sent once more halfway, then the probe gave up on time.
    expect(r.tried.filter((t) => t.community === "private").map((t) => t.sent)).toEqual([2, 2]);
    expect(r.tried.filter((t) => t.community === "public").map((t) => t.sent)).toEqual([1, 1]);
    expect(ms).toBeGreaterThanOrEqual(750);
    expect(ms).toBeLessThan(1500);
    // What the agent saw: GetRequests only, the two defaults only, the two OIDs only.
    expect(new Set(a.requests.map((q) => q.pdu.type))).toEqual(new Set([PDU.GET_REQUEST]));
    expect(new Set(a.requests.map((q) => q.community.toString()))).toEqual(
      new Set(["public", "private"]),
    );
    for (const q of a.requests)
      expect(q.pdu.varbinds.map((v) => v.oid)).toEqual([SYS_DESCR, SYS_NAME]);
    expect(a.requests).toHaveLength(6);
  });

  it("once a community answered, gives the others a short grace, not the whole time-out", async () => {
    // An agent that knows "public" and ignores "private", like most: nothing more will come.
    const a = await agent((req, _raw, reply) => {
      if (req.community.toString() === "public") reply(response(req, "public only"));
    });
    const [r, ms] = await timed(snmpProbe(HOST, a.port, { timeoutMs: 3000, graceMs: 250 }));
    expect(r.state).toBe("answered");
    expect(r.answers.map((x) => `${x.community}/${x.version}`).sort()).toEqual([
      "public/v1",
      "public/v2c",
    ]);
    // Returned after the grace: long before the retransmission at 1500 ms, so each request went
    // out once, and "private" stays simply unanswered.
    expect(ms).toBeGreaterThanOrEqual(240);
    expect(ms).toBeLessThan(1200);
    expect(r.tried.map((t) => t.sent)).toEqual([1, 1, 1, 1]);
    expect(a.requests).toHaveLength(4);
  });

  it("without any answer keeps waiting: the grace starts with the first answer only", async () => {
    // "private" answers late, after the retransmission: the probe must still be listening.
    const a = await agent((req, _raw, reply) => {
      if (req.community.toString() === "private")
        setTimeout(() => reply(response(req, "slow private")), 500);
    });
    const [r, ms] = await timed(snmpProbe(HOST, a.port, { timeoutMs: 800, graceMs: 100 }));
    expect(r.state).toBe("answered");
    expect(r.answers.map((x) => x.community)).toEqual(["private", "private"]);
    expect(ms).toBeGreaterThanOrEqual(490);
    expect(ms).toBeLessThan(1300);
  });

  it("ends as soon as every request is answered", async () => {
    const a = await agent((req, _raw, reply) => reply(response(req, "answers all")));
    const [r, ms] = await timed(snmpProbe(HOST, a.port, { timeoutMs: 3000 }));
    expect(r.answers).toHaveLength(4);
    expect(ms).toBeLessThan(1000);
  });

  it("counts an error-status answer (v1 noSuchName) as the community working", async () => {
    const a = await agent((req, _raw, reply) => {
      if (req.version !== 0 || req.community.toString() !== "private") return;
      reply(
        encodeMessage({
          ...req,
          pdu: { ...req.pdu, type: PDU.RESPONSE, errorStatus: 2, errorIndex: 1 },
        }),
      );
    });
    const r = await snmpProbe(HOST, a.port, { timeoutMs: 600 });
    expect(r.state).toBe("answered");
    expect(r.answers).toEqual([
      expect.objectContaining({ version: "v1", community: "private", error: "noSuchName" }),
    ]);
  });

  it("silence is no-answer, after exactly one retransmission, within the time-out", async () => {
    const a = await agent(() => {});
    const [r, ms] = await timed(snmpProbe(HOST, a.port, { timeoutMs: 600 }));
    expect(r.state).toBe("no-answer");
    expect(r.answers).toEqual([]);
    expect(a.requests).toHaveLength(8);
    expect(ms).toBeLessThan(1100);
  });

  it("a closed port (ICMP port unreachable) is closed, at once", async () => {
    const [r, ms] = await timed(snmpProbe(HOST, await closedUdpPort(), { timeoutMs: 3000 }));
    expect(r.state).toBe("closed");
    expect(r.error).toMatch(/ECONNREFUSED/);
    expect(ms).toBeLessThan(1000);
  });

  it("hostile agents: garbage, truncated and oversized BER, spoofs, a flood", async () => {
    const garbage = await agent((_q, _raw, reply) => reply(Buffer.from("\x00\xff garbage \x80")));
    const truncated = await agent((req, _raw, reply) =>
      reply(response(req, "cut").subarray(0, 20)),
    );
    const oversized = await agent((_q, _raw, reply) =>
      reply(Buffer.concat([Buffer.from("3084ffffffff", "hex"), Buffer.alloc(32)])),
    );
    const wrongId = await agent((req, _raw, reply) =>
      reply(response({ ...req, pdu: { ...req.pdu, requestId: req.pdu.requestId + 1 } }, "x")),
    );
    const otherCommunity = await agent((req, _raw, reply) =>
      reply(response({ ...req, community: Buffer.from("secret") }, "x")),
    );
    const echo = await agent((_req, raw, reply) => reply(raw)); // a GetRequest is no answer
    const big = await agent((_q, _raw, reply) => reply(Buffer.alloc(60_000, 0x30)));
    const flood = await agent((_q, _raw, reply) => {
      for (let i = 0; i < 200; i++) reply(Buffer.from([0x30, 0x01, i & 0xff]));
    });
    for (const [name, a, firstError] of [
      ["garbage", garbage, /expected tag 0x30/],
      ["truncated", truncated, /past the end|truncated/],
      ["oversized", oversized, /runs past the end/],
      ["wrong request-id", wrongId, /matches no request/],
      ["other community", otherCommunity, /another community/],
      ["echo", echo, /instead of a Response/],
      ["60 kB", big, /./],
      ["flood", flood, /./],
    ] as const) {
      const [r, ms] = await timed(snmpProbe(HOST, a.port, { timeoutMs: 600 }));
      expect(r.state, name).not.toBe("answered");
      expect(r.answers, name).toEqual([]);
      expect(["not-snmp", "error"], name).toContain(r.state);
      expect(r.ignored.firstError, name).toMatch(firstError);
      expect(ms, name).toBeLessThan(1100);
    }
    const flooded = await snmpProbe(HOST, flood.port, { timeoutMs: 3000 });
    expect(flooded.error).toMatch(/flood/);
  });
});

describe("a scan's SNMP facts, and the rule judging them", () => {
  const scanOne = async (port: number, extra: { transport: "udp"; port: number }[] = []) => {
    const [scan] = await scanTargets([HOST], {
      ports: [{ port, transport: "udp" }, ...extra],
      snmpPorts: [port],
      timeoutMs: 600,
    });
    if (!scan) throw new Error("no scan");
    return scan;
  };
  const judge = (f: Facts) => snmpDefaultCommunity.check(f, ctx);

  it("public answering fails snmp-default-community, with the community and software seen", async () => {
    const a = await agent((req, _raw, reply) => {
      if (req.community.toString() === "public")
        reply(response(req, "Linux gw 5.15 net-snmp 5.9.3"));
    });
    const scan = await scanOne(a.port, [{ port: 1900, transport: "udp" }]);
    const svc = scan.facts.services.find((s) => s.kind === "snmp");
    expect(svc?.ports).toMatchObject({ known: true, value: [{ from: a.port, transport: "udp" }] });
    expect(svc?.enabled).toMatchObject({ known: true, value: true });
    expect(svc?.auth.defaultCredential).toMatchObject({ known: true, value: true });
    const o = svc?.auth.defaultCredential?.at[0];
    expect(o).toMatchObject({ kind: "probe", probe: "snmp-get", port: a.port, transport: "udp" });
    expect(o?.kind === "probe" && o.excerpt).toMatch(/community "public" answered \(v2c, v1\)/);
    expect(svc?.software).toMatchObject({
      known: true,
      value: { product: "net-snmp", version: "5.9.3" },
    });
    const findings = judge(scan.facts);
    expect(findings.map((f) => f.status)).toEqual(["fail"]);
    expect(findings[0]?.fix?.summary).toMatch(/SNMPv3/);
    // Other UDP ports are still reported as not probed.
    expect(scan.skipped).toEqual([{ port: 1900, transport: "udp" }]);
    expect(scan.facts.diagnostics.map((d) => d.message)).toContain("UDP not probed yet: 1900/udp");
    expect(scanSummary([scan])).toContain(
      `${a.port}/udp SNMP: default community "public" ANSWERED`,
    );
  });

  it("silence stays unknown with the reason; never a pass", async () => {
    const a = await agent(() => {});
    const scan = await scanOne(a.port);
    const findings = judge(scan.facts);
    expect(findings.map((f) => f.status)).toEqual(["unknown"]);
    expect(findings[0]?.message).toMatch(
      /no answer to the default communities: SNMP closed, filtered, or using another community/,
    );
  });

  it("the CLI probes 161/udp and shows it in text and JSON (other UDP ports: not probed)", async () => {
    // Whatever 127.0.0.1:161 is here (closed, or a local snmpd), the probe's result is shown.
    const json = await runCli([
      "scan",
      HOST,
      "--ports",
      "161/udp,1900/udp",
      "--format",
      "json",
      "--timeout",
      "600",
    ]);
    const doc = JSON.parse(json.stdout);
    const snmp = doc.targets[0].scan.snmp;
    expect(snmp).toHaveLength(1);
    expect(snmp[0]).toMatchObject({ address: HOST, port: 161 });
    expect(["closed", "answered", "no-answer"]).toContain(snmp[0].state);
    expect(snmp[0].tried).toHaveLength(4);
    expect(doc.targets[0].scan.udpNotProbed).toEqual([1900]);
    const text = await runCli(["scan", HOST, "--ports", "161/udp", "--timeout", "600"]);
    expect(text.stdout).toMatch(/161\/udp SNMP: /);
  });

  it("ICMP port unreachable proves no agent there: a pass", async () => {
    const scan = await scanOne(await closedUdpPort());
    const findings = judge(scan.facts);
    expect(findings.map((f) => f.status)).toEqual(["pass"]);
    expect(findings[0]?.message).toMatch(/ICMP port unreachable/);
  });
});

// ---------------------------------------------------------------------------------------------
// Debian's snmpd

const SNMPD = "/usr/sbin/snmpd";
const snmpdMissing = existsSync(SNMPD)
  ? undefined
  : `${SNMPD} not installed (apt-get install snmpd)`;
if (snmpdMissing) process.stderr.write(`\n[bulwark] SKIPPED real snmpd: ${snmpdMissing}\n`);

describe.skipIf(snmpdMissing !== undefined && process.env.CI !== "true")(
  "SNMP probe against Debian's snmpd",
  () => {
    let dir = "";
    let port = 0;
    let child: ReturnType<typeof spawn> | undefined;

    beforeAll(async () => {
      if (snmpdMissing) throw new Error(`${snmpdMissing} (CI=true: .ci/run installs it)`);
      dir = mkdtempSync(join(tmpdir(), "bulwark-snmpd-"));
      port = await closedUdpPort();
      writeFileSync(
        join(dir, "snmpd.conf"),
        [
          `agentaddress udp:${HOST}:${port}`,
          "rocommunity public 127.0.0.1",
          "sysName bulwark-snmpd",
          "sysDescr Bulwark test agent (Debian net-snmp)",
          "",
        ].join("\n"),
      );
      // Own config only (-C), no MIB files loaded, state kept in the temp dir, in the foreground.
      child = spawn(SNMPD, ["-f", "-C", "-c", join(dir, "snmpd.conf"), "-Lf", join(dir, "log")], {
        env: { ...process.env, SNMP_PERSISTENT_DIR: join(dir, "var"), MIBS: "", MIBDIRS: dir },
        stdio: "ignore",
      });
      // Until it binds, the port refuses at once: ask again every 100 ms, for up to 10 s.
      const until = Date.now() + 10_000;
      while (Date.now() < until) {
        const r = await snmpProbe(HOST, port, { timeoutMs: 200 });
        if (r.state === "answered") return;
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error("snmpd did not start answering within 10 s");
    }, 20_000);

    afterAll(async () => {
      if (child && child.exitCode === null) {
        const exited = new Promise((res) => child?.once("exit", res));
        child.kill("SIGTERM");
        await exited;
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("public answers in v1 and v2c with sysDescr and sysName; private does not", async () => {
      const r = await snmpProbe(HOST, port, { timeoutMs: 800 });
      expect(r.state).toBe("answered");
      expect(r.answers.map((x) => `${x.community}/${x.version}`).sort()).toEqual([
        "public/v1",
        "public/v2c",
      ]);
      for (const x of r.answers) {
        expect(x.sysDescr).toBe("Bulwark test agent (Debian net-snmp)");
        expect(x.sysName).toBe("bulwark-snmpd");
        expect(x.error).toBeUndefined();
      }
      expect(r.ignored.datagrams).toBe(0);
    });

    it("a scan fails snmp-default-community against it", async () => {
      const [scan] = await scanTargets([HOST], {
        ports: [{ port, transport: "udp" }],
        snmpPorts: [port],
        timeoutMs: 800,
      });
      expect(snmpDefaultCommunity.check(scan?.facts as Facts, ctx).map((f) => f.status)).toEqual([
        "fail",
      ]);
    });
  },
);
