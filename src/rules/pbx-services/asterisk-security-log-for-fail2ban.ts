import type { Fail2banJail } from "../../facts/host.js";
import type { AsteriskRef } from "../../facts/model.js";
import {
  type AsteriskLogChannel,
  HOSTNAME_PLACEHOLDER,
  receivesLevel as receives,
} from "../../facts/pbx.js";
import { asteriskFix } from "../../remediation/asterisk.js";
import { fail, notApplicable, pass, undecided, unknownFrom } from "../outcome.js";
import type { Finding, Fix, Rule } from "../types.js";
import { asteriskJail, channel, withJails, withLogging } from "./kit.js";

const SYSLOG_FILES = /^\/var\/log\/(syslog|messages|daemon\.log|user\.log)$/;

/** A fail2ban logpath glob as a RegExp over absolute paths. */
function globRe(glob: string): RegExp {
  let re = "";
  for (const c of glob) {
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** Does the jail read what this channel writes? */
function reads(logpath: string, c: AsteriskLogChannel): boolean {
  if (c.type === "syslog") return SYSLOG_FILES.test(logpath);
  if (c.type !== "file") return false;
  return globRe(logpath).test(c.path.replace(HOSTNAME_PLACEHOLDER, "hostname"));
}

/** A jail that watches Asterisk: its name or filter says so, or it reads Asterisk's log directory. */
function isAsteriskJail(j: Fail2banJail, logDir: string): boolean {
  return (
    /asterisk/i.test(j.name) ||
    /asterisk/i.test(j.filter) ||
    j.logpaths.some((p) => p.startsWith(`${logDir}/`))
  );
}

function readsJournal(j: Fail2banJail): boolean {
  return j.at.some((o) =>
    (o.kind === "config" ? (o.excerpt ?? "") : "").includes("reads the journal"),
  );
}

/** The logger.conf channel name that writes `path`. */
function channelName(path: string, logDir: string): string {
  return path.startsWith(`${logDir}/`) ? path.slice(logDir.length + 1) : path;
}

function addSecurity(ref: AsteriskRef, name: string, levels: string[], summary: string): Fix {
  const set = [...levels];
  if (!set.includes("notice") && !set.includes("*")) set.push("notice");
  if (!set.includes("security") && !set.includes("*")) set.push("security");
  return asteriskFix(summary, [{ ref, set: [[name, set.join(",")]] }]);
}

export const asteriskSecurityLogForFail2ban: Rule = {
  meta: {
    id: "asterisk-security-log-for-fail2ban",
    title: "Asterisk writes its security events to the file the fail2ban jail reads",
    severity: "medium",
    guidelines: ["WAZ-01", "VPX-08"],
    modes: ["config"],
    appliesTo: ["pbx"],
    rationale:
      "fail2ban only bans what it reads. Asterisk reports failed SIP, IAX2, AMI and ARI authentications as `security` events (InvalidPassword, ChallengeResponseFailed, FailedACL, InvalidAccountID), and only some of them also as NOTICE lines. logger.conf decides which file gets which level: if the security level goes nowhere, or to a file no jail reads, brute force goes unbanned. The stock logger.conf leaves `security` commented out.",
    remediation:
      "In logger.conf [logfiles], add `security` to the levels of the file your Asterisk jail reads (e.g. `security => security` for /var/log/asterisk/security, or Wazo's `fail2ban => notice,security`), then `logger reload`.",
  },
  check(facts) {
    const lf = facts.pbx.logging;
    if (!lf.known) return [unknownFrom(lf, "Where Asterisk writes security events")];
    const logging = lf.value;
    const detail = logging;
    const logDir = detail?.logDir ?? "/var/log/asterisk";
    const ref: AsteriskRef = {
      language: "asterisk",
      file: detail?.logfilesRef?.file ?? "etc/asterisk/logger.conf",
      section: detail?.logfilesRef?.section ?? "logfiles",
    };
    const channels = detail?.channels ?? [];
    const securityTargets = [
      ...logging.securityLogFiles,
      ...channels.filter((c) => c.type === "syslog" && receives(c, "security")).map((c) => c.path),
    ];
    const nowhere = securityTargets.length === 0;
    const nowhereFinding = (extra = ""): Finding =>
      fail(
        `Asterisk writes security events to no log file (no [logfiles] channel has the security level)${extra}`,
        logging.at,
        asteriskFix(
          `Log security events to ${logDir}/security, and point the Asterisk jail's logpath at it:`,
          [{ ref, set: [["security", "security"]] }],
        ),
      );

    const fb = facts.fail2ban;
    if (!fb.known) {
      if (nowhere) return [nowhereFinding()];
      return [
        undecided(
          `security events go to ${securityTargets.join(", ")}; whether a fail2ban jail reads them cannot be decided: ${fb.reason}`,
          logging.at,
        ),
      ];
    }
    const jails = fb.value.jails.filter((j) => j.enabled && isAsteriskJail(j, logDir));
    if (jails.length === 0) {
      if (nowhere) return [nowhereFinding(", and no enabled fail2ban jail watches Asterisk")];
      return [
        notApplicable(
          `security events go to ${securityTargets.join(", ")}, but no enabled fail2ban jail watches Asterisk (the fail2ban jail rules report that)`,
          [...logging.at, ...fb.value.at],
        ),
      ];
    }
    return jails.map((j): Finding => {
      const subject = `fail2ban jail ${j.name}`;
      const evidence = [...j.at, ...logging.at];
      if (readsJournal(j) || j.logpaths.length === 0)
        return undecided(
          `${subject} reads the systemd journal (or has no logpath): which Asterisk lines reach it cannot be told from the configuration`,
          evidence,
          { subject },
        );
      const read = j.logpaths.flatMap((lp) =>
        channels.filter((c) => reads(lp, c)).map((c) => ({ lp, c })),
      );
      const secure = read.find(({ c }) => receives(c, "security"));
      if (secure)
        return pass(
          `${subject} reads ${secure.lp}, which gets Asterisk's security events (${secure.c.name} => ${secure.c.levels.join(",")})`,
          evidence,
          { subject },
        );
      if (!logging.channels) {
        const direct = j.logpaths.find((lp) =>
          logging.securityLogFiles.some((f) => globRe(lp).test(f)),
        );
        return direct
          ? pass(`${subject} reads ${direct}, which gets Asterisk's security events`, evidence, {
              subject,
            })
          : undecided(
              `${subject} reads ${j.logpaths.join(", ")}; which levels Asterisk writes there is not known`,
              evidence,
              { subject },
            );
      }
      const where = nowhere
        ? "security events are written to no file"
        : `security events go to ${securityTargets.join(", ")}, which it does not read`;
      const notice = read.find(({ c }) => receives(c, "notice"));
      if (notice)
        return fail(
          `${subject} reads ${notice.lp}, which gets NOTICE lines only (${notice.c.name} => ${notice.c.levels.join(",")}): failed registrations reach it, but ${where}, so failures reported only as security events (failed ACLs, unknown AMI/ARI accounts, challenge failures) are never banned`,
          evidence,
          addSecurity(
            ref,
            notice.c.name,
            notice.c.levels,
            `Add the security level to the file ${j.name} reads (its filter ignores lines it does not know):`,
          ),
          { subject, severity: "low" },
        );
      const first = read[0];
      if (first)
        return fail(
          `${subject} reads ${first.lp}, but Asterisk writes neither NOTICE nor security lines there (${first.c.name} => ${first.c.levels.join(",")}); ${where}`,
          evidence,
          addSecurity(
            ref,
            first.c.name,
            first.c.levels,
            `Write failed authentications to the file ${j.name} reads:`,
          ),
          { subject },
        );
      const lp = j.logpaths[0] as string;
      return fail(
        `${subject} reads ${j.logpaths.join(", ")}, which Asterisk's logger.conf does not write; ${where}`,
        evidence,
        addSecurity(
          ref,
          channelName(lp, logDir),
          [],
          `Make Asterisk write failed authentications to the file ${j.name} reads:`,
        ),
        { subject },
      );
    });
  },
  cases: [
    {
      name: "stock logger.conf: security commented out, fail2ban unknown",
      facts: (f) => {
        withLogging(f, [
          channel("console", ["notice", "warning", "error"]),
          channel("messages.log", ["notice", "warning", "error"]),
        ]);
      },
      expect: ["fail"],
    },
    {
      name: "security => security read by the asterisk jail",
      facts: (f) => {
        withLogging(f, [
          channel("security", ["security"]),
          channel("messages", ["notice", "warning", "error"]),
        ]);
        withJails(f, [
          asteriskJail("asterisk", ["/var/log/asterisk/security", "/var/log/asterisk/messages"]),
        ]);
      },
      expect: ["pass"],
    },
    {
      name: "Wazo: fail2ban => notice, jail asterisk-wazo reads it",
      facts: (f) => {
        withLogging(f, [
          channel("fail2ban", ["notice"]),
          channel("full", ["notice", "warning", "error", "debug", "verbose", "dtmf"]),
        ]);
        withJails(f, [asteriskJail("asterisk-wazo", ["/var/log/asterisk/fail2ban"])]);
      },
      expect: ["fail"],
    },
    {
      name: "jail reads /var/log/asterisk/security, which nothing writes",
      facts: (f) => {
        withLogging(f, [channel("messages", ["notice", "warning", "error"])]);
        withJails(f, [asteriskJail("asterisk", ["/var/log/asterisk/security"])]);
      },
      expect: ["fail"],
    },
    {
      name: "security logged, fail2ban configuration not in the input",
      facts: (f) => {
        withLogging(f, [channel("security", ["security"])]);
      },
      expect: ["unknown"],
    },
    {
      name: "security logged, no Asterisk jail",
      facts: (f) => {
        withLogging(f, [channel("security", ["security"])]);
        withJails(f, [asteriskJail("sshd", ["/var/log/auth.log"], { filter: "sshd" })]);
      },
      expect: ["not_applicable"],
    },
  ],
};
