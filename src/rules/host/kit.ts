/**
 * Shared pieces of the host rules (fail2ban, host firewall, listening sockets, sshd): reading a
 * jail's evidence, recognising jails, and compact builders for the rules' own cases.
 */
import type {
  Fail2banJail,
  HostFirewallFacts,
  HostPortExposure,
  ListeningSocket,
  PortVerdict,
} from "../../facts/host.js";
import type { Facts } from "../../facts/model.js";
import { type ConfigOrigin, known, type Origin } from "../../facts/value.js";
import type { FirewallFlavor } from "../../remediation/firewall.js";
import { at } from "../case-kit.js";

/**
 * The evidence of a jail for some options, as the fail2ban extractor writes it: `[name]` for the
 * section header, otherwise the option name (`maxretry`, `ignoreip`...).
 */
export function jailOrigins(j: Fail2banJail, ...options: string[]): Origin[] {
  return j.at.filter((o) => {
    const ex = "excerpt" in o ? (o.excerpt ?? "") : "";
    return options.some((opt) =>
      opt === "["
        ? ex.startsWith("[")
        : ex.startsWith(`${opt} =`) || ex.startsWith(`${opt} not set`),
    );
  });
}

/** Origins without repeats (jails inheriting one [DEFAULT] line cite the same place). */
export function uniqueOrigins(origins: readonly Origin[]): Origin[] {
  const seen = new Set<string>();
  return origins.filter((o) => {
    const key = JSON.stringify(o);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function enabledJails(facts: Facts): Fail2banJail[] {
  return facts.fail2ban.known ? facts.fail2ban.value.jails.filter((j) => j.enabled) : [];
}

/** The distribution when known ("Wazo", "FreePBX"...). */
export function distribution(facts: Facts): string | undefined {
  return facts.pbx.distribution.known ? facts.pbx.distribution.value : undefined;
}

export function firewallFlavor(facts: Facts): FirewallFlavor {
  return facts.hostFirewall.known && facts.hostFirewall.value.source === "nft" ? "nft" : "iptables";
}

export function exposureOf(
  facts: Facts,
  port: number,
  transport: "tcp" | "udp",
): HostPortExposure | undefined {
  return facts.hostFirewall.known
    ? facts.hostFirewall.value.exposures.find((e) => e.port === port && e.transport === transport)
    : undefined;
}

/** Sockets on a port that are reachable from outside the host (not loopback). */
export function openSockets(
  facts: Facts,
  port: number,
  transport: "tcp" | "udp",
): ListeningSocket[] | undefined {
  if (!facts.listening.known) return undefined;
  return facts.listening.value.filter(
    (s) => s.port === port && s.transport === transport && s.scope !== "loopback",
  );
}

/** The host runs no SIP service, as far as a socket listing shows (undefined: cannot tell). */
export function noSipListening(facts: Facts): boolean | undefined {
  if (!facts.listening.known) return undefined;
  return !facts.listening.value.some(
    (s) =>
      [5060, 5061, 4569].includes(s.port) || /asterisk|freeswitch|kamailio/i.test(s.process ?? ""),
  );
}

/** SSH ports of the services described, for firewall and jail fixes. */
export function sshPorts(facts: Facts): number[] {
  const out = new Set<number>();
  for (const s of facts.services) {
    if (s.kind !== "ssh" || !s.ports.known) continue;
    for (const p of s.ports.value) if (p.from === p.to) out.add(p.from);
  }
  return out.size ? [...out] : [22];
}

export function joinNames(names: string[]): string {
  return names.map((n) => `'${n}'`).join(", ");
}

// ---------------------------------------------------------------------------------------------
// Case builders

const F2B = "case/etc/fail2ban/jail.d/case.conf";

export function f2bAt(excerpt: string, line = 1): ConfigOrigin {
  return at(excerpt, line, F2B);
}

export function asPbx(f: Facts, distro?: string): void {
  f.device.class = known("pbx", at("etc/asterisk"));
  f.device.platform = known("asterisk", at("etc/asterisk"));
  if (distro) f.pbx.distribution = known(distro, at(`${distro} marker`));
}

export function asLinuxHost(f: Facts): void {
  f.device.class = known("linux-host", at("etc"));
  f.device.platform = known("linux", at("etc"));
}

export function jail(p: Partial<Fail2banJail> & Pick<Fail2banJail, "name">): Fail2banJail {
  const maxretry = p.maxretry ?? 5;
  const findtime = p.findtimeSeconds ?? 600;
  const bantime = p.bantimeSeconds ?? 3600;
  return {
    enabled: true,
    filter: p.name,
    logpaths: [],
    port: "",
    bantimeIncrement: false,
    ignoreip: [],
    actions: ["iptables-multiport"],
    cfg: { language: "fail2ban", file: F2B, section: p.name },
    ...p,
    maxretry,
    findtimeSeconds: findtime,
    bantimeSeconds: bantime,
    at: p.at ?? [
      f2bAt(`[${p.name}]`, 1),
      f2bAt(`enabled = ${p.enabled === false ? "false" : "true"}`, 2),
      f2bAt(`filter = ${p.filter ?? p.name}`, 3),
      f2bAt(`maxretry = ${maxretry}`, 4),
      f2bAt(`findtime = ${findtime}`, 5),
      f2bAt(`bantime = ${bantime}`, 6),
      ...(p.ignoreip?.length
        ? [f2bAt(`ignoreip = ${p.ignoreip.map((e) => e.entry).join(" ")}`, 7)]
        : []),
    ],
  };
}

export function withJails(f: Facts, jails: Fail2banJail[]): void {
  f.fail2ban = known({ jails, at: [f2bAt("jail.conf")] }, f2bAt("jail.conf"));
}

export function exposure(
  port: number,
  transport: "tcp" | "udp",
  verdict: PortVerdict,
  rule = verdict === "accepted"
    ? `-A INPUT -p ${transport} --dport ${port} -j ACCEPT`
    : ":INPUT DROP",
): HostPortExposure {
  return {
    port,
    transport,
    verdict,
    summary: `${port}/${transport}: ${verdict} by ${rule}`,
    at: [at(rule, 10, "case/etc/iptables/rules.v4")],
  };
}

/** A saved ruleset: default DROP, every audited port dropped unless listed in `accepted`. */
export function withHostFirewall(
  f: Facts,
  p: Partial<HostFirewallFacts> & { accepted?: [number, "tcp" | "udp"][] } = {},
): void {
  const { accepted = [], ...rest } = p;
  const ports: [number, "tcp" | "udp"][] = [
    [22, "tcp"],
    [5060, "udp"],
    [5060, "tcp"],
    [5061, "tcp"],
    [4569, "udp"],
    [5038, "tcp"],
    [80, "tcp"],
    [443, "tcp"],
    [8088, "tcp"],
  ];
  const exposures = ports.map(([port, t]) =>
    exposure(
      port,
      t,
      accepted.some(([a, at2]) => a === port && at2 === t) ? "accepted" : "dropped",
    ),
  );
  const value: HostFirewallFacts = {
    source: "iptables",
    defaultInput: "drop",
    effectivelyEmpty: false,
    exposures,
    at: [at(":INPUT DROP [0:0]", 3, "case/etc/iptables/rules.v4")],
    ...rest,
  };
  f.hostFirewall = known(value, ...value.at);
}

export function sock(
  port: number,
  transport: "tcp" | "udp",
  address = "0.0.0.0",
  process?: string,
): ListeningSocket {
  const scope =
    address === "0.0.0.0" || address === "::" || address === "*"
      ? "any"
      : address.startsWith("127.") || address === "::1"
        ? "loopback"
        : "specific";
  return {
    transport,
    address,
    port,
    scope,
    ...(process ? { process } : {}),
    at: [at(`${transport} LISTEN ${address}:${port}`, 2, "case/ss-tulpn.txt")],
  };
}

export function withListening(f: Facts, sockets: ListeningSocket[]): void {
  f.listening = known(sockets, at("ss -tulpn", 1, "case/ss-tulpn.txt"));
}
