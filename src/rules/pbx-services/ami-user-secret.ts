import { known } from "../../facts/value.js";
import { asteriskFix } from "../../remediation/asterisk.js";
import { at } from "../case-kit.js";
import { fail, notApplicable, pass, undecided, unknownFrom } from "../outcome.js";
import type { Finding, Rule } from "../types.js";
import {
  amiUser,
  amiUserReach,
  MANAGER,
  MIN_SECRET_LENGTH,
  secret,
  secretProblems,
  secretSeverity,
  userRef,
  withAmi,
} from "./kit.js";

export const amiUserSecret: Rule = {
  meta: {
    id: "ami-user-secret",
    title: "AMI users have strong, unique, non-default secrets",
    severity: "high",
    guidelines: ["TEL-02", "WAZ-06"],
    modes: ["config"],
    appliesTo: ["pbx"],
    rationale:
      "An AMI login controls the PBX: it can originate calls to premium numbers and, with the command class, run CLI commands. Secrets shipped by a package (Wazo's manager.d/01-xivo.conf) or copied from a sample are public, and a secret used elsewhere falls with it.",
    remediation: `Give each AMI user its own random secret of at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -base64 24) and update its client.`,
  },
  check(facts) {
    const fact = facts.pbx.ami;
    if (!fact.known) return [unknownFrom(fact, "AMI secrets")];
    const ami = fact.value;
    if (!ami.enabled) return [notApplicable("AMI is disabled: its users cannot log in", ami.at)];
    if (ami.users.length === 0) return [notApplicable("manager.conf defines no AMI user", ami.at)];
    return ami.users.map((u): Finding => {
      const subject = `AMI user ${u.name}`;
      if (!u.password.known)
        return unknownFrom(u.password, `The secret of ${subject}`, { subject });
      const p = u.password.value;
      if (p.state === "locked")
        return pass(`${subject} has no secret and so cannot log in`, u.password.at, { subject });
      const problems = secretProblems(p);
      if (problems.length === 0) {
        if (!p.quality)
          return undecided(`the qualities of ${subject}'s secret are not known`, u.password.at, {
            subject,
          });
        return pass(
          `${subject}'s secret has ${p.quality.length} characters, strength ${p.quality.strength}/4, is not a default and not reused`,
          u.password.at,
          { subject },
        );
      }
      const reach = amiUserReach(facts, ami, u);
      const where = reach.beyondLocalhost
        ? reach.exposed
          ? "; AMI and this user's ACL let it log in from any network"
          : "; this user may log in from other hosts"
        : "; only local processes can use it (AMI or the user's ACL is limited to this host), but any of them can";
      return fail(
        `${subject}'s secret: ${problems.join("; ")}${where}`,
        u.password.at,
        asteriskFix(
          `Set a new random secret for ${u.name} (at least ${MIN_SECRET_LENGTH} characters, e.g. from: openssl rand -base64 24), then the same in its client's configuration:`,
          [
            {
              ref: userRef(u),
              set: [["secret", "<new random secret>"]],
            },
          ],
        ),
        { subject, severity: secretSeverity(p, reach.exposed, !reach.beyondLocalhost) },
      );
    });
  },
  cases: [
    {
      name: "a shipped default secret, even on loopback (Wazo)",
      facts: (f) => {
        withAmi(f, {
          users: [
            amiUser("wazo_amid", {
              password: secret({ length: 11, isDefault: true, strength: 0 }),
            }),
          ],
        });
      },
      expect: ["fail"],
    },
    {
      name: "short, and reused with a SIP password",
      facts: (f) => {
        withAmi(f, {
          bindAddress: "0.0.0.0",
          users: [
            amiUser("admin", { password: secret({ length: 8, strength: 1 }) }),
            amiUser("crm", { password: secret({ reusedWith: ["pjsip auth 1001"] }) }),
          ],
        });
      },
      expect: ["fail", "fail"],
    },
    {
      name: "strong and unique; one user without secret",
      facts: (f) => {
        withAmi(f, {
          users: [
            amiUser("ops"),
            amiUser("none", {
              password: known({ state: "locked" }, at("[none] has no secret", 9, MANAGER)),
            }),
          ],
        });
      },
      expect: ["pass", "pass"],
    },
    {
      name: "an empty secret",
      facts: (f) => {
        withAmi(f, {
          users: [
            amiUser("blank", { password: known({ state: "empty" }, at("secret = ", 5, MANAGER)) }),
          ],
        });
      },
      expect: ["fail"],
    },
    {
      name: "AMI disabled",
      facts: (f) => {
        withAmi(f, {
          enabled: false,
          users: [amiUser("admin", { password: secret({ isDefault: true }) })],
        });
      },
      expect: ["not_applicable"],
    },
  ],
};
