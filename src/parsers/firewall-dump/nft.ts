/**
 * A parser for `nft list ruleset` output (and `nft -f` scripts in the same block form, such as
 * what OpenWrt's firewall4 renders):
 *
 *   table inet filter {
 *     set allowed { type ipv4_addr; flags interval; elements = { 10.0.0.0/8, 192.0.2.1 } }
 *     chain input {
 *       type filter hook input priority filter; policy drop;
 *       ct state established,related accept
 *       iifname "lo" accept
 *       ip saddr @allowed tcp dport { 22, 80 } counter accept comment "admin"
 *       ct state vmap { established : accept, related : accept, invalid : drop }
 *       jump custom
 *     }
 *   }
 *
 * Also read: `define`/`$var`, `flush`/`delete` commands (skipped), `add|insert rule FAMILY TABLE
 * CHAIN ...`, `add chain`/`add table`, objects (flowtable, ct helper, counter, quota...; skipped).
 * A statement the parser cannot read is kept as an "unknown" statement of its rule, with a located
 * diagnostic; the analysis treats it as undecidable. Never throws.
 */
import type {
  FirewallDiagnostic,
  NftChain,
  NftRule,
  NftRuleset,
  NftSet,
  NftStatement,
  NftTable,
  NftValue,
  NftVerdict,
} from "./types.js";

export interface NftParseOptions {
  file?: string;
}

export interface NftParseResult {
  ruleset: NftRuleset;
  diagnostics: FirewallDiagnostic[];
}

interface Tok {
  t: string;
  kind: "word" | "string" | "punct" | "nl";
  line: number;
  start: number;
  end: number;
  /** Came from a `$variable`. */
  sub?: boolean;
}

const PUNCT = new Set(["{", "}", ";", ",", "(", ")"]);

function tokenize(src: string, diag: (line: number, msg: string) => void): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  const n = src.length;
  while (i < n) {
    const c = src[i] as string;
    if (c === "\n") {
      toks.push({ t: "\n", kind: "nl", line, start: i, end: i + 1 });
      line++;
      i++;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "\\" && (src[i + 1] === "\n" || (src[i + 1] === "\r" && src[i + 2] === "\n"))) {
      i += src[i + 1] === "\n" ? 2 : 3;
      line++;
      continue;
    }
    if (c === "#") {
      while (i < n && src[i] !== "\n") i++;
      continue;
    }
    if (c === '"') {
      const start = i;
      const startLine = line;
      let text = "";
      i++;
      let closed = false;
      while (i < n) {
        const d = src[i] as string;
        if (d === "\\" && i + 1 < n) {
          text += src[i + 1];
          i += 2;
          continue;
        }
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === "\n") break;
        text += d;
        i++;
      }
      if (!closed) diag(startLine, "unterminated string");
      toks.push({ t: text, kind: "string", line: startLine, start, end: i });
      continue;
    }
    if (PUNCT.has(c)) {
      toks.push({ t: c, kind: "punct", line, start: i, end: i + 1 });
      i++;
      continue;
    }
    const start = i;
    while (i < n) {
      const d = src[i] as string;
      if (d === " " || d === "\t" || d === "\r" || d === "\n" || d === '"' || PUNCT.has(d)) break;
      i++;
    }
    toks.push({ t: src.slice(start, i), kind: "word", line, start, end: i });
  }
  return toks;
}

const FAMILIES = new Set(["ip", "ip6", "inet", "arp", "bridge", "netdev"]);
const VERDICT_WORDS = new Set([
  "accept",
  "drop",
  "return",
  "continue",
  "queue",
  "reject",
  "jump",
  "goto",
]);
const OPS: Readonly<Record<string, "==" | "!=" | "<" | ">" | "<=" | ">=">> = {
  "==": "==",
  eq: "==",
  "!=": "!=",
  ne: "!=",
  "<": "<",
  lt: "<",
  ">": ">",
  gt: ">",
  "<=": "<=",
  le: "<=",
  ">=": ">=",
  ge: ">=",
};
const BINOPS = new Set(["&", "|", "^", "and", "or", "xor", "<<", ">>", "lshift", "rshift"]);

/** Protocol/header keywords that start a `header field` selector. */
const HEADERS = new Set([
  "ip",
  "ip6",
  "tcp",
  "udp",
  "udplite",
  "sctp",
  "dccp",
  "th",
  "icmp",
  "icmpv6",
  "igmp",
  "ct",
  "meta",
  "ether",
  "vlan",
  "arp",
  "rt",
  "socket",
  "osf",
  "ah",
  "esp",
  "comp",
  "gre",
  "frag",
  "hbh",
  "mh",
  "dst",
  "srh",
  "exthdr",
  "ipsec",
  "tunnel",
  "dccp",
]);

/** `meta` keys that may be written without `meta`. */
const META_SHORT = new Set([
  "iif",
  "iifname",
  "oif",
  "oifname",
  "iiftype",
  "oiftype",
  "iifgroup",
  "oifgroup",
  "mark",
  "pkttype",
  "skuid",
  "skgid",
  "cpu",
  "cgroup",
  "priority",
  "nftrace",
  "rtclassid",
  "ibrname",
  "obrname",
  "random",
  "secpath",
  "time",
  "day",
  "hour",
  "l4proto",
  "nfproto",
]);

const TCP_OPTION_FIELDS = new Set([
  "size",
  "kind",
  "length",
  "left",
  "right",
  "count",
  "tsval",
  "tsecr",
  "value",
  "mptcp",
]);

class RuleParser {
  i = 0;
  readonly out: NftStatement[] = [];
  comment: string | undefined;

  constructor(
    private readonly toks: Tok[],
    private readonly text: (from: number, to: number) => string,
    private readonly warn: (line: number, msg: string) => void,
  ) {}

  private peek(o = 0): Tok | undefined {
    return this.toks[this.i + o];
  }

  private word(o = 0): string | undefined {
    const t = this.peek(o);
    return t && t.kind !== "string" ? t.t : undefined;
  }

  private textFrom(start: number): string {
    return this.text(start, this.i);
  }

  parse(): void {
    while (this.i < this.toks.length) {
      const start = this.i;
      try {
        this.statement();
      } catch {
        this.i = start;
      }
      if (this.i === start) {
        this.unknownRest();
        return;
      }
    }
  }

  /** Keeps the rest of the rule, except a trailing verdict, as an unreadable statement. */
  private unknownRest(): void {
    const start = this.i;
    let end = this.toks.length;
    // find a verdict at the end: `... accept`, `... jump x`, `... reject with tcp reset`
    let verdictAt = -1;
    for (let k = this.toks.length - 1; k >= start; k--) {
      const t = this.toks[k] as Tok;
      if (t.kind === "word" && VERDICT_WORDS.has(t.t)) {
        verdictAt = k;
        break;
      }
    }
    if (verdictAt > start) end = verdictAt;
    const first = this.toks[start] as Tok;
    const text = this.text(start, end);
    this.out.push({ kind: "unknown", text });
    this.warn(first.line, `cannot read "${text}" (treated as undecidable)`);
    this.i = end;
    while (this.i < this.toks.length) {
      const before = this.i;
      try {
        this.statement();
      } catch {
        this.i = before;
      }
      if (this.i === before) this.i = this.toks.length;
    }
  }

  private expectWord(): string {
    const t = this.peek();
    if (!t || t.kind === "punct" || t.kind === "nl") throw new Error("word expected");
    this.i++;
    return t.t;
  }

  private statement(): void {
    const start = this.i;
    const w = this.word();
    const tok = this.peek();
    if (!tok) return;
    if (tok.kind === "string" || w === undefined) return;
    if (w === "comment") {
      this.i++;
      const c = this.peek();
      if (c) {
        this.comment = c.t;
        this.i++;
      }
      return;
    }
    if (VERDICT_WORDS.has(w)) {
      this.i++;
      let verdict: NftVerdict;
      if (w === "jump" || w === "goto") {
        verdict = { kind: w, chain: this.expectWord() };
      } else if (w === "reject") {
        if (this.word() === "with") {
          this.i++;
          const kind = this.expectWord();
          if (kind === "tcp") {
            if (this.word() === "reset") this.i++;
          } else {
            if (this.word() === "type") this.i++;
            this.expectWord();
          }
        }
        verdict = { kind: "reject", text: this.textFrom(start) };
      } else if (w === "queue") {
        while (this.word() && /^(num|to|flags|bypass|fanout)$/.test(this.word() as string)) {
          const k = this.expectWord();
          if (k === "num" || k === "to" || k === "flags") this.value();
        }
        verdict = { kind: "queue" };
      } else {
        verdict = { kind: w as "accept" | "drop" | "return" | "continue" };
      }
      this.out.push({ kind: "verdict", verdict, text: this.textFrom(start) });
      return;
    }
    switch (w) {
      case "counter": {
        this.i++;
        if (this.word() === "name") {
          this.i += 2;
        } else {
          while (this.word() === "packets" || this.word() === "bytes") this.i += 2;
        }
        this.push("counter", start);
        return;
      }
      case "log": {
        this.i++;
        for (;;) {
          const k = this.word();
          if (
            k === "prefix" ||
            k === "level" ||
            k === "group" ||
            k === "snaplen" ||
            k === "queue-threshold"
          ) {
            this.i++;
            this.value();
          } else if (k === "flags") {
            this.i++;
            this.value();
          } else break;
        }
        this.push("log", start);
        return;
      }
      case "limit": {
        this.i++;
        if (this.word() === "name") {
          this.i += 2;
        } else {
          if (this.word() !== "rate") throw new Error("limit rate expected");
          this.i++;
          if (this.word() === "over" || this.word() === "until") this.i++;
          this.expectWord(); // N/unit or N
          if (this.word() && /^(bytes|kbytes|mbytes)(\/\w+)?$/.test(this.word() as string))
            this.i++;
          if (this.word() === "/") this.i += 2;
          if (this.word() === "burst") {
            this.i += 2;
            if (
              this.word() === "packets" ||
              this.word() === "bytes" ||
              this.word() === "kbytes" ||
              this.word() === "mbytes"
            )
              this.i++;
          }
        }
        this.push("limit", start);
        return;
      }
      case "quota": {
        this.i++;
        if (this.word() === "name") {
          this.i += 2;
        } else {
          if (this.word() === "over" || this.word() === "until") this.i++;
          this.expectWord();
          if (this.word() && /bytes$/.test(this.word() as string)) this.i++;
          if (this.word() === "used") {
            this.i += 2;
            if (this.word() && /bytes$/.test(this.word() as string)) this.i++;
          }
        }
        this.push("quota", start);
        return;
      }
      case "notrack":
        this.i++;
        this.push("notrack", start);
        return;
      case "masquerade":
      case "redirect":
      case "snat":
      case "dnat": {
        this.i++;
        if (this.word() === "ip" || this.word() === "ip6") this.i++;
        if (this.word() === "to") this.i++;
        if (w !== "masquerade" && this.peek() && this.peek()?.kind !== "nl") {
          const v = this.word();
          if (
            v !== undefined &&
            !/^(random|persistent|fully-random)$/.test(v) &&
            !VERDICT_WORDS.has(v) &&
            v !== "comment"
          ) {
            if (HEADERS.has(v) || META_SHORT.has(v)) throw new Error("nat mapping expression");
            this.expectWord();
          }
        }
        if (w === "masquerade" && this.word() === "to") {
          this.i++;
          this.expectWord();
        }
        while (this.word() && /^(random|persistent|fully-random)$/.test(this.word() as string))
          this.i++;
        if (this.peek()?.kind === "punct" && this.peek()?.t === ",") this.value();
        this.push(w, start);
        return;
      }
      case "flow": {
        this.i++;
        if (this.word() === "add" || this.word() === "offload") this.i++;
        this.expectWord();
        this.push("flow", start);
        return;
      }
      case "add":
      case "update":
      case "delete": {
        this.i++;
        const set = this.expectWord();
        if (!set.startsWith("@")) throw new Error("set expected");
        this.value();
        this.push(`set-${w}`, start, [set.slice(1)]);
        return;
      }
      case "synproxy":
      case "tproxy":
      case "fwd":
      case "dup": {
        this.i++;
        while (
          this.peek() &&
          this.peek()?.kind !== "nl" &&
          !VERDICT_WORDS.has(this.word() ?? "") &&
          this.word() !== "comment"
        ) {
          this.i++;
        }
        this.push(w, start);
        return;
      }
    }
    if (w === "ct" && this.word(1) === "count") {
      this.i += 2;
      if (this.word() === "over") this.i++;
      this.expectWord();
      this.push("ct count", start);
      return;
    }
    // a relational expression, a vmap, or a `selector set value` statement
    const selector = this.selector();
    if (selector === undefined) return;
    const next = this.word();
    if (next === "set") {
      this.i++;
      this.setValue();
      this.push(`${selector} set`, start);
      return;
    }
    if (next === "vmap") {
      this.i++;
      this.vmap(selector, start);
      return;
    }
    let mask: NftValue | undefined;
    if (next !== undefined && BINOPS.has(next)) {
      this.i++;
      mask = this.value();
      // only `& mask`; other arithmetic is kept opaque
      if (next !== "&" && next !== "and")
        mask = { kind: "atom", text: `${next} ...`, quoted: false };
    }
    let op: "==" | "!=" | "<" | ">" | "<=" | ">=" = "==";
    const maybeOp = this.word();
    if (maybeOp !== undefined && OPS[maybeOp]) {
      op = OPS[maybeOp] as typeof op;
      this.i++;
    }
    const value = this.value();
    if (this.word() === "/" && selector.endsWith("flags")) {
      // `tcp flags syn / fin,syn,rst,ack`: (flags & mask) == value
      this.i++;
      mask = this.value();
    }
    this.out.push({
      kind: "match",
      selector,
      op,
      value,
      ...(mask ? { mask } : {}),
      text: this.textFrom(start),
    });
  }

  private push(name: string, start: number, args?: string[]): void {
    const text = this.textFrom(start);
    this.out.push({
      kind: "statement",
      name,
      args: args ?? text.split(/\s+/).slice(1),
      text,
    });
  }

  /** `header field`, `meta key`, a short meta key, `fib ...`, or a concatenation of these. */
  private selector(): string | undefined {
    const parts: string[] = [];
    for (;;) {
      const part = this.selectorPart();
      if (part === undefined) {
        if (parts.length === 0) return undefined;
        throw new Error("selector expected after '.'");
      }
      parts.push(part);
      if (this.word() === "." && this.i + 1 < this.toks.length) {
        const after = this.word(1);
        if (
          after !== undefined &&
          (HEADERS.has(after) || META_SHORT.has(after) || after === "fib")
        ) {
          this.i++;
          continue;
        }
      }
      return parts.join(" . ");
    }
  }

  private selectorPart(): string | undefined {
    const w = this.word();
    if (w === undefined) return undefined;
    if (w === "fib") {
      this.i++;
      const words: string[] = [];
      while (this.word() !== undefined) {
        const x = this.expectWord();
        words.push(x);
        if (x === "oif" || x === "oifname" || x === "type" || x === "addr" || x === "check") break;
      }
      return `fib ${words.join(" ")}`;
    }
    if (META_SHORT.has(w) && !HEADERS.has(w)) {
      this.i++;
      return `meta ${w}`;
    }
    if (!HEADERS.has(w)) return undefined;
    this.i++;
    const field = this.word();
    if (field === undefined) throw new Error("field expected");
    this.i++;
    let sel = `${w} ${field}`;
    if (w === "ct" && (field === "original" || field === "reply")) {
      const f2 = this.expectWord();
      sel += ` ${f2}`;
      if (f2 === "ip" || f2 === "ip6") sel += ` ${this.expectWord()}`;
    } else if ((w === "tcp" || w === "ip" || w === "ip6") && field === "option") {
      sel += ` ${this.expectWord()}`;
      const f3 = this.word();
      if (f3 !== undefined && TCP_OPTION_FIELDS.has(f3)) {
        this.i++;
        sel += ` ${f3}`;
      }
    } else if (w === "ipsec") {
      // ipsec in|out [spnum N] field
      if (this.word() === "spnum") this.i += 2;
      sel += ` ${this.expectWord()}`;
    }
    return sel;
  }

  /** The value after `set`: an atom or an expression (`ct mark`, `mark and 0xff`). */
  private setValue(): void {
    const w = this.word();
    if (w !== undefined && (HEADERS.has(w) || META_SHORT.has(w))) this.selector();
    else this.value();
    while (this.word() !== undefined && BINOPS.has(this.word() as string)) {
      this.i++;
      this.value();
    }
  }

  private vmap(selector: string, start: number): void {
    const entries: { key: NftValue; verdict: NftVerdict }[] = [];
    const w = this.word();
    if (w?.startsWith("@")) {
      this.i++;
      this.out.push({
        kind: "vmap",
        selector,
        entries,
        mapName: w.slice(1),
        text: this.textFrom(start),
      });
      return;
    }
    const open = this.peek();
    if (open?.t !== "{") throw new Error("vmap { expected");
    this.i++;
    for (;;) {
      this.skipNl();
      const t = this.peek();
      if (!t) throw new Error("unterminated vmap");
      if (t.t === "}" && t.kind === "punct") {
        this.i++;
        break;
      }
      if (t.t === "," && t.kind === "punct") {
        this.i++;
        continue;
      }
      // key [:] verdict; the key may end with ':' when written `22: accept`
      const keyParts: NftValue[] = [];
      let verdictNext = false;
      for (;;) {
        const k = this.peek();
        if (!k) throw new Error("unterminated vmap");
        if (k.kind === "word" && k.t === ":") {
          this.i++;
          verdictNext = true;
          break;
        }
        if (k.kind === "word" && k.t.endsWith(":") && k.t.length > 1 && !k.t.endsWith("::")) {
          this.i++;
          keyParts.push({ kind: "atom", text: k.t.slice(0, -1), quoted: false });
          verdictNext = true;
          break;
        }
        keyParts.push(this.atomOrConcat());
        if (keyParts.length > 8) throw new Error("bad vmap key");
      }
      if (!verdictNext) throw new Error("vmap ':' expected");
      const v = this.expectWord();
      let verdict: NftVerdict;
      if (v === "jump" || v === "goto") verdict = { kind: v, chain: this.expectWord() };
      else if (
        v === "accept" ||
        v === "drop" ||
        v === "return" ||
        v === "continue" ||
        v === "queue"
      ) {
        verdict = { kind: v };
      } else if (v === "reject") verdict = { kind: "reject", text: "reject" };
      else throw new Error(`bad verdict ${v}`);
      const key: NftValue =
        keyParts.length === 1 ? (keyParts[0] as NftValue) : { kind: "concat", parts: keyParts };
      entries.push({ key, verdict });
    }
    this.out.push({ kind: "vmap", selector, entries, text: this.textFrom(start) });
  }

  private skipNl(): void {
    while (this.peek()?.kind === "nl") this.i++;
  }

  /** One element: an atom, `a . b` concatenation, `a-b` range of strings, `(x | y)` flags. */
  private atomOrConcat(): NftValue {
    const parts: NftValue[] = [this.atom()];
    while (this.word() === ".") {
      this.i++;
      parts.push(this.atom());
    }
    return parts.length === 1 ? (parts[0] as NftValue) : { kind: "concat", parts };
  }

  private atom(): NftValue {
    const t = this.peek();
    if (!t || t.kind === "nl") throw new Error("value expected");
    if (t.kind === "punct" && t.t === "(") {
      this.i++;
      const items: string[] = [];
      while (this.peek() && !(this.peek()?.kind === "punct" && this.peek()?.t === ")")) {
        const x = this.expectWord();
        if (x !== "|") items.push(...x.split("|").filter(Boolean));
      }
      this.i++;
      return { kind: "flags", items };
    }
    if (t.kind === "punct") throw new Error(`unexpected ${t.t}`);
    this.i++;
    let text = t.t;
    // "08:00"-"17:00"
    if (t.kind === "string" && this.word() === "-" && this.peek(1)?.kind === "string") {
      text = `${text}-${this.peek(1)?.t}`;
      this.i += 2;
    }
    if (t.kind !== "string" && text.startsWith("@"))
      return { kind: "named-set", name: text.slice(1) };
    // syn | ack
    if (t.kind === "word" && this.word() === "|") {
      const items = text.split("|");
      while (this.word() === "|") {
        this.i++;
        items.push(...this.expectWord().split("|"));
      }
      return { kind: "flags", items: items.filter(Boolean) };
    }
    if (t.kind === "word" && text.includes("|") && text.length > 1) {
      return { kind: "flags", items: text.split("|").filter(Boolean) };
    }
    return { kind: "atom", text, quoted: t.kind === "string" };
  }

  /** A value: `{ set }`, `@named`, an atom, or a comma list `a,b,c` (ct state, flags). */
  value(): NftValue {
    const t = this.peek();
    if (t?.kind === "punct" && t.t === "{") {
      this.i++;
      const items: NftValue[] = [];
      for (;;) {
        this.skipNl();
        const x = this.peek();
        if (!x) throw new Error("unterminated set");
        if (x.kind === "punct" && x.t === "}") {
          this.i++;
          break;
        }
        if (x.kind === "punct" && x.t === ",") {
          this.i++;
          continue;
        }
        items.push(this.atomOrConcat());
        // element options: timeout 1h expires 30m counter packets 0 bytes 0 comment "x"
        while (this.peek() && this.peek()?.kind !== "punct" && this.peek()?.kind !== "nl") this.i++;
      }
      return { kind: "set", items, braces: true };
    }
    const first = this.atomOrConcat();
    if (this.peek()?.kind === "punct" && this.peek()?.t === ",") {
      const items = [first];
      while (this.peek()?.kind === "punct" && this.peek()?.t === ",") {
        this.i++;
        items.push(this.atomOrConcat());
      }
      return { kind: "set", items, braces: false };
    }
    return first;
  }
}

export function parseNftRuleset(text: string, options: NftParseOptions = {}): NftParseResult {
  const file = options.file ?? "<nft ruleset>";
  const diagnostics: FirewallDiagnostic[] = [];
  const diag = (severity: FirewallDiagnostic["severity"], line: number, message: string) =>
    diagnostics.push({ severity, file, line, message });
  const toks = tokenize(text, (line, msg) => diag("error", line, msg));
  const tables: NftTable[] = [];
  const defines = new Map<string, Tok[]>();
  let ruleCount = 0;
  let i = 0;

  const sliceText = (from: number, to: number, arr: Tok[]) => {
    const a = arr[from];
    const b = arr[to - 1];
    if (!a || !b || to <= from) return "";
    const fromSource = a.start <= b.start && !arr.slice(from, to).some((t) => t.sub);
    if (fromSource) return text.slice(a.start, b.end).replace(/\s*\n\s*/g, " ");
    return arr
      .slice(from, to)
      .map((t) => (t.kind === "string" ? `"${t.t}"` : t.t))
      .join(" ");
  };

  const peek = () => toks[i];
  const skipBlank = () => {
    while (i < toks.length && (toks[i]?.kind === "nl" || toks[i]?.t === ";")) i++;
  };
  /** Reads a statement: tokens to the end of line or `;`, with braces balanced (across lines). */
  const readStatement = (): Tok[] => {
    const out: Tok[] = [];
    let depth = 0;
    while (i < toks.length) {
      const t = toks[i] as Tok;
      if (depth === 0 && (t.kind === "nl" || (t.kind === "punct" && t.t === ";"))) {
        i++;
        break;
      }
      if (depth === 0 && t.kind === "punct" && t.t === "}") break; // end of the enclosing block
      if (t.kind === "punct" && t.t === "{") depth++;
      if (t.kind === "punct" && t.t === "}") depth--;
      if (t.kind === "nl") {
        i++;
        continue;
      }
      out.push(t);
      i++;
    }
    return out;
  };
  /** Skips a `{ ... }` block starting at the current `{`. */
  const skipBlock = () => {
    let depth = 0;
    while (i < toks.length) {
      const t = toks[i] as Tok;
      i++;
      if (t.kind === "punct" && t.t === "{") depth++;
      else if (t.kind === "punct" && t.t === "}") {
        depth--;
        if (depth <= 0) return;
      }
    }
  };
  const substitute = (ts: Tok[], depth = 0): Tok[] => {
    if (depth > 8) return ts;
    const out: Tok[] = [];
    for (const t of ts) {
      if (t.kind === "word" && t.t.startsWith("$")) {
        const def = defines.get(t.t.slice(1));
        if (def) {
          out.push(...substitute(def, depth + 1).map((d) => ({ ...d, line: t.line, sub: true })));
          continue;
        }
        diag("error", t.line, `undefined variable ${t.t}`);
      }
      out.push(t);
    }
    return out;
  };
  const getTable = (family: string, name: string, line: number): NftTable => {
    let t = tables.find((x) => x.family === family && x.name === name);
    if (!t) {
      t = { family, name, line, chains: new Map(), sets: new Map() };
      tables.push(t);
    }
    return t;
  };
  const getChain = (table: NftTable, name: string, line: number): NftChain => {
    let c = table.chains.get(name);
    if (!c) {
      c = { name, line, policyLine: 0, rules: [] };
      table.chains.set(name, c);
    }
    return c;
  };
  const parseDefine = () => {
    const st = readStatement();
    // define NAME = value
    const name = st[1]?.t;
    if (!name || st[2]?.t !== "=") {
      diag("error", st[0]?.line ?? 0, "bad define");
      return;
    }
    defines.set(name, st.slice(3));
  };

  const parseRuleTokens = (
    chain: NftChain,
    table: NftTable,
    raw: Tok[],
    position: "append" | "insert",
  ) => {
    const ts = substitute(raw);
    const first = ts[0];
    if (!first) return;
    const parser = new RuleParser(
      ts,
      (a, b) => sliceText(a, b, ts),
      (line, msg) => diag("warning", line, msg),
    );
    parser.parse();
    const rule: NftRule = {
      line: first.line,
      text: sliceText(0, ts.length, ts),
      statements: parser.out,
      ...(parser.comment !== undefined ? { comment: parser.comment } : {}),
    };
    for (const s of rule.statements) {
      if (s.kind === "statement" && s.name.startsWith("set-")) {
        const set = table.sets.get(s.args[0] ?? "");
        if (set) set.dynamic = true;
        else pendingDynamic.push([table, s.args[0] ?? ""]);
      }
    }
    if (position === "insert") chain.rules.unshift(rule);
    else chain.rules.push(rule);
    ruleCount++;
  };
  const pendingDynamic: [NftTable, string][] = [];

  const parseChainSpec = (chain: NftChain, st: Tok[]) => {
    // type filter hook input [device "eth0"] priority filter [+ 10]
    const words = st.map((t) => t.t);
    const type = words[1] ?? "";
    const hookAt = words.indexOf("hook");
    const prioAt = words.indexOf("priority");
    const hook = hookAt >= 0 ? (words[hookAt + 1] ?? "") : "";
    const devAt = words.indexOf("device");
    const prioWords = prioAt >= 0 ? words.slice(prioAt + 1) : [];
    const priority = parsePriority(prioWords, hook);
    if (priority === undefined) {
      diag(
        "warning",
        st[0]?.line ?? 0,
        `cannot read chain priority "${prioWords.join(" ")}" (taken as 0)`,
      );
    }
    chain.base = {
      type,
      hook,
      priority: priority ?? 0,
      priorityText: prioWords.join(" "),
      line: st[0]?.line ?? 0,
      text: sliceText(0, st.length, st),
      ...(devAt >= 0 && words[devAt + 1] ? { device: words[devAt + 1] as string } : {}),
    };
  };

  const parseChainBody = (table: NftTable, chain: NftChain) => {
    // at `{`
    i++;
    for (;;) {
      skipBlank();
      const t = peek();
      if (!t) {
        diag("error", chain.line, `chain ${chain.name} is not closed`);
        return;
      }
      if (t.kind === "punct" && t.t === "}") {
        i++;
        return;
      }
      const st = readStatement();
      if (st.length === 0) {
        // a stray token readStatement refused (only `}` is refused, handled above)
        i++;
        continue;
      }
      const head = st[0] as Tok;
      if (head.t === "type" && head.kind === "word") {
        parseChainSpec(chain, st);
      } else if (head.t === "policy" && head.kind === "word") {
        const p = st[1]?.t;
        if (p === "accept" || p === "drop") {
          chain.policy = p;
          chain.policyLine = head.line;
        } else diag("error", head.line, `bad chain policy "${p ?? ""}"`);
      } else if (head.t === "include" && head.kind === "word") {
        diag("info", head.line, `include ${st[1]?.t ?? ""} not followed`);
      } else if (
        (head.t === "comment" && st.length === 2) ||
        head.t === "devices" ||
        head.t === "flags"
      ) {
        // chain comment, netdev devices, flags: not rules
      } else if (head.kind === "punct") {
        diag("error", head.line, `unexpected "${head.t}"`);
      } else {
        parseRuleTokens(chain, table, st, "append");
      }
    }
  };

  const parseSetBody = (set: NftSet) => {
    i++;
    for (;;) {
      skipBlank();
      const t = peek();
      if (!t) {
        diag("error", set.line, `set ${set.name} is not closed`);
        return;
      }
      if (t.kind === "punct" && t.t === "}") {
        i++;
        return;
      }
      const st = substitute(readStatement());
      if (st.length === 0) {
        i++;
        continue;
      }
      const head = st[0] as Tok;
      if (head.t === "type" || head.t === "typeof") {
        set.type = sliceText(1, st.length, st);
      } else if (head.t === "flags") {
        set.flags = st
          .slice(1)
          .filter((x) => x.kind === "word")
          .map((x) => x.t);
        if (set.flags.some((f) => f === "dynamic" || f === "timeout")) set.dynamic = true;
      } else if (head.t === "timeout") {
        set.dynamic = true;
      } else if (head.t === "elements") {
        const p = new RuleParser(
          st.slice(2),
          (a, b) => sliceText(a + 2, b + 2, st),
          () => {},
        );
        try {
          const v = p.value();
          set.elements = v.kind === "set" ? v.items : [v];
        } catch {
          diag("warning", head.line, `cannot read the elements of set ${set.name}`);
          set.dynamic = true;
        }
      }
    }
  };

  const parseTableBody = (table: NftTable) => {
    i++;
    for (;;) {
      skipBlank();
      const t = peek();
      if (!t) {
        diag("error", table.line, `table ${table.family} ${table.name} is not closed`);
        return;
      }
      if (t.kind === "punct" && t.t === "}") {
        i++;
        return;
      }
      const w = t.t;
      const line = t.line;
      if (w === "chain") {
        i++;
        const name = toks[i]?.t ?? "";
        i++;
        const chain = getChain(table, name, line);
        if (peek()?.t === "{") parseChainBody(table, chain);
        else readStatement();
        continue;
      }
      if (w === "set" || w === "map") {
        i++;
        const name = toks[i]?.t ?? "";
        i++;
        const set: NftSet = {
          name,
          line,
          map: w === "map",
          type: "",
          flags: [],
          elements: [],
          dynamic: false,
        };
        table.sets.set(name, set);
        if (peek()?.t === "{") parseSetBody(set);
        else readStatement();
        continue;
      }
      if (w === "define") {
        parseDefine();
        continue;
      }
      if (w === "include") {
        const st = readStatement();
        diag("info", line, `include ${st[1]?.t ?? ""} not followed`);
        continue;
      }
      // objects with a body (flowtable, ct helper/timeout/expectation, counter, quota, limit,
      // secmark, synproxy, tunnel): skipped; a table-level statement (flags, comment): skipped
      let k = i;
      while (k < toks.length && toks[k]?.kind !== "nl" && toks[k]?.t !== "{" && toks[k]?.t !== "}")
        k++;
      if (toks[k]?.t === "{") {
        const known = /^(flowtable|ct|counter|quota|limit|secmark|synproxy|tunnel)$/.test(w);
        if (!known) diag("warning", line, `unknown table object "${w}" skipped`);
        i = k;
        skipBlock();
        continue;
      }
      const st = readStatement();
      if (!/^(flags|comment)$/.test(w)) {
        diag("warning", line, `unexpected "${sliceText(0, st.length, st)}" in table ${table.name}`);
      }
    }
  };

  // top level
  while (i < toks.length) {
    skipBlank();
    const t = peek();
    if (!t) break;
    const w = t.t;
    const line = t.line;
    if (t.kind === "punct") {
      diag("error", line, `unexpected "${w}"`);
      i++;
      continue;
    }
    if (w === "table") {
      i++;
      let family = "ip";
      if (FAMILIES.has(toks[i]?.t ?? "") && toks[i + 1]?.kind === "word") {
        family = toks[i]?.t as string;
        i++;
      }
      const name = toks[i]?.t ?? "";
      i++;
      const table = getTable(family, name, line);
      if (peek()?.t === "{") parseTableBody(table);
      else readStatement();
      continue;
    }
    if (w === "define") {
      parseDefine();
      continue;
    }
    if (w === "include") {
      const st = readStatement();
      diag("info", line, `include ${st[1]?.t ?? ""} not followed`);
      continue;
    }
    if (/^(flush|delete|destroy|list|reset|rename|monitor|describe|export|import)$/.test(w)) {
      readStatement();
      if (peek()?.t === "{") skipBlock();
      continue;
    }
    if (w === "add" || w === "create" || w === "insert" || w === "replace") {
      // add table|chain|rule|set|element ...
      const st = readStatement();
      const what = st[1]?.t;
      let k = 2;
      let family = "ip";
      if (FAMILIES.has(st[k]?.t ?? "") && st[k + 1] !== undefined && st[k + 1]?.kind === "word") {
        family = st[k]?.t as string;
        k++;
      }
      const tableName = st[k]?.t ?? "";
      k++;
      if (what === "table") {
        getTable(family, tableName, line);
      } else if (what === "chain" || what === "rule") {
        const table = getTable(family, tableName, line);
        const chainName = st[k]?.t ?? "";
        k++;
        const chain = getChain(table, chainName, line);
        if (what === "chain") {
          // add chain inet t c { type filter hook input priority 0; policy drop; }
          const inner = st.slice(k).filter((x) => x.t !== "{" && x.t !== "}");
          const typeAt = inner.findIndex((x) => x.t === "type");
          const polAt = inner.findIndex((x) => x.t === "policy");
          if (typeAt >= 0) {
            const end = polAt > typeAt ? polAt : inner.length;
            parseChainSpec(chain, inner.slice(typeAt, end));
          }
          const p = polAt >= 0 ? inner[polAt + 1]?.t : undefined;
          if (p === "accept" || p === "drop") {
            chain.policy = p;
            chain.policyLine = line;
          }
        } else {
          if (st[k]?.t === "position" || st[k]?.t === "handle" || st[k]?.t === "index") k += 2;
          parseRuleTokens(chain, table, st.slice(k), w === "insert" ? "insert" : "append");
        }
      } else {
        diag("warning", line, `command "${w} ${what ?? ""}" not applied`);
      }
      continue;
    }
    const st = readStatement();
    diag("error", line, `unexpected "${sliceText(0, st.length, st) || w}"`);
    if (st.length === 0) i++;
  }
  for (const [table, name] of pendingDynamic) {
    const set = table.sets.get(name);
    if (set) set.dynamic = true;
  }
  return { ruleset: { format: "nft", file, tables, ruleCount }, diagnostics };
}

const PRIORITY_NAMES: Readonly<Record<string, number>> = {
  raw: -300,
  mangle: -150,
  dstnat: -100,
  filter: 0,
  security: 50,
  srcnat: 100,
  // bridge family
  out: 100,
};

function parsePriority(words: string[], _hook: string): number | undefined {
  if (words.length === 0) return 0;
  const joined = words.join(" ").replace(/\s+/g, " ").trim();
  const m = /^(-?\d+|[a-z]+)(?:\s*([+-])\s*(\d+))?$/.exec(joined);
  if (!m) return undefined;
  const base = /^-?\d+$/.test(m[1] as string) ? Number(m[1]) : PRIORITY_NAMES[m[1] as string];
  if (base === undefined) return undefined;
  const off = m[3] ? Number(m[3]) * (m[2] === "-" ? -1 : 1) : 0;
  return base + off;
}
