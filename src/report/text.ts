/**
 * The report a person reads in a terminal: failures first, worst first, each with its evidence
 * and the exact fix; passes condensed to one line. Colour only on a terminal, never with NO_COLOR.
 */

import type { RuleResult, TargetReport } from "../engine/run.js";
import type { Severity, Status } from "../rules/types.js";
import { type Colors, colorsFor } from "./colors.js";
import { formatOrigin } from "./evidence.js";
import { summarize } from "./json.js";
import { redact } from "./redact.js";

const STATUS_ORDER: Status[] = ["fail", "unknown", "manual", "waived", "pass", "not_applicable"];
const SEVERITY_ORDER: Severity[] = ["critical", "high", "medium", "low", "info"];

const STATUS_LABEL: Record<Status, string> = {
  fail: "FAIL",
  unknown: "UNKNOWN",
  manual: "MANUAL",
  waived: "WAIVED",
  pass: "PASS",
  not_applicable: "N/A",
};

function paintStatus(pc: Colors, s: Status, text: string): string {
  switch (s) {
    case "fail":
      return pc.red(pc.bold(text));
    case "unknown":
      return pc.yellow(text);
    case "manual":
      return pc.cyan(text);
    case "waived":
      return pc.magenta(text);
    case "pass":
      return pc.green(text);
    default:
      return pc.dim(text);
  }
}

function paintSeverity(pc: Colors, s: Severity): string {
  const t = s.padEnd(8);
  return s === "critical"
    ? pc.bgRed(pc.white(t))
    : s === "high"
      ? pc.red(t)
      : s === "medium"
        ? pc.yellow(t)
        : pc.dim(t);
}

function sortResults(rs: RuleResult[]): RuleResult[] {
  return [...rs].sort(
    (a, b) =>
      STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
      a.rule.localeCompare(b.rule),
  );
}

export function toText(
  reports: TargetReport[],
  opts: { verbose?: boolean; colors?: Colors } = {},
): string {
  const pc = opts.colors ?? colorsFor(process.stdout);
  const out: string[] = [];
  for (const r of reports) {
    out.push(pc.bold(`bulwark audit — ${r.target}`));
    if (r.error) {
      out.push(pc.red(`  error: ${r.error}`), "");
      continue;
    }
    const d = r.device;
    out.push(
      `  device: ${[d.class ?? "unknown class", d.platform, d.firmware && `firmware ${d.firmware}`, d.hostname && `hostname '${d.hostname}'`].filter(Boolean).join(", ")}`,
    );
    const s = summarize(r);
    out.push(
      `  score:  ${pc.bold(r.score.value === null ? "n/a" : `${r.score.value}/100`)}   ` +
        `${paintStatus(pc, "fail", `${s.fail} fail`)} · ${paintStatus(pc, "unknown", `${s.unknown} unknown`)} · ${paintStatus(pc, "manual", `${s.manual} manual`)} · ${paintStatus(pc, "waived", `${s.waived} waived`)} · ${paintStatus(pc, "pass", `${s.pass} pass`)} · ${pc.dim(`${s.not_applicable} n/a`)}`,
      "",
    );
    for (const x of sortResults(r.results)) {
      const brief = (x.status === "pass" || x.status === "not_applicable") && !opts.verbose;
      const head = `${paintStatus(pc, x.status, STATUS_LABEL[x.status].padEnd(7))} ${paintSeverity(pc, x.severity)} ${pc.bold(x.rule)}${x.subject ? ` — ${x.subject}` : ""} ${pc.dim(`[${x.guidelines.join(" ")}]`)}`;
      out.push(head);
      out.push(`        ${redact(x.message)}`);
      if (brief) continue;
      const ev = x.evidence.slice(0, 6);
      for (const [i, e] of ev.entries()) {
        out.push(
          `        ${pc.dim(i === 0 ? "evidence:" : "         ")} ${redact(formatOrigin(e))}`,
        );
      }
      if (x.evidence.length > ev.length)
        out.push(pc.dim(`                  … ${x.evidence.length - ev.length} more`));
      if (x.waiver)
        out.push(
          `        ${pc.magenta("waived:")} ${x.waiver.reason} (until ${x.waiver.expires}${x.waiver.by ? `, by ${x.waiver.by}` : ""})`,
        );
      if (x.remediation) {
        out.push(`        ${pc.bold("fix:")} ${x.remediation.summary}`);
        for (const line of x.remediation.commands?.lines ?? [])
          out.push(`            ${pc.cyan(redact(line))}`);
      }
      out.push("");
    }
    if (r.diagnostics.length) {
      out.push("", pc.bold("  input problems:"));
      for (const dg of r.diagnostics) {
        const tag =
          dg.severity === "error"
            ? pc.red("error")
            : dg.severity === "warning"
              ? pc.yellow("warning")
              : "info";
        out.push(
          `    ${dg.file}${dg.line ? `:${dg.line}${dg.column ? `:${dg.column}` : ""}` : ""}: ${tag}: ${redact(dg.message)}`,
        );
      }
    }
    out.push("", pc.dim(`  ${r.score.explanation}`), "");
  }
  return `${out.join("\n")}\n`;
}
