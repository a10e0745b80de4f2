/**
 * Asterisk PBX configuration (/etc/asterisk) to Facts. Each extractor reads its own files; the
 * dial plan runs last because it needs to know which endpoints are trunks and which contexts
 * face the outside.
 */
import type { Facts } from "../../facts/model.js";
import { known } from "../../facts/value.js";
import { extractAmi } from "./ami.js";
import { ASTERISK_DIR, type AsteriskContext } from "./context.js";
import { extractDialplan } from "./dialplan.js";
import { extractDistribution } from "./distribution.js";
import { extractAsteriskHttp } from "./http.js";
import { extractAsteriskLogging } from "./logging.js";
import { extractSip } from "./sip.js";

export type PbxExtractor = (ctx: AsteriskContext, facts: Facts) => void;

export const PBX_EXTRACTORS: PbxExtractor[] = [
  extractDistribution,
  extractSip,
  extractAmi,
  extractAsteriskHttp,
  extractAsteriskLogging,
  extractDialplan,
];

export function extractPbxFacts(ctx: AsteriskContext, facts: Facts): void {
  if (!ctx.hasAsterisk) return;
  const origin = {
    kind: "config" as const,
    file: ctx.tree.display(ASTERISK_DIR),
    excerpt: "Asterisk configuration directory",
  };
  facts.device.class = known("pbx", origin);
  facts.device.platform = known("asterisk", origin);
  for (const extract of PBX_EXTRACTORS) extract(ctx, facts);
  facts.pbx.execIncludes = ctx.execs.map((x) => ({ command: x.command, at: [x.origin] }));
}
