/**
 * A parser for `iptables-save` / `ip6tables-save` output (the `iptables-restore` input format):
 *
 *   # comment
 *   *filter
 *   :INPUT DROP [0:0]                 built-in chain with its policy and counters
 *   :my-chain - [0:0]                 user chain
 *   [12:3456] -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT      (counters with `-c`)
 *   -I INPUT 2 -s 10.0.0.0/8 -j my-chain
 *   COMMIT
 *
 * A line is split into words like iptables-restore does, extended to shell-style quoting:
 * "double quotes" (with `\"` and `\\` escapes, as iptables-save writes comments), 'single quotes'
 * and backslash escapes outside quotes. Negation is read in both the current form (`! -s x`) and the
 * pre-1.4.3 one (`-s ! x`). Options go to the match module that declares them (`--dport` after
 * `-p tcp` without `-m tcp` gets an implicit `tcp` module); options of modules this parser does not
 * know are kept on that module, never dropped.
 *
 * Never throws: a bad line gives a located diagnostic and is skipped; the rest is read.
 */
import type {
  FirewallDiagnostic,
  IptablesDump,
  IptChain,
  IptMatch,
  IptOption,
  IptRule,
  IptTable,
  IptTarget,
  Negatable,
} from "./types.js";

export interface IptablesParseOptions {
  /** For diagnostics. */
  file?: string;
  /** Overrides the family detected from the header and the addresses. */
  family?: "ipv4" | "ipv6";
}

export interface IptablesParseResult {
  dump: IptablesDump;
  diagnostics: FirewallDiagnostic[];
}

export const BUILTIN_CHAINS: Readonly<Record<string, readonly string[]>> = {
  filter: ["INPUT", "FORWARD", "OUTPUT"],
  nat: ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
  mangle: ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
  raw: ["PREROUTING", "OUTPUT"],
  security: ["INPUT", "FORWARD", "OUTPUT"],
};

/** Target extensions of iptables (not user chains). */
export const KNOWN_TARGETS: ReadonlySet<string> = new Set([
  "ACCEPT",
  "DROP",
  "REJECT",
  "RETURN",
  "QUEUE",
  "NFQUEUE",
  "LOG",
  "ULOG",
  "NFLOG",
  "AUDIT",
  "TRACE",
  "MARK",
  "CONNMARK",
  "CONNSECMARK",
  "SECMARK",
  "CT",
  "NOTRACK",
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
  "SYNPROXY",
  "TARPIT",
  "TEE",
  "HMARK",
  "DNAT",
  "SNAT",
  "MASQUERADE",
  "REDIRECT",
  "NETMAP",
  "CLUSTERIP",
  "DNPT",
  "SNPT",
  "TPROXY",
  "MIRROR",
  "SAME",
  "IPV4OPTSSTRIP",
  "FULLCONENAT",
]);

/**
 * The options each match module declares, for assigning options to modules and for telling an
 * unknown option apart. A module absent here is kept with whatever options follow it.
 */
export const MODULE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  tcp: [
    "--dport",
    "--destination-port",
    "--sport",
    "--source-port",
    "--tcp-flags",
    "--syn",
    "--tcp-option",
  ],
  udp: ["--dport", "--destination-port", "--sport", "--source-port"],
  udplite: ["--dport", "--destination-port", "--sport", "--source-port"],
  sctp: ["--dport", "--destination-port", "--sport", "--source-port", "--chunk-types"],
  dccp: [
    "--dport",
    "--destination-port",
    "--sport",
    "--source-port",
    "--dccp-types",
    "--dccp-option",
  ],
  icmp: ["--icmp-type"],
  icmp6: ["--icmpv6-type"],
  multiport: ["--dports", "--destination-ports", "--sports", "--source-ports", "--ports"],
  state: ["--state"],
  conntrack: [
    "--ctstate",
    "--ctproto",
    "--ctorigsrc",
    "--ctorigdst",
    "--ctreplsrc",
    "--ctrepldst",
    "--ctorigsrcport",
    "--ctorigdstport",
    "--ctreplsrcport",
    "--ctrepldstport",
    "--ctstatus",
    "--ctexpire",
    "--ctdir",
  ],
  comment: ["--comment"],
  set: [
    "--match-set",
    "--set",
    "--return-nomatch",
    "--update-counters",
    "--update-subcounters",
    "--packets-eq",
    "--packets-lt",
    "--packets-gt",
    "--bytes-eq",
    "--bytes-lt",
    "--bytes-gt",
  ],
  limit: ["--limit", "--limit-burst"],
  hashlimit: [
    "--hashlimit",
    "--hashlimit-upto",
    "--hashlimit-above",
    "--hashlimit-burst",
    "--hashlimit-mode",
    "--hashlimit-srcmask",
    "--hashlimit-dstmask",
    "--hashlimit-name",
    "--hashlimit-htable-size",
    "--hashlimit-htable-max",
    "--hashlimit-htable-expire",
    "--hashlimit-htable-gcinterval",
    "--hashlimit-rate-match",
    "--hashlimit-rate-interval",
  ],
  recent: [
    "--set",
    "--rcheck",
    "--update",
    "--remove",
    "--seconds",
    "--reap",
    "--hitcount",
    "--rttl",
    "--name",
    "--mask",
    "--rsource",
    "--rdest",
  ],
  connlimit: [
    "--connlimit-above",
    "--connlimit-upto",
    "--connlimit-mask",
    "--connlimit-saddr",
    "--connlimit-daddr",
  ],
  addrtype: ["--src-type", "--dst-type", "--limit-iface-in", "--limit-iface-out"],
  iprange: ["--src-range", "--dst-range"],
  mac: ["--mac-source"],
  mark: ["--mark"],
  connmark: ["--mark"],
  pkttype: ["--pkt-type"],
  time: [
    "--datestart",
    "--datestop",
    "--timestart",
    "--timestop",
    "--monthdays",
    "--weekdays",
    "--days",
    "--kerneltz",
    "--localtz",
    "--utc",
    "--contiguous",
  ],
  string: ["--string", "--hex-string", "--algo", "--from", "--to", "--icase"],
  owner: ["--uid-owner", "--gid-owner", "--socket-exists", "--suppl-groups"],
  physdev: [
    "--physdev-in",
    "--physdev-out",
    "--physdev-is-in",
    "--physdev-is-out",
    "--physdev-is-bridged",
  ],
  policy: [
    "--dir",
    "--pol",
    "--strict",
    "--reqid",
    "--spi",
    "--proto",
    "--mode",
    "--tunnel-src",
    "--tunnel-dst",
    "--next",
  ],
  rpfilter: ["--loose", "--validmark", "--accept-local", "--invert"],
  length: ["--length"],
  ttl: ["--ttl-eq", "--ttl-gt", "--ttl-lt"],
  hl: ["--hl-eq", "--hl-gt", "--hl-lt"],
  helper: ["--helper"],
  tos: ["--tos"],
  dscp: ["--dscp", "--dscp-class"],
  ecn: ["--ecn-tcp-cwr", "--ecn-tcp-ece", "--ecn-ip-ect"],
  statistic: ["--mode", "--probability", "--every", "--packet"],
  socket: ["--transparent", "--nowildcard", "--restore-skmark"],
  u32: ["--u32"],
  devgroup: ["--src-group", "--dst-group"],
  nfacct: ["--nfacct-name"],
  quota: ["--quota"],
  esp: ["--espspi"],
  ah: ["--ahspi"],
  geoip: ["--src-cc", "--source-country", "--dst-cc", "--destination-country"],
};

/** Protocols whose match module is loaded implicitly by `-p`. */
const PROTOCOL_MODULES: Readonly<Record<string, string>> = {
  tcp: "tcp",
  "6": "tcp",
  udp: "udp",
  "17": "udp",
  udplite: "udplite",
  sctp: "sctp",
  "132": "sctp",
  dccp: "dccp",
  icmp: "icmp",
  "1": "icmp",
  icmpv6: "icmp6",
  "ipv6-icmp": "icmp6",
  "58": "icmp6",
};

interface Word {
  text: string;
  quoted: boolean;
}

/** Splits a line into words, shell-style. Returns an error message for an unterminated quote. */
export function splitWords(line: string): Word[] | string {
  if (!/["'\\]/.test(line)) {
    // the common case: no quoting at all
    return line
      .split(/[ \t\r\n]+/)
      .filter((w) => w !== "")
      .map((text) => ({ text, quoted: false }));
  }
  const words: Word[] = [];
  let cur = "";
  let inWord = false;
  let quoted = false;
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line[i] as string;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      if (inWord) {
        words.push({ text: cur, quoted });
        cur = "";
        inWord = false;
        quoted = false;
      }
      i++;
      continue;
    }
    inWord = true;
    if (c === '"') {
      quoted = true;
      i++;
      let closed = false;
      while (i < n) {
        const d = line[i] as string;
        if (d === "\\" && i + 1 < n && (line[i + 1] === '"' || line[i + 1] === "\\")) {
          cur += line[i + 1];
          i += 2;
          continue;
        }
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        cur += d;
        i++;
      }
      if (!closed) return "unterminated double quote";
      continue;
    }
    if (c === "'") {
      quoted = true;
      const end = line.indexOf("'", i + 1);
      if (end < 0) return "unterminated single quote";
      cur += line.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === "\\" && i + 1 < n) {
      cur += line[i + 1];
      quoted = true;
      i += 2;
      continue;
    }
    cur += c;
    i++;
  }
  if (inWord) words.push({ text: cur, quoted });
  return words;
}

function isOptionWord(w: Word): boolean {
  return !w.quoted && w.text.length > 1 && w.text.startsWith("-") && !/^-\d/.test(w.text);
}

function isBang(w: Word | undefined): boolean {
  return w !== undefined && !w.quoted && w.text === "!";
}

const TOP_OPTION: Readonly<Record<string, string>> = {
  "-p": "protocol",
  "--protocol": "protocol",
  "-s": "source",
  "--source": "source",
  "--src": "source",
  "-d": "destination",
  "--destination": "destination",
  "--dst": "destination",
  "-i": "inInterface",
  "--in-interface": "inInterface",
  "-o": "outInterface",
  "--out-interface": "outInterface",
};

class LineError extends Error {}

/**
 * The full name of a module's option, accepting unambiguous abbreviations the way getopt_long
 * (and so iptables) does: `--mac` for `--mac-source`.
 */
function resolveOption(module: string, name: string): string | undefined {
  const known = MODULE_OPTIONS[module];
  if (!known || !name.startsWith("--")) return undefined;
  if (known.includes(name)) return name;
  const candidates = known.filter((k) => k.startsWith(name));
  return candidates.length === 1 ? candidates[0] : undefined;
}

function rename(opt: IptOption, full: string): void {
  if (full === opt.name) return;
  opt.written = opt.name;
  opt.name = full;
}

/** Parses the words of a rule after `-A CHAIN` (and the rule number of `-I`). */
function parseRuleWords(words: Word[], rule: IptRule, warn: (message: string) => void): void {
  let negate = false;
  let current: IptMatch | undefined;
  let target: IptTarget | undefined;
  let i = 0;
  const takeValue = (opt: string): { value: string; negated: boolean } => {
    let w = words[i++];
    let negated = false;
    if (isBang(w) && words[i] !== undefined) {
      // pre-1.4.3 syntax: `-s ! 10.0.0.0/8`
      negated = true;
      w = words[i++];
    }
    if (w === undefined) throw new LineError(`option ${opt} needs a value`);
    return { value: w.text, negated };
  };
  while (i < words.length) {
    const w = words[i++] as Word;
    if (isBang(w)) {
      if (negate) throw new LineError('"!" twice in a row');
      negate = true;
      continue;
    }
    if (!isOptionWord(w)) {
      throw new LineError(`unexpected argument "${w.text}"`);
    }
    const name = w.text;
    const top = TOP_OPTION[name];
    if (top) {
      const { value, negated } = takeValue(name);
      const v: Negatable = { value, negated: negate || negated };
      if (rule[top as "protocol"] !== undefined) throw new LineError(`option ${name} given twice`);
      rule[top as "protocol"] = v;
      negate = false;
      continue;
    }
    if (name === "-f" || name === "--fragment") {
      rule.fragment = { negated: negate };
      negate = false;
      continue;
    }
    if (name === "-m" || name === "--match") {
      if (negate) throw new LineError('"!" before -m');
      const mod = words[i++];
      if (!mod) throw new LineError("-m needs a module name");
      current = { module: mod.text, implicit: false, options: [] };
      rule.matches.push(current);
      target = undefined;
      continue;
    }
    if (name === "-j" || name === "--jump" || name === "-g" || name === "--goto") {
      if (negate) throw new LineError(`"!" before ${name}`);
      const t = words[i++];
      if (!t) throw new LineError(`${name} needs a target`);
      if (rule.target) throw new LineError("more than one target");
      target = { name: t.text, goto: name === "-g" || name === "--goto", options: [] };
      rule.target = target;
      current = undefined;
      continue;
    }
    if (name === "-c" || name === "--set-counters") {
      const p = words[i++];
      const b = words[i++];
      if (!p || !b || !/^\d+$/.test(p.text) || !/^\d+$/.test(b.text)) {
        throw new LineError(`${name} needs two numbers`);
      }
      rule.counters = { packets: Number(p.text), bytes: Number(b.text) };
      continue;
    }
    if (name === "-4" || name === "--ipv4" || name === "-6" || name === "--ipv6") continue;

    // a module or target option with its values
    const opt: IptOption = { name, values: [], negated: negate };
    negate = false;
    if (isBang(words[i]) && words[i + 1] !== undefined && !isOptionWord(words[i + 1] as Word)) {
      opt.negated = true;
      i++;
    }
    while (i < words.length) {
      const v = words[i] as Word;
      if (isOptionWord(v) || isBang(v)) break;
      opt.values.push(v.text);
      i++;
    }
    if (target) {
      target.options.push(opt);
      continue;
    }
    let owner: IptMatch | undefined;
    for (let k = rule.matches.length - 1; k >= 0 && !owner; k--) {
      const m = rule.matches[k] as IptMatch;
      const full = resolveOption(m.module, name);
      if (full) {
        owner = m;
        rename(opt, full);
      }
    }
    if (!owner) {
      const protoModule = rule.protocol
        ? PROTOCOL_MODULES[rule.protocol.value.toLowerCase()]
        : undefined;
      const full = protoModule ? resolveOption(protoModule, name) : undefined;
      if (protoModule && full) {
        rename(opt, full);
        owner = rule.matches.find((m) => m.module === protoModule);
        if (!owner) {
          owner = { module: protoModule, implicit: true, options: [] };
          rule.matches.push(owner);
        }
      } else if (current) {
        owner = current;
        if (MODULE_OPTIONS[current.module]) {
          warn(`unknown option ${name} for match "${current.module}" (kept)`);
        }
      } else {
        owner = { module: "?", implicit: true, options: [] };
        rule.matches.push(owner);
        warn(`option ${name} belongs to no match module (kept)`);
      }
    }
    owner.options.push(opt);
  }
  if (negate) throw new LineError('"!" at the end of the rule');
  const comment = rule.matches
    .filter((m) => m.module === "comment")
    .flatMap((m) => m.options.filter((o) => o.name === "--comment").map((o) => o.values.join(" ")));
  if (comment.length) rule.comment = comment.join("; ");
}

export function parseIptablesSave(
  text: string,
  options: IptablesParseOptions = {},
): IptablesParseResult {
  const file = options.file ?? "<iptables-save>";
  const diagnostics: FirewallDiagnostic[] = [];
  const diag = (severity: FirewallDiagnostic["severity"], line: number, message: string) =>
    diagnostics.push({ severity, file, line, message });
  const tables = new Map<string, IptTable>();
  let table: IptTable | undefined;
  let ruleCount = 0;
  let sawV6Header = false;
  let sawV6Address = false;
  let sawV4Address = false;
  const lines = text.split("\n");

  const newChain = (t: IptTable, name: string, line: number, lineText: string): IptChain => {
    const chain: IptChain = {
      name,
      builtin: BUILTIN_CHAINS[t.name]?.includes(name) ?? false,
      line,
      text: lineText,
      rules: [],
    };
    t.chains.set(name, chain);
    return chain;
  };

  const closeTable = (t: IptTable) => {
    for (const chain of t.chains.values()) {
      for (const rule of chain.rules) {
        const tg = rule.target;
        if (!tg || KNOWN_TARGETS.has(tg.name)) continue;
        const dest = t.chains.get(tg.name);
        if (dest?.builtin) {
          diag("error", rule.line, `cannot jump to built-in chain ${tg.name}`);
        } else if (!dest) {
          if (/^[A-Z0-9_]+$/.test(tg.name)) {
            diag(
              "warning",
              rule.line,
              `target ${tg.name} is neither a chain of table ${t.name} nor a known target extension`,
            );
          } else {
            diag("error", rule.line, `jump to undefined chain "${tg.name}" in table ${t.name}`);
          }
        }
      }
    }
  };

  for (let idx = 0; idx < lines.length; idx++) {
    const lineNo = idx + 1;
    const raw = lines[idx] as string;
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("#")) {
      if (/ip6tables-save/.test(line)) sawV6Header = true;
      continue;
    }
    if (line.startsWith("*")) {
      const name = line.slice(1).trim();
      if (!/^[a-z0-9_]+$/i.test(name)) {
        diag("error", lineNo, `bad table name "${name}"`);
        table = undefined;
        continue;
      }
      if (table && table.commitLine === 0) {
        diag("warning", table.line, `table ${table.name} is not committed before *${name}`);
        closeTable(table);
      }
      if (!BUILTIN_CHAINS[name]) diag("warning", lineNo, `unknown table "${name}"`);
      const existing = tables.get(name);
      if (existing) {
        diag("warning", lineNo, `table ${name} appears again (line ${existing.line}); merged`);
        existing.commitLine = 0;
        table = existing;
      } else {
        table = { name, line: lineNo, commitLine: 0, chains: new Map() };
        tables.set(name, table);
        for (const c of BUILTIN_CHAINS[name] ?? []) newChain(table, c, 0, "");
      }
      continue;
    }
    if (line === "COMMIT") {
      if (!table) {
        diag("error", lineNo, "COMMIT outside a table");
        continue;
      }
      table.commitLine = lineNo;
      closeTable(table);
      table = undefined;
      continue;
    }
    if (!table) {
      diag("error", lineNo, `line outside a table (no *table before it): ${clip(line)}`);
      continue;
    }
    if (line.startsWith(":")) {
      const m = /^:(\S+)\s+(\S+)(?:\s+\[(\d+):(\d+)\])?$/.exec(line);
      if (!m) {
        diag("error", lineNo, `bad chain declaration: ${clip(line)}`);
        continue;
      }
      const [, name = "", policy = "", p, b] = m;
      let chain = table.chains.get(name);
      if (chain && chain.line !== 0) {
        diag("warning", lineNo, `chain ${name} declared again (line ${chain.line})`);
      }
      chain ??= newChain(table, name, lineNo, line);
      chain.line = lineNo;
      chain.text = line;
      if (p !== undefined && b !== undefined)
        chain.counters = { packets: Number(p), bytes: Number(b) };
      if (chain.builtin) {
        if (policy === "ACCEPT" || policy === "DROP") chain.policy = policy;
        else diag("error", lineNo, `bad policy "${policy}" for built-in chain ${name}`);
      } else if (policy !== "-") {
        diag("error", lineNo, `user chain ${name} cannot have a policy ("${policy}")`);
      }
      continue;
    }
    // a command line, possibly with a `[p:b]` counters prefix
    const words = splitWords(line);
    if (typeof words === "string") {
      diag("error", lineNo, `${words}: ${clip(line)}`);
      continue;
    }
    let counters: IptRule["counters"];
    const first = words[0];
    if (first && /^\[\d+:\d+\]$/.test(first.text)) {
      const [pk = "0", by = "0"] = first.text.slice(1, -1).split(":");
      counters = { packets: Number(pk), bytes: Number(by) };
      words.shift();
    }
    const cmd = words[0]?.text ?? "";
    const chainName = words[1]?.text;
    const t = table;
    const needChain = (): IptChain | undefined => {
      if (!chainName) {
        diag("error", lineNo, `${cmd} needs a chain name`);
        return undefined;
      }
      let c = t.chains.get(chainName);
      if (!c) {
        diag("error", lineNo, `chain ${chainName} is not declared in table ${t.name}`);
        c = newChain(t, chainName, 0, "");
      }
      return c;
    };
    switch (cmd) {
      case "-A":
      case "--append":
      case "-I":
      case "--insert": {
        const chain = needChain();
        if (!chain) break;
        const insert = cmd === "-I" || cmd === "--insert";
        let rest = words.slice(2);
        let position = insert ? 1 : 0;
        if (insert && rest[0] && /^\d+$/.test(rest[0].text)) {
          position = Number(rest[0].text);
          rest = rest.slice(1);
        }
        const rule: IptRule = {
          line: lineNo,
          text: line,
          table: t.name,
          chain: chain.name,
          command: insert ? "-I" : "-A",
          matches: [],
        };
        if (counters) rule.counters = counters;
        try {
          parseRuleWords(rest, rule, (message) => diag("warning", lineNo, message));
        } catch (e) {
          if (!(e instanceof LineError)) throw e;
          diag("error", lineNo, `${e.message}: ${clip(line)}`);
          break;
        }
        for (const a of [rule.source, rule.destination]) {
          if (a?.value.includes(":")) sawV6Address = true;
          else if (a && /^\d+\.\d+\.\d+\.\d+/.test(a.value)) sawV4Address = true;
        }
        if (insert) {
          if (position < 1 || position > chain.rules.length + 1) {
            diag("error", lineNo, `rule number ${position} is out of range for ${chain.name}`);
            break;
          }
          chain.rules.splice(position - 1, 0, rule);
        } else {
          chain.rules.push(rule);
        }
        ruleCount++;
        break;
      }
      case "-N":
      case "--new-chain": {
        if (!chainName) {
          diag("error", lineNo, "-N needs a chain name");
        } else if (t.chains.has(chainName)) {
          diag("warning", lineNo, `chain ${chainName} already exists`);
        } else {
          newChain(t, chainName, lineNo, line);
        }
        break;
      }
      case "-P":
      case "--policy": {
        const chain = needChain();
        const policy = words[2]?.text;
        if (!chain) break;
        if (!chain.builtin || (policy !== "ACCEPT" && policy !== "DROP")) {
          diag("error", lineNo, `bad policy command: ${clip(line)}`);
          break;
        }
        chain.policy = policy;
        chain.line = lineNo;
        chain.text = line;
        break;
      }
      case "-F":
      case "--flush": {
        if (chainName) {
          const chain = needChain();
          if (chain) chain.rules = [];
        } else {
          for (const c of t.chains.values()) c.rules = [];
        }
        break;
      }
      default:
        diag("error", lineNo, `unrecognised line: ${clip(line)}`);
    }
  }
  if (table && table.commitLine === 0) {
    diag("warning", table.line, `table ${table.name} is not committed (no COMMIT line)`);
    closeTable(table);
  }
  if (tables.size === 0) diag("warning", 0, "no table found: not iptables-save output?");
  const family =
    options.family ?? (sawV6Header || (sawV6Address && !sawV4Address) ? "ipv6" : "ipv4");
  return {
    dump: { format: "iptables", file, family, tables, ruleCount },
    diagnostics,
  };
}

function clip(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
