/** Shared by the account rules: which accounts can be logged into, and how to name them. */
import type { Account, Facts } from "../../facts/model.js";
import { type Fact, known } from "../../facts/value.js";
import { at } from "../case-kit.js";
import type { Fix } from "../types.js";

export function loginAccounts(facts: Facts): Account[] {
  if (!facts.accounts.known) return [];
  return facts.accounts.value.filter(
    (a) => !a.canLogin.known || a.canLogin.value || a.name === "root",
  );
}

/** The fix for an account's password: `passwd NAME` for a system account, the summary alone otherwise. */
export function passwordFix(a: Account, summary: string): Fix {
  return {
    summary,
    commands: a.scope === "system" ? { language: "shell", lines: [`passwd ${a.name}`] } : undefined,
  };
}

export function describe(a: Account): string {
  return `${a.scope === "system" ? "system user" : `${a.scope} login`} '${a.name}'`;
}

/** Case helper: a system account with the given password facts. */
export function caseAccount(
  name: string,
  password: Fact<Account["password"] extends Fact<infer P> ? P : never>,
  scope: Account["scope"] = "system",
): Account {
  return {
    name,
    scope,
    role: known("admin", at("uid 0")),
    canLogin: known(true, at("/bin/ash")),
    password,
    at: [at(`${name}:…`, 1, "case/etc/shadow")],
  };
}
