/**
 * `bulwark audit PATH...`: audit configurations offline (backups, extracted roots, /etc), with
 * --logs what the logs show too, with --host the live device cross-checked. Loaded only when the
 * audit command runs. Exit status: see EXIT.
 */
import { writeFileSync } from "node:fs";
import { auditLogs } from "../audit/audit-logs.js";
import { auditTarget } from "../audit/audit-target.js";
import { type LiveCheck, liveCheck } from "../crosscheck/live.js";
import { loadPolicy, settingsFrom } from "../engine/profile.js";
import { runRules, type TargetReport } from "../engine/run.js";
import { colorsFor } from "../report/colors.js";
import { toJson } from "../report/json.js";
import { toSarif } from "../report/sarif.js";
import { toText } from "../report/text.js";
import { ALL_RULES } from "../rules/index.js";
import type { Severity } from "../rules/types.js";
import { EXIT, failsAt } from "./exit.js";

export interface AuditCommandOptions {
  format: string;
  failOn: Severity | "none";
  profile?: string;
  policy?: string;
  output?: string;
  verbose?: boolean;
  host?: string;
  vantage: "local" | "internet";
  timeout: string;
  logs?: string[];
  timezone?: string;
}

function emit(text: string, output: string | undefined): void {
  if (output) writeFileSync(output, text);
  else process.stdout.write(text);
}

export async function runAuditCommand(paths: string[], opts: AuditCommandOptions): Promise<number> {
  const logs = opts.logs ?? [];
  if (paths.length === 0 && logs.length === 0) {
    process.stderr.write("bulwark: audit needs a PATH, or --logs FILE...\n");
    return EXIT.error;
  }
  if (logs.length > 0 && paths.length > 1) {
    process.stderr.write("bulwark: --logs belong to one device: give at most one PATH with them\n");
    return EXIT.error;
  }
  const now = new Date();
  const logInputs = { files: logs, timezone: opts.timezone, now: () => now.getTime() };
  const settings = settingsFrom(opts.policy ? loadPolicy(opts.policy) : {}, opts.profile);
  const reports: TargetReport[] = [];
  let live: LiveCheck | undefined;
  if (opts.host) {
    const timeoutMs = Number(opts.timeout);
    if (paths.length !== 1 || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      process.stderr.write(
        "bulwark: --host cross-checks one configuration: give exactly one PATH (and a positive --timeout)\n",
      );
      return EXIT.error;
    }
    live = liveCheck(opts.host, { vantage: opts.vantage, timeoutMs });
  }
  const showProgress = paths.length > 1 && process.stderr.isTTY;
  for (const [i, p] of paths.entries()) {
    if (showProgress)
      process.stderr.write(`\rauditing ${i + 1}/${paths.length}: ${p.slice(-50).padEnd(50)}`);
    const report = await auditTarget(p, settings, ALL_RULES, now, live?.enrich, {
      logs: logInputs,
    });
    if (report.error) process.stderr.write(`${showProgress ? "\n" : ""}bulwark: ${report.error}\n`);
    reports.push(report);
  }
  if (paths.length === 0) {
    const report = await auditLogs(logInputs, settings, ALL_RULES, now);
    if (report.error) process.stderr.write(`bulwark: ${report.error}\n`);
    reports.push(report);
  }
  // The live device's own report follows its configuration's: what the probes saw of it.
  const scanned = live?.scan();
  if (scanned) {
    const report = runRules(scanned.facts, ALL_RULES, settings);
    reports.push({ ...report, target: `${opts.host} (live)` });
  }
  if (showProgress) process.stderr.write("\n");
  const text =
    opts.format === "json"
      ? toJson(reports, opts.failOn)
      : opts.format === "sarif"
        ? toSarif(reports)
        : toText(reports, {
            verbose: opts.verbose,
            colors: colorsFor(process.stdout, opts.output !== undefined),
          });
  emit(text, opts.output);
  const inputError = reports.some(
    (r) => r.error || r.diagnostics.some((d) => d.severity === "error"),
  );
  return inputError ? EXIT.error : failsAt(reports, opts.failOn) ? EXIT.findings : EXIT.ok;
}
