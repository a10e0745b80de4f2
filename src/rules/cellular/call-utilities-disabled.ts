import { known, unknown } from "../../facts/value.js";
import { asRouter, at } from "../case-kit.js";
import { fail, notApplicable, pass, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";
import { isImplied, platformOf, uciFixApplied, uciRef } from "./kit.js";
import { smsFacts } from "./sms-commands-whitelisted.js";

export const callUtilitiesDisabled: Rule = {
  meta: {
    id: "call-utilities-disabled",
    title: "Call utilities (actions on incoming calls) are disabled",
    severity: "medium",
    guidelines: ["TEL-15"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "Call Utilities act on an incoming call from the caller's number alone (reboot, switch mobile data or outputs), and caller ID is easy to spoof. Teltonika's guide asks to disable SMS/call utilities that are not needed.",
    remediation: "Disable Call Utilities unless a call-triggered action is really needed.",
  },
  check(facts) {
    const sms = facts.sms;
    if (!sms.known) return [unknownFrom(sms, "Call utilities")];
    const calls = sms.value.callUtilities;
    if (!calls.known) return [unknownFrom(calls, "Call utilities")];
    if (!calls.value)
      return isImplied(calls.at)
        ? [notApplicable("call utilities are not installed", calls.at)]
        : [pass("call utilities are disabled", calls.at)];
    const where =
      platformOf(facts) === "rutos-legacy"
        ? "Services > SMS Utilities > Call Utilities"
        : "Services > Mobile Utilities > Call Utilities";
    return [
      fail(
        "call utilities are enabled: a call from a (spoofable) number can trigger actions on the router",
        calls.at,
        uciFixApplied(`Disable call utilities (WebUI: ${where}):`, [
          {
            op: "set",
            ref: uciRef("call_utils", "@call[0]", "call"),
            option: "enabled",
            value: "0",
          },
        ]),
      ),
    ];
  },
  cases: [
    {
      name: "call utilities on",
      facts: (f) => {
        asRouter(f);
        f.sms = known(smsFacts([], [], true), at("sms"));
      },
      expect: ["fail"],
    },
    {
      name: "call utilities off",
      facts: (f) => {
        asRouter(f);
        f.sms = known(smsFacts([], [], false), at("sms"));
      },
      expect: ["pass"],
    },
    {
      name: "call utilities not installed",
      facts: (f) => {
        asRouter(f);
        f.sms = known(
          {
            ...smsFacts([], []),
            callUtilities: known(false, { ...at("no etc/config/call_utils"), implied: true }),
          },
          at("sms"),
        );
      },
      expect: ["not_applicable"],
    },
    {
      name: "switch not readable",
      facts: (f) => {
        asRouter(f);
        f.sms = known(
          { ...smsFacts([], []), callUtilities: unknown("no 'enabled' option") },
          at("sms"),
        );
      },
      expect: ["unknown"],
    },
  ],
};
