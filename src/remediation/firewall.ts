/**
 * Fixes for a host firewall, as iptables or nft commands typed into a root shell.
 *
 * Addresses only the operator knows (the administration network, the SIP provider's and remote
 * sites' networks) are shell variables set first to a `<placeholder>`: run as is, iptables and nft
 * refuse the placeholder, so nothing half-configured gets applied and nobody is locked out.
 * Rules that accept come before the policy turns to DROP, for the same reason.
 */
import type { Fix } from "../rules/types.js";

export type FirewallFlavor = "iptables" | "nft";

export const ADMIN_VAR = "ADMIN='<your administration network(s), comma-separated>'";
export const TRUSTED_VAR =
  "TRUSTED='<your SIP provider and remote-site networks, comma-separated>'";

export interface BaselineOptions {
  /** SSH ports to keep open for the administration network (default [22]). */
  sshPorts?: number[];
  /** Keep SIP (5060/udp, 5060-5061/tcp) and RTP open for the trusted networks. */
  sip?: boolean;
  /** Keep IAX2 (4569/udp) open for the trusted networks. */
  iax?: boolean;
  /** Keep the web interface (80, 443) open for the administration network. */
  web?: boolean;
  /** Asterisk's RTP range (rtp.conf rtpstart/rtpend; default 10000-20000). */
  rtp?: [number, number];
}

/** Where a saved iptables ruleset is loaded from at boot. */
function persistIptables(): string {
  return "iptables-save > /etc/iptables/rules.v4   # Debian/Ubuntu (iptables-persistent); RHEL: service iptables save";
}

/** A default-drop input policy that keeps administration, SIP and media open to known networks only. */
export function baselineLines(flavor: FirewallFlavor, o: BaselineOptions = {}): string[] {
  const ssh = (o.sshPorts?.length ? o.sshPorts : [22]).join(",");
  const [rtpFrom, rtpTo] = o.rtp ?? [10000, 20000];
  if (flavor === "iptables") {
    const lines = [ADMIN_VAR];
    if (o.sip || o.iax) lines.push(TRUSTED_VAR);
    lines.push(
      "iptables -A INPUT -i lo -j ACCEPT",
      "iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
      "iptables -A INPUT -p icmp -j ACCEPT",
      `iptables -A INPUT -p tcp -m multiport --dports ${ssh}${o.web ? ",80,443" : ""} -s "$ADMIN" -j ACCEPT`,
    );
    if (o.sip) {
      lines.push(
        'iptables -A INPUT -p udp --dport 5060 -s "$TRUSTED" -j ACCEPT',
        'iptables -A INPUT -p tcp -m multiport --dports 5060,5061 -s "$TRUSTED" -j ACCEPT',
        `iptables -A INPUT -p udp --dport ${rtpFrom}:${rtpTo} -j ACCEPT   # RTP media (rtp.conf)`,
      );
    }
    if (o.iax) lines.push('iptables -A INPUT -p udp --dport 4569 -s "$TRUSTED" -j ACCEPT');
    lines.push(
      "iptables -P INPUT DROP",
      persistIptables(),
      "# IPv6: the same with ip6tables (-p ipv6-icmp instead of -p icmp, IPv6 networks), saved to /etc/iptables/rules.v6",
    );
    return lines;
  }
  const lines = [
    "nft -f - <<'EOF'",
    "table inet bulwark_filter {",
    "  chain input {",
    "    type filter hook input priority 0; policy drop;",
    "    iif lo accept",
    "    ct state established,related accept",
    "    meta l4proto { icmp, ipv6-icmp } accept",
    `    ip saddr { <your administration networks> } tcp dport { ${ssh}${o.web ? ", 80, 443" : ""} } accept`,
  ];
  if (o.sip) {
    lines.push(
      "    ip saddr { <your SIP provider and remote-site networks> } udp dport 5060 accept",
      "    ip saddr { <your SIP provider and remote-site networks> } tcp dport { 5060, 5061 } accept",
      `    udp dport ${rtpFrom}-${rtpTo} accept`,
    );
  }
  if (o.iax)
    lines.push(
      "    ip saddr { <your SIP provider and remote-site networks> } udp dport 4569 accept",
    );
  lines.push(
    "  }",
    "}",
    "EOF",
    "nft list table inet bulwark_filter >> /etc/nftables.conf && systemctl enable nftables",
  );
  return lines;
}

export function baselineFix(summary: string, flavor: FirewallFlavor, o: BaselineOptions = {}): Fix {
  return {
    summary,
    commands: {
      language: flavor === "nft" ? "nftables" : "iptables",
      lines: baselineLines(flavor, o),
    },
  };
}

export interface ClosePort {
  port: number;
  transport: "tcp" | "udp";
  /**
   * Keep it open for known networks rather than closing it to everyone: the SIP provider's and
   * remote sites' (TRUSTED: SIP, IAX2) or the administration network (ADMIN: SSH, web).
   */
  keepFrom?: "TRUSTED" | "ADMIN";
}

const VAR_LINE = { TRUSTED: TRUSTED_VAR, ADMIN: ADMIN_VAR } as const;

/**
 * Refuses new connections to a port from the internet, ahead of whatever accepts them now: for
 * iptables, rules inserted at the top of INPUT; for nft, a chain of its own at an earlier priority
 * (a drop in any input chain is final, whatever the other tables accept).
 */
export function closePortLines(flavor: FirewallFlavor, ports: ClosePort[]): string[] {
  const lines: string[] = [];
  const vars = [...new Set(ports.map((p) => p.keepFrom).filter((v) => v !== undefined))];
  if (flavor === "iptables") {
    for (const v of vars) lines.push(VAR_LINE[v]);
    for (const p of ports) {
      lines.push(
        `iptables -I INPUT 1 -p ${p.transport} --dport ${p.port} -m conntrack --ctstate NEW -j DROP`,
      );
      if (p.keepFrom)
        lines.push(
          `iptables -I INPUT 1 -p ${p.transport} --dport ${p.port} -s "$${p.keepFrom}" -j ACCEPT`,
        );
    }
    lines.push(persistIptables());
    return lines;
  }
  for (const v of vars) lines.push(VAR_LINE[v].replace("comma-separated", "comma-separated IPv4"));
  lines.push(
    "nft add table inet bulwark",
    "nft add chain inet bulwark input '{ type filter hook input priority -10; policy accept; }'",
  );
  for (const p of ports) {
    if (p.keepFrom) {
      lines.push(
        `nft "add rule inet bulwark input ${p.transport} dport ${p.port} ip saddr != { $${p.keepFrom} } ct state new drop"`,
        `nft add rule inet bulwark input meta nfproto ipv6 ${p.transport} dport ${p.port} ct state new drop   # add 'ip6 saddr != { ... }' to keep IPv6 networks`,
      );
    } else {
      lines.push(
        `nft add rule inet bulwark input ${p.transport} dport ${p.port} ct state new drop`,
      );
    }
  }
  lines.push("nft list table inet bulwark >> /etc/nftables.conf");
  return lines;
}

export function closePortFix(summary: string, flavor: FirewallFlavor, ports: ClosePort[]): Fix {
  return {
    summary,
    commands: {
      language: flavor === "nft" ? "nftables" : "iptables",
      lines: closePortLines(flavor, ports),
    },
  };
}
