/**
 * `--try-default-credentials` against fake servers on 127.0.0.1: an SSH server (ssh2's Server), a
 * telnet login, HTTP Basic, LuCI's login form and the RutOS API, each accepting one vendor
 * default or none. Checked: the first default that works is reported by reference (never the
 * password), no login gets more than 3 tries, refused defaults make "defaults refused" (not a
 * strong password), sessions opened are closed, and without the flag nothing is tried at all.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from "node:net";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PROFILE } from "../src/engine/profile.js";
import type { Service } from "../src/facts/model.js";
import { accountDefaultPassword } from "../src/rules/router/account-default-password.js";
import { defaultPairs, MAX_ATTEMPTS } from "../src/scan/credentials/defaults.js";
import { type HostScan, scanTargets } from "../src/scan/index.js";
import { Limiter } from "../src/scan/limiter.js";
import { TelnetNegotiator } from "../src/scan/telnet-negotiation.js";
import { DEFAULT_LOGIN_SERVICES, defaultCredentials } from "../src/secrets/defaults.js";
import { runCli } from "./support/cli.js";

const HOST = "127.0.0.1";
const ctx = { profile: DEFAULT_PROFILE, now: new Date("2026-11-21T00:00:00Z") };

/** A default's password, looked up in the data file (the tests never spell one out). */
function passwordOf(vendor: string, username: string, service: string): string {
  const c = defaultCredentials().find(
    (x) => x.vendor === vendor && x.username === username && x.services?.includes(service as never),
  );
  if (!c) throw new Error(`no ${vendor} default for ${username} on ${service}`);
  return c.password;
}

/** Every distinctive default password (long enough not to be an ordinary word of the output). */
const DISTINCTIVE = [...new Set(defaultCredentials().map((c) => c.password))].filter(
  (p) => p.length >= 6 && !/^(admin|password|root)$/.test(p),
);

function listening(server: Server | TcpServer | ssh2.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, HOST, () => resolve((server.address() as { port: number }).port)),
  );
}

function close(server: Server | TcpServer | ssh2.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

// ---------------------------------------------------------------------------------------------
// Fake SSH server: password logins, counted; accepts one pair (or none).

interface FakeSsh {
  server: ssh2.Server;
  port: number;
  /** User names of the password attempts received. */
  attempts: string[];
}

async function fakeSsh(accept?: { username: string; password: string }): Promise<FakeSsh> {
  const hostKey = ssh2.utils.generateKeyPairSync("ed25519").private;
  const attempts: string[] = [];
  const server = new ssh2.Server({ hostKeys: [hostKey] }, (client) => {
    client.on("error", () => {});
    client.on("authentication", (auth) => {
      if (auth.method !== "password") return auth.reject(["password"]);
      attempts.push(auth.username);
      if (accept && auth.username === accept.username && auth.password === accept.password)
        return auth.accept();
      auth.reject(["password"]);
    });
    client.on("ready", () => client.end());
  });
  return { server, port: await listening(server), attempts };
}

// ---------------------------------------------------------------------------------------------
// Fake web logins.

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => resolve(body));
  });
}

interface FakeWeb {
  server: Server;
  port: number;
  attempts: string[];
  logouts: number;
}

const LUCI_FORM =
  '<form method="post"><input name="luci_username" value="root"/><input type="password" name="luci_password"/></form>';

/** LuCI as luci-base's dispatcher answers: 403 + form, or 302 + sysauth_http on success. */
async function fakeLuci(accept?: { username: string; password: string }): Promise<FakeWeb> {
  const w: FakeWeb = { server: undefined as unknown as Server, port: 0, attempts: [], logouts: 0 };
  w.server = createHttpServer(async (req, res) => {
    const body = await readBody(req);
    if (
      req.url === "/cgi-bin/luci/admin/logout" &&
      req.headers.cookie === "sysauth_http=0123abcd"
    ) {
      w.logouts++;
      res.writeHead(302, { Location: "/cgi-bin/luci/" }).end();
      return;
    }
    if (req.url?.startsWith("/cgi-bin/luci") && req.method === "POST") {
      const form = new URLSearchParams(body);
      w.attempts.push(form.get("luci_username") ?? "");
      if (
        accept &&
        form.get("luci_username") === accept.username &&
        form.get("luci_password") === accept.password
      ) {
        res
          .writeHead(302, {
            Location: "/cgi-bin/luci/",
            "Set-Cookie": "sysauth_http=0123abcd; path=/cgi-bin/luci/; SameSite=strict; HttpOnly",
          })
          .end();
        return;
      }
    }
    if (req.url?.startsWith("/cgi-bin/luci")) {
      res.writeHead(403, { "X-LuCI-Login-Required": "yes", "Content-Type": "text/html" });
      res.end(LUCI_FORM);
      return;
    }
    res.writeHead(200, { "Content-Type": "text/html" }).end("<html>router</html>");
  });
  w.port = await listening(w.server);
  return w;
}

/** A front page behind HTTP Basic. */
async function fakeBasic(accept: { username: string; password: string }): Promise<FakeWeb> {
  const w: FakeWeb = { server: undefined as unknown as Server, port: 0, attempts: [], logouts: 0 };
  const good = `Basic ${Buffer.from(`${accept.username}:${accept.password}`).toString("base64")}`;
  w.server = createHttpServer((req, res) => {
    const auth = req.headers.authorization;
    if (auth) {
      w.attempts.push(Buffer.from(auth.slice(6), "base64").toString().split(":")[0] ?? "");
      if (auth === good) return res.writeHead(200).end("welcome");
    }
    res.writeHead(401, { "WWW-Authenticate": 'Basic realm="Router"' }).end("Unauthorized");
  });
  w.port = await listening(w.server);
  return w;
}

/** The RutOS 7 API's login and logout. */
async function fakeRutos(accept: { username: string; password: string }): Promise<FakeWeb> {
  const w: FakeWeb = { server: undefined as unknown as Server, port: 0, attempts: [], logouts: 0 };
  const deny = JSON.stringify({ success: false, errors: [{ code: 120, error: "Unauthorized" }] });
  w.server = createHttpServer(async (req, res) => {
    const body = await readBody(req);
    res.setHeader("Content-Type", "application/json");
    if (req.url === "/api/login" && req.method === "POST") {
      const c = JSON.parse(body) as { username: string; password: string };
      w.attempts.push(c.username);
      if (c.username === accept.username && c.password === accept.password)
        return res.end(
          JSON.stringify({
            success: true,
            data: { username: c.username, token: "tok123", expires: 299 },
          }),
        );
      return res.writeHead(401).end(deny);
    }
    if (req.url === "/api/logout" && req.headers.authorization === "Bearer tok123") {
      w.logouts++;
      return res.end(JSON.stringify({ success: true, data: { response: "Logged out" } }));
    }
    res.writeHead(401).end(deny);
  });
  w.port = await listening(w.server);
  return w;
}

// ---------------------------------------------------------------------------------------------
// Fake telnet login (inetutils/BusyBox style): IAC DO TTYPE, "login:", "Password:".

interface FakeTelnet {
  server: TcpServer;
  port: number;
  attempts: string[];
}

async function fakeTelnet(accept: { username: string; password: string }): Promise<FakeTelnet> {
  const attempts: string[] = [];
  const server = createTcpServer((sock: Socket) => {
    sock.on("error", () => {});
    sock.write(Buffer.from([255, 253, 24]));
    sock.write("\r\nOpenWrt login: ");
    const client = new TelnetNegotiator();
    let line = "";
    let user: string | undefined;
    sock.on("data", (d: Buffer) => {
      client.feed(d);
      line += client.take();
      while (line.includes("\n")) {
        const i = line.indexOf("\n");
        const value = line.slice(0, i).replace(/\r/g, "");
        line = line.slice(i + 1);
        if (user === undefined) {
          user = value;
          sock.write("Password: ");
        } else if (value === "exit") {
          sock.end();
        } else {
          attempts.push(user);
          const ok = user === accept.username && value === accept.password;
          user = undefined;
          if (ok)
            sock.write("\r\n\r\nBusyBox v1.36.1 built-in shell (ash)\r\n\r\nroot@OpenWrt:~# ");
          else setTimeout(() => sock.write("\r\nLogin incorrect\r\nOpenWrt login: "), 30);
        }
      }
    });
  });
  return { server, port: await listening(server), attempts };
}

// ---------------------------------------------------------------------------------------------

async function scan(
  port: number,
  tryDefaults: boolean,
  cls: "router" | "pbx" = "router",
): Promise<HostScan> {
  const [s] = await scanTargets([HOST], {
    class: cls,
    ports: [{ port, transport: "tcp" }],
    timeoutMs: 1500,
    tryDefaultCredentials: tryDefaults,
    limiter: new Limiter({ concurrency: 4, ratePerSecond: 200 }),
  });
  if (!s) throw new Error("no scan");
  return s;
}

function serviceOn(s: HostScan, port: number): Service {
  const svc = s.facts.services.find(
    (x) => x.ports.known && x.ports.value.some((p) => p.from === port),
  );
  if (!svc) throw new Error(`no service on ${port}`);
  return svc;
}

function expectNoPassword(text: string): void {
  for (const p of DISTINCTIVE) expect(text).not.toContain(p);
}

describe("pairs from data/default-credentials.json", () => {
  it("never offers more than 3 pairs, and only entries marked for the login and class", () => {
    for (const service of DEFAULT_LOGIN_SERVICES)
      for (const cls of [undefined, "router", "pbx", "intercom"]) {
        const pairs = defaultPairs(service, { cls, vendors: ["Teltonika", "OpenWrt"] });
        expect(pairs.length).toBeLessThanOrEqual(MAX_ATTEMPTS);
        for (const p of pairs) {
          expect(p.entry.services).toContain(service);
          if (cls && p.entry.classes) expect(p.entry.classes).toContain(cls);
          // Named from the vendor and user only: nothing of the password.
          expect(p.label).toBe(
            p.entry.vendor === "generic"
              ? `the common device default for user ${p.entry.username}`
              : `the ${p.entry.vendor} factory default for user ${p.entry.username}`,
          );
        }
      }
  });

  it("puts the recognised vendor first", () => {
    expect(defaultPairs("luci", { cls: "router", vendors: ["OpenWrt"] })[0]?.label).toBe(
      "the OpenWrt factory default for user root",
    );
    expect(defaultPairs("rutos", { cls: "router", vendors: ["Teltonika"] })[0]?.label).toBe(
      "the Teltonika factory default for user admin",
    );
  });
});

describe("telnet negotiation", () => {
  it("strips negotiation (also split across reads) and declines every option", () => {
    const n = new TelnetNegotiator();
    const a = n.feed(Buffer.from([255, 253, 24, 255, 251]));
    const b = n.feed(
      Buffer.concat([Buffer.from([1, 255, 250, 24, 1, 255, 240]), Buffer.from("login: ")]),
    );
    expect(n.take()).toBe("login: ");
    expect(n.take()).toBe("");
    expect([...a, ...b]).toEqual([255, 252, 24, 255, 254, 1]);
    expect(n.options).toEqual(["DO 24", "WILL 1"]);
  });
});

describe("SSH", () => {
  const teltonika = { username: "root", password: passwordOf("Teltonika", "root", "ssh") };
  let open: FakeSsh;
  let closed: FakeSsh;
  beforeAll(async () => {
    open = await fakeSsh(teltonika);
    closed = await fakeSsh();
  });
  afterAll(async () => {
    await close(open.server);
    await close(closed.server);
  });

  it("reports the vendor default it accepted, by reference, after one try", async () => {
    const before = open.attempts.length;
    const s = await scan(open.port, true);
    expect(open.attempts.length - before).toBe(1);
    const svc = serviceOn(s, open.port);
    expect(svc.auth.defaultCredential?.known && svc.auth.defaultCredential.value).toBe(true);
    expect(svc.auth.defaultCredential?.at[0]).toMatchObject({
      kind: "probe",
      probe: "default-credentials:ssh",
      excerpt:
        "accepted the Teltonika factory default for user root over ssh (data/default-credentials.json)",
    });
    expect(s.credentials?.[0]?.tries.map((t) => t.outcome)).toEqual(["accepted"]);
    expectNoPassword(JSON.stringify(s));
    const [finding] = accountDefaultPassword.check(s.facts, ctx);
    expect(finding?.status).toBe("fail");
    expect(finding?.message).toMatch(/accepted the Teltonika factory default for user root/);
  });

  it("stops at 3 tries and records 'defaults refused', which the rule does not call strong", async () => {
    const s = await scan(closed.port, true);
    expect(closed.attempts.length).toBe(3);
    const d = serviceOn(s, closed.port).auth.defaultCredential;
    expect(d?.known && d.value).toBe(false);
    expect(d?.at[0]).toMatchObject({
      excerpt: expect.stringMatching(
        /^the 3 factory default\(s\) tried over ssh were refused .*no other password was tried$/,
      ),
    });
    const [finding] = accountDefaultPassword.check(s.facts, ctx);
    expect(finding?.status).toBe("pass");
    expect(finding?.message).toMatch(/rules out those defaults only, not a weak password/);
  });

  it("tries nothing without the flag", async () => {
    const before = open.attempts.length + closed.attempts.length;
    const s1 = await scan(open.port, false);
    const s2 = await scan(closed.port, false);
    expect(open.attempts.length + closed.attempts.length).toBe(before);
    expect(s1.credentials).toBeUndefined();
    expect(serviceOn(s2, closed.port).auth.defaultCredential).toBeUndefined();
    expect(accountDefaultPassword.check(s1.facts, ctx).map((f) => f.status)).toEqual(["unknown"]);
  });

  it("keeps passwords out of the CLI's text and JSON output", async () => {
    const common = [
      "scan",
      HOST,
      "--ports",
      String(open.port),
      "--class",
      "router",
      "--timeout",
      "1500",
      "--try-default-credentials",
    ];
    const text = await runCli(common);
    expect(text.stdout).toMatch(
      new RegExp(
        `${open.port}/tcp default credentials \\(ssh\\): ACCEPTED the Teltonika factory default for user root`,
      ),
    );
    expectNoPassword(text.stdout + text.stderr);
    const json = await runCli([...common, "--format", "json"]);
    const doc = JSON.parse(json.stdout) as {
      targets: { scan: { defaultCredentials: unknown[] } }[];
    };
    expect(doc.targets[0]?.scan.defaultCredentials).toHaveLength(1);
    expectNoPassword(json.stdout + json.stderr);
  });
});

describe("web logins", () => {
  it("LuCI: the recognised OpenWrt default first, accepted, and its session closed", async () => {
    const luci = await fakeLuci({
      username: "root",
      password: passwordOf("OpenWrt", "root", "luci"),
    });
    try {
      const s = await scan(luci.port, true);
      expect(luci.attempts).toEqual(["root"]);
      expect(luci.logouts).toBe(1);
      const d = serviceOn(s, luci.port).auth.defaultCredential;
      expect(d?.known && d.value).toBe(true);
      expect(d?.at[0]).toMatchObject({ probe: "default-credentials:luci" });
    } finally {
      await close(luci.server);
    }
  });

  it("LuCI refusing everything: 3 tries, defaults refused", async () => {
    const luci = await fakeLuci();
    try {
      const s = await scan(luci.port, true);
      expect(luci.attempts.length).toBe(3);
      expect(s.credentials?.[0]?.tries.every((t) => t.outcome === "refused")).toBe(true);
      const d = serviceOn(s, luci.port).auth.defaultCredential;
      expect(d?.known && d.value).toBe(false);
    } finally {
      await close(luci.server);
    }
  });

  it("HTTP Basic on the front page: stops at the accepted common default", async () => {
    const basic = await fakeBasic({
      username: "admin",
      password: passwordOf("generic", "admin", "http-basic"),
    });
    try {
      const s = await scan(basic.port, true);
      expect(basic.attempts.length).toBeGreaterThanOrEqual(1);
      expect(basic.attempts.length).toBeLessThanOrEqual(MAX_ATTEMPTS);
      const tries = s.credentials?.[0]?.tries ?? [];
      expect(tries.at(-1)).toMatchObject({
        outcome: "accepted",
        username: "admin",
        vendor: "generic",
      });
      expect(serviceOn(s, basic.port).auth.defaultCredential?.known).toBe(true);
      expectNoPassword(JSON.stringify(s));
    } finally {
      await close(basic.server);
    }
  });

  it("RutOS API: the Teltonika default, accepted, then logged out", async () => {
    const rutos = await fakeRutos({
      username: "admin",
      password: passwordOf("Teltonika", "admin", "rutos"),
    });
    try {
      const s = await scan(rutos.port, true);
      expect(rutos.attempts).toEqual(["admin"]);
      expect(rutos.logouts).toBe(1);
      expect(s.credentials?.[0]).toMatchObject({ login: "rutos" });
      expect(serviceOn(s, rutos.port).auth.defaultCredential?.known).toBe(true);
      expectNoPassword(JSON.stringify(s));
    } finally {
      await close(rutos.server);
    }
  });

  it("without the flag, no login request is sent", async () => {
    const luci = await fakeLuci();
    const basic = await fakeBasic({ username: "admin", password: "x" });
    try {
      await scan(luci.port, false);
      await scan(basic.port, false);
      expect(luci.attempts.length + basic.attempts.length).toBe(0);
    } finally {
      await close(luci.server);
      await close(basic.server);
    }
  });
});

describe("telnet", () => {
  it("logs in with the accepted default at the second try, and never more than 3", async () => {
    const telnet = await fakeTelnet({
      username: "root",
      password: passwordOf("OpenWrt", "root", "telnet"),
    });
    try {
      const s = await scan(telnet.port, true);
      expect(telnet.attempts).toEqual(["root", "root"]);
      expect(s.credentials?.[0]?.tries.map((t) => t.outcome)).toEqual(["refused", "accepted"]);
      const d = serviceOn(s, telnet.port).auth.defaultCredential;
      expect(d?.known && d.value).toBe(true);
      const off = await scan(telnet.port, false);
      expect(telnet.attempts).toHaveLength(2);
      expect(off.credentials).toBeUndefined();
    } finally {
      await close(telnet.server);
    }
  });
});
