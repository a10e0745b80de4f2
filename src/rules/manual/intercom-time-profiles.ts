import { manualRule } from "./kit.js";

export const intercomTimeProfiles = manualRule({
  id: "intercom-time-profiles",
  title: "Door access is limited by time profiles where 24/7 access is not needed",
  severity: "low",
  guidelines: ["BAS-09"],
  appliesTo: ["intercom"],
  rationale:
    "A credential that only needs to open a door in office hours should not open it at night; time profiles shrink the window in which a stolen card or PIN is useful.",
  remediation:
    "Assign time profiles to access groups (cards, PINs, apartments) in the panel's access settings.",
  question:
    "Are access credentials on this panel limited by time profiles wherever 24/7 access is not needed?",
});
