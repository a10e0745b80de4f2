/**
 * Accounts that can log in on a router: system users (read as on any Linux host, see
 * host/accounts.ts) and web/JSON-RPC logins (rpcd). Only qualities of passwords are kept: state, hash scheme, factory default or not.
 */
import type { Account, AccountRole, Facts, PasswordFacts } from "../../facts/model.js";
import { known, unknown } from "../../facts/value.js";
import { bool, int, list, sectionsOfType, str } from "../../parsers/uci/query.js";
import { hashScheme } from "../../secrets/index.js";
import { defaultVerdict, systemAccounts } from "../host/accounts.js";
import type { RouterContext } from "./context.js";

export function extractAccounts(ctx: RouterContext, facts: Facts): void {
  const system = systemAccounts(ctx);
  const accounts: Account[] = system ? [...system.accounts] : [];
  const shadow = system?.shadow;
  const rpcd = ctx.pkg("rpcd");
  for (const s of sectionsOfType(rpcd, "login")) {
    if (!rpcd) break;
    const name = str(s, "username") ?? "?";
    const raw = str(s, "password") ?? "";
    const origin = ctx.origin(rpcd, s, "password");
    let password: PasswordFacts;
    if (raw.startsWith("$p$")) password = { state: "delegated", delegatedTo: raw.slice(3) };
    else if (raw === "") password = { state: "empty" };
    else if (raw.startsWith("$")) {
      password = {
        state: "set",
        hash: hashScheme(raw),
        isDefault: defaultVerdict(raw, name),
      };
    } else password = { state: "set", quality: ctx.noteSecret(`rpcd login '${name}'`, raw) };
    const groups = list(s, "group");
    const read = [...list(s, "read"), ...groups.flatMap((g) => groupAcl(ctx, g, "read"))];
    const write = [...list(s, "write"), ...groups.flatMap((g) => groupAcl(ctx, g, "write"))];
    accounts.push({
      name,
      scope: "rpcd",
      role: known(
        roleFromAcl(read, write),
        ctx.origin(rpcd, s, s.options.has("write") ? "write" : "username"),
      ),
      canLogin: known(true, ctx.origin(rpcd, s, "username")),
      password: known(password, origin),
      permissions: known(
        { read, write },
        ctx.origin(rpcd, s, s.options.has("write") ? "write" : "read"),
      ),
      at: [ctx.origin(rpcd, s)],
      cfg: ctx.ref(rpcd, s),
    });
  }

  if (!shadow && !rpcd) {
    facts.accounts = unknown(
      ctx.tree.kind === "backup"
        ? "the backup holds neither etc/shadow nor etc/config/rpcd"
        : "no etc/shadow nor etc/config/rpcd in the input",
    );
    return;
  }
  facts.accounts = known(
    accounts,
    ...(shadow ? [{ kind: "config" as const, file: shadow.file }] : []),
    ...(rpcd ? [{ kind: "config" as const, file: rpcd.file }] : []),
  );
}

/** ACL entries of a RutOS rpcd group (`config group 'x'` with read/write or target_* lists). */
function groupAcl(ctx: RouterContext, group: string, kind: "read" | "write"): string[] {
  const rpcd = ctx.pkg("rpcd");
  const g = rpcd?.sections.find(
    (s) => s.type === "group" && (s.name === group || str(s, "name") === group),
  );
  if (!g) return [];
  return [...list(g, kind), ...list(g, `target_${kind}`)];
}

function roleFromAcl(read: string[], write: string[]): AccountRole {
  if (write.includes("*")) return "admin";
  if (write.length === 0) return read.length ? "readonly" : "custom";
  return "custom";
}

export function extractPasswordPolicy(ctx: RouterContext, facts: Facts): void {
  const pkg = ctx.pkg("password_policy");
  if (!pkg) {
    facts.passwordPolicy = unknown(ctx.whyUnknown("password_policy"));
    return;
  }
  const s = sectionsOfType(pkg, "policy")[0];
  if (!s) {
    facts.passwordPolicy = unknown("etc/config/password_policy has no policy section");
    return;
  }
  const origins = [
    "password_length",
    "require_digits",
    "require_lower_upper",
    "require_special",
    "password_lifetime",
  ].map((o) => ctx.originOr(pkg, s, o, "unset"));
  facts.passwordPolicy = known(
    {
      minLength: int(s, "password_length") ?? 0,
      requireDigits: bool(s, "require_digits") ?? false,
      requireMixedCase: bool(s, "require_lower_upper") ?? false,
      requireSymbols: bool(s, "require_special") ?? false,
      maxAgeDays: int(s, "password_lifetime") ?? 0,
    },
    ...origins,
  );
}
