import type { Fail2banJail, IgnoreIpEntry } from "../../facts/host.js";
import type { Origin } from "../../facts/value.js";
import { fail2banFix } from "../../remediation/fail2ban.js";
import { fail, notApplicable, pass, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";
import { asPbx, enabledJails, jail, jailOrigins, withJails } from "./kit.js";

/**
 * Entries that exempt internet addresses from bans: a public address or network (documentation
 * ranges count, they stand for public ones), or a host name (whatever DNS says it is today).
 */
export function isPublicEntry(e: IgnoreIpEntry): boolean {
  return e.kind === "hostname" || e.scope === "public" || e.scope === "documentation";
}

export const fail2banIgnoreipPublic: Rule = {
  meta: {
    id: "fail2ban-ignoreip-public",
    title: "fail2ban never exempts internet addresses from bans",
    severity: "high",
    guidelines: ["VPX-08", "WAZ-01"],
    modes: ["config"],
    appliesTo: ["pbx", "linux-host"],
    rationale:
      "fail2ban never bans what ignoreip lists. Loopback and the local networks belong there; a public address or a host name does not: whoever holds or spoofs it (or takes over the name's DNS) may guess SIP and SSH passwords without limit. Issabel's shipped jail.d/issabel.conf whitelists two public addresses, apparently left by a developer.",
    remediation:
      "Remove public addresses and host names from ignoreip; reach the PBX from remote sites over a VPN instead.",
  },
  check(facts) {
    const fb = facts.fail2ban;
    if (!fb.known) return [unknownFrom(fb, "fail2ban ignoreip", { subject: "fail2ban" })];
    const jails = enabledJails(facts);
    if (jails.length === 0) {
      return [notApplicable("no fail2ban jail is enabled", fb.value.at, { subject: "fail2ban" })];
    }
    // jails sharing one ignoreip line (e.g. from [DEFAULT]) make one finding
    const groups = new Map<
      string,
      { jails: Fail2banJail[]; origin: Origin[]; bad: IgnoreIpEntry[] }
    >();
    for (const j of jails) {
      const bad = j.ignoreip.filter(isPublicEntry);
      if (bad.length === 0) continue;
      const origin = jailOrigins(j, "ignoreip");
      const o = origin[0];
      const key = o && o.kind === "config" ? `${o.file}:${o.line ?? 0}` : `jail:${j.name}`;
      const g = groups.get(key) ?? { jails: [], origin, bad };
      g.jails.push(j);
      groups.set(key, g);
    }
    if (groups.size === 0) {
      return [
        pass(
          "no enabled jail exempts a public address or host name from bans",
          jails.flatMap((j) => jailOrigins(j, "ignoreip")).slice(0, 20),
          { subject: "fail2ban" },
        ),
      ];
    }
    return [...groups.values()].map((g) => {
      const names = g.jails.map((j) => j.name);
      const entries = g.bad.map(
        (e) => `${e.entry} (${e.kind === "hostname" ? "host name" : e.scope})`,
      );
      const kept = (g.jails[0] as Fail2banJail).ignoreip
        .filter((e) => !isPublicEntry(e) && e.kind !== "invalid")
        .map((e) => e.entry);
      const ignoreip = kept.length ? kept.join(" ") : "127.0.0.1/8 ::1";
      return fail(
        `ignoreip of jail ${names.map((n) => `'${n}'`).join(", ")} exempts internet addresses from bans: ${entries.join(", ")}`,
        g.origin,
        fail2banFix(
          "Keep only loopback and local networks in ignoreip (a remote admin or site comes in over a VPN):",
          names.map((n) => ({ jail: n, set: [["ignoreip", ignoreip]] })),
        ),
        { subject: `jail ${names.join(", ")}` },
      );
    });
  },
  cases: [
    {
      name: "Issabel: two public addresses next to 127.0.0.1",
      facts: (f) => {
        asPbx(f, "Issabel");
        withJails(f, [
          jail({
            name: "asterisk",
            ignoreip: [
              { entry: "127.0.0.1", kind: "address", scope: "loopback" },
              { entry: "186.134.4.226", kind: "address", scope: "public" },
              { entry: "181.21.250.159", kind: "address", scope: "public" },
            ],
          }),
        ]);
      },
      expect: ["fail"],
    },
    {
      name: "a host name",
      facts: (f) => {
        asPbx(f);
        withJails(f, [
          jail({
            name: "sshd",
            ignoreip: [{ entry: "admin.example.com", kind: "hostname", scope: "hostname" }],
          }),
        ]);
      },
      expect: ["fail"],
    },
    {
      name: "loopback and private networks only",
      facts: (f) => {
        asPbx(f);
        withJails(f, [
          jail({
            name: "sshd",
            ignoreip: [
              { entry: "127.0.0.1/8", kind: "cidr", scope: "loopback" },
              { entry: "192.168.0.0/16", kind: "cidr", scope: "private" },
            ],
          }),
        ]);
      },
      expect: ["pass"],
    },
    {
      name: "no jail enabled",
      facts: (f) => withJails(f, [jail({ name: "sshd", enabled: false })]),
      expect: ["not_applicable"],
    },
  ],
};
