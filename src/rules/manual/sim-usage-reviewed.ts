import { manualRule } from "./kit.js";

export const simUsageReviewed = manualRule({
  id: "sim-usage-reviewed",
  title: "SIM data and SMS usage is reviewed against the limits",
  severity: "low",
  guidelines: ["TEL-24"],
  appliesTo: ["router"],
  rationale:
    "A limit that was never compared with real usage is either too high to catch misuse or so low that it cuts the service. Teltonika asks to review SMS and data usage regularly and to adjust the limits, and to disable SMS utilities that are not used.",
  remediation:
    "Review each SIM's data and SMS usage (router statistics or the operator's portal) on a schedule, adjust the limits, and investigate anything unexpected.",
  question:
    "Are this router's SIM data and SMS usage reviewed on a schedule, and the limits adjusted to it?",
});
