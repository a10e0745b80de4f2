/**
 * Alerts: the rate limit (token bucket per channel, dedupe window per key) turning a flood into a
 * summary, access events (a login alerts only from an address not seen before, with the seen-set
 * in the SQLite store surviving a restart), jail events wired in, and the webhook channel against
 * a real HTTP server on 127.0.0.1 (JSON body, retries with backoff, timeout, final 4xx).
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Alert,
  type AlertChannel,
  AlertDispatcher,
  alertForBan,
  DedupeWindow,
  EmailChannel,
  formatDuration,
  TokenBucket,
  WebhookChannel,
} from "../src/watch/alerts/index.js";
import { createJailEngine, type JailBan } from "../src/watch/jails/index.js";
import { openWatchStore } from "../src/watch/state/index.js";
import type { AccessEvent } from "../src/watch/types.js";

const T0 = Date.UTC(2026, 0, 1, 12);

function fakeClock() {
  let t = T0;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

function recordingChannel(name = "rec") {
  const sent: Alert[] = [];
  const channel: AlertChannel = {
    name,
    send: async (a) => {
      sent.push(a);
    },
  };
  return { sent, channel };
}

function ban(address: string, jail = "sshd", time = T0): JailBan {
  return {
    jail,
    key: address,
    address,
    kind: "ipv4",
    time,
    until: time + 600_000,
    bantime: 600,
    count: 1,
    banCount: 0,
    failures: 5,
    restored: false,
    users: ["root"],
    source: "/var/log/auth.log",
  };
}

function access(
  kind: AccessEvent["kind"],
  extra: Partial<AccessEvent> = {},
  sender = "rut950-7",
): AccessEvent {
  return {
    kind,
    detail: `${kind} detail`,
    time: T0,
    line: { text: "(not alerted)", source: "syslog-udp:0.0.0.0:514", sender },
    ...extra,
  };
}

describe("rate limit pieces", () => {
  it("token bucket: a burst, then a steady rate", () => {
    const b = new TokenBucket(3, 60, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.take(59_000)).toBe(false);
    expect(b.take(60_000)).toBe(true);
    expect(b.available(10 * 3_600_000)).toBe(3);
  });

  it("dedupe window", () => {
    const d = new DedupeWindow(1000);
    expect(d.isDuplicate("k", 0)).toBe(false);
    d.mark("k", 0);
    expect(d.isDuplicate("k", 999)).toBe(true);
    expect(d.isDuplicate("k", 1000)).toBe(false);
    d.prune(5000);
    expect(d.size).toBe(0);
  });

  it("formats durations", () => {
    expect(formatDuration(600)).toBe("10 min");
    expect(formatDuration(600, true)).toBe("10 minutes");
    expect(formatDuration(5400)).toBe("1 h 30 min");
    expect(formatDuration(3601, true)).toBe("1 hour");
    expect(formatDuration(86_400 * 7)).toBe("7 days");
    expect(formatDuration(-1)).toBe("ever");
  });
});

describe("alert dispatcher", () => {
  it("turns an attack into a few alerts and one summary, not a flood", async () => {
    const clock = fakeClock();
    const { sent, channel } = recordingChannel();
    const d = new AlertDispatcher({
      channels: [{ channel, policy: { burst: 5, perHour: 6 } }],
      clock,
      summaryIntervalMs: 600_000,
    });
    // 42 bans from 12 addresses over 9 minutes (sshd and asterisk)
    for (let i = 0; i < 42; i++) {
      const jail = i % 3 === 0 ? "asterisk" : "sshd";
      d.notify(alertForBan(ban(`203.0.113.${i % 12}`, jail, clock.now())));
      clock.advance(13_000);
    }
    await d.flush();
    expect(sent.map((a) => a.kind)).toEqual(["ban", "ban", "ban", "ban", "ban"]);
    expect(d.tick()).toBe(0); // the first held back is not yet 10 minutes old
    clock.advance(120_000);
    expect(d.tick()).toBe(1);
    await d.flush();
    const summary = sent[5];
    expect(summary?.kind).toBe("summary");
    expect(summary?.title).toBe("37 more bans from 12 addresses in the last 10 minutes");
    expect(summary?.text).toMatch(/sshd \d+, asterisk \d+/);
    expect(summary?.data).toMatchObject({ bans: 37, addresses: 12 });
    // nothing more to say
    clock.advance(3_600_000);
    expect(d.tick()).toBe(0);
    expect(d.stats()).toEqual([{ channel: "rec", sent: 6, failed: 0, heldBack: 37, summaries: 1 }]);
  });

  it("dedupes the same alert key within the window, per channel", async () => {
    const clock = fakeClock();
    const a = recordingChannel("a");
    const b = recordingChannel("b");
    const d = new AlertDispatcher({
      channels: [
        { channel: a.channel, policy: { burst: 100, dedupeMs: 60_000 } },
        { channel: b.channel, policy: { burst: 100, dedupeMs: 0, minSeverity: "critical" } },
      ],
      clock,
    });
    const linkDown = access("link-down", { detail: "eth0.2 link down (cable unplugged)" });
    d.access(linkDown);
    d.access(linkDown);
    clock.advance(61_000);
    d.access(linkDown);
    d.access(access("reboot")); // warning: not for channel b
    await d.flush();
    expect(a.sent.map((x) => x.title)).toEqual([
      "Link down on rut950-7",
      "Link down on rut950-7",
      "Reboot on rut950-7",
    ]);
    expect(b.sent).toHaveLength(3);
    expect(b.sent.every((x) => x.severity === "critical")).toBe(true);
  });

  it("alerts on a login only from an address not seen before, remembered across a restart", async () => {
    const store = openWatchStore(":memory:");
    const { sent, channel } = recordingChannel();
    const d = new AlertDispatcher({ channels: [{ channel, policy: { burst: 100 } }], seen: store });
    const login = (host: string, user = "admin") =>
      d.access(
        access("login-success", { host, user, detail: `LuCI login of ${user} from ${host}` }),
      );
    expect(login("203.0.113.5")?.title).toBe(
      "Administrative login: admin from 203.0.113.5 on rut950-7",
    );
    expect(login("203.0.113.5")).toBeUndefined();
    expect(login("203.0.113.6")).toBeDefined();
    expect(login("203.0.113.6", "root")).toBeDefined();
    await d.flush();
    expect(sent).toHaveLength(3);
    expect(sent[0]?.text).toMatch(/never seen before/);
    expect(JSON.stringify(sent)).not.toMatch(/not alerted/); // the raw line is never sent

    const d2 = new AlertDispatcher({
      channels: [{ channel, policy: { burst: 100 } }],
      seen: store,
    });
    expect(
      d2.access(access("login-success", { host: "203.0.113.5", user: "admin" })),
    ).toBeUndefined();
    for (const kind of ["config-change", "sim-switch", "reboot", "link-up"] as const) {
      expect(d2.access(access(kind))?.kind).toBe("access");
    }
    store.close();
  });

  it("takes bans and action failures from the jail engine", async () => {
    const { sent, channel } = recordingChannel();
    const d = new AlertDispatcher({ channels: [{ channel, policy: { burst: 100 } }] });
    const engine = await createJailEngine({
      jails: [
        {
          name: "sshd",
          maxretry: 1,
          actions: [
            {
              name: "nftables",
              ban: async () => {
                throw new Error("Operation not permitted");
              },
              unban: async () => {},
            },
          ],
        },
      ],
      env: {},
      selfAddresses: [],
    });
    d.attach(engine);
    engine.observe("sshd", { regexIndex: 0, host: "198.51.100.7", users: ["root"], fields: {} });
    await engine.idle();
    await d.flush();
    expect(sent.map((a) => a.title)).toEqual([
      "Banned 198.51.100.7 in sshd for 10 min",
      "Ban action nftables failed in sshd",
    ]);
    expect(sent[0]?.text).toMatch(/Failures: 1\nBan: 1st, until/);
    expect(sent[1]?.text).toMatch(/Operation not permitted/);
  });

  it("reports delivery failures to onError, never throws", async () => {
    const errors: string[] = [];
    const d = new AlertDispatcher({
      channels: [
        { channel: { name: "down", send: async () => Promise.reject(new Error("refused")) } },
      ],
      onError: (c, _a, e) => errors.push(`${c}: ${e.message}`),
    });
    d.notify(alertForBan(ban("198.51.100.1")));
    await d.flush();
    expect(errors).toEqual(["down: refused"]);
  });
});

describe("webhook channel (real HTTP server on 127.0.0.1)", () => {
  type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
  let handler: Handler = (_q, _b, res) => res.end();
  const received: { body: string; headers: IncomingMessage["headers"]; url: string }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      received.push({ body, headers: req.headers, url: req.url ?? "" });
      handler(req, body, res);
    });
  });
  let base = "";
  beforeAll(async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it("posts the alert as JSON, with headers from the environment", async () => {
    received.length = 0;
    handler = (_q, _b, res) => res.writeHead(204).end();
    const w = new WebhookChannel({
      url: `${base}/hooks/T0KEN-SECRET`,
      headersFromEnv: { authorization: "HOOK_AUTH" },
      env: { HOOK_AUTH: "Bearer abc" },
    });
    await w.send(alertForBan(ban("198.51.100.7")));
    expect(received).toHaveLength(1);
    const r = received[0];
    expect(r?.url).toBe("/hooks/T0KEN-SECRET");
    expect(r?.headers["content-type"]).toBe("application/json");
    expect(r?.headers.authorization).toBe("Bearer abc");
    const body = JSON.parse(r?.body ?? "{}");
    expect(body).toMatchObject({
      source: "bulwark",
      kind: "ban",
      severity: "warning",
      title: "Banned 198.51.100.7 in sshd for 10 min",
      data: { jail: "sshd", address: "198.51.100.7", failures: 5, users: ["root"] },
    });
    expect(body.time).toBe(new Date(T0).toISOString());
  });

  it("retries 503 and 429 with backoff, then succeeds", async () => {
    received.length = 0;
    let n = 0;
    handler = (_q, _b, res) => {
      n++;
      if (n === 1) res.writeHead(503).end();
      else if (n === 2) res.writeHead(429, { "retry-after": "0.01" }).end();
      else res.writeHead(200).end("ok");
    };
    const waits: number[] = [];
    const w = new WebhookChannel({
      url: `${base}/x`,
      backoffMs: 10,
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 1,
    });
    await w.send(alertForBan(ban("198.51.100.8")));
    expect(received).toHaveLength(3);
    expect(waits).toEqual([10, 10]);
  });

  it("gives up on a 4xx at once, and after the retries on a server that hangs; no URL path in errors", async () => {
    received.length = 0;
    handler = (_q, _b, res) => res.writeHead(404).end();
    const w = new WebhookChannel({ url: `${base}/hooks/T0KEN-SECRET`, backoffMs: 1 });
    const e1 = await w.send(alertForBan(ban("198.51.100.9"))).catch((e: Error) => e);
    expect(String(e1)).toMatch(/HTTP 404/);
    expect(String(e1)).not.toMatch(/T0KEN/);
    expect(received).toHaveLength(1);

    handler = () => {}; // never answers
    const t0 = Date.now();
    const slow = new WebhookChannel({
      url: `${base}/hooks/T0KEN-SECRET`,
      timeoutMs: 100,
      retries: 2,
      backoffMs: 10,
    });
    const e2 = await slow.send(alertForBan(ban("198.51.100.10"))).catch((e: Error) => e);
    expect(String(e2)).toMatch(/timed out after 100 ms/);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(received.length).toBe(4);

    const closed = createServer();
    closed.listen(0, "127.0.0.1");
    await once(closed, "listening");
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    const refused = new WebhookChannel({
      url: `http://127.0.0.1:${port}/`,
      retries: 1,
      backoffMs: 1,
    });
    await expect(refused.send(alertForBan(ban("198.51.100.11")))).rejects.toThrow(/ECONNREFUSED/);
  });

  it("slack format", async () => {
    received.length = 0;
    handler = (_q, _b, res) => res.end("ok");
    await new WebhookChannel({ url: `${base}/s`, format: "slack" }).send(
      alertForBan(ban("198.51.100.12")),
    );
    expect(JSON.parse(received[0]?.body ?? "{}").text).toMatch(
      /^\*Banned 198\.51\.100\.12 in sshd for 10 min\*\n/,
    );
  });
});

describe("email channel configuration", () => {
  it("takes the login from the environment and never shows the password", () => {
    const ch = new EmailChannel({
      host: "127.0.0.1",
      port: 2525,
      from: "bulwark@example.org",
      to: "admin@example.org",
      env: { BULWARK_SMTP_USER: "alerts", BULWARK_SMTP_PASSWORD: "s3cr3t-pw" },
    });
    expect(inspect(ch, { depth: 10, showHidden: true })).not.toMatch(/s3cr3t/);
    expect(JSON.stringify(ch)).not.toMatch(/s3cr3t/);
    expect(
      () =>
        new EmailChannel({
          host: "127.0.0.1",
          from: "a@example.org",
          to: "b@example.org",
          env: { BULWARK_SMTP_USER: "alerts" },
        }),
    ).toThrow(/no password in BULWARK_SMTP_PASSWORD/);
  });
});
