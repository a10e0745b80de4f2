import { known } from "../../facts/value.js";
import { asRouter, at } from "../case-kit.js";
import { fail, notApplicable, pass, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";
import { platformOf, uciFixApplied } from "./kit.js";
import { rule, smsFacts, smsSubject } from "./sms-commands-whitelisted.js";

export const smsUtilitiesMinimal: Rule = {
  meta: {
    id: "sms-utilities-minimal",
    title: "No SMS command that changes the router or opens access is enabled",
    severity: "medium",
    guidelines: ["TEL-15", "TEL-05"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "SMS Utilities are an administrative interface reachable by anyone who can send a text to the SIM. Commands that reboot, reset, upgrade or reconfigure the router, or switch on SSH, the WebUI or remote management, should be off unless they are really used; Teltonika's guide suggests disabling SMS Utilities entirely when unused.",
    remediation:
      "Switch off every SMS rule that is not needed, above all the privileged ones (reboot, ssh_access, web_access, uci, set_configure, firstboot, fw_upgrade, vpn, wifi, mobile, switch_sim...).",
  },
  check(facts) {
    const sms = facts.sms;
    if (!sms.known) return [unknownFrom(sms, "SMS utilities")];
    const { rules } = sms.value;
    if (rules.length === 0)
      return [notApplicable("SMS utilities are not installed or have no rules", sms.at)];
    const enabled = rules.filter((r) => r.enabled);
    const privileged = enabled.filter((r) => r.privileged);
    if (enabled.length === 0)
      return [pass("SMS utilities are entirely disabled: no rule is enabled", sms.at)];
    if (privileged.length === 0)
      return [
        pass(
          `only read-only status rules are enabled (${[...new Set(enabled.map((r) => r.action))].join(", ")})`,
          enabled.flatMap((r) => r.at),
        ),
      ];
    const where =
      platformOf(facts) === "rutos-legacy"
        ? "Services > SMS Utilities"
        : "Services > Mobile Utilities > SMS Utilities";
    return privileged.map((r) => {
      const noAuth = r.authorization === "none";
      const open = r.allowedPhones === "all";
      return fail(
        `privileged SMS command '${r.action}' is enabled${noAuth ? " and needs no authorization" : ""}${open ? ", from any phone number" : ""}`,
        r.at,
        uciFixApplied(
          `Switch the rule off unless it is really needed (WebUI: ${where}, the rule's 'Enable' switch):`,
          r.cfg ? [{ op: "set", ref: r.cfg, option: "enabled", value: "0" }] : [],
        ),
        {
          subject: smsSubject(r),
          severity: noAuth && open ? "critical" : noAuth || open ? "high" : undefined,
        },
      );
    });
  },
  cases: [
    {
      name: "privileged rule enabled",
      facts: (f) => {
        asRouter(f);
        f.sms = known(smsFacts([rule("ssh_access", "group", "password")], ["a"]), at("sms"));
      },
      expect: ["fail"],
    },
    {
      name: "only status rules",
      facts: (f) => {
        asRouter(f);
        f.sms = known(smsFacts([rule("send_status", "group", "password")], ["a"]), at("sms"));
      },
      expect: ["pass"],
    },
    {
      name: "all rules disabled",
      facts: (f) => {
        asRouter(f);
        f.sms = known(
          smsFacts([{ ...rule("reboot", "all", "none"), enabled: false }], []),
          at("sms"),
        );
      },
      expect: ["pass"],
    },
    {
      name: "not installed",
      facts: (f) => {
        asRouter(f);
        f.sms = known(smsFacts([], []), at("absent"));
      },
      expect: ["not_applicable"],
    },
  ],
};
