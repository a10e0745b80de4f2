/** Short-hands for a check's findings, so rules read as decisions. */
import type { Fact, Origin } from "../facts/value.js";
import type { Finding, Fix, Severity } from "./types.js";

interface Extra {
  subject?: string;
  severity?: Severity;
}

export function pass(
  message: string,
  evidence: readonly Origin[] = [],
  extra: Extra = {},
): Finding {
  return { status: "pass", message, evidence: [...evidence], ...extra };
}

export function fail(
  message: string,
  evidence: readonly Origin[],
  fix: Fix,
  extra: Extra = {},
): Finding {
  return { status: "fail", message, evidence: [...evidence], fix, ...extra };
}

export function undecided(
  message: string,
  evidence: readonly Origin[] = [],
  extra: Extra = {},
): Finding {
  return { status: "unknown", message, evidence: [...evidence], ...extra };
}

export function notApplicable(
  message: string,
  evidence: readonly Origin[] = [],
  extra: Extra = {},
): Finding {
  return { status: "not_applicable", message, evidence: [...evidence], ...extra };
}

export function manual(
  message: string,
  evidence: readonly Origin[] = [],
  extra: Extra = {},
): Finding {
  return { status: "manual", message, evidence: [...evidence], ...extra };
}

/** The finding for a fact the check needed but could not get. */
export function unknownFrom(
  fact: Fact<unknown> & { known: false },
  what: string,
  extra: Extra = {},
): Finding {
  return undecided(`${what} cannot be decided: ${fact.reason}`, fact.at, extra);
}
