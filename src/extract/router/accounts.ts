/**
 * Accounts that can log in: system users (/etc/passwd + /etc/shadow) and web/JSON-RPC logins
 * (rpcd). Only qualities of passwords are kept: state, hash scheme, factory default or not.
 */
import type { Account, AccountRole, Facts, PasswordFacts } from "../../facts/model.js";
import { type ConfigOrigin, known, unknown } from "../../facts/value.js";
import { bool, int, list, sectionsOfType, str } from "../../parsers/uci/query.js";
import {
  canVerifyCrypt,
  hashScheme,
  isDefaultHash,
  shadowPasswordState,
} from "../../secrets/index.js";
import type { RouterContext } from "./context.js";

const NO_LOGIN_SHELLS = /(?:^|\/)(?:false|nologin)$/;

interface PasswdEntry {
  name: string;
  uid: number;
  shell: string;
  line: number;
}

function parsePasswd(text: string): Map<string, PasswdEntry> {
  const out = new Map<string, PasswdEntry>();
  text.split("\n").forEach((raw, i) => {
    const f = raw.split(":");
    if (f.length < 7 || !f[0]) return;
    out.set(f[0], { name: f[0], uid: Number(f[2]), shell: f[6] ?? "", line: i + 1 });
  });
  return out;
}

export function extractAccounts(ctx: RouterContext, facts: Facts): void {
  const accounts: Account[] = [];
  const shadow = ctx.readFile("etc/shadow", "shadow");
  const passwdFile = ctx.readFile("etc/passwd", "passwd");
  const passwd = passwdFile ? parsePasswd(passwdFile.text) : new Map<string, PasswdEntry>();

  if (shadow) {
    shadow.text.split("\n").forEach((raw, i) => {
      const fields = raw.split(":");
      const name = fields[0];
      const field = fields[1];
      if (!name || field === undefined) return;
      const state = shadowPasswordState(field);
      const pw = passwd.get(name);
      const shellOk = pw ? !NO_LOGIN_SHELLS.test(pw.shell) : undefined;
      // Locked service accounts (`*`, `!`, `x`) are not a way in; root is always listed.
      if (state === "locked" && name !== "root") return;
      // Never the hash itself: the excerpt names the user and what kind of entry it is.
      const origin: ConfigOrigin = {
        kind: "config",
        file: shadow.file,
        line: i + 1,
        excerpt: `${name}:<${state === "set" ? `${hashScheme(field)} hash` : state}>:…`,
      };
      const password: PasswordFacts = { state };
      if (state === "set") {
        password.hash = hashScheme(field);
        password.isDefault = defaultVerdict(field, name);
      }
      const uid = pw?.uid;
      const role: AccountRole =
        uid === 0 || name === "root" ? "admin" : name === "admin" ? "admin" : "user";
      const pwOrigin: ConfigOrigin | undefined =
        pw && passwdFile
          ? {
              kind: "config",
              file: passwdFile.file,
              line: pw.line,
              excerpt: `${name}:…:${pw.uid}:…:${pw.shell}`,
            }
          : undefined;
      accounts.push({
        name,
        scope: "system",
        role: known(role, pwOrigin ?? origin),
        canLogin:
          shellOk === undefined
            ? unknown("user not in etc/passwd", origin)
            : known(shellOk && state !== "locked", origin, pwOrigin),
        password: known(password, origin),
        at: [origin],
      });
    });
  }

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
        isDefault: isDefaultHash(raw) !== undefined,
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

/** Hash schemes built to be slow: each guess costs milliseconds, so only a few are tried. */
const SLOW_SCHEMES = new Set(["sha256-crypt", "sha512-crypt", "bcrypt", "yescrypt"]);

/**
 * Whether a stored hash is a factory/default password: every known default for fast schemes
 * (md5-crypt, DES), and the defaults for this user name first (at most 4) for slow ones, so one
 * unique sha512 hash costs tens of milliseconds, not seconds. Undefined when the scheme cannot
 * be verified here (bcrypt, yescrypt): the rule then reports unknown, never a pass.
 */
function defaultVerdict(hash: string, username: string): boolean | undefined {
  if (!canVerifyCrypt(hash)) return undefined;
  const slow = SLOW_SCHEMES.has(hashScheme(hash));
  return isDefaultHash(hash, slow ? { username, maxTries: 4 } : { username }) !== undefined;
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
