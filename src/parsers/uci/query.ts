/**
 * Reading parsed UCI the way `uci get` does: sections by type, `@type[n]` addressing (negative n
 * counts from the end), option values, and the line each value came from.
 */
import type { UciOption, UciPackage, UciSection } from "./types.js";

const ADDRESS_RE = /^@([^[\]]+)\[(-?\d+)\]$/;

export function sectionsOfType(pkg: UciPackage | undefined, type: string): UciSection[] {
  return pkg ? pkg.sections.filter((s) => s.type === type) : [];
}

/** Finds a section by name or by `@type[n]` address. */
export function findSection(pkg: UciPackage, address: string): UciSection | undefined {
  const m = ADDRESS_RE.exec(address);
  if (!m) return pkg.sections.find((s) => s.name === address);
  const ofType = sectionsOfType(pkg, m[1] as string);
  const n = Number(m[2]);
  return n < 0 ? ofType[ofType.length + n] : ofType[n];
}

/** `uci get pkg.section.option`, e.g. `get(pkgs, "dropbear.@dropbear[0].Port")`. */
export function uciGet(packages: Iterable<UciPackage>, path: string): string | undefined {
  const [pkgName, sectionAddr, optionName] = path.split(".");
  if (!pkgName || !sectionAddr) return undefined;
  for (const pkg of packages) {
    if (pkg.name !== pkgName) continue;
    const section = findSection(pkg, sectionAddr);
    if (!section) return undefined;
    if (optionName === undefined) return section.type;
    const opt = section.options.get(optionName);
    return opt ? opt.values.join(" ") : undefined;
  }
  return undefined;
}

export function option(section: UciSection, name: string): UciOption | undefined {
  return section.options.get(name);
}

/** The option's single value (last value of a list), or undefined. */
export function str(section: UciSection, name: string): string | undefined {
  const opt = section.options.get(name);
  return opt ? opt.values[opt.values.length - 1] : undefined;
}

/**
 * All values of an option or list. A plain option holding several blank-separated words
 * (`option network 'wan wan6'`) counts as a list, as UCI's consumers read it.
 */
export function list(section: UciSection, name: string): string[] {
  const opt = section.options.get(name);
  if (!opt) return [];
  if (opt.kind === "option") return (opt.values[0] ?? "").split(/\s+/).filter(Boolean);
  return opt.values;
}

const TRUE_WORDS = new Set(["1", "on", "true", "yes", "enabled"]);
const FALSE_WORDS = new Set(["0", "off", "false", "no", "disabled"]);

/**
 * A UCI boolean as OpenWrt's `config_get_bool` reads it (1/on/true/yes/enabled and their
 * opposites). Returns undefined when the option is absent or not a boolean word.
 */
export function bool(section: UciSection, name: string): boolean | undefined {
  const v = str(section, name)?.trim().toLowerCase();
  if (v === undefined) return undefined;
  if (TRUE_WORDS.has(v)) return true;
  if (FALSE_WORDS.has(v)) return false;
  return undefined;
}

export function int(section: UciSection, name: string): number | undefined {
  const v = str(section, name);
  if (v === undefined || !/^\s*-?\d+\s*$/.test(v)) return undefined;
  return Number.parseInt(v, 10);
}

export function lineOf(section: UciSection, name: string): number {
  const opt = section.options.get(name);
  return opt ? (opt.lines[opt.lines.length - 1] ?? section.line) : section.line;
}
