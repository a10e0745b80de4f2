import { manualRule } from "./kit.js";

export const wifiAuditRoutine = manualRule({
  id: "wifi-audit-routine",
  title: "WiFi settings are audited periodically against current requirements",
  severity: "low",
  guidelines: ["TEL-23"],
  appliesTo: ["router"],
  rationale:
    "Encryption that was acceptable (WPA2-TKIP, WEP) becomes broken; a periodic WiFi review keeps settings at current requirements.",
  remediation:
    "Review WiFi encryption, keys and whether WiFi is still needed at least yearly, and when a new attack on WiFi security is published.",
  question:
    "Are this device's WiFi settings reviewed at least yearly against current security requirements?",
});
