import { asteriskFix } from "../../remediation/asterisk.js";
import { fail, notApplicable, pass, unknownFrom } from "../outcome.js";
import type { Finding, Rule } from "../types.js";
import { ariUser, withHttp } from "./kit.js";

export const ariPasswordPlain: Rule = {
  meta: {
    id: "ari-password-plain",
    title: "ARI passwords are stored as crypt hashes",
    severity: "low",
    guidelines: ["TEL-02"],
    modes: ["config"],
    appliesTo: ["pbx"],
    rationale:
      "ari.conf keeps passwords in plain text unless password_format = crypt: anyone who reads the file (a backup, a support bundle, a local account) gets a working ARI login.",
    remediation:
      "Store a hash instead: password = output of `mkpasswd -m sha-512`, password_format = crypt.",
  },
  check(facts) {
    const fact = facts.pbx.http;
    if (!fact.known) return [unknownFrom(fact, "ARI password storage")];
    const users = fact.value.ariUsers;
    if (users.length === 0) return [notApplicable("ari.conf defines no ARI user", fact.value.at)];
    return users.map((u): Finding => {
      const subject = `ARI user ${u.name}`;
      if (u.passwordFormat === "crypt")
        return pass(`${subject}'s password is stored as a crypt hash`, u.at, { subject });
      const section = u.at.find((o) => o.kind === "config");
      return fail(
        `${subject}'s password is stored in plain text (password_format = plain, the default)`,
        u.at,
        asteriskFix(
          `Store a crypt hash for ${u.name}: generate it with mkpasswd -m sha-512 and put it in place of the password:`,
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
        { subject },
      );
    });
  },
  cases: [
    {
      name: "plain (Wazo's xivo user)",
      facts: (f) => {
        withHttp(f, { ariUsers: [ariUser("xivo", "plain")] });
      },
      expect: ["fail"],
    },
    {
      name: "crypt",
      facts: (f) => {
        withHttp(f, { ariUsers: [ariUser("app", "crypt")] });
      },
      expect: ["pass"],
    },
    {
      name: "no ARI user",
      facts: (f) => {
        withHttp(f, { ariUsers: [] });
      },
      expect: ["not_applicable"],
    },
  ],
};
