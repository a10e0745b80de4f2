import { known } from "../../facts/value.js";
import { uciFix } from "../../remediation/uci.js";
import { absentPackage } from "../absent.js";
import { asRouter, at, service, tcp } from "../case-kit.js";
import { fail, pass, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";

export const telnetDisabled: Rule = {
  meta: {
    id: "telnet-disabled",
    title: "Telnet is disabled",
    severity: "high",
    guidelines: ["TEL-04", "TEL-05"],
    modes: ["config"],
    appliesTo: ["router", "intercom", "pbx", "linux-host"],
    rationale:
      "Telnet sends the password and the whole session in clear text; anyone on the path reads them.",
    remediation: "Disable telnet and use SSH.",
  },
  check(facts) {
    const telnets = facts.services.filter((s) => s.kind === "telnet");
    if (telnets.length === 0) return [absentPackage(facts, "Telnet", "etc/config/telnetd")];
    return telnets.map((s) => {
      if (!s.enabled.known) return unknownFrom(s.enabled, "Telnet state");
      if (!s.enabled.value) return pass("telnet is disabled", s.enabled.at);
      const exposed = s.wan.known && s.wan.value.reachable;
      return fail(
        `telnet is enabled${exposed ? " and reachable from the internet" : ""}: logins cross the network in clear text`,
        [...s.enabled.at, ...(exposed ? s.wan.at : [])],
        uciFix(
          "Disable telnet:",
          s.cfg ? [{ op: "set", ref: s.cfg, option: "enable", value: "0" }] : [],
        ),
        { severity: exposed ? "critical" : undefined },
      );
    });
  },
  cases: [
    {
      name: "telnet on",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({ id: "telnet", kind: "telnet", ports: known([tcp(23)], at("23")) }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "telnet off",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({ id: "telnet", kind: "telnet", enabled: known(false, at("enable 0")) }),
        );
      },
      expect: ["pass"],
    },
    {
      name: "not installed",
      facts: (f) => {
        asRouter(f);
      },
      expect: ["not_applicable"],
    },
  ],
};
