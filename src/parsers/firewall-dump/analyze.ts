/**
 * The exposure question: is a NEW packet to port P/proto, from an arbitrary internet address,
 * arriving on an arbitrary non-loopback interface, accepted by this host's input path?
 *
 * The packet is followed through the base chains it meets (iptables: raw/mangle/nat PREROUTING,
 * mangle/filter/security INPUT; nft: the prerouting and input hooks by priority), into jumps and
 * gotos and back on RETURN, until a verdict or a chain policy decides. What the dump cannot tell
 * (which interface, the contents of an ipset, the host's own addresses, a MAC address...) is
 * explored both ways; if the outcomes differ, the answer is "unknown" with both sides shown.
 *
 * "An arbitrary internet address" is taken to be outside every specific network a rule names
 * (`-s 10.0.0.0/8`, `-s 203.0.113.7`): such rules neither accept nor block it. A prefix covering
 * the whole internet (`0.0.0.0/0`, `2000::/3`) contains it; a very broad one (shorter than /8,
 * IPv6 /16) is undecided. About a first packet, the analysis assumes: it is a TCP SYN, it is within
 * rate limits, its source is not on any `recent` list yet, it is a first connection (connlimit),
 * the client uses an unprivileged source port, it passes reverse-path filtering, it is not IPsec.
 * Each assumption that decided a rule is listed in the result.
 */
import type { Cond, FirewallModel, ModelChain, ModelRule, Stage } from "./model.js";
import {
  classifySource,
  formatPortRanges,
  type IpFamily,
  isNeverLocalUnicastDestination,
  type PortRange,
  type Prefix,
  parsePrefix,
  portInRanges,
  prefixContains,
  rangesCover,
  rangesIntersect,
} from "./net.js";

export type Verdict = "accepted" | "dropped" | "unknown";
export type Protocol = "tcp" | "udp" | "sctp";

export interface ExposureQuery {
  port: number;
  /** Default tcp. */
  protocol?: Protocol;
  /** Default: the dump's family, or ipv4 for an nft ruleset. */
  family?: IpFamily;
  /** The interface the packet arrives on, when known (e.g. the WAN device); otherwise any but lo. */
  interface?: string;
  /** The host's own addresses, to decide `-d` rules; otherwise such rules are undecided. */
  localAddresses?: string[];
  /** Exploration limits (defaults 256 paths, 500 000 rule evaluations). */
  maxPaths?: number;
  maxSteps?: number;
}

/** Where a decision was made. */
export interface Evidence {
  kind: "rule" | "policy";
  table: string;
  /** The chain holding the rule (for a policy: the base chain). */
  chain: string;
  /** Chains from the base chain down to `chain`, as entered by jumps and gotos. */
  chainPath: string[];
  /** The lines of the jumps/gotos along `chainPath`. */
  via: number[];
  /** The rule's line, or the line declaring the policy (0 when implicit). */
  line: number;
  text: string;
  /** ACCEPT, DROP, REJECT, NFQUEUE, DNAT, "policy DROP", ... */
  target: string;
}

/** A condition the dump cannot decide, and which way one explored path took it. */
export interface PathCondition {
  key: string;
  /** e.g. "input interface is eth1" / "input interface is not eth1". */
  description: string;
  holds: boolean;
  line: number;
  chain: string;
  text: string;
}

export interface Assumption {
  line: number;
  chain: string;
  text: string;
  note: string;
}

export interface PathOutcome {
  verdict: Verdict;
  evidence: Evidence;
  /** For "unknown": why this path has no verdict. */
  why?: string;
  conditions: PathCondition[];
  assumptions: Assumption[];
  /** ACCEPT rules passed on this path only because of their source restriction. */
  acceptedFromSources: { sources: string; evidence: Evidence }[];
  /** The decision of each base chain traversed. */
  stages: Evidence[];
}

export interface ExposureResult {
  port: number;
  protocol: Protocol;
  family: IpFamily;
  interface?: string;
  verdict: Verdict;
  /** The deciding rule or policy, when the verdict is accepted or dropped. */
  decidedBy?: Evidence;
  /** One line for humans. */
  summary: string;
  /** For "unknown": why, each with its rule line. */
  reasons: string[];
  /** Assumptions that decided rules on the representative path. */
  assumptions: Assumption[];
  /**
   * ACCEPT rules the representative path passed only because of their source restriction: who
   * else is let in (e.g. 5060/udp from a SIP provider's network).
   */
  acceptedFromSources: { sources: string; evidence: Evidence }[];
  /** Every explored path (the first is the representative one: all undecided conditions false). */
  paths: PathOutcome[];
  /** False when the exploration stopped early (conflicting outcomes found, or a limit reached). */
  complete: boolean;
  caveats: string[];
}

interface Pkt {
  family: IpFamily;
  proto: Protocol;
  dport: number;
  origDport: number;
  ctstate: "NEW" | "UNTRACKED";
  dnat: boolean;
  mark: number | undefined;
  ctmark: number | undefined;
}

interface Frame {
  chain: ModelChain;
  index: number;
  /** The line of the jump/goto that entered this chain (0 for a base chain). */
  viaLine: number;
  /** Entered by goto: when it ends, the chain that did the goto ends too. */
  isGoto: boolean;
}

interface PathState {
  pkt: Pkt;
  facts: Map<string, boolean>;
  ifPos: string[];
  ifNeg: string[];
  conditions: PathCondition[];
  assumptions: Assumption[];
  accepted: { sources: string; evidence: Evidence }[];
  stageIdx: number;
  stack: Frame[];
  stageDecisions: { stage: Stage; evidence: Evidence }[];
}

interface Branch {
  key: string;
  yes: string;
  no: string;
  /** An interface pattern to add to the positive/negative lists instead of a fact. */
  iface?: string;
}

type CondResult = true | false | Branch;

const MAX_DEPTH = 64;

// ---------------------------------------------------------------------------------------------
// Interfaces: exact names and `prefix+` wildcards

function ifMatch(pattern: string, name: string): boolean {
  return pattern.endsWith("+") ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/** Every name matching p matches q. */
function ifSubset(p: string, q: string): boolean {
  if (!p.endsWith("+")) return ifMatch(q, p);
  return q.endsWith("+") && p.slice(0, -1).startsWith(q.slice(0, -1));
}

function ifDisjoint(p: string, q: string): boolean {
  const pw = p.endsWith("+");
  const qw = q.endsWith("+");
  const ps = pw ? p.slice(0, -1) : p;
  const qs = qw ? q.slice(0, -1) : q;
  if (!pw && !qw) return ps !== qs;
  if (!pw) return !ps.startsWith(qs);
  if (!qw) return !qs.startsWith(ps);
  return !ps.startsWith(qs) && !qs.startsWith(ps);
}

function decideIface(
  pattern: string,
  st: PathState,
  pinned: string | undefined,
): boolean | undefined {
  if (pattern === "+") return true;
  if (pinned !== undefined) return ifMatch(pattern, pinned);
  for (const q of st.ifPos) {
    if (ifSubset(q, pattern)) return true;
    if (ifDisjoint(q, pattern)) return false;
  }
  for (const q of st.ifNeg) if (ifSubset(pattern, q)) return false;
  return undefined;
}

// ---------------------------------------------------------------------------------------------

const EPHEMERAL: PortRange = [1024, 65535];

function complement(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: PortRange[] = [];
  let next = 0;
  for (const [a, b] of sorted) {
    if (a > next) out.push([next, a - 1]);
    next = Math.max(next, b + 1);
  }
  if (next <= 65535) out.push([next, 65535]);
  return out;
}

function flip(r: CondResult, neg: boolean): CondResult {
  if (!neg || typeof r === "object") return r;
  return !r;
}

interface Env {
  /** Memo for `alwaysRefuses`. */
  refuses: Map<ModelChain, boolean>;
  model: FirewallModel;
  query: Required<Pick<ExposureQuery, "port">> & ExposureQuery;
  local: Prefix[] | undefined;
  marksTested: boolean;
}

/** Evaluates one condition; `src` tells that a false came from a specific source restriction. */
function evalCond(
  c: Cond,
  st: PathState,
  env: Env,
  rule: ModelRule,
): { r: CondResult; src?: boolean; note?: string } {
  const pkt = st.pkt;
  const fact = (b: Branch): CondResult => {
    const f = st.facts.get(b.key);
    return f === undefined ? b : f;
  };
  switch (c.k) {
    case "proto": {
      const hit = c.protos.some((p) => p === "all" || p === pkt.proto);
      return { r: c.neg ? !hit : hit };
    }
    case "family":
      return { r: (pkt.family === c.family) !== c.neg };
    case "dport": {
      const port = c.orig ? pkt.origDport : pkt.dport;
      return { r: portInRanges(port, c.ranges) !== c.neg };
    }
    case "anyport":
    case "sport": {
      if (c.k === "anyport" && portInRanges(pkt.dport, c.ranges)) return { r: !c.neg };
      const eff = c.neg ? complement(c.ranges) : c.ranges;
      if (eff.length === 0) return { r: false };
      if (rangesCover(eff, 0, 65535)) return { r: true };
      if (rangesCover(eff, EPHEMERAL[0], EPHEMERAL[1])) {
        return { r: true, note: "the client uses an unprivileged source port (1024-65535)" };
      }
      const acceptish = canHelpAccept(rule, env);
      if (!rangesIntersect(eff, EPHEMERAL[0], EPHEMERAL[1]) && !acceptish) {
        return { r: false, note: "the client uses an unprivileged source port (1024-65535)" };
      }
      const text = `${c.neg ? "not " : ""}${formatPortRanges(c.ranges)}`;
      return {
        r: fact({
          key: `sport:${text}`,
          yes: `the client's source port is ${text}`,
          no: `the client's source port is not ${text}`,
        }),
      };
    }
    case "saddr": {
      let all = false;
      let broad = c.bad.length > 0;
      let specific = false;
      for (const n of c.nets) {
        if (n.family !== pkt.family) continue;
        const cls = classifySource(n);
        if (cls === "all") all = true;
        else if (cls === "broad") broad = true;
        else specific = true;
      }
      if (all) return { r: !c.neg };
      if (broad) {
        const b = fact({
          key: `saddr:${c.text}`,
          yes: `the source address is in ${c.text}`,
          no: `the source address is not in ${c.text}`,
        });
        return { r: flip(b, c.neg) };
      }
      // an arbitrary internet address is outside every specific network
      return c.neg ? { r: true } : { r: false, src: specific };
    }
    case "daddr": {
      const nets = c.nets.filter((n) => n.family === pkt.family);
      const branch: Branch = {
        key: `daddr:${c.text}`,
        yes: `the packet is addressed to ${c.text}${env.local ? "" : " (one of the host's addresses?)"}`,
        no: `the packet is not addressed to ${c.text}`,
      };
      let r: CondResult;
      if (nets.some((n) => n.len === 0)) {
        r = true;
      } else {
        const possible = nets.filter((n) => !isNeverLocalUnicastDestination(n));
        const local = env.local?.filter((a) => a.family === pkt.family);
        if (c.bad.length) {
          r = fact(branch);
        } else if (possible.length === 0) {
          r = false;
        } else if (local?.length) {
          const inside = local.filter((a) => possible.some((n) => prefixContains(n, a))).length;
          r = inside === 0 ? false : inside === local.length ? true : fact(branch);
        } else {
          r = fact(branch);
        }
      }
      return { r: flip(r, c.neg) };
    }
    case "iif": {
      let pending: string | undefined;
      let hit = false;
      for (const name of c.names) {
        const d = decideIface(name, st, env.query.interface);
        if (d === true) {
          hit = true;
          break;
        }
        if (d === undefined && pending === undefined) pending = name;
      }
      if (hit) return { r: !c.neg };
      if (pending !== undefined) {
        const shown = pending.endsWith("+") ? `${pending.slice(0, -1)}*` : pending;
        return {
          r: {
            key: `iif:${pending}`,
            iface: pending,
            yes: `the input interface is ${shown}`,
            no: `the input interface is not ${shown}`,
          },
        };
      }
      return { r: c.neg };
    }
    case "oif":
      // on the input path there is no output interface
      return { r: c.neg };
    case "ctstate": {
      const hit = c.states.includes(pkt.ctstate) || (pkt.dnat && c.states.includes("DNAT"));
      return { r: hit !== c.neg };
    }
    case "tcpflags": {
      if (pkt.proto !== "tcp") return { r: false };
      // a NEW TCP packet is a SYN: its flags are exactly {SYN}
      const masked = new Set<string>(c.mask.filter((f) => f === "SYN"));
      const comp = new Set(c.comp);
      const hit = c.any
        ? masked.size > 0
        : masked.size === comp.size && [...comp].every((f) => masked.has(f));
      return { r: hit !== c.neg };
    }
    case "mark": {
      const v = c.conn ? pkt.ctmark : pkt.mark;
      if (v === undefined) {
        const text = `${c.conn ? "connmark" : "mark"} ${c.value}/${c.mask}`;
        return {
          r: flip(
            fact({
              key: `mark:${text}`,
              yes: `the ${text} matches`,
              no: `the ${text} does not match`,
            }),
            c.neg,
          ),
        };
      }
      return { r: ((v & c.mask) >>> 0 === (c.value & c.mask) >>> 0) !== c.neg };
    }
    case "set":
      return {
        r: flip(
          fact({
            key: `set:${c.text}`,
            yes: `the packet matches ${c.text} (contents not in the dump)`,
            no: `the packet does not match ${c.text}`,
          }),
          c.neg,
        ),
      };
    case "anyOf": {
      let undecided = false;
      for (const alt of c.alts) {
        let all = true;
        let no = false;
        for (const x of alt) {
          const r = evalCond(x, st, env, rule).r;
          if (r === false) {
            no = true;
            break;
          }
          if (r !== true) all = false;
        }
        if (no) continue;
        if (all) return { r: !c.neg };
        undecided = true;
      }
      if (!undecided) return { r: c.neg };
      return {
        r: flip(
          fact({
            key: `anyof:${c.text}`,
            yes: `${c.text} matches`,
            no: `${c.text} does not match`,
          }),
          c.neg,
        ),
      };
    }
    case "assume":
      return { r: c.value, note: c.note };
    case "opaque":
      return {
        r: fact({
          key: `opaque:${c.about}`,
          yes: `${c.about}: matches`,
          no: `${c.about}: does not match`,
        }),
      };
  }
}

/** Conditions that hold for every packet (no condition, or only assumed-true ones). */
function unconditional(rule: ModelRule): boolean {
  return rule.conds.every((c) => c.k === "assume" && c.value);
}

/**
 * A chain that refuses every packet entering it: before any rule that could accept or return, an
 * unconditional DROP/REJECT (or a jump/goto into such a chain) is reached.
 */
function alwaysRefuses(chain: ModelChain, env: Env, depth = 0): boolean {
  const memo = env.refuses.get(chain);
  if (memo !== undefined) return memo;
  env.refuses.set(chain, false); // a loop refuses nothing
  let result = false;
  for (const r of chain.rules) {
    const a = r.action;
    if (a.k === "continue") continue;
    let refusing = a.k === "drop";
    if ((a.k === "jump" || a.k === "goto") && depth < MAX_DEPTH) {
      const t = env.model.chains.get(env.model.chainKey(r.table, a.chain));
      refusing = t !== undefined && alwaysRefuses(t, env, depth + 1);
    }
    if (!refusing) break;
    if (unconditional(r)) {
      result = true;
      break;
    }
  }
  env.refuses.set(chain, result);
  return result;
}

/**
 * Whether matching this rule could let a packet in that would otherwise be refused. A rule that
 * only refuses (DROP, a jump into a chain that always drops) cannot, so a crafted source port
 * that only such rules single out does not change the answer for an ordinary client.
 */
function canHelpAccept(rule: ModelRule, env: Env): boolean {
  const a = rule.action;
  if (a.k === "drop" || a.k === "continue") return false;
  if (a.k === "jump" || a.k === "goto") {
    const t = env.model.chains.get(env.model.chainKey(rule.table, a.chain));
    return !(t && alwaysRefuses(t, env));
  }
  return true;
}

type RuleEval =
  | { kind: "match"; notes: string[] }
  | { kind: "nomatch"; notes: string[]; onlySource: boolean }
  | { kind: "branch"; branch: Branch };

function evalRule(rule: ModelRule, st: PathState, env: Env): RuleEval {
  let branch: Branch | undefined;
  let falseOther = false;
  let falseSource = false;
  const notes: string[] = [];
  const falseNotes: string[] = [];
  for (const c of rule.conds) {
    const { r, src, note } = evalCond(c, st, env, rule);
    if (r === false) {
      if (src) falseSource = true;
      else if (note) falseNotes.push(note);
      else falseOther = true;
    } else if (r === true) {
      if (note) notes.push(note);
    } else {
      branch ??= r;
    }
  }
  if (falseOther || falseSource || falseNotes.length) {
    // an assumption is worth reporting when it alone made the rule miss
    const decisive = !falseOther && !falseSource && !branch;
    return {
      kind: "nomatch",
      notes: decisive ? falseNotes : [],
      onlySource: falseSource && !falseOther && !falseNotes.length && !branch,
    };
  }
  if (branch) return { kind: "branch", branch };
  return { kind: "match", notes };
}

function cloneState(st: PathState): PathState {
  return {
    pkt: { ...st.pkt },
    facts: new Map(st.facts),
    ifPos: [...st.ifPos],
    ifNeg: [...st.ifNeg],
    conditions: [...st.conditions],
    assumptions: [...st.assumptions],
    accepted: [...st.accepted],
    stageIdx: st.stageIdx,
    stack: st.stack.map((f) => ({ ...f })),
    stageDecisions: [...st.stageDecisions],
  };
}

function applyBranch(st: PathState, b: Branch, holds: boolean, rule: ModelRule): void {
  if (b.iface !== undefined) (holds ? st.ifPos : st.ifNeg).push(b.iface);
  else st.facts.set(b.key, holds);
  st.conditions.push({
    key: b.key,
    description: holds ? b.yes : b.no,
    holds,
    line: rule.line,
    chain: rule.chain,
    text: rule.text,
  });
}

function chainLabel(c: ModelChain): string {
  return c.name;
}

function evidenceFor(
  st: PathState,
  rule: ModelRule | undefined,
  stage: Stage,
  target: string,
): Evidence {
  const frames = st.stack;
  const chainPath = frames.length
    ? frames.map((f) => chainLabel(f.chain))
    : [chainLabel(stage.chain)];
  const via = frames.slice(1).map((f) => f.viaLine);
  if (rule) {
    return {
      kind: "rule",
      table: rule.table,
      chain: rule.chain,
      chainPath,
      via,
      line: rule.line,
      text: rule.text,
      target,
    };
  }
  return {
    kind: "policy",
    table: stage.chain.table,
    chain: stage.chain.name,
    chainPath: [chainLabel(stage.chain)],
    via: [],
    line: stage.chain.policyLine,
    text: stage.chain.policyText,
    target,
  };
}

function actionTarget(rule: ModelRule): string {
  const a = rule.action;
  switch (a.k) {
    case "accept":
      return "ACCEPT";
    case "drop":
      return a.target;
    case "dnat":
    case "unknown":
      return a.target;
    default:
      return a.k.toUpperCase();
  }
}

/** Whether running this rule's effects and action would change nothing for the packet. */
function isNoop(rule: ModelRule, st: PathState, stage: Stage, env: Env): boolean {
  if (rule.action.k !== "continue") return false;
  for (const e of rule.effects) {
    if (e.k === "notrack") {
      if (stage.hook === "prerouting" && st.pkt.ctstate !== "UNTRACKED") return false;
    } else if (env.marksTested) {
      return false;
    }
  }
  return true;
}

type Leaf = PathOutcome;

function runPath(st: PathState, env: Env, work: PathState[], budget: { steps: number }): Leaf {
  const { model } = env;
  const stages = model.stages;
  const leaf = (verdict: Verdict, evidence: Evidence, why?: string): Leaf => ({
    verdict,
    evidence,
    ...(why !== undefined ? { why } : {}),
    conditions: st.conditions,
    assumptions: st.assumptions,
    acceptedFromSources: st.accepted,
    stages: st.stageDecisions.map((d) => d.evidence),
  });
  const acceptedLeaf = (): Leaf => {
    const ds = st.stageDecisions;
    const filters = ds.filter((d) => d.stage.kind === "filter");
    const pick =
      [...filters].reverse().find((d) => d.stage.chain.rules.length > 0) ??
      filters[filters.length - 1] ??
      ds[ds.length - 1];
    const evidence: Evidence = pick?.evidence ?? {
      kind: "policy",
      table: "",
      chain: "",
      chainPath: [],
      via: [],
      line: 0,
      text: "(no input chains: nothing filters input)",
      target: "ACCEPT",
    };
    return leaf("accepted", evidence);
  };
  for (;;) {
    if (st.stack.length === 0) {
      // enter the next applicable stage
      let stage = stages[st.stageIdx];
      while (
        stage &&
        ((stage.family !== "any" && stage.family !== st.pkt.family) ||
          (stage.kind === "nat" && (st.pkt.ctstate === "UNTRACKED" || st.pkt.dnat)))
      ) {
        st.stageIdx++;
        stage = stages[st.stageIdx];
      }
      if (!stage) return acceptedLeaf();
      st.stack.push({ chain: stage.chain, index: 0, viaLine: 0, isGoto: false });
    }
    const stage = stages[st.stageIdx] as Stage;
    const frame = st.stack[st.stack.length - 1] as Frame;
    const endOfBase = (): Leaf | undefined => {
      const policy = stage.chain.policy ?? "accept";
      const ev = evidenceFor(st, undefined, stage, `policy ${policy.toUpperCase()}`);
      if (policy === "drop") return leaf("dropped", ev);
      st.stageDecisions.push({ stage, evidence: ev });
      st.stageIdx++;
      return undefined;
    };
    /** Leaves the current chain (end or RETURN); at the bottom, the base chain's policy applies. */
    const leaveChain = (): Leaf | undefined => {
      let popped = st.stack.pop();
      while (popped?.isGoto) popped = st.stack.pop();
      return st.stack.length === 0 ? endOfBase() : undefined;
    };
    if (frame.index >= frame.chain.rules.length) {
      const l = leaveChain();
      if (l) return l;
      continue;
    }
    const rule = frame.chain.rules[frame.index] as ModelRule;
    frame.index++;
    if (--budget.steps < 0) {
      return leaf(
        "unknown",
        evidenceFor(st, rule, stage, actionTarget(rule)),
        "analysis step limit reached",
      );
    }
    if (isNoop(rule, st, stage, env)) continue;
    const ev = evalRule(rule, st, env);
    if (ev.kind === "branch") {
      const other = cloneState(st);
      (other.stack[other.stack.length - 1] as Frame).index--;
      applyBranch(other, ev.branch, true, rule);
      work.push(other);
      frame.index--;
      applyBranch(st, ev.branch, false, rule);
      continue;
    }
    if (ev.kind === "nomatch") {
      for (const note of ev.notes) pushAssumption(st, rule, note);
      if (ev.onlySource && rule.action.k === "accept" && st.accepted.length < 20) {
        const srcs = rule.conds
          .filter((c): c is Extract<Cond, { k: "saddr" }> => c.k === "saddr" && !c.neg)
          .map((c) => c.text)
          .join(" ");
        st.accepted.push({ sources: srcs, evidence: evidenceFor(st, rule, stage, "ACCEPT") });
      }
      continue;
    }
    for (const note of ev.notes) pushAssumption(st, rule, note);
    // the rule matches: effects, then the action
    for (const e of rule.effects) {
      const p = st.pkt;
      switch (e.k) {
        case "notrack":
          if (stage.hook === "prerouting") p.ctstate = "UNTRACKED";
          break;
        case "mark":
          if (p.mark !== undefined) p.mark = ((p.mark & ~e.mask) | (e.value & e.mask)) >>> 0;
          break;
        case "connmark":
          if (p.ctmark !== undefined) p.ctmark = ((p.ctmark & ~e.mask) | (e.value & e.mask)) >>> 0;
          break;
        case "connmark-save":
          p.ctmark = p.mark;
          break;
        case "connmark-restore":
          p.mark = p.ctmark;
          break;
        case "mark-unknown":
          p.mark = undefined;
          break;
      }
    }
    const a = rule.action;
    switch (a.k) {
      case "continue":
        break;
      case "accept":
        st.stageDecisions.push({ stage, evidence: evidenceFor(st, rule, stage, "ACCEPT") });
        st.stack = [];
        st.stageIdx++;
        break;
      case "drop":
        return leaf("dropped", evidenceFor(st, rule, stage, a.target));
      case "return": {
        const l = leaveChain();
        if (l) return l;
        break;
      }
      case "jump":
      case "goto": {
        const target = model.chains.get(model.chainKey(rule.table, a.chain));
        const ev2 = evidenceFor(st, rule, stage, a.k);
        if (!target)
          return leaf("unknown", ev2, `${a.k} to a chain that does not exist: ${a.chain}`);
        if (st.stack.some((f) => f.chain === target) || st.stack.length >= MAX_DEPTH) {
          return leaf("unknown", ev2, `chain loop or nesting too deep at ${a.chain}`);
        }
        st.stack.push({ chain: target, index: 0, viaLine: rule.line, isGoto: a.k === "goto" });
        break;
      }
      case "dnat": {
        const ev2 = evidenceFor(st, rule, stage, a.target);
        if (stage.kind !== "nat") {
          return leaf("unknown", ev2, `${a.target} outside a nat chain`);
        }
        const toAddr = a.addr !== undefined ? parsePrefix(a.addr.split("-")[0] ?? "") : undefined;
        const toLocal =
          a.local ||
          a.addr === undefined ||
          (toAddr !== undefined && env.local?.some((l) => prefixContains(toAddr, l)));
        if (!toLocal) {
          return leaf(
            "unknown",
            ev2,
            `the packet is redirected by ${a.target} to ${a.to}: forwarded to another host, not decided by the input path`,
          );
        }
        st.pkt.dnat = true;
        if (a.port !== undefined) st.pkt.dport = a.port;
        st.stageDecisions.push({ stage, evidence: ev2 });
        st.stack = [];
        st.stageIdx++;
        break;
      }
      case "unknown":
        return leaf("unknown", evidenceFor(st, rule, stage, a.target), a.why);
    }
  }
}

function pushAssumption(st: PathState, rule: ModelRule, note: string): void {
  if (!note || st.assumptions.length >= 32) return;
  if (st.assumptions.some((a) => a.line === rule.line && a.note === note)) return;
  st.assumptions.push({ line: rule.line, chain: rule.chain, text: rule.text, note });
}

const marksTestedCache = new WeakMap<FirewallModel, boolean>();

function cached<T>(
  cache: WeakMap<FirewallModel, T>,
  model: FirewallModel,
  f: (m: FirewallModel) => T,
): T {
  let v = cache.get(model);
  if (v === undefined) {
    v = f(model);
    cache.set(model, v);
  }
  return v;
}

function modelTestsMarks(model: FirewallModel): boolean {
  for (const c of model.chains.values()) {
    for (const r of c.rules) {
      const tests = (cs: Cond[]): boolean =>
        cs.some((x) => x.k === "mark" || (x.k === "anyOf" && x.alts.some(tests)));
      if (tests(r.conds)) return true;
    }
  }
  return false;
}

function describeEvidence(e: Evidence): string {
  const where = e.table ? `${e.table} ${e.chain}` : e.chain;
  if (e.kind === "policy") {
    return `policy ${e.target.replace(/^policy /, "")} of ${where}${e.line ? ` (line ${e.line})` : ""}`;
  }
  return `${e.target} at ${where} line ${e.line}: ${e.text}`;
}

/**
 * Decides whether a NEW packet to `query.port` from an arbitrary internet address is accepted by
 * the input path of `model`. Never throws.
 */
export function analyzeInput(model: FirewallModel, query: ExposureQuery): ExposureResult {
  const protocol: Protocol = query.protocol ?? "tcp";
  const family: IpFamily = query.family ?? (model.family === "any" ? "ipv4" : model.family);
  const local = query.localAddresses
    ?.map((a) => parsePrefix(a))
    .filter((p): p is Prefix => p !== undefined);
  const env: Env = {
    model,
    query,
    local: local?.length ? local : undefined,
    marksTested: cached(marksTestedCache, model, modelTestsMarks),
    refuses: new Map(),
  };
  const init: PathState = {
    pkt: {
      family,
      proto: protocol,
      dport: query.port,
      origDport: query.port,
      ctstate: "NEW",
      dnat: false,
      mark: 0,
      ctmark: 0,
    },
    facts: new Map(),
    ifPos: [],
    ifNeg: ["lo"],
    conditions: [],
    assumptions: [],
    accepted: [],
    stageIdx: 0,
    stack: [],
    stageDecisions: [],
  };
  const maxPaths = query.maxPaths ?? 256;
  const budget = { steps: query.maxSteps ?? 500_000 };
  const work: PathState[] = [init];
  const paths: PathOutcome[] = [];
  let complete = true;
  while (work.length) {
    if (paths.length >= maxPaths) {
      complete = false;
      break;
    }
    const st = work.pop() as PathState;
    const outcome = runPath(st, env, work, budget);
    paths.push(outcome);
    const verdicts = new Set(paths.map((p) => p.verdict));
    if (verdicts.has("unknown") || verdicts.size > 1) {
      complete = work.length === 0;
      break;
    }
  }
  const verdicts = new Set(paths.map((p) => p.verdict));
  const rep = paths[0] as PathOutcome;
  let verdict: Verdict;
  const reasons: string[] = [];
  if (verdicts.size === 1 && !verdicts.has("unknown") && complete) {
    verdict = rep.verdict;
  } else {
    verdict = "unknown";
    const unknownPath = paths.find((p) => p.verdict === "unknown");
    if (unknownPath) {
      reasons.push(
        `${unknownPath.why ?? "undecided"} (${describeEvidence(unknownPath.evidence)})${conditionsText(unknownPath.conditions)}`,
      );
    }
    const acc = paths.find((p) => p.verdict === "accepted");
    const drop = paths.find((p) => p.verdict === "dropped");
    if (acc && drop) {
      reasons.push(`accepted${differing(acc, drop)} by ${describeEvidence(acc.evidence)}`);
      reasons.push(`dropped${differing(drop, acc)} by ${describeEvidence(drop.evidence)}`);
    }
    if (!complete && !unknownPath && !(acc && drop)) {
      reasons.push(`analysis limit reached after ${paths.length} paths`);
    }
  }
  const what = `${protocol}/${query.port}`;
  const summary =
    verdict === "unknown"
      ? `${what} cannot be decided: ${reasons.join("; ")}`
      : `${what} ${verdict} by ${describeEvidence(rep.evidence)}`;
  const result: ExposureResult = {
    port: query.port,
    protocol,
    family,
    ...(query.interface !== undefined ? { interface: query.interface } : {}),
    verdict,
    ...(verdict !== "unknown" ? { decidedBy: rep.evidence } : {}),
    summary,
    reasons,
    assumptions: rep.assumptions,
    acceptedFromSources: rep.acceptedFromSources,
    paths,
    complete,
    caveats: env.marksTested
      ? [
          ...model.caveats,
          "packet marks are taken as 0 unless this ruleset sets them (tc or other tools may set them)",
        ]
      : model.caveats,
  };
  return result;
}

function conditionsText(cs: PathCondition[]): string {
  return cs.length
    ? ` when ${cs.map((c) => `${c.description} (line ${c.line})`).join(" and ")}`
    : "";
}

/** The conditions of `a` that `b` took the other way (or never met). */
function differing(a: PathOutcome, b: PathOutcome): string {
  const other = new Map(b.conditions.map((c) => [c.key, c.holds]));
  const diff = a.conditions.filter((c) => other.get(c.key) !== c.holds);
  return conditionsText(diff.length ? diff : a.conditions);
}

// ---------------------------------------------------------------------------------------------
// Policy and emptiness

export interface InputPolicy {
  policy: "accept" | "drop";
  table: string;
  chain: string;
  /** The line setting the policy; 0 when implicit (no filter table, no input chain). */
  line: number;
  text: string;
  implicit: boolean;
}

function primaryStages(model: FirewallModel): Stage[] {
  const filters = model.stages.filter((s) => s.hook === "input" && s.kind === "filter");
  const primary = filters.filter((s) => s.primary);
  return primary.length ? primary : filters;
}

/**
 * The default policy of the input path: iptables' filter INPUT policy; for nftables, the filter
 * base chains on the input hook (a drop policy in any of them wins).
 */
export function inputPolicy(model: FirewallModel): InputPolicy {
  const stages = primaryStages(model);
  const pick = stages.find((s) => s.chain.policy === "drop") ?? stages[0];
  if (!pick) {
    return {
      policy: "accept",
      table: "",
      chain: "",
      line: 0,
      text: "(no input base chain: nothing filters input)",
      implicit: true,
    };
  }
  return {
    policy: pick.chain.policy ?? "accept",
    table: pick.chain.table,
    chain: pick.chain.name,
    line: pick.chain.policyLine,
    text: pick.chain.policyText,
    implicit: pick.chain.policyLine === 0,
  };
}

/** The rules a packet on the input path can meet: those of the stages and the chains they reach. */
export function reachableInputRules(model: FirewallModel): ModelRule[] {
  const seen = new Set<ModelChain>();
  const out: ModelRule[] = [];
  const visit = (c: ModelChain) => {
    if (seen.has(c)) return;
    seen.add(c);
    for (const r of c.rules) {
      out.push(r);
      if (r.action.k === "jump" || r.action.k === "goto") {
        const t = model.chains.get(model.chainKey(r.table, r.action.chain));
        if (t) visit(t);
      }
    }
  };
  for (const s of model.stages) visit(s.chain);
  return out;
}

export interface InputSummary {
  policy: InputPolicy;
  /**
   * Nothing on the input path can refuse a packet: every base chain's policy accepts and no
   * reachable rule drops, rejects or hands the packet elsewhere (e.g. Wazo's default: ACCEPT
   * policies and no rules).
   */
  effectivelyEmpty: boolean;
  /** Rules reachable from the input path's base chains. */
  reachableRules: number;
  /** All rules of the model. */
  totalRules: number;
}

export function inputSummary(model: FirewallModel): InputSummary {
  const reachable = reachableInputRules(model);
  const refusing = reachable.some(
    (r) => r.action.k === "drop" || r.action.k === "unknown" || r.action.k === "dnat",
  );
  const policiesAccept = model.stages.every((s) => (s.chain.policy ?? "accept") === "accept");
  let totalRules = 0;
  for (const c of model.chains.values()) totalRules += c.rules.length;
  return {
    policy: inputPolicy(model),
    effectivelyEmpty: policiesAccept && !refusing,
    reachableRules: reachable.length,
    totalRules,
  };
}

export function isEffectivelyEmpty(model: FirewallModel): boolean {
  return inputSummary(model).effectivelyEmpty;
}

/** The ports a PBX or router audit asks about. */
export const EXPOSURE_PORTS: readonly { port: number; protocol: Protocol; service: string }[] = [
  { port: 22, protocol: "tcp", service: "ssh" },
  { port: 23, protocol: "tcp", service: "telnet" },
  { port: 53, protocol: "udp", service: "dns" },
  { port: 53, protocol: "tcp", service: "dns" },
  { port: 80, protocol: "tcp", service: "http" },
  { port: 443, protocol: "tcp", service: "https" },
  { port: 5060, protocol: "udp", service: "sip" },
  { port: 5060, protocol: "tcp", service: "sip" },
  { port: 5061, protocol: "tcp", service: "sip-tls" },
  { port: 4569, protocol: "udp", service: "iax2" },
  { port: 5038, protocol: "tcp", service: "ami" },
  { port: 8088, protocol: "tcp", service: "ari-http" },
  { port: 8089, protocol: "tcp", service: "ari-https" },
];

/** Runs `analyzeInput` for several ports with the same options. */
export function analyzeInputPorts(
  model: FirewallModel,
  ports: readonly { port: number; protocol?: Protocol }[] = EXPOSURE_PORTS,
  options: Omit<ExposureQuery, "port" | "protocol"> = {},
): ExposureResult[] {
  return ports.map((p) =>
    analyzeInput(model, { ...options, port: p.port, protocol: p.protocol ?? "tcp" }),
  );
}
