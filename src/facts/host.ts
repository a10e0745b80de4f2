/**
 * Linux host facts (the machine a PBX runs on, or any server): fail2ban jails, the host firewall
 * as saved by iptables-save / nft list ruleset, and the sockets listening (ss -tulpn). SSH daemon
 * settings become a Service (kind "ssh") like any other.
 */
import type { ConfigRef } from "./model.js";
import type { Origin } from "./value.js";

export interface IgnoreIpEntry {
  entry: string;
  kind: "address" | "cidr" | "hostname" | "invalid";
  /** loopback, private, public... as the fail2ban reader classifies it. */
  scope: string;
}

export interface Fail2banJail {
  name: string;
  enabled: boolean;
  filter: string;
  logpaths: string[];
  /** Ports the ban applies to, as configured (names or numbers). */
  port: string;
  maxretry?: number;
  findtimeSeconds?: number;
  bantimeSeconds?: number;
  bantimeIncrement: boolean;
  ignoreip: IgnoreIpEntry[];
  actions: string[];
  at: Origin[];
  cfg?: ConfigRef;
}

export interface Fail2banFacts {
  jails: Fail2banJail[];
  at: Origin[];
}

export type PortVerdict = "accepted" | "dropped" | "unknown";

export interface HostPortExposure {
  port: number;
  transport: "tcp" | "udp";
  /** Would a new connection from an arbitrary internet address be accepted? */
  verdict: PortVerdict;
  summary: string;
  at: Origin[];
}

export interface HostFirewallFacts {
  source: "iptables" | "nft";
  /** The input policy a packet meets when no rule decides. */
  defaultInput: "accept" | "drop";
  /** ACCEPT policy and no rule that drops anything: no firewall at all (Wazo's default). */
  effectivelyEmpty: boolean;
  exposures: HostPortExposure[];
  at: Origin[];
}

export interface ListeningSocket {
  transport: "tcp" | "udp";
  address: string;
  port: number;
  /** Where it listens: any address, loopback, or a specific one. */
  scope: "any" | "loopback" | "specific";
  process?: string;
  at: Origin[];
}
