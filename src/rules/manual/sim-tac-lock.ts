import { manualRule } from "./kit.js";

export const simTacLock = manualRule({
  id: "sim-tac-lock",
  title: "The SIM is locked to the intended hardware (TAC/IMEI lock)",
  severity: "medium",
  guidelines: ["RBT-03"],
  appliesTo: ["router"],
  rationale:
    "A SIM taken out of a remote cabinet works in any phone or modem: data and voice charges, and access to the APN's private network, until it is barred. Robustel's guide suggests asking the provider to lock the SIM to the device type (TAC) so it gets no service elsewhere.",
  remediation:
    "Ask the SIM provider to lock each SIM to the router's TAC (or IMEI), and to alert on or bar SIMs that appear in other hardware.",
  question: "Is every SIM in this router locked by the provider to the router's TAC or IMEI?",
});
