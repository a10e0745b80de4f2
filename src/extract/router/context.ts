/**
 * What every router extractor works from: the parsed UCI packages of one device, with the means to
 * say where each value came from (file, line, a secret-free excerpt) and where a fix goes.
 */
import type { Diagnostic, PasswordQuality, SourceFile, UciRef } from "../../facts/model.js";
import type { ConfigOrigin } from "../../facts/value.js";
import { parseUci } from "../../parsers/uci/parse.js";
import type { UciPackage, UciSection } from "../../parsers/uci/types.js";
import { assessPasswordLazily, fingerprintSecret } from "../../secrets/index.js";
import type { FileTree } from "../../sources/tree.js";

/**
 * Option names whose values are secrets (a password, PSK, WEP key, community, token, PIN): their
 * values never reach an excerpt. Names that merely talk about passwords (PasswordAuth,
 * password_length, key_type) are not secrets and stay readable.
 */
const SECRET_OPTION_RE =
  /^(?:key\d?|password|passwd|pass|psk|secret|token|community|pin|pincode|apikey|api_key|sae_password|auth_secret|acct_secret|priv_key|private_key|preshared_key|presharedkey|wpa_passphrase|[a-z0-9]+_(?:key|password|passwd|pass|psk|secret|token|pin))$/i;

export function isSecretOption(name: string): boolean {
  return SECRET_OPTION_RE.test(name);
}

export type PackageStatus = "ok" | "missing" | "broken";

export class RouterContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly sources: SourceFile[] = [];
  private readonly packages = new Map<string, UciPackage>();
  private readonly broken = new Map<string, string>();
  /** Secret fingerprint (keyed hash, never the secret) -> the credentials that use it. */
  private readonly secrets = new Map<string, { label: string; quality: PasswordQuality }[]>();

  /**
   * The input holds the device's whole configuration (a backup or root, with /etc beside
   * /etc/config and the network and system packages): a missing package is then one that is not
   * installed. In a lone /etc/config folder a missing package is only unknown.
   */
  readonly complete: boolean;

  constructor(readonly tree: FileTree) {
    const configs = tree.list("etc/config");
    this.complete =
      tree.list("etc").length > 0 && configs.includes("network") && configs.includes("system");
    for (const name of configs) this.loadPackage(name);
  }

  private loadPackage(name: string): void {
    const path = `etc/config/${name}`;
    const text = this.tree.read(path);
    if (text === undefined) return;
    const file = this.tree.display(path);
    // Editors' and packagers' leftovers (dropbear.orig, firewall-opkg) are not live configuration.
    if (!/^[A-Za-z0-9_-]+$/.test(name)) return;
    const { packages, diagnostics } = parseUci(text, { packageName: name, file });
    this.diagnostics.push(...diagnostics);
    const errors = diagnostics.filter((d) => d.severity === "error");
    this.sources.push({
      path: file,
      format: "uci",
      status: errors.length ? "error" : diagnostics.length ? "warning" : "ok",
    });
    const first = errors[0];
    if (first) {
      // libuci refuses a package with a syntax error, so the device ignores this file: its facts
      // are unknown to us, and we say why.
      this.broken.set(name, `${file}:${first.line}: ${first.message}`);
      return;
    }
    for (const pkg of packages) this.packages.set(pkg.name, pkg);
  }

  status(name: string): PackageStatus {
    if (this.packages.has(name)) return "ok";
    return this.broken.has(name) ? "broken" : "missing";
  }

  pkg(name: string): UciPackage | undefined {
    return this.packages.get(name);
  }

  /** Why a package's facts are unknown. */
  whyUnknown(name: string): string {
    const broken = this.broken.get(name);
    return broken
      ? `etc/config/${name} could not be read (${broken})`
      : `no etc/config/${name} in the input`;
  }

  /** A file outside etc/config, recorded as a source. */
  readFile(path: string, format: string): { text: string; file: string } | undefined {
    const text = this.tree.read(path);
    if (text === undefined) return undefined;
    const file = this.tree.display(path);
    this.sources.push({ path: file, format, status: "ok" });
    return { text, file };
  }

  /** Where an option (or, without `option`, a section) was read. */
  origin(pkg: UciPackage, section: UciSection, option?: string): ConfigOrigin {
    const opt = option ? section.options.get(option) : undefined;
    if (!option || !opt) {
      const head = `config ${section.type}${section.name ? ` '${section.name}'` : ""}`;
      return {
        kind: "config",
        file: pkg.file,
        line: section.line,
        excerpt: option ? `${head} (no option ${option})` : head,
      };
    }
    const value = isSecretOption(option)
      ? "<secret not shown>"
      : opt.values.map((v) => `'${v}'`).join(" ");
    return {
      kind: "config",
      file: pkg.file,
      line: opt.lines[opt.lines.length - 1] ?? section.line,
      excerpt: `${opt.kind} ${option} ${value}`,
    };
  }

  /** The option is absent and the software's default applies. */
  implied(pkg: UciPackage, section: UciSection, option: string, value: string): ConfigOrigin {
    return {
      kind: "config",
      file: pkg.file,
      line: section.line,
      excerpt: `option ${option} not set: defaults to '${value}'`,
      implied: true,
    };
  }

  /** The value is set, or the default applies: either way, where it came from. */
  originOr(pkg: UciPackage, section: UciSection, option: string, dflt: string): ConfigOrigin {
    return section.options.has(option)
      ? this.origin(pkg, section, option)
      : this.implied(pkg, section, option, dflt);
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

  ref(pkg: UciPackage, section: UciSection): UciRef {
    return { language: "uci", package: pkg.name, section: section.ref, sectionType: section.type };
  }
}
