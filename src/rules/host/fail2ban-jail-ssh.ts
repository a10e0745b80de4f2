import type { Fail2banJail } from "../../facts/host.js";
import { known } from "../../facts/value.js";
import { fail2banFix } from "../../remediation/fail2ban.js";
import { at, service, tcp } from "../case-kit.js";
import { fail, notApplicable, pass, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";
import { asPbx, jail, jailOrigins, joinNames, sshPorts, uniqueOrigins, withJails } from "./kit.js";

const SSH_FILTER = /^(sshd|ssh|dropbear|selinux-ssh)(\[|$)/i;

export const isSshJail = (j: Fail2banJail) => SSH_FILTER.test(j.filter) || /^ssh/i.test(j.name);

/** The jail's ports miss the SSH ports (a ban on 22 does not stop an sshd on 2222). */
function missesPorts(j: Fail2banJail, ports: number[]): number[] {
  if (j.actions.some((a) => /allports/i.test(a))) return [];
  const spec = j.port.trim();
  if (spec === "") return [];
  const covered = (p: number) =>
    spec.split(/[,\s]+/).some((part) => {
      if (part === "ssh") return p === 22;
      const m = /^(\d+)(?::(\d+))?$/.exec(part);
      if (!m) return true; // a service name we cannot resolve: do not claim a gap
      const from = Number(m[1]);
      const to = m[2] ? Number(m[2]) : from;
      return p >= from && p <= to;
    });
  return ports.filter((p) => !covered(p));
}

export const fail2banJailSsh: Rule = {
  meta: {
    id: "fail2ban-jail-ssh",
    title: "fail2ban bans SSH brute force",
    severity: "high",
    guidelines: ["WAZ-03", "VPX-08"],
    modes: ["config"],
    appliesTo: ["pbx", "linux-host"],
    rationale:
      "SSH on an internet-facing PBX is tried with password lists all day long. The sshd jail bans a source after a few failures; Wazo and VitalPBX both rely on it. The jail must ban the port sshd really listens on.",
    remediation:
      "Enable the sshd jail in /etc/fail2ban/jail.local (with sshd's port) and reload fail2ban.",
  },
  check(facts) {
    const subject = "fail2ban";
    const ssh = facts.services.filter((s) => s.kind === "ssh");
    if (ssh.length > 0 && ssh.every((s) => s.enabled.known && !s.enabled.value)) {
      return [
        notApplicable(
          "SSH is disabled",
          ssh.flatMap((s) => s.enabled.at),
          { subject },
        ),
      ];
    }
    const fb = facts.fail2ban;
    if (!fb.known) return [unknownFrom(fb, "fail2ban jail for SSH", { subject })];
    const ports = sshPorts(facts);
    const jails = fb.value.jails.filter(isSshJail);
    const on = jails.filter((j) => j.enabled);
    const good = on.filter((j) => missesPorts(j, ports).length === 0);
    if (good.length) {
      return [
        pass(
          `jail ${joinNames(good.map((j) => j.name))} bans addresses after failed SSH logins`,
          uniqueOrigins(good.flatMap((j) => jailOrigins(j, "[", "enabled", "filter", "port"))),
          { subject },
        ),
      ];
    }
    const portSet: [string, string][] =
      ports.length === 1 && ports[0] === 22 ? [] : [["port", ports.join(",")]];
    if (on.length) {
      const j = on[0] as Fail2banJail;
      const missed = missesPorts(j, ports);
      return [
        fail(
          `jail '${j.name}' bans port(s) ${j.port}, but sshd listens on ${missed.join(", ")}`,
          [
            ...jailOrigins(j, "[", "port"),
            ...ssh.flatMap((s) => (s.ports.known ? s.ports.at : [])),
          ],
          fail2banFix("Ban the port sshd listens on:", [
            { jail: j.name, set: [["port", ports.join(",")]] },
          ]),
          { subject },
        ),
      ];
    }
    const off = jails.filter((j) => !j.enabled);
    return [
      fail(
        `no enabled fail2ban jail watches SSH logins${off.length ? ` (${joinNames(off.map((j) => j.name))} defined but not enabled)` : ""}`,
        off.length
          ? uniqueOrigins(off.flatMap((j) => jailOrigins(j, "[", "enabled")))
          : fb.value.at,
        fail2banFix("Enable the sshd jail:", [
          {
            jail: "sshd",
            set: [["enabled", "true"], ...portSet],
            notes: [
              "fail2ban's jail.conf defines [sshd] (filter sshd, the distribution's log or journal)",
            ],
          },
        ]),
        { subject },
      ),
    ];
  },
  cases: [
    {
      name: "sshd jail enabled",
      facts: (f) => {
        asPbx(f);
        withJails(f, [jail({ name: "sshd", port: "ssh" })]);
      },
      expect: ["pass"],
    },
    {
      name: "sshd jail defined but disabled (stock jail.conf)",
      facts: (f) => {
        asPbx(f);
        withJails(f, [jail({ name: "sshd", port: "ssh", enabled: false })]);
      },
      expect: ["fail"],
    },
    {
      name: "jail bans 22 while sshd listens on 2222",
      facts: (f) => {
        asPbx(f);
        f.services.push(
          service({
            id: "ssh",
            kind: "ssh",
            ports: known([tcp(2222)], at("Port 2222")),
            cfg: { language: "sshd", file: "case/etc/ssh/sshd_config" },
          }),
        );
        withJails(f, [jail({ name: "sshd", port: "ssh" })]);
      },
      expect: ["fail"],
    },
    {
      name: "SSH disabled",
      facts: (f) => {
        asPbx(f);
        f.services.push(service({ id: "ssh", kind: "ssh", enabled: known(false, at("off")) }));
      },
      expect: ["not_applicable"],
    },
  ],
};
