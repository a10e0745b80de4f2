/**
 * WiFi (etc/config/wireless, the same format on OpenWrt and RutOS): radios (`wifi-device`) and
 * the networks on them (`wifi-iface`). A PSK is assessed and forgotten: only its qualities reach
 * the facts. In a complete backup a missing wireless file means the device has no WiFi.
 */
import type { Facts, WifiFacts, WifiNetwork, WifiRadio, WifiSecurity } from "../../facts/model.js";
import { known, type Origin, unknown } from "../../facts/value.js";
import { bool, int, sectionsOfType, str } from "../../parsers/uci/query.js";
import type { UciPackage, UciSection } from "../../parsers/uci/types.js";
import type { RouterContext } from "./context.js";

/**
 * OpenWrt's `encryption` value to what it means, following netifd's
 * wireless_vif_parse_encryption (scripts/netifd-wireless.sh):
 *
 * - WPA version: `wpa2*|wpa3*|*psk2*|psk3*|sae*|owe*` → WPA2/RSN only; `wpa*mixed*|*psk*mixed*` →
 *   WPA1+WPA2; any other `wpa*|*psk*` → WPA1 only.
 * - Authentication: `owe*` OWE; `wpa3-mixed*` WPA2/WPA3-Enterprise; `wpa3*` WPA3-Enterprise
 *   (192-bit); `psk3-mixed*|sae-mixed*` PSK+SAE; `psk3*|sae*` SAE; `*psk*` PSK; `wpa*|8021x` 802.1X;
 *   `wep*` WEP.
 * - Cipher suffix: `+ccmp`/`+aes` CCMP, `+tkip` TKIP, `+tkip+ccmp` both; none means CCMP.
 *
 * Classified by the weakest thing a client may still negotiate: WPA1 (even with CCMP) and any
 * TKIP allowed are "wpa-tkip"; a WPA1+WPA2 mix is "wpa-mixed"; WPA2/WPA3 enterprise transition is
 * "wpa2-enterprise". `8021x` without WPA is dynamic WEP.
 */
export function wifiSecurity(raw: string): WifiSecurity {
  const e = raw.trim().toLowerCase();
  if (e === "" || e === "none" || e === "open") return "open";
  if (e.startsWith("owe")) return "owe";
  if (e.includes("wep") || e === "8021x") return "wep";
  const [base = "", ...ciphers] = e.split(/[+/]/);
  const tkip = ciphers.includes("tkip");

  let version: 1 | 2 | 3;
  if (/^(wpa2|wpa3|psk3|sae)/.test(base) || base.includes("psk2")) version = 2;
  else if (/^wpa.*mixed/.test(base) || /psk.*mixed/.test(base)) version = 3;
  else if (/^wpa/.test(base) || base.includes("psk")) version = 1;
  else return "unknown";

  // Anything that lets a client fall back to TKIP or to WPA1 is as weak as that fallback.
  if (version === 1) return "wpa-tkip";
  if (version === 3) return "wpa-mixed";
  if (tkip) return "wpa-tkip";

  if (/^(psk3-mixed|sae-mixed)/.test(base)) return "wpa2-wpa3";
  if (/^(psk3|sae)/.test(base)) return "wpa3";
  if (base.includes("psk")) return "wpa2-ccmp";
  if (base.startsWith("wpa3-mixed")) return "wpa2-enterprise";
  if (base.startsWith("wpa3")) return "wpa3-enterprise";
  if (base.startsWith("wpa2")) return "wpa2-enterprise";
  return "unknown";
}

/** Security modes whose `key` is a passphrase that clients type (PSK or SAE password). */
const PASSPHRASE_MODES: ReadonlySet<WifiSecurity> = new Set([
  "wpa-tkip",
  "wpa-mixed",
  "wpa2-ccmp",
  "wpa2-wpa3",
  "wpa3",
]);

/** hwmode (pre-23.05) or band (23.05+) to a band name. */
function bandOf(s: UciSection): string | undefined {
  const band = str(s, "band");
  if (band) return band;
  const hw = str(s, "hwmode")?.toLowerCase();
  if (!hw) return undefined;
  if (hw === "11a" || hw === "11na" || hw === "11ac") return "5g";
  if (hw === "11b" || hw === "11g" || hw === "11bg" || hw === "11ng") return "2g";
  if (hw === "11ad") return "60g";
  return hw;
}

function modeOf(v: string | undefined): WifiNetwork["mode"] {
  switch ((v ?? "ap").toLowerCase()) {
    case "ap":
      return "ap";
    case "sta":
      return "sta";
    case "mesh":
      return "mesh";
    case "adhoc":
      return "adhoc";
    case "monitor":
      return "monitor";
    default:
      return "other";
  }
}

function macFilterOf(v: string | undefined): WifiNetwork["macFilter"] {
  const f = v?.toLowerCase();
  return f === "allow" || f === "deny" ? f : "none";
}

function radioOf(ctx: RouterContext, pkg: UciPackage, s: UciSection): WifiRadio {
  const tx = int(s, "txpower");
  return {
    name: s.name ?? s.ref,
    enabled: bool(s, "disabled") !== true,
    txPower: tx,
    band: bandOf(s),
    at: [
      ctx.originOr(pkg, s, "disabled", "0"),
      ctx.originOr(pkg, s, "txpower", "the driver's maximum for the country"),
    ],
    cfg: ctx.ref(pkg, s),
  };
}

function networkOf(
  ctx: RouterContext,
  pkg: UciPackage,
  s: UciSection,
  radios: Map<string, { radio: WifiRadio; section: UciSection }>,
): WifiNetwork {
  const id = s.name ?? s.ref;
  const ssid = str(s, "ssid") ?? "";
  const radioName = str(s, "device") ?? "";
  const radio = radios.get(radioName);
  const ifaceOn = bool(s, "disabled") !== true;
  const encryptionRaw = str(s, "encryption") ?? "none";
  const security = wifiSecurity(encryptionRaw);
  const mode = modeOf(str(s, "mode"));

  const at: Origin[] = [
    ctx.originOr(pkg, s, "encryption", "none"),
    ctx.originOr(pkg, s, "hidden", "0"),
    ctx.originOr(pkg, s, "macfilter", "disable"),
  ];
  if (s.options.has("disabled")) at.push(ctx.origin(pkg, s, "disabled"));
  if (!radio) {
    at.push({
      ...ctx.origin(pkg, s, "device"),
      excerpt: `option device '${radioName}': no such wifi-device, the network cannot come up`,
    });
  } else if (!radio.radio.enabled) {
    at.push(ctx.origin(pkg, radio.section, "disabled"));
  }

  let key: WifiNetwork["key"];
  const plain = str(s, "key");
  if (PASSPHRASE_MODES.has(security) && plain !== undefined && plain !== "") {
    // The passphrase is assessed here and goes no further.
    key = ctx.noteSecret(`WiFi key of '${ssid || id}'`, plain);
    at.push(ctx.origin(pkg, s, "key"));
  }

  return {
    id,
    ssid,
    radio: radioName,
    mode,
    enabled: ifaceOn && radio?.radio.enabled === true,
    encryptionRaw,
    security,
    hidden: bool(s, "hidden") === true,
    key,
    macFilter: macFilterOf(str(s, "macfilter")),
    at,
    cfg: ctx.ref(pkg, s),
  };
}

export function extractWireless(ctx: RouterContext, facts: Facts): void {
  const pkg = ctx.pkg("wireless");
  if (!pkg) {
    if (ctx.status("wireless") === "missing" && ctx.complete) {
      // netifd writes etc/config/wireless on first boot for every radio it finds (wifi config);
      // a whole configuration without one comes from a device without WiFi.
      facts.wifi = known<WifiFacts>(
        { radios: [], networks: [] },
        {
          kind: "config",
          file: ctx.tree.display("etc/config/wireless"),
          excerpt:
            "no etc/config/wireless in a complete backup: no WiFi radio (first boot writes one section per radio found)",
        },
      );
    } else {
      facts.wifi = unknown(ctx.whyUnknown("wireless"));
    }
    return;
  }
  const radioSections = sectionsOfType(pkg, "wifi-device");
  const radios = new Map<string, { radio: WifiRadio; section: UciSection }>();
  for (const s of radioSections) {
    const radio = radioOf(ctx, pkg, s);
    radios.set(radio.name, { radio, section: s });
  }
  const networks = sectionsOfType(pkg, "wifi-iface").map((s) => networkOf(ctx, pkg, s, radios));
  facts.wifi = known<WifiFacts>(
    { radios: [...radios.values()].map((r) => r.radio), networks },
    { kind: "config", file: pkg.file },
  );
}
