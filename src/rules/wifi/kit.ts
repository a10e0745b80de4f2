/** Shared by the WiFi rules: subjects, precise evidence, and compact facts for their cases. */
import type { Facts, WifiFacts, WifiNetwork, WifiRadio, WifiSecurity } from "../../facts/model.js";
import { known, type Origin } from "../../facts/value.js";
import { asRouter, at } from "../case-kit.js";
import { unknownFrom } from "../outcome.js";
import type { Finding } from "../types.js";

/** Two networks often share an SSID (2.4 and 5 GHz): the radio tells them apart. */
export function netSubject(n: WifiNetwork): string {
  return `WiFi '${n.ssid || n.id}' on ${n.radio || "no radio"}`;
}

export function radioSubject(r: WifiRadio): string {
  return `radio ${r.name}${r.band ? ` (${r.band})` : ""}`;
}

/**
 * The origins of one option (set, or implied by its default), so a finding cites the line that
 * matters rather than every option of the section. Falls back to all origins.
 */
export function evidenceOf(item: { at: Origin[] }, ...options: string[]): Origin[] {
  const picked = item.at.filter(
    (o) =>
      "excerpt" in o &&
      typeof o.excerpt === "string" &&
      options.some((opt) => citesOption(o.excerpt as string, opt)),
  );
  return picked.length ? picked : item.at;
}

/** `option NAME …` or `list NAME …`, NAME whole (plain string tests: this runs per finding). */
function citesOption(excerpt: string, name: string): boolean {
  for (const keyword of ["option ", "list "]) {
    if (!excerpt.startsWith(keyword + name)) continue;
    const next = excerpt.charCodeAt(keyword.length + name.length);
    // End of text, or a character that cannot continue a UCI option name.
    if (Number.isNaN(next) || !/[A-Za-z0-9_]/.test(String.fromCharCode(next))) return true;
  }
  return false;
}

/** The WiFi facts, or the one "unknown" finding a rule returns when they are not known. */
export function wifiOf(facts: Facts, what: string): WifiFacts | Finding[] {
  return facts.wifi.known ? facts.wifi.value : [unknownFrom(facts.wifi, what)];
}

/** Modes where clients type a shared passphrase (a PSK or an SAE password). */
export const PASSPHRASE_MODES: ReadonlySet<WifiSecurity> = new Set([
  "wpa-tkip",
  "wpa-mixed",
  "wpa2-ccmp",
  "wpa2-wpa3",
  "wpa3",
]);

/** Placeholder a fix uses where only the operator can supply the value (never a real secret). */
export const NEW_PASSPHRASE = "<NEW-PASSPHRASE: 20+ random characters>";

// --- case builders ---

export function caseRadio(p: Partial<WifiRadio> = {}): WifiRadio {
  const name = p.name ?? "radio0";
  return {
    name,
    enabled: true,
    band: "2g",
    at: [at("option disabled not set: defaults to '0'", 1, "case/etc/config/wireless")],
    cfg: { language: "uci", package: "wireless", section: name, sectionType: "wifi-device" },
    ...p,
  };
}

export function caseNet(p: Partial<WifiNetwork> = {}): WifiNetwork {
  const id = p.id ?? "default_radio0";
  return {
    id,
    ssid: "Plant-AP",
    radio: "radio0",
    mode: "ap",
    enabled: true,
    encryptionRaw: "psk2+ccmp",
    security: "wpa2-ccmp",
    hidden: false,
    macFilter: "none",
    at: [
      at(`option encryption '${p.encryptionRaw ?? "psk2+ccmp"}'`, 12, "case/etc/config/wireless"),
    ],
    cfg: { language: "uci", package: "wireless", section: id, sectionType: "wifi-iface" },
    ...p,
  };
}

export function withWifi(f: Facts, radios: WifiRadio[], networks: WifiNetwork[]): void {
  asRouter(f);
  f.wifi = known({ radios, networks }, at("wireless", 1, "case/etc/config/wireless"));
}
