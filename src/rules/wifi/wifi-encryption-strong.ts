import type { WifiNetwork, WifiSecurity } from "../../facts/model.js";
import { type UciChange, uciFix } from "../../remediation/uci.js";
import { fail, notApplicable, pass, undecided } from "../outcome.js";
import type { Finding, Rule, Severity } from "../types.js";
import {
  caseNet,
  caseRadio,
  evidenceOf,
  NEW_PASSPHRASE,
  netSubject,
  wifiOf,
  withWifi,
} from "./kit.js";

type Verdict = { ok: true; what: string } | { ok: false; what: string; severity: Severity };

const VERDICTS: Record<Exclude<WifiSecurity, "unknown">, Verdict> = {
  open: {
    ok: false,
    what: "is open: anyone in range can join it and read its traffic",
    severity: "critical",
  },
  wep: { ok: false, what: "uses WEP, which is cracked in minutes", severity: "high" },
  "wpa-tkip": {
    ok: false,
    what: "allows WPA (version 1) or the TKIP cipher, both deprecated and attackable",
    severity: "medium",
  },
  "wpa-mixed": {
    ok: false,
    what: "runs WPA/WPA2 mixed mode, so a client (or an attacker) can fall back to WPA1/TKIP",
    severity: "medium",
  },
  owe: {
    ok: false,
    // OWE (WPA3 "Enhanced Open") encrypts each client's traffic but lets anyone join.
    what: "uses OWE: traffic is encrypted, but nobody is authenticated, so anyone in range can join (acceptable only for a public hotspot isolated from the LAN; waive it there)",
    severity: "medium",
  },
  "wpa2-ccmp": { ok: true, what: "uses WPA2 with AES-CCMP" },
  "wpa2-wpa3": { ok: true, what: "uses WPA2/WPA3 transition mode (AES-CCMP, SAE)" },
  wpa3: { ok: true, what: "uses WPA3-SAE" },
  "wpa2-enterprise": { ok: true, what: "uses WPA2-Enterprise (802.1X, RADIUS) with AES" },
  "wpa3-enterprise": { ok: true, what: "uses WPA3-Enterprise" },
};

function fixFor(n: WifiNetwork): UciChange[] {
  if (!n.cfg) return [];
  const changes: UciChange[] = [
    { op: "set", ref: n.cfg, option: "encryption", value: "psk2+ccmp" },
  ];
  // Open, OWE and WEP networks have no usable passphrase yet.
  if (!n.key) changes.push({ op: "set", ref: n.cfg, option: "key", value: NEW_PASSPHRASE });
  return changes;
}

export const wifiEncryptionStrong: Rule = {
  meta: {
    id: "wifi-encryption-strong",
    title: "WiFi networks use WPA2-AES, WPA3 or WPA-Enterprise",
    severity: "high",
    guidelines: ["TEL-06", "RBT-09"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "An open or WEP network hands the LAN behind the router to anyone in radio range; WPA1 and TKIP are deprecated and attackable, and mixed modes let clients fall back to them. Teltonika asks for WPA3 or WPA2 with AES, Robustel for WPA at minimum and preferably WPA-Enterprise.",
    remediation:
      "Set the network's encryption to psk2+ccmp (WPA2-AES), or sae-mixed/sae (WPA3) where every client supports it, with a strong passphrase.",
  },
  check(facts) {
    const wifi = wifiOf(facts, "WiFi encryption");
    if (Array.isArray(wifi)) return wifi;
    const nets = wifi.networks.filter((n) => n.mode !== "monitor");
    if (nets.length === 0) return [notApplicable("no WiFi network is configured", facts.wifi.at)];
    return nets.map((n): Finding => {
      const subject = netSubject(n);
      const ev = evidenceOf(n, "encryption");
      if (n.security === "unknown")
        return undecided(`unrecognised encryption '${n.encryptionRaw}'`, ev, { subject });
      const v = VERDICTS[n.security];
      if (v.ok) return pass(`'${n.ssid}' ${v.what}`, ev, { subject });
      if (!n.enabled)
        return pass(
          `'${n.ssid}' is disabled; its encryption '${n.encryptionRaw}' must be fixed before it is turned on`,
          [...ev, ...evidenceOf(n, "disabled")],
          { subject },
        );
      const upstream =
        n.mode === "sta"
          ? " This is a client link: change the upstream access point first, then match it here."
          : "";
      // As a client (sta) the router joins someone else's network: the risk is its own traffic.
      const what =
        n.mode === "sta" && (n.security === "open" || n.security === "owe")
          ? "is an open upstream network the router joins as a client: anyone can impersonate it, and (without OWE) read the router's traffic"
          : v.what;
      return fail(
        `'${n.ssid}' ${what} (encryption '${n.encryptionRaw}')`,
        ev,
        uciFix(
          `Switch to WPA2-AES (or to WPA3, 'sae-mixed' or 'sae', where every client supports it)${n.key ? "" : " and set a new random passphrase in place of the placeholder"}.${upstream}`,
          fixFor(n),
        ),
        { subject, severity: n.mode === "sta" && v.severity === "critical" ? "high" : v.severity },
      );
    });
  },
  cases: [
    {
      name: "open guest network and WPA/WPA2 mixed",
      facts: (f) =>
        withWifi(
          f,
          [caseRadio()],
          [
            caseNet({ id: "guest", ssid: "Guest", encryptionRaw: "none", security: "open" }),
            caseNet({ id: "wh", ssid: "WH", encryptionRaw: "psk-mixed", security: "wpa-mixed" }),
          ],
        ),
      expect: ["fail", "fail"],
    },
    {
      name: "WEP, TKIP and OWE",
      facts: (f) =>
        withWifi(
          f,
          [caseRadio()],
          [
            caseNet({ id: "a", encryptionRaw: "wep-open", security: "wep" }),
            caseNet({ id: "b", encryptionRaw: "psk2+tkip", security: "wpa-tkip" }),
            caseNet({ id: "c", encryptionRaw: "owe", security: "owe" }),
          ],
        ),
      expect: ["fail", "fail", "fail"],
    },
    {
      name: "WPA2-AES, WPA3 and enterprise",
      facts: (f) =>
        withWifi(
          f,
          [caseRadio()],
          [
            caseNet({ id: "a" }),
            caseNet({ id: "b", encryptionRaw: "sae", security: "wpa3" }),
            caseNet({ id: "c", encryptionRaw: "wpa2+ccmp", security: "wpa2-enterprise" }),
          ],
        ),
      expect: ["pass", "pass", "pass"],
    },
    {
      name: "client link to an open upstream network",
      facts: (f) =>
        withWifi(
          f,
          [caseRadio()],
          [caseNet({ mode: "sta", encryptionRaw: "none", security: "open" })],
        ),
      expect: ["fail"],
    },
    {
      name: "open network that is disabled",
      facts: (f) =>
        withWifi(
          f,
          [caseRadio()],
          [caseNet({ encryptionRaw: "none", security: "open", enabled: false })],
        ),
      expect: ["pass"],
    },
    {
      name: "unrecognised encryption",
      facts: (f) =>
        withWifi(f, [caseRadio()], [caseNet({ encryptionRaw: "frobnicate", security: "unknown" })]),
      expect: ["unknown"],
    },
    {
      name: "no WiFi",
      facts: (f) => withWifi(f, [], []),
      expect: ["not_applicable"],
    },
  ],
};
