import { unknown } from "../../facts/value.js";
import { asRouter, withPolicy } from "../case-kit.js";
import { fail, notApplicable, pass, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";

/** Teltonika: "Passwords should be between 15-20 characters long" with all character classes. */
const MIN_LENGTH = 15;

export const passwordPolicyStrength: Rule = {
  meta: {
    id: "password-policy-strength",
    title: "The password policy requires 15+ characters with digits, mixed case and symbols",
    severity: "medium",
    guidelines: ["TEL-02", "BAS-06"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "The policy is what stops the next password someone sets from being weak; Teltonika asks for 15-20 characters with every character class.",
    remediation:
      "Raise the minimum length to 15 and require digits, upper and lower case letters and symbols.",
  },
  check(facts) {
    const p = facts.passwordPolicy;
    if (!p.known) {
      if (facts.device.platform.known && facts.device.platform.value === "openwrt") {
        return [
          notApplicable(
            "OpenWrt has no password policy setting; the passwords themselves are checked by the account rules",
            facts.device.platform.at,
          ),
        ];
      }
      return [unknownFrom(p, "The password policy")];
    }
    const v = p.value;
    const gaps = [
      v.minLength < MIN_LENGTH ? `minimum length ${v.minLength} (< ${MIN_LENGTH})` : "",
      v.requireDigits ? "" : "digits not required",
      v.requireMixedCase ? "" : "mixed case not required",
      v.requireSymbols ? "" : "symbols not required",
    ].filter(Boolean);
    if (gaps.length === 0)
      return [pass(`policy requires ${v.minLength}+ characters and every character class`, p.at)];
    const ref = {
      language: "uci" as const,
      package: "password_policy",
      section: "@policy[0]",
      sectionType: "policy",
    };
    const lines = [
      `uci set ${ref.package}.${ref.section}.password_length='${MIN_LENGTH}'`,
      `uci set ${ref.package}.${ref.section}.require_digits='1'`,
      `uci set ${ref.package}.${ref.section}.require_lower_upper='1'`,
      `uci set ${ref.package}.${ref.section}.require_special='1'`,
      "uci commit password_policy",
    ];
    return [
      fail(`the password policy is too weak: ${gaps.join(", ")}`, p.at, {
        summary: "Tighten the password policy (System > Administration > Password policy, or):",
        commands: { language: "uci", lines },
      }),
    ];
  },
  cases: [
    {
      name: "rutos default 8 chars",
      facts: (f) => {
        asRouter(f);
        withPolicy(f, { minLength: 8 });
      },
      expect: ["fail"],
    },
    {
      name: "15 chars all classes",
      facts: (f) => {
        asRouter(f);
        withPolicy(f, { minLength: 16, maxAgeDays: 90 });
      },
      expect: ["pass"],
    },
    {
      name: "openwrt",
      facts: (f) => {
        asRouter(f, "openwrt");
        f.passwordPolicy = unknown("no etc/config/password_policy");
      },
      expect: ["not_applicable"],
    },
    {
      name: "rutos without file",
      facts: (f) => {
        asRouter(f);
        f.passwordPolicy = unknown("no etc/config/password_policy");
      },
      expect: ["unknown"],
    },
  ],
};
