import { known } from "../../facts/value.js";
import { asRouter, at } from "../case-kit.js";
import { fail, pass, undecided, unknownFrom } from "../outcome.js";
import type { Finding, Rule } from "../types.js";
import { caseAccount, describe, loginAccounts, passwordFix } from "./account-kit.js";

export const accountDefaultPassword: Rule = {
  meta: {
    id: "account-default-password",
    title: "No account still uses a factory-default password",
    severity: "critical",
    guidelines: ["TEL-02", "BAS-06", "WAZ-06"],
    modes: ["config"],
    appliesTo: ["router", "intercom", "pbx", "linux-host"],
    rationale:
      "Factory passwords are published in manuals and firmware sources; bots try them first.",
    remediation: "Change the password to a strong, unique one.",
  },
  check(facts) {
    if (!facts.accounts.known) return [unknownFrom(facts.accounts, "Default passwords")];
    const out: Finding[] = [];
    let undecidable = 0;
    for (const a of loginAccounts(facts)) {
      if (!a.password.known) continue;
      const p = a.password.value;
      const isDefault = p.isDefault ?? p.quality?.isDefault;
      if (isDefault) {
        out.push(
          fail(
            `${describe(a)} uses a factory-default password (${p.quality ? "a known default" : "its stored hash matches a known default"})`,
            a.password.at,
            passwordFix(
              a,
              a.scope === "system"
                ? `Change it: passwd ${a.name}`
                : "Change the password of this login in the WebUI",
            ),
            { subject: describe(a) },
          ),
        );
      } else if (p.state === "set" && isDefault === undefined) undecidable++;
    }
    if (out.length) return out;
    if (undecidable > 0)
      return [
        undecided(
          `${undecidable} password(s) could not be compared with the defaults`,
          facts.accounts.at,
        ),
      ];
    return [pass("no account uses a known default password", facts.accounts.at)];
  },
  cases: [
    {
      name: "factory hash",
      facts: (f) => {
        asRouter(f);
        f.accounts = known(
          [
            caseAccount(
              "root",
              known({ state: "set", hash: "md5-crypt", isDefault: true }, at("root:$1$")),
            ),
          ],
          at("shadow"),
        );
      },
      expect: ["fail"],
    },
    {
      name: "changed",
      facts: (f) => {
        asRouter(f);
        f.accounts = known(
          [
            caseAccount(
              "root",
              known({ state: "set", hash: "sha512-crypt", isDefault: false }, at("root:$6$")),
            ),
          ],
          at("shadow"),
        );
      },
      expect: ["pass"],
    },
  ],
};
