/**
 * TLS and SSH posture against the lab (scripts/lab.sh): the weak router's OpenSSH with the legacy
 * algorithms the lab enabled, the hardened router's current OpenSSH and its Dropbear on 2222, and
 * nginx on 443 with TLS 1.0 and a self-signed certificate beside mosquitto's TLS listener on 8883.
 * The facts must say what the lab configured (and Debian's own openssl confirms), and the
 * transport rules judge them with fixes for the software seen.
 *
 * Skipped with the reason when the lab is not up (`sudo bash scripts/lab.sh up`); a failure in CI.
 */
import { spawnSync } from "node:child_process";
import { beforeAll, expect, it } from "vitest";
import { settingsFrom } from "../src/engine/profile.js";
import { type RuleResult, runRules } from "../src/engine/run.js";
import type { Service, TlsPosture } from "../src/facts/model.js";
import { ALL_RULES } from "../src/rules/index.js";
import { type HostScan, scanTargets } from "../src/scan/index.js";
import { parsePorts } from "../src/scan/targets.js";
import { runCli } from "./support/cli.js";
import { describeLab, device, type LabDeviceId } from "./support/lab.js";
import { expectDecidedFromProbes } from "./support/verdicts.js";

const PORTS = "22,23,80,443,1883,2222,8883";

/** Debian's openssl: does the server complete a handshake with these options? */
function opensslAccepts(address: string, port: number, args: string[]): boolean {
  const r = spawnSync("openssl", ["s_client", ...args, "-connect", `${address}:${port}`], {
    input: "",
    encoding: "utf8",
    timeout: 10_000,
  });
  return (
    /^\s*Protocol\s*:\s*TLSv1/m.test(r.stdout ?? "") && !/Cipher is \(NONE\)/.test(r.stdout ?? "")
  );
}

describeLab("TLS and SSH posture of the lab routers", () => {
  const scans = new Map<LabDeviceId, HostScan>();
  const results = new Map<LabDeviceId, RuleResult[]>();

  const svc = (id: LabDeviceId, port: number): Service => {
    const s = scans
      .get(id)
      ?.facts.services.find((x) => x.ports.known && x.ports.value[0]?.from === port);
    if (!s) throw new Error(`no service on ${id}:${port}`);
    return s;
  };
  const verdict = (id: LabDeviceId, rule: string, port: number): RuleResult => {
    const r = results.get(id)?.find((x) => x.rule === rule && x.subject?.includes(`${port}/tcp`));
    if (!r) throw new Error(`no ${rule} verdict for ${id}:${port}`);
    return r;
  };
  const tlsOf = (id: LabDeviceId, port: number): TlsPosture => {
    const p = svc(id, port).tlsPosture;
    if (!p?.known) throw new Error(`no TLS posture on ${id}:${port}`);
    return p.value;
  };

  beforeAll(async () => {
    const ids: LabDeviceId[] = ["weak-router", "hardened-router"];
    const done = await scanTargets(
      ids.map((id) => device(id).address),
      { class: "router", ports: parsePorts(PORTS) },
    );
    ids.forEach((id, i) => {
      const s = done[i] as HostScan;
      scans.set(id, s);
      results.set(id, runRules(s.facts, ALL_RULES, settingsFrom({})).results);
    });
  }, 60_000);

  it("the weak router's OpenSSH: every legacy algorithm the lab enabled is a weak one, fixed in sshd_config", () => {
    const s = svc("weak-router", 22);
    expect(s.software).toMatchObject({ known: true, value: { product: "openssh" } });
    const weak = s.sshPosture?.known ? s.sshPosture.value.weak.map((w) => w.name) : [];
    expect(weak).toEqual(
      expect.arrayContaining(device("weak-router").services.ssh?.legacyAlgorithms ?? ["?"]),
    );
    const r = verdict("weak-router", "ssh-weak-algorithms", 22);
    expect(r.status).toBe("fail");
    // A 1024-bit group and 3DES are worse than SHA-1 alone.
    expect(r.severity).toBe("medium");
    const lines = r.remediation?.commands?.lines.join("\n") ?? "";
    for (const keyword of ["KexAlgorithms ", "HostKeyAlgorithms ", "Ciphers ", "MACs "])
      expect(lines).toContain(keyword);
    expect(r.remediation?.commands?.language).toBe("sshd");
  });

  it("the hardened router: current OpenSSH passes; Dropbear is judged on what it offers, with a Dropbear fix", () => {
    expect(verdict("hardened-router", "ssh-weak-algorithms", 22).status).toBe("pass");
    const d = svc("hardened-router", 2222);
    expect(d.software).toMatchObject({ known: true, value: { product: "dropbear" } });
    expect(d.software?.known && d.software.value.version).toMatch(/^\d{4}\.\d+$/);
    const weak = d.sshPosture?.known ? d.sshPosture.value.weak : undefined;
    expect(weak).toBeDefined();
    const r = verdict("hardened-router", "ssh-weak-algorithms", 2222);
    expect(r.status).toBe(weak?.length ? "fail" : "pass");
    if (r.status === "fail") expect(r.remediation?.summary).toMatch(/^Dropbear \d{4}\.\d+ chooses/);
  });

  it("nginx on 443: the TLS versions the lab enabled, the self-signed certificate, and nginx fixes", () => {
    const hard = device("hardened-router");
    const p = tlsOf("hardened-router", 443);
    const configured = hard.services.https?.tlsVersions ?? [];
    // Every version the lab enabled was accepted, or could not be offered by this Node.
    expect([...p.accepted, ...p.untested].sort()).toEqual(expect.arrayContaining(configured));
    for (const v of p.accepted) expect(configured).toContain(v);
    const legacy = verdict("hardened-router", "tls-legacy-versions", 443);
    if (p.untested.includes("TLSv1")) expect(legacy.status).toBe("unknown");
    else {
      expect(legacy.status).toBe("fail");
      // The web interface is administrative: high.
      expect(legacy.severity).toBe("high");
      if (svc("hardened-router", 443).software?.known)
        expect(legacy.remediation?.commands?.lines).toContain("ssl_protocols TLSv1.2 TLSv1.3;");
    }
    const cert = verdict("hardened-router", "tls-certificate", 443);
    expect(cert.status).toBe("fail");
    expect(cert.severity).toBe("low");
    expect(cert.message).toContain(hard.services.https?.subject ?? "?");
    expect(cert.message).toContain("self-signed");
    // Static RSA key exchange: what Debian's openssl finds decides the verdict.
    const kRsa = opensslAccepts(hard.address, 443, ["-tls1_2", "-cipher", "kRSA"]);
    const suites = verdict("hardened-router", "tls-weak-ciphers", 443);
    if (kRsa) {
      expect(suites.status).toBe("fail");
      expect(suites.message).toContain("static RSA");
    } else expect(suites.status).not.toBe("fail");
  });

  it("mosquitto on 8883 keeps TLS 1.2 and later", () => {
    const hard = device("hardened-router");
    expect(opensslAccepts(hard.address, 8883, ["-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"])).toBe(
      false,
    );
    const p = tlsOf("hardened-router", 8883);
    expect(p.accepted).not.toContain("TLSv1");
    expect(p.accepted).toContain("TLSv1.2");
    const r = verdict("hardened-router", "tls-legacy-versions", 8883);
    expect(r.status).toBe(p.untested.length ? "unknown" : "pass");
  });

  it("every verdict on the lab's scan facts cites what a probe saw", () => {
    for (const [id, rs] of results) expectDecidedFromProbes(rs, `${id}: `);
  });

  it("bulwark scan prints the software it recognised", async () => {
    const { stdout } = await runCli([
      "scan",
      device("hardened-router").address,
      "--class",
      "router",
      "--ports",
      "22,2222",
      "--fail-on",
      "none",
    ]);
    expect(stdout).toMatch(
      /software: openssh 9\.\d+p\d+ \(22\/tcp\); dropbear \d{4}\.\d+ \(2222\/tcp\)/,
    );
  });
});
