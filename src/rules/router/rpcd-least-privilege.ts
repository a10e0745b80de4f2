import { known } from "../../facts/value.js";
import { asRouter, at } from "../case-kit.js";
import { fail, notApplicable, pass, unknownFrom } from "../outcome.js";
import type { Finding, Rule } from "../types.js";
import { caseAccount } from "./account-kit.js";

const SUPERUSERS = new Set(["root", "admin"]);

export const rpcdLeastPrivilege: Rule = {
  meta: {
    id: "rpcd-least-privilege",
    title: "Extra web/API users have only the permissions they need",
    severity: "medium",
    guidelines: ["TEL-07", "RBT-14"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "Every extra account with full write access is one more administrator password to steal; guests and operators need read-only or limited roles.",
    remediation: "Give each extra user a read-only or limited group instead of full access.",
  },
  check(facts) {
    if (!facts.accounts.known) return [unknownFrom(facts.accounts, "User permissions")];
    const extra = facts.accounts.value.filter((a) => a.scope === "rpcd" && !SUPERUSERS.has(a.name));
    if (extra.length === 0)
      return [notApplicable("no extra web/API user is configured", facts.accounts.at)];
    return extra.map((a): Finding => {
      const subject = `rpcd login '${a.name}'`;
      if (!a.permissions?.known)
        return unknownFrom(
          a.permissions ?? { known: false, reason: "no ACL", at: [] },
          `Permissions of ${subject}`,
          { subject },
        );
      const { write } = a.permissions.value;
      if (write.includes("*")) {
        return fail(
          `${subject} has full write access (write '*')`,
          a.permissions.at,
          {
            summary:
              "Replace the wildcard by the ACL groups this user needs (or a read-only role):",
            commands:
              a.cfg?.language === "uci"
                ? {
                    language: "uci",
                    lines: [
                      `uci del_list ${a.cfg.package}.${a.cfg.section}.write='*'`,
                      "uci commit rpcd",
                      "/etc/init.d/rpcd restart",
                    ],
                  }
                : undefined,
          },
          { subject },
        );
      }
      return pass(
        `${subject} has limited permissions (write: ${write.length ? write.join(", ") : "none"})`,
        a.permissions.at,
        { subject },
      );
    });
  },
  cases: [
    {
      name: "operator with write *",
      facts: (f) => {
        asRouter(f);
        f.accounts = known(
          [
            {
              ...caseAccount("operator", known({ state: "set" }, at("pw")), "rpcd"),
              permissions: known({ read: ["*"], write: ["*"] }, at("write *")),
            },
          ],
          at("rpcd"),
        );
      },
      expect: ["fail"],
    },
    {
      name: "read-only guest",
      facts: (f) => {
        asRouter(f);
        f.accounts = known(
          [
            {
              ...caseAccount("guest", known({ state: "set" }, at("pw")), "rpcd"),
              permissions: known({ read: ["*"], write: [] }, at("read *")),
            },
          ],
          at("rpcd"),
        );
      },
      expect: ["pass"],
    },
    {
      name: "only root",
      facts: (f) => {
        asRouter(f);
        f.accounts = known(
          [caseAccount("root", known({ state: "delegated" }, at("$p$root")), "rpcd")],
          at("rpcd"),
        );
      },
      expect: ["not_applicable"],
    },
  ],
};
