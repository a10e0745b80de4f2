import { manualRule } from "./kit.js";

export const firmwareTestedBeforeRollout = manualRule({
  id: "firmware-tested-before-rollout",
  title: "New firmware is tested on a non-production device before rollout",
  severity: "low",
  guidelines: ["TEL-25"],
  appliesTo: ["router"],
  rationale:
    "Features change between firmware versions; an untested upgrade can silently drop a firewall rule, a VPN or an access restriction. Teltonika asks to test and verify new firmware before deploying it to production devices.",
  remediation:
    "Keep a test device with the production configuration, upgrade it first, re-run this audit on it, and only then roll the firmware out.",
  question:
    "Is every new firmware version installed and checked on a test device with the production configuration before it reaches this router?",
});
