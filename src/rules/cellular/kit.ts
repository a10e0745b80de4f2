/**
 * Helpers shared by the cellular, monitoring, packages and messaging rules: the platform, UCI fixes
 * that also make the change take effect, and the device path of a file a finding cites.
 */
import type { ConfigRef, Facts, Platform } from "../../facts/model.js";
import type { Origin } from "../../facts/value.js";
import { type UciChange, uciFix } from "../../remediation/uci.js";
import type { Fix } from "../types.js";

export function platformOf(facts: Facts): Platform | undefined {
  return facts.device.platform.known ? facts.device.platform.value : undefined;
}

export function isOpenWrt(facts: Facts): boolean {
  return platformOf(facts) === "openwrt";
}

/**
 * uciFix, plus `reload_config` when no service restart line was added for the package (procd
 * reloads every service whose configuration changed), with optional shell lines before and after.
 */
export function uciFixApplied(
  summary: string,
  changes: UciChange[],
  before: string[] = [],
  after: string[] = [],
): Fix {
  const lines = [...before, ...(uciFix(summary, changes).commands?.lines ?? []), ...after];
  if (!lines.some((l) => l.startsWith("/etc/init.d/") || l.startsWith("wifi ")))
    lines.push("reload_config");
  return { summary, commands: { language: "uci", lines } };
}

export function uciRef(pkg: string, section: string, sectionType: string): ConfigRef {
  return { language: "uci", package: pkg, section, sectionType };
}

/** The absolute device path of the file an origin cites (`backup.tar.gz!etc/opkg.conf` -> /etc/opkg.conf). */
export function devicePath(origin: Origin | undefined, fallback: string): string {
  if (!origin || (origin.kind !== "config" && origin.kind !== "log")) return fallback;
  const f = origin.file;
  const bang = f.lastIndexOf("!");
  if (bang >= 0) return `/${f.slice(bang + 1)}`;
  if (f.startsWith("etc/")) return `/${f}`;
  const i = f.lastIndexOf("/etc/");
  return i >= 0 ? f.slice(i) : fallback;
}

/** The line an origin cites, when it cites one. */
export function lineOf(origin: Origin | undefined): number | undefined {
  return origin && (origin.kind === "config" || origin.kind === "log") ? origin.line : undefined;
}

/** True when the fact behind these origins is a default or an absence rather than a written value. */
export function isImplied(at: readonly Origin[]): boolean {
  return at.some((o) => o.kind === "config" && o.implied === true);
}

/** Placeholder for an operator's phone number in fixes: never a real-looking number. */
export const PHONE_PLACEHOLDER = "+000000000";
