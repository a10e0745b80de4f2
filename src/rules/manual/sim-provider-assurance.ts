import { manualRule } from "./kit.js";

export const simProviderAssurance = manualRule({
  id: "sim-provider-assurance",
  title: "The SIM provider's network security is established (penetration tests, APN diagram)",
  severity: "low",
  guidelines: ["RBT-02"],
  appliesTo: ["router"],
  rationale:
    "Every packet passes the operator's APN, which assigns the router's address and reaches every other SIM on it: the operator's security becomes the deployment's. Robustel's guide suggests asking the SIM provider for penetration-test results and a network diagram of the APN.",
  remediation:
    "Ask the SIM provider for recent penetration-test results and a diagram of the APN (private APN, isolation between SIMs, what is reachable from the internet), and keep them with the deployment records.",
  question:
    "Has the SIM provider supplied penetration-test results and a network diagram of the APN this router uses?",
});
