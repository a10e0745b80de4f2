/**
 * Linux host configuration to Facts: the SSH daemon, fail2ban, the saved firewall ruleset and the
 * listening sockets. Runs for any input that holds them (a PBX's /etc, a server's).
 */
import type { Facts } from "../../facts/model.js";
import type { ExtractContext } from "../context.js";
import { extractSystemAccounts } from "./accounts.js";
import { extractFail2ban } from "./fail2ban.js";
import { extractHostFirewall } from "./firewall.js";
import { extractListening } from "./listening.js";
import { extractSshd } from "./sshd.js";

export type HostExtractor = (ctx: ExtractContext, facts: Facts) => void;

/**
 * In order: services first (sshd; the PBX extractors ran before), then the sockets, then the
 * firewall, which evaluates the ports of both; everything derived from them (deriveHostReach)
 * runs after all extractors.
 */
export const HOST_EXTRACTORS: HostExtractor[] = [
  extractSystemAccounts,
  extractSshd,
  extractFail2ban,
  extractListening,
  extractHostFirewall,
];

export function extractHostFacts(ctx: ExtractContext, facts: Facts): void {
  for (const extract of HOST_EXTRACTORS) extract(ctx, facts);
}
