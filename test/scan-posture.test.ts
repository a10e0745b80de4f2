/**
 * What the TLS and SSH probes see becomes facts the rules judge, end to end on 127.0.0.1: two TLS
 * servers (node:tls with self-signed certificates made by the openssl CLI: a modern one with
 * forward-secret suites only, a legacy one with TLS 1.0, a 1024-bit key and anonymous suites) and
 * two SSH servers (ssh2: one offering SHA-1 key exchange, CBC, truncated MACs and ssh-rsa as an
 * old Dropbear; one offering only strong algorithms), through scanTargets, runRules and the CLI.
 */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settingsFrom } from "../src/engine/profile.js";
import { type RuleResult, runRules } from "../src/engine/run.js";
import type { Facts, Service } from "../src/facts/model.js";
import { ALL_RULES } from "../src/rules/index.js";
import { scanTargets } from "../src/scan/index.js";
import { runCli } from "./support/cli.js";
import { FakeServers, LOOPBACK, selfSignedCertificate } from "./support/fake-server.js";
import { expectDecidedFromProbes } from "./support/verdicts.js";

const HOST = LOOPBACK;

function skipReason(): string | undefined {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
  } catch {
    return "the openssl CLI is missing (apt-get install openssl)";
  }
  try {
    execFileSync("ssh-keygen", ["-?"], { stdio: "ignore" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT")
      return "ssh-keygen is missing (apt-get install openssh-client)";
  }
  return undefined;
}

const skip = skipReason();
if (skip && process.env.CI === "true") throw new Error(`scan-posture needs: ${skip}`);
if (skip) process.stderr.write(`\n[bulwark] SKIPPED TLS/SSH posture end to end: ${skip}\n`);

const fake = new FakeServers();
let dir = "";

/** A throw-away host key: RSA (ssh2 then also signs with SHA-1, ssh-rsa) or Ed25519. */
function hostKey(type: "rsa" | "ed25519"): string | Buffer {
  if (type === "rsa")
    return generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
      publicKeyEncoding: { type: "pkcs1", format: "pem" },
    }).privateKey;
  const file = join(dir, "ssh_host_ed25519_key");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", file], { stdio: "ignore" });
  return readFileSync(file);
}

function sshServer(
  ident: string,
  key: "rsa" | "ed25519",
  algorithms: ssh2.Algorithms,
  methods: ssh2.AuthenticationType[],
): ssh2.Server {
  const srv = new ssh2.Server({ hostKeys: [hostKey(key)], ident, algorithms }, (client) => {
    client.on("error", () => {});
    // Never let anyone in: list the methods, as a real server does for "none".
    client.on("authentication", (ctx) => ctx.reject(methods));
  });
  srv.on("error", () => {});
  return srv;
}

let modernTls: number;
let legacyTls: number;
let weakSsh: number;
let strongSsh: number;
let facts: Facts;
let results: RuleResult[];

function serviceOn(port: number): Service {
  const s = facts.services.find((x) => x.ports.known && x.ports.value[0]?.from === port);
  if (!s) throw new Error(`no service on ${port}`);
  return s;
}

function result(rule: string, port: number): RuleResult {
  const r = results.find((x) => x.rule === rule && x.subject?.includes(`${port}/tcp`));
  if (!r) throw new Error(`no ${rule} result for ${port}`);
  return r;
}

beforeAll(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), "bulwark-posture-"));
  const modern = selfSignedCertificate("modern.lab", 2048);
  modernTls = await fake.listen(
    tls.createServer({
      ...modern,
      // Forward-secret AEAD suites only; TLS 1.2 and 1.3.
      ciphers: "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384",
    }),
  );
  const legacy = selfSignedCertificate("legacy.lab", 1024);
  legacyTls = await fake.listen(
    tls.createServer({ ...legacy, minVersion: "TLSv1", ciphers: "ALL:@SECLEVEL=0" }),
  );
  weakSsh = await fake.listen(
    sshServer(
      "dropbear_2015.67",
      "rsa",
      {
        kex: ["diffie-hellman-group14-sha1"],
        cipher: ["aes128-cbc"],
        hmac: ["hmac-sha1-96"],
        serverHostKey: ["ssh-rsa"],
      },
      ["publickey", "password"],
    ),
  );
  strongSsh = await fake.listen(
    sshServer(
      "OpenSSH_9.6",
      "ed25519",
      {
        kex: ["curve25519-sha256"],
        cipher: ["aes256-gcm@openssh.com"],
        hmac: ["hmac-sha2-256-etm@openssh.com"],
        serverHostKey: ["ssh-ed25519"],
      },
      ["publickey"],
    ),
  );
  const [scan] = await scanTargets([HOST], {
    class: "router",
    ports: [modernTls, legacyTls, weakSsh, strongSsh].map((port) => ({ port, transport: "tcp" })),
    timeoutMs: 2000,
  });
  if (!scan) throw new Error("no scan");
  facts = scan.facts;
  results = runRules(facts, ALL_RULES, settingsFrom({})).results;
}, 60_000);

afterAll(async () => {
  await fake.closeAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skip !== undefined)("TLS and SSH posture from real servers on loopback", () => {
  it("turns the TLS handshakes into tlsPosture facts cited to the probe", () => {
    const modern = serviceOn(modernTls).tlsPosture;
    expect(modern).toMatchObject({ known: true });
    if (!modern?.known) return;
    expect(modern.value.accepted).toEqual(expect.arrayContaining(["TLSv1.2", "TLSv1.3"]));
    expect(modern.value.accepted).not.toContain("TLSv1");
    expect(modern.value.weakCiphers).toEqual([]);
    expect(modern.value.certificate).toMatchObject({
      subject: "CN=modern.lab",
      selfSigned: true,
      keyType: "rsa",
      keyBits: 2048,
      expired: false,
    });
    expect(modern.at[0]).toMatchObject({
      kind: "probe",
      probe: "tls-handshake",
      address: HOST,
      port: modernTls,
    });
    const legacy = serviceOn(legacyTls).tlsPosture;
    if (!legacy?.known) throw new Error("legacy posture unknown");
    expect(legacy.value.certificate?.keyBits).toBe(1024);
    // Anonymous suites need no certificate: this scanner's OpenSSL offers them at level 0.
    expect(legacy.value.weakCiphers).toContain("AECDH-AES256-SHA");
    // TLS 1.0 is accepted, unless this Node's OpenSSL cannot even offer it.
    expect([...legacy.value.accepted, ...legacy.value.untested]).toContain("TLSv1");
  });

  it("turns the SSH handshakes into software and sshPosture facts", () => {
    const weak = serviceOn(weakSsh);
    expect(weak.software).toMatchObject({
      known: true,
      value: { product: "dropbear", version: "2015.67", raw: "SSH-2.0-dropbear_2015.67" },
    });
    expect(weak.software?.at[0]).toMatchObject({ kind: "probe", probe: "ssh-ident" });
    const posture = weak.sshPosture;
    if (!posture?.known) throw new Error("weak SSH posture unknown");
    expect(posture.value.weak.map((w) => `${w.kind}:${w.name}`).sort()).toEqual([
      "cipher:aes128-cbc",
      "hostkey:ssh-rsa",
      "kex:diffie-hellman-group14-sha1",
      "mac:hmac-sha1-96",
    ]);
    const strong = serviceOn(strongSsh);
    expect(strong.software).toMatchObject({ value: { product: "openssh", version: "9.6" } });
    expect(strong.sshPosture).toMatchObject({ known: true, value: { weak: [] } });
  });

  it("records what the scan covered, from where", () => {
    expect(facts.scan).toMatchObject({ known: true, value: { address: HOST, vantage: "local" } });
    const tcp = facts.scan?.known ? facts.scan.value.tcp : [];
    expect(tcp.map((t) => t.state)).toEqual(["open", "open", "open", "open"]);
  });

  it("the transport rules judge them, with fixes fit for what was seen", () => {
    expect(result("tls-legacy-versions", modernTls).status).toBe("pass");
    const legacyVersions = result("tls-legacy-versions", legacyTls);
    const tls10 = serviceOn(legacyTls).tlsPosture;
    const accepted = tls10?.known && tls10.value.accepted.includes("TLSv1");
    expect(legacyVersions.status).toBe(accepted ? "fail" : "unknown");
    if (accepted) expect(legacyVersions.severity).toBe("medium");

    const modernCert = result("tls-certificate", modernTls);
    expect(modernCert.status).toBe("fail");
    expect(modernCert.severity).toBe("low");
    expect(modernCert.message).toContain("self-signed");
    const legacyCert = result("tls-certificate", legacyTls);
    expect(legacyCert.severity).toBe("medium");
    expect(legacyCert.message).toContain("1024 bits");

    const legacySuites = result("tls-weak-ciphers", legacyTls);
    expect(legacySuites.status).toBe("fail");
    expect(legacySuites.severity).toBe("high");
    // The modern server refused every suite tried; the families this OpenSSL cannot offer
    // (RC4, 3DES, EXPORT) keep it from a pass.
    const modernSuites = result("tls-weak-ciphers", modernTls);
    const untried = tlsUntried(modernTls);
    expect(modernSuites.status).toBe(untried.length ? "unknown" : "pass");
    for (const u of untried) expect(modernSuites.message).toContain(u);

    const weakAlgos = result("ssh-weak-algorithms", weakSsh);
    expect(weakAlgos.status).toBe("fail");
    expect(weakAlgos.severity).toBe("low");
    expect(weakAlgos.remediation?.summary).toMatch(/Dropbear 2015\.67 chooses its algorithms/);
    expect(result("ssh-weak-algorithms", strongSsh).status).toBe("pass");

    expect(result("ssh-password-auth", weakSsh).status).toBe("fail");
    expect(result("ssh-password-auth", weakSsh).remediation?.commands?.lines).toContain(
      "uci set dropbear.@dropbear[0].PasswordAuth='off'",
    );
    expect(result("ssh-password-auth", strongSsh).status).toBe("pass");
  });

  it("every verdict a rule reaches on scan facts cites what a probe saw", () => {
    const decided = results.filter((r) => r.status === "pass" || r.status === "fail");
    expect(decided.length).toBeGreaterThan(8);
    expectDecidedFromProbes(decided);
  });

  it("from the internet, as a PBX, every verdict still cites a probe", async () => {
    const [scan] = await scanTargets([HOST], {
      class: "pbx",
      vantage: "internet",
      ports: [modernTls, legacyTls, weakSsh, strongSsh, 5038, 23].map((port) => ({
        port,
        transport: "tcp",
      })),
      timeoutMs: 2000,
    });
    if (!scan) throw new Error("no scan");
    const all = runRules(scan.facts, ALL_RULES, settingsFrom({})).results;
    // SSH answered a scanner on the internet: exposed, on its own port.
    expect(
      all.filter((r) => r.rule === "admin-services-not-on-wan").map((r) => r.status),
    ).toContain("fail");
    expectDecidedFromProbes(all);
  });

  it("bulwark scan prints the software seen and the suites it could not try", async () => {
    const { stdout } = await runCli([
      "scan",
      HOST,
      "--class",
      "router",
      "--ports",
      `${legacyTls},${weakSsh}`,
      "--timeout",
      "2000",
    ]);
    expect(stdout).toContain(`software: dropbear 2015.67 (${weakSsh}/tcp)`);
    const untried = tlsUntried(legacyTls);
    const line = "weak suites not tried (this OpenSSL cannot offer them)";
    if (untried.length) expect(stdout).toContain(`${line}: ${untried.join(", ")}`);
    else expect(stdout).not.toContain(line);
    expect(stdout).toMatch(/tls-weak-ciphers/);
    expect(stdout).toMatch(/ssh-weak-algorithms/);
  });
});

function tlsUntried(port: number): string[] {
  const p = serviceOn(port).tlsPosture;
  return p?.known ? (p.value.untestedCiphers ?? []) : [];
}

describe("a greeting names the service and its software", () => {
  it("an AMI greeting on any port makes an AMI service, Asterisk, which a loopback scan cannot judge", async () => {
    const port = await fake.tcp((c) => c.end("Asterisk Call Manager/7.0.3\r\n"));
    const [scan] = await scanTargets([HOST], {
      class: "pbx",
      ports: [{ port, transport: "tcp" }],
      timeoutMs: 1500,
    });
    const svc = scan?.facts.services[0];
    expect(svc).toMatchObject({ kind: "ami", admin: true });
    expect(svc?.software).toMatchObject({
      known: true,
      value: { product: "asterisk", raw: "Asterisk Call Manager/7.0.3" },
    });
    expect(svc?.software?.known && svc.software.value.version).toBeUndefined();
    expect(svc?.software?.at[0]).toMatchObject({ kind: "probe", probe: "tcp-banner", port });
    const r = runRules(scan?.facts as Facts, ALL_RULES, settingsFrom({})).results;
    const verdict = r.find((x) => x.rule === "ami-not-exposed");
    expect(verdict?.status).toBe("unknown");
    expect(verdict?.message).toMatch(/loopback address 127\.0\.0\.1/);
  });
});
