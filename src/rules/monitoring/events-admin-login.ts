import type { Rule } from "../types.js";
import { type EventWanted, eventCases, eventFindings } from "./event-kit.js";

const LOGINS: EventWanted = {
  trigger: "login",
  what: "logins to the WebUI and SSH",
  add: [
    { event: "SSH", mark: "all" },
    { event: "Web UI", mark: "all" },
  ],
  choose: "event type 'SSH' and again 'Web UI', subtype 'All' (successful and failed logins)",
};

export const eventsAdminLogin: Rule = {
  meta: {
    id: "events-admin-login",
    title: "Logins to administrative services are reported (Events Reporting)",
    severity: "medium",
    guidelines: ["TEL-17"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "A login nobody expected, or a run of failed ones, is the first sign of a stolen password or a brute-force attack. Teltonika's guide asks to monitor access to administrative services continuously and to create Events Reporting rules for the relevant events.",
    remediation:
      "Create Events Reporting rules that send an SMS or email on SSH and WebUI logins (successful and failed), and review them regularly.",
  },
  check(facts) {
    return eventFindings(facts, LOGINS);
  },
  cases: eventCases(LOGINS, "SSH", "Config"),
};
