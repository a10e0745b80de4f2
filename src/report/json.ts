/** Machine-readable report: one object per run, every rule result with evidence and remediation. */

import { VERSION } from "../data-files.js";
import type { TargetReport } from "../engine/run.js";
import { redactDeep } from "./redact.js";

export function toJson(reports: TargetReport[], failOn: string): string {
  const doc = {
    tool: "bulwark",
    version: VERSION,
    failOn,
    targets: reports.map((r) => ({
      target: r.target,
      error: r.error,
      device: r.device,
      score: r.score.value,
      scoreExplanation: r.score.explanation,
      summary: summarize(r),
      results: r.results,
      diagnostics: r.diagnostics,
      sources: r.sources,
    })),
  };
  return `${JSON.stringify(redactDeep(doc), null, 2)}\n`;
}

export function summarize(r: TargetReport): Record<string, number> {
  const out: Record<string, number> = {
    pass: 0,
    fail: 0,
    unknown: 0,
    not_applicable: 0,
    manual: 0,
    waived: 0,
  };
  for (const x of r.results) out[x.status] = (out[x.status] ?? 0) + 1;
  return out;
}
