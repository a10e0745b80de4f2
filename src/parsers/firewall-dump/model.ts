/**
 * The analysable form of a ruleset, shared by iptables and nftables: chains of rules, each a list
 * of conditions, some side effects and one action. The conditions are what the exposure analysis
 * (analyze.ts) knows how to decide for "a NEW packet from an arbitrary internet address".
 */
import type { IpFamily, PortRange, Prefix } from "./net.js";
import type { FirewallDiagnostic } from "./types.js";

export type Cond =
  /** Layer-4 protocol: names normalised (tcp, udp, sctp, icmp, icmpv6, ...); "all" matches any. */
  | { k: "proto"; protos: string[]; neg: boolean }
  /** The packet's network family (nft `meta nfproto`, `ip saddr` on an inet table). */
  | { k: "family"; family: IpFamily; neg: boolean }
  /** `orig`: the destination port before DNAT (conntrack `--ctorigdstport`). */
  | { k: "dport"; ranges: PortRange[]; neg: boolean; orig?: boolean }
  | { k: "sport"; ranges: PortRange[]; neg: boolean }
  /** multiport `--ports`: source or destination port. */
  | { k: "anyport"; ranges: PortRange[]; neg: boolean }
  /** Address lists; `bad` holds entries that could not be read (host names, garbage). */
  | { k: "saddr"; nets: Prefix[]; bad: string[]; neg: boolean; text: string }
  | { k: "daddr"; nets: Prefix[]; bad: string[]; neg: boolean; text: string }
  /** Interface names; a trailing `+` (iptables) or `*` (nft) is a prefix wildcard. */
  | { k: "iif"; names: string[]; neg: boolean }
  | { k: "oif"; names: string[]; neg: boolean }
  /** Conntrack states, upper case: NEW ESTABLISHED RELATED INVALID UNTRACKED DNAT SNAT. */
  | { k: "ctstate"; states: string[]; neg: boolean }
  /** TCP flags: (flags & mask) == comp, or with `any`, (flags & mask) != 0. */
  | { k: "tcpflags"; mask: string[]; comp: string[]; any?: boolean; neg: boolean }
  | { k: "mark"; value: number; mask: number; neg: boolean; conn: boolean }
  /** Contents not in the dump: an ipset, a dynamic nft set. */
  | { k: "set"; name: string; text: string; neg: boolean }
  /** nft concatenations (`ip saddr . tcp dport { 10.0.0.1 . 22, ... }`): one of the alternatives. */
  | { k: "anyOf"; alts: Cond[][]; neg: boolean; text: string }
  /** Decided by an assumption about a first packet (rate limits, recent lists, ...). */
  | { k: "assume"; value: boolean; note: string }
  /** Cannot be decided from the dump: the analysis considers both outcomes. */
  | { k: "opaque"; about: string };

export type Effect =
  | { k: "notrack" }
  | { k: "mark"; value: number; mask: number }
  | { k: "mark-unknown" }
  | { k: "connmark"; value: number; mask: number }
  | { k: "connmark-save" }
  | { k: "connmark-restore" };

export type Action =
  | { k: "accept" }
  | { k: "drop"; target: string }
  | { k: "return" }
  | { k: "continue" }
  | { k: "jump"; chain: string }
  | { k: "goto"; chain: string }
  /** nat: a new destination. `port` rewrites the destination port; `local` for REDIRECT. */
  | { k: "dnat"; target: string; to?: string; addr?: string; port?: number; local: boolean }
  /** The decision leaves the ruleset: NFQUEUE, SYNPROXY, an unknown target... */
  | { k: "unknown"; target: string; why: string };

export interface ModelRule {
  line: number;
  text: string;
  table: string;
  chain: string;
  conds: Cond[];
  effects: Effect[];
  action: Action;
}

export interface ModelChain {
  table: string;
  name: string;
  rules: ModelRule[];
  /** For a base chain. */
  policy?: "accept" | "drop";
  /** The line that sets the policy (0 when implicit). */
  policyLine: number;
  policyText: string;
}

export type StageKind = "raw" | "mangle" | "nat" | "filter" | "security";

/** A base chain the packet traverses on its way in, in order. */
export interface Stage {
  chain: ModelChain;
  hook: "prerouting" | "input";
  kind: StageKind;
  /** nft `ip`/`ip6` tables see one family; iptables dumps and `inet` tables see "any". */
  family: IpFamily | "any";
  /** The main filter/input chain (iptables filter INPUT). */
  primary: boolean;
}

export interface FirewallModel {
  format: "iptables" | "nft";
  file: string;
  /** For iptables: the dump's family. For nft: "any". */
  family: IpFamily | "any";
  /** Chains by `table/name` (nft: `family table/name`). */
  chains: Map<string, ModelChain>;
  stages: Stage[];
  /** What the analysis had to take for granted about this dump. */
  caveats: string[];
  /** Problems found while building the model (also in the parse diagnostics when from a parser). */
  diagnostics: FirewallDiagnostic[];
  /** Finds a chain a rule of `table` jumps to. */
  chainKey(table: string, name: string): string;
  /** Whether a MARK/CONNMARK (or nft `mark set`) appears anywhere in the ruleset. */
  marksSet: boolean;
}
