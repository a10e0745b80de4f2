import { manualRule } from "./kit.js";

export const intercomRemoteRelay = manualRule({
  id: "intercom-remote-relay",
  title: "The lock is driven by a remote relay module, not by the outdoor unit",
  severity: "medium",
  guidelines: ["BAS-13"],
  appliesTo: ["intercom"],
  rationale:
    "If the lock relay sits in the outdoor panel, opening the panel and shorting two wires opens the door. BAS-IP recommends its SH-42 remote relay, installed on the secure side, so the lock cannot be opened from the outdoor unit.",
  remediation:
    "Install a remote relay module (BAS-IP SH-42) on the protected side of the door and drive the lock from it.",
  question:
    "Is the door lock switched by a remote relay module on the protected side (e.g. BAS-IP SH-42), so that it cannot be opened from the outdoor unit?",
});
