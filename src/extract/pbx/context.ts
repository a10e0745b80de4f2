/**
 * What every PBX extractor works from: the Asterisk configuration files of one system, parsed
 * once each on demand (with their #includes), and the means to cite an entry (file, line, an
 * excerpt without secrets) and to say where a fix goes.
 */
import type { AsteriskRef } from "../../facts/model.js";
import type { ConfigOrigin } from "../../facts/value.js";
import { parseAsteriskConfig } from "../../parsers/asterisk/index.js";
import type {
  AsteriskConfig,
  AsteriskEntry,
  AsteriskSection,
} from "../../parsers/asterisk/types.js";
import { ExtractContext, isSecretOption } from "../context.js";

export const ASTERISK_DIR = "etc/asterisk";

export class AsteriskContext extends ExtractContext {
  private readonly parsed = new Map<string, AsteriskConfig | undefined>();
  /** `#exec` lines met in any file parsed so far. */
  readonly execs: { command: string; origin: ConfigOrigin }[] = [];

  /** The input holds an Asterisk configuration directory. */
  get hasAsterisk(): boolean {
    return this.tree.list(ASTERISK_DIR).length > 0;
  }

  /**
   * One top-level file (e.g. "pjsip.conf") with everything it includes, or undefined when the
   * file is not there. Diagnostics go to the run's diagnostics, with the user's paths.
   */
  asterisk(name: string): AsteriskConfig | undefined {
    if (this.parsed.has(name)) return this.parsed.get(name);
    const path = `${ASTERISK_DIR}/${name}`;
    let config: AsteriskConfig | undefined;
    if (this.tree.read(path) !== undefined) {
      config = parseAsteriskConfig(this.tree, path, { configDir: ASTERISK_DIR });
      const errors = config.diagnostics.filter((d) => d.severity === "error");
      for (const d of config.diagnostics) {
        this.diagnostics.push({
          severity: d.severity,
          file: this.tree.display(d.file),
          line: d.line,
          column: d.column,
          message: d.message,
        });
      }
      for (const f of config.files) {
        this.sources.push({
          path: this.tree.display(f),
          format: "asterisk",
          status: errors.some((e) => e.file === f) ? "error" : "ok",
        });
      }
      for (const x of config.execs) {
        this.execs.push({
          command: x.command,
          origin: {
            kind: "config",
            file: this.tree.display(x.file),
            line: x.line,
            excerpt: `#exec ${x.command}`,
          },
        });
      }
    }
    this.parsed.set(name, config);
    return config;
  }

  /** Why facts from a file are unknown. */
  whyUnknown(name: string): string {
    return `no ${ASTERISK_DIR}/${name} in the input`;
  }

  /** Where an entry was written, with its value unless the option holds a secret. */
  entryOrigin(entry: AsteriskEntry): ConfigOrigin {
    const value = isSecretOption(entry.key) ? "<secret not shown>" : entry.value;
    const op = entry.objectSyntax ? "=>" : "=";
    const inherited =
      entry.inherited && entry.inheritedFrom ? ` (from template ${entry.inheritedFrom})` : "";
    return {
      kind: "config",
      file: this.tree.display(entry.file),
      line: entry.line,
      excerpt: `${entry.key} ${op} ${value}${inherited}`,
    };
  }

  sectionOrigin(section: AsteriskSection, note?: string): ConfigOrigin {
    return {
      kind: "config",
      file: this.tree.display(section.file),
      line: section.line,
      excerpt: `[${section.name}]${note ? ` ${note}` : ""}`,
    };
  }

  /** An option's absence, where the module's default applies. */
  implied(section: AsteriskSection, key: string, value: string): ConfigOrigin {
    return {
      kind: "config",
      file: this.tree.display(section.file),
      line: section.line,
      excerpt: `[${section.name}]: ${key} not set, defaults to ${value}`,
      implied: true,
    };
  }

  ref(section: AsteriskSection): AsteriskRef {
    return { language: "asterisk", file: this.tree.display(section.file), section: section.name };
  }
}
