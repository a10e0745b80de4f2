import { bindScopeOf } from "../../facts/address.js";
import { known } from "../../facts/value.js";
import { asteriskFix } from "../../remediation/asterisk.js";
import { at } from "../case-kit.js";
import { fail, notApplicable, pass, undecided, unknownFrom } from "../outcome.js";
import type { Finding, Rule } from "../types.js";
import {
  ARI,
  ariUser,
  EXPOSED_SCOPES,
  MIN_SECRET_LENGTH,
  quality,
  secretProblems,
  secretSeverity,
  withHttp,
} from "./kit.js";

export const ariUserSecret: Rule = {
  meta: {
    id: "ari-user-secret",
    title: "ARI users have strong, unique, non-default passwords",
    severity: "high",
    guidelines: ["TEL-02", "WAZ-06"],
    modes: ["config"],
    appliesTo: ["pbx"],
    rationale:
      "An ARI login drives calls (originate, bridge, redirect) through the HTTP server. A password shipped by a package (Wazo's ari.d/01-wazo.conf) is public; a weak or reused one falls to guessing or to the first leak.",
    remediation: `Give each ARI user its own random password of at least ${MIN_SECRET_LENGTH} characters, stored as a crypt hash, and update its client.`,
  },
  check(facts) {
    const fact = facts.pbx.http;
    if (!fact.known) return [unknownFrom(fact, "ARI passwords")];
    const http = fact.value;
    if (http.ariUsers.length === 0) return [notApplicable("ari.conf defines no ARI user", http.at)];
    const scope = http.enabled ? bindScopeOf(http.bindAddress) : "loopback";
    const exposed = http.enabled && EXPOSED_SCOPES.includes(scope);
    const local = !http.enabled || scope === "loopback";
    return http.ariUsers.map((u): Finding => {
      const subject = `ARI user ${u.name}`;
      if (!u.password.known)
        return unknownFrom(u.password, `The password of ${subject}`, { subject });
      const p = u.password.value;
      if (p.state === "locked")
        return pass(`${subject} has no password and so cannot log in`, u.password.at, { subject });
      const problems = secretProblems(p);
      if (problems.length === 0) {
        if (p.quality || p.isDefault === false)
          return pass(
            p.quality
              ? `${subject}'s password has ${p.quality.length} characters, strength ${p.quality.strength}/4, is not a default and not reused`
              : `${subject}'s password hash matches no known default`,
            u.password.at,
            { subject },
          );
        return undecided(`the qualities of ${subject}'s password are not known`, u.password.at, {
          subject,
        });
      }
      const section = u.at.find((o) => o.kind === "config");
      return fail(
        `${subject}'s password: ${problems.join("; ")}${local ? " (the HTTP server listens on loopback only, or not at all)" : ""}`,
        u.password.at,
        asteriskFix(
          `Set a new random password for ${u.name}, stored as a hash (mkpasswd -m sha-512), and update its client:`,
          [
            {
              ref: {
                language: "asterisk",
                file: section?.kind === "config" ? section.file : "etc/asterisk/ari.conf",
                section: u.name,
              },
              set: [
                ["password", "<output of mkpasswd -m sha-512>"],
                ["password_format", "crypt"],
              ],
            },
          ],
        ),
        { subject, severity: secretSeverity(p, exposed, local) },
      );
    });
  },
  cases: [
    {
      name: "shipped default password (Wazo)",
      facts: (f) => {
        withHttp(f, {
          ariUsers: [
            ariUser(
              "xivo",
              "plain",
              known(
                { state: "set", quality: quality({ length: 11, isDefault: true, strength: 0 }) },
                at("password = <secret not shown>", 5, ARI),
              ),
            ),
          ],
        });
      },
      expect: ["fail"],
    },
    {
      name: "strong plain and crypt passwords",
      facts: (f) => {
        withHttp(f, { ariUsers: [ariUser("app", "plain"), ariUser("ops", "crypt")] });
      },
      expect: ["pass", "pass"],
    },
  ],
};
