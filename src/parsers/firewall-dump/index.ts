/**
 * Saved Linux firewall rulesets (`iptables-save`, `ip6tables-save`, `nft list ruleset`) and the
 * exposure question: is a NEW packet from the internet to port P accepted by the input path?
 *
 *   const { model, diagnostics } = parseFirewallDump(text, { file });
 *   const ssh = analyzeInput(model, { port: 22 });            // verdict + deciding rule
 *   const { policy, effectivelyEmpty } = inputSummary(model);
 */
import { analyzeInput, type ExposureResult } from "./analyze.js";
import { iptablesModel } from "./compile-iptables.js";
import { nftModel } from "./compile-nft.js";
import { parseIptablesSave } from "./iptables-save.js";
import type { FirewallModel } from "./model.js";
import { parseNftRuleset } from "./nft.js";
import type { FirewallDiagnostic, IptablesDump, NftRuleset } from "./types.js";

export {
  type Assumption,
  analyzeInput,
  analyzeInputPorts,
  type Evidence,
  EXPOSURE_PORTS,
  type ExposureQuery,
  type ExposureResult,
  type InputPolicy,
  type InputSummary,
  inputPolicy,
  inputSummary,
  isEffectivelyEmpty,
  type PathCondition,
  type PathOutcome,
  type Protocol,
  reachableInputRules,
  type Verdict,
} from "./analyze.js";
export { iptablesModel } from "./compile-iptables.js";
export { nftModel } from "./compile-nft.js";
export {
  type IptablesParseOptions,
  type IptablesParseResult,
  parseIptablesSave,
} from "./iptables-save.js";
export type { Cond, FirewallModel, ModelChain, ModelRule, Stage } from "./model.js";
export { type NftParseOptions, type NftParseResult, parseNftRuleset } from "./nft.js";
export type * from "./types.js";

export type DumpFormat = "iptables" | "nft";

/** Tells `iptables-save` output from `nft list ruleset` output. */
export function detectFormat(text: string): DumpFormat {
  if (/^\s*(\*[a-z]+\s*$|:[^\s]+\s+\S+\s*(\[\d+:\d+\])?\s*$|-A\s|COMMIT\s*$)/m.test(text)) {
    return "iptables";
  }
  if (/^\s*(table|add\s+(rule|chain|table)|flush\s+ruleset)\b/m.test(text)) return "nft";
  return "iptables";
}

export interface FirewallDump {
  format: DumpFormat;
  /** The syntax tree: iptables tables/chains/rules, or nft tables/chains/rules/sets. */
  syntax: IptablesDump | NftRuleset;
  model: FirewallModel;
  /** Parse diagnostics, then model-building ones. */
  diagnostics: FirewallDiagnostic[];
}

/** Parses a saved ruleset of either format (detected unless given) and builds its model. */
export function parseFirewallDump(
  text: string,
  options: { file?: string; format?: DumpFormat; family?: "ipv4" | "ipv6" } = {},
): FirewallDump {
  const format = options.format ?? detectFormat(text);
  const file = options.file ?? "<firewall dump>";
  if (format === "nft") {
    const { ruleset, diagnostics } = parseNftRuleset(text, { file });
    const model = nftModel(ruleset);
    return { format, syntax: ruleset, model, diagnostics: [...diagnostics, ...model.diagnostics] };
  }
  const { dump, diagnostics } = parseIptablesSave(text, {
    file,
    ...(options.family ? { family: options.family } : {}),
  });
  const model = iptablesModel(dump);
  return { format, syntax: dump, model, diagnostics: [...diagnostics, ...model.diagnostics] };
}

/** Parses and answers for several ports in one go; for quick checks and reports. */
export function exposureOf(
  text: string,
  ports: readonly { port: number; protocol?: "tcp" | "udp" | "sctp" }[],
  options: { file?: string; interface?: string } = {},
): ExposureResult[] {
  const { model } = parseFirewallDump(text, options.file ? { file: options.file } : {});
  return ports.map((p) =>
    analyzeInput(model, {
      port: p.port,
      protocol: p.protocol ?? "tcp",
      ...(options.interface !== undefined ? { interface: options.interface } : {}),
    }),
  );
}
