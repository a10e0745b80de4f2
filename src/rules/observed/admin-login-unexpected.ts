import type { LoginSeen } from "../../facts/observed.js";
import type { Origin } from "../../facts/value.js";
import { fail, pass } from "../outcome.js";
import type { Finding, Rule, Severity } from "../types.js";
import {
  EVENT_KINDS,
  firstOrigins,
  judgeActivity,
  login,
  loginLabel,
  sourcesRead,
  windowText,
  withActivity,
} from "./kit.js";

/**
 * Failures from an address before its successful login that make the login look guessed:
 * fail2ban's stock maxretry. A mistyped password or two before a login is ordinary.
 */
export const GUESSED_AFTER = 5;

interface Verdict {
  severity: Severity;
  why: string;
}

/** Why a login is unexpected, worst reason first; undefined for an expected one. */
/** 127.0.0.0/8 and ::1: the device's own programs (a PBX's web GUI logs in to its AMI all day). */
const LOOPBACK = /^(127\.|::1$)/;

function verdictOf(l: LoginSeen): Verdict | undefined {
  if (l.address === undefined || LOOPBACK.test(l.address)) return undefined;
  if (l.failuresBefore >= GUESSED_AFTER)
    return {
      severity: "high",
      why: `came after ${l.failuresBefore} failures from the same address: a guessed password?`,
    };
  if (l.public) return { severity: "medium", why: "came from a public internet address" };
  if (l.newAddress)
    return {
      severity: "low",
      why: "came from an address no earlier login in the window came from",
    };
  return undefined;
}

const RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

interface Group {
  login: LoginSeen;
  verdict: Verdict;
  count: number;
  evidence: Origin[];
}

export const adminLoginUnexpected: Rule = {
  meta: {
    id: "admin-login-unexpected",
    title: "Administrative logins in the logs came from expected places",
    severity: "medium",
    guidelines: ["TEL-17"],
    modes: ["log"],
    appliesTo: ["router", "pbx", "intercom", "linux-host"],
    rationale:
      "Teltonika's guide asks to monitor access to administrative services continuously. A successful login from the internet, from an address never seen before, or right after a run of failures from the same address is how a stolen or guessed password shows; the logs hold it even when nobody was alerted.",
    remediation:
      "Ask the administrators whether each login was theirs. If not: change the account's password, remove unknown SSH keys, review what the session changed; then allow administrative access from trusted addresses only (firewall, VPN) and report logins (Events Reporting, bulwark watch alerts).",
  },
  check(facts) {
    return judgeActivity(
      facts,
      "Administrative logins",
      (o) => o.sources.some((s) => EVENT_KINDS.has(s.kind)),
      "none of the logs read records logins (an auth log, a syslog or logread capture, or Asterisk's log does)",
      (o) => {
        const groups = new Map<string, Group>();
        for (const l of o.logins) {
          const v = verdictOf(l);
          if (!v) continue;
          const key = `${l.service}\u0000${l.user ?? ""}\u0000${l.address}`;
          const g = groups.get(key);
          if (!g) groups.set(key, { login: l, verdict: v, count: 1, evidence: [...l.at] });
          else {
            g.count++;
            if (RANK[v.severity] > RANK[g.verdict.severity]) g.verdict = v;
            if (g.evidence.length < 3) g.evidence.push(...l.at);
          }
        }
        if (groups.size === 0) {
          const from = [...new Set(o.logins.map((l) => l.address ?? "local"))];
          return [
            pass(
              o.logins.length === 0
                ? `no administrative login ${windowText(o)}`
                : `${o.logins.length} administrative login(s) ${windowText(o)}, all from private addresses already seen or local: ${from.slice(0, 5).join(", ")}`,
              o.logins.length === 0
                ? sourcesRead(o)
                : firstOrigins(
                    o.logins.flatMap((l) => l.at),
                    4,
                  ),
            ),
          ];
        }
        return [...groups.values()]
          .sort((a, b) => RANK[b.verdict.severity] - RANK[a.verdict.severity])
          .map((g): Finding => {
            const l = g.login;
            const who = `${loginLabel(l.service)} login${l.user ? ` as ${l.user}` : ""} from ${l.address}`;
            const at = l.time ? `at ${l.time}` : "";
            const when =
              g.count > 1
                ? ` (${g.count} logins${at ? `, the first ${at}` : ""})`
                : at
                  ? ` ${at}`
                  : "";
            return fail(
              `${who}${when} ${g.verdict.why}`,
              firstOrigins(g.evidence, 3),
              {
                summary: `Ask the administrators whether the ${who} was theirs. If not: change the password of ${l.user ?? "the account"}, remove unknown SSH keys (~/.ssh/authorized_keys, /etc/dropbear/authorized_keys), review what the session changed; allow administrative access from trusted addresses only (firewall, VPN).`,
              },
              { subject: who, severity: g.verdict.severity },
            );
          });
      },
    );
  },
  cases: [
    {
      name: "root logged in with a password from the internet",
      facts: (f) =>
        withActivity(f, {
          logins: [
            login(),
            login({ user: "root", address: "198.51.100.7", public: true, newAddress: true }),
          ],
        }),
      expect: ["fail"],
    },
    {
      name: "a login right after a run of failures from the same address",
      facts: (f) =>
        withActivity(f, { logins: [login({ address: "192.168.1.66", failuresBefore: 14 })] }),
      expect: ["fail"],
    },
    {
      name: "logins from the administrators' usual LAN address",
      facts: (f) =>
        withActivity(f, {
          logins: [login(), login({ seenBefore: true, time: "2026-03-05T18:00:00+00:00" })],
        }),
      expect: ["pass"],
    },
    {
      name: "no login at all",
      facts: (f) => withActivity(f),
      expect: ["pass"],
    },
    {
      name: "only a web server's access log was read",
      facts: (f) =>
        withActivity(f, {
          sources: [
            {
              file: "case/var/log/nginx/access.log",
              kind: "web-access",
              covers: ["web"],
              lines: 40,
              detectors: ["web-access"],
            },
          ],
        }),
      expect: ["unknown"],
    },
  ],
};
