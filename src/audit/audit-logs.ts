/**
 * Logs alone as a target (`bulwark audit --logs FILE...` without a PATH): a router's collected
 * syslog, a PBX's auth.log copied off the machine. Its facts hold only what the logs showed
 * (target kind "log"), so the rules that read configuration are not applicable to it.
 */
import type { Settings } from "../engine/profile.js";
import { runRules, type TargetReport } from "../engine/run.js";
import { type LogInputs, logOnlyFacts } from "../extract/logs/index.js";
import { ALL_RULES } from "../rules/index.js";
import type { Rule } from "../rules/types.js";
import { InputError } from "../sources/input-error.js";
import { inputErrorReport } from "./audit-target.js";

export async function auditLogs(
  inputs: LogInputs & { files: readonly string[] },
  settings: Settings,
  rules: readonly Rule[] = ALL_RULES,
  now = new Date(),
): Promise<TargetReport> {
  const name = inputs.files.join(", ");
  try {
    return runRules(logOnlyFacts(name, inputs), rules, settings, now);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return inputErrorReport(name, err);
  }
}
