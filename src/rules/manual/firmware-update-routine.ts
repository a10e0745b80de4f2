import { manualRule } from "./kit.js";

export const firmwareUpdateRoutine = manualRule({
  id: "firmware-update-routine",
  title: "Firmware updates are checked for and applied on a schedule",
  severity: "medium",
  guidelines: ["TEL-16"],
  appliesTo: ["router", "intercom"],
  rationale:
    "A device that is current today falls behind with the next advisory; only a routine (a calendar, or the vendor's update notifications) keeps it current. 'firmware-current' checks today's state; this item checks the routine.",
  remediation:
    "Subscribe to the vendor's security notices and check for firmware updates at least monthly; track each device's version in your inventory.",
  question:
    "Is there a routine (at least monthly) to check for and apply firmware updates on this device?",
});
