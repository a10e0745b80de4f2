import { fail2banFix, formatDuration } from "../../remediation/fail2ban.js";
import { fail, notApplicable, pass, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";
import { asPbx, enabledJails, jail, jailOrigins, withJails } from "./kit.js";

/** At most this many failures before a ban. */
export const MAX_RETRY = 10;
/** Failures are counted over at least this long (seconds). */
export const MIN_FINDTIME = 600;
/** A ban lasts at least this long (seconds), unless bans grow (bantime.increment) or recidive runs. */
export const MIN_BANTIME = 3600;

export const fail2banJailTuning: Rule = {
  meta: {
    id: "fail2ban-jail-tuning",
    title: "fail2ban jails ban early enough and long enough",
    severity: "low",
    guidelines: ["VPX-08"],
    modes: ["config"],
    appliesTo: ["pbx", "linux-host"],
    rationale: `A jail only slows a guesser down as much as its numbers allow. Thresholds: maxretry at most ${MAX_RETRY} (fail2ban's own asterisk jail uses 10; Wazo's asterisk-wazo uses 15 to spare phones with a stale password, which lets a scanner try half again as many passwords per window, so it is reported); findtime at least ${MIN_FINDTIME / 60} minutes (fail2ban's default: a shorter window lets a patient scanner stay just under maxretry for ever, e.g. wazo-provd's 60 s allows 9 attempts a minute); bantime at least ${MIN_BANTIME / 3600} hour, unless bantime.increment makes repeat bans grow or an enabled recidive jail bans repeat offenders for long (fail2ban's 10-minute default lets a banned scanner resume six times an hour).`,
    remediation: `Set maxretry ≤ ${MAX_RETRY}, findtime ≥ ${MIN_FINDTIME / 60}m and bantime ≥ ${MIN_BANTIME / 3600}h (or bantime.increment = true) for the jail in /etc/fail2ban/jail.local.`,
  },
  check(facts) {
    const fb = facts.fail2ban;
    if (!fb.known) return [unknownFrom(fb, "fail2ban jail tuning", { subject: "fail2ban" })];
    const jails = enabledJails(facts);
    if (jails.length === 0) {
      return [
        notApplicable("no fail2ban jail is enabled (the jail rules report it)", fb.value.at, {
          subject: "fail2ban",
        }),
      ];
    }
    const recidive = jails.find((j) => j.name === "recidive" || j.filter === "recidive");
    return jails.map((j) => {
      const subject = `jail ${j.name}`;
      const problems: string[] = [];
      const set: [string, string][] = [];
      const maxretry = j.maxretry ?? 3;
      const findtime = j.findtimeSeconds ?? 600;
      const bantime = j.bantimeSeconds ?? 600;
      if (maxretry > MAX_RETRY) {
        problems.push(`maxretry ${maxretry} > ${MAX_RETRY}`);
        set.push(["maxretry", String(MAX_RETRY)]);
      }
      if (findtime < MIN_FINDTIME) {
        problems.push(`findtime ${formatDuration(findtime)} < ${formatDuration(MIN_FINDTIME)}`);
        set.push(["findtime", formatDuration(MIN_FINDTIME)]);
      }
      const longBans = bantime < 0 || bantime >= MIN_BANTIME || j.bantimeIncrement;
      if (!longBans && !(recidive && recidive !== j)) {
        problems.push(
          `bantime ${formatDuration(bantime)} < ${formatDuration(MIN_BANTIME)} without bantime.increment or a recidive jail`,
        );
        set.push(["bantime", formatDuration(MIN_BANTIME)]);
      }
      const evidence = jailOrigins(j, "[", "maxretry", "findtime", "bantime", "bantime.increment");
      if (problems.length === 0) {
        const bans =
          bantime < 0
            ? "for ever"
            : `for ${formatDuration(bantime)}${j.bantimeIncrement ? ", growing" : ""}${bantime < MIN_BANTIME && !j.bantimeIncrement ? " (recidive bans repeat offenders)" : ""}`;
        return pass(
          `bans after ${maxretry} failures within ${formatDuration(findtime)}, ${bans}`,
          evidence,
          { subject },
        );
      }
      return fail(
        `jail '${j.name}' is too lenient: ${problems.join("; ")}`,
        evidence,
        fail2banFix(`Tighten jail '${j.name}':`, [{ jail: j.name, set }]),
        { subject },
      );
    });
  },
  cases: [
    {
      name: "stock numbers with a 1h ban",
      facts: (f) => {
        asPbx(f);
        withJails(f, [
          jail({ name: "sshd", maxretry: 5, findtimeSeconds: 600, bantimeSeconds: 3600 }),
        ]);
      },
      expect: ["pass"],
    },
    {
      name: "Wazo: asterisk-wazo maxretry 15, wazo-provd findtime 60 and bantime 600",
      facts: (f) => {
        asPbx(f, "Wazo");
        withJails(f, [
          jail({ name: "asterisk-wazo", maxretry: 15, bantimeSeconds: 3600 }),
          jail({ name: "wazo-provd", maxretry: 10, findtimeSeconds: 60, bantimeSeconds: 600 }),
        ]);
      },
      expect: ["fail", "fail"],
    },
    {
      name: "short ban made up for by bantime.increment, and by recidive",
      facts: (f) => {
        asPbx(f);
        withJails(f, [
          jail({ name: "sshd", bantimeSeconds: 600, bantimeIncrement: true }),
          jail({ name: "asterisk", bantimeSeconds: 600 }),
          jail({ name: "recidive", findtimeSeconds: 86400, bantimeSeconds: 604800 }),
        ]);
      },
      expect: ["pass", "pass", "pass"],
    },
    {
      name: "no jail enabled",
      facts: (f) => withJails(f, [jail({ name: "sshd", enabled: false })]),
      expect: ["not_applicable"],
    },
  ],
};
