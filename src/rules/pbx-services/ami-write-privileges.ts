import { asteriskFix } from "../../remediation/asterisk.js";
import { fail, notApplicable, pass, unknownFrom } from "../outcome.js";
import type { Finding, Rule } from "../types.js";
import { amiUser, amiUserReach, userRef, withAmi } from "./kit.js";

/** Write classes that amount to control of the PBX (and of the host, for command and system). */
export const POWERFUL_WRITE = ["all", "system", "command", "originate", "config"];

export const amiWritePrivileges: Rule = {
  meta: {
    id: "ami-write-privileges",
    title:
      "AMI users that log in from other hosts have no system, command, originate or config write class",
    severity: "medium",
    guidelines: ["TEL-07"],
    modes: ["config"],
    appliesTo: ["pbx"],
    rationale:
      "With write = system or command an AMI login runs CLI commands (and shell commands through them), with originate it places calls to any number, with config it rewrites the dial plan. A user that logs in from the network needs these far less often than it has them; least privilege limits what a stolen secret gives.",
    remediation:
      "Give remote AMI users only the write classes their client needs (often call, agent, user, reporting), or keep such users limited to 127.0.0.1.",
  },
  check(facts) {
    const fact = facts.pbx.ami;
    if (!fact.known) return [unknownFrom(fact, "AMI write privileges")];
    const ami = fact.value;
    if (!ami.enabled) return [notApplicable("AMI is disabled", ami.at)];
    if (ami.users.length === 0) return [notApplicable("manager.conf defines no AMI user", ami.at)];
    return ami.users.map((u): Finding => {
      const subject = `AMI user ${u.name}`;
      const powerful = u.write.filter((c) => POWERFUL_WRITE.includes(c));
      const reach = amiUserReach(facts, ami, u);
      if (powerful.length === 0)
        return pass(`${subject} writes ${u.write.length ? u.write.join(", ") : "nothing"}`, u.at, {
          subject,
        });
      if (!reach.beyondLocalhost)
        return pass(
          `${subject} has write = ${u.write.join(",")}, but can only log in from this host`,
          u.at,
          { subject },
        );
      const kept = u.write.filter((c) => !POWERFUL_WRITE.includes(c));
      return fail(
        `${subject} can log in from other hosts with write = ${u.write.join(",")} (${powerful.join(", ")}: control of the PBX)`,
        u.at,
        asteriskFix(
          `Drop ${powerful.join(", ")} from ${u.name}'s write classes (add back only what its client needs), or limit it to 127.0.0.1:`,
          [
            {
              ref: userRef(u),
              set: [["write", kept.length ? kept.join(",") : "call,reporting"]],
            },
          ],
        ),
        { subject, severity: reach.exposed ? "high" : "medium" },
      );
    });
  },
  cases: [
    {
      name: "write=all from the LAN",
      facts: (f) => {
        withAmi(f, {
          bindAddress: "192.168.1.10",
          users: [amiUser("crm", { permit: ["192.168.1.0/24"], write: ["all"] })],
        });
      },
      expect: ["fail"],
    },
    {
      name: "write=system,command but only from localhost (Wazo)",
      facts: (f) => {
        withAmi(f, {
          bindAddress: "127.0.0.1",
          users: [amiUser("xivo_munin_user", { write: ["system", "command", "call"] })],
        });
      },
      expect: ["pass"],
    },
    {
      name: "remote user with call,reporting",
      facts: (f) => {
        withAmi(f, {
          bindAddress: "0.0.0.0",
          users: [amiUser("panel", { permit: ["192.0.2.10"], write: ["call", "reporting"] })],
        });
      },
      expect: ["pass"],
    },
  ],
};
