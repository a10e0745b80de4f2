import { known } from "../../facts/value.js";
import { sshdFix } from "../../remediation/sshd.js";
import { uciFix } from "../../remediation/uci.js";
import { asRouter, at, service } from "../case-kit.js";
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
        f.services.push(
          service({
            id: "ssh",
            kind: "ssh",
            auth: {
              password: known(true, at("on")),
              rootPassword: known(true, at("RootPasswordAuth 1")),
            },
          }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "root password off",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({
            id: "ssh",
            kind: "ssh",
            auth: { password: known(true, at("on")), rootPassword: known(false, at("off")) },
          }),
        );
      },
      expect: ["pass"],
    },
    {
      name: "OpenSSH: PermitRootLogin yes with passwords on",
      facts: (f) => {
        f.services.push(
          service({
            id: "ssh",
            kind: "ssh",
            label: "SSH (OpenSSH)",
            auth: {
              password: known(
                true,
                at("PasswordAuthentication yes", 57, "case/etc/ssh/sshd_config"),
              ),
              rootPassword: known(true, at("PermitRootLogin yes", 32, "case/etc/ssh/sshd_config")),
            },
            cfg: { language: "sshd", file: "case/etc/ssh/sshd_config" },
          }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "OpenSSH: PermitRootLogin prohibit-password (default)",
      facts: (f) => {
        f.services.push(
          service({
            id: "ssh",
            kind: "ssh",
            label: "SSH (OpenSSH)",
            auth: {
              password: known(
                true,
                at("PasswordAuthentication yes", 57, "case/etc/ssh/sshd_config"),
              ),
              rootPassword: known(false, {
                ...at(
                  "PermitRootLogin not set: OpenSSH defaults to prohibit-password",
                  1,
                  "case/etc/ssh/sshd_config",
                ),
                implied: true,
              }),
            },
            cfg: { language: "sshd", file: "case/etc/ssh/sshd_config" },
          }),
        );
      },
      expect: ["pass"],
    },
    {
      name: "all passwords off",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({
            id: "ssh",
            kind: "ssh",
            auth: { password: known(false, at("off")), rootPassword: known(true, at("on")) },
          }),
        );
      },
      expect: ["pass"],
    },
  ],
};
