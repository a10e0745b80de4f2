/**
 * The telnet probe against telnet servers this test writes (loopback only): one negotiating like
 * inetutils telnetd before its login prompt, a router shell with no login at all, a password-only
 * prompt, subnegotiation and escaped bytes, and hostile peers (plain garbage, stall, hang-up,
 * option and text floods). The probe only ever refuses options: the servers check every byte it
 * sends. Then end to end: scanTargets and telnet-disabled.
 */
import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settingsFrom } from "../src/engine/profile.js";
import { runRules } from "../src/engine/run.js";
import { ALL_RULES } from "../src/rules/index.js";
import { scanTargets } from "../src/scan/index.js";
import { bannerSoftware, telnetProbe } from "../src/scan/probes/telnet.js";
import { FakeServers, LOOPBACK } from "./support/fake-server.js";

const HOST = LOOPBACK;
const IAC = 255;
const [WILL, WONT, DO, DONT, SB, SE] = [251, 252, 253, 254, 250, 240];
const fake = new FakeServers();

/** A server; `received` collects every byte any client sent it. */
async function telnetServer(
  onConn: (s: Socket) => void,
): Promise<{ port: number; received: number[] }> {
  const received: number[] = [];
  const port = await fake.tcp((s) => {
    s.on("data", (d) => received.push(...d));
    onConn(s);
  });
  return { port, received };
}

/** Every byte the probe sent is part of an option refusal (IAC WONT x / IAC DONT x). */
function onlyRefusals(bytes: number[]): boolean {
  if (bytes.length % 3 !== 0) return false;
  for (let i = 0; i < bytes.length; i += 3)
    if (bytes[i] !== IAC || (bytes[i + 1] !== WONT && bytes[i + 1] !== DONT)) return false;
  return true;
}

let inetutils: Awaited<ReturnType<typeof telnetServer>>;
let rootShell: Awaited<ReturnType<typeof telnetServer>>;
let passwordOnly: Awaited<ReturnType<typeof telnetServer>>;
let subneg: Awaited<ReturnType<typeof telnetServer>>;

beforeAll(async () => {
  // Like inetutils telnetd: asks for terminal type, speed, display and environment, offers echo
  // and suppress-go-ahead, waits for the answers, then shows the issue and the login prompt.
  inetutils = await telnetServer((s) => {
    s.write(Buffer.from([IAC, DO, 24, IAC, DO, 32, IAC, DO, 35, IAC, DO, 39]));
    s.write(Buffer.from([IAC, WILL, 1, IAC, WILL, 3]));
    let answers = 0;
    s.on("data", (d) => {
      answers += d.length / 3;
      if (answers === 6) s.write("\r\nDebian GNU/Linux 12\r\n\r\nweak login: ");
    });
  });
  rootShell = await telnetServer((s) => {
    s.write(Buffer.from([IAC, WILL, 1, IAC, WILL, 3]));
    s.write(
      "\r\n\r\nBusyBox v1.30.1 () built-in shell (ash)\r\n\r\n" +
        " OpenWrt 19.07.7, r11306-c4a6851c72\r\n -----------------------------\r\nroot@OpenWrt:/# ",
    );
  });
  passwordOnly = await telnetServer((s) => s.write("\r\nPassword: "));
  subneg = await telnetServer((s) => {
    // A subnegotiation (TERMINAL-TYPE SEND), an escaped 0xff in the text, the same DO twice; the
    // prompt only once the client had time to answer.
    s.write(Buffer.from([IAC, SB, 24, 1, IAC, SE, IAC, DO, 31, IAC, DO, 31]));
    s.write(Buffer.concat([Buffer.from("Caf"), Buffer.from([IAC, IAC])]));
    setTimeout(() => s.destroyed || s.write("\r\nlogin: "), 150);
  });
});

afterAll(() => fake.closeAll());

describe("telnet probe against servers written here", () => {
  it("refuses every option, reads to the login prompt, and names the system", async () => {
    const t0 = Date.now();
    const r = await telnetProbe(HOST, inetutils.port, { timeoutMs: 2000 });
    expect(r).toMatchObject({
      state: "telnet",
      negotiated: true,
      loginPrompt: true,
      passwordPrompt: false,
      shellPrompt: false,
      prompt: "weak login:",
      banner: "Debian GNU/Linux 12",
      software: { product: "debian", version: "12" },
    });
    expect(r.options).toEqual(["DO 24", "DO 32", "DO 35", "DO 39", "WILL 1", "WILL 3"]);
    // Done at the prompt, not at the end of the read window.
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(onlyRefusals(inetutils.received)).toBe(true);
    expect(inetutils.received).toHaveLength(18);
  });

  it("a shell with no login at all is seen as such, and OpenWrt named", async () => {
    const r = await telnetProbe(HOST, rootShell.port, { timeoutMs: 2000, readMs: 400 });
    expect(r).toMatchObject({ state: "telnet", shellPrompt: true, loginPrompt: false });
    expect(r.prompt).toBe("root@OpenWrt:/#");
    expect(r.software).toMatchObject({ product: "openwrt", version: "19.07.7" });
    expect(bannerSoftware("BusyBox v1.30.1 () built-in shell (ash)")).toMatchObject({
      product: "busybox",
      version: "1.30.1",
    });
    expect(onlyRefusals(rootShell.received)).toBe(true);
  });

  it("a password-only prompt, subnegotiation and escaped bytes", async () => {
    const p = await telnetProbe(HOST, passwordOnly.port, { timeoutMs: 2000 });
    expect(p).toMatchObject({ state: "telnet", negotiated: false, passwordPrompt: true });
    expect(passwordOnly.received).toEqual([]);
    const s = await telnetProbe(HOST, subneg.port, { timeoutMs: 2000 });
    expect(s).toMatchObject({ state: "telnet", loginPrompt: true, options: ["DO 31"] });
    expect(s.banner).toBe("Caf\u00ff");
    // The repeated DO is answered once (RFC 854: no negotiation loops).
    expect(subneg.received).toEqual([IAC, WONT, 31]);
  });
});

describe("hostile telnet peers end cleanly", () => {
  it("garbage is not telnet; a stall and a hang-up are no answer; floods are cut", async () => {
    const garbage = await telnetServer((s) => s.end("220 ftp.example ready\r\n"));
    const stall = await telnetServer(() => {});
    const hangUp = await telnetServer((s) => s.destroy());
    const optionFlood = await telnetServer((s) => {
      const chunk = Buffer.alloc(3 * 256);
      for (let i = 0; i < 256; i++) chunk.set([IAC, DO, i], i * 3);
      let n = 0;
      const go = () => {
        while (!s.destroyed && n < 2000 && s.write(chunk)) n++;
      };
      s.on("drain", go);
      go();
    });
    const textFlood = await telnetServer((s) => {
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      let n = 0;
      const go = () => {
        while (!s.destroyed && n < 100 && s.write(chunk)) n++;
      };
      s.on("drain", go);
      go();
    });
    const opts = { timeoutMs: 1000, readMs: 800 };
    const within = async (port: number) => {
      const t0 = Date.now();
      const r = await telnetProbe(HOST, port, opts);
      expect(Date.now() - t0).toBeLessThan(1300);
      return r;
    };
    expect((await within(garbage.port)).state).toBe("not-telnet");
    expect((await within(stall.port)).state).toBe("no-answer");
    expect((await within(hangUp.port)).state).toBe("no-answer");
    const of = await within(optionFlood.port);
    expect(of.state).toBe("telnet");
    expect(of.options.length).toBeLessThanOrEqual(32);
    // At most one refusal per option, whatever the flood.
    expect(optionFlood.received.length).toBeLessThanOrEqual(256 * 3);
    expect(onlyRefusals(optionFlood.received)).toBe(true);
    const tf = await within(textFlood.port);
    expect(tf.state).toBe("not-telnet");
    expect(tf.banner?.length).toBeLessThanOrEqual(301);
  });
});

describe("telnet facts and telnet-disabled, end to end", () => {
  it("a scan confirms telnet with the probe's evidence, and the rule fails", async () => {
    const [scan] = await scanTargets([HOST], {
      ports: [{ port: inetutils.port, transport: "tcp" }],
      class: "router",
      timeoutMs: 1500,
    });
    const facts = scan?.facts;
    if (!facts) throw new Error("no scan");
    const svc = facts.services.find((s) => s.kind === "telnet");
    expect(svc?.label).toBe(`Telnet on ${inetutils.port}/tcp`);
    expect(svc?.auth.password).toMatchObject({ known: true, value: true });
    expect(svc?.software).toMatchObject({ value: { product: "debian", version: "12" } });
    const report = runRules(facts, ALL_RULES, settingsFrom({}));
    const finding = report.results.find((x) => x.rule === "telnet-disabled");
    expect(finding?.status).toBe("fail");
    expect(finding?.evidence).toContainEqual(
      expect.objectContaining({
        kind: "probe",
        probe: "telnet",
        port: inetutils.port,
        excerpt: expect.stringContaining('login prompt "weak login:"'),
      }),
    );
  });
});
