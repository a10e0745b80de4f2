/**
 * The HTTP probe against web servers this test starts on 127.0.0.1 (loopback only): pages that
 * imitate LuCI, the RutOS 7 WebUI, FreePBX, a BAS-IP panel and the Asterisk HTTP server (written
 * here, not copied), a Basic-auth prompt, a plain-to-HTTPS redirect, and hostile peers (garbage,
 * stall, close mid-answer, header and body floods, redirect loops, a redirect to another host).
 * Then end to end: scanTargets turns them into Facts and the rules judge them.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settingsFrom } from "../src/engine/profile.js";
import { runRules } from "../src/engine/run.js";
import { ALL_RULES } from "../src/rules/index.js";
import { fillHttpFacts, tlsRedirect } from "../src/scan/http-facts.js";
import { scanTargets } from "../src/scan/index.js";
import { httpProbe, metaRefresh, pageTitle } from "../src/scan/probes/http.js";
import { isAppShell, recogniseWebApp, webAppFromInfo } from "../src/scan/web-apps.js";
import { runCli } from "./support/cli.js";
import { FakeServers, LOOPBACK, selfSignedCertificate } from "./support/fake-server.js";

const HOST = LOOPBACK;
const fake = new FakeServers();

// --- pages written for these tests, with the markers each application really ships -----------

const OPENWRT_INDEX = `<?xml version="1.0" encoding="utf-8"?>
<html><head><meta http-equiv="Cache-Control" content="no-cache" />
<meta http-equiv="refresh" content="0; URL=cgi-bin/luci/" /></head>
<body><a href="cgi-bin/luci/">LuCI - Lua Configuration Interface</a></body></html>`;

const LUCI_LOGIN = `<!DOCTYPE html><html><head><title>gw-test - LuCI</title></head><body>
<form method="post"><h2>Authorization Required</h2>
<input type="text" name="luci_username" value="root" />
<input type="password" name="luci_password" />
<input type="submit" value="Log in" /></form>
<footer>Powered by LuCI</footer></body></html>`;

const RUTOS_SHELL = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<link rel="stylesheet" href="/brand/brand.css" /><title>Teltonika Networks</title>
<script type="module" src="/assets/index-test.js"></script></head>
<body><noscript>Please enable JavaScript.</noscript><div id="app"></div></body></html>`;

const FREEPBX_LOGIN = `<!DOCTYPE html><html><head><title>FreePBX Administration</title>
<script>var fpbx = {}; window.FreePBX = fpbx;</script></head><body>
<div id="loginform"><input name="username"><input type="password" name="password"></div></body></html>`;

const WAZO_LOGIN = `<!DOCTYPE html><html><head><title>Login</title></head><body class="skin-blue">
<form method="post" name="login_user_form"><img class="wazo-logo" src="/static/wazo-logo.svg">
<input name="username"><input type="password" name="password"></form></body></html>`;

const PANEL_SHELL = `<!DOCTYPE html><html><head><title>Panel</title><script src="/js/app.js"></script></head>
<body><div id="app"></div></body></html>`;

const ASTERISK_404 = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\r
<html><head>\r\n<title>404 Not Found</title>\r\n</head><body>\r\n<h1>Not Found</h1>\r
<p>The requested URL was not found on this server.</p>\r\n<hr />\r
<address>Asterisk/20.5.0</address>\r\n</body></html>\r\n`;

// --- servers ---------------------------------------------------------------------------------

type Handler = (q: IncomingMessage, r: ServerResponse) => void;

const web = (handler: Handler) => fake.listen(createHttpServer(handler));
const raw = (onConn: (s: Socket) => void) => fake.tcp(onConn);

const html = (
  r: ServerResponse,
  body: string,
  status = 200,
  headers: Record<string, string> = {},
) => {
  r.writeHead(status, { "content-type": "text/html", ...headers });
  r.end(body);
};

let luci: number;
let basic: number;
let toHttps: number;
let https: number;
let elsewhere: number;
let loop: number;
let selfLoop: number;
let freepbx: number;
let panel: number;
let asterisk: number;
let rutos: number;
let wazo: number;
let requestsSeen: string[];

beforeAll(async () => {
  requestsSeen = [];
  luci = await web((q, r) =>
    q.url === "/"
      ? html(r, OPENWRT_INDEX)
      : q.url === "/cgi-bin/luci/"
        ? html(r, LUCI_LOGIN)
        : html(r, "", 404),
  );
  basic = await web((q, r) => {
    requestsSeen.push(`${q.headers["user-agent"]} ${q.headers.authorization ?? "no credentials"}`);
    html(r, "<h1>401</h1>", 401, {
      "www-authenticate": 'Basic realm="OpenWrt"',
      server: "lighttpd/1.4.69",
    });
  });
  https = await fake.listen(
    createHttpsServer(selfSignedCertificate("bulwark-http"), (_q, r) =>
      html(r, LUCI_LOGIN, 200, { "strict-transport-security": "max-age=31536000" }),
    ),
  );
  toHttps = await web((q, r) =>
    html(r, "", 301, { location: `https://${HOST}:${https}${q.url}`, server: "nginx/1.22.1" }),
  );
  elsewhere = await web((_q, r) => html(r, "", 302, { location: "http://192.0.2.1/login" }));
  loop = await web((q, r) => html(r, "", 302, { location: q.url === "/" ? "/a" : "/" }));
  selfLoop = await web((_q, r) => html(r, "", 302, { location: "/" }));
  freepbx = await web((q, r) =>
    q.url === "/" ? html(r, "", 302, { location: "/admin" }) : html(r, FREEPBX_LOGIN),
  );
  panel = await web((q, r) => {
    if (q.url === "/api/info") {
      r.writeHead(200, { "content-type": "application/json" });
      r.end(
        JSON.stringify({
          firmware_version: "3.8.1",
          framework_version: "2.4.0",
          api_version: "1.2.0",
          device_name: "Entrance",
          device_type: "AV-03BD",
          device_serial_number: "test-serial",
          hybrid_enable: false,
          commit: "abc",
        }),
      );
    } else html(r, PANEL_SHELL);
  });
  asterisk = await web((_q, r) => html(r, ASTERISK_404, 404, { server: "Asterisk/20.5.0" }));
  rutos = await web((_q, r) => html(r, RUTOS_SHELL));
  wazo = await web((q, r) =>
    q.url === "/" ? html(r, "", 302, { location: "/login" }) : html(r, WAZO_LOGIN),
  );
});

afterAll(() => fake.closeAll());

describe("page markers", () => {
  it("recognise each application from pages written here", () => {
    const id = (body: string, server?: string) =>
      recogniseWebApp({ status: 200, body, server, title: pageTitle(body) })?.id;
    expect(id(OPENWRT_INDEX)).toBe("luci");
    expect(id(LUCI_LOGIN)).toBe("luci");
    expect(id(RUTOS_SHELL)).toBe("rutos");
    expect(id(FREEPBX_LOGIN)).toBe("freepbx");
    expect(id(WAZO_LOGIN)).toBe("wazo");
    expect(id(ASTERISK_404)).toBe("asterisk-http");
    expect(id("<html><head><title>Welcome to nginx!</title></head></html>")).toBe("nginx-default");
    expect(id(PANEL_SHELL)).toBeUndefined();
    expect(
      id("<html><head><title>My blog</title></head><body>hello</body></html>"),
    ).toBeUndefined();
    expect(recogniseWebApp({ status: 200, body: LUCI_LOGIN })?.admin).toBe(true);
    expect(
      recogniseWebApp({
        status: 200,
        body: "<title>Welcome to nginx!</title>",
        title: "Welcome to nginx!",
      })?.admin,
    ).toBe(false);
  });

  it("reads titles and meta refreshes in either attribute order", () => {
    expect(pageTitle("<title> A &amp; B\n</title>")).toBe("A & B");
    expect(metaRefresh(OPENWRT_INDEX)).toBe("cgi-bin/luci/");
    expect(metaRefresh(`<meta content='5;url=/x' http-equiv='Refresh'>`)).toBe("/x");
    expect(metaRefresh(`<meta name="viewport" content="width=device-width">`)).toBeUndefined();
  });

  it("tells an empty JavaScript app shell, and reads a BAS-IP info answer", () => {
    expect(isAppShell(PANEL_SHELL)).toBe(true);
    expect(isAppShell(LUCI_LOGIN)).toBe(false);
    const app = webAppFromInfo(
      '{"firmware_version":"3.9.2","framework_version":"2.5","api_version":"1.3","device_type":"AV-01ED"}',
    );
    expect(app).toMatchObject({ id: "bas-ip", version: "3.9.2", admin: true });
    expect(webAppFromInfo('{"status":"ok"}')).toBeUndefined();
    expect(webAppFromInfo("not json")).toBeUndefined();
  });
});

describe("HTTP probe against imitations of real devices", () => {
  it("follows OpenWrt's refresh to the LuCI login, on plain HTTP: no redirect to HTTPS", async () => {
    const r = await httpProbe(HOST, luci, { timeoutMs: 2000 });
    expect(r.state).toBe("http");
    expect(r.answers.map((a) => [new URL(a.url).pathname, a.status])).toEqual([
      ["/", 200],
      ["/cgi-bin/luci/", 200],
    ]);
    expect(r.redirect).toMatchObject({ toTls: false, followed: true });
    expect(r.app?.id).toBe("luci");
    expect(r.answers[1]?.title).toBe("gw-test - LuCI");
    expect(tlsRedirect(r)).toEqual({ value: false });
  });

  it("sees Basic credentials asked over plain HTTP, and sends none", async () => {
    const r = await httpProbe(HOST, basic, { timeoutMs: 2000 });
    expect(r.answers[0]).toMatchObject({
      status: 401,
      authenticate: ['Basic realm="OpenWrt"'],
      server: "lighttpd/1.4.69",
    });
    expect(requestsSeen.at(-1)).toBe("bulwark-scan/0.1 no credentials");
  });

  it("follows a redirect to HTTPS on the same host and reads HSTS there", async () => {
    const r = await httpProbe(HOST, toHttps, { timeoutMs: 3000 });
    expect(r.redirect).toMatchObject({ toTls: true, followed: true });
    expect(r.answers[1]?.url).toBe(`https://${HOST}:${https}/`);
    expect(r.answers[1]?.hsts).toBe("max-age=31536000");
    expect(r.app?.id).toBe("luci");
    expect(tlsRedirect(r)).toEqual({ value: true });
    const direct = await httpProbe(HOST, https, { tls: true, timeoutMs: 3000 });
    expect(direct).toMatchObject({ state: "http", tls: true });
    expect(direct.answers[0]?.hsts).toBe("max-age=31536000");
  });

  it("never contacts another host a redirect names", async () => {
    const t0 = Date.now();
    const r = await httpProbe(HOST, elsewhere, { timeoutMs: 3000 });
    expect(r.redirect).toMatchObject({ followed: false, toTls: false });
    expect(r.redirect?.why).toMatch(/another host \(192\.0\.2\.1\): not contacted/);
    expect(r.answers).toHaveLength(1);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(tlsRedirect(r)).toEqual({ value: false });
  });

  it("stops redirect loops after one hop, undecided when the chain goes on", async () => {
    const r = await httpProbe(HOST, loop, { timeoutMs: 2000 });
    expect(r.answers).toHaveLength(2);
    expect(tlsRedirect(r)).toMatchObject({ reason: expect.stringMatching(/redirects again/) });
    const self = await httpProbe(HOST, selfLoop, { timeoutMs: 2000 });
    expect(self.answers).toHaveLength(1);
    expect(self.redirect?.why).toBe("redirects to itself");
    expect(tlsRedirect(self)).toEqual({ value: false });
  });

  it("recognises FreePBX and Wazo behind their redirect, RutOS 7 and Asterisk directly", async () => {
    expect((await httpProbe(HOST, freepbx, { timeoutMs: 2000 })).app?.id).toBe("freepbx");
    expect((await httpProbe(HOST, wazo, { timeoutMs: 2000 })).app?.id).toBe("wazo");
    expect((await httpProbe(HOST, rutos, { timeoutMs: 2000 })).app?.id).toBe("rutos");
    const a = await httpProbe(HOST, asterisk, { timeoutMs: 2000 });
    expect(a.answers[0]?.status).toBe(404);
    expect(a.app?.id).toBe("asterisk-http");
  });

  it("asks an unnamed app shell its info endpoint: a BAS-IP panel and its firmware", async () => {
    const r = await httpProbe(HOST, panel, { timeoutMs: 2000 });
    expect(r.app).toMatchObject({ id: "bas-ip", version: "3.8.1" });
    expect(JSON.stringify(r)).not.toContain("test-serial");
  });
});

describe("hostile web peers end cleanly within the time-out", () => {
  const timed = async (port: number, opts: Parameters<typeof httpProbe>[2] = {}) => {
    const t0 = Date.now();
    const r = await httpProbe(HOST, port, { timeoutMs: 1000, ...opts });
    return { r, ms: Date.now() - t0 };
  };

  it("garbage is not HTTP; a stall and a hang-up are no answer", async () => {
    const garbage = await raw((s) => s.end(Buffer.from("\x00\x01garbage\xfe\r\n\r\n", "latin1")));
    const stall = await raw(() => {});
    const hangUp = await raw((s) => s.destroy());
    const half = await raw((s) => s.once("data", () => s.end("HTTP/1.1 200 OK\r\nContent-")));
    expect((await timed(garbage)).r.state).toBe("not-http");
    const st = await timed(stall);
    expect(st.r).toMatchObject({ state: "no-answer", error: "time-out" });
    expect(st.ms).toBeLessThan(1500);
    expect((await timed(hangUp)).r.state).toBe("no-answer");
    const h = await timed(half);
    expect(["not-http", "no-answer"]).toContain(h.r.state);
    expect(h.ms).toBeLessThan(1500);
  });

  it("a header flood is cut by the header cap; a body flood by the body cap", async () => {
    const pump = (s: Socket, chunk: Buffer, max: number) => {
      let sent = 0;
      const go = () => {
        while (!s.destroyed && sent < max && s.write(chunk)) sent++;
      };
      s.on("drain", go);
      go();
    };
    const headers = await raw((s) =>
      s.once("data", () => {
        s.write("HTTP/1.1 200 OK\r\n");
        pump(s, Buffer.from(`X-Pad: ${"a".repeat(1000)}\r\n`), 10_000);
      }),
    );
    const body = await raw((s) =>
      s.once("data", () => {
        s.write("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n");
        pump(s, Buffer.alloc(64 * 1024, 0x41), 160); // 10 MB
      }),
    );
    const hf = await timed(headers);
    expect(hf.r.state).toBe("not-http");
    expect(hf.ms).toBeLessThan(1500);
    const bf = await timed(body);
    expect(bf.r.state).toBe("http");
    expect(bf.r.answers[0]).toMatchObject({ truncated: true, bodyBytes: 256 * 1024 });
    expect(bf.ms).toBeLessThan(1500);
  });

  it("a body that stalls after the headers still counts, cut at the time-out", async () => {
    const drip = await raw((s) =>
      s.once("data", () =>
        s.write("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n<title>slow</title>"),
      ),
    );
    const d = await timed(drip);
    expect(d.r.state).toBe("http");
    expect(d.r.answers[0]?.title).toBe("slow");
    expect(d.ms).toBeLessThan(1500);
  });

  it("HTTPS against garbage and a stall fails cleanly", async () => {
    const garbage = await raw((s) => s.end("nope nope nope\r\n"));
    const stall = await raw(() => {});
    for (const port of [garbage, stall]) {
      const { r, ms } = await timed(port, { tls: true });
      expect(r.state).not.toBe("http");
      expect(ms).toBeLessThan(1500);
    }
  });
});

describe("HTTP facts and rules, end to end", () => {
  it("a scan turns the pages into services the rules judge, with probe evidence", async () => {
    const [scan] = await scanTargets([HOST], {
      ports: [luci, toHttps, https, basic].map((port) => ({ port, transport: "tcp" as const })),
      timeoutMs: 1500,
    });
    const facts = scan?.facts;
    if (!facts) throw new Error("no scan");
    const on = (port: number) =>
      facts.services.find((s) => s.ports.known && s.ports.value[0]?.from === port);
    const plain = on(luci);
    expect(plain).toMatchObject({ kind: "http", admin: true, id: `http-${luci}` });
    expect(plain?.label).toBe(`LuCI (OpenWrt) web interface (HTTP) on ${luci}/tcp`);
    expect(plain?.redirectsToTls).toMatchObject({ known: true, value: false });
    expect(plain?.redirectsToTls?.at[0]).toMatchObject({
      kind: "probe",
      probe: "http-get",
      port: luci,
    });
    expect(on(toHttps)?.redirectsToTls).toMatchObject({ known: true, value: true });
    expect(on(toHttps)?.software).toMatchObject({ value: { product: "nginx", version: "1.22.1" } });
    expect(on(https)?.http).toMatchObject({ value: { hsts: true, app: "luci" } });
    expect(on(https)?.redirectsToTls).toBeUndefined();
    const b = on(basic);
    expect(b?.http).toMatchObject({ value: { status: 401, basicAuthOverPlain: true } });
    expect(b?.auth.challengeSchemes).toMatchObject({ value: ["basic"] });
    expect(b?.auth.anonymous).toMatchObject({ known: true, value: false });
    expect(b?.software).toMatchObject({ value: { product: "lighttpd", version: "1.4.69" } });

    const report = runRules(facts, ALL_RULES, settingsFrom({}));
    const of = (rule: string, port: number) =>
      report.results.find((x) => x.rule === rule && x.subject?.endsWith(`on ${port}/tcp`));
    const noRedirect = of("webui-https-only", luci);
    expect(noRedirect?.status).toBe("fail");
    expect(noRedirect?.evidence.some((e) => e.kind === "probe" && e.probe === "http-get")).toBe(
      true,
    );
    expect(of("webui-https-only", toHttps)?.status).toBe("pass");
    expect(of("http-basic-auth-plain", basic)?.status).toBe("fail");
    expect(of("http-basic-auth-plain", luci)?.status).toBe("pass");
    expect(of("http-basic-auth-plain", https)?.status).toBe("pass");
  });

  it("fillHttpFacts leaves ports no HTTP probe answered alone", () => {
    const facts = { services: [] } as unknown as Parameters<typeof fillHttpFacts>[0];
    fillHttpFacts(
      facts,
      [{ address: HOST, port: 81, tls: false, state: "not-http", answers: [], time: "t" }],
      HOST,
    );
    expect(facts.services).toEqual([]);
  });

  it("the CLI prints what the web probe saw and puts it in the JSON", async () => {
    const text = await runCli(["scan", HOST, "--ports", `${luci},${basic}`, "--timeout", "1500"]);
    expect(text.stdout).toContain(`${luci}/tcp HTTP: GET / → 200 OK`);
    expect(text.stdout).toContain('WWW-Authenticate: Basic realm="OpenWrt"');
    const json = await runCli([
      ...["scan", HOST, "--ports", String(basic), "--timeout", "1500", "--format", "json"],
    ]);
    const doc = JSON.parse(json.stdout);
    expect(doc.targets[0].scan.http[0]).toMatchObject({ port: basic, state: "http" });
    // SARIF for pipelines: the Basic-over-HTTP failure, located at the scanned address.
    const sarif = await runCli([
      ...["scan", HOST, "--ports", String(basic), "--timeout", "1500", "--format", "sarif"],
    ]);
    const run = JSON.parse(sarif.stdout).runs[0];
    const hit = run.results.find((r: { ruleId: string }) => r.ruleId === "http-basic-auth-plain");
    expect(hit?.locations[0].physicalLocation.artifactLocation.uri).toBe(HOST);
    expect(sarif.code).toBe(1);
  });
});
