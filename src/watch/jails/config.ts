/**
 * From fail2ban's resolved jails (src/parsers/fail2ban loadJails) to the engine's JailSpec:
 * maxretry, findtime, bantime, the `bantime.*` increment settings, ignoreip, ignoreself; a jail
 * whose filter is `recidive` is fed by the other jails' bans (as fail2ban's reads its own log of
 * them); `port`/`protocol` become the ports an nftables ban applies to.
 */
import type { JailAction, ResolvedJail } from "../../parsers/fail2ban/jails.js";
import { parseBool, parseDuration } from "../../parsers/fail2ban/options.js";
import type { JailPorts } from "./actions/nftables.js";
import type { BanAction } from "./actions/types.js";
import type { JailSpec } from "./engine.js";
import { type BantimeIncrement, compileIncrement, evalFactor } from "./increment.js";

export interface SpecFromJailOptions {
  /** The actions for this jail, given fail2ban's (default: none). */
  actionsFor?: (jail: ResolvedJail, actions: JailAction[]) => BanAction[];
}

export interface SpecFromJailResult {
  spec: JailSpec;
  /** Settings that could not be used as written (the default is used instead). */
  problems: string[];
  /** The jail's `port`/`protocol` for a firewall action. */
  ports?: JailPorts;
}

export function jailSpecFromResolved(
  jail: ResolvedJail,
  opts: SpecFromJailOptions = {},
): SpecFromJailResult {
  const problems: string[] = [];
  const opt = (k: string) => jail.options.get(k)?.text.trim();
  const spec: JailSpec = {
    name: jail.name,
    maxretry: jail.maxretry?.value,
    findtime: jail.findtime?.value,
    bantime: jail.bantime?.value,
    ignoreip: jail.ignoreip.map((e) => e.entry),
    ignoreself: jail.ignoreself?.value ?? true,
  };
  if (jail.bantimeIncrement?.value) {
    const inc: BantimeIncrement = {};
    const factor = opt("bantime.factor");
    if (factor) {
      try {
        inc.factor = evalFactor(factor);
      } catch (e) {
        problems.push(`bantime.factor '${factor}': ${(e as Error).message}`);
      }
    }
    const multipliers = opt("bantime.multipliers");
    if (multipliers) {
      const words = multipliers.split(/\s+/);
      if (words.every((w) => /^[+-]?\d+$/.test(w))) inc.multipliers = words.map(Number);
      else problems.push(`bantime.multipliers '${multipliers}' are not whole numbers`);
    }
    const formula = opt("bantime.formula");
    if (formula && !inc.multipliers) {
      try {
        compileIncrement({ formula });
        inc.formula = formula;
      } catch (e) {
        problems.push(`bantime.formula: ${(e as Error).message}; the default formula is used`);
      }
    }
    for (const k of ["maxtime", "rndtime"] as const) {
      const v = opt(`bantime.${k}`);
      if (!v) continue;
      const s = parseDuration(v);
      if (s === undefined) problems.push(`bantime.${k} '${v}' is not a time`);
      else inc[k] = s;
    }
    const overall = opt("bantime.overalljails");
    if (overall) inc.overalljails = parseBool(overall);
    spec.increment = inc;
  }
  if (jail.filter?.value.name === "recidive" || jail.name === "recidive") spec.feedsFrom = "all";
  if (opts.actionsFor) spec.actions = opts.actionsFor(jail, jail.actions);

  let ports: JailPorts | undefined;
  const port = jail.port?.value.trim();
  if (port && !/^0?[:-]65535$/.test(port) && port !== "all") {
    const protocol = jail.protocol?.value.trim().toLowerCase();
    ports = {
      protocol: protocol === "udp" ? "udp" : protocol === "all" ? "all" : "tcp",
      ports: port
        .split(",")
        .map((p) => p.trim())
        .filter((p) => p !== ""),
    };
  }
  return { spec, problems, ports };
}
