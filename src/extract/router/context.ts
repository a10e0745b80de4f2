/**
 * What every router extractor works from: the parsed UCI packages of one device, with the means to
 * say where each value came from (file, line, a secret-free excerpt) and where a fix goes.
 */
import type { UciRef } from "../../facts/model.js";
import type { ConfigOrigin } from "../../facts/value.js";
import { parseUci } from "../../parsers/uci/parse.js";
import type { UciPackage, UciSection } from "../../parsers/uci/types.js";
import type { FileTree } from "../../sources/tree.js";
import { ExtractContext, isSecretOption } from "../context.js";

export { isSecretOption } from "../context.js";

export type PackageStatus = "ok" | "missing" | "broken";

export class RouterContext extends ExtractContext {
  private readonly packages = new Map<string, UciPackage>();
  private readonly broken = new Map<string, string>();
  /**
   * The input holds the device's whole configuration (a backup or root, with /etc beside
   * /etc/config and the network and system packages): a missing package is then one that is not
   * installed. In a lone /etc/config folder a missing package is only unknown.
   */
  readonly complete: boolean;

  constructor(tree: FileTree) {
    super(tree);
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

  ref(pkg: UciPackage, section: UciSection): UciRef {
    return { language: "uci", package: pkg.name, section: section.ref, sectionType: section.type };
  }
}
