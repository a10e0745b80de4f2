import { manualRule } from "./kit.js";

export const managementProtocolsReviewed = manualRule({
  id: "management-protocols-reviewed",
  title:
    "Configuration and management protocols, firewall rules and services are reviewed regularly",
  severity: "low",
  guidelines: ["TEL-19", "TEL-20", "TEL-21"],
  appliesTo: ["router", "intercom", "pbx"],
  rationale:
    "Configurations drift: a rule opened for a one-off job stays open. Teltonika asks for regular audits of management protocols, firewall and traffic rules, and the services in use; re-running this audit on a schedule is one way to do it.",
  remediation:
    "Schedule a review (e.g. quarterly): re-run `bulwark audit` on fresh backups, close what is no longer needed, and record the review.",
  question:
    "Are management protocols, firewall rules and running services reviewed on a schedule (e.g. quarterly)?",
});
