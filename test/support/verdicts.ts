/**
 * The rules' verdicts on scan facts, as the scan tests read them: the results of one rule,
 * whether a result cites a given probe, and the check that every pass or fail rests on something
 * a probe saw.
 */
import { expect } from "vitest";
import { settingsFrom } from "../../src/engine/profile.js";
import { type RuleResult, runRules } from "../../src/engine/run.js";
import type { Facts } from "../../src/facts/model.js";
import { ALL_RULES } from "../../src/rules/index.js";

/** What one rule says of these facts, with the default settings. */
export function ruleResults(facts: Facts, rule: string): RuleResult[] {
  return runRules(facts, ALL_RULES, settingsFrom({})).results.filter((r) => r.rule === rule);
}

/** The result cites what `probe` saw among its evidence. */
export function citesProbe(r: RuleResult | undefined, probe: string): boolean {
  return r?.evidence.some((e) => e.kind === "probe" && e.probe === probe) === true;
}

/** Every pass and fail among `results` cites a probe; `where` prefixes the failure message. */
export function expectDecidedFromProbes(results: readonly RuleResult[], where = ""): void {
  for (const r of results.filter((x) => x.status === "pass" || x.status === "fail"))
    expect(
      r.evidence.some((o) => o.kind === "probe"),
      `${where}${r.rule} ${r.status} without probe evidence: ${r.message}`,
    ).toBe(true);
}
