import { manualRule } from "./kit.js";

export const intercomEnclosure = manualRule({
  id: "intercom-enclosure",
  title:
    "The outdoor unit is in a vandal-resistant enclosure, installed per the vendor's guidelines",
  severity: "medium",
  guidelines: ["BAS-01"],
  appliesTo: ["intercom"],
  rationale:
    "An outdoor panel is within reach of anyone: an opened housing exposes the network cable, the reset button and the lock wiring. BAS-IP recommends vandal-resistant enclosures installed according to its guidelines.",
  remediation:
    "Mount the outdoor unit in a vandal-resistant enclosure as the installation guide describes, with tamper-proof screws and the cable run inside the wall.",
  question:
    "Is the outdoor unit mounted in a vandal-resistant enclosure, installed according to BAS-IP's guidelines?",
});
