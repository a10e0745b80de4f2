/** One target, end to end: open it, read its facts, run the rules. Errors stay with the target. */
import type { Settings } from "../engine/profile.js";
import { runRules, type TargetReport } from "../engine/run.js";
import { computeScore } from "../engine/score.js";
import { type ExtractOptions, extractFacts } from "../extract/index.js";
import type { Facts } from "../facts/model.js";
import { ALL_RULES } from "../rules/index.js";
import type { Rule } from "../rules/types.js";
import { InputError } from "../sources/input-error.js";
import { openInput } from "../sources/open-input.js";
import type { FileTree } from "../sources/tree.js";

export function factsOf(tree: FileTree, opts: ExtractOptions = {}): Facts {
  return extractFacts(tree, opts);
}

/** Adds to a target's facts before the rules run (a live scan to cross-check, logs). */
export type FactsEnricher = (facts: Facts) => Promise<void>;

export async function auditTarget(
  path: string,
  settings: Settings,
  rules: readonly Rule[] = ALL_RULES,
  now = new Date(),
  enrich?: FactsEnricher,
  /** How to read the input (log files to add, their time zone). */
  extract: ExtractOptions = {},
): Promise<TargetReport> {
  try {
    const tree = await openInput(path);
    const facts = factsOf(tree, extract);
    if (facts.sources.length === 0) {
      throw new InputError(
        "no device configuration found (looked for etc/config/*, etc/asterisk/*, etc/shadow, etc/ssh/sshd_config, etc/fail2ban, var/log)",
        path,
      );
    }
    await enrich?.(facts);
    return runRules(facts, rules, settings, now);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return inputErrorReport(path, err);
  }
}

/** The report of a target that could not be read: its error, nothing judged. */
export function inputErrorReport(target: string, err: InputError): TargetReport {
  return {
    target,
    device: {},
    results: [],
    score: computeScore([]),
    sources: [],
    diagnostics: [{ severity: "error", file: err.file, line: err.line, message: err.message }],
    error: err.located,
  };
}
