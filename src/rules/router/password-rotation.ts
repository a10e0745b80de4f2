import { asRouter, withPolicy } from "../case-kit.js";
import { fail, notApplicable, pass, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";

export const passwordRotation: Rule = {
  meta: {
    id: "password-rotation",
    title: "Passwords expire and must be updated periodically",
    severity: "low",
    guidelines: ["TEL-18"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "Teltonika asks for periodic password updates; a password lifetime makes the device enforce it.",
    remediation: "Set a password lifetime (e.g. 180 days) in the password policy.",
  },
  check(facts) {
    const p = facts.passwordPolicy;
    if (!p.known) {
      if (facts.device.platform.known && facts.device.platform.value === "openwrt")
        return [
          notApplicable(
            "OpenWrt cannot expire passwords; track rotation in the fleet",
            facts.device.platform.at,
          ),
        ];
      return [unknownFrom(p, "Password lifetime")];
    }
    if (p.value.maxAgeDays > 0)
      return [pass(`passwords expire after ${p.value.maxAgeDays} days`, p.at)];
    return [
      fail("passwords never expire (password_lifetime 0)", p.at, {
        summary: "Set a password lifetime:",
        commands: {
          language: "uci",
          lines: [
            "uci set password_policy.@policy[0].password_lifetime='180'",
            "uci commit password_policy",
          ],
        },
      }),
    ];
  },
  cases: [
    {
      name: "never",
      facts: (f) => {
        asRouter(f);
        withPolicy(f, { maxAgeDays: 0 });
      },
      expect: ["fail"],
    },
    {
      name: "180 days",
      facts: (f) => {
        asRouter(f);
        withPolicy(f, { maxAgeDays: 180 });
      },
      expect: ["pass"],
    },
  ],
};
