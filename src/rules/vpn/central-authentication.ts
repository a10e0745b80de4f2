import type { CentralAuth, Facts } from "../../facts/model.js";
import { known } from "../../facts/value.js";
import { asRouter, at } from "../case-kit.js";
import { fail, pass, unknownFrom } from "../outcome.js";
import type { Fix, Rule } from "../types.js";

const NAMES: Record<CentralAuth["protocol"], string> = {
  radius: "RADIUS",
  tacacs: "TACACS+",
  ldap: "LDAP",
};

const COMPENSATE =
  "Compensate instead: one named account per administrator with least privilege, SSH keys only, administration only through a VPN, and a fleet tool (e.g. Teltonika RMS) for central control; then record a waiver for this rule with that reason.";

/** An honest fix: what the platform offers, which for stock firmware is not much. */
function fixFor(facts: Facts): Fix {
  const platform = facts.device.platform.known ? facts.device.platform.value : "unknown";
  if (platform === "rutos" || platform === "rutos-legacy")
    return {
      summary: `RutOS offers no RADIUS, TACACS+ or LDAP login for its WebUI or SSH: its RADIUS settings (Hotspot, the RADIUS server, WPA-Enterprise) authenticate network clients, not administrators. ${COMPENSATE}`,
    };
  if (platform === "openwrt")
    return {
      summary: `Stock OpenWrt has none either: LuCI (rpcd) and dropbear check local accounts only. SSH can use RADIUS or TACACS+ through PAM (replace dropbear with openssh-server-pam and add a PAM module such as pam_radius or pam_tacplus, which you may have to build); the web UI stays local. Otherwise: ${COMPENSATE}`,
    };
  return {
    summary: `Point administrator logins at a RADIUS, TACACS+ or LDAP server if the firmware supports it (RobustOS does; stock RutOS and OpenWrt do not). ${COMPENSATE}`,
  };
}

export const centralAuthentication: Rule = {
  meta: {
    id: "central-authentication",
    title: "Administrator logins use central authentication (RADIUS, TACACS+, LDAP)",
    severity: "low",
    guidelines: ["RBT-12"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "With central authentication each administrator has their own credentials, revoked in one place when they leave, and logins are accounted for; local shared passwords spread across a fleet and outlive the people who know them. Robustel recommends RADIUS, TACACS+ or LDAP with encrypted credentials.",
    remediation:
      "Use RADIUS, TACACS+ or LDAP for administrator logins where the firmware supports it; where it does not (stock RutOS, OpenWrt), use named least-privilege accounts, SSH keys and VPN-only administration, and record a waiver.",
  },
  check(facts) {
    if (!facts.centralAuth.known) return [unknownFrom(facts.centralAuth, "central authentication")];
    const on = facts.centralAuth.value.filter((c) => c.enabled);
    if (on.length > 0)
      return [
        pass(
          `administrator logins are checked by ${[...new Set(on.map((c) => NAMES[c.protocol]))].join(", ")}`,
          on.flatMap((c) => c.at),
        ),
      ];
    return [
      fail(
        "administrator logins are checked against local accounts only: no RADIUS, TACACS+ or LDAP",
        facts.centralAuth.at,
        fixFor(facts),
      ),
    ];
  },
  cases: [
    {
      name: "RutOS with local accounts only",
      facts: (f) => {
        asRouter(f);
        f.centralAuth = known<CentralAuth[]>([], at("no PAM RADIUS/TACACS+/LDAP module"));
      },
      expect: ["fail"],
    },
    {
      name: "TACACS+ through PAM",
      facts: (f) => {
        asRouter(f, "openwrt");
        f.centralAuth = known<CentralAuth[]>(
          [
            {
              protocol: "tacacs",
              enabled: true,
              at: [at("auth sufficient pam_tacplus.so", 3, "case/etc/pam.d/sshd")],
            },
          ],
          at("pam"),
        );
      },
      expect: ["pass"],
    },
  ],
};
