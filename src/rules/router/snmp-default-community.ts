import { known } from "../../facts/value.js";
import { uciFix } from "../../remediation/uci.js";
import { asRouter, at, service } from "../case-kit.js";
import { decideBySockets } from "../listening-kit.js";
import { fail, pass, undecided } from "../outcome.js";
import type { Rule } from "../types.js";

export const snmpDefaultCommunity: Rule = {
  meta: {
    id: "snmp-default-community",
    title: "SNMP is off, or uses no factory-default community (public/private)",
    severity: "high",
    guidelines: ["TEL-02", "TEL-05"],
    modes: ["config"],
    appliesTo: ["router", "intercom", "pbx"],
    rationale:
      "SNMP v1/v2c communities are clear-text passwords; 'public' and 'private' are the first ones tried, and 'private' usually allows writes.",
    remediation: "Disable SNMP, or use SNMPv3 users and remove the public/private communities.",
  },
  check(facts) {
    const snmp = facts.services.find((s) => s.kind === "snmp");
    if (!snmp) {
      return [
        decideBySockets(facts, {
          label: "an SNMP agent",
          port: 161,
          transport: "udp",
          uciFile: "etc/config/snmpd",
          // A listening agent whose communities we cannot read is undecided, not a failure.
          whenListening: { unknown: "its communities are not in the input" },
        }),
      ];
    }
    if (!snmp.enabled.known) return [undecided("SNMP state unknown", snmp.enabled.at)];
    const dflt = snmp.auth.defaultCredential;
    if (!snmp.enabled.value) {
      return [
        pass(
          `SNMP is disabled${dflt?.known && dflt.value ? " (its configuration still holds the default communities: change them before enabling it)" : ""}`,
          snmp.enabled.at,
        ),
      ];
    }
    if (!dflt?.known)
      return [undecided("cannot tell which SNMP communities are configured", snmp.enabled.at)];
    if (!dflt.value)
      return [
        pass("SNMP is on without the factory-default communities", [
          ...snmp.enabled.at,
          ...dflt.at,
        ]),
      ];
    return [
      fail(
        "SNMP is on and answers the factory-default community names (public/private)",
        [...snmp.enabled.at, ...dflt.at],
        uciFix(
          "Disable SNMP (or replace the communities by SNMPv3 users in Services > SNMP):",
          snmp.cfg ? [{ op: "set", ref: snmp.cfg, option: "enabled", value: "0" }] : [],
        ),
      ),
    ];
  },
  cases: [
    {
      name: "linux host, no agent",
      facts: (f) => {
        f.device.class = known("linux-host", at("host"));
        f.listening = known([], at("ss -tulpn"));
      },
      expect: ["pass"],
    },
    {
      name: "linux host, agent without its config",
      facts: (f) => {
        f.device.class = known("linux-host", at("host"));
        f.listening = known(
          [{ transport: "udp", address: "0.0.0.0", port: 161, scope: "any", at: [at("ss")] }],
          at("ss -tulpn"),
        );
      },
      expect: ["unknown"],
    },
    {
      name: "enabled with public",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({
            id: "snmp",
            kind: "snmp",
            auth: { defaultCredential: known(true, at("community public")) },
          }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "disabled",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({
            id: "snmp",
            kind: "snmp",
            enabled: known(false, at("enabled 0")),
            auth: { defaultCredential: known(true, at("public")) },
          }),
        );
      },
      expect: ["pass"],
    },
    {
      name: "custom community",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({
            id: "snmp",
            kind: "snmp",
            auth: { defaultCredential: known(false, at("community x")) },
          }),
        );
      },
      expect: ["pass"],
    },
  ],
};
