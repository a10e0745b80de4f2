/**
 * Fixes in fail2ban's own language: `[jail]` sections with `option = value` lines for
 * /etc/fail2ban/jail.local. fail2ban reads jail.local after jail.conf and jail.d/*.conf, so its
 * values win over the stock and the vendor's ones (Wazo's jail.d/wazo.conf, Issabel's
 * jail.d/issabel.conf) without editing files a package update overwrites. Then fail2ban is
 * reloaded and the jail's status shown.
 */
import type { Fix } from "../rules/types.js";

export const JAIL_LOCAL_PATH = "/etc/fail2ban/jail.local";

export interface JailEdit {
  jail: string;
  /** Options to set, in order. */
  set: [string, string][];
  /** Comment lines written above the section (without the `#`). */
  notes?: string[];
}

export function fail2banLines(edits: JailEdit[], file = JAIL_LOCAL_PATH): string[] {
  const lines: string[] = [
    `# ${file} (read after jail.conf and jail.d/*.conf; merge into a section that is already there)`,
  ];
  for (const e of edits) {
    for (const n of e.notes ?? []) lines.push(`# ${n}`);
    lines.push(`[${e.jail}]`);
    const width = Math.max(...e.set.map(([k]) => k.length), 0);
    for (const [k, v] of e.set) lines.push(`${k.padEnd(width)} = ${v}`);
  }
  const status = edits.map((e) => `fail2ban-client status ${e.jail}`).join(" && ");
  lines.push(`# then: fail2ban-client reload${status ? ` && ${status}` : ""}`);
  return lines;
}

export function fail2banFix(summary: string, edits: JailEdit[]): Fix {
  return { summary, commands: { language: "fail2ban", lines: fail2banLines(edits) } };
}

/** Seconds as fail2ban writes durations: 600 → 10m, 3600 → 1h, 86400 → 1d. */
export function formatDuration(seconds: number): string {
  if (seconds < 0) return String(seconds);
  for (const [unit, n] of [
    ["w", 604800],
    ["d", 86400],
    ["h", 3600],
    ["m", 60],
  ] as const) {
    if (seconds >= n && seconds % n === 0) return `${seconds / n}${unit}`;
  }
  return String(seconds);
}
