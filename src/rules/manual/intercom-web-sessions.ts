import { manualRule } from "./kit.js";

export const intercomWebSessions = manualRule({
  id: "intercom-web-sessions",
  title: "The intercom's web interface is used only for configuration, and sessions are closed",
  severity: "low",
  guidelines: ["BAS-04"],
  appliesTo: ["intercom"],
  rationale:
    "The web server is meant for configuration and maintenance, not daily use; a session left open on a shared workstation is an administrator login for the next person. BAS-IP asks to end the session once configuration is complete.",
  remediation:
    "Use the web interface only to configure the device, log out when done, and do not keep it open on shared or unattended workstations.",
  question:
    "Is the intercom's web interface used only for configuration, with every session logged out when the work is done?",
});
