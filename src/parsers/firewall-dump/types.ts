/**
 * Syntax trees of saved firewall rulesets: `iptables-save`/`ip6tables-save` output and
 * `nft list ruleset` output. They keep what the files say (including matches and statements this
 * project does not understand) with line numbers; `model.ts` holds the analysable form.
 */

export interface FirewallDiagnostic {
  severity: "error" | "warning" | "info";
  file: string;
  /** 1-based; 0 when the diagnostic is about the file as a whole. */
  line: number;
  message: string;
}

// ---------------------------------------------------------------------------------------------
// iptables-save

export interface Negatable<T = string> {
  value: T;
  negated: boolean;
}

/** One `--option [values...]`, as written (the name keeps its dashes: `--dport`, `-s`). */
export interface IptOption {
  name: string;
  /** The spelling in the file when it was an abbreviation (`--mac` for `--mac-source`). */
  written?: string;
  values: string[];
  negated: boolean;
}

/** A `-m module` and its options. Options given after `-p tcp` without `-m tcp` get an implicit module. */
export interface IptMatch {
  module: string;
  implicit: boolean;
  options: IptOption[];
}

export interface IptTarget {
  name: string;
  /** `-g` (goto) rather than `-j` (jump). */
  goto: boolean;
  options: IptOption[];
}

export interface IptCounters {
  packets: number;
  bytes: number;
}

export interface IptRule {
  /** 1-based line in the file. */
  line: number;
  /** The line as written, trimmed. */
  text: string;
  table: string;
  chain: string;
  command: "-A" | "-I";
  counters?: IptCounters;
  protocol?: Negatable;
  source?: Negatable;
  destination?: Negatable;
  inInterface?: Negatable;
  outInterface?: Negatable;
  /** `-f` / `! -f`. */
  fragment?: { negated: boolean };
  matches: IptMatch[];
  /** Absent for a rule with no `-j`/`-g` (it only counts packets). */
  target?: IptTarget;
  comment?: string;
}

export interface IptChain {
  name: string;
  builtin: boolean;
  /** `ACCEPT`/`DROP` for a built-in chain; absent for a user chain (`-`). */
  policy?: string;
  /** The `:CHAIN POLICY [p:b]` line, or 0 when the chain was never declared. */
  line: number;
  text: string;
  counters?: IptCounters;
  rules: IptRule[];
}

export interface IptTable {
  name: string;
  line: number;
  /** Line of the `COMMIT`, or 0 when the table was never committed. */
  commitLine: number;
  chains: Map<string, IptChain>;
}

export interface IptablesDump {
  format: "iptables";
  file: string;
  family: "ipv4" | "ipv6";
  tables: Map<string, IptTable>;
  /** All rules, in file order. */
  ruleCount: number;
}

// ---------------------------------------------------------------------------------------------
// nftables

/** A value on the right of a relational expression. */
export type NftValue =
  | { kind: "atom"; text: string; quoted: boolean }
  /** `a, b, c` (ct state lists, flag lists) or `{ a, b }`. */
  | { kind: "set"; items: NftValue[]; braces: boolean }
  /** `@name` */
  | { kind: "named-set"; name: string }
  /** `a . b` */
  | { kind: "concat"; parts: NftValue[] }
  /** `a | b` (flag combinations), `(a | b)`. */
  | { kind: "flags"; items: string[] };

export type NftVerdict =
  | { kind: "accept" | "drop" | "return" | "continue" | "queue" }
  | { kind: "reject"; text: string }
  | { kind: "jump" | "goto"; chain: string };

export type NftStatement =
  /** `tcp dport { 22, 80 }`, `ip saddr != 10.0.0.0/8`, `ct state established,related` */
  | {
      kind: "match";
      selector: string;
      op: "==" | "!=" | "<" | ">" | "<=" | ">=";
      value: NftValue;
      /** `tcp flags & (syn | ack) == syn`, `ip saddr & 0.0.0.255 == 0.0.0.1` */
      mask?: NftValue;
      text: string;
    }
  /** `ct state vmap { established : accept, related : accept }` */
  | {
      kind: "vmap";
      selector: string;
      entries: { key: NftValue; verdict: NftVerdict }[];
      /** `vmap @name`: the map's contents. */
      mapName?: string;
      text: string;
    }
  | { kind: "verdict"; verdict: NftVerdict; text: string }
  /** counter, log, limit, notrack, mark set, dnat, redirect, masquerade, ... */
  | { kind: "statement"; name: string; args: string[]; text: string }
  /** What the parser could not read: the rest of the rule before its verdict. */
  | { kind: "unknown"; text: string };

export interface NftRule {
  line: number;
  text: string;
  statements: NftStatement[];
  comment?: string;
}

export interface NftChain {
  name: string;
  line: number;
  /** For a base chain: `type filter hook input priority 0; policy drop;` */
  base?: {
    type: string;
    hook: string;
    priority: number;
    priorityText: string;
    device?: string;
    line: number;
    text: string;
  };
  policy?: "accept" | "drop";
  policyLine: number;
  rules: NftRule[];
}

export interface NftSet {
  name: string;
  line: number;
  map: boolean;
  type: string;
  flags: string[];
  /** Elements as written; for a map, `key : value` pairs. */
  elements: NftValue[];
  /** Whether rules add to it or it times elements out: its contents are not known from the dump. */
  dynamic: boolean;
}

export interface NftTable {
  family: string;
  name: string;
  line: number;
  chains: Map<string, NftChain>;
  sets: Map<string, NftSet>;
}

export interface NftRuleset {
  format: "nft";
  file: string;
  tables: NftTable[];
  ruleCount: number;
}
