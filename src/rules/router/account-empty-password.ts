import { known, unknown } from "../../facts/value.js";
import { asRouter, at } from "../case-kit.js";
import { fail, pass, unknownFrom } from "../outcome.js";
import type { Finding, Rule } from "../types.js";
import { caseAccount, describe, loginAccounts, passwordFix } from "./account-kit.js";

export const accountEmptyPassword: Rule = {
  meta: {
    id: "account-empty-password",
    title: "No account that can log in has an empty password",
    severity: "critical",
    guidelines: ["TEL-02", "BAS-06"],
    modes: ["config"],
    appliesTo: ["router", "intercom", "pbx", "linux-host"],
    rationale:
      "An account with an empty password is open to anyone who reaches a login prompt (on OpenWrt, root without a password also leaves telnet open).",
    remediation:
      "Set a strong password (15+ characters, all character classes) or lock the account.",
  },
  check(facts) {
    if (!facts.accounts.known) return [unknownFrom(facts.accounts, "Empty passwords")];
    const out: Finding[] = [];
    for (const a of loginAccounts(facts)) {
      if (!a.password.known) {
        out.push(unknownFrom(a.password, `Password of ${describe(a)}`, { subject: describe(a) }));
        continue;
      }
      if (a.password.value.state === "empty") {
        out.push(
          fail(
            `${describe(a)} has an empty password`,
            a.password.at,
            passwordFix(
              a,
              a.scope === "system"
                ? `Set a password: passwd ${a.name} (or lock the account: passwd -l ${a.name})`
                : "Set a strong password for this login in the WebUI (System > Administration > Users)",
            ),
            { subject: describe(a) },
          ),
        );
      }
    }
    if (out.length === 0)
      out.push(
        pass(
          `no login account has an empty password (${loginAccounts(facts).length} checked)`,
          facts.accounts.at,
        ),
      );
    return out;
  },
  cases: [
    {
      name: "root empty",
      facts: (f) => {
        asRouter(f);
        f.accounts = known(
          [caseAccount("root", known({ state: "empty" }, at("root::")))],
          at("shadow"),
        );
      },
      expect: ["fail"],
    },
    {
      name: "root set",
      facts: (f) => {
        asRouter(f);
        f.accounts = known(
          [caseAccount("root", known({ state: "set", hash: "sha512-crypt" }, at("root:$6$")))],
          at("shadow"),
        );
      },
      expect: ["pass"],
    },
    {
      name: "no shadow",
      facts: (f) => {
        asRouter(f);
        f.accounts = unknown("no etc/shadow");
      },
      expect: ["unknown"],
    },
  ],
};
