/**
 * `bulwark scan` against the lab (scripts/lab.sh): real OpenSSH, Dropbear, nginx, lighttpd,
 * telnetd, mosquitto, snmpd and Kamailio servers in network namespace `bwlab`. One in-process scan
 * of every device (plus one lab address where nothing listens) and one through the CLI
 * (`bulwark scan --format json`); what they report must be what the lab configured: the open TCP
 * ports, SSH password logins on the weak router only, Dropbear on 2222, the legacy SSH algorithms,
 * TLS 1.0 on nginx (when this Node can offer it at all) with its self-signed certificate, SIP
 * digest challenges on one Kamailio and anonymous REGISTER/INVITE on the other, and the rule
 * verdicts that follow. HTTP, telnet, MQTT and SNMP details are asserted by their probes' own lab
 * tests (test/scan-lab-<proto>.test.ts).
 *
 * Skipped with the reason when the lab is not up (`sudo bash scripts/lab.sh up`); a failure in CI.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { beforeAll, expect, it } from "vitest";
import { settingsFrom } from "../src/engine/profile.js";
import { type RuleResult, runRules, type TargetReport } from "../src/engine/run.js";
import type { Facts, Service } from "../src/facts/model.js";
import { ALL_RULES } from "../src/rules/index.js";
import type { Rule, Status } from "../src/rules/types.js";
import { type HostScan, scanTargets } from "../src/scan/index.js";
import type { TlsResult, Verdict } from "../src/scan/probes/tls.js";
import { CLASS_PORTS, parsePorts } from "../src/scan/targets.js";
import { runCli } from "./support/cli.js";
import { describeLab, device, type LabDeviceId, lab, theLab } from "./support/lab.js";

/** Every class's default ports, and Dropbear's 2222: what both scans below probe. */
const PORT_SPEC = `${Object.values(CLASS_PORTS).join(",")},2222`;
const DEVICES: LabDeviceId[] = ["weak-router", "hardened-router", "sip-auth", "sip-open"];

/** A lab address no device uses: every TCP port there must refuse. */
function idleAddress(): string {
  const used = new Set(DEVICES.map((d) => device(d).address));
  const idle = theLab().addresses.find((a) => !used.has(a));
  if (!idle) throw new Error("the lab has no unused address");
  return idle;
}

function rule(id: string): Rule {
  const r = ALL_RULES.find((x) => x.meta.id === id);
  if (!r) throw new Error(`no rule ${id}`);
  return r;
}

/**
 * The rule's verdict on these facts, from its own check (what it concludes from what the probes
 * saw), and what the engine reports for it: the same verdict once the rule declares the "probe"
 * mode; until then the engine leaves it to the configuration audit (not_applicable).
 */
function verdicts(
  id: string,
  facts: Facts,
  report: TargetReport,
  subject?: string,
): { check: Status[]; report: Status[] } {
  const r = rule(id);
  const found = r
    .check(facts, { profile: settingsFrom({}).profile, now: new Date() })
    .filter((f) => subject === undefined || f.subject?.includes(subject));
  const reported = report.results.filter(
    (x: RuleResult) =>
      x.rule === id && (subject === undefined || !x.subject || x.subject.includes(subject)),
  );
  return { check: found.map((f) => f.status), report: reported.map((x) => x.status) };
}

function expectJudged(v: { check: Status[]; report: Status[] }, id: string, status: Status): void {
  expect(v.check).toEqual([status]);
  if (rule(id).meta.modes.includes("probe")) expect(v.report).toEqual([status]);
  else expect(v.report).toEqual(["not_applicable"]);
}

/** The lab's secrets: none may appear in anything a scan prints. */
function labSecrets(): string[] {
  const out: string[] = [];
  for (const d of Object.values(theLab().devices))
    for (const s of Object.values(d.services)) if (s.password) out.push(s.password);
  return out;
}

/**
 * Whether this Node's OpenSSL can offer TLS 1.0 at all (some builds cannot, even at security
 * level 0): a TLS 1.0-only handshake between a Node server and client on loopback, with a
 * throw-away certificate from the openssl command.
 */
async function nodeOffersTls1(): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-tls1-"));
  try {
    const gen = spawnSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=loopback",
        "-keyout",
        join(dir, "k.pem"),
        "-out",
        join(dir, "c.pem"),
      ],
      { stdio: "ignore" },
    );
    if (gen.status !== 0) throw new Error("openssl req failed");
    const legacy = {
      minVersion: "TLSv1",
      maxVersion: "TLSv1",
      ciphers: "DEFAULT:@SECLEVEL=0",
    } as const;
    const server = tls.createServer({
      ...legacy,
      key: readFileSync(join(dir, "k.pem")),
      cert: readFileSync(join(dir, "c.pem")),
    });
    server.on("tlsClientError", () => {});
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const ok = await new Promise<boolean>((resolve) => {
      try {
        const c = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, ...legacy });
        c.on("secureConnect", () => {
          resolve(c.getProtocol() === "TLSv1");
          c.destroy();
        });
        c.on("error", () => resolve(false));
      } catch {
        resolve(false);
      }
    });
    server.close();
    return ok;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What Debian's own openssl says the server accepts: `openssl s_client -tls1` etc. */
function opensslAccepts(address: string, port: number, flag: string): boolean {
  const r = spawnSync(
    "openssl",
    ["s_client", flag, "-cipher", "DEFAULT:@SECLEVEL=0", "-connect", `${address}:${port}`],
    { input: "", encoding: "utf8", timeout: 10_000 },
  );
  return (
    /^\s*Protocol\s*:\s*TLSv1(\.\d)?\s*$/m.test(r.stdout ?? "") &&
    !/Cipher is \(NONE\)/.test(r.stdout ?? "")
  );
}

function openTcp(s: HostScan): number[] {
  return s.tcp
    .filter((t) => t.state === "open")
    .map((t) => t.port)
    .sort((a, b) => a - b);
}

function service(f: Facts, kind: string, port: number): Service {
  const s = f.services.find(
    (x) => x.kind === kind && x.ports.known && x.ports.value.some((p) => p.from === port),
  );
  if (!s) throw new Error(`no ${kind} service on ${port}`);
  return s;
}

describeLab("scan the lab", () => {
  const hosts = lab ? [...DEVICES.map((d) => device(d).address), idleAddress()] : [];
  let scans: HostScan[] = [];
  let reports: TargetReport[] = [];
  let scanMs = 0;
  const scanOf = (id: LabDeviceId) => {
    const s = scans.find((x) => x.address === device(id).address);
    if (!s) throw new Error(`no scan of ${id}`);
    return s;
  };
  const reportOf = (id: LabDeviceId) => reports[scans.indexOf(scanOf(id))] as TargetReport;

  beforeAll(async () => {
    const t0 = Date.now();
    // The INVITE probe too: the lab has no phone to ring, and it is what tells an open SIP server.
    scans = await scanTargets(hosts, { ports: parsePorts(PORT_SPEC), sipInvite: true });
    scanMs = Date.now() - t0;
    reports = scans.map((s) => runRules(s.facts, ALL_RULES, settingsFrom({})));
    process.stderr.write(`[bulwark] lab scan of ${hosts.length} hosts: ${scanMs} ms\n`);
  }, 60_000);

  it("finds exactly the TCP ports each device serves, and none on an unused address", () => {
    for (const id of DEVICES) expect([id, openTcp(scanOf(id))]).toEqual([id, device(id).tcp]);
    const idle = scans.find((s) => s.address === idleAddress()) as HostScan;
    expect(openTcp(idle)).toEqual([]);
    expect(idle.tcp.every((t) => t.state === "closed")).toBe(true);
    expect(idle.facts.services.filter((x) => x.enabled.known && x.enabled.value)).toEqual([]);
    expect(idle.facts.diagnostics.map((d) => d.message)).toContain(
      `no TCP port answered (${idle.tcp.length} probed)`,
    );
    // A whole lab scan, closed ports included, is quick: nothing waits on a port that refuses.
    expect(scanMs).toBeLessThan(15_000);
  });

  it("tells the device classes from the ports that answered", () => {
    const cls = (id: LabDeviceId) => {
      const c = scanOf(id).facts.device.class;
      return c.known ? c.value : undefined;
    };
    expect(cls("weak-router")).toBe("router");
    expect(cls("hardened-router")).toBe("router");
    expect(cls("sip-auth")).toBe("pbx");
    expect(cls("sip-open")).toBe("pbx");
  });

  it("SSH: passwords offered on the weak router only, Dropbear on 2222, the legacy algorithms", () => {
    const weak = scanOf("weak-router").ssh;
    expect(weak.map((s) => s.port)).toEqual([22]);
    const w = weak[0];
    expect(w?.software?.name).toBe("OpenSSH");
    expect(w?.authMethods).toEqual(expect.arrayContaining(["publickey", "password"]));
    expect(w?.passwordAuth).toBe(true);
    expect(w?.noneAccepted).toBeUndefined();
    // Every legacy algorithm the lab enabled is offered and called weak.
    const legacy = device("weak-router").services.ssh?.legacyAlgorithms ?? [];
    expect(legacy.length).toBeGreaterThan(0);
    expect(w?.weak.map((x) => x.name)).toEqual(expect.arrayContaining(legacy));

    const hard = scanOf("hardened-router").ssh;
    expect(hard.map((s) => [s.port, s.software?.name])).toEqual([
      [22, "OpenSSH"],
      [2222, "dropbear"],
    ]);
    for (const s of hard) {
      expect(s.authMethods).toEqual(["publickey"]);
      expect(s.passwordAuth).toBe(false);
    }
    // The hardened OpenSSH offers only current algorithms.
    expect(hard[0]?.algorithms?.hostKey).toEqual(["ssh-ed25519"]);
    expect(hard[0]?.weak).toEqual([]);
    expect(hard[1]?.ident).toMatch(/^SSH-2\.0-dropbear_\d{4}\.\d+/);
  });

  it("SSH facts and ssh-password-auth: fails on the weak router, passes on both hardened servers", () => {
    const wf = scanOf("weak-router").facts;
    const pw = service(wf, "ssh", 22).auth.password;
    expect(pw?.known && pw.value).toBe(true);
    expect(pw?.at[0]).toMatchObject({
      kind: "probe",
      probe: "ssh-auth-none",
      address: device("weak-router").address,
      port: 22,
    });
    expectJudged(
      verdicts("ssh-password-auth", wf, reportOf("weak-router")),
      "ssh-password-auth",
      "fail",
    );
    const hf = scanOf("hardened-router").facts;
    for (const port of [22, 2222]) {
      const p = service(hf, "ssh", port).auth.password;
      expect(p?.known && p.value).toBe(false);
      expectJudged(
        verdicts("ssh-password-auth", hf, reportOf("hardened-router"), `on ${port}/tcp`),
        "ssh-password-auth",
        "pass",
      );
    }
  });

  it("TLS on nginx: TLS 1.0 as this Node and Debian's openssl find it, the self-signed certificate", async () => {
    const hard = device("hardened-router");
    const https = scanOf("hardened-router").tls.find((t) => t.port === 443) as TlsResult;
    expect(https.state).toBe("tls");
    // Ground truth from both ends: nginx accepts TLS 1.0 (Debian's openssl completes a TLS 1.0-only
    // handshake), and whether this Node can offer TLS 1.0 at all (a loopback handshake).
    const serverTls1 = opensslAccepts(hard.address, 443, "-tls1");
    expect(serverTls1).toBe(true);
    const expected: Verdict = (await nodeOffersTls1()) ? "accepted" : "cannot-test";
    expect(https.versions.TLSv1?.verdict).toBe(expected);
    expect(https.versions["TLSv1.1"]?.verdict).toBe(expected);
    expect(https.versions["TLSv1.2"]?.verdict).toBe("accepted");
    expect(https.versions["TLSv1.3"]?.verdict).toBe("accepted");
    expect(https.certificate?.selfSigned).toBe(true);
    expect(https.certificate?.subject).toContain(hard.services.https?.subject ?? "?");
    expect(https.certificate?.expired).toBe(false);
    expect(https.certificate?.keyType).toBe("rsa");
    expect(https.certificate?.keyBits).toBe(2048);
    const svc = service(scanOf("hardened-router").facts, "https", 443);
    expect(svc.tls.known && svc.tls.value).toBe(true);
    // mosquitto's TLS listener keeps its default (TLS 1.2 and up).
    const mqtts = scanOf("hardened-router").tls.find((t) => t.port === 8883) as TlsResult;
    expect(mqtts.state).toBe("tls");
    expect(opensslAccepts(hard.address, 8883, "-tls1")).toBe(false);
    expect(mqtts.versions.TLSv1?.verdict).not.toBe("accepted");
    expect(mqtts.versions["TLSv1.2"]?.verdict).toBe("accepted");
    // Plain HTTP on the weak router is not TLS.
    expect(scanOf("weak-router").tls).toEqual([]);
  });

  it("SIP: the registrar challenges REGISTER and INVITE; the open server accepts both without credentials", () => {
    const auth = scanOf("sip-auth").sip;
    expect(auth.map((s) => s.transport).sort()).toEqual(["tcp", "udp"]);
    for (const s of auth) {
      expect(s.options.outcome).toBe("answered");
      expect(s.register?.verdict).toBe("auth-required");
      expect([401, 407]).toContain(s.register?.status);
      expect(s.invite?.verdict).toBe("auth-required");
      expect([401, 407]).toContain(s.invite?.status);
    }
    const open = scanOf("sip-open").sip;
    expect(open.map((s) => s.transport).sort()).toEqual(["tcp", "udp"]);
    for (const s of open) {
      expect(s.register?.verdict).toBe("registered-without-auth");
      expect(s.register?.status).toBe(200);
      expect(s.invite?.verdict).toBe("call-accepted");
      // The answered call was hung up again.
      expect(s.invite?.cleanup.map((c) => c.method)).toEqual(["ACK", "BYE"]);
    }
    // Nothing answers SIP on the routers.
    for (const id of ["weak-router", "hardened-router"] as const)
      expect(scanOf(id).sip.filter((s) => s.options.outcome === "answered")).toEqual([]);
  });

  it("SIP facts and rules: anonymous access known from the probes, enumeration judged on the registrar", () => {
    const af = scanOf("sip-auth").facts;
    const of = scanOf("sip-open").facts;
    const policy = (f: Facts) => {
      if (!f.pbx.sip.known) throw new Error("no SIP facts");
      return f.pbx.sip.value.policy;
    };
    expect(policy(af).anonymousEndpoint).toMatchObject({ known: true, value: false });
    expect(policy(of).anonymousEndpoint).toMatchObject({ known: true, value: true });
    expect(policy(of).anonymousEndpoint.at.every((o) => o.kind === "probe")).toBe(true);
    // Each transport is its own SIP service, marked anonymous, with the error diagnostic.
    for (const t of ["udp", "tcp"]) {
      const svc = of.services.find((x) => x.id === `sip-5060-${t}`);
      expect(svc?.auth.anonymous).toMatchObject({ known: true, value: true });
      const ac = af.services.find((x) => x.id === `sip-5060-${t}`);
      expect(ac?.auth.anonymous).toMatchObject({ known: true, value: false });
      const file = `${device("sip-open").address}:5060/${t}`;
      expect(of.diagnostics.filter((d) => d.file === file).map((d) => d.severity)).toContain(
        "error",
      );
    }
    // The registrar challenges an unknown user exactly like a known one.
    expect(policy(af).alwaysAuthReject).toMatchObject({ known: true, value: true });
    expectJudged(
      verdicts("sip-always-auth-reject", af, reportOf("sip-auth")),
      "sip-always-auth-reject",
      "pass",
    );
    // The open server answers 200 to everyone: no enumeration verdict either way.
    expect(policy(of).alwaysAuthReject.known).toBe(false);
    // sip-no-anonymous-calls judges what the server did without credentials (this scan sent the
    // INVITE too): the open server took both, the registrar challenged both.
    const anon = (id: LabDeviceId, f: Facts) => verdicts("sip-no-anonymous-calls", f, reportOf(id));
    expect(anon("sip-open", of)).toEqual({ check: ["fail", "fail"], report: ["fail", "fail"] });
    expect(anon("sip-auth", af)).toEqual({ check: ["pass", "pass"], report: ["pass", "pass"] });
  });

  it("bulwark scan --sip-invite: sip-no-anonymous-calls fails the open server, passes the registrar", async () => {
    const sipHosts = (["sip-open", "sip-auth"] as const).map((id) => device(id).address);
    const r = await runCli([
      "scan",
      "--format",
      "json",
      "--sip-invite",
      "--ports",
      "5060,5060/udp",
      "--fail-on",
      "none",
      ...sipHosts,
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { targets: { target: string; results: RuleResult[] }[] };
    const judged = (address: string) =>
      (doc.targets.find((t) => t.target === address)?.results ?? [])
        .filter((x) => x.rule === "sip-no-anonymous-calls")
        .map((x) => ({
          subject: x.subject,
          status: x.status,
          probes: x.evidence.map((o) =>
            o.kind === "probe" ? `${o.probe} ${o.transport}` : o.kind,
          ),
        }));
    const [open, auth] = sipHosts.map(judged);
    // Both requests without credentials, on both transports, each cited by its probe.
    expect(open).toEqual([
      {
        subject: "REGISTER without credentials",
        status: "fail",
        probes: ["sip-register-noauth udp", "sip-register-noauth tcp"],
      },
      {
        subject: "INVITE without credentials",
        status: "fail",
        probes: ["sip-invite-noauth udp", "sip-invite-noauth tcp"],
      },
    ]);
    expect(auth).toEqual([
      {
        subject: "REGISTER without credentials",
        status: "pass",
        probes: ["sip-register-noauth udp", "sip-register-noauth tcp"],
      },
      {
        subject: "INVITE without credentials",
        status: "pass",
        probes: ["sip-invite-noauth udp", "sip-invite-noauth tcp"],
      },
    ]);
  }, 60_000);

  it("bulwark scan --format json reports the same, and prints no lab secret", async () => {
    const r = await runCli([
      "scan",
      "--format",
      "json",
      "--ports",
      PORT_SPEC,
      "--fail-on",
      "none",
      ...hosts,
    ]);
    expect(r.code).toBe(0);
    for (const secret of labSecrets()) {
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
    const doc = JSON.parse(r.stdout) as {
      targets: {
        target: string;
        results: RuleResult[];
        scan: {
          address: string;
          tcp: { port: number; state: string }[];
          ssh: { port: number; passwordAuth?: boolean; software?: { name: string } }[];
          tls: TlsResult[];
        };
      }[];
    };
    expect(doc.targets.map((t) => t.target)).toEqual(hosts);
    for (const id of DEVICES) {
      const t = doc.targets.find((x) => x.scan.address === device(id).address);
      expect(t).toBeDefined();
      if (!t) continue;
      const open = t.scan.tcp
        .filter((x) => x.state === "open")
        .map((x) => x.port)
        .sort((a, b) => a - b);
      expect([id, open]).toEqual([id, device(id).tcp]);
      // The same SSH and TLS verdicts as the in-process scan.
      expect(t.scan.ssh.map((s) => [s.port, s.software?.name, s.passwordAuth])).toEqual(
        scanOf(id).ssh.map((s) => [s.port, s.software?.name, s.passwordAuth]),
      );
      expect(
        t.scan.tls.map((s) => [s.port, s.versions.TLSv1?.verdict, s.certificate?.selfSigned]),
      ).toEqual(
        scanOf(id).tls.map((s) => [s.port, s.versions.TLSv1?.verdict, s.certificate?.selfSigned]),
      );
      // And the same rule verdicts.
      const statuses = (rs: RuleResult[], rid: string) =>
        rs.filter((x) => x.rule === rid).map((x) => `${x.subject ?? ""}:${x.status}`);
      for (const rid of ["ssh-password-auth", "sip-always-auth-reject"])
        expect(statuses(t.results, rid)).toEqual(statuses(reportOf(id).results, rid));
    }
    // Without --sip-invite no INVITE went out: whether calls need credentials stays unknown, and
    // the finding says how to find out; the REGISTER probe still decides its part.
    const invite = (id: LabDeviceId) =>
      doc.targets
        .find((x) => x.scan.address === device(id).address)
        ?.results.filter((x) => x.rule === "sip-no-anonymous-calls")
        .map((x) => [x.subject, x.status, x.status === "unknown" ? x.message : ""]);
    expect(invite("sip-auth")).toEqual([
      ["REGISTER without credentials", "pass", ""],
      ["INVITE without credentials", "unknown", expect.stringContaining("--sip-invite")],
    ]);
    expect(invite("sip-open")).toEqual([
      ["REGISTER without credentials", "fail", ""],
      ["INVITE without credentials", "unknown", expect.stringContaining("--sip-invite")],
    ]);
  }, 60_000);
});
