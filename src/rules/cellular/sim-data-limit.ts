import type { Quota } from "../../facts/model.js";
import type { Fix, Rule } from "../types.js";
import { uciFixApplied } from "./kit.js";
import { limitCases, limitFindings } from "./sim-limit-kit.js";

function dataLimitFix(q: Quota): Fix {
  const cfg = q.cfg;
  if (cfg?.package === "quota_limit") {
    // The section is missing (as opposed to present with the switch off or unset).
    const noSection = q.at.some(
      (o) =>
        o.kind === "config" &&
        /^no (quota_limit section|etc\/config\/quota_limit)/.test(o.excerpt ?? ""),
    );
    if (!noSection)
      return uciFixApplied(
        `Turn the data limit for ${q.scope} on (WebUI: Network > Mobile > Limits, Data limit); check that data_limit (MB) and period match the SIM plan:`,
        [{ op: "set", ref: cfg, option: "enabled", value: "1" }],
      );
    const noFile = q.at.some(
      (o) => o.kind === "config" && o.excerpt?.startsWith("no etc/config/quota_limit"),
    );
    return uciFixApplied(
      `Set a data limit for ${q.scope} (WebUI: Network > Mobile > Limits, Data limit); 1000 MB a month is a placeholder: use the SIM plan's allowance:`,
      [
        {
          op: "add",
          package: "quota_limit",
          type: "interface",
          name: cfg.section,
          options: [
            ["enabled", "1"],
            ["data_limit", "1000"],
            ["period", "month"],
          ],
        },
      ],
      noFile ? ["touch /etc/config/quota_limit"] : [],
    );
  }
  if (cfg?.package === "data_limit") {
    const p = q.scope === "SIM2" ? "sec" : "prim";
    const noFile = q.at.some(
      (o) => o.kind === "config" && o.excerpt?.startsWith("no etc/config/data_limit"),
    );
    const noSection =
      noFile || q.at.some((o) => o.kind === "config" && /no 'limit' section/.test(o.excerpt ?? ""));
    return uciFixApplied(
      `Turn the data limit for ${q.scope} on (legacy WebUI: Services > Mobile Data Limit); 1000 MB a month is a placeholder: use the SIM plan's allowance:`,
      [
        ...(noSection
          ? [
              {
                op: "add" as const,
                package: "data_limit",
                type: "limit",
                name: "limit",
                options: [],
              },
            ]
          : []),
        { op: "set", ref: cfg, option: `${p}_enb_conn`, value: "1" },
        { op: "set", ref: cfg, option: `${p}_conn_limit`, value: "1000" },
        { op: "set", ref: cfg, option: `${p}_conn_period`, value: "month" },
      ],
      noFile ? ["touch /etc/config/data_limit"] : [],
      ["/etc/init.d/limit_guard restart"],
    );
  }
  return {
    summary: `Set a data limit for ${q.scope} (WebUI: Network > Mobile > Limits, Data limit), or have the operator cap the SIM.`,
  };
}

export const simDataLimit: Rule = {
  meta: {
    id: "sim-data-limit",
    title: "Every SIM has a mobile data limit",
    severity: "medium",
    guidelines: ["TEL-08", "TEL-24"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "A data limit stops a compromised router, a misbehaving device behind it or a stolen SIM from running up traffic charges, and unsolicited traffic to a SIM is billed to its owner. Teltonika's guide asks for SMS and data limits on the SIM.",
    remediation:
      "Set a data limit on every mobile interface/SIM that matches the plan, and review it against real usage.",
  },
  check(facts) {
    return limitFindings(facts, "data", dataLimitFix);
  },
  cases: limitCases("data", {
    language: "uci",
    package: "quota_limit",
    section: "mob1s1a1",
    sectionType: "interface",
  }),
};
