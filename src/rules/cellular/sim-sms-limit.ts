import type { Quota } from "../../facts/model.js";
import type { Fix, Rule } from "../types.js";
import { uciFixApplied } from "./kit.js";
import { limitCases, limitFindings } from "./sim-limit-kit.js";

function smsLimitFix(q: Quota): Fix {
  const cfg = q.cfg;
  if (cfg?.package === "simcard") {
    // Keep the switch the device already uses (RutOS 7.0x sms_limit_enable, later enable_sms_limit).
    const first = q.at[0];
    const written =
      first?.kind === "config" && !first.implied
        ? /^option (\S+)/.exec(first.excerpt ?? "")?.[1]
        : undefined;
    return uciFixApplied(
      `Turn the SMS limit for ${q.scope} on (WebUI: Network > Mobile > Limits, SMS limit); 50 SMS a month is a placeholder: use what the device really sends:`,
      [
        { op: "set", ref: cfg, option: written ?? "enable_sms_limit", value: "1" },
        { op: "set", ref: cfg, option: "sms_limit_num", value: "50" },
        { op: "set", ref: cfg, option: "sms_limit", value: "month" },
        { op: "set", ref: cfg, option: "period", value: "1" },
      ],
    );
  }
  if (cfg?.package === "sim_switch") {
    const n = /\d+/.exec(q.scope)?.[0] ?? "1";
    const noFile = q.at.some(
      (o) => o.kind === "config" && o.excerpt?.startsWith("no etc/config/sim_switch"),
    );
    const noSection =
      noFile || q.at.some((o) => o.kind === "config" && /no 'rules' section/.test(o.excerpt ?? ""));
    return uciFixApplied(
      `Turn the SMS limit for ${q.scope} on, then set the number of SMS allowed per period in the legacy WebUI's SMS limit page (Network > Mobile):`,
      [
        ...(noSection
          ? [
              {
                op: "add" as const,
                package: "sim_switch",
                type: "rules",
                name: "rules",
                options: [],
              },
            ]
          : []),
        { op: "set", ref: cfg, option: `sms_limit_enable_sim${n}`, value: "1" },
        { op: "set", ref: cfg, option: `period_sms_sim${n}`, value: "month" },
        { op: "set", ref: cfg, option: `sms_day_sim${n}`, value: "1" },
      ],
      noFile ? ["touch /etc/config/sim_switch"] : [],
    );
  }
  return {
    summary: `Set an SMS limit for ${q.scope} (WebUI: Network > Mobile > Limits, SMS limit), or have the operator cap the SIM.`,
  };
}

export const simSmsLimit: Rule = {
  meta: {
    id: "sim-sms-limit",
    title: "Every SIM has an SMS limit",
    severity: "low",
    guidelines: ["TEL-08", "TEL-24"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "An SMS limit caps what a compromised router, a looping notification rule or SMS replies to forged commands can cost. Teltonika's guide asks for SMS and data limits on the SIM.",
    remediation:
      "Set an SMS limit on every SIM that matches what the router really sends, and review it against real usage.",
  },
  check(facts) {
    return limitFindings(facts, "sms", smsLimitFix);
  },
  cases: limitCases("sms", {
    language: "uci",
    package: "simcard",
    section: "@sim[0]",
    sectionType: "sim",
  }),
};
