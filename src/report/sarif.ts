/** SARIF 2.1.0, for code-scanning pipelines: one run, one result per failure or unknown. */

import { VERSION } from "../data-files.js";
import type { TargetReport } from "../engine/run.js";
import { ALL_RULES } from "../rules/index.js";
import type { Severity } from "../rules/types.js";
import { redactDeep } from "./redact.js";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
  info: "note",
};

export function toSarif(reports: TargetReport[]): string {
  const results = reports.flatMap((r) =>
    r.results
      .filter((x) => x.status === "fail" || x.status === "unknown")
      .map((x) => {
        const locs = x.evidence.filter((e) => e.kind === "config" || e.kind === "log");
        return {
          ruleId: x.rule,
          level: x.status === "fail" ? LEVEL[x.severity] : "note",
          kind: x.status === "fail" ? "fail" : "review",
          message: {
            text: `${x.subject ? `${x.subject}: ` : ""}${x.message}${x.remediation ? `\nFix: ${x.remediation.summary}${x.remediation.commands ? `\n${x.remediation.commands.lines.join("\n")}` : ""}` : ""}`,
          },
          locations: (locs.length ? locs : [{ kind: "config" as const, file: r.target }])
            .slice(0, 5)
            .map((e) => ({
              physicalLocation: {
                artifactLocation: { uri: "file" in e ? e.file : r.target },
                ...("line" in e && e.line ? { region: { startLine: e.line } } : {}),
              },
            })),
          properties: {
            target: r.target,
            status: x.status,
            severity: x.severity,
            guidelines: x.guidelines,
          },
        };
      }),
  );
  const doc = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "bulwark",
            version: VERSION,
            rules: ALL_RULES.map((r) => ({
              id: r.meta.id,
              name: r.meta.id,
              shortDescription: { text: r.meta.title },
              fullDescription: { text: r.meta.rationale },
              help: { text: r.meta.remediation },
              defaultConfiguration: { level: LEVEL[r.meta.severity] },
              properties: { guidelines: r.meta.guidelines, severity: r.meta.severity },
            })),
          },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(redactDeep(doc), null, 2)}\n`;
}
