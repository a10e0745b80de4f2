import type { Fail2banJail } from "../../facts/host.js";
import type { Facts } from "../../facts/model.js";
import { known } from "../../facts/value.js";
import { fail2banFix, type JailEdit } from "../../remediation/fail2ban.js";
import { at } from "../case-kit.js";
import { fail, notApplicable, pass, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";
import {
  asLinuxHost,
  asPbx,
  distribution,
  jail,
  jailOrigins,
  joinNames,
  noSipListening,
  sock,
  uniqueOrigins,
  withJails,
  withListening,
} from "./kit.js";

/** Filters that watch the AMI or the web GUI, not SIP registrations, although they read Asterisk's log. */
const NOT_SIP = /(^|[-_])(ami|manager|gui)($|[-_])/i;
const SIP_FILTER = /asterisk|freeswitch|kamailio|opensips|pjsip|(^|[-_])sip/i;

/** A jail that bans SIP brute force: an Asterisk-like filter, or a non-AMI filter on an Asterisk log. */
export function isSipJail(j: Fail2banJail, facts: Facts): boolean {
  if (NOT_SIP.test(j.filter)) return false;
  if (SIP_FILTER.test(j.filter)) return true;
  const security = facts.pbx.logging.known ? facts.pbx.logging.value.securityLogFiles : [];
  return j.logpaths.some((p) => p.startsWith("/var/log/asterisk/") || security.includes(p));
}

function sipFix(facts: Facts, defined: Fail2banJail[]) {
  const wazo = distribution(facts) === "Wazo" || defined.some((j) => j.name === "asterisk-wazo");
  let edit: JailEdit;
  if (wazo) {
    edit = {
      jail: "asterisk-wazo",
      set: [["enabled", "true"]],
      notes: ["Wazo's jail.d/wazo.conf defines this jail (it reads /var/log/asterisk/fail2ban)"],
    };
  } else {
    const security = facts.pbx.logging.known
      ? facts.pbx.logging.value.securityLogFiles[0]
      : undefined;
    edit = {
      jail: "asterisk",
      set: [
        ["enabled", "true"],
        ["logpath", security ?? "/var/log/asterisk/messages"],
      ],
      notes: [
        "fail2ban's jail.conf defines [asterisk]: filter asterisk, ports 5060,5061, bans over TCP and UDP",
        ...(security
          ? []
          : [
              "Asterisk logs failed registrations as NOTICE to messages (logger.conf: messages => notice,warning,error)",
            ]),
      ],
    };
  }
  return fail2banFix(
    `Enable a jail that bans addresses after failed SIP registrations (${edit.jail}):`,
    [edit],
  );
}

export const fail2banJailSip: Rule = {
  meta: {
    id: "fail2ban-jail-sip",
    title: "fail2ban bans SIP registration brute force",
    severity: "high",
    guidelines: ["WAZ-01", "VPX-08"],
    modes: ["config"],
    appliesTo: ["pbx", "linux-host"],
    rationale:
      "Scanners try SIP user names and passwords around the clock; each failed REGISTER is logged by Asterisk. A fail2ban jail reading that log (Wazo's asterisk-wazo, fail2ban's asterisk) bans the source after a few failures, so a password cannot be guessed at line speed. Jails on the AMI or the web GUI do not count: they read other failures.",
    remediation:
      "Enable the asterisk jail (asterisk-wazo on Wazo) in /etc/fail2ban/jail.local and reload fail2ban.",
  },
  check(facts) {
    const fb = facts.fail2ban;
    const subject = "fail2ban";
    if (!fb.known) return [unknownFrom(fb, "fail2ban jail for SIP", { subject })];
    const sip = fb.value.jails.filter((j) => isSipJail(j, facts));
    const on = sip.filter((j) => j.enabled);
    if (on.length) {
      return [
        pass(
          `jail ${joinNames(on.map((j) => j.name))} bans addresses after failed SIP logins (filter ${joinNames([...new Set(on.map((j) => j.filter))])})`,
          uniqueOrigins(on.flatMap((j) => jailOrigins(j, "[", "enabled", "filter", "logpath"))),
          { subject },
        ),
      ];
    }
    const cls = facts.device.class.known ? facts.device.class.value : undefined;
    if (cls === "linux-host" && noSipListening(facts)) {
      return [
        notApplicable("no SIP service listens on this host", facts.listening.at, { subject }),
      ];
    }
    const off = sip.filter((j) => !j.enabled);
    return [
      fail(
        `no enabled fail2ban jail watches Asterisk for failed SIP registrations${off.length ? ` (${joinNames(off.map((j) => j.name))} defined but not enabled)` : ""}`,
        off.length
          ? uniqueOrigins(off.flatMap((j) => jailOrigins(j, "[", "enabled")))
          : fb.value.at,
        sipFix(facts, sip),
        { subject },
      ),
    ];
  },
  cases: [
    {
      name: "Wazo's asterisk-wazo jail enabled",
      facts: (f) => {
        asPbx(f, "Wazo");
        withJails(f, [jail({ name: "asterisk-wazo", logpaths: ["/var/log/asterisk/fail2ban"] })]);
      },
      expect: ["pass"],
    },
    {
      name: "stock jail.conf: [asterisk] defined, not enabled",
      facts: (f) => {
        asPbx(f);
        withJails(f, [
          jail({ name: "asterisk", enabled: false, logpaths: ["/var/log/asterisk/messages"] }),
          jail({ name: "sshd" }),
        ]);
      },
      expect: ["fail"],
    },
    {
      name: "an AMI jail on Asterisk's log is not a SIP jail",
      facts: (f) => {
        asPbx(f, "Issabel");
        withJails(f, [jail({ name: "asterisk-ami", logpaths: ["/var/log/asterisk/messages"] })]);
      },
      expect: ["fail"],
    },
    {
      name: "custom filter name on the Asterisk security log",
      facts: (f) => {
        asPbx(f);
        f.pbx.logging = known(
          { securityLogFiles: ["/var/log/asterisk/security"], at: [at("security => security")] },
          at("logger.conf"),
        );
        withJails(f, [
          jail({ name: "pbx-reg", filter: "pbx-reg", logpaths: ["/var/log/asterisk/security"] }),
        ]);
      },
      expect: ["pass"],
    },
    {
      name: "a plain Linux host with no SIP socket",
      facts: (f) => {
        asLinuxHost(f);
        withJails(f, [jail({ name: "sshd" })]);
        withListening(f, [sock(22, "tcp", "0.0.0.0", "sshd")]);
      },
      expect: ["not_applicable"],
    },
    {
      name: "fail2ban configuration not in the input",
      facts: (f) => asPbx(f),
      expect: ["unknown"],
    },
  ],
};
