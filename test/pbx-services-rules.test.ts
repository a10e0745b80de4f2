/**
 * The PBX service rules end to end: configuration texts → facts → findings, with the fix each
 * failure carries and no secret in the report.
 */
import { describe, expect, it } from "vitest";
import { settingsFrom } from "../src/engine/profile.js";
import { runRules, type TargetReport } from "../src/engine/run.js";
import { extractFacts } from "../src/extract/index.js";
import type { Facts } from "../src/facts/model.js";
import { PBX_SERVICES_RULES } from "../src/rules/pbx-services/index.js";
import { MemoryTree } from "../src/sources/tree.js";
import { result, statuses } from "./support/report.js";

const now = new Date("2026-11-21T00:00:00Z");
const STRONG = "Vq9#tLw2!mZr8$Kp4xYe";

function tree(files: Record<string, string>): MemoryTree {
  const t = new MemoryTree("pbx.tar");
  for (const [path, text] of Object.entries({
    "etc/asterisk/asterisk.conf": "[directories]\n",
    ...files,
  }))
    t.add(path, Buffer.from(text));
  return t;
}

function audit(files: Record<string, string>): { facts: Facts; report: TargetReport } {
  const facts = extractFacts(tree(files));
  return { facts, report: runRules(facts, PBX_SERVICES_RULES, settingsFrom({}), now) };
}

const exposedManager = [
  "[general]",
  "enabled = yes",
  "bindaddr = 0.0.0.0",
  "[admin]",
  "secret = amp111",
  "write = system,call,originate",
  "[panel]",
  `secret = ${STRONG}`,
  "deny = 0.0.0.0/0.0.0.0",
  "permit = 192.168.1.0/255.255.255.0",
  "write = call,reporting",
  "",
].join("\n");

describe("AMI rules", () => {
  const { report } = audit({ "etc/asterisk/manager.conf": exposedManager });

  it("AMI on 0.0.0.0 without TLS fails high, with the bindaddr line as evidence and its fix", () => {
    expect(statuses(report, "ami-not-exposed")).toEqual(["fail"]);
    const r = result(report, "ami-not-exposed");
    expect(r.severity).toBe("high");
    expect(r.message).toMatch(/every address \(0\.0\.0\.0\).*TLS is off/);
    expect(r.evidence).toContainEqual(
      expect.objectContaining({
        file: "pbx.tar!etc/asterisk/manager.conf",
        line: 3,
        excerpt: "bindaddr = 0.0.0.0",
      }),
    );
    expect(r.remediation?.commands?.lines).toEqual([
      "; pbx.tar!etc/asterisk/manager.conf, section [general]",
      "bindaddr = 127.0.0.1",
      "; then: asterisk -rx 'manager reload'",
    ]);
  });

  it("the default port fails low", () => {
    expect(statuses(report, "ami-default-port")).toEqual(["fail"]);
    expect(result(report, "ami-default-port").severity).toBe("low");
  });

  it("ACLs: admin has none (high, AMI is on every address), panel is limited", () => {
    expect(statuses(report, "ami-user-acl", "AMI user admin")).toEqual(["fail"]);
    expect(result(report, "ami-user-acl", "AMI user admin").severity).toBe("high");
    expect(result(report, "ami-user-acl", "AMI user admin").remediation?.commands?.lines).toEqual([
      "; pbx.tar!etc/asterisk/manager.conf, section [admin]",
      "deny = 0.0.0.0/0.0.0.0",
      "permit = 127.0.0.1/255.255.255.255",
      "; then: asterisk -rx 'manager reload'",
    ]);
    expect(statuses(report, "ami-user-acl", "AMI user panel")).toEqual(["pass"]);
  });

  it("secrets: FreePBX's amp111 is a default (critical: reachable from anywhere); a strong one passes", () => {
    const r = result(report, "ami-user-secret", "AMI user admin");
    expect(r.status).toBe("fail");
    expect(r.severity).toBe("critical");
    expect(r.message).toMatch(/known default/);
    expect(r.remediation?.commands?.lines).toContain("secret = <new random secret>");
    expect(statuses(report, "ami-user-secret", "AMI user panel")).toEqual(["pass"]);
  });

  it("write privileges: admin may originate from anywhere; panel writes call,reporting", () => {
    expect(statuses(report, "ami-write-privileges", "AMI user admin")).toEqual(["fail"]);
    expect(
      result(report, "ami-write-privileges", "AMI user admin").remediation?.commands?.lines,
    ).toContain("write = call");
    expect(statuses(report, "ami-write-privileges", "AMI user panel")).toEqual(["pass"]);
  });

  it("no secret in the report", () => {
    const json = JSON.stringify(report);
    expect(json).not.toContain("amp111");
    expect(json).not.toContain(STRONG);
  });

  it("AMI bound to loopback: exposure passes, the port does not matter", () => {
    const r = audit({
      "etc/asterisk/manager.conf": exposedManager.replace(
        "bindaddr = 0.0.0.0",
        "bindaddr = 127.0.0.1",
      ),
    }).report;
    expect(statuses(r, "ami-not-exposed")).toEqual(["pass"]);
    expect(statuses(r, "ami-default-port")).toEqual(["not_applicable"]);
    // Without an ACL, admin can still only come from this host: a low failure.
    expect(result(r, "ami-user-acl", "AMI user admin").severity).toBe("low");
    expect(statuses(r, "ami-write-privileges", "AMI user admin")).toEqual(["pass"]);
    expect(result(r, "ami-user-secret", "AMI user admin").severity).toBe("high");
  });
});

describe("AMI over TLS", () => {
  it("plain AMI on loopback, the TLS listener on every address: each listener judged on its own", () => {
    const { report } = audit({
      "etc/asterisk/manager.conf":
        "[general]\nenabled = yes\nbindaddr = 127.0.0.1\ntlsenable = yes\ntlsbindaddr = 0.0.0.0:5039\n",
    });
    expect(statuses(report, "ami-not-exposed")).toEqual(["pass", "fail"]);
    const tls = result(report, "ami-not-exposed", "AMI over TLS 5039/tcp");
    expect(tls.message).toMatch(/^AMI over TLS listens on every address \(0\.0\.0\.0\)/);
    expect(tls.message).not.toMatch(/clear/);
    expect(tls.remediation?.commands?.lines).toContain("tlsbindaddr = 127.0.0.1:5039");
    expect(statuses(report, "ami-default-port")).toEqual(["not_applicable", "fail"]);
  });
});

describe("HTTP and ARI rules", () => {
  it("HTTP on every address without TLS, a plain ARI password", () => {
    const { report } = audit({
      "etc/asterisk/http.conf": "[general]\nenabled = yes\nbindaddr = 0.0.0.0\n",
      "etc/asterisk/ari.conf": `[general]\nenabled = yes\n[app]\ntype = user\npassword = ${STRONG}\n`,
    });
    expect(statuses(report, "asterisk-http-exposure")).toEqual(["fail"]);
    expect(result(report, "asterisk-http-exposure").remediation?.commands?.lines).toEqual([
      "; pbx.tar!etc/asterisk/http.conf, section [general]",
      "bindaddr = 127.0.0.1",
      "; then: asterisk -rx 'module reload http'",
    ]);
    expect(statuses(report, "ari-password-plain")).toEqual(["fail"]);
    expect(result(report, "ari-password-plain").remediation?.commands?.lines).toContain(
      "password_format = crypt",
    );
    expect(statuses(report, "ari-user-secret")).toEqual(["pass"]);
    expect(JSON.stringify(report)).not.toContain(STRONG);
  });

  it("HTTP on loopback passes; TLS on a public address is reported as its own listener", () => {
    const { report } = audit({
      "etc/asterisk/http.conf":
        "[general]\nenabled = yes\nbindaddr = 127.0.0.1\ntlsenable = yes\ntlsbindaddr = 0.0.0.0:8089\n",
    });
    expect(statuses(report, "asterisk-http-exposure")).toEqual(["pass", "pass"]);
    expect(statuses(report, "ari-password-plain")).toEqual(["not_applicable"]);
  });
});

describe("security log for fail2ban", () => {
  it("the stock logger.conf (security commented out) fails, with `security = security` as the fix", () => {
    const { report } = audit({
      "etc/asterisk/logger.conf":
        "[logfiles]\nconsole => notice,warning,error\nmessages.log => notice,warning,error\n;security.log => security\n",
    });
    const r = result(report, "asterisk-security-log-for-fail2ban");
    expect(r.status).toBe("fail");
    expect(r.remediation?.commands?.lines).toEqual([
      "; pbx.tar!etc/asterisk/logger.conf, section [logfiles]",
      "security = security",
      "; then: asterisk -rx 'logger reload'",
    ]);
  });

  it("security logged but no fail2ban configuration in the input: unknown, never pass", () => {
    const { report } = audit({ "etc/asterisk/logger.conf": "[logfiles]\nsecurity => security\n" });
    expect(statuses(report, "asterisk-security-log-for-fail2ban")).toEqual(["unknown"]);
  });

  it("with the jail in the input: a jail on a NOTICE-only file fails low, one on the security file passes", () => {
    const jail = (logpath: string) =>
      `[asterisk]\nenabled = true\nfilter = asterisk\nport = 5060\nlogpath = ${logpath}\n`;
    const files = {
      "etc/asterisk/logger.conf":
        "[logfiles]\nmessages => notice,warning,error\nsecurity => security\n",
      "etc/fail2ban/filter.d/asterisk.conf": "[Definition]\nfailregex = NOTICE.* <HOST> failed\n",
    };
    const onMessages = audit({
      ...files,
      "etc/fail2ban/jail.local": jail("/var/log/asterisk/messages"),
    });
    const r = result(onMessages.report, "asterisk-security-log-for-fail2ban");
    expect([r.status, r.severity]).toEqual(["fail", "low"]);
    expect(r.message).toMatch(
      /security events go to \/var\/log\/asterisk\/security, which it does not read/,
    );
    expect(r.remediation?.commands?.lines).toContain("messages = notice,warning,error,security");
    const onSecurity = audit({
      ...files,
      "etc/fail2ban/jail.local": jail("/var/log/asterisk/security"),
    });
    expect(statuses(onSecurity.report, "asterisk-security-log-for-fail2ban")).toEqual(["pass"]);
  });
});
