import { uciFix } from "../../remediation/uci.js";
import { fail, notApplicable, pass } from "../outcome.js";
import type { Finding, Rule } from "../types.js";
import { caseNet, caseRadio, evidenceOf, netSubject, wifiOf, withWifi } from "./kit.js";

const CONFLICT =
  "the guides disagree here: Robustel (RBT-08) says hide the SSID, Teltonika (TEL-11) says reduce TX power instead";

export const wifiSsidVisibility: Rule = {
  meta: {
    id: "wifi-ssid-visibility",
    title: "SSID broadcast follows the audit profile (the guides disagree)",
    severity: "low",
    guidelines: ["RBT-08", "TEL-11"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "Robustel recommends hiding the SSID so passers-by do not see the network; Teltonika recommends reducing transmit power instead, since a hidden SSID still shows in every client's probe requests and in the access point's own traffic, and makes clients call out for it everywhere. The audit profile (hiddenSsid: broadcast | hide) decides which advice this audit follows; TX power is checked by wifi-txpower-reduced.",
    remediation:
      "Profile 'hide': set hidden=1 on each access point. Profile 'broadcast': nothing to do here; rely on strong encryption and reduced TX power, not on hiding.",
  },
  check(facts, ctx) {
    const wifi = wifiOf(facts, "SSID broadcast");
    if (Array.isArray(wifi)) return wifi;
    const aps = wifi.networks.filter((n) => n.enabled && n.mode === "ap");
    if (aps.length === 0) return [notApplicable("no enabled WiFi access point", facts.wifi.at)];
    const policy = ctx.profile.hiddenSsid;
    return aps.map((n): Finding => {
      const subject = netSubject(n);
      const ev = evidenceOf(n, "hidden");
      if (policy === "broadcast") {
        return pass(
          n.hidden
            ? `'${n.ssid}' is hidden; ${CONFLICT}, and profile '${ctx.profile.name}' follows Teltonika: hiding is harmless but is not protection (clients reveal the SSID when they probe for it)`
            : `'${n.ssid}' is broadcast; ${CONFLICT}, and profile '${ctx.profile.name}' follows Teltonika: hiding gives no real protection, so broadcasting is accepted`,
          ev,
          { subject },
        );
      }
      if (n.hidden)
        return pass(
          `'${n.ssid}' is hidden, as profile '${ctx.profile.name}' requires (${CONFLICT})`,
          ev,
          { subject },
        );
      return fail(
        `'${n.ssid}' broadcasts its SSID; profile '${ctx.profile.name}' follows Robustel and requires it hidden (${CONFLICT})`,
        ev,
        uciFix(
          "Stop broadcasting the SSID (clients must then be configured with it by hand):",
          n.cfg ? [{ op: "set", ref: n.cfg, option: "hidden", value: "1" }] : [],
        ),
        { subject },
      );
    });
  },
  cases: [
    {
      name: "broadcast SSID under the Teltonika profile",
      facts: (f) => withWifi(f, [caseRadio()], [caseNet()]),
      expect: ["pass"],
    },
    {
      name: "broadcast SSID under the Robustel profile",
      facts: (f) => withWifi(f, [caseRadio()], [caseNet()]),
      profile: { name: "robustel", hiddenSsid: "hide" },
      expect: ["fail"],
    },
    {
      name: "hidden SSID under the Robustel profile",
      facts: (f) => withWifi(f, [caseRadio()], [caseNet({ hidden: true })]),
      profile: { name: "robustel", hiddenSsid: "hide" },
      expect: ["pass"],
    },
    {
      name: "client link only",
      facts: (f) => withWifi(f, [caseRadio()], [caseNet({ mode: "sta" })]),
      expect: ["not_applicable"],
    },
  ],
};
