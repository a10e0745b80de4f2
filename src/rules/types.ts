/**
 * A hardening rule, modelled on an ESLint rule: one module holding its meta (what it checks, why,
 * how bad, which guideline items it covers, how to fix), its check (Facts in, findings out) and
 * its own cases of facts that must pass and facts that must fail.
 */

import type { Profile } from "../engine/profile.js";
import type { DeviceClass, Facts } from "../facts/model.js";
import type { Origin } from "../facts/value.js";

export type Severity = "info" | "low" | "medium" | "high" | "critical";
export const SEVERITIES: readonly Severity[] = ["info", "low", "medium", "high", "critical"];

export type Status = "pass" | "fail" | "unknown" | "not_applicable" | "manual" | "waived";

/** How a check can be decided (see ITEMS.md): from configuration, a live probe, logs, the fleet, or an operator. */
export type Mode = "config" | "probe" | "log" | "fleet" | "manual";

export interface RuleMeta {
  /** Stable, kebab-case, e.g. "ssh-password-auth". */
  id: string;
  title: string;
  severity: Severity;
  /** Guideline item IDs of ../shared/guidelines/ITEMS.md this rule checks. */
  guidelines: string[];
  /** The modes whose facts this rule can decide from today. */
  modes: Mode[];
  appliesTo: DeviceClass[];
  rationale: string;
  /** General advice; each failing finding carries the exact fix for that device. */
  remediation: string;
}

export type FixLanguage =
  | "uci"
  | "shell"
  | "asterisk"
  | "fail2ban"
  | "sshd"
  | "iptables"
  | "nftables"
  /** Web and broker server configuration files, for fixes of what a scan saw (TLS settings). */
  | "nginx"
  | "apache"
  | "lighttpd"
  | "mosquitto";

export interface Fix {
  summary: string;
  commands?: { language: FixLanguage; lines: string[] };
}

/** What a check says about one subject (the device, or one network, account, rule...). */
export interface Finding {
  status: Exclude<Status, "waived">;
  /** What the finding is about when a rule looks at several things, e.g. "SSH (dropbear)". */
  subject?: string;
  message: string;
  evidence: Origin[];
  /** Required for a failure: the exact fix for this device. */
  fix?: Fix;
  /** Overrides the rule's severity for this finding (e.g. worse when reachable from the internet). */
  severity?: Severity;
}

export interface CheckContext {
  profile: Profile;
  now: Date;
}

export interface RuleCase {
  name: string;
  /** Facts start empty (all unknown); the case fills in what it needs. */
  facts: (f: Facts) => void;
  /** The status of each finding the check returns, in order. */
  expect: Exclude<Status, "waived">[];
  profile?: Partial<Profile>;
}

export interface Rule {
  meta: RuleMeta;
  check(facts: Facts, ctx: CheckContext): Finding[];
  cases: RuleCase[];
}
