import { asteriskFix } from "../../remediation/asterisk.js";
import { fail, notApplicable, pass, unknownFrom } from "../outcome.js";
import type { Finding, Rule, Severity } from "../types.js";
import {
  aclVerdict,
  amiListeners,
  amiUser,
  EXPOSED_SCOPES,
  isIpv6Address,
  NETWORK_SCOPES,
  userRef,
  withAmi,
} from "./kit.js";

export const amiUserAcl: Rule = {
  meta: {
    id: "ami-user-acl",
    title: "Every AMI user is limited by a deny-all-then-permit ACL",
    severity: "medium",
    guidelines: ["VPX-02"],
    modes: ["config"],
    appliesTo: ["pbx"],
    rationale:
      "Asterisk lets any address in unless an ACL says otherwise, and the last matching entry wins: only `deny = 0.0.0.0/0.0.0.0` followed by narrow `permit` lines keeps a stolen AMI secret from being used from anywhere. VitalPBX asks for Permit/Deny on everything that logs in from known networks.",
    remediation:
      "In each user's section of manager.conf: deny = 0.0.0.0/0.0.0.0, then permit = only the hosts that run AMI clients (127.0.0.1/255.255.255.255 when they run on the PBX).",
  },
  check(facts) {
    const fact = facts.pbx.ami;
    if (!fact.known) return [unknownFrom(fact, "AMI user ACLs")];
    const ami = fact.value;
    if (!ami.enabled) return [notApplicable("AMI is disabled", ami.at)];
    if (ami.users.length === 0) return [notApplicable("manager.conf defines no AMI user", ami.at)];
    const listeners = amiListeners(facts, ami);
    const ipv6 = listeners.some((l) => isIpv6Address(l.address));
    const scopes = listeners.map((l) => l.scope);
    const severity: Severity = scopes.some((s) => EXPOSED_SCOPES.includes(s))
      ? "high"
      : scopes.some((s) => NETWORK_SCOPES.includes(s))
        ? "medium"
        : "low";
    return ami.users.map((u): Finding => {
      const subject = `AMI user ${u.name}`;
      const v = aclVerdict(u, ipv6);
      if (!v.problem) {
        return pass(
          `${subject} is limited to ${u.permit.length ? u.permit.join(", ") : "no address"} (deny ${u.deny.join(", ")})`,
          u.at,
          { subject },
        );
      }
      const set: [string, string][] = [["deny", "0.0.0.0/0.0.0.0"]];
      if (ipv6) set.push(["deny", "::/0"]);
      set.push(["permit", "127.0.0.1/255.255.255.255"]);
      const local = severity === "low" ? " (AMI itself listens on loopback only)" : "";
      return fail(
        `${subject} ${v.problem}${local}`,
        u.at,
        asteriskFix(
          `Replace ${u.name}'s permit/deny lines with these (deny first; put the hosts that run its client in place of 127.0.0.1 if they are elsewhere):`,
          [
            {
              ref: userRef(u),
              set,
            },
          ],
        ),
        { subject, severity },
      );
    });
  },
  cases: [
    {
      name: "no ACL, AMI on 0.0.0.0",
      facts: (f) => {
        withAmi(f, { bindAddress: "0.0.0.0", users: [amiUser("admin", { permit: [], deny: [] })] });
      },
      expect: ["fail"],
    },
    {
      name: "permit 0.0.0.0/0",
      facts: (f) => {
        withAmi(f, {
          bindAddress: "0.0.0.0",
          users: [amiUser("admin", { permit: ["0.0.0.0/0"], deny: ["0.0.0.0/0.0.0.0"] })],
        });
      },
      expect: ["fail"],
    },
    {
      name: "permit without deny",
      facts: (f) => {
        withAmi(f, { users: [amiUser("admin", { permit: ["10.0.0.5"], deny: [] })] });
      },
      expect: ["fail"],
    },
    {
      name: "deny all, permit a management host (Wazo's shape)",
      facts: (f) => {
        withAmi(f, {
          bindAddress: "0.0.0.0",
          users: [
            amiUser("wazo_amid", { permit: ["127.0.0.1/255.255.255.0"] }),
            amiUser("monitor", { permit: ["192.0.2.10/32"] }),
          ],
        });
      },
      expect: ["pass", "pass"],
    },
    {
      name: "AMI disabled",
      facts: (f) => {
        withAmi(f, { enabled: false, users: [amiUser("admin", { permit: [], deny: [] })] });
      },
      expect: ["not_applicable"],
    },
  ],
};
