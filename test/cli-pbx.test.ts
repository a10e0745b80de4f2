/**
 * `bulwark audit` on the bundled insecure PBX host, as a PBX admin runs it: the findings that
 * matter (toll fraud, guessable extensions, exposed AMI, no SIP jail, no firewall), their fixes
 * in Asterisk, sshd and fail2ban terms, and no secret in any output.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

const PBX = "examples/pbx-insecure";
const SECRETS = ["office2024", "Tr0nkProvider!2024", "amp111", "changeme123"];

interface Result {
  rule: string;
  status: string;
  severity: string;
  subject?: string;
  message: string;
  evidence: { file?: string; line?: number; excerpt?: string }[];
  remediation?: { summary: string; commands?: { language: string; lines: string[] } };
}

async function audit(): Promise<Result[]> {
  const { stdout } = await runCli(["audit", PBX, "--format", "json"]);
  return JSON.parse(stdout).targets[0].results;
}

function find(results: Result[], rule: string, subject?: string): Result {
  const r = results.find(
    (x) => x.rule === rule && (subject === undefined || x.subject?.includes(subject)),
  );
  if (!r) throw new Error(`no ${rule} ${subject ?? ""}`);
  return r;
}

describe("bulwark audit on the bundled PBX host", () => {
  it("recognises an Asterisk PBX and exits 1", async () => {
    const { code, stdout } = await runCli(["audit", PBX, "--format", "json"]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).targets[0].device).toMatchObject({
      class: "pbx",
      platform: "asterisk",
    });
  });

  it("finds the toll-fraud path from the trunk context to the outbound Dial, with the path as evidence", async () => {
    const r = find(await audit(), "toll-fraud-reachability");
    expect(r).toMatchObject({ status: "fail", severity: "critical" });
    expect(r.message).toMatch(/from-trunk/);
    expect(
      r.evidence.some(
        (e) =>
          e.file?.endsWith("extensions.conf") && /include => from-internal/.test(e.excerpt ?? ""),
      ),
    ).toBe(true);
    expect(
      r.evidence.some((e) => /Dial\(PJSIP\/\$\{EXTEN:1\}@provider/.test(e.excerpt ?? "")),
    ).toBe(true);
    expect(r.remediation?.commands?.language).toBe("asterisk");
  });

  it("fails extensions whose auth user name is the extension number, and their weak passwords", async () => {
    const results = await audit();
    expect(find(results, "sip-auth-username-not-extension", "1001").status).toBe("fail");
    expect(find(results, "sip-password-strength", "1002")).toMatchObject({ status: "fail" });
    expect(find(results, "sip-no-anonymous-calls", "anonymous").status).toBe("fail");
  });

  it("fails AMI on every address with a default secret, and the missing SIP jail", async () => {
    const results = await audit();
    expect(find(results, "ami-not-exposed").status).toBe("fail");
    expect(find(results, "ami-user-secret", "admin")).toMatchObject({
      status: "fail",
      severity: "critical",
    });
    expect(find(results, "fail2ban-jail-sip").status).toBe("fail");
    expect(find(results, "fail2ban-jail-ssh").status).toBe("pass");
    expect(find(results, "host-firewall-active")).toMatchObject({
      status: "fail",
      severity: "critical",
    });
  });

  it("gives the SSH fix in sshd_config terms", async () => {
    const r = find(await audit(), "ssh-password-auth");
    expect(r.status).toBe("fail");
    expect(r.remediation?.commands?.language).toBe("sshd");
    expect(r.remediation?.commands?.lines.join("\n")).toMatch(/PasswordAuthentication no/);
  });

  it("never prints a secret of the example, in any format", async () => {
    for (const format of ["text", "json", "sarif"]) {
      const { stdout, stderr } = await runCli(["audit", PBX, "--format", format, "-v"]);
      for (const s of SECRETS) {
        expect(stdout, `${format} leaks a secret`).not.toContain(s);
        expect(stderr).not.toContain(s);
      }
    }
  });
});
