import type { WifiRadio } from "../../facts/model.js";
import { uciFix } from "../../remediation/uci.js";
import { fail, notApplicable, pass } from "../outcome.js";
import type { Finding, Rule } from "../types.js";
import { caseNet, caseRadio, evidenceOf, radioSubject, wifiOf, withWifi } from "./kit.js";

/**
 * The usual regulatory ceiling per band (EIRP): 20 dBm (100 mW) at 2.4 GHz in the EU, 23 dBm
 * (200 mW) for indoor 5 GHz and 6 GHz LPI. A radio at or above it, or left at the driver's
 * default (which is that ceiling for the configured country), is at full power.
 */
function ceiling(r: WifiRadio): number {
  return r.band === "5g" || r.band === "6g" ? 23 : 20;
}

/** A suggested starting point, well below the ceiling; the operator tunes it to the coverage needed. */
function suggestion(r: WifiRadio): number {
  return r.band === "5g" || r.band === "6g" ? 17 : 14;
}

export const wifiTxpowerReduced: Rule = {
  meta: {
    id: "wifi-txpower-reduced",
    title: "WiFi transmit power is reduced to the coverage needed",
    severity: "low",
    guidelines: ["TEL-11"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "At full power a router's WiFi reaches the car park and the street, where an attacker can work on it at leisure. Teltonika advises reducing transmit power to the area that needs coverage (rather than hiding the SSID).",
    remediation:
      "Set txpower (dBm) on each radio to the lowest value that still covers the area, e.g. 14 dBm at 2.4 GHz or 17 dBm at 5 GHz, and check coverage where the clients are.",
  },
  check(facts) {
    const wifi = wifiOf(facts, "WiFi transmit power");
    if (Array.isArray(wifi)) return wifi;
    const on = wifi.radios.filter((r) => r.enabled);
    if (on.length === 0) return [notApplicable("no WiFi radio is on", facts.wifi.at)];
    return on.map((r): Finding => {
      const subject = radioSubject(r);
      const ev = evidenceOf(r, "txpower");
      const max = ceiling(r);
      if (r.txPower !== undefined && r.txPower < max)
        return pass(`${r.name} transmits at ${r.txPower} dBm, below the ${max} dBm ceiling`, ev, {
          subject,
        });
      const fix = uciFix(
        `Lower the transmit power (${suggestion(r)} dBm is a starting point; tune it to the coverage needed):`,
        r.cfg ? [{ op: "set", ref: r.cfg, option: "txpower", value: String(suggestion(r)) }] : [],
      );
      return fail(
        r.txPower === undefined
          ? `${r.name} has no txpower set, so it transmits at the driver's maximum for its country`
          : `${r.name} transmits at ${r.txPower} dBm, the full power allowed (${max} dBm ceiling)`,
        ev,
        fix,
        { subject },
      );
    });
  },
  cases: [
    {
      name: "txpower unset and at 20 dBm",
      facts: (f) =>
        withWifi(
          f,
          [caseRadio({ txPower: 20 }), caseRadio({ name: "radio1", band: "5g" })],
          [caseNet()],
        ),
      expect: ["fail", "fail"],
    },
    {
      name: "reduced power",
      facts: (f) =>
        withWifi(
          f,
          [caseRadio({ txPower: 12 }), caseRadio({ name: "radio1", band: "5g", txPower: 20 })],
          [caseNet()],
        ),
      expect: ["pass", "pass"],
    },
    {
      name: "radio off",
      facts: (f) => withWifi(f, [caseRadio({ enabled: false })], []),
      expect: ["not_applicable"],
    },
  ],
};
