/**
 * The 0-100 score, and the sentence that explains it. Unknown counts as not passed: a check we
 * could not make is not a check that passed.
 */
import type { Severity, Status } from "../rules/types.js";

export const SEVERITY_WEIGHT: Record<Severity, number> = {
  critical: 10,
  high: 6,
  medium: 3,
  low: 1,
  info: 0,
};

export interface Score {
  value: number | null;
  passedWeight: number;
  failedWeight: number;
  unknownWeight: number;
  explanation: string;
}

export function computeScore(results: { status: Status; severity: Severity }[]): Score {
  let passedWeight = 0;
  let failedWeight = 0;
  let unknownWeight = 0;
  for (const r of results) {
    const w = SEVERITY_WEIGHT[r.severity];
    if (r.status === "pass") passedWeight += w;
    else if (r.status === "fail") failedWeight += w;
    else if (r.status === "unknown") unknownWeight += w;
  }
  const total = passedWeight + failedWeight + unknownWeight;
  const value = total === 0 ? null : Math.round((100 * passedWeight) / total);
  const explanation =
    "score = 100 × passed weight ÷ (passed + failed + unknown weight), each check weighted by severity " +
    "(critical 10, high 6, medium 3, low 1, info 0); unknown counts as not passed; not applicable, manual " +
    `and waived checks are left out. Here: 100 × ${passedWeight} ÷ (${passedWeight} + ${failedWeight} + ${unknownWeight})` +
    (value === null ? " — nothing to score." : ` = ${value}.`);
  return { value, passedWeight, failedWeight, unknownWeight, explanation };
}
