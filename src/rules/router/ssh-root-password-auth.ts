import { sshdFix } from "../../remediation/sshd.js";
import { uciFix } from "../../remediation/uci.js";
import { asRouter, sshService } from "../case-kit.js";
import { fail, pass, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";

export const sshRootPasswordAuth: Rule = {
  meta: {
    id: "ssh-root-password-auth",
    title: "SSH refuses password logins as root",
    severity: "high",
    guidelines: ["TEL-12", "TEL-02"],
    modes: ["config"],
    appliesTo: ["router", "pbx", "linux-host"],
    rationale:
      "root is the one user name every attacker tries; a root password that can be guessed gives the whole device away.",
    remediation: "Disable root password logins over SSH; use a key for root.",
  },
  check(facts) {
    return facts.services
      .filter((s) => s.kind === "ssh")
      .map((s) => {
        const subject = s.label;
        if (s.enabled.known && !s.enabled.value)
          return pass("SSH is disabled", s.enabled.at, { subject });
        const root = s.auth.rootPassword;
        if (!root?.known)
          return unknownFrom(
            root ?? { known: false, reason: "not reported", at: [] },
            "SSH root password login",
            { subject },
          );
        // Password logins off altogether also rules out root password logins.
        if (s.auth.password?.known && !s.auth.password.value)
          return pass("SSH password authentication is off for every user", s.auth.password.at, {
            subject,
          });
        if (!root.value)
          return pass("root cannot log in over SSH with a password", root.at, { subject });
        return fail(
          "root may log in over SSH with a password",
          root.at,
          s.cfg?.language === "sshd"
            ? sshdFix(
                "Let root log in with a key only (install root's key first):",
                s.cfg,
                [["PermitRootLogin", "prohibit-password"]],
                root.at,
              )
            : uciFix(
                "Refuse root password logins:",
                s.cfg ? [{ op: "set", ref: s.cfg, option: "RootPasswordAuth", value: "off" }] : [],
              ),
          { subject },
        );
      });
  },
  cases: [
    {
      name: "root password on",
      facts: (f) => {
        asRouter(f);
        f.services.push(sshService("dropbear", { password: true, rootPassword: true }));
      },
      expect: ["fail"],
    },
    {
      name: "root password off",
      facts: (f) => {
        asRouter(f);
        f.services.push(sshService("dropbear", { password: true, rootPassword: false }));
      },
      expect: ["pass"],
    },
    {
      name: "OpenSSH: PermitRootLogin yes with passwords on",
      facts: (f) => {
        f.services.push(sshService("openssh", { password: true, rootPassword: true }));
      },
      expect: ["fail"],
    },
    {
      name: "OpenSSH: PermitRootLogin prohibit-password (default)",
      facts: (f) => {
        f.services.push(sshService("openssh", { password: true, rootPassword: false }));
      },
      expect: ["pass"],
    },
    {
      name: "all passwords off",
      facts: (f) => {
        asRouter(f);
        f.services.push(sshService("dropbear", { password: false, rootPassword: true }));
      },
      expect: ["pass"],
    },
  ],
};
