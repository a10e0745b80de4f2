import type { Service } from "../../facts/model.js";
import { known, type Origin } from "../../facts/value.js";
import { sshdFix } from "../../remediation/sshd.js";
import { uciFix } from "../../remediation/uci.js";
import { asRouter, at, sshService, tcp, wanFrom } from "../case-kit.js";
import { fail, pass, unknownFrom } from "../outcome.js";
import {
  asScannedWith,
  probeAt,
  scannedService,
  sshConfigOf,
  sshIdentSoftware,
} from "../probe-kit.js";
import type { Fix, Rule } from "../types.js";

/**
 * The fix in the service's own configuration language: sshd_config for OpenSSH, UCI for dropbear
 * (for a scanned server, as its identification names it); in general terms for any other server.
 */
function passwordFix(s: Service, noKeys: boolean | undefined, evidence: readonly Origin[]): Fix {
  const cfg = sshConfigOf(s);
  if (!cfg)
    return {
      summary: `Install your public key on ${s.label}, check that a key login works, then turn password logins off in its SSH settings (password and keyboard-interactive alike).`,
    };
  if (cfg.language === "sshd") {
    return sshdFix(
      noKeys
        ? "Add your public key to ~/.ssh/authorized_keys (ssh-copy-id), check that key login works, then disable password logins (keyboard-interactive too: through PAM it asks for the same password):"
        : "Disable password logins, keyboard-interactive included (through PAM it asks for the same password); check first that your key login works:",
      cfg,
      [
        ["PasswordAuthentication", "no"],
        ["KbdInteractiveAuthentication", "no"],
      ],
      evidence,
    );
  }
  return uciFix(
    noKeys
      ? "Add your public key to /etc/dropbear/authorized_keys (WebUI: System > Administration > Access Control, or ssh-copy-id), check that key login works, then disable password logins:"
      : "Disable password logins (keys are already installed):",
    [{ op: "set", ref: cfg, option: "PasswordAuth", value: "off" }],
  );
}

export const sshPasswordAuth: Rule = {
  meta: {
    id: "ssh-password-auth",
    title: "SSH accepts only key-based logins",
    severity: "high",
    guidelines: ["TEL-12", "TEL-02"],
    modes: ["config", "probe"],
    appliesTo: ["router", "pbx", "linux-host"],
    rationale:
      "A password can be guessed or reused; a private key cannot be brute-forced over the network. Teltonika's guide asks for key-based authentication wherever possible.",
    remediation: "Install your public key(s), then turn password authentication off.",
  },
  check(facts) {
    return facts.services
      .filter((s) => s.kind === "ssh")
      .map((s) => {
        const subject = s.label;
        if (s.enabled.known && !s.enabled.value)
          return pass("SSH is disabled", s.enabled.at, { subject });
        const pw = s.auth.password;
        if (!pw)
          return unknownFrom(
            { known: false, reason: "password setting not reported", at: [] },
            "SSH password login",
            { subject },
          );
        if (!pw.known) return unknownFrom(pw, "SSH password login", { subject });
        if (!pw.value) return pass("SSH password authentication is off", pw.at, { subject });
        const keys = s.auth.authorizedKeys;
        const noKeys = keys?.known && keys.value === 0;
        const exposed = s.wan.known && s.wan.value.reachable;
        return fail(
          `SSH accepts password logins${exposed ? " and is reachable from the internet" : ""}${noKeys ? "; no authorized key is installed yet" : ""}`,
          [...pw.at, ...(keys?.at ?? []), ...(exposed ? s.wan.at : [])],
          passwordFix(s, noKeys, pw.at),
          { subject, severity: exposed ? "critical" : undefined },
        );
      });
  },
  cases: [
    {
      name: "password auth on",
      facts: (f) => {
        asRouter(f);
        f.services.push(sshService("dropbear", { password: true }));
      },
      expect: ["fail"],
    },
    {
      name: "password auth off",
      facts: (f) => {
        asRouter(f);
        f.services.push(sshService("dropbear", { password: false }));
      },
      expect: ["pass"],
    },
    {
      name: "ssh disabled",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          sshService(
            "dropbear",
            { password: true },
            { enabled: known(false, at("option enable '0'")) },
          ),
        );
      },
      expect: ["pass"],
    },
    {
      name: "setting unknown",
      facts: (f) => {
        asRouter(f);
        f.services.push(sshService("dropbear"));
      },
      expect: ["unknown"],
    },
    {
      name: "OpenSSH: PasswordAuthentication not set (defaults to yes)",
      facts: (f) => {
        f.services.push(sshService("openssh", { password: true }));
      },
      expect: ["fail"],
    },
    {
      name: "OpenSSH: PasswordAuthentication no",
      facts: (f) => {
        f.services.push(sshService("openssh", { password: false }));
      },
      expect: ["pass"],
    },
    {
      name: "scanned: OpenSSH offers password and keyboard-interactive",
      facts: (f) => {
        const ident = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3";
        const seen = probeAt(
          22,
          `${ident}; methods offered: publickey,password,keyboard-interactive`,
          "ssh-auth-none",
        );
        asScannedWith(
          f,
          scannedService({
            kind: "ssh",
            port: 22,
            auth: { password: known(true, seen), anonymous: known(false, seen) },
            software: sshIdentSoftware(22, ident),
          }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "scanned: only publickey offered",
      facts: (f) => {
        const seen = probeAt(
          22,
          "SSH-2.0-dropbear_2022.83; methods offered: publickey",
          "ssh-auth-none",
        );
        asScannedWith(
          f,
          scannedService({ kind: "ssh", port: 22, auth: { password: known(false, seen) } }),
        );
      },
      expect: ["pass"],
    },
    {
      name: "password on and exposed",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          sshService(
            "dropbear",
            { password: true },
            { wan: known(wanFrom([], [tcp(22)]), at("rule")) },
          ),
        );
      },
      expect: ["fail"],
    },
  ],
};
