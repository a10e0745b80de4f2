import type { BruteForceCampaign, ObservedActivity } from "../../facts/observed.js";
import { fail2banFix, formatDuration, type JailEdit } from "../../remediation/fail2ban.js";
import { fail, pass } from "../outcome.js";
import type { Finding, Fix, Rule } from "../types.js";
import {
  campaign,
  coveredServices,
  FAILURES_OF,
  firstOrigins,
  judgeActivity,
  logAt,
  SERVICE_LABEL,
  SERVICE_ORDER,
  sourcesRead,
  spanText,
  windowText,
  withActivity,
} from "./kit.js";

/** The jail that stops a campaign's failures, as fail2ban or the distributions ship it. */
function jailEdit(c: BruteForceCampaign): JailEdit | undefined {
  const t = c.threshold;
  const tuning: [string, string][] = [
    ["maxretry", String(t.maxretry)],
    ["findtime", formatDuration(t.findtimeSeconds)],
    ["bantime", "1h"],
  ];
  switch (c.service) {
    case "ssh":
      if (!c.detectors.includes("sshd")) return undefined;
      return {
        jail: "sshd",
        set: [["enabled", "true"], ...tuning],
        notes: ["fail2ban's jail.conf defines [sshd] (filter sshd, the distribution's auth log)"],
      };
    case "sip":
    case "iax2":
    case "ami":
      return {
        jail: "asterisk",
        set: [["enabled", "true"], ["logpath", "/var/log/asterisk/messages"], ...tuning],
        notes: [
          "fail2ban's jail.conf defines [asterisk] (SIP, IAX2 and AMI failures; bans 5060/5061 over TCP and UDP); on Wazo enable asterisk-wazo instead",
        ],
      };
    case "provisioning":
      return {
        jail: "wazo-provd",
        set: [["enabled", "true"]],
        notes: [
          "Wazo's jail.d/wazo.conf defines [wazo-provd] (logpath /var/log/wazo-provd-fail2ban.log)",
        ],
      };
    case "web": {
      const jail = c.detectors.find((d) =>
        ["nginx-http-auth", "lighttpd-auth", "apache-auth"].includes(d),
      );
      return jail ? { jail, set: [["enabled", "true"], ...tuning] } : undefined;
    }
  }
}

function missingFix(c: BruteForceCampaign): Fix {
  const label = SERVICE_LABEL[c.service];
  if (c.threshold.jail) {
    const j = c.threshold.jail;
    return {
      summary: `Jail '${j}' is enabled, yet these addresses were not banned: check that it reads this log (logpath, backend) and that its filter matches these lines, then that it bans:`,
      commands: {
        language: "shell",
        lines: [
          `fail2ban-client status ${j}`,
          `fail2ban-client get ${j} logpath`,
          `fail2ban-client get ${j} maxretry`,
        ],
      },
    };
  }
  const edit = jailEdit(c);
  if (edit) {
    return fail2banFix(
      `Enable a fail2ban jail for ${label} so that a source is banned after ${c.threshold.maxretry} failures:`,
      [edit],
    );
  }
  return {
    summary: `This device has no fail2ban: keep ${label} off the internet (firewall: allow it from the LAN or a VPN only; SSH with keys only), or let \`bulwark watch\` ban from its syslog.`,
  };
}

function ineffectiveFix(c: BruteForceCampaign): Fix {
  const jails = [...new Set(c.threshold.jail ? [c.threshold.jail] : [])];
  const j = jails[0] ?? "JAIL";
  return {
    summary: `fail2ban banned these addresses, but their ${SERVICE_LABEL[c.service]} attempts went on while banned: the ban does not reach the service. Make the jail's port and protocol cover what the service listens on (SIP over UDP and TCP 5060/5061, SSH on its real port) or use an allports action, and check that the action runs:`,
    commands: {
      language: "shell",
      lines: [
        `fail2ban-client status ${j}`,
        `fail2ban-client get ${j} actions`,
        "iptables -S | grep f2b    # or: nft list ruleset | grep -A4 f2b",
      ],
    },
  };
}

/** "1 address (203.0.113.10: 20 failures)", naming the first three of those `which` picks. */
function addressesText(
  c: BruteForceCampaign,
  n: number,
  which: (a: BruteForceCampaign["attackers"][number]) => boolean,
): string {
  const shown = c.attackers
    .filter(which)
    .slice(0, 3)
    .map((a) => `${a.address}: ${a.failures} failures`);
  const more = n > shown.length ? ", ..." : "";
  return `${n} address${n === 1 ? "" : "es"}${shown.length ? ` (${shown.join(", ")}${more})` : ""}`;
}

function judge(c: BruteForceCampaign, obs: ObservedActivity): Finding {
  const subject = `${SERVICE_LABEL[c.service]} brute force`;
  const t = c.threshold;
  const yardstick = `${t.maxretry} failures within ${formatDuration(t.findtimeSeconds)} (${t.jail ? `jail '${t.jail}'` : "fail2ban's stock values"})`;
  const when = spanText(c.first, c.last);
  const summary = `${c.failures} ${FAILURES_OF[c.service]} from ${c.addressCount} address${c.addressCount === 1 ? "" : "es"}${when ? ` ${when}` : ""}`;
  const banLines = obs.bans
    .filter((b) => c.attackers.some((a) => a.address === b.address))
    .flatMap((b) => b.at);
  const evidence = firstOrigins([...c.samples, ...banLines, ...t.at]);
  if (c.continuedAfterBan > 0) {
    return fail(
      `${summary}; ${addressesText(c, c.continuedAfterBan, (a) => a.afterBan > 0)} went on failing while fail2ban had banned them: the ban does not stop them`,
      evidence,
      ineffectiveFix(c),
      { subject },
    );
  }
  if (c.continuedUnbanned > 0) {
    const f2bRead = obs.sources.some((s) => s.kind === "fail2ban" || s.kind === "syslog");
    return fail(
      `${summary}; ${addressesText(c, c.continuedUnbanned, (a) => a.pastThreshold > 0 && a.bans === 0)} went on past ${yardstick} — ${c.failuresPastThreshold} failure(s) a ban would have stopped — and no ban of them was logged${f2bRead ? "" : " (no fail2ban log was read)"}: the protection is missing or does not work`,
      evidence,
      missingFix(c),
      { subject },
    );
  }
  const banned = c.continuedPastThreshold > 0 ? ", and those that reached it were banned" : "";
  return pass(
    `${summary}; no address went on past ${yardstick}${banned} (the most from one address within findtime: ${c.maxPerAddressInFindtime})`,
    evidence,
    { subject },
  );
}

export const bruteForceUnmitigated: Rule = {
  meta: {
    id: "brute-force-unmitigated",
    title: "Brute force seen in the logs was stopped (fail2ban banned it)",
    severity: "high",
    guidelines: ["WAZ-01", "WAZ-02", "WAZ-03", "VPX-08"],
    modes: ["log"],
    appliesTo: ["router", "pbx", "intercom", "linux-host"],
    rationale:
      "A jail's configuration says what should happen; the logs say what did. Attempts that go on from one address long after the jail's maxretry within findtime mean nothing banned it — no jail, a jail that reads another log, or a ban on the wrong port — and a password can be guessed at line speed. Wazo and VitalPBX rely on fail2ban for SSH, SIP/IAX2 registrations, web logins and the provisioning server.",
    remediation:
      "Enable the fail2ban jail for the service (sshd, asterisk, wazo-provd, the web server's), make sure it reads the log the failures are in and bans the port the service listens on; on a router without fail2ban, keep the service off the internet.",
  },
  check(facts) {
    return judgeActivity(
      facts,
      "Brute force against the device's services",
      (o) => coveredServices(o).size > 0,
      "the logs read show no service's login attempts (only fail2ban's own log?): brute force cannot be judged from them",
      (o) => {
        const covered = coveredServices(o);
        const out: Finding[] = [];
        for (const service of SERVICE_ORDER) {
          if (!covered.has(service)) continue;
          const c = o.campaigns.find((x) => x.service === service);
          if (c) out.push(judge(c, o));
          else
            out.push(
              pass(
                `no ${FAILURES_OF[service]} ${windowText(o)}`,
                sourcesRead(o, (k) => k !== "fail2ban"),
                { subject: `${SERVICE_LABEL[service]} brute force` },
              ),
            );
        }
        return out;
      },
    );
  },
  cases: [
    {
      name: "SSH failures went on past the threshold, no ban logged",
      facts: (f) => {
        withActivity(f, {
          campaigns: [
            campaign({
              service: "ssh",
              continuedPastThreshold: 1,
              continuedUnbanned: 1,
              failuresPastThreshold: 35,
              attackers: [
                {
                  address: "203.0.113.50",
                  public: true,
                  failures: 40,
                  userNames: 12,
                  first: "2026-03-05T10:00:10+00:00",
                  last: "2026-03-05T10:20:00+00:00",
                  maxInFindtime: 30,
                  reachedThresholdAt: "2026-03-05T10:00:50+00:00",
                  pastThreshold: 35,
                  bans: 0,
                  afterBan: 0,
                },
              ],
            }),
          ],
        });
      },
      expect: ["fail"],
    },
    {
      name: "SIP registrations went on while fail2ban had banned the address",
      facts: (f) => {
        withActivity(f, {
          sources: [
            {
              file: "case/var/log/asterisk/messages",
              kind: "asterisk",
              covers: ["sip", "iax2", "ami"],
              lines: 900,
              detectors: ["asterisk"],
            },
            {
              file: "case/var/log/fail2ban.log",
              kind: "fail2ban",
              covers: [],
              lines: 3,
              detectors: [],
            },
          ],
          bans: [
            {
              jail: "asterisk",
              address: "203.0.113.50",
              time: "2026-03-05T10:01:00+00:00",
              restored: false,
              at: [
                logAt(
                  "2026-03-05 10:01:00,120 fail2ban.actions [812]: NOTICE [asterisk] Ban 203.0.113.50",
                  1,
                  "case/var/log/fail2ban.log",
                ),
              ],
            },
          ],
          campaigns: [
            campaign({
              service: "sip",
              continuedPastThreshold: 1,
              failuresPastThreshold: 30,
              bansSeen: 1,
              continuedAfterBan: 1,
            }),
          ],
        });
      },
      // The Asterisk log vouches for IAX2 and the AMI too: no failure of theirs in it.
      expect: ["fail", "pass", "pass"],
    },
    {
      name: "a few failures that stopped below the threshold",
      facts: (f) => {
        withActivity(f, {
          campaigns: [campaign({ service: "ssh", failures: 3, maxPerAddressInFindtime: 3 })],
        });
      },
      expect: ["pass"],
    },
    {
      name: "a quiet auth.log",
      facts: (f) => withActivity(f),
      expect: ["pass"],
    },
    {
      name: "only fail2ban's own log was read",
      facts: (f) =>
        withActivity(f, {
          sources: [
            {
              file: "case/var/log/fail2ban.log",
              kind: "fail2ban",
              covers: [],
              lines: 3,
              detectors: [],
            },
          ],
        }),
      expect: ["unknown"],
    },
  ],
};
