import { uciFix } from "../../remediation/uci.js";
import { fail, notApplicable, pass } from "../outcome.js";
import type { Finding, Rule } from "../types.js";
import { caseNet, caseRadio, evidenceOf, netSubject, wifiOf, withWifi } from "./kit.js";

export const wifiMacAllowlistOrEnterprise: Rule = {
  meta: {
    id: "wifi-mac-allowlist-or-enterprise",
    title: "WiFi access points admit known clients only (WPA-Enterprise or a MAC allow-list)",
    severity: "low",
    guidelines: ["RBT-09"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "With one shared passphrase, anyone who learns it joins. Robustel recommends WPA-Enterprise (per-user RADIUS credentials) or, simpler but weaker (MAC addresses can be spoofed), an allow-list of the clients' MAC addresses.",
    remediation:
      "Use WPA-Enterprise (encryption wpa2/wpa3 with a RADIUS server), or set macfilter=allow and list the clients' MAC addresses in maclist.",
  },
  check(facts) {
    const wifi = wifiOf(facts, "WiFi client admission");
    if (Array.isArray(wifi)) return wifi;
    const aps = wifi.networks.filter((n) => n.enabled && n.mode === "ap");
    if (aps.length === 0) return [notApplicable("no enabled WiFi access point", facts.wifi.at)];
    return aps.map((n): Finding => {
      const subject = netSubject(n);
      if (n.security === "wpa2-enterprise" || n.security === "wpa3-enterprise")
        return pass(
          `'${n.ssid}' uses WPA-Enterprise (per-user credentials)`,
          evidenceOf(n, "encryption"),
          {
            subject,
          },
        );
      if (n.macFilter === "allow")
        return pass(
          `'${n.ssid}' admits only the MAC addresses on its allow-list`,
          evidenceOf(n, "macfilter"),
          { subject },
        );
      return fail(
        n.macFilter === "deny"
          ? `'${n.ssid}' uses a MAC deny-list, which admits every client not on it`
          : n.security === "open" || n.security === "owe"
            ? `'${n.ssid}' admits any client at all (no passphrase, no WPA-Enterprise, no MAC allow-list)`
            : `'${n.ssid}' admits any client that knows the passphrase (no WPA-Enterprise, no MAC allow-list)`,
        [...evidenceOf(n, "macfilter"), ...evidenceOf(n, "encryption")],
        uciFix(
          "Admit only known clients: list each client's MAC address (replace the placeholder, one add_list per client), or move to WPA-Enterprise with a RADIUS server:",
          n.cfg
            ? [
                { op: "set", ref: n.cfg, option: "macfilter", value: "allow" },
                { op: "add_list", ref: n.cfg, option: "maclist", value: "<CLIENT-MAC>" },
              ]
            : [],
        ),
        { subject },
      );
    });
  },
  cases: [
    {
      name: "PSK without a MAC filter, and a deny-list",
      facts: (f) =>
        withWifi(f, [caseRadio()], [caseNet({ id: "a" }), caseNet({ id: "b", macFilter: "deny" })]),
      expect: ["fail", "fail"],
    },
    {
      name: "allow-list and enterprise",
      facts: (f) =>
        withWifi(
          f,
          [caseRadio()],
          [
            caseNet({ id: "a", macFilter: "allow" }),
            caseNet({ id: "b", encryptionRaw: "wpa2", security: "wpa2-enterprise" }),
          ],
        ),
      expect: ["pass", "pass"],
    },
    {
      name: "WiFi off",
      facts: (f) => withWifi(f, [caseRadio({ enabled: false })], [caseNet({ enabled: false })]),
      expect: ["not_applicable"],
    },
  ],
};
