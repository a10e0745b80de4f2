/**
 * `bulwark scan --try-default-credentials` and the advisories against the lab (scripts/lab.sh):
 * the weak router's real OpenSSH (passwords on), inetutils telnetd and LuCI-style login page must
 * refuse every vendor default tried (the lab's accounts have random passwords), with at most 3
 * tries each, and the facts must say "defaults refused", never "accepted"; the hardened router's
 * SSH, which takes keys only, gets no try at all. Its Debian OpenSSH banner makes the advisory
 * matches "possibly affected" (a distribution backports fixes), at low severity.
 *
 * Skipped with the reason when the lab is not up (`sudo bash scripts/lab.sh up`); a failure in CI.
 */
import { beforeAll, expect, it } from "vitest";
import { DEFAULT_PROFILE } from "../src/engine/profile.js";
import type { Service } from "../src/facts/model.js";
import { accountDefaultPassword } from "../src/rules/router/account-default-password.js";
import { softwareKnownVulnerable } from "../src/rules/software/software-known-vulnerable.js";
import { MAX_ATTEMPTS } from "../src/scan/credentials/index.js";
import { type HostScan, scanTargets } from "../src/scan/index.js";
import { Limiter } from "../src/scan/limiter.js";
import { defaultCredentials } from "../src/secrets/defaults.js";
import { describeLab, device } from "./support/lab.js";

const ctx = { profile: DEFAULT_PROFILE, now: new Date() };

function serviceOn(s: HostScan, port: number): Service {
  const svc = s.facts.services.find(
    (x) => x.ports.known && x.ports.value.some((p) => p.from === port),
  );
  if (!svc) throw new Error(`no service on ${port}`);
  return svc;
}

describeLab("default credentials and advisories", () => {
  let weak: HostScan;
  let hardened: HostScan;

  beforeAll(async () => {
    const limiter = new Limiter({ concurrency: 8, ratePerSecond: 100 });
    const options = {
      class: "router" as const,
      timeoutMs: 3000,
      tryDefaultCredentials: true,
      limiter,
    };
    [weak] = (await scanTargets([device("weak-router").address], {
      ...options,
      ports: [22, 23, 80].map((port) => ({ port, transport: "tcp" as const })),
    })) as [HostScan];
    [hardened] = (await scanTargets([device("hardened-router").address], {
      ...options,
      ports: [{ port: 22, transport: "tcp" }],
    })) as [HostScan];
  }, 120_000);

  it("tries at most 3 defaults on each weak-router login, and all are refused", () => {
    const checks = weak.credentials ?? [];
    expect(checks.map((c) => [c.port, c.login])).toEqual([
      [22, "ssh"],
      [23, "telnet"],
      [80, "luci"],
    ]);
    for (const c of checks) {
      expect(c.tries.length).toBeGreaterThan(0);
      expect(c.tries.length).toBeLessThanOrEqual(MAX_ATTEMPTS);
      expect(c.tries.map((t) => t.outcome)).toEqual(c.tries.map(() => "refused"));
      const d = serviceOn(weak, c.port).auth.defaultCredential;
      expect(d?.known && d.value).toBe(false);
    }
    const verdicts = accountDefaultPassword.check(weak.facts, ctx);
    expect(verdicts.map((v) => v.status)).toEqual(["pass", "pass", "pass"]);
  });

  it("does not try passwords where SSH takes keys only", () => {
    expect(hardened.credentials?.map((c) => [c.port, c.tries.length, c.skipped])).toEqual([
      [22, 0, "the server accepts no passwords"],
    ]);
    expect(serviceOn(hardened, 22).auth.defaultCredential).toBeUndefined();
  });

  it("never writes a password into the results", () => {
    const text = JSON.stringify([weak, hardened]);
    for (const c of defaultCredentials())
      if (c.password.length >= 6 && !/^(admin|password|root)$/.test(c.password))
        expect(text).not.toContain(c.password);
    for (const s of Object.values(device("weak-router").services))
      if (s.password) expect(text).not.toContain(s.password);
  });

  it("reads the Debian OpenSSH banner as 'possibly affected', capped at low", () => {
    const ssh = serviceOn(weak, 22);
    expect(ssh.software?.known && ssh.software.value.product).toBe("openssh");
    const adv = ssh.advisories;
    expect(adv?.known).toBe(true);
    if (!adv?.known) return;
    for (const m of adv.value) expect(m.distribution).toMatch(/its banner names 'Debian/);
    const finding = softwareKnownVulnerable
      .check(weak.facts, ctx)
      .find((f) => f.subject === ssh.label);
    if (adv.value.length > 0) {
      expect(finding?.status).toBe("fail");
      expect(finding?.severity).toBe("low");
      expect(finding?.message).toMatch(/possibly affected/);
    } else expect(finding?.status).toBe("pass");
  });
});
