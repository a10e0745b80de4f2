/**
 * `bulwark audit` as a user runs it: on the bundled example, with each output format, exit
 * statuses, bad and hostile input, and the promise that no secret is ever printed.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { coverage } from "../src/catalogue/coverage.js";
import { runCli } from "./support/cli.js";

const EXAMPLE = "examples/backup-RUTX11-insecure.tar.gz";
const EXAMPLE_DIR = "examples/rutx11-insecure";

/** Every secret the example holds, in clear, and the hashes of its shadow file. */
function exampleSecrets(): string[] {
  const secrets = [
    "warehouse1",
    "Operator1",
    "Pptp-Secret-77",
    "Mail-Pass-2024",
    "admin01",
    "Warehouse2024",
  ];
  const shadow = readFileSync(join(EXAMPLE_DIR, "etc/shadow"), "utf8");
  for (const line of shadow.split("\n")) {
    const hash = line.split(":")[1];
    if (hash?.startsWith("$")) secrets.push(hash, hash.split("$")[2] ?? "");
  }
  return secrets.filter((s) => s.length >= 6);
}

describe("bulwark audit on the bundled example", () => {
  it("prints a readable report and exits 1 (failures found)", async () => {
    const { code, stdout } = await runCli(["audit", EXAMPLE]);
    expect(code).toBe(1);
    expect(stdout).toContain("bulwark audit — examples/backup-RUTX11-insecure.tar.gz");
    expect(stdout).toMatch(/score: +\d+\/100/);
    expect(stdout).toContain("uci set dropbear.@dropbear[0].PasswordAuth='off'");
    expect(stdout).toContain("backup-RUTX11-insecure.tar.gz!etc/config/firewall:43");
    expect(stdout).toContain("score = 100 × passed weight");
  });

  it("json: every result has rule, status, severity, guidelines, evidence and remediation", async () => {
    const { code, stdout } = await runCli(["audit", EXAMPLE, "--format", "json"]);
    expect(code).toBe(1);
    const doc = JSON.parse(stdout);
    const t = doc.targets[0];
    expect(t.device).toMatchObject({
      class: "router",
      platform: "rutos",
      hostname: "Warehouse-RUTX11",
    });
    expect(typeof t.score).toBe("number");
    for (const r of t.results) {
      expect(r).toHaveProperty("rule");
      expect(["pass", "fail", "unknown", "not_applicable", "manual", "waived"]).toContain(r.status);
      expect(["info", "low", "medium", "high", "critical"]).toContain(r.severity);
      expect(Array.isArray(r.guidelines)).toBe(true);
      expect(Array.isArray(r.evidence)).toBe(true);
      if (r.status === "fail") expect(r.remediation.summary).toBeTruthy();
    }
    const ssh = t.results.find((r: { rule: string }) => r.rule === "ssh-password-auth");
    expect(ssh.status).toBe("fail");
    expect(ssh.guidelines).toContain("TEL-12");
    expect(ssh.remediation.commands.lines).toContain("uci commit dropbear");
  });

  it("sarif: a valid SARIF 2.1.0 run with rule metadata and located results", async () => {
    const { stdout } = await runCli(["audit", EXAMPLE, "--format", "sarif"]);
    const doc = JSON.parse(stdout);
    expect(doc.version).toBe("2.1.0");
    const run = doc.runs[0];
    expect(run.tool.driver.rules.length).toBeGreaterThan(20);
    const r = run.results.find((x: { ruleId: string }) => x.ruleId === "telnet-disabled");
    expect(r.level).toBe("error");
    expect(r.locations[0].physicalLocation.region.startLine).toBe(3);
  });

  it("--fail-on decides the exit status", async () => {
    expect((await runCli(["audit", EXAMPLE, "--fail-on", "none"])).code).toBe(0);
    expect((await runCli(["audit", EXAMPLE, "--fail-on", "critical"])).code).toBe(1);
  });

  it("never prints a secret, in any format", async () => {
    const secrets = exampleSecrets();
    expect(secrets.length).toBeGreaterThan(6);
    for (const format of ["text", "json", "sarif"]) {
      const { stdout, stderr } = await runCli([
        "audit",
        EXAMPLE,
        EXAMPLE_DIR,
        "--format",
        format,
        "-v",
      ]);
      for (const s of secrets) {
        expect(stdout, `${format} output leaks a secret`).not.toContain(s);
        expect(stderr).not.toContain(s);
      }
    }
  });

  it("audits the extracted folder the same way as the archive", async () => {
    const a = JSON.parse((await runCli(["audit", EXAMPLE, "--format", "json"])).stdout).targets[0];
    const b = JSON.parse((await runCli(["audit", EXAMPLE_DIR, "--format", "json"])).stdout)
      .targets[0];
    const brief = (t: { results: { rule: string; status: string; subject?: string }[] }) =>
      t.results.map((r) => `${r.rule}/${r.subject}/${r.status}`);
    expect(brief(b)).toEqual(brief(a));
  });

  it("the committed archive is up to date with examples/rutx11-insecure", () => {
    execFileSync(process.execPath, ["scripts/make-example.js", "--check"]);
  });
});

describe("bulwark audit on bad input", () => {
  const dir = mkdtempSync(join(tmpdir(), "bulwark-cli-"));

  it("names the file and line of a broken UCI file, exits 2, and audits the rest", async () => {
    const root = join(dir, "broken");
    mkdirSync(join(root, "etc", "config"), { recursive: true });
    writeFileSync(
      join(root, "etc/config/dropbear"),
      "config dropbear\n\toption PasswordAuth 'off'\n",
    );
    writeFileSync(join(root, "etc/config/telnetd"), "config telnetd\n\toption enable '1\n");
    const { code, stdout } = await runCli(["audit", root]);
    expect(code).toBe(2);
    expect(stdout).toMatch(/etc\/config\/telnetd:2:\d+: error: unterminated ' quote/);
    // The broken file's facts are unknown; the good file is still judged.
    expect(stdout).toMatch(/PASS .*ssh-password-auth/);
    expect(stdout).toMatch(/UNKNOWN .*telnet-disabled/);
  });

  it("a missing path: exit 2 with the path named; other targets still audited", async () => {
    const { code, stdout, stderr } = await runCli(["audit", join(dir, "nope.tar.gz"), EXAMPLE]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/nope\.tar\.gz: no such file or directory/);
    expect(stdout).toContain("backup-RUTX11-insecure.tar.gz");
  });

  it("a password-protected backup gets a clear error", async () => {
    const zip = join(dir, "backup.tar.zip");
    writeFileSync(
      zip,
      Buffer.concat([
        Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x01, 0x00]),
        Buffer.alloc(60),
      ]),
    );
    const sevenZ = join(dir, "backup.tar.7z");
    writeFileSync(
      sevenZ,
      Buffer.concat([Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), Buffer.alloc(60)]),
    );
    for (const f of [zip, sevenZ]) {
      const { code, stderr } = await runCli(["audit", f]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/password-protected/);
    }
  });

  it("garbage and truncated archives are errors, not crashes", async () => {
    const garbage = join(dir, "garbage.tar.gz");
    writeFileSync(garbage, Buffer.from("this is not an archive at all\n".repeat(40)));
    const truncated = join(dir, "truncated.tar.gz");
    writeFileSync(truncated, readFileSync(EXAMPLE).subarray(0, 900));
    for (const f of [garbage, truncated]) {
      const { code, stderr } = await runCli(["audit", f]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/bulwark: .*(not a backup|corrupt)/);
    }
  });

  it("usage errors exit 2", async () => {
    expect((await runCli(["audit"])).code).toBe(2);
    expect((await runCli(["audit", EXAMPLE, "--format", "xml"])).code).toBe(2);
    expect((await runCli(["frobnicate"])).code).toBe(2);
  });
});

describe("bulwark guidelines", () => {
  it("json: one object per ID with id and checks", async () => {
    const { code, stdout } = await runCli(["guidelines", "--format", "json"]);
    expect(code).toBe(0);
    const items = JSON.parse(stdout);
    expect(items).toHaveLength(71);
    const tel12 = items.find((i: { id: string }) => i.id === "TEL-12");
    expect(tel12.checks).toContainEqual({ rule: "ssh-password-auth", mode: "config" });
    for (const i of items) expect(i.covered).toBe(i.checks.length > 0);
  });

  it("text: lists every uncovered ID as not covered, and counts them honestly", async () => {
    const { stdout } = await runCli(["guidelines"]);
    const uncovered = coverage().filter((c) => !c.covered);
    for (const c of uncovered) expect(stdout).toMatch(new RegExp(`${c.id} +NOT COVERED`));
    expect(stdout).toContain(
      `${71 - uncovered.length} of 71 guideline items covered by at least one check; ${uncovered.length} not covered yet.`,
    );
  });
});
