/** Exit statuses of the commands, and when findings make a run fail. */
import type { TargetReport } from "../engine/run.js";
import { SEVERITIES, type Severity } from "../rules/types.js";

/**
 * Exit status of every command: 0 no failure at or above --fail-on; 1 there is one; 2 a usage
 * error or an input that could not be read (the other targets are still audited).
 */
export const EXIT = { ok: 0, findings: 1, error: 2 } as const;

/** A result fails at or above `failOn` in any of the reports (`none`: never). */
export function failsAt(reports: TargetReport[], failOn: Severity | "none"): boolean {
  if (failOn === "none") return false;
  const min = SEVERITIES.indexOf(failOn);
  return reports.some((r) =>
    r.results.some((x) => x.status === "fail" && SEVERITIES.indexOf(x.severity) >= min),
  );
}
