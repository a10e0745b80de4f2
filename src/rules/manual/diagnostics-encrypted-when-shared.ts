import { manualRule } from "./kit.js";

export const diagnosticsEncryptedWhenShared = manualRule({
  id: "diagnostics-encrypted-when-shared",
  title: "Diagnostic exports, configurations, logs and keys are encrypted or never shared",
  severity: "medium",
  guidelines: ["RBT-13", "BAS-05"],
  appliesTo: ["router", "intercom", "pbx"],
  rationale:
    "A diagnostic export or an unfiltered configuration holds password hashes, keys and the network layout; sent in clear to a support desk or posted in a forum, it hands an attacker the device.",
  remediation:
    "Encrypt diagnostic exports before they leave (e.g. a password-protected archive with the password sent separately); never share keys or unfiltered configurations; remove secrets before posting logs.",
  question:
    "Are diagnostic exports, configurations and logs encrypted before they are shared, and keys and credentials never shared?",
});
