import { manualRule } from "./kit.js";

export const intercomUniquePins = manualRule({
  id: "intercom-unique-pins",
  title: "Each user has a unique access PIN",
  severity: "medium",
  guidelines: ["BAS-14"],
  appliesTo: ["intercom"],
  rationale:
    "A shared PIN cannot be revoked for one person and spreads beyond the people it was given to; unique PINs make access accountable and revocable.",
  remediation: "Give every user their own PIN and remove shared or default codes from the panel.",
  question: "Does every user of this panel have a unique access PIN (no shared or default codes)?",
});
