import { manualRule } from "./kit.js";

export const intercomNetworkSegmented = manualRule({
  id: "intercom-network-segmented",
  title: "Only the necessary systems and people reach the intercom (segmented network)",
  severity: "medium",
  guidelines: ["BAS-03"],
  appliesTo: ["intercom"],
  rationale:
    "An intercom on the office LAN is one more device every compromised PC can attack, and its cable at the door is a way into that LAN. BAS-IP advises granting access only to the systems and people that need it, preferably on a segmented network.",
  remediation:
    "Put intercoms in their own VLAN or segment and allow only the SIP server, the management station and the monitors to reach them.",
  question:
    "Is the intercom on its own network segment, reachable only from the systems that need it (SIP server, monitors, management station)?",
});
