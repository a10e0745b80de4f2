/**
 * What every extractor works from, whatever the device: the input's files, the diagnostics and
 * sources of the run, and the ledger of secrets met (qualities and keyed fingerprints only, so
 * reuse across credentials can be reported without keeping a secret).
 */
import type { Diagnostic, PasswordQuality, SourceFile } from "../facts/model.js";
import { assessPasswordLazily, fingerprintSecret } from "../secrets/index.js";
import type { FileTree } from "../sources/tree.js";

/**
 * Option names whose values are secrets (a password, PSK, WEP key, community, token, PIN), in UCI,
 * Asterisk and the other key=value formats: their values never reach an excerpt. Names that merely
 * talk about passwords (PasswordAuth, password_length, key_type) are not secrets and stay readable.
 */
const SECRET_OPTION_RE =
  /^(?:key\d?|password|passwd|pass|psk|secret|token|community|pin|pincode|apikey|api_key|sae_password|auth_secret|acct_secret|priv_key|private_key|preshared_key|presharedkey|wpa_passphrase|md5secret|md5_cred|[a-z0-9]+_(?:key|password|passwd|pass|psk|secret|token|pin|cred))$/i;

export function isSecretOption(name: string): boolean {
  return SECRET_OPTION_RE.test(name);
}

export class ExtractContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly sources: SourceFile[] = [];
  /** Secret fingerprint (keyed hash, never the secret) -> the credentials that use it. */
  private readonly secrets = new Map<string, { label: string; quality: PasswordQuality }[]>();

  constructor(readonly tree: FileTree) {}

  /** A file outside the main configuration format, recorded as a source. */
  readFile(path: string, format: string): { text: string; file: string } | undefined {
    const text = this.tree.read(path);
    if (text === undefined) return undefined;
    const file = this.tree.display(path);
    // Router and host extractors may both read a shared file (etc/passwd): list it once.
    if (!this.sources.some((s) => s.path === file && s.format === format))
      this.sources.push({ path: file, format, status: "ok" });
    return { text, file };
  }

  /**
   * Assesses a plaintext secret found in the configuration and remembers (by keyed fingerprint
   * only) who uses it, so reuse across credentials can be reported. The plaintext goes no further.
   */
  noteSecret(label: string, plain: string): PasswordQuality {
    const base = assessPasswordLazily(plain);
    // Not a spread: that would read (and so compute) the lazy strength. Own properties, so the
    // quality serializes like any other fact.
    const { length, lower, upper, digit, symbol, isDefault } = base;
    const quality = { length, lower, upper, digit, symbol, isDefault, reusedWith: [] as string[] };
    Object.defineProperty(quality, "strength", { enumerable: true, get: () => base.strength });
    const typed = quality as unknown as PasswordQuality;
    const fp = fingerprintSecret(plain);
    const users = this.secrets.get(fp) ?? [];
    for (const other of users) {
      other.quality.reusedWith.push(label);
      quality.reusedWith.push(other.label);
    }
    users.push({ label, quality: typed });
    this.secrets.set(fp, users);
    return typed;
  }
}
