import type { RuleResult, TargetReport } from "../../src/engine/run.js";

/** The statuses a rule produced in a report, optionally for one subject. */
export function statuses(report: TargetReport, rule: string, subject?: string): string[] {
  return report.results
    .filter((r) => r.rule === rule && (subject === undefined || r.subject === subject))
    .map((r) => r.status);
}

export function result(report: TargetReport, rule: string, subject?: string): RuleResult {
  const r = report.results.find(
    (x) => x.rule === rule && (subject === undefined || x.subject === subject),
  );
  if (!r) throw new Error(`no result for ${rule}${subject ? ` / ${subject}` : ""}`);
  return r;
}
