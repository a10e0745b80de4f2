import type { Facts, SmsRule } from "../../facts/model.js";
import { known } from "../../facts/value.js";
import { shellQuote, type UciChange } from "../../remediation/uci.js";
import { asRouter, at } from "../case-kit.js";
import { fail, notApplicable, pass, undecided, unknownFrom } from "../outcome.js";
import type { Fix, Rule } from "../types.js";
import { PHONE_PLACEHOLDER, platformOf, uciFixApplied } from "./kit.js";

export function smsSubject(r: SmsRule): string {
  return `SMS rule '${r.action}' (${r.id})`;
}

/** legacy firmware spells the option `authorisation`, RutOS 7 `authorization`. */
export function authOption(facts: Facts): string {
  return platformOf(facts) === "rutos-legacy" ? "authorisation" : "authorization";
}

/**
 * Where a new phone group goes: sms_utils `group` on the legacy firmware, phone_groups `group` on
 * RutOS 7.0x, user_groups `phone` on later RutOS 7 (no phone_groups package).
 */
function groupHome(facts: Facts): { pkg: string; type: string } {
  if (platformOf(facts) === "rutos-legacy") return { pkg: "sms_utils", type: "group" };
  const configs = facts.coverage.known ? facts.coverage.value.configs : [];
  return !configs.includes("phone_groups") && configs.includes("user_groups")
    ? { pkg: "user_groups", type: "phone" }
    : { pkg: "phone_groups", type: "group" };
}

function whitelistFix(facts: Facts, r: SmsRule, groups: string[]): Fix {
  const group = groups[0] ?? "admins";
  const legacy = platformOf(facts) === "rutos-legacy";
  const home = groupHome(facts);
  // A new group of the administrators' numbers; the placeholder must be replaced with them.
  const before =
    groups.length === 0
      ? [
          ...(home.pkg === "phone_groups" ? ["touch /etc/config/phone_groups"] : []),
          `uci add ${home.pkg} ${home.type}`,
          `uci set ${home.pkg}.@${home.type}[-1].name=${shellQuote(group)}`,
          `uci add_list ${home.pkg}.@${home.type}[-1].tel=${shellQuote(PHONE_PLACEHOLDER)}`,
          ...(home.pkg === "sms_utils" ? [] : [`uci commit ${home.pkg}`]),
        ]
      : [];
  const changes: UciChange[] = [];
  if (r.cfg) {
    changes.push({ op: "set", ref: r.cfg, option: "allowed_phone", value: "group" });
    changes.push({ op: "set", ref: r.cfg, option: "group", value: group });
    if (r.authorization === "none" || r.authorization === "unknown")
      changes.push({ op: "set", ref: r.cfg, option: authOption(facts), value: "password" });
  }
  const where = legacy
    ? "WebUI: Services > SMS Utilities, edit the rule: Allowed users 'From group'"
    : "WebUI: Services > Mobile Utilities > SMS Utilities, edit the rule: Allowed users 'From group'";
  const summary =
    groups.length > 0
      ? `Accept this command only from the phone group '${group}' (${where}):`
      : `Create a phone group of the administrators' numbers (replace ${PHONE_PLACEHOLDER} with them) and accept this command only from it (${where}):`;
  return uciFixApplied(summary, changes, before);
}

export const smsCommandsWhitelisted: Rule = {
  meta: {
    id: "sms-commands-whitelisted",
    title: "SMS commands are accepted only from whitelisted phone numbers",
    severity: "high",
    guidelines: ["TEL-14"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "An SMS rule that accepts every sender lets anyone who learns the SIM's number reboot the router, open SSH or the WebUI, or rewrite its configuration; caller numbers are also easy to spoof, so a password alone is a thin defence. Teltonika's guide asks for phone-number groups that act as a whitelist.",
    remediation:
      "Create a phone group with the administrators' numbers and set every enabled SMS rule to 'From group' (and to require the router password).",
  },
  check(facts) {
    const sms = facts.sms;
    if (!sms.known) return [unknownFrom(sms, "SMS command whitelisting")];
    const { rules, phoneGroups } = sms.value;
    if (rules.length === 0)
      return [notApplicable("SMS utilities are not installed or have no rules", sms.at)];
    const active = rules.filter((r) => r.enabled);
    if (active.length === 0)
      return [
        pass(
          "no SMS rule is enabled",
          rules.flatMap((r) => r.at),
        ),
      ];
    return active.map((r) => {
      const subject = smsSubject(r);
      if (r.allowedPhones === "group" || r.allowedPhones === "single")
        return pass(
          `accepted only from ${r.allowedPhones === "group" ? "a phone group" : "a single number"}`,
          r.at,
          { subject },
        );
      if (r.allowedPhones === "unknown")
        return undecided("which senders are accepted is not set (allowed_phone)", r.at, {
          subject,
        });
      const noAuth = r.authorization === "none";
      return fail(
        noAuth
          ? `'${r.action}' is accepted from any phone number with no authorization at all: whoever knows the SIM's number can trigger it`
          : `'${r.action}' is accepted from any phone number (authorization: ${r.authorization})`,
        r.at,
        whitelistFix(facts, r, phoneGroups),
        { subject, severity: noAuth ? "critical" : undefined },
      );
    });
  },
  cases: [
    {
      name: "rule open to all numbers",
      facts: (f) => {
        asRouter(f);
        f.sms = known(smsFacts([rule("reboot", "all", "password")], ["Technicians"]), at("sms"));
      },
      expect: ["fail"],
    },
    {
      name: "rule open to all numbers, no authorization (critical), and no group yet",
      facts: (f) => {
        asRouter(f);
        f.sms = known(smsFacts([rule("set_configure", "all", "none")], []), at("sms"));
      },
      expect: ["fail"],
    },
    {
      name: "whitelisted rule and disabled open rule",
      facts: (f) => {
        asRouter(f);
        f.sms = known(
          smsFacts(
            [rule("reboot", "group", "password"), { ...rule("uci", "all", "no"), enabled: false }],
            ["Technicians"],
          ),
          at("sms"),
        );
      },
      expect: ["pass"],
    },
    {
      name: "SMS utilities not installed",
      facts: (f) => {
        asRouter(f);
        f.sms = known(smsFacts([], []), at("not installed"));
      },
      expect: ["not_applicable"],
    },
    {
      name: "allowed numbers not set",
      facts: (f) => {
        asRouter(f);
        f.sms = known(smsFacts([rule("reboot", "unknown", "password")], []), at("sms"));
      },
      expect: ["unknown"],
    },
  ],
};

/** Case helpers, shared with the other SMS rules' cases. */
export function rule(
  action: string,
  allowedPhones: SmsRule["allowedPhones"],
  authorization: string,
  privileged = !["send_status", "iostatus"].includes(action),
): SmsRule {
  return {
    id: `@rule[0]`,
    action,
    enabled: true,
    authorization: authorization === "no" ? "none" : authorization,
    allowedPhones,
    privileged,
    at: [at(`option action '${action}'`)],
    cfg: { language: "uci", package: "sms_utils", section: "@rule[0]", sectionType: "rule" },
  };
}

export function smsFacts(rules: SmsRule[], phoneGroups: string[], calls = false) {
  return {
    enabled: rules.some((r) => r.enabled),
    rules,
    phoneGroups,
    callUtilities: known(calls, at(`option enabled '${calls ? 1 : 0}'`)),
    at: [at("sms_utils")],
  };
}
