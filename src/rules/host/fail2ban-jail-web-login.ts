import type { Fail2banJail } from "../../facts/host.js";
import type { Facts } from "../../facts/model.js";
import { fail2banFix, type JailEdit } from "../../remediation/fail2ban.js";
import { fail, notApplicable, pass, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";
import {
  asPbx,
  distribution,
  jail,
  jailOrigins,
  joinNames,
  sock,
  uniqueOrigins,
  withJails,
  withListening,
} from "./kit.js";

/** Filters for failed web logins: HTTP authentication of the web server, or a PBX GUI's own. */
const WEB_LOGIN =
  /^(nginx-http-auth|apache-auth|lighttpd-auth|webmin-auth|issabel-gui|elastix-gui|freepbx[\w-]*|vitalpbx[\w-]*|wazo-auth[\w-]*|[\w-]+-(gui|webui|web-login|admin-login))(\[|$)/i;

export const isWebLoginJail = (j: Fail2banJail) => WEB_LOGIN.test(j.filter);

const WEB_PORTS = [80, 443, 8080, 8443];

function webServer(facts: Facts): "nginx" | "apache" | undefined {
  if (facts.listening.known) {
    for (const s of facts.listening.value) {
      if (!WEB_PORTS.includes(s.port)) continue;
      if (/nginx/i.test(s.process ?? "")) return "nginx";
      if (/apache|httpd/i.test(s.process ?? "")) return "apache";
    }
  }
  const d = distribution(facts);
  if (d === "Wazo") return "nginx";
  if (d === "FreePBX" || d === "Issabel" || d === "VitalPBX") return "apache";
  return undefined;
}

function webFix(facts: Facts) {
  const server = webServer(facts);
  const edits: JailEdit[] = [];
  if (distribution(facts) === "Issabel") {
    edits.push({
      jail: "issabel-gui",
      set: [
        ["enabled", "true"],
        ["port", "80,443"],
        ["logpath", "/var/log/issabel/audit.log"],
      ],
      notes: ["Issabel's GUI login failures (filter issabel-gui, shipped by Issabel)"],
    });
  }
  if (server !== "apache")
    edits.push({
      jail: "nginx-http-auth",
      set: [["enabled", "true"]],
      notes: ["nginx: failed HTTP authentication (fail2ban's jail.conf defines the jail)"],
    });
  if (server !== "nginx")
    edits.push({
      jail: "apache-auth",
      set: [["enabled", "true"]],
      notes: ["Apache: failed HTTP authentication (fail2ban's jail.conf defines the jail)"],
    });
  return fail2banFix(
    server
      ? `Enable the jail for the web server (${server}) in front of the PBX's web interface:`
      : "Enable the jail for your web server (keep the one that matches, nginx or Apache):",
    edits,
  );
}

export const fail2banJailWebLogin: Rule = {
  meta: {
    id: "fail2ban-jail-web-login",
    title: "fail2ban bans web login brute force",
    severity: "medium",
    guidelines: ["VPX-08"],
    modes: ["config"],
    appliesTo: ["pbx", "linux-host"],
    rationale:
      "VitalPBX's guide names the web login as the third place (after SSH and SIP) where fail2ban must ban repeated failures: the PBX's administration GUI gives full control of the system. The web server's HTTP-authentication jails (nginx-http-auth, apache-auth) and a GUI's own jail (issabel-gui) count.",
    remediation:
      "Enable the jail for the web server (nginx-http-auth or apache-auth) or the PBX GUI's own jail, and reload fail2ban.",
  },
  check(facts) {
    const subject = "fail2ban";
    const fb = facts.fail2ban;
    if (!fb.known) return [unknownFrom(fb, "fail2ban jail for the web login", { subject })];
    const jails = fb.value.jails.filter(isWebLoginJail);
    const on = jails.filter((j) => j.enabled);
    if (on.length) {
      return [
        pass(
          `jail ${joinNames(on.map((j) => j.name))} bans addresses after failed web logins`,
          uniqueOrigins(on.flatMap((j) => jailOrigins(j, "[", "enabled", "filter"))),
          { subject },
        ),
      ];
    }
    if (
      facts.listening.known &&
      !facts.listening.value.some((s) => WEB_PORTS.includes(s.port) && s.scope !== "loopback")
    ) {
      return [
        notApplicable(
          "no web server listens on this host (80, 443, 8080, 8443)",
          facts.listening.at,
          {
            subject,
          },
        ),
      ];
    }
    const off = jails.filter((j) => !j.enabled);
    return [
      fail(
        `no enabled fail2ban jail watches web logins${off.length ? ` (${joinNames(off.map((j) => j.name))} defined but not enabled)` : ""}`,
        off.length
          ? uniqueOrigins(off.flatMap((j) => jailOrigins(j, "[", "enabled")))
          : fb.value.at,
        webFix(facts),
        { subject },
      ),
    ];
  },
  cases: [
    {
      name: "Issabel's GUI jail enabled",
      facts: (f) => {
        asPbx(f, "Issabel");
        withJails(f, [jail({ name: "issabel-gui" })]);
      },
      expect: ["pass"],
    },
    {
      name: "nginx-http-auth enabled",
      facts: (f) => {
        asPbx(f, "Wazo");
        withJails(f, [jail({ name: "nginx-http-auth" })]);
      },
      expect: ["pass"],
    },
    {
      name: "only SIP and SSH jails",
      facts: (f) => {
        asPbx(f, "Wazo");
        withJails(f, [jail({ name: "asterisk-wazo" }), jail({ name: "sshd" })]);
      },
      expect: ["fail"],
    },
    {
      name: "no web server listening",
      facts: (f) => {
        asPbx(f);
        withJails(f, [jail({ name: "sshd" })]);
        withListening(f, [sock(22, "tcp"), sock(80, "tcp", "127.0.0.1", "nginx")]);
      },
      expect: ["not_applicable"],
    },
  ],
};
