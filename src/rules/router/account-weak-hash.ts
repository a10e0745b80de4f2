import { known } from "../../facts/value.js";
import { asRouter, at } from "../case-kit.js";
import { fail, pass, unknownFrom } from "../outcome.js";
import type { Finding, Rule } from "../types.js";
import { caseAccount, describe, loginAccounts, passwordFix } from "./account-kit.js";

const WEAK = new Set(["des-crypt", "md5-crypt"]);

export const accountWeakHash: Rule = {
  meta: {
    id: "account-weak-hash",
    title: "Passwords are stored with a strong hash (not DES or MD5-crypt)",
    severity: "medium",
    guidelines: ["TEL-02"],
    modes: ["config"],
    appliesTo: ["router", "intercom", "pbx", "linux-host"],
    rationale:
      "MD5-crypt and DES hashes fall to a GPU in hours; anyone holding a backup can recover the password. SHA-512-crypt, bcrypt or yescrypt resist far longer.",
    remediation:
      "Set the password again on a firmware that stores SHA-512-crypt hashes (RutOS 7 and current OpenWrt do).",
  },
  check(facts) {
    if (!facts.accounts.known) return [unknownFrom(facts.accounts, "Password hashes")];
    const out: Finding[] = [];
    for (const a of loginAccounts(facts)) {
      if (a.password.known && a.password.value.hash && WEAK.has(a.password.value.hash)) {
        out.push(
          fail(
            `the password of ${describe(a)} is stored as a ${a.password.value.hash} hash`,
            a.password.at,
            passwordFix(
              a,
              `Change the password (passwd ${a.name}) on a firmware that writes SHA-512-crypt hashes; update old firmware first.`,
            ),
            { subject: describe(a) },
          ),
        );
      }
    }
    return out.length ? out : [pass("no password is stored with a weak hash", facts.accounts.at)];
  },
  cases: [
    {
      name: "md5",
      facts: (f) => {
        asRouter(f);
        f.accounts = known(
          [caseAccount("root", known({ state: "set", hash: "md5-crypt" }, at("root:$1$")))],
          at("shadow"),
        );
      },
      expect: ["fail"],
    },
    {
      name: "sha512",
      facts: (f) => {
        asRouter(f);
        f.accounts = known(
          [caseAccount("root", known({ state: "set", hash: "sha512-crypt" }, at("root:$6$")))],
          at("shadow"),
        );
      },
      expect: ["pass"],
    },
  ],
};
