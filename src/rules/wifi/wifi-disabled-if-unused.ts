import { uciFix } from "../../remediation/uci.js";
import { fail, manual, notApplicable, pass } from "../outcome.js";
import type { Finding, Rule } from "../types.js";
import { caseNet, caseRadio, evidenceOf, radioSubject, wifiOf, withWifi } from "./kit.js";

export const wifiDisabledIfUnused: Rule = {
  meta: {
    id: "wifi-disabled-if-unused",
    title: "WiFi is turned off unless it is needed",
    severity: "medium",
    guidelines: ["TEL-11", "TEL-05", "RBT-09"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "A radio is an entrance to the LAN that reaches past the walls. Both guides say the safest WiFi is none: turn it off where the installation does not use it. Whether it is used cannot be read from the configuration, so an operator confirms it.",
    remediation:
      "If the installation does not use WiFi, turn the radios off (uci set wireless.<radio>.disabled=1; uci commit wireless; wifi reload). If it does, record that in the policy file (attestations: rule wifi-disabled-if-unused, answer yes).",
  },
  check(facts) {
    const wifi = wifiOf(facts, "whether WiFi is on");
    if (Array.isArray(wifi)) return wifi;
    if (wifi.radios.length === 0)
      return [notApplicable("the device has no WiFi radio", facts.wifi.at)];
    const on = wifi.radios.filter((r) => r.enabled);
    if (on.length === 0)
      return [
        pass(
          `WiFi is off: ${wifi.radios.map((r) => r.name).join(", ")} disabled`,
          wifi.radios.flatMap((r) => evidenceOf(r, "disabled")),
        ),
      ];
    return on.map((r): Finding => {
      const subject = radioSubject(r);
      const nets = wifi.networks.filter((n) => n.radio === r.name && n.enabled);
      const ev = [
        ...evidenceOf(r, "disabled"),
        ...nets.flatMap((n) => evidenceOf(n, "ssid", "encryption")),
      ];
      if (nets.length === 0)
        return fail(
          `${r.name} is switched on but carries no enabled network`,
          evidenceOf(r, "disabled"),
          uciFix(
            "Turn the unused radio off:",
            r.cfg ? [{ op: "set", ref: r.cfg, option: "disabled", value: "1" }] : [],
          ),
          { subject },
        );
      return manual(
        `${r.name} is on and serves ${nets.map((n) => `'${n.ssid}' (${n.mode})`).join(", ")}: confirm the installation needs WiFi (record an attestation), otherwise turn it off with: uci set wireless.${r.cfg?.section ?? r.name}.disabled=1; uci commit wireless; wifi reload`,
        ev,
        { subject },
      );
    });
  },
  cases: [
    {
      name: "radio on with an access point",
      facts: (f) => withWifi(f, [caseRadio()], [caseNet()]),
      expect: ["manual"],
    },
    {
      name: "radio on without any network",
      facts: (f) =>
        withWifi(
          f,
          [caseRadio(), caseRadio({ name: "radio1", band: "5g" })],
          [caseNet(), caseNet({ id: "x", radio: "radio1", enabled: false })],
        ),
      expect: ["manual", "fail"],
    },
    {
      name: "all radios off",
      facts: (f) => withWifi(f, [caseRadio({ enabled: false })], [caseNet({ enabled: false })]),
      expect: ["pass"],
    },
    {
      name: "no radio",
      facts: (f) => withWifi(f, [], []),
      expect: ["not_applicable"],
    },
  ],
};
