/**
 * Runs rules over one target's facts: applicability, the profile, waivers and attestations, then
 * the score. The result is what every report format prints.
 */
import type { Diagnostic, Facts, SourceFile } from "../facts/model.js";
import type { Origin } from "../facts/value.js";
import type { Finding, Fix, Mode, Rule, Severity, Status } from "../rules/types.js";
import type { Attestation, Settings, Waiver } from "./profile.js";
import { computeScore, type Score } from "./score.js";

export interface RuleResult {
  rule: string;
  title: string;
  status: Status;
  severity: Severity;
  guidelines: string[];
  subject?: string;
  message: string;
  evidence: Origin[];
  remediation?: Fix;
  waiver?: { reason: string; expires: string; by?: string };
}

export interface TargetReport {
  target: string;
  device: { class?: string; platform?: string; hostname?: string; firmware?: string };
  results: RuleResult[];
  score: Score;
  sources: SourceFile[];
  diagnostics: Diagnostic[];
  /** Set when the target could not be read at all. */
  error?: string;
}

/** Targets whose facts come from one mode only; configuration targets may hold any. */
const MODE_OF_TARGET: Partial<Record<Facts["target"]["kind"], Mode>> = {
  probe: "probe",
  log: "log",
};

export function runRules(
  facts: Facts,
  rules: readonly Rule[],
  settings: Settings,
  now = new Date(),
): TargetReport {
  const results: RuleResult[] = [];
  const deviceClass = facts.device.class.known ? facts.device.class.value : undefined;
  const onlyMode = MODE_OF_TARGET[facts.target.kind];
  for (const rule of rules) {
    if (settings.profile.disabledRules.includes(rule.meta.id)) continue;
    let findings: Finding[];
    if (onlyMode && !rule.meta.modes.includes(onlyMode)) {
      // A scan (or a log) cannot observe what this rule reads: saying "unknown" for each of them
      // would bury what the scan did see. Not a pass either: the configuration audit decides it,
      // and the manual checklist belongs to the device's audit too.
      findings = [
        {
          status: "not_applicable",
          message: `decided from ${rule.meta.modes.join(" or ")}; not observable ${onlyMode === "probe" ? "by a scan" : "in logs"}`,
          evidence: [],
        },
      ];
    } else if (deviceClass && !rule.meta.appliesTo.includes(deviceClass)) {
      findings = [
        {
          status: "not_applicable",
          message: `applies to ${rule.meta.appliesTo.join(", ")}, not to a ${deviceClass}`,
          evidence: [...facts.device.class.at],
        },
      ];
    } else {
      try {
        findings = rule.check(facts, { profile: settings.profile, now });
      } catch (err) {
        // A rule's bug must not cost the rest of the audit, nor pass silently.
        findings = [
          {
            status: "unknown",
            message: `internal error in rule ${rule.meta.id}: ${(err as Error).message}`,
            evidence: [],
          },
        ];
      }
    }
    for (const f of findings) results.push(toResult(rule, f, facts, settings, now));
  }
  return {
    target: facts.target.name,
    device: {
      class: facts.device.class.known ? facts.device.class.value : undefined,
      platform: facts.device.platform.known ? facts.device.platform.value : undefined,
      hostname: facts.device.hostname.known ? facts.device.hostname.value : undefined,
      firmware: facts.device.firmware.known ? facts.device.firmware.value.raw : undefined,
    },
    results,
    score: computeScore(results),
    sources: facts.sources,
    diagnostics: facts.diagnostics,
  };
}

function toResult(rule: Rule, f: Finding, facts: Facts, settings: Settings, now: Date): RuleResult {
  const result: RuleResult = {
    rule: rule.meta.id,
    title: rule.meta.title,
    status: f.status,
    severity: f.severity ?? rule.meta.severity,
    guidelines: rule.meta.guidelines,
    subject: f.subject,
    message: f.message,
    evidence: distinct(f.evidence),
    remediation: f.status === "fail" ? (f.fix ?? { summary: rule.meta.remediation }) : undefined,
  };
  if (f.status === "manual") {
    const att = findAttestation(settings.attestations, rule.meta.id, facts.target.name);
    if (att) {
      result.status = att.answer === "yes" ? "pass" : "fail";
      result.message = `${att.answer === "yes" ? "attested" : "attested as not done"} by ${att.by} on ${att.at}${att.comment ? `: ${att.comment}` : ""}`;
      result.evidence = [{ kind: "attestation", by: att.by, at: att.at, comment: att.comment }];
      if (att.answer === "no") result.remediation = { summary: rule.meta.remediation };
    }
  }
  if (result.status === "fail") {
    const waiver = findWaiver(settings.waivers, rule.meta.id, facts.target.name, f.subject, now);
    if (waiver) {
      result.status = "waived";
      result.waiver = { reason: waiver.reason, expires: waiver.expires, by: waiver.by };
    }
  }
  return result;
}

function matchesTarget(want: string | undefined, target: string): boolean {
  return want === undefined || want === target || target.endsWith(`/${want}`);
}

function findWaiver(
  waivers: Waiver[],
  rule: string,
  target: string,
  subject: string | undefined,
  now: Date,
): Waiver | undefined {
  // An expired waiver no longer hides anything: the failure comes back by itself.
  return waivers.find(
    (w) =>
      w.rule === rule &&
      matchesTarget(w.target, target) &&
      (w.subject === undefined || w.subject === subject) &&
      Date.parse(w.expires) >= now.getTime(),
  );
}

function findAttestation(
  atts: Attestation[],
  rule: string,
  target: string,
): Attestation | undefined {
  return atts.find((a) => a.rule === rule && matchesTarget(a.target, target));
}

/** The same origin cited twice (two facts read from one probe or line) is shown once. */
function distinct(evidence: readonly Origin[]): Origin[] {
  const seen = new Set<string>();
  return evidence.filter((o) => {
    const k = JSON.stringify(o);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
