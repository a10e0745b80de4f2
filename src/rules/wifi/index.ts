/** WiFi rules: encryption, passphrases, whether WiFi is on, SSID broadcast, TX power, client admission. */
import type { Rule } from "../types.js";
import { wifiDisabledIfUnused } from "./wifi-disabled-if-unused.js";
import { wifiEncryptionStrong } from "./wifi-encryption-strong.js";
import { wifiKeyStrength } from "./wifi-key-strength.js";
import { wifiMacAllowlistOrEnterprise } from "./wifi-mac-allowlist-or-enterprise.js";
import { wifiSsidVisibility } from "./wifi-ssid-visibility.js";
import { wifiTxpowerReduced } from "./wifi-txpower-reduced.js";

export const WIFI_RULES: Rule[] = [
  wifiDisabledIfUnused,
  wifiEncryptionStrong,
  wifiKeyStrength,
  wifiSsidVisibility,
  wifiTxpowerReduced,
  wifiMacAllowlistOrEnterprise,
];
