/**
 * One TCP port, from connect to its protocol probes, against servers this test writes (loopback
 * only): a port that stays silent gets the silent port's probes while its banner wait goes on, and
 * the wait ends once one of them had an answer (an HTTP server only speaks when spoken to); a
 * banner that comes late overrules them; a telnet server is probed on the banner's connection
 * rather than a second one. First tcpProbe's own hooks for this (onSilent, signal, takeOver).
 */
import { createServer as createHttpServer } from "node:http";
import type { Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { scanTargets } from "../src/scan/index.js";
import { type OpenConnection, tcpProbe } from "../src/scan/probes/tcp.js";
import { telnetProbe } from "../src/scan/probes/telnet.js";
import { FakeServers } from "./support/fake-server.js";

const HOST = "127.0.0.1";
const fake = new FakeServers();
afterAll(() => fake.closeAll());

/** A TCP server; `connections` counts the connections it accepted. */
async function listen(
  onConn: (s: Socket) => void,
): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const port = await fake.tcp((s) => {
    connections++;
    onConn(s);
  });
  return { port, connections: () => connections };
}

/** Like inetutils telnetd: asks for the terminal type, and prompts once the client answered. */
function telnetd(s: Socket): void {
  s.write(Buffer.from([255, 253, 24])); // IAC DO TERMINAL-TYPE
  s.on("data", (d) => {
    if (d.includes(252)) s.write("\r\nDebian GNU/Linux 12\r\nrouter login: ");
  });
}

const since = (t0: number) => Date.now() - t0;

describe("tcpProbe's hooks for the probes that follow", () => {
  it("says when a connection stayed silent, and stops waiting for a banner when told", async () => {
    const silent = await listen(() => {});
    const answered = new AbortController();
    let silentAfter = -1;
    const t0 = Date.now();
    const r = await tcpProbe(HOST, silent.port, {
      bannerMs: 1500,
      silentMs: 80,
      onSilent: () => {
        silentAfter = since(t0);
        setTimeout(() => answered.abort(), 50);
      },
      signal: answered.signal,
    });
    expect(r.state).toBe("open");
    expect(r.banner).toBeUndefined();
    expect(silentAfter).toBeGreaterThanOrEqual(75);
    // Ended by the signal, long before the 1.5 s banner wait.
    expect(since(t0)).toBeLessThan(800);
  });

  it("a server that greets is never silent, and bytes already read keep the banner wait", async () => {
    const greeting = await listen((s) => s.write("220 ready\r\n"));
    let silent = false;
    const g = await tcpProbe(HOST, greeting.port, {
      silentMs: 20,
      onSilent: () => {
        silent = true;
      },
    });
    expect(g.banner?.toString()).toBe("220 ready\r\n");
    // Half a line, then an abort: the rest of that banner is still waited for.
    const partial = await listen((s) => {
      s.write("220 rea");
      setTimeout(() => s.write("dy\r\n"), 300);
    });
    const answered = new AbortController();
    setTimeout(() => answered.abort(), 100);
    const p = await tcpProbe(HOST, partial.port, { bannerMs: 1500, signal: answered.signal });
    expect(p.banner?.toString()).toBe("220 ready\r\n");
    await new Promise((r) => setTimeout(r, 50));
    expect(silent).toBe(false);
  });

  it("hands the open connection over, with what it read, to the telnet probe", async () => {
    const server = await listen(telnetd);
    let kept: OpenConnection | undefined;
    const r = await tcpProbe(HOST, server.port, {
      bannerMs: 1500,
      takeOver: (socket, received) => {
        kept = { socket, received };
        return true;
      },
    });
    expect(r.banner).toEqual(Buffer.from([255, 253, 24]));
    expect(kept?.received).toEqual(Buffer.from([255, 253, 24]));
    if (!kept) throw new Error("not handed over");
    expect(kept.socket.destroyed).toBe(false);
    const t = await telnetProbe(HOST, server.port, { connection: kept });
    expect(t.state).toBe("telnet");
    expect(t.options).toEqual(["DO 24"]);
    expect(t.loginPrompt).toBe(true);
    expect(t.software?.product).toBe("debian");
    expect(kept.socket.destroyed).toBe(true);
    expect(server.connections()).toBe(1);
  });

  it("a connection the server ended is not handed over", async () => {
    const bye = await listen((s) => s.end("bye\r"));
    let offered = false;
    const r = await tcpProbe(HOST, bye.port, {
      takeOver: () => {
        offered = true;
        return true;
      },
    });
    expect(r.banner?.toString()).toBe("bye\r");
    expect(offered).toBe(false);
  });
});

describe("scanning a port", () => {
  const scanOne = async (port: number, timeoutMs = 3000) => {
    const [s] = await scanTargets([HOST], { ports: [{ port, transport: "tcp" }], timeoutMs });
    if (!s) throw new Error("no scan");
    return s;
  };

  it("a silent web server is probed at once, and its answer ends the banner wait", async () => {
    const web = createHttpServer((_req, res) => {
      res.setHeader("Server", "lighttpd/1.4.69");
      res.end("<html>router</html>");
    });
    const port = await fake.listen(web);
    const t0 = Date.now();
    const s = await scanOne(port);
    // Connect, 150 ms of silence, TLS tried (not TLS), GET / answered: well under the 1.5 s that
    // waiting out the banner first would take.
    expect(since(t0)).toBeLessThan(1200);
    expect(s.tcp.map((t) => [t.port, t.state, t.banner])).toEqual([[port, "open", undefined]]);
    expect(s.tls).toEqual([]);
    expect(s.http.map((h) => [h.port, h.state, h.tls])).toEqual([[port, "http", false]]);
  });

  it("a banner that comes late overrules the silent port's probes", async () => {
    // Greets only after 400 ms, on every connection, whatever it is sent: an SSH server, late.
    const late = await listen((s) => {
      setTimeout(() => s.write("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"), 400);
    });
    // A short time-out: the SSH probe then gives up on this fake soon (it never does key exchange).
    const s = await scanOne(late.port, 1000);
    expect(s.tcp[0]?.banner?.toString()).toBe("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
    // What the speculative TLS and HTTP probes saw is dropped; the port is what its banner says.
    expect(s.tls).toEqual([]);
    expect(s.http).toEqual([]);
    expect(s.facts.services.map((x) => x.kind)).toEqual(["ssh"]);
    // The TCP connection, then the TLS and HTTP probes while it waited, then the SSH probe.
    expect(late.connections()).toBeGreaterThanOrEqual(3);
  });

  it("a telnet server is probed on the banner's connection, not a second one", async () => {
    const server = await listen(telnetd);
    const s = await scanOne(server.port);
    expect(s.telnet.map((t) => [t.port, t.state, t.loginPrompt, t.options])).toEqual([
      [server.port, "telnet", true, ["DO 24"]],
    ]);
    expect(server.connections()).toBe(1);
  });
});
