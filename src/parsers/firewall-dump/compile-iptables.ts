/**
 * iptables-save syntax tree → analysable model. Every match becomes conditions the analysis can
 * decide, an assumption about a first packet, or an "opaque" condition (both outcomes considered):
 * nothing is dropped silently.
 */
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
  parsePortList,
  parsePortRange,
  parsePrefix,
  splitNatTarget,
} from "./net.js";
import type { FirewallDiagnostic, IptablesDump, IptMatch, IptOption, IptRule } from "./types.js";

const PROTO_NUMBERS: Readonly<Record<string, string>> = {
  "0": "all",
  "1": "icmp",
  "2": "igmp",
  "4": "ipip",
  "6": "tcp",
  "17": "udp",
  "41": "ipv6",
  "47": "gre",
  "50": "esp",
  "51": "ah",
  "58": "icmpv6",
  "132": "sctp",
  "136": "udplite",
  "33": "dccp",
};

export function normalizeProto(p: string): string {
  const l = p.toLowerCase();
  if (PROTO_NUMBERS[l]) return PROTO_NUMBERS[l] as string;
  if (l === "ipv6-icmp" || l === "icmp6") return "icmpv6";
  return l;
}

/** Parses a comma-separated address list into prefixes, keeping what cannot be read. */
export function addressCond(
  k: "saddr" | "daddr",
  text: string,
  neg: boolean,
): Extract<Cond, { k: "saddr" | "daddr" }> {
  const nets: Prefix[] = [];
  const bad: string[] = [];
  for (const part of text.split(",")) {
    const p = parsePrefix(part);
    if (p) nets.push(p);
    else bad.push(part);
  }
  return { k, nets, bad, neg, text };
}

function parseMarkSpec(s: string | undefined): { value: number; mask: number } | undefined {
  if (s === undefined) return undefined;
  const [v, m] = s.split("/");
  const num = (x: string | undefined) => {
    if (x === undefined || !/^(0x[0-9a-f]+|\d+)$/i.test(x)) return undefined;
    return Number(x) >>> 0;
  };
  const value = num(v);
  const mask = m === undefined ? 0xffffffff : num(m);
  if (value === undefined || mask === undefined) return undefined;
  return { value, mask };
}

interface Ctx {
  rule: IptRule;
  diag: (severity: FirewallDiagnostic["severity"], message: string) => void;
}

function portsCond(
  k: "dport" | "sport" | "anyport",
  opt: IptOption,
  list: boolean,
  ctx: Ctx,
  orig = false,
): Cond {
  const text = opt.values.join(",");
  const ranges: PortRange[] | undefined = list
    ? parsePortList(text)
    : (() => {
        const r = parsePortRange(text);
        return r ? [r] : undefined;
      })();
  if (!ranges) {
    ctx.diag("warning", `cannot read port spec "${text}" of ${opt.name}`);
    return { k: "opaque", about: `${opt.name} ${text}` };
  }
  if (k === "dport")
    return orig ? { k, ranges, neg: opt.negated, orig } : { k, ranges, neg: opt.negated };
  return { k, ranges, neg: opt.negated };
}

function tcpFlags(s: string | undefined): string[] {
  if (!s) return [];
  const all = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"];
  return s
    .toUpperCase()
    .split(",")
    .flatMap((f) => (f === "ALL" ? all : f === "NONE" ? [] : [f]));
}

const OPAQUE_MODULES: Readonly<Record<string, string>> = {
  mac: "the sender's MAC address",
  time: "the time of day or date",
  string: "the packet payload",
  u32: "packet bytes (u32)",
  bpf: "a BPF program",
  length: "the packet length",
  ttl: "the packet TTL",
  hl: "the packet hop limit",
  tos: "the packet TOS",
  dscp: "the packet DSCP",
  ecn: "ECN bits",
  statistic: "a random or nth-packet sample",
  socket: "a local socket lookup",
  devgroup: "interface groups",
  geoip: "the source country (geoip)",
  owner: "the owning process (only meaningful on output)",
  physdev: "the bridge port",
  helper: "the conntrack helper",
  esp: "the ESP SPI",
  ah: "the AH SPI",
  quota: "a byte quota",
  cgroup: "the socket cgroup",
  cluster: "cluster hashing",
  cpu: "the receiving CPU",
  realm: "the routing realm",
  ipvs: "IPVS",
  osf: "passive OS fingerprinting",
  ipv6header: "IPv6 extension headers",
  frag: "IPv6 fragment header",
  rt: "IPv6 routing header",
  hbh: "IPv6 hop-by-hop options",
  dst: "IPv6 destination options",
  mh: "IPv6 mobility header",
  eui64: "the EUI-64 source address",
  rateest: "a rate estimator",
  connbytes: "connection byte counters",
  connlabel: "connection labels",
  dccp: "DCCP",
};

function compileMatch(m: IptMatch, ctx: Ctx, out: Cond[]): void {
  const unknownOption = (o: IptOption) => {
    out.push({ k: "opaque", about: `${m.module} option ${o.name} ${o.values.join(" ")}`.trim() });
  };
  const flip = (v: boolean, o: IptOption) => (o.negated ? !v : v);
  switch (m.module) {
    case "tcp":
    case "udp":
    case "udplite":
    case "sctp": {
      out.push({ k: "proto", protos: [m.module], neg: false });
      for (const o of m.options) {
        switch (o.name) {
          case "--dport":
          case "--destination-port":
            out.push(portsCond("dport", o, false, ctx));
            break;
          case "--sport":
          case "--source-port":
            out.push(portsCond("sport", o, false, ctx));
            break;
          case "--tcp-flags":
            out.push({
              k: "tcpflags",
              mask: tcpFlags(o.values[0]),
              comp: tcpFlags(o.values[1]),
              neg: o.negated,
            });
            break;
          case "--syn":
            out.push({
              k: "tcpflags",
              mask: ["SYN", "RST", "ACK", "FIN"],
              comp: ["SYN"],
              neg: o.negated,
            });
            break;
          default:
            unknownOption(o);
        }
      }
      return;
    }
    case "icmp":
      out.push({ k: "proto", protos: ["icmp"], neg: false });
      for (const o of m.options)
        out.push({ k: "opaque", about: `icmp ${o.name} ${o.values.join(" ")}` });
      return;
    case "icmp6":
      out.push({ k: "proto", protos: ["icmpv6"], neg: false });
      for (const o of m.options)
        out.push({ k: "opaque", about: `icmpv6 ${o.name} ${o.values.join(" ")}` });
      return;
    case "multiport":
      for (const o of m.options) {
        if (o.name === "--dports" || o.name === "--destination-ports") {
          out.push(portsCond("dport", o, true, ctx));
        } else if (o.name === "--sports" || o.name === "--source-ports") {
          out.push(portsCond("sport", o, true, ctx));
        } else if (o.name === "--ports") {
          out.push(portsCond("anyport", o, true, ctx));
        } else {
          unknownOption(o);
        }
      }
      return;
    case "state":
    case "conntrack":
      for (const o of m.options) {
        const v = o.values.join(",");
        switch (o.name) {
          case "--state":
          case "--ctstate":
            out.push({
              k: "ctstate",
              states: v.toUpperCase().split(",").filter(Boolean),
              neg: o.negated,
            });
            break;
          case "--ctproto":
            out.push({ k: "proto", protos: [normalizeProto(v)], neg: o.negated });
            break;
          case "--ctorigdstport":
            out.push(portsCond("dport", o, false, ctx, true));
            break;
          case "--ctorigsrcport":
            out.push(portsCond("sport", o, false, ctx));
            break;
          case "--ctorigsrc":
            out.push(addressCond("saddr", v, o.negated));
            break;
          case "--ctorigdst":
            out.push(addressCond("daddr", v, o.negated));
            break;
          case "--ctstatus": {
            const st = v.toUpperCase().split(",");
            out.push({
              k: "assume",
              value: flip(st.includes("NONE"), o),
              note: "a new connection has no conntrack status bits yet",
            });
            break;
          }
          case "--ctdir":
            out.push({
              k: "assume",
              value: flip(v.toUpperCase() === "ORIGINAL", o),
              note: "",
            });
            break;
          default:
            out.push({ k: "opaque", about: `conntrack ${o.name} ${v}` });
        }
      }
      return;
    case "comment":
    case "nfacct":
      return;
    case "set":
      for (const o of m.options) {
        if (o.name === "--match-set" || o.name === "--set") {
          out.push({
            k: "set",
            name: o.values[0] ?? "?",
            text: `ipset ${o.values.join(" ")}`,
            neg: o.negated,
          });
        } else if (/^--(packets|bytes)-/.test(o.name)) {
          out.push({ k: "opaque", about: `ipset counters ${o.name}` });
        }
      }
      return;
    case "limit":
      for (const o of m.options) {
        if (o.name === "--limit") {
          out.push({
            k: "assume",
            value: flip(true, o),
            note: `a first packet is within the rate limit ${o.values.join(" ")}`,
          });
        }
      }
      return;
    case "hashlimit":
      for (const o of m.options) {
        if (o.name === "--hashlimit-above") {
          out.push({
            k: "assume",
            value: flip(false, o),
            note: `a first packet is not above the hashlimit ${o.values.join(" ")}`,
          });
        } else if (o.name === "--hashlimit-upto" || o.name === "--hashlimit") {
          out.push({
            k: "assume",
            value: flip(true, o),
            note: `a first packet is within the hashlimit ${o.values.join(" ")}`,
          });
        }
      }
      return;
    case "recent": {
      const name = m.options.find((o) => o.name === "--name")?.values[0] ?? "DEFAULT";
      for (const o of m.options) {
        if (o.name === "--set") {
          out.push({ k: "assume", value: flip(true, o), note: "" });
        } else if (o.name === "--rcheck" || o.name === "--update" || o.name === "--remove") {
          out.push({
            k: "assume",
            value: flip(false, o),
            note: `the source is not yet on the recent list "${name}" (a first attempt)`,
          });
        }
      }
      return;
    }
    case "connlimit":
      for (const o of m.options) {
        const n = Number(o.values[0]);
        if (o.name === "--connlimit-above") {
          out.push({
            k: "assume",
            value: flip(!(n >= 1), o),
            note: `a first connection is not above the connection limit ${o.values[0]}`,
          });
        } else if (o.name === "--connlimit-upto") {
          out.push({
            k: "assume",
            value: flip(n >= 1, o),
            note: `a first connection is within the connection limit ${o.values[0]}`,
          });
        }
      }
      return;
    case "addrtype":
      for (const o of m.options) {
        const types = o.values.join(",").toUpperCase().split(",");
        if (o.name === "--dst-type") {
          out.push({ k: "assume", value: flip(types.includes("LOCAL"), o), note: "" });
        } else if (o.name === "--src-type") {
          out.push({ k: "assume", value: flip(types.includes("UNICAST"), o), note: "" });
        }
      }
      return;
    case "iprange":
      for (const o of m.options) {
        const text = o.values.join("");
        const nets = parseAddressRange(text);
        const k =
          o.name === "--src-range" ? "saddr" : o.name === "--dst-range" ? "daddr" : undefined;
        if (!k) {
          unknownOption(o);
        } else if (!nets) {
          ctx.diag("warning", `cannot read address range "${text}"`);
          out.push({ k, nets: [], bad: [text], neg: o.negated, text });
        } else {
          out.push({ k, nets, bad: [], neg: o.negated, text });
        }
      }
      return;
    case "mark":
    case "connmark":
      for (const o of m.options) {
        const spec = parseMarkSpec(o.values[0]);
        if (o.name === "--mark" && spec) {
          out.push({ k: "mark", ...spec, neg: o.negated, conn: m.module === "connmark" });
        } else {
          unknownOption(o);
        }
      }
      return;
    case "pkttype":
      for (const o of m.options) {
        const t = (o.values[0] ?? "").toLowerCase();
        out.push({ k: "assume", value: flip(t === "unicast" || t === "host", o), note: "" });
      }
      return;
    case "policy": {
      const pol = m.options.find((o) => o.name === "--pol");
      if (pol) {
        out.push({
          k: "assume",
          value: flip(pol.values[0] === "none", pol),
          note: "the packet did not arrive through IPsec",
        });
      }
      return;
    }
    case "rpfilter": {
      const invert = m.options.some((o) => o.name === "--invert");
      out.push({
        k: "assume",
        value: !invert,
        note: "the internet source passes reverse-path filtering (not spoofed)",
      });
      return;
    }
    default: {
      const about = OPAQUE_MODULES[m.module];
      if (about) {
        out.push({ k: "opaque", about: `${about} (-m ${m.module})` });
      } else {
        out.push({ k: "opaque", about: `unrecognised match "-m ${m.module}"` });
        ctx.diag("info", `match "-m ${m.module}" is not understood: the rule is kept, undecidable`);
      }
    }
  }
}

function targetOption(r: IptRule, name: string): string | undefined {
  return r.target?.options.find((o) => o.name === name)?.values.join(" ");
}

const CONTINUE_TARGETS = new Set([
  "LOG",
  "ULOG",
  "NFLOG",
  "AUDIT",
  "TRACE",
  "SET",
  "TCPMSS",
  "TCPOPTSTRIP",
  "CLASSIFY",
  "DSCP",
  "TOS",
  "TTL",
  "HL",
  "ECN",
  "CHECKSUM",
  "IDLETIMER",
  "LED",
  "RATEEST",
  "TEE",
  "SECMARK",
  "CONNSECMARK",
  "IPV4OPTSSTRIP",
]);

function compileTarget(r: IptRule, tableChains: ReadonlySet<string>, effects: Effect[]): Action {
  const t = r.target;
  if (!t) return { k: "continue" };
  const name = t.name;
  if (tableChains.has(name))
    return t.goto ? { k: "goto", chain: name } : { k: "jump", chain: name };
  switch (name) {
    case "ACCEPT":
      return { k: "accept" };
    case "DROP":
    case "REJECT":
    case "TARPIT":
      return { k: "drop", target: name };
    case "RETURN":
      return { k: "return" };
    case "QUEUE":
    case "NFQUEUE":
      return { k: "unknown", target: name, why: "the packet is handed to a userspace program" };
    case "SYNPROXY":
      return { k: "unknown", target: name, why: "SYNPROXY answers the handshake itself" };
    case "TPROXY":
      return { k: "unknown", target: name, why: "the packet is diverted to a transparent proxy" };
    case "NOTRACK":
      effects.push({ k: "notrack" });
      return { k: "continue" };
    case "CT":
      if (t.options.some((o) => o.name === "--notrack")) effects.push({ k: "notrack" });
      return { k: "continue" };
    case "MARK": {
      const set = parseMarkSpec(targetOption(r, "--set-mark"));
      const xset = parseMarkSpec(targetOption(r, "--set-xmark"));
      if (set) effects.push({ k: "mark", value: set.value, mask: set.mask });
      else if (xset && xset.mask === 0xffffffff) effects.push({ k: "mark", ...xset });
      else effects.push({ k: "mark-unknown" });
      return { k: "continue" };
    }
    case "CONNMARK": {
      const set = parseMarkSpec(targetOption(r, "--set-mark") ?? targetOption(r, "--set-xmark"));
      if (t.options.some((o) => o.name === "--save-mark")) effects.push({ k: "connmark-save" });
      else if (t.options.some((o) => o.name === "--restore-mark")) {
        effects.push({ k: "connmark-restore" });
      } else if (set) effects.push({ k: "connmark", ...set });
      else effects.push({ k: "mark-unknown" });
      return { k: "continue" };
    }
    case "HMARK":
      effects.push({ k: "mark-unknown" });
      return { k: "continue" };
    case "DNAT": {
      const to = targetOption(r, "--to-destination") ?? "";
      const t = splitNatTarget(to);
      return { k: "dnat", target: name, to, local: t.addr === undefined, ...t };
    }
    case "REDIRECT": {
      const ports = targetOption(r, "--to-ports");
      const m = ports ? /^(\d+)$/.exec(ports) : null;
      return {
        k: "dnat",
        target: name,
        to: ports ? `:${ports}` : "(same port)",
        local: true,
        ...(m ? { port: Number(m[1]) } : {}),
      };
    }
    case "NETMAP":
      return { k: "dnat", target: name, to: targetOption(r, "--to") ?? "", local: false };
    case "SNAT":
    case "MASQUERADE":
    case "SNPT":
    case "DNPT":
      return { k: "accept" };
    default:
      if (CONTINUE_TARGETS.has(name)) return { k: "continue" };
      return { k: "unknown", target: name, why: `unknown target "${name}"` };
  }
}

export function compileIptablesRule(
  r: IptRule,
  tableChains: ReadonlySet<string>,
  diag: (severity: FirewallDiagnostic["severity"], line: number, message: string) => void,
): ModelRule {
  const ctx: Ctx = { rule: r, diag: (s, msg) => diag(s, r.line, msg) };
  const conds: Cond[] = [];
  if (r.protocol) {
    conds.push({ k: "proto", protos: [normalizeProto(r.protocol.value)], neg: r.protocol.negated });
  }
  if (r.source) conds.push(addressCond("saddr", r.source.value, r.source.negated));
  if (r.destination) conds.push(addressCond("daddr", r.destination.value, r.destination.negated));
  if (r.inInterface)
    conds.push({ k: "iif", names: [r.inInterface.value], neg: r.inInterface.negated });
  if (r.outInterface) {
    conds.push({ k: "oif", names: [r.outInterface.value], neg: r.outInterface.negated });
  }
  if (r.fragment) {
    conds.push({ k: "assume", value: r.fragment.negated, note: "" });
  }
  for (const m of r.matches) compileMatch(m, ctx, conds);
  const effects: Effect[] = [];
  const action = compileTarget(r, tableChains, effects);
  return { line: r.line, text: r.text, table: r.table, chain: r.chain, conds, effects, action };
}

const STAGE_ORDER: readonly {
  table: string;
  chain: string;
  hook: Stage["hook"];
  kind: StageKind;
}[] = [
  { table: "raw", chain: "PREROUTING", hook: "prerouting", kind: "raw" },
  { table: "mangle", chain: "PREROUTING", hook: "prerouting", kind: "mangle" },
  { table: "nat", chain: "PREROUTING", hook: "prerouting", kind: "nat" },
  { table: "mangle", chain: "INPUT", hook: "input", kind: "mangle" },
  { table: "filter", chain: "INPUT", hook: "input", kind: "filter" },
  { table: "security", chain: "INPUT", hook: "input", kind: "security" },
];

/** Builds the analysable model of an iptables dump. */
export function iptablesModel(dump: IptablesDump): FirewallModel {
  const diagnostics: FirewallDiagnostic[] = [];
  const diag = (severity: FirewallDiagnostic["severity"], line: number, message: string) =>
    diagnostics.push({ severity, file: dump.file, line, message });
  const chains = new Map<string, ModelChain>();
  const key = (table: string, name: string) => `${table}/${name}`;
  let marksSet = false;
  for (const table of dump.tables.values()) {
    const names = new Set([...table.chains.values()].filter((c) => !c.builtin).map((c) => c.name));
    for (const c of table.chains.values()) {
      const rules = c.rules.map((r) => compileIptablesRule(r, names, diag));
      if (rules.some((r) => r.effects.some((e) => e.k !== "notrack"))) marksSet = true;
      const mc: ModelChain = {
        table: table.name,
        name: c.name,
        rules,
        policyLine: c.line,
        policyText: c.text || `:${c.name} ${c.policy ?? "ACCEPT"} (not declared in the dump)`,
      };
      if (c.builtin) mc.policy = c.policy === "DROP" ? "drop" : "accept";
      chains.set(key(table.name, c.name), mc);
    }
  }
  const family: IpFamily = dump.family;
  const stages: Stage[] = [];
  for (const s of STAGE_ORDER) {
    const c = chains.get(key(s.table, s.chain));
    if (!c) continue;
    stages.push({
      chain: c,
      hook: s.hook,
      kind: s.kind,
      family: "any",
      primary: s.table === "filter",
    });
  }
  const caveats: string[] = [];
  if (!dump.tables.has("filter")) {
    const implicit: ModelChain = {
      table: "filter",
      name: "INPUT",
      rules: [],
      policy: "accept",
      policyLine: 0,
      policyText: "(no filter table in the dump: iptables' default INPUT policy ACCEPT)",
    };
    chains.set(key("filter", "INPUT"), implicit);
    stages.push({ chain: implicit, hook: "input", kind: "filter", family: "any", primary: true });
    caveats.push(
      "the dump has no filter table: taken as no filter rules (INPUT accepts), unless the dump is partial",
    );
  }
  if (!dump.tables.has("nat")) {
    caveats.push("the dump has no nat table: taken as no DNAT/REDIRECT before INPUT");
  }
  return {
    format: "iptables",
    file: dump.file,
    family,
    chains,
    stages,
    caveats,
    diagnostics,
    chainKey: key,
    marksSet,
  };
}
