import { known } from "../../facts/value.js";
import { asRouter, at, firewall } from "../case-kit.js";
import { manual, pass, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";

export const firewallCustomRulesReview: Rule = {
  meta: {
    id: "firewall-custom-rules-review",
    title: "Custom firewall scripts are reviewed",
    severity: "medium",
    guidelines: ["TEL-20", "RBT-17"],
    modes: ["config", "manual"],
    appliesTo: ["router"],
    rationale:
      "Commands in firewall includes (firewall.user, custom scripts) run outside the zone model: an offline audit cannot evaluate them, so a person has to.",
    remediation:
      "Review each custom firewall script; move its rules into UCI firewall rules where possible so they can be audited.",
  },
  check(facts) {
    if (!facts.firewall.known) return [unknownFrom(facts.firewall, "Custom firewall scripts")];
    const inc = facts.firewall.value.includes;
    if (inc.length === 0) return [pass("no custom firewall script adds rules", facts.firewall.at)];
    return [
      manual(
        `custom firewall script(s) to review: ${inc.map((i) => i.path).join(", ")} — their rules are not evaluated by this audit`,
        inc.flatMap((i) => i.at),
      ),
    ];
  },
  cases: [
    {
      name: "script present",
      facts: (f) => {
        asRouter(f);
        f.firewall = known(
          firewall({ includes: [{ path: "/etc/firewall.user", at: [at("include")] }] }),
          at("fw"),
        );
      },
      expect: ["manual"],
    },
    {
      name: "none",
      facts: (f) => {
        asRouter(f);
        f.firewall = known(firewall(), at("fw"));
      },
      expect: ["pass"],
    },
  ],
};
