/**
 * The host's own firewall, from a saved ruleset, to facts.hostFirewall: the input policy, whether
 * the ruleset filters anything at all, and for each port a PBX host cares about the verdict a NEW
 * packet from an arbitrary internet address meets (see src/parsers/firewall-dump/analyze.ts), with
 * the deciding rule as evidence.
 *
 * Files accepted (paths in the input; the first one found is THE ruleset):
 *
 * | path | format |
 * |---|---|
 * | `iptables-save.txt` | `iptables-save` output (IPv4) |
 * | `nft-ruleset.txt` | `nft list ruleset` output |
 * | `iptables.rules` | `iptables-save` output (IPv4; Arch, Gentoo, hand-made) |
 * | `etc/iptables/rules.v4` | iptables-persistent (Debian, Ubuntu) |
 * | `etc/sysconfig/iptables` | iptables-services (RHEL, CentOS, Sangoma/FreePBX distro) |
 * | `etc/nftables.conf` | nftables service script (Debian) |
 *
 * Live dumps come before the files loaded at boot. With an iptables ruleset, the IPv6 side is read
 * from `ip6tables-save.txt`, `etc/iptables/rules.v6` or `etc/sysconfig/ip6tables` when present (an
 * nft ruleset covers both families itself). A port counts as accepted when either family accepts
 * it; when IPv6 has no ruleset in the input, the summary says IPv6 was not evaluated.
 *
 * "Effectively empty": every input base chain's policy accepts and no rule on the input path refuses
 * a packet — fail2ban's own chains (f2b-*, fail2ban-*) not counted, since bans of single addresses
 * are no firewall (Wazo's default: iptables installed, no rules but fail2ban's).
 */
import type { HostFirewallFacts, HostPortExposure, PortVerdict } from "../../facts/host.js";
import type { Facts } from "../../facts/model.js";
import { type ConfigOrigin, known, type Origin } from "../../facts/value.js";
import {
  analyzeInput,
  type Evidence,
  type ExposureResult,
  type FirewallModel,
  inputPolicy,
  parseFirewallDump,
  reachableInputRules,
} from "../../parsers/firewall-dump/index.js";
import type { ExtractContext } from "../context.js";

export const RULESET_FILES: readonly { path: string; format: "iptables" | "nft" }[] = [
  { path: "iptables-save.txt", format: "iptables" },
  { path: "nft-ruleset.txt", format: "nft" },
  { path: "iptables.rules", format: "iptables" },
  { path: "etc/iptables/rules.v4", format: "iptables" },
  { path: "etc/sysconfig/iptables", format: "iptables" },
  { path: "etc/nftables.conf", format: "nft" },
];

export const RULESET_V6_FILES: readonly string[] = [
  "ip6tables-save.txt",
  "etc/iptables/rules.v6",
  "etc/sysconfig/ip6tables",
];

/** The ports a PBX host audit asks about (VPX-07, WAZ-04, WAZ-05). */
export const HOST_AUDIT_PORTS: readonly { port: number; transport: "tcp" | "udp" }[] = [
  { port: 22, transport: "tcp" },
  { port: 5060, transport: "udp" },
  { port: 5060, transport: "tcp" },
  { port: 5061, transport: "tcp" },
  { port: 4569, transport: "udp" },
  { port: 5038, transport: "tcp" },
  { port: 80, transport: "tcp" },
  { port: 443, transport: "tcp" },
  { port: 8088, transport: "tcp" },
];

const FAIL2BAN_CHAIN = /^(f2b-|fail2ban-)/i;

interface LoadedRuleset {
  file: string;
  model: FirewallModel;
}

function load(
  ctx: ExtractContext,
  path: string,
  format: "iptables" | "nft",
  family?: "ipv4" | "ipv6",
): LoadedRuleset | undefined {
  const f = ctx.readFile(path, format === "nft" ? "nft" : "iptables-save");
  if (!f) return undefined;
  const dump = parseFirewallDump(f.text, {
    file: f.file,
    format,
    ...(family && format === "iptables" ? { family } : {}),
  });
  for (const d of dump.diagnostics) {
    ctx.diagnostics.push({
      severity: d.severity,
      file: f.file,
      ...(d.line > 0 ? { line: d.line } : {}),
      message: d.message,
    });
  }
  if (dump.diagnostics.some((d) => d.severity === "error")) {
    const src = ctx.sources.find((s) => s.path === f.file);
    if (src) src.status = "error";
  }
  return { file: f.file, model: dump.model };
}

function evidenceOrigin(file: string, e: Evidence, prefix = ""): ConfigOrigin {
  if (e.line === 0) {
    return { kind: "config", file, excerpt: `${prefix}${e.text}`, implied: true };
  }
  return { kind: "config", file, line: e.line, excerpt: `${prefix}${e.text}` };
}

/** Origins behind one answer: the deciding rule, or the rules of the paths that disagree. */
function originsOf(file: string, r: ExposureResult): Origin[] {
  const out: Origin[] = [];
  const seen = new Set<number>();
  const add = (e: Evidence, prefix = "") => {
    if (seen.has(e.line)) return;
    seen.add(e.line);
    out.push(evidenceOrigin(file, e, prefix));
  };
  if (r.decidedBy) add(r.decidedBy);
  else {
    // one path per outcome: where it is accepted, where dropped, where undecided
    for (const verdict of ["accepted", "dropped", "unknown"] as const) {
      const p = r.paths.find((x) => x.verdict === verdict);
      if (p) add(p.evidence, `${verdict}: `);
    }
  }
  for (const a of r.acceptedFromSources) add(a.evidence, `accepted from ${a.sources} only: `);
  return out;
}

function combine(a: PortVerdict, b: PortVerdict | undefined): PortVerdict {
  if (b === undefined) return a;
  if (a === "accepted" || b === "accepted") return "accepted";
  if (a === "unknown" || b === "unknown") return "unknown";
  return "dropped";
}

function exposure(
  port: number,
  transport: "tcp" | "udp",
  v4: LoadedRuleset,
  v6: LoadedRuleset | undefined,
  nft: boolean,
): HostPortExposure {
  const r4 = analyzeInput(v4.model, { port, protocol: transport, family: "ipv4" });
  const six = v6 ?? (nft ? v4 : undefined);
  const r6 = six
    ? analyzeInput(six.model, { port, protocol: transport, family: "ipv6" })
    : undefined;
  const verdict = combine(r4.verdict, r6?.verdict);
  const parts = [`IPv4: ${r4.summary}`];
  if (r6) {
    if (r6.verdict !== r4.verdict || six !== v4) parts.push(`IPv6: ${r6.summary}`);
  } else {
    parts.push("IPv6 not evaluated (no ip6tables ruleset in the input)");
  }
  for (const a of r4.acceptedFromSources)
    parts.push(`also accepted from ${a.sources} (line ${a.evidence.line})`);
  const at = [...originsOf(v4.file, r4)];
  if (r6 && six && (r6.verdict === "accepted" || r6.verdict !== r4.verdict)) {
    for (const o of originsOf(six.file, r6)) {
      if (
        !at.some(
          (x) =>
            x.kind === "config" && o.kind === "config" && x.file === o.file && x.line === o.line,
        )
      )
        at.push(o);
    }
  }
  return { port, transport, verdict, summary: `${port}/${transport}: ${parts.join("; ")}`, at };
}

export function summarize(model: FirewallModel): {
  defaultInput: "accept" | "drop";
  effectivelyEmpty: boolean;
  refusing: number;
  fail2banOnly: number;
  reachable: number;
} {
  const reachable = reachableInputRules(model);
  const refusing = reachable.filter(
    (r) => r.action.k === "drop" || r.action.k === "unknown" || r.action.k === "dnat",
  );
  const own = refusing.filter((r) => !FAIL2BAN_CHAIN.test(r.chain));
  const policiesAccept = model.stages.every((s) => (s.chain.policy ?? "accept") === "accept");
  return {
    defaultInput: inputPolicy(model).policy,
    effectivelyEmpty: policiesAccept && own.length === 0,
    refusing: own.length,
    fail2banOnly: refusing.length - own.length,
    reachable: reachable.length,
  };
}

export function extractHostFirewall(ctx: ExtractContext, facts: Facts): void {
  let v4: LoadedRuleset | undefined;
  let format: "iptables" | "nft" = "iptables";
  for (const c of RULESET_FILES) {
    v4 = load(ctx, c.path, c.format, "ipv4");
    if (v4) {
      format = c.format;
      break;
    }
  }
  if (!v4) return;
  let v6: LoadedRuleset | undefined;
  if (format === "iptables") {
    for (const p of RULESET_V6_FILES) {
      v6 = load(ctx, p, "iptables", "ipv6");
      if (v6) break;
    }
  }

  const ports = new Map<string, { port: number; transport: "tcp" | "udp" }>();
  const want = (port: number, transport: "tcp" | "udp") => {
    if (port >= 1 && port <= 65535) ports.set(`${port}/${transport}`, { port, transport });
  };
  for (const p of HOST_AUDIT_PORTS) want(p.port, p.transport);
  // the ports of the services already described, so their reach can be derived
  for (const s of facts.services) {
    if (!s.ports.known) continue;
    for (const r of s.ports.value) {
      if (r.to - r.from > 16) continue;
      for (let p = r.from; p <= r.to; p++) want(p, r.transport === "udp" ? "udp" : "tcp");
    }
  }
  if (facts.listening.known) {
    for (const s of facts.listening.value) if (s.scope !== "loopback") want(s.port, s.transport);
  }

  const exposures = [...ports.values()].map((p) =>
    exposure(p.port, p.transport, v4 as LoadedRuleset, v6, format === "nft"),
  );
  const sum = summarize(v4.model);
  const policy = inputPolicy(v4.model);
  const at: Origin[] = [
    policy.line > 0
      ? {
          kind: "config",
          file: v4.file,
          line: policy.line,
          excerpt: `input policy ${policy.policy.toUpperCase()}: ${policy.text}`,
        }
      : { kind: "config", file: v4.file, excerpt: policy.text, implied: true },
    {
      kind: "config",
      file: v4.file,
      excerpt: sum.effectivelyEmpty
        ? `${sum.reachable} rule(s) on the input path, none refuses a packet${sum.fail2banOnly ? ` (only fail2ban's ${sum.fail2banOnly} ban rule(s))` : ""}`
        : `${sum.refusing} rule(s) on the input path drop or reject${sum.defaultInput === "drop" ? "; the policy drops the rest" : ""}`,
    },
  ];
  const value: HostFirewallFacts = {
    source: format,
    defaultInput: sum.defaultInput,
    effectivelyEmpty: sum.effectivelyEmpty,
    exposures,
    at,
  };
  facts.hostFirewall = known(value, ...at);
}
