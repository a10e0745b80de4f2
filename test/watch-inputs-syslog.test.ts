import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { connect, type Socket } from "node:net";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
  SyslogFramer,
  SyslogServer,
  type SyslogServerOptions,
} from "../src/watch/inputs/syslog.js";
import { parseSyslogMessage, SyslogParser, splitPri } from "../src/watch/inputs/syslog-parse.js";
import { ZoneClock } from "../src/watch/inputs/time.js";
import type { LogLine } from "../src/watch/types.js";

/** Waits until cond() holds, polling; fails after timeoutMs. */
async function waitFor(cond: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const RECV = Date.UTC(2024, 10, 21, 10, 5, 0); // 2024-11-21T10:05:00Z

describe("syslog parsing: RFC 3164", () => {
  it("reads PRI, timestamp, hostname and tag, and keeps the line as rsyslog writes it", () => {
    const m = parseSyslogMessage(
      "<38>Nov 21 10:00:01 rut955 dropbear[1234]: Bad password attempt for 'root' from 203.0.113.5:4444",
      { timezone: "UTC", sender: "192.0.2.7", receivedAt: RECV },
    );
    expect(m.format).toBe("rfc3164");
    expect(m.pri).toBe(38);
    expect(splitPri(m.pri ?? -1)).toEqual({ facility: 4, severity: 6 });
    expect(m.time).toBe(Date.UTC(2024, 10, 21, 10, 0, 1));
    expect(m.hostname).toBe("rut955");
    expect(m.tag).toBe("dropbear[1234]:");
    expect(m.appName).toBe("dropbear");
    expect(m.procId).toBe("1234");
    expect(m.message).toBe("Bad password attempt for 'root' from 203.0.113.5:4444");
    expect(m.text).toBe(
      "Nov 21 10:00:01 rut955 dropbear[1234]: Bad password attempt for 'root' from 203.0.113.5:4444",
    );
  });

  it("writes the sender's address when the header has no hostname (OpenWrt logd's default)", () => {
    const m = parseSyslogMessage("<30>Nov  1 10:00:01 dropbear[99]: Exit before auth", {
      timezone: "UTC",
      sender: "192.0.2.7",
      receivedAt: RECV,
    });
    expect(m.hostname).toBeUndefined();
    expect(m.tag).toBe("dropbear[99]:");
    expect(m.time).toBe(Date.UTC(2024, 10, 1, 10, 0, 1));
    expect(m.text).toBe("Nov  1 10:00:01 192.0.2.7 dropbear[99]: Exit before auth");
  });

  it("accepts a message without PRI, and a zero-padded day (written space-padded)", () => {
    const a = parseSyslogMessage("Nov 21 10:00:01 gw sshd[1]: Invalid user x", {
      timezone: "UTC",
      receivedAt: RECV,
    });
    expect(a.pri).toBeUndefined();
    expect(a.hostname).toBe("gw");
    expect(a.text).toBe("Nov 21 10:00:01 gw sshd[1]: Invalid user x");
    const b = parseSyslogMessage("<13>Nov 01 09:08:07 gw app: x", {
      timezone: "UTC",
      receivedAt: RECV,
    });
    expect(b.time).toBe(Date.UTC(2024, 10, 1, 9, 8, 7));
    expect(b.text).toBe("Nov  1 09:08:07 gw app: x");
  });

  it("uses the time of reception when there is no timestamp", () => {
    const m = parseSyslogMessage("<13>sshd[5]: hello", {
      timezone: "UTC",
      sender: "10.0.0.1",
      receivedAt: RECV,
    });
    expect(m.pri).toBe(13);
    expect(m.time).toBeUndefined();
    expect(m.hostname).toBeUndefined();
    expect(m.text).toBe("Nov 21 10:05:00 10.0.0.1 sshd[5]: hello");
  });

  it("picks the year nearest to the time of reception; honours a year when given", () => {
    const newYear = Date.UTC(2025, 0, 2, 0, 0, 0);
    const m = parseSyslogMessage("<13>Dec 31 23:59:59 h a: b", {
      timezone: "UTC",
      receivedAt: newYear,
    });
    expect(m.time).toBe(Date.UTC(2024, 11, 31, 23, 59, 59));
    const cisco = parseSyslogMessage("<189>Nov 21 2023 10:00:01 sw1 x: y", {
      timezone: "UTC",
      receivedAt: RECV,
    });
    expect(cisco.time).toBe(Date.UTC(2023, 10, 21, 10, 0, 1));
    expect(cisco.text).toBe("Nov 21 10:00:01 sw1 x: y");
  });

  it("converts header times with the timezone option (IANA zone, summer and winter)", () => {
    const winter = parseSyslogMessage("<13>Nov 21 10:00:01 h a: b", {
      timezone: "Europe/Vilnius",
      receivedAt: RECV,
    });
    expect(winter.time).toBe(Date.UTC(2024, 10, 21, 8, 0, 1));
    const summer = parseSyslogMessage("<13>Jul  4 10:00:01 h a: b", {
      timezone: "Europe/Vilnius",
      receivedAt: Date.UTC(2024, 6, 4, 12),
    });
    expect(summer.time).toBe(Date.UTC(2024, 6, 4, 7, 0, 1));
    const fixed = parseSyslogMessage("<13>Jul  4 10:00:01 h a: b", {
      timezone: "UTC+0200",
      receivedAt: Date.UTC(2024, 6, 4, 12),
    });
    expect(fixed.time).toBe(Date.UTC(2024, 6, 4, 8, 0, 1));
    expect(() => new SyslogParser({ timezone: "Mars/Olympus" })).toThrow(/unknown time zone/);
  });

  it("reads an RFC 3339 timestamp in a 3164 header; the zone it carries wins", () => {
    const m = parseSyslogMessage(
      "<34>2023-11-21T10:00:01.123+02:00 rut955 uhttpd[7]: luci: failed login",
      {
        timezone: "UTC",
        receivedAt: RECV,
      },
    );
    expect(m.time).toBe(Date.UTC(2023, 10, 21, 8, 0, 1, 123));
    expect(m.hostname).toBe("rut955");
    expect(m.text).toBe("Nov 21 10:00:01 rut955 uhttpd[7]: luci: failed login");
  });

  it("adds the space after a tag's colon, escapes control characters as rsyslog does", () => {
    const a = parseSyslogMessage("<13>Nov 21 10:00:01 h tag:msg", {
      timezone: "UTC",
      receivedAt: RECV,
    });
    expect(a.text).toBe("Nov 21 10:00:01 h tag: msg");
    const b = parseSyslogMessage("<13>Nov 21 10:00:01 h app: a\tb\nc\r\n", {
      timezone: "UTC",
      receivedAt: RECV,
    });
    expect(b.text).toBe("Nov 21 10:00:01 h app: a#011b#012c");
  });

  it("never throws on arbitrary bytes, and never lets a control character through", () => {
    const p = new SyslogParser({ timezone: "UTC" });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const m = p.parse(Buffer.from(bytes).toString("utf8"), "192.0.2.1", RECV);
        expect(typeof m.text).toBe("string");
        // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for them
        expect(/[\x00-\x1f\x7f]/.test(m.text)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it("decodes invalid UTF-8 with replacement characters", () => {
    const raw = Buffer.concat([
      Buffer.from("<13>Nov 21 10:00:01 h app: user "),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from(" end"),
    ]);
    const m = parseSyslogMessage(raw, { timezone: "UTC", receivedAt: RECV });
    expect(m.text).toBe("Nov 21 10:00:01 h app: user \uFFFD\uFFFD\uFFFD end");
  });
});

describe("syslog parsing: RFC 5424", () => {
  it("reads every header field, structured data and a BOM-prefixed message", () => {
    const m = parseSyslogMessage(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] \uFEFFAn application event log entry...',
      { timezone: "Europe/Vilnius", sender: "192.0.2.9", receivedAt: RECV },
    );
    expect(m.format).toBe("rfc5424");
    expect(m.pri).toBe(165);
    expect(splitPri(165)).toEqual({ facility: 20, severity: 5 });
    expect(m.time).toBe(Date.UTC(2003, 9, 11, 22, 14, 15, 3));
    expect(m.hostname).toBe("mymachine.example.com");
    expect(m.appName).toBe("evntslog");
    expect(m.procId).toBeUndefined();
    expect(m.msgId).toBe("ID47");
    expect(m.structuredData).toBe(
      '[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"]',
    );
    expect(m.message).toBe("An application event log entry...");
    expect(m.text).toBe(
      "Oct 11 22:14:15 mymachine.example.com evntslog: An application event log entry...",
    );
  });

  it("builds the tag from APP-NAME and PROCID, keeps the wall clock of the header's zone", () => {
    const m = parseSyslogMessage(
      "<86>1 2024-01-01T00:00:00+01:00 rut sshd 123 - - Failed password",
      {
        receivedAt: RECV,
      },
    );
    expect(m.time).toBe(Date.UTC(2023, 11, 31, 23, 0, 0));
    expect(m.tag).toBe("sshd[123]:");
    expect(m.text).toBe("Jan  1 00:00:00 rut sshd[123]: Failed password");
  });

  it("handles NILVALUE everywhere and escaped brackets in structured data", () => {
    const nil = parseSyslogMessage("<13>1 - - - - - -", {
      timezone: "UTC",
      sender: "10.1.1.1",
      receivedAt: RECV,
    });
    expect(nil.time).toBeUndefined();
    expect(nil.hostname).toBeUndefined();
    expect(nil.appName).toBeUndefined();
    expect(nil.structuredData).toBeUndefined();
    expect(nil.message).toBe("");
    expect(nil.text).toBe("Nov 21 10:05:00 10.1.1.1");
    const sd = parseSyslogMessage(
      '<13>1 2024-11-21T10:00:00Z h a p m [id a="x\\]y"][id2 b="2"] hi',
      {
        receivedAt: RECV,
      },
    );
    expect(sd.structuredData).toBe('[id a="x\\]y"][id2 b="2"]');
    expect(sd.message).toBe("hi");
    expect(sd.procId).toBe("p");
    const trunc = parseSyslogMessage("<13>1 2024-11-21T10:00:00Z host", { receivedAt: RECV });
    expect(trunc.hostname).toBe("host");
    expect(trunc.text).toBe("Nov 21 10:00:00 host");
  });
});

describe("TCP framing", () => {
  function collect(max = 1024) {
    const out: { text: string; cut: boolean }[] = [];
    const f = new SyslogFramer(max, (b, s, e, cut) =>
      out.push({ text: b.toString("utf8", s, e), cut }),
    );
    return { f, out };
  }

  it("splits octet-counted, LF- and NUL-terminated frames, at any chunk boundary", () => {
    const msgs = [
      "<13>Nov 21 10:00:01 h a: one",
      "<14>1 - h app - - - two",
      "<15>three",
      "2024-11-21T10:00:00Z h app: no PRI, starts with digits",
    ];
    const wire = Buffer.from(
      `${Buffer.byteLength(msgs[0] as string)} ${msgs[0]}` +
        `${msgs[1]}\n` +
        `${msgs[2]}\0` +
        `${msgs[3]}\r\n` +
        `${Buffer.byteLength(msgs[1] as string)} ${msgs[1]}`,
    );
    const expected = [msgs[0], msgs[1], msgs[2], `${msgs[3]}\r`, msgs[1]];
    for (let cut = 0; cut <= wire.length; cut++) {
      const { f, out } = collect();
      f.push(wire.subarray(0, cut));
      f.push(wire.subarray(cut));
      expect(out.map((o) => o.text)).toEqual(expected);
    }
    // One byte at a time.
    const { f, out } = collect();
    for (let i = 0; i < wire.length; i++) f.push(wire.subarray(i, i + 1));
    expect(out.map((o) => o.text)).toEqual(expected);
  });

  it("cuts a frame without end at the cap and holds no more than the cap", () => {
    const { f, out } = collect(4096);
    const chunk = Buffer.alloc(64 * 1024, "A");
    for (let i = 0; i < 16; i++) {
      f.push(chunk); // 1 MiB, no newline
      expect(f.pendingBytes).toBeLessThanOrEqual(4096);
    }
    expect(out).toHaveLength(1);
    expect(out[0]?.cut).toBe(true);
    expect(out[0]?.text.length).toBe(4096);
    f.push(Buffer.from("tail of the long line\n<13>next\n"));
    expect(out.map((o) => o.text).slice(1)).toEqual(["<13>next"]);
  });

  it("cuts an over-long octet-counted frame and resynchronises on the next", () => {
    const { f, out } = collect(1000);
    const big = "x".repeat(100_000);
    const wire = Buffer.from(`100000 ${big}9 <13>after`);
    for (let i = 0; i < wire.length; i += 4096) f.push(wire.subarray(i, i + 4096));
    expect(out.map((o) => [o.text.length, o.cut])).toEqual([
      [1000, true],
      [9, false],
    ]);
    expect(out[1]?.text).toBe("<13>after");
  });

  it("cuts on a UTF-8 character boundary", () => {
    const { f, out } = collect(101);
    f.push(Buffer.from(`${"é".repeat(100)}\n`));
    expect(out[0]?.cut).toBe(true);
    expect(out[0]?.text).toBe("é".repeat(50));
  });

  it("delivers an unfinished frame when the connection ends", () => {
    const { f, out } = collect();
    f.push(Buffer.from("<13>Nov 21 10:00:01 h a: partial"));
    expect(out).toHaveLength(0);
    expect(f.finish()).toBe(true);
    expect(out[0]?.text).toBe("<13>Nov 21 10:00:01 h a: partial");
    expect(f.finish()).toBe(false);
  });
});

describe("syslog receiver on real sockets", () => {
  let server: SyslogServer | null = null;
  const clients: (Socket | UdpSocket)[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) {
      if ("destroy" in c) c.destroy();
      else c.close();
    }
    await server?.stop();
    server = null;
  });

  async function start(opts: Partial<SyslogServerOptions> = {}, host = "127.0.0.1") {
    const lines: LogLine[] = [];
    const warnings: string[] = [];
    server = new SyslogServer({
      host,
      port: 0,
      timezone: "UTC",
      onLine: (l) => lines.push(l),
      onWarning: (w) => warnings.push(w),
      ...opts,
    });
    await server.start();
    return { s: server, lines, warnings };
  }

  function udpClient(type: "udp4" | "udp6" = "udp4"): UdpSocket {
    const c = createSocket(type);
    clients.push(c);
    return c;
  }

  function sendUdp(c: UdpSocket, port: number, msg: string | Buffer, host = "127.0.0.1") {
    return new Promise<void>((res, rej) => c.send(msg, port, host, (e) => (e ? rej(e) : res())));
  }

  async function tcpClient(port: number, host = "127.0.0.1"): Promise<Socket> {
    const c = connect({ port, host });
    clients.push(c);
    await new Promise<void>((res, rej) => {
      c.once("connect", res);
      c.once("error", rej);
    });
    return c;
  }

  it("receives RFC 3164 and RFC 5424 over UDP with sender, source and time", async () => {
    const { s, lines } = await start({ tcp: false });
    const port = s.udpAddress?.port as number;
    const c = udpClient();
    await sendUdp(
      c,
      port,
      "<38>Nov 21 10:00:01 rut955 dropbear[1234]: Bad password attempt for 'root' from 203.0.113.5:4444",
    );
    await sendUdp(c, port, "<30>Nov 21 10:00:02 dropbear[1235]: Exit before auth\n");
    await sendUdp(
      c,
      port,
      '<165>1 2024-11-21T10:00:03.5Z rut955 luci 77 LOGIN [meta user="admin"] \uFEFFfailed login',
    );
    await waitFor(() => lines.length === 3, 5000, "3 lines");
    const src = `syslog-udp:127.0.0.1:${port}`;
    const year = new Date().getUTCFullYear();
    expect(lines[0]).toMatchObject({
      text: "Nov 21 10:00:01 rut955 dropbear[1234]: Bad password attempt for 'root' from 203.0.113.5:4444",
      source: src,
      sender: "127.0.0.1",
    });
    expect(new Date(lines[0]?.time as number).getUTCMonth()).toBe(10);
    expect([year - 1, year, year + 1]).toContain(
      new Date(lines[0]?.time as number).getUTCFullYear(),
    );
    expect(lines[1]?.text).toBe("Nov 21 10:00:02 127.0.0.1 dropbear[1235]: Exit before auth");
    expect(lines[2]).toMatchObject({
      text: "Nov 21 10:00:03 rut955 luci[77]: failed login",
      time: Date.UTC(2024, 10, 21, 10, 0, 3, 500),
      sender: "127.0.0.1",
    });
    expect(s.stats).toMatchObject({ received: 3, parsed: 3, dropped: 0, truncated: 0 });
  });

  it("receives over UDP and TCP on ::1", async (ctx) => {
    let st: Awaited<ReturnType<typeof start>>;
    try {
      st = await start({}, "::1");
    } catch (e) {
      ctx.skip(`no IPv6 loopback here: ${(e as Error).message}`);
      return;
    }
    const { s, lines } = st;
    const port = s.udpAddress?.port as number;
    await sendUdp(udpClient("udp6"), port, "<13>Nov 21 10:00:01 v6host app: over udp6", "::1");
    const t = await tcpClient(s.tcpAddress?.port as number, "::1");
    t.write("<13>Nov 21 10:00:02 v6host app: over tcp6\n");
    await waitFor(() => lines.length === 2, 5000, "2 lines");
    const byText = new Map(lines.map((l) => [l.text, l]));
    expect(byText.get("Nov 21 10:00:01 v6host app: over udp6")).toMatchObject({
      sender: "::1",
      source: `syslog-udp:[::1]:${port}`,
    });
    expect(byText.get("Nov 21 10:00:02 v6host app: over tcp6")?.sender).toBe("::1");
  });

  it("receives over TCP with octet counting, LF and NUL framing in one stream", async () => {
    const { s, lines } = await start({ udp: false });
    const port = s.tcpAddress?.port as number;
    const c = await tcpClient(port);
    const a =
      "<86>Nov 21 10:00:01 rut955 sshd[10]: Failed password for root from 198.51.100.1 port 2222 ssh2";
    const b = "<86>1 2024-11-21T10:00:02+02:00 rut955 sshd 11 - - Accepted password for admin";
    const wire = Buffer.from(
      `${Buffer.byteLength(a)} ${a}${b}\n<13>Nov 21 10:00:03 rut955 logd: nul framed\0`,
    );
    // Dribble it in small pieces so frames straddle TCP segments.
    for (let i = 0; i < wire.length; i += 7) {
      c.write(wire.subarray(i, i + 7));
      if (i % 70 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await waitFor(() => lines.length === 3, 5000, "3 lines");
    expect(lines.map((l) => l.text)).toEqual([
      "Nov 21 10:00:01 rut955 sshd[10]: Failed password for root from 198.51.100.1 port 2222 ssh2",
      "Nov 21 10:00:02 rut955 sshd[11]: Accepted password for admin",
      "Nov 21 10:00:03 rut955 logd: nul framed",
    ]);
    expect(lines[1]?.time).toBe(Date.UTC(2024, 10, 21, 8, 0, 2));
    expect(
      lines.every((l) => l.sender === "127.0.0.1" && l.source === `syslog-tcp:127.0.0.1:${port}`),
    ).toBe(true);
  });

  it("survives hostile UDP input: garbage, invalid UTF-8, empty and oversized datagrams", async () => {
    const { s, lines } = await start({ tcp: false, maxMessageBytes: 1024 });
    const port = s.udpAddress?.port as number;
    const c = udpClient();
    await sendUdp(
      c,
      port,
      Buffer.from([0x00, 0xff, 0x3c, 0x39, 0x39, 0x39, 0x3e, 0x80, 0x0a, 0x1b]),
    );
    await sendUdp(
      c,
      port,
      Buffer.concat([Buffer.from("<13>Nov 21 10:00:01 h app: "), Buffer.from([0xc3, 0x28, 0xa0])]),
    );
    await sendUdp(c, port, Buffer.alloc(0));
    await sendUdp(c, port, Buffer.from("\n\0"));
    await sendUdp(c, port, Buffer.alloc(60_000, "B"));
    await sendUdp(c, port, "<13>Nov 21 10:00:02 h app: still alive");
    await waitFor(() => s.stats.received === 6, 5000, "6 datagrams");
    expect(s.stats).toMatchObject({ received: 6, parsed: 4, dropped: 2, truncated: 1 });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for them
    expect(lines.every((l) => !/[\x00-\x1f]/.test(l.text))).toBe(true);
    expect(lines[1]?.text).toBe("Nov 21 10:00:01 h app: \uFFFD(\uFFFD");
    expect(lines[2]?.text.endsWith("B".repeat(100))).toBe(true);
    expect(lines[2]?.text.length).toBeLessThan(1100);
    expect(lines[3]?.text).toBe("Nov 21 10:00:02 h app: still alive");
  });

  it("cuts a 1 MB TCP message, and a client flooding without a newline, keeping others served", async () => {
    const { s, lines } = await start({ udp: false, maxMessageBytes: 64 * 1024 });
    const port = s.tcpAddress?.port as number;
    const big = await tcpClient(port);
    big.write(
      `<13>Nov 21 10:00:01 h app: ${"M".repeat(1024 * 1024)}\n<13>Nov 21 10:00:02 h app: after\n`,
    );
    await waitFor(() => lines.length === 2, 10_000, "2 lines");
    expect(lines[0]?.text.length).toBeLessThanOrEqual(64 * 1024);
    expect(lines[0]?.text.startsWith("Nov 21 10:00:01 h app: MMM")).toBe(true);
    expect(lines[1]?.text).toBe("Nov 21 10:00:02 h app: after");
    expect(s.stats.truncated).toBe(1);

    // A flood of 8 MB without any line end: one cut line, the rest dropped; others still served.
    const flood = await tcpClient(port);
    const chunk = Buffer.alloc(256 * 1024, "F");
    for (let i = 0; i < 32; i++) {
      if (!flood.write(chunk)) await new Promise((r) => flood.once("drain", r));
    }
    const other = await tcpClient(port);
    other.write("<13>Nov 21 10:00:03 h app: other client\n");
    await waitFor(() => lines.some((l) => l.text.endsWith("other client")), 10_000, "other client");
    await waitFor(() => s.stats.bytes >= 8 * 1024 * 1024, 10_000, "flood received");
    // No PRI, no timestamp: the Fs are taken as a hostname; the line is cut at 64 KiB of them.
    const cut = lines.filter((l) => l.text.includes("FFFF"));
    expect(cut).toHaveLength(1);
    expect(cut[0]?.text).toMatch(/^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d F{65536}$/);
    expect(s.stats.truncated).toBe(2);
  });

  it("closes a stalled TCP client after the idle timeout and delivers its unfinished frame", async () => {
    const { s, lines } = await start({ udp: false, idleTimeoutMs: 300 });
    const port = s.tcpAddress?.port as number;
    const stalled = await tcpClient(port);
    stalled.write("<13>Nov 21 10:00:01 h app: half a mess");
    const ok = await tcpClient(port);
    ok.write("<13>Nov 21 10:00:02 h app: prompt\n");
    await waitFor(() => lines.length === 1, 2000, "the prompt line");
    expect(lines[0]?.text).toBe("Nov 21 10:00:02 h app: prompt");
    const closed = new Promise<void>((r) => stalled.once("close", () => r()));
    await closed;
    await waitFor(() => lines.length === 2, 3000, "the partial line");
    expect(lines[1]?.text).toBe("Nov 21 10:00:01 h app: half a mess");
    expect(s.stats.partial).toBe(1);
  });

  it("refuses connections over maxConnections and messages from senders not allowed", async () => {
    const { s } = await start({ udp: false, maxConnections: 2 });
    const port = s.tcpAddress?.port as number;
    await tcpClient(port);
    await tcpClient(port);
    const third = connect({ port, host: "127.0.0.1" });
    clients.push(third);
    third.on("error", () => {});
    await new Promise<void>((r) => third.once("close", () => r()));
    await waitFor(() => s.stats.refused === 1, 2000, "a refused connection");
    expect(s.stats.connections).toBe(2);
    await s.stop();
    server = null;

    const { s: s2, lines } = await start({ tcp: false, allowedSenders: ["192.0.2.1"] });
    await sendUdp(
      udpClient(),
      s2.udpAddress?.port as number,
      "<13>Nov 21 10:00:01 h app: spoofed?",
    );
    await waitFor(() => s2.stats.received === 1, 2000, "a datagram");
    expect(lines).toHaveLength(0);
    expect(s2.stats).toMatchObject({ rejected: 1, dropped: 1, parsed: 0 });
  });

  it("counts a failing line handler and keeps receiving", async () => {
    let n = 0;
    const { s } = await start({
      tcp: false,
      onLine: () => {
        n++;
        if (n === 1) throw new Error("filter bug");
      },
    });
    const c = udpClient();
    const port = s.udpAddress?.port as number;
    await sendUdp(c, port, "<13>one");
    await sendUdp(c, port, "<13>two");
    await waitFor(() => n === 2, 2000, "2 lines");
    expect(s.stats.handlerErrors).toBe(1);
  });

  it("takes a UDP flood of 20,000 messages without losing one", async () => {
    const { s } = await start({ tcp: false, onLine: () => {} });
    const port = s.udpAddress?.port as number;
    const c = udpClient();
    await new Promise<void>((r) => c.connect(port, "127.0.0.1", () => r()));
    const N = 20_000;
    const msgs = Array.from({ length: 100 }, (_, i) =>
      Buffer.from(
        `<38>Nov 21 10:00:01 rut955 dropbear[${1000 + i}]: Bad password attempt for 'root' from 203.0.113.${i}:4444`,
      ),
    );
    const deadline = Date.now() + 20_000;
    let sent = 0;
    while (sent < N && Date.now() < deadline) {
      // Keep at most 500 datagrams in flight so the socket buffer never overflows.
      while (sent < N && sent - s.stats.received < 500) c.send(msgs[sent++ % 100] as Buffer);
      await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => s.stats.received >= N, 10_000, "all datagrams");
    expect(s.stats).toMatchObject({ received: N, parsed: N, dropped: 0 });
  });
});

describe("zone clock", () => {
  it("converts across a DST change with Intl, and formats back", () => {
    const z = new ZoneClock("America/New_York");
    // 2024-03-10 01:30 EST (-5) and 03:30 EDT (-4).
    expect(z.toEpoch(2024, 3, 10, 1, 30, 0)).toBe(Date.UTC(2024, 2, 10, 6, 30));
    expect(z.toEpoch(2024, 3, 10, 3, 30, 0)).toBe(Date.UTC(2024, 2, 10, 7, 30));
    expect(z.wall(Date.UTC(2024, 2, 10, 7, 30))).toEqual({
      year: 2024,
      month: 3,
      day: 10,
      hour: 3,
      minute: 30,
      second: 0,
    });
  });
});
