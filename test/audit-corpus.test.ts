/**
 * Audits of real vendor defaults (../shared/corpus), with the findings an expert expects written
 * down. These are factory states: insecure defaults must show up as failures, and what the
 * input cannot tell must show up as unknown, never as a pass.
 */
import { beforeAll, expect, it } from "vitest";
import { auditTarget } from "../src/audit/audit-target.js";
import { settingsFrom } from "../src/engine/profile.js";
import type { TargetReport } from "../src/engine/run.js";
import { corpusPath, describeCorpus } from "./support/corpus.js";
import { result, statuses } from "./support/report.js";

const settings = settingsFrom({});
const now = new Date("2026-11-21T00:00:00Z");

describeCorpus("audit of Teltonika RUTX RutOS 7.20 factory defaults", () => {
  let r: TargetReport;
  beforeAll(async () => {
    r = await auditTarget(corpusPath("rutos-defaults/rutx_00.07.20"), settings, undefined, now);
  });

  it("recognises a RutOS router and reads without errors (two placeholder warnings)", () => {
    expect(r.error).toBeUndefined();
    expect(r.device).toMatchObject({ class: "router", platform: "rutos" });
    expect(r.diagnostics.map((d) => `${d.severity}:${d.line}`)).toEqual([
      "warning:6",
      "warning:22",
    ]);
  });

  it("finds that SSH allows password logins, root included", () => {
    expect(statuses(r, "ssh-password-auth")).toEqual(["fail"]);
    expect(statuses(r, "ssh-root-password-auth")).toEqual(["fail"]);
    const ev = result(r, "ssh-password-auth").evidence[0];
    expect(ev).toMatchObject({ kind: "config", line: 2, excerpt: "option PasswordAuth 'on'" });
  });

  it("finds the Web CLI on, plain HTTP without redirect, and a weak password policy", () => {
    expect(statuses(r, "web-cli-disabled")).toEqual(["fail"]);
    expect(statuses(r, "webui-https-only")).toEqual(["fail"]);
    expect(result(r, "password-policy-strength").message).toMatch(/minimum length 8/);
    expect(statuses(r, "password-rotation")).toEqual(["fail"]);
  });

  it("passes what the defaults get right: telnet and UPnP off, WAN rejects input, WAN access rules disabled", () => {
    expect(statuses(r, "telnet-disabled")).toEqual(["pass"]);
    expect(statuses(r, "upnp-disabled")).toEqual(["pass"]);
    expect(statuses(r, "snmp-default-community")).toEqual(["pass"]);
    expect(result(r, "snmp-default-community").message).toMatch(
      /still holds the default communities/,
    );
    expect(statuses(r, "wan-input-policy")).toEqual(["pass"]);
    expect(statuses(r, "admin-services-not-on-wan", "SSH (dropbear)")).toEqual(["pass"]);
    expect(result(r, "admin-services-not-on-wan", "SSH (dropbear)").message).toMatch(
      /no firewall rule accepts 22\/tcp/,
    );
    expect(statuses(r, "account-empty-password")).toEqual(["pass"]);
  });

  it("says unknown where the SDK defaults hold no answer (no etc/version, no network file)", () => {
    expect(statuses(r, "firmware-current")).toEqual(["unknown"]);
    expect(statuses(r, "lan-dhcp-disabled")).toEqual(["unknown"]);
  });
});

describeCorpus("audit of Teltonika RUT9 RutOS 7.02.7 defaults", () => {
  it("finds SSH password and root password logins allowed (only four files: everything else unknown)", async () => {
    const r = await auditTarget(
      corpusPath("rutos-defaults/rut9_00.07.02.7"),
      settings,
      undefined,
      now,
    );
    expect(statuses(r, "ssh-password-auth")).toEqual(["fail"]);
    expect(statuses(r, "ssh-root-password-auth")).toEqual(["fail"]);
    expect(statuses(r, "account-empty-password")).toEqual(["unknown"]);
    expect(statuses(r, "telnet-disabled")).toEqual(["unknown"]);
  });
});

describeCorpus("audit of legacy Teltonika RUT9XX (2020) defaults", () => {
  let r: TargetReport;
  beforeAll(async () => {
    r = await auditTarget(
      corpusPath("rutos-defaults/rut9xx_legacy_2020"),
      settings,
      undefined,
      now,
    );
  });

  it("finds the factory root password (md5-crypt of a published default) in etc/shadow", () => {
    expect(r.device.platform).toBe("rutos-legacy");
    expect(statuses(r, "account-default-password")).toEqual(["fail"]);
    expect(statuses(r, "account-weak-hash")).toEqual(["fail"]);
    const ev = result(r, "account-default-password").evidence[0];
    expect(ev).toMatchObject({ kind: "config", line: 1, excerpt: "root:<md5-crypt hash>:…" });
  });

  it("finds plain HTTP on the web UI and password SSH", () => {
    expect(statuses(r, "webui-https-only", "Web UI (uhttpd), HTTP")).toEqual(["fail"]);
    expect(statuses(r, "ssh-password-auth")).toEqual(["fail"]);
  });

  it("passes the firewall: WAN rejects input and the vendor includes are not custom rules", () => {
    expect(statuses(r, "wan-input-policy")).toEqual(["pass"]);
    expect(statuses(r, "firewall-custom-rules-review")).toEqual(["pass"]);
  });

  it("never prints the factory hash", () => {
    expect(JSON.stringify(r)).not.toContain("o1tYRea4");
  });
});

describeCorpus("audit of OpenWrt defaults", () => {
  it("dropbear and uhttpd (openwrt/openwrt): passwords allowed over SSH; HTTP redirected to HTTPS", async () => {
    const r = await auditTarget(
      corpusPath("openwrt-defaults/openwrt-openwrt-index"),
      settings,
      undefined,
      now,
    );
    expect(r.device.platform).toBe("openwrt");
    expect(statuses(r, "ssh-password-auth")).toEqual(["fail"]);
    expect(statuses(r, "webui-https-only")).toEqual(["pass"]);
    expect(statuses(r, "password-policy-strength")).toEqual(["not_applicable"]);
  });

  it("firewall4: the WAN zone rejects input and drops forwards", async () => {
    const r = await auditTarget(corpusPath("openwrt-defaults/firewall4"), settings, undefined, now);
    expect(statuses(r, "wan-input-policy")).toEqual(["pass"]);
    expect(result(r, "wan-input-policy").message).toBe("zone 'wan': input REJECT, forward DROP");
  });
});
