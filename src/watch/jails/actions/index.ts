/**
 * Ban actions: nftables (default), iptables + ipset, handing over to fail2ban-client, and a
 * dry run. {@link createAction} builds one by name; {@link actionKindForFail2ban} maps fail2ban's
 * `banaction` names (`nftables-multiport`, `iptables-ipset-proto6-allports`...) to ours.
 */
import { DryRunAction } from "./dry-run.js";
import { Fail2banClientAction, type Fail2banClientOptions } from "./fail2ban-client.js";
import { IpsetAction, type IpsetOptions } from "./ipset.js";
import { NftablesAction, type NftablesOptions } from "./nftables.js";
import type { BanAction, Clock } from "./types.js";

export { DryRunAction, type DryRunRecord } from "./dry-run.js";
export {
  ActionError,
  type CommandRunner,
  describeFailure,
  type RunOptions,
  type RunResult,
  runCommand,
  succeeded,
} from "./exec.js";
export { Fail2banClientAction, type Fail2banClientOptions } from "./fail2ban-client.js";
export { IpsetAction, type IpsetOptions } from "./ipset.js";
export {
  type JailPorts,
  NftablesAction,
  type NftablesOptions,
  nftName,
  parseSetElements,
} from "./nftables.js";
export { type BanAction, type Clock, systemClock } from "./types.js";

export type ActionKind = "nftables" | "ipset" | "iptables" | "fail2ban-client" | "dry-run";

export interface ActionOptions {
  nftables?: NftablesOptions;
  ipset?: IpsetOptions;
  fail2banClient?: Fail2banClientOptions;
  clock?: Clock;
}

export function createAction(kind: ActionKind, opts: ActionOptions = {}): BanAction {
  switch (kind) {
    case "nftables":
      return new NftablesAction({ clock: opts.clock, ...opts.nftables });
    case "ipset":
    case "iptables":
      return new IpsetAction({ clock: opts.clock, ...opts.ipset });
    case "fail2ban-client":
      return new Fail2banClientAction(opts.fail2banClient);
    case "dry-run":
      return new DryRunAction({ clock: opts.clock });
  }
}

/**
 * Which of our actions does what a fail2ban action does: nftables-* → nftables, iptables-* and
 * firewallcmd-ipset → ipset; undefined for the others (mail, route, cloudflare...: not a local
 * firewall ban).
 */
export function actionKindForFail2ban(name: string): ActionKind | undefined {
  const n = name.toLowerCase();
  if (n.startsWith("nftables")) return "nftables";
  if (
    n.startsWith("iptables") ||
    n.startsWith("firewallcmd-ipset") ||
    n === "shorewall-ipset-proto6"
  ) {
    return "ipset";
  }
  return undefined;
}
