import type { Rule } from "../types.js";
import { type EventWanted, eventCases, eventFindings } from "./event-kit.js";

export const LINKS: EventWanted = {
  trigger: "link",
  what: "Ethernet link changes (a cable unplugged)",
  add: [{ event: "Switch Events", mark: "all" }],
  choose:
    "event type 'Switch Events' ('Port state' on some models and releases), subtype link state changed to down, or All",
};

export const eventsLinkDown: Rule = {
  meta: {
    id: "events-link-down",
    title: "An unplugged Ethernet cable raises an alert (Events Reporting)",
    severity: "low",
    guidelines: ["RBT-07"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "Someone at the cabinet who unplugs a device to put a laptop on the LAN port changes the link state first. Robustel's guide suggests an SMS, email or cloud alert whenever an Ethernet cable is unplugged, so that it can be checked quickly.",
    remediation:
      "Create an Events Reporting rule that sends an SMS or email when an Ethernet port's link goes down.",
  },
  check(facts) {
    return eventFindings(facts, LINKS);
  },
  cases: eventCases(LINKS, "Switch Events: changed to DOWN", "Config"),
};
