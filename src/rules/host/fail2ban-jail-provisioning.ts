import type { Fail2banJail } from "../../facts/host.js";
import { fail2banFix } from "../../remediation/fail2ban.js";
import { fail, notApplicable, pass, undecided, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";
import {
  asPbx,
  distribution,
  jail,
  jailOrigins,
  joinNames,
  uniqueOrigins,
  withJails,
} from "./kit.js";

const isProvdJail = (j: Fail2banJail) => /provd/i.test(j.name) || /provd/i.test(j.filter);

export const fail2banJailProvisioning: Rule = {
  meta: {
    id: "fail2ban-jail-provisioning",
    title: "fail2ban guards Wazo's provisioning server",
    severity: "medium",
    guidelines: ["WAZ-02"],
    modes: ["config"],
    appliesTo: ["pbx", "linux-host"],
    rationale:
      "Wazo's provisioning server (wazo-provd) creates a device for every unknown phone that asks and serves configuration files by name. Without its jail, anyone can fill the device list (a denial of service) or guess configuration file names, which hold SIP credentials. Other distributions have no wazo-provd.",
    remediation:
      "Enable the wazo-provd jail (shipped in Wazo's jail.d/wazo.conf) in /etc/fail2ban/jail.local and reload fail2ban.",
  },
  check(facts) {
    const subject = "fail2ban";
    const distro = distribution(facts);
    if (distro !== undefined && distro !== "Wazo") {
      return [
        notApplicable(`wazo-provd is Wazo's; this is ${distro}`, facts.pbx.distribution.at, {
          subject,
        }),
      ];
    }
    const fb = facts.fail2ban;
    if (!fb.known) return [unknownFrom(fb, "fail2ban jail for wazo-provd", { subject })];
    const provd = fb.value.jails.filter(isProvdJail);
    const on = provd.filter((j) => j.enabled);
    if (on.length) {
      return [
        pass(
          `jail ${joinNames(on.map((j) => j.name))} bans addresses that abuse the provisioning server`,
          uniqueOrigins(on.flatMap((j) => jailOrigins(j, "[", "enabled", "filter", "logpath"))),
          { subject },
        ),
      ];
    }
    if (distro === undefined && provd.length === 0) {
      return [
        undecided(
          "cannot tell whether this is Wazo (no distribution marker, no wazo-provd jail): the provisioning jail is Wazo's",
          [...facts.pbx.distribution.at],
          { subject },
        ),
      ];
    }
    const defined = provd.length > 0;
    return [
      fail(
        defined
          ? `the provisioning jail ${joinNames(provd.map((j) => j.name))} is not enabled`
          : "no fail2ban jail guards wazo-provd",
        defined
          ? uniqueOrigins(provd.flatMap((j) => jailOrigins(j, "[", "enabled")))
          : [...facts.pbx.distribution.at],
        fail2banFix("Enable Wazo's provisioning jail:", [
          {
            jail: "wazo-provd",
            set: defined
              ? [["enabled", "true"]]
              : [
                  ["enabled", "true"],
                  ["filter", "wazo-provd"],
                  ["action", "iptables-allports[name=wazo-provd, protocol=all]"],
                  ["logpath", "/var/log/wazo-provd-fail2ban.log"],
                  ["findtime", "10m"],
                  ["maxretry", "10"],
                  ["bantime", "1h"],
                ],
            ...(defined
              ? {}
              : { notes: ["the wazo-provd filter is installed by Wazo's xivo-config package"] }),
          },
        ]),
        { subject },
      ),
    ];
  },
  cases: [
    {
      name: "Wazo with wazo-provd enabled",
      facts: (f) => {
        asPbx(f, "Wazo");
        withJails(f, [jail({ name: "wazo-provd", findtimeSeconds: 60, bantimeSeconds: 600 })]);
      },
      expect: ["pass"],
    },
    {
      name: "Wazo with the jail disabled",
      facts: (f) => {
        asPbx(f, "Wazo");
        withJails(f, [jail({ name: "wazo-provd", enabled: false })]);
      },
      expect: ["fail"],
    },
    {
      name: "Wazo without the jail at all",
      facts: (f) => {
        asPbx(f, "Wazo");
        withJails(f, [jail({ name: "sshd" })]);
      },
      expect: ["fail"],
    },
    {
      name: "FreePBX: not applicable",
      facts: (f) => {
        asPbx(f, "FreePBX");
        withJails(f, [jail({ name: "sshd" })]);
      },
      expect: ["not_applicable"],
    },
    {
      name: "distribution unknown, no provd jail: cannot tell",
      facts: (f) => withJails(f, [jail({ name: "sshd" })]),
      expect: ["unknown"],
    },
  ],
};
