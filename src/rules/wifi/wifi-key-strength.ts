import type { PasswordQuality } from "../../facts/model.js";
import { uciFix } from "../../remediation/uci.js";
import { fail, notApplicable, pass, undecided } from "../outcome.js";
import type { Finding, Rule, Severity } from "../types.js";
import {
  caseNet,
  caseRadio,
  evidenceOf,
  NEW_PASSPHRASE,
  netSubject,
  PASSPHRASE_MODES,
  wifiOf,
  withWifi,
} from "./kit.js";

const MIN_LENGTH = 12;
const MIN_STRENGTH = 3;

/** What is wrong with a key, from its qualities only (the key itself is never known here). */
function problems(q: PasswordQuality): string[] {
  const out: string[] = [];
  if (q.isDefault) out.push("it is a known default");
  if (q.length < MIN_LENGTH)
    out.push(`it has only ${q.length} characters (at least ${MIN_LENGTH})`);
  if (q.strength < MIN_STRENGTH) out.push(`its estimated strength is ${q.strength}/4 (zxcvbn)`);
  if (q.reusedWith.length > 0) out.push(`it is also used by ${q.reusedWith.join(", ")}`);
  return out;
}

function severityOf(q: PasswordQuality): Severity | undefined {
  if (q.isDefault || q.strength <= 1) return "critical";
  return undefined;
}

const quality = (length: number, strength: PasswordQuality["strength"]): PasswordQuality => ({
  length,
  lower: true,
  upper: true,
  digit: true,
  symbol: length > 12,
  strength,
  isDefault: false,
  reusedWith: [],
});

export const wifiKeyStrength: Rule = {
  meta: {
    id: "wifi-key-strength",
    title: "WiFi passphrases are long, strong, not default and not reused",
    severity: "high",
    guidelines: ["TEL-02", "TEL-06"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "A WPA2 handshake captured from the air can be brute-forced offline at billions of guesses per second: a short, guessable, default or reused passphrase falls, and with it the LAN. Teltonika asks for 15–20+ characters mixing character classes.",
    remediation:
      "Set a new random passphrase of 20 or more characters, used for nothing else, and share it with the clients that need it.",
  },
  check(facts) {
    const wifi = wifiOf(facts, "WiFi passphrase strength");
    if (Array.isArray(wifi)) return wifi;
    const nets = wifi.networks.filter((n) => n.enabled && PASSPHRASE_MODES.has(n.security));
    if (nets.length === 0)
      return [notApplicable("no enabled WiFi network uses a passphrase", facts.wifi.at)];
    return nets.map((n): Finding => {
      const subject = netSubject(n);
      const ev = evidenceOf(n, "key");
      const q = n.key;
      if (!q)
        return undecided(
          `'${n.ssid}' uses '${n.encryptionRaw}' but no passphrase was found in the configuration`,
          evidenceOf(n, "encryption"),
          { subject },
        );
      const bad = problems(q);
      if (bad.length === 0)
        return pass(
          `the passphrase of '${n.ssid}' has ${q.length} characters, strength ${q.strength}/4, is not a default and not reused`,
          ev,
          { subject },
        );
      return fail(
        `the passphrase of '${n.ssid}' is weak: ${bad.join("; ")}`,
        ev,
        uciFix(
          "Set a new random passphrase of 20+ characters (replace the placeholder), used nowhere else, then update the clients:",
          n.cfg ? [{ op: "set", ref: n.cfg, option: "key", value: NEW_PASSPHRASE }] : [],
        ),
        { subject, severity: severityOf(q) },
      );
    });
  },
  cases: [
    {
      name: "short key",
      facts: (f) => withWifi(f, [caseRadio()], [caseNet({ key: quality(10, 1) })]),
      expect: ["fail"],
    },
    {
      name: "long but guessable key",
      facts: (f) => withWifi(f, [caseRadio()], [caseNet({ key: quality(16, 2) })]),
      expect: ["fail"],
    },
    {
      name: "strong key reused as the admin password",
      facts: (f) =>
        withWifi(
          f,
          [caseRadio()],
          [caseNet({ key: { ...quality(22, 4), reusedWith: ["system account 'root'"] } })],
        ),
      expect: ["fail"],
    },
    {
      name: "default key",
      facts: (f) =>
        withWifi(f, [caseRadio()], [caseNet({ key: { ...quality(14, 3), isDefault: true } })]),
      expect: ["fail"],
    },
    {
      name: "strong unique key",
      facts: (f) => withWifi(f, [caseRadio()], [caseNet({ key: quality(24, 4) })]),
      expect: ["pass"],
    },
    {
      name: "PSK network without a key in the input",
      facts: (f) => withWifi(f, [caseRadio()], [caseNet()]),
      expect: ["unknown"],
    },
    {
      name: "only open and enterprise networks",
      facts: (f) =>
        withWifi(
          f,
          [caseRadio()],
          [
            caseNet({ id: "a", encryptionRaw: "none", security: "open" }),
            caseNet({ id: "b", encryptionRaw: "wpa2", security: "wpa2-enterprise" }),
          ],
        ),
      expect: ["not_applicable"],
    },
  ],
};
