/**
 * System accounts of any Linux host, router or PBX: /etc/passwd + /etc/shadow. Only qualities of
 * passwords are kept (state, hash scheme, factory default or not), never a hash.
 */
import type { Account, AccountRole, Facts, PasswordFacts } from "../../facts/model.js";
import { type ConfigOrigin, known, unknown } from "../../facts/value.js";
import {
  canVerifyCrypt,
  hashScheme,
  isDefaultHash,
  shadowPasswordState,
} from "../../secrets/index.js";
import type { ExtractContext } from "../context.js";

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

/** Hash schemes built to be slow: each guess costs milliseconds, so only a few are tried. */
const SLOW_SCHEMES = new Set(["sha256-crypt", "sha512-crypt", "bcrypt", "yescrypt"]);

/**
 * Whether a stored hash is a factory/default password: every known default for fast schemes
 * (md5-crypt, DES), and the defaults for this user name first (at most 4) for slow ones, so one
 * unique sha512 hash costs tens of milliseconds, not seconds. Undefined when the scheme cannot
 * be verified here (bcrypt, yescrypt): the rule then reports unknown, never a pass.
 */
export function defaultVerdict(hash: string, username: string): boolean | undefined {
  if (!canVerifyCrypt(hash)) return undefined;
  const slow = SLOW_SCHEMES.has(hashScheme(hash));
  return isDefaultHash(hash, slow ? { username, maxTries: 4 } : { username }) !== undefined;
}

/** The accounts of etc/shadow (with etc/passwd for roles and shells), or undefined without a shadow file. */
export function systemAccounts(
  ctx: ExtractContext,
): { accounts: Account[]; shadow: { text: string; file: string } } | undefined {
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

  return shadow ? { accounts, shadow } : undefined;
}

/** For a host without router configuration: the system accounts alone. */
export function extractSystemAccounts(ctx: ExtractContext, facts: Facts): void {
  // A router's extractor has already read them, together with its web logins.
  if (facts.accounts.known) return;
  const system = systemAccounts(ctx);
  if (system) facts.accounts = known(system.accounts, { kind: "config", file: system.shadow.file });
  else if (ctx.tree.read("etc/passwd") !== undefined)
    facts.accounts = unknown("etc/passwd without etc/shadow: password states cannot be read");
}
