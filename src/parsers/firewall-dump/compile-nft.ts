/**
 * nftables syntax tree → analysable model. Base chains on the prerouting and input hooks of the
 * ip, ip6 and inet tables become stages, ordered by hook then priority. Named sets with their
 * elements in the dump are resolved; dynamic ones (timeouts, `add @set` from rules) are not.
 */
import { normalizeProto } from "./compile-iptables.js";
import type {
  Action,
  Cond,
  Effect,
  FirewallModel,
  ModelChain,
  ModelRule,
  Stage,
  StageKind,
} from "./model.js";
import {
  type IpFamily,
  type PortRange,
  type Prefix,
  parseAddressRange,
  parsePortRange,
  parsePrefix,
  splitNatTarget,
} from "./net.js";
import type {
  FirewallDiagnostic,
  NftChain,
  NftRule,
  NftRuleset,
  NftStatement,
  NftTable,
  NftValue,
  NftVerdict,
} from "./types.js";

type Diag = (severity: FirewallDiagnostic["severity"], line: number, message: string) => void;

function atoms(v: NftValue): string[] {
  switch (v.kind) {
    case "atom":
      return [v.text];
    case "set":
      return v.items.flatMap(atoms);
    case "flags":
      return [v.items.join("|")];
    case "concat":
      return [v.parts.flatMap(atoms).join(" . ")];
    case "named-set":
      return [`@${v.name}`];
  }
}

function valueText(v: NftValue): string {
  switch (v.kind) {
    case "atom":
      return v.quoted ? `"${v.text}"` : v.text;
    case "set":
      return v.braces
        ? `{ ${v.items.map(valueText).join(", ")} }`
        : v.items.map(valueText).join(",");
    case "named-set":
      return `@${v.name}`;
    case "concat":
      return v.parts.map(valueText).join(" . ");
    case "flags":
      return v.items.join("|");
  }
}

const TCP_FLAG_NAMES: Readonly<Record<string, string>> = {
  fin: "FIN",
  syn: "SYN",
  rst: "RST",
  psh: "PSH",
  ack: "ACK",
  urg: "URG",
  ecn: "ECE",
  ece: "ECE",
  cwr: "CWR",
};
const ALL_TCP_FLAGS = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"];

function flagsOf(v: NftValue): string[] | undefined {
  const out: string[] = [];
  const items =
    v.kind === "flags"
      ? v.items
      : v.kind === "atom"
        ? v.text.split("|")
        : v.kind === "set" && !v.braces
          ? v.items.flatMap((x) =>
              x.kind === "flags" ? x.items : x.kind === "atom" ? [x.text] : ["?"],
            )
          : ["?"];
  for (const f of items) {
    const n = TCP_FLAG_NAMES[f.toLowerCase()];
    if (!n) return undefined;
    out.push(n);
  }
  return out;
}

interface Ctx {
  table: NftTable;
  line: number;
  diag: Diag;
}

/** The elements a value stands for, resolving a named set when its contents are static. */
function elements(v: NftValue, ctx: Ctx): { items: NftValue[] } | { set: string; why: string } {
  if (v.kind === "named-set") {
    const set = ctx.table.sets.get(v.name);
    if (!set) {
      ctx.diag("error", ctx.line, `set @${v.name} is not defined in table ${ctx.table.name}`);
      return { set: v.name, why: "undefined set" };
    }
    if (set.dynamic) return { set: v.name, why: "dynamic set" };
    return { items: set.elements };
  }
  if (v.kind === "set") return { items: v.items };
  return { items: [v] };
}

function setCond(name: string, text: string, neg: boolean): Cond {
  return { k: "set", name, text: `nft set @${name} (${text})`, neg };
}

function portRanges(items: NftValue[], op: string): PortRange[] | undefined {
  const out: PortRange[] = [];
  for (const it of items) {
    if (it.kind !== "atom") return undefined;
    const r = parsePortRange(it.text);
    if (!r) return undefined;
    out.push(r);
  }
  if (op === "==" || op === "!=") return out;
  const [first] = out;
  if (!first || out.length !== 1) return undefined;
  const n = first[0];
  switch (op) {
    case "<":
      return n > 0 ? [[0, n - 1]] : [];
    case "<=":
      return [[0, n]];
    case ">":
      return n < 65535 ? [[n + 1, 65535]] : [];
    case ">=":
      return [[n, 65535]];
  }
  return undefined;
}

const PORT_PROTOS: Readonly<Record<string, string[]>> = {
  tcp: ["tcp"],
  udp: ["udp"],
  udplite: ["udplite"],
  sctp: ["sctp"],
  dccp: ["dccp"],
  th: ["tcp", "udp", "udplite", "sctp", "dccp"],
};

const OPAQUE_SELECTORS: Readonly<Record<string, string>> = {
  ether: "the sender's MAC address",
  vlan: "the VLAN",
  "meta time": "the time",
  "meta day": "the day of week",
  "meta hour": "the time of day",
  "meta cpu": "the receiving CPU",
  "meta skuid": "the socket owner",
  "meta skgid": "the socket group",
  "meta cgroup": "the socket cgroup",
  "meta length": "the packet length",
  "meta random": "a random number",
  "meta iiftype": "the interface type",
  "meta iifgroup": "the interface group",
  "meta ibrname": "the bridge",
  "meta priority": "the packet priority",
  "ct helper": "the conntrack helper",
  "ct zone": "the conntrack zone",
  "ct label": "conntrack labels",
  socket: "a local socket lookup",
  osf: "passive OS fingerprinting",
};

/** The protocol/family a selector implies (nft adds these dependencies itself). */
function selectorDeps(selector: string): Cond[] {
  const deps: Cond[] = [];
  for (const comp of selector.split(" . ")) {
    const head = comp.split(" ")[0] ?? "";
    if (head === "ip") deps.push({ k: "family", family: "ipv4", neg: false });
    if (head === "ip6") deps.push({ k: "family", family: "ipv6", neg: false });
    if (head === "icmp") {
      deps.push({ k: "family", family: "ipv4", neg: false });
      deps.push({ k: "proto", protos: ["icmp"], neg: false });
    }
    if (head === "icmpv6") {
      deps.push({ k: "family", family: "ipv6", neg: false });
      deps.push({ k: "proto", protos: ["icmpv6"], neg: false });
    }
    const ports = PORT_PROTOS[head];
    if (ports) deps.push({ k: "proto", protos: ports, neg: false });
    if (head === "igmp" || head === "esp" || head === "ah" || head === "gre") {
      deps.push({ k: "proto", protos: [head], neg: false });
    }
  }
  return deps;
}

/** One relational expression → conditions (with implicit protocol/family dependencies). */
function matchConds(
  selector: string,
  op: string,
  value: NftValue,
  mask: NftValue | undefined,
  ctx: Ctx,
): Cond[] {
  const neg = op === "!=";
  const [head = "", field = ""] = selector.split(" ");
  const deps = selectorDeps(selector);
  const opaque = (about: string): Cond[] => [...deps, { k: "opaque", about }];
  const text = `${selector}${mask ? ` & ${valueText(mask)}` : ""} ${op} ${valueText(value)}`;

  if (selector.includes(" . ")) {
    // a concatenation: each element is a tuple, matched component by component
    const comps = selector.split(" . ");
    const el = elements(value, ctx);
    if ("set" in el) return [...deps, setCond(el.set, el.why, neg)];
    const alts: Cond[][] = [];
    for (const item of el.items) {
      const parts = item.kind === "concat" ? item.parts : undefined;
      if (!parts || parts.length !== comps.length || mask || (op !== "==" && op !== "!=")) {
        return opaque(`nft ${text}`);
      }
      alts.push(comps.flatMap((c, k) => matchConds(c, "==", parts[k] as NftValue, undefined, ctx)));
    }
    return [...deps, { k: "anyOf", alts, neg, text }];
  }
  if (mask && (selector === "ip saddr" || selector === "ip6 saddr")) {
    // a masked source match (`ip6 saddr & ::ffff == ::1`) singles out a part of the address
    // space: an arbitrary internet address is taken to be outside it, like a specific prefix
    const m = atoms(mask)[0];
    const p = m ? parsePrefix(m) : undefined;
    let bits = 0;
    for (let a = p?.addr ?? 0n; a > 0n; a >>= 1n) bits += Number(a & 1n);
    if (
      p &&
      bits >= (p.family === "ipv4" ? 8 : 16) &&
      value.kind === "atom" &&
      (op === "==" || op === "!=")
    ) {
      return [
        ...deps,
        { k: "assume", value: neg, note: `an arbitrary internet address does not match ${text}` },
      ];
    }
    return opaque(`nft ${text}`);
  }
  if (mask && !(selector === "tcp flags" || selector === "meta mark" || selector === "ct mark")) {
    return opaque(`nft ${text}`);
  }
  const listOf = (): { items: NftValue[] } | { set: string; why: string } => elements(value, ctx);

  switch (selector) {
    case "ip saddr":
    case "ip6 saddr":
    case "ip daddr":
    case "ip6 daddr": {
      const el = listOf();
      if ("set" in el) return [...deps, setCond(el.set, el.why, neg)];
      const k = field === "saddr" ? "saddr" : "daddr";
      const strs = el.items.map((x) => (x.kind === "atom" ? x.text : valueText(x)));
      const nets: Prefix[] = [];
      const bad: string[] = [];
      for (const s of strs) {
        // a prefix, an address, or a range a-b
        const r = s.includes("-") ? parseAddressRange(s) : undefined;
        const p = r ? undefined : parsePrefix(s);
        if (r) nets.push(...r);
        else if (p) nets.push(p);
        else bad.push(s);
      }
      return [...deps, { k, nets, bad, neg, text: valueText(value) }];
    }
    case "ip protocol":
    case "ip6 nexthdr":
    case "meta l4proto": {
      const el = listOf();
      if ("set" in el) return [...deps, setCond(el.set, el.why, neg)];
      const protos = el.items.flatMap(atoms).map(normalizeProto);
      return [...deps, { k: "proto", protos, neg }];
    }
    case "meta nfproto":
    case "meta protocol": {
      const el = listOf();
      if ("set" in el) return [...deps, setCond(el.set, el.why, neg)];
      const fams = el.items
        .flatMap(atoms)
        .map((a) =>
          a === "ipv4" || a === "ip" ? "ipv4" : a === "ipv6" || a === "ip6" ? "ipv6" : "other",
        );
      const has4 = fams.includes("ipv4");
      const has6 = fams.includes("ipv6");
      if (has4 && has6) return [...deps, { k: "assume", value: !neg, note: "" }];
      if (!has4 && !has6) return [...deps, { k: "assume", value: neg, note: "" }];
      return [...deps, { k: "family", family: has4 ? "ipv4" : "ipv6", neg }];
    }
    case "tcp dport":
    case "udp dport":
    case "udplite dport":
    case "sctp dport":
    case "dccp dport":
    case "th dport":
    case "tcp sport":
    case "udp sport":
    case "udplite sport":
    case "sctp sport":
    case "dccp sport":
    case "th sport": {
      const el = listOf();
      if ("set" in el) return [...deps, setCond(el.set, el.why, neg)];
      const ranges = portRanges(el.items, op);
      if (!ranges) {
        ctx.diag(
          "warning",
          ctx.line,
          `cannot read ports "${valueText(value)}" (treated as undecidable)`,
        );
        return opaque(`nft ${text}`);
      }
      return [...deps, { k: field === "dport" ? "dport" : "sport", ranges, neg }];
    }
    case "tcp flags": {
      if (value.kind === "set" && value.braces) {
        // tcp flags { syn, syn|ack }: equality with one of them; a NEW packet's flags are SYN
        const hit = value.items.some((it) => {
          const f = flagsOf(it);
          return f !== undefined && f.length === 1 && f[0] === "SYN";
        });
        return [...deps, { k: "assume", value: hit !== neg, note: "" }];
      }
      const comp = flagsOf(value);
      const m = mask ? flagsOf(mask) : undefined;
      if (!comp || (mask && !m)) return opaque(`nft ${text}`);
      if (m) return [...deps, { k: "tcpflags", mask: m, comp, neg }];
      if (op === "==" && /==/.test(text)) {
        return [...deps, { k: "tcpflags", mask: ALL_TCP_FLAGS, comp, neg: false }];
      }
      // `tcp flags syn`: any of these bits set
      return [...deps, { k: "tcpflags", mask: comp, comp: [], any: true, neg }];
    }
    case "ct state": {
      const el = listOf();
      if ("set" in el) return [...deps, setCond(el.set, el.why, neg)];
      return [
        ...deps,
        { k: "ctstate", states: el.items.flatMap(atoms).map((s) => s.toUpperCase()), neg },
      ];
    }
    case "ct status": {
      const el = listOf();
      if ("set" in el) return [...deps, setCond(el.set, el.why, neg)];
      const st = el.items.flatMap(atoms).flatMap((s) => s.split("|"));
      // a NEW connection has only the nat bits; expected/seen-reply/assured/confirmed are unset
      const states = st.map((s) => (s === "dnat" ? "DNAT" : s === "snat" ? "SNAT" : `STATUS:${s}`));
      return [...deps, { k: "ctstate", states, neg }];
    }
    case "ct direction": {
      const d = atoms(value)[0];
      return [...deps, { k: "assume", value: (d === "original") !== neg, note: "" }];
    }
    case "meta mark":
    case "ct mark": {
      const v = atoms(value)[0] ?? "";
      const mk = mask ? atoms(mask)[0] : undefined;
      const num = (x: string | undefined) =>
        x !== undefined && /^(0x[0-9a-f]+|\d+)$/i.test(x) ? Number(x) >>> 0 : undefined;
      const value0 = num(v);
      const mask0 = mk === undefined ? 0xffffffff : num(mk);
      if (
        value0 === undefined ||
        mask0 === undefined ||
        value.kind !== "atom" ||
        (op !== "==" && op !== "!=")
      ) {
        return opaque(`nft ${text}`);
      }
      return [...deps, { k: "mark", value: value0, mask: mask0, neg, conn: head === "ct" }];
    }
    case "meta iifname":
    case "meta iif":
    case "meta oifname":
    case "meta oif": {
      const el = listOf();
      if ("set" in el) return [...deps, setCond(el.set, el.why, neg)];
      const names = el.items
        .flatMap(atoms)
        .map((n) => (n.endsWith("*") ? `${n.slice(0, -1)}+` : n));
      return [...deps, { k: field.startsWith("i") ? "iif" : "oif", names, neg }];
    }
    case "meta pkttype": {
      const t = atoms(value);
      return [
        ...deps,
        { k: "assume", value: t.some((x) => x === "host" || x === "unicast") !== neg, note: "" },
      ];
    }
    case "meta secpath":
    case "meta ipsec": {
      const t = atoms(value)[0];
      return [
        ...deps,
        {
          k: "assume",
          value: (t === "missing" || t === "0") !== neg,
          note: "the packet did not arrive through IPsec",
        },
      ];
    }
  }
  if (head === "fib") {
    const result = selector.split(" ").pop();
    const vals = atoms(value);
    if (selector.startsWith("fib daddr") && result === "type") {
      return [...deps, { k: "assume", value: vals.includes("local") !== neg, note: "" }];
    }
    if (selector.startsWith("fib saddr") && (result === "oif" || result === "oifname")) {
      // reverse-path filtering: a genuine internet source has a route back
      const missing = vals.includes("missing") || vals.includes("0");
      const exists = vals.includes("exists");
      if (missing || exists) {
        return [
          ...deps,
          {
            k: "assume",
            value: !!exists !== neg,
            note: "the internet source passes reverse-path filtering (not spoofed)",
          },
        ];
      }
    }
    return opaque(`nft ${text}`);
  }
  if (head === "icmp" || head === "icmpv6" || head === "igmp") return opaque(`nft ${text}`);
  // read, but not decidable from the dump: header fields, meta keys, ...
  const known = OPAQUE_SELECTORS[selector] ?? OPAQUE_SELECTORS[head];
  return opaque(known ? `${known} (nft ${text})` : `nft ${text}`);
}

function verdictAction(v: NftVerdict, table: NftTable, ctx: Ctx): Action {
  switch (v.kind) {
    case "accept":
      return { k: "accept" };
    case "drop":
      return { k: "drop", target: "drop" };
    case "reject":
      return { k: "drop", target: "reject" };
    case "return":
      return { k: "return" };
    case "continue":
      return { k: "continue" };
    case "queue":
      return { k: "unknown", target: "queue", why: "the packet is handed to a userspace program" };
    case "jump":
    case "goto":
      if (!table.chains.has(v.chain)) {
        ctx.diag("error", ctx.line, `${v.kind} to undefined chain "${v.chain}"`);
        return { k: "unknown", target: v.kind, why: `${v.kind} to undefined chain ${v.chain}` };
      }
      return { k: v.kind, chain: v.chain };
  }
}

function parseMarkValue(s: string | undefined): number | undefined {
  return s !== undefined && /^(0x[0-9a-f]+|\d+)$/i.test(s) ? Number(s) >>> 0 : undefined;
}

/** Compiles one rule; a vmap expands into one model rule per entry (same line). */
export function compileNftRule(
  rule: NftRule,
  table: NftTable,
  chainName: string,
  tableKey: string,
  diag: Diag,
): ModelRule[] {
  const ctx: Ctx = { table, line: rule.line, diag };
  const conds: Cond[] = [];
  const effects: Effect[] = [];
  let action: Action = { k: "continue" };
  let vmap: Extract<NftStatement, { kind: "vmap" }> | undefined;
  for (const s of rule.statements) {
    switch (s.kind) {
      case "match":
        conds.push(...matchConds(s.selector, s.op, s.value, s.mask, ctx));
        break;
      case "vmap":
        vmap = s;
        break;
      case "verdict":
        action = verdictAction(s.verdict, table, ctx);
        break;
      case "unknown":
        conds.push({ k: "opaque", about: `unreadable nft expression "${s.text}"` });
        break;
      case "statement":
        switch (s.name) {
          case "limit": {
            const over = s.args.includes("over");
            conds.push({
              k: "assume",
              value: !over,
              note: over
                ? `a first packet is not over the rate limit (${s.text})`
                : `a first packet is within the rate limit (${s.text})`,
            });
            break;
          }
          case "quota":
            conds.push({
              k: "assume",
              value: !s.args.includes("over"),
              note: `the quota is not used up (${s.text})`,
            });
            break;
          case "ct count": {
            const n = Number(s.args[s.args.length - 1]);
            const over = s.args.includes("over");
            conds.push({
              k: "assume",
              value: over ? !(n >= 1) : n >= 1,
              note: `a first connection is within the connection count limit (${s.text})`,
            });
            break;
          }
          case "notrack":
            effects.push({ k: "notrack" });
            break;
          case "meta mark set": {
            const v = parseMarkValue(s.args[2]);
            if (s.args[2] === "ct" && s.args[3] === "mark" && s.args.length === 4)
              effects.push({ k: "connmark-restore" });
            else if (v !== undefined && s.args.length === 3)
              effects.push({ k: "mark", value: v, mask: 0xffffffff });
            else effects.push({ k: "mark-unknown" });
            break;
          }
          case "ct mark set": {
            const v = parseMarkValue(s.args[2]);
            if (
              (s.args[2] === "mark" || s.args[3] === "mark") &&
              s.args.length <= 4 &&
              v === undefined
            ) {
              effects.push({ k: "connmark-save" });
            } else if (v !== undefined && s.args.length === 3) {
              effects.push({ k: "connmark", value: v, mask: 0xffffffff });
            } else effects.push({ k: "mark-unknown" });
            break;
          }
          case "dnat":
          case "redirect": {
            const to = s.args.filter(
              (a) =>
                a !== "to" &&
                a !== "ip" &&
                a !== "ip6" &&
                !/^(random|persistent|fully-random)$/.test(a),
            )[0];
            // `redirect to :8080` and `redirect to 8080` both name a port
            const t =
              s.name === "redirect"
                ? to && /^:?\d{1,5}$/.test(to)
                  ? { port: Number(to.replace(":", "")) }
                  : {}
                : to
                  ? splitNatTarget(to)
                  : {};
            action = {
              k: "dnat",
              target: s.name,
              local: s.name === "redirect" || t.addr === undefined,
              ...(to ? { to } : {}),
              ...t,
            };
            break;
          }
          case "snat":
          case "masquerade":
            action = { k: "accept" };
            break;
          case "synproxy":
            action = {
              k: "unknown",
              target: "synproxy",
              why: "SYNPROXY answers the handshake itself",
            };
            break;
          case "tproxy":
            action = {
              k: "unknown",
              target: "tproxy",
              why: "the packet is diverted to a transparent proxy",
            };
            break;
          case "fwd":
            action = {
              k: "unknown",
              target: "fwd",
              why: "the packet is forwarded to another device",
            };
            break;
          default:
            // counter, log, flow, set updates, ct helper set, dscp set, tcp option ... set: no effect
            if (
              s.name.endsWith(" set") &&
              s.name.startsWith("meta ") &&
              s.name !== "meta nftrace set" &&
              s.name !== "meta priority set"
            ) {
              effects.push({ k: "mark-unknown" });
            }
        }
    }
  }
  const base = { line: rule.line, text: rule.text, table: tableKey, chain: chainName };
  if (!vmap) return [{ ...base, conds, effects, action }];
  if (vmap.mapName !== undefined) {
    return [
      {
        ...base,
        conds: [...conds, { k: "opaque", about: `verdict map @${vmap.mapName}` }],
        effects,
        action: {
          k: "unknown",
          target: "vmap",
          why: `verdict map @${vmap.mapName} (contents not analysed)`,
        },
      },
    ];
  }
  const out: ModelRule[] = vmap.entries.map((e) => ({
    ...base,
    conds: [...conds, ...matchConds(vmap.selector, "==", e.key, undefined, ctx)],
    effects,
    action: verdictAction(e.verdict, table, ctx),
  }));
  // a packet matching no entry continues; the rule's statements before the vmap still ran
  return out;
}

function stageKind(type: string, priority: number): StageKind {
  if (type === "nat") return "nat";
  if (priority < -200) return "raw";
  if (priority < 0) return "mangle";
  if (priority < 50) return "filter";
  return "security";
}

/** Builds the analysable model of an nftables ruleset. */
export function nftModel(ruleset: NftRuleset): FirewallModel {
  const diagnostics: FirewallDiagnostic[] = [];
  const diag: Diag = (severity, line, message) =>
    diagnostics.push({ severity, file: ruleset.file, line, message });
  const chains = new Map<string, ModelChain>();
  const key = (table: string, name: string) => `${table}/${name}`;
  const stages: (Stage & { order: number; prio: number })[] = [];
  const caveats: string[] = [];
  let marksSet = false;
  let order = 0;
  for (const table of ruleset.tables) {
    const tableKey = `${table.family} ${table.name}`;
    const fam: IpFamily | "any" | undefined =
      table.family === "ip"
        ? "ipv4"
        : table.family === "ip6"
          ? "ipv6"
          : table.family === "inet"
            ? "any"
            : undefined;
    for (const c of table.chains.values()) {
      const rules = c.rules.flatMap((r) => compileNftRule(r, table, c.name, tableKey, diag));
      if (rules.some((r) => r.effects.some((e) => e.k !== "notrack"))) marksSet = true;
      const mc: ModelChain = {
        table: tableKey,
        name: c.name,
        rules,
        policyLine: c.base ? c.policyLine || c.base.line : 0,
        policyText: c.base ? policyText(c) : "",
      };
      if (c.base) mc.policy = c.policy ?? "accept";
      chains.set(key(tableKey, c.name), mc);
      if (!c.base) continue;
      if (fam === undefined) {
        if (table.family === "netdev" && (c.base.hook === "ingress" || c.base.hook === "egress")) {
          caveats.push(
            `netdev ${c.base.hook} chain ${table.name}/${c.name} (line ${c.line}) is not analysed`,
          );
        }
        continue;
      }
      const hook = c.base.hook;
      if (hook !== "prerouting" && hook !== "input") continue;
      if (c.base.type !== "filter" && c.base.type !== "nat") continue;
      const kind = stageKind(c.base.type, c.base.priority);
      stages.push({
        chain: mc,
        hook,
        kind,
        family: fam,
        primary: hook === "input" && kind === "filter",
        order: order++,
        prio: c.base.priority,
      });
    }
  }
  stages.sort((a, b) => {
    if (a.hook !== b.hook) return a.hook === "prerouting" ? -1 : 1;
    return a.prio - b.prio || a.order - b.order;
  });
  if (!stages.some((s) => s.hook === "input" && s.kind === "filter")) {
    caveats.push("no filter chain on the input hook: nftables filters nothing on input");
  }
  return {
    format: "nft",
    file: ruleset.file,
    family: "any",
    chains,
    stages: stages.map(({ order: _o, prio: _p, ...s }) => s),
    caveats,
    diagnostics,
    chainKey: key,
    marksSet,
  };
}

function policyText(c: NftChain): string {
  const b = c.base;
  if (!b) return "";
  return `${b.text}; policy ${c.policy ?? "accept"}${c.policy ? "" : " (default)"}`;
}
