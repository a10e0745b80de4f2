/**
 * Reading a parsed Asterisk configuration the way its modules do.
 *
 * - Section and option names are compared case-insensitively (ASCII), as by strcasecmp().
 * - Modules walk a section's entries in order and apply each one, so for a single-valued option
 *   the last entry wins (an inherited value is overridden by the section's own). Options that
 *   may repeat (`allow`, `permit`, `exten`, `setvar`...) are read with `getAll`.
 * - Templates are invisible to modules (ast_category_browse() skips them), so the section
 *   finders leave them out unless asked.
 */
import type { AsteriskConfig, AsteriskEntry, AsteriskSection } from "./types.js";

export interface SectionFilter {
  /** Include `(!)` templates too. Default false: only what Asterisk's modules see. */
  templates?: boolean;
}

function fold(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** Every entry for `key`, in order (inherited first, then the section's own). */
export function getAllEntries(section: AsteriskSection, key: string): AsteriskEntry[] {
  const k = fold(key);
  return section.entries.filter((e) => fold(e.key) === k);
}

/** The entry that decides a single-valued option: the last one for `key`. */
export function getEntry(section: AsteriskSection, key: string): AsteriskEntry | undefined {
  const k = fold(key);
  for (let i = section.entries.length - 1; i >= 0; i--) {
    const e = section.entries[i] as AsteriskEntry;
    if (fold(e.key) === k) return e;
  }
  return undefined;
}

/** The value of a single-valued option: the last one wins. */
export function get(section: AsteriskSection, key: string): string | undefined {
  return getEntry(section, key)?.value;
}

/** All values of an option that may repeat, in order. */
export function getAll(section: AsteriskSection, key: string): string[] {
  return getAllEntries(section, key).map((e) => e.value);
}

/** The sections with this name (several may share it, e.g. a pjsip endpoint and its aor). */
export function sectionsNamed(
  config: AsteriskConfig,
  name: string,
  filter: SectionFilter = {},
): AsteriskSection[] {
  const n = fold(name);
  return config.sections.filter(
    (s) => fold(s.name) === n && (filter.templates === true || !s.isTemplate),
  );
}

/**
 * The sections whose (last) value of `key` is `value`, or satisfies the predicate:
 * `sectionsWhere(pjsip, "type", "endpoint")`.
 */
export function sectionsWhere(
  config: AsteriskConfig,
  key: string,
  value: string | ((value: string) => boolean),
  filter: SectionFilter = {},
): AsteriskSection[] {
  const test = typeof value === "string" ? (v: string) => v === value : value;
  return config.sections.filter((s) => {
    if (s.isTemplate && filter.templates !== true) return false;
    const v = get(s, key);
    return v !== undefined && test(v);
  });
}

/** Whether Asterisk would refuse this configuration (or part of it could not be read). */
export function hasErrors(config: AsteriskConfig): boolean {
  return config.diagnostics.some((d) => d.severity === "error");
}
