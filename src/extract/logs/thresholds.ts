/**
 * Which service a failure was against, and the yardstick its campaign is measured with: when a
 * fail2ban jail would have banned the source.
 *
 * The yardstick is the enabled jail of the audited configuration that guards the service (its
 * maxretry, findtime and bantime, as the fail2ban extractor resolved them); without one — no
 * configuration given, or no such jail — it is fail2ban's stock jail.conf [DEFAULT]: 5 failures
 * within 10 minutes, banned for 10 minutes, which is what enabling the jail would give.
 */
import type { Fail2banJail } from "../../facts/host.js";
import type { Facts } from "../../facts/model.js";
import type { BanThreshold, ObservedService } from "../../facts/observed.js";
import { FAIL2BAN_BUILTIN } from "../host/fail2ban.js";

/** fail2ban's jail.conf [DEFAULT] (maxretry = 5, findtime = 10m, bantime = 10m). */
export const STOCK_JAIL = { maxretry: 5, findtime: 600, bantime: 600 } as const;

/** The service a failure found by `detector` on `text` was against. */
export function serviceOf(detector: string, text: string): ObservedService {
  switch (detector) {
    case "sshd":
    case "dropbear":
      return "ssh";
    case "asterisk":
      if (/chan_iax2\.c|Service="IAX2?"/.test(text)) return "iax2";
      if (/manager\.c|Service="AMI"/.test(text)) return "ami";
      return "sip";
    case "freeswitch":
    case "kamailio":
      return "sip";
    case "provisioning":
      return "provisioning";
    default:
      return "web";
  }
}

/** Jails that guard each service, by jail name or filter (fail2ban's and the distributions'). */
const GUARDS: Record<ObservedService, RegExp> = {
  ssh: /ssh|dropbear/i,
  sip: /asterisk|freeswitch|kamailio|opensips|pjsip|(^|[-_])sip/i,
  iax2: /asterisk|iax/i,
  ami: /asterisk|(^|[-_])ami($|[-_])|manager/i,
  web: /nginx|apache|lighttpd|luci|uhttpd|rutos|http|web|gui/i,
  provisioning: /provd|provision/i,
};
/** SIP jails must not be the AMI or GUI jails that read Asterisk's log too. */
const NOT_SIP = /(^|[-_])(ami|manager|gui)($|[-_])/i;

function guards(j: Fail2banJail, service: ObservedService): boolean {
  const names = [j.name, j.filter];
  if (service === "sip" && names.some((n) => NOT_SIP.test(n))) return false;
  return names.some((n) => GUARDS[service].test(n));
}

/** The jail that guards `service` in the audited configuration (enabled ones only), if any. */
export function guardingJail(facts: Facts, service: ObservedService): Fail2banJail | undefined {
  if (!facts.fail2ban.known) return undefined;
  return facts.fail2ban.value.jails.find((j) => j.enabled && guards(j, service));
}

export function thresholdFor(facts: Facts, service: ObservedService): BanThreshold {
  const j = guardingJail(facts, service);
  if (!j) {
    return {
      maxretry: STOCK_JAIL.maxretry,
      findtimeSeconds: STOCK_JAIL.findtime,
      bantimeSeconds: STOCK_JAIL.bantime,
      at: [],
    };
  }
  const cited = j.at.filter((o) => {
    const ex = "excerpt" in o ? (o.excerpt ?? "") : "";
    return /^(\[|maxretry|findtime|bantime)/.test(ex);
  });
  return {
    maxretry: j.maxretry ?? FAIL2BAN_BUILTIN.maxretry,
    findtimeSeconds: j.findtimeSeconds ?? FAIL2BAN_BUILTIN.findtime,
    bantimeSeconds: j.bantimeSeconds ?? FAIL2BAN_BUILTIN.bantime,
    jail: j.name,
    at: cited,
  };
}
