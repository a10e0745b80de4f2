/**
 * scanHost's SIP stage against small UDP SIP responders (loopback only): a registrar that leaks
 * existing users (401 vs 404), one that challenges everyone, and a silent port.
 */
import { createSocket, type Socket } from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settingsFrom } from "../src/engine/profile.js";
import { runRules } from "../src/engine/run.js";
import { ALL_RULES } from "../src/rules/index.js";
import { scanTargets } from "../src/scan/index.js";

type Mode = "leaky" | "alwaysauthreject" | "silent";

function header(req: string, name: string): string[] {
  return req
    .split("\r\n")
    .filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    .map((l) => l.slice(l.indexOf(":") + 1).trim());
}

function reply(req: string, status: string, extra: string[] = []): string {
  const to = header(req, "To")[0] ?? "";
  return [
    `SIP/2.0 ${status}`,
    ...header(req, "Via").map((v) => `Via: ${v}`),
    `From: ${header(req, "From")[0] ?? ""}`,
    `To: ${/;tag=/.test(to) ? to : `${to};tag=srv`}`,
    `Call-ID: ${header(req, "Call-ID")[0] ?? ""}`,
    `CSeq: ${header(req, "CSeq")[0] ?? ""}`,
    "Server: LabPBX 1.0",
    ...extra,
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}

const CHALLENGE = 'WWW-Authenticate: Digest realm="lab", nonce="abc", algorithm=MD5';

async function responder(mode: Mode): Promise<{ sock: Socket; port: number }> {
  const sock = createSocket("udp4");
  sock.on("message", (msg, rinfo) => {
    if (mode === "silent") return;
    const req = msg.toString("latin1");
    const method = /^(\w+) /.exec(req)?.[1];
    let out: string | undefined;
    if (method === "OPTIONS") out = reply(req, "200 OK", ["Allow: INVITE, OPTIONS, REGISTER"]);
    else if (method === "REGISTER") {
      const user = /sips?:([^@;>]+)@/.exec(header(req, "To")[0] ?? "")?.[1];
      out =
        mode === "alwaysauthreject" || user === "100"
          ? reply(req, "401 Unauthorized", [CHALLENGE])
          : reply(req, "404 Not Found");
    } else if (method !== "ACK") out = reply(req, "501 Not Implemented");
    if (out) sock.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, "127.0.0.1", r));
  return { sock, port: sock.address().port };
}

const servers: Record<Mode, { sock: Socket; port: number }> = {} as never;

beforeAll(async () => {
  for (const m of ["leaky", "alwaysauthreject", "silent"] as const) servers[m] = await responder(m);
});
afterAll(() => {
  for (const s of Object.values(servers)) s.sock.close();
});

async function scan(mode: Mode) {
  const port = servers[mode].port;
  const [r] = await scanTargets(["127.0.0.1"], {
    ports: [{ port, transport: "udp" }],
    sipPorts: [port],
    timeoutMs: 400,
    class: "pbx",
  });
  if (!r) throw new Error("no scan result");
  return r;
}

function ruleStatuses(facts: Parameters<typeof runRules>[0], id: string): string[] {
  const report = runRules(facts, ALL_RULES, settingsFrom({}));
  return report.results.filter((r) => r.rule === id).map((r) => r.status);
}

describe("scan: SIP facts", () => {
  it("a registrar answering 401 for 100 and 404 for a random user leaks extensions", async () => {
    const r = await scan("leaky");
    const svc = r.facts.services.filter((s) => s.kind === "sip");
    expect(svc).toHaveLength(1);
    expect(svc[0]?.enabled).toMatchObject({ known: true, value: true });
    expect(svc[0]?.tls).toMatchObject({ known: true, value: false });
    expect(svc[0]?.wan.known).toBe(false);
    const sip = r.facts.pbx.sip;
    if (!sip.known) throw new Error(sip.reason);
    expect(sip.value.policy.alwaysAuthReject).toMatchObject({ known: true, value: false });
    expect(sip.value.policy.alwaysAuthReject.at[0]).toMatchObject({
      kind: "probe",
      probe: "sip-enumeration",
      transport: "udp",
    });
    expect(sip.value.policy.allowGuest.known).toBe(false);
    expect(sip.value.policy.autoCreatePeer.known).toBe(false);
    // Random user got 404, not a challenge: REGISTER alone cannot decide anonymous calls.
    expect(sip.value.policy.anonymousEndpoint.known).toBe(false);
    // The same rule judges what the scan observed: an unknown user answered differently.
    expect(ruleStatuses(r.facts, "sip-always-auth-reject")).toEqual(["fail"]);
  });

  it("a registrar challenging everyone gives alwaysAuthReject true", async () => {
    const r = await scan("alwaysauthreject");
    const sip = r.facts.pbx.sip;
    if (!sip.known) throw new Error(sip.reason);
    expect(sip.value.policy.alwaysAuthReject).toMatchObject({ known: true, value: true });
    expect(sip.value.policy.anonymousEndpoint.known).toBe(false);
    expect(r.sip[0]?.register?.verdict).toBe("auth-required");
    expect(ruleStatuses(r.facts, "sip-always-auth-reject")).toEqual(["pass"]);
  });

  it("a silent port gives no SIP service and no crash", async () => {
    const r = await scan("silent");
    expect(r.error).toBeUndefined();
    expect(r.facts.services.filter((s) => s.kind === "sip")).toHaveLength(0);
    expect(r.facts.pbx.sip.known).toBe(false);
    expect(r.sip[0]?.options.outcome).toBe("no-answer");
  });
});
