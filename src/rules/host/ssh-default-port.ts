import { known } from "../../facts/value.js";
import { SSHD_RELOAD, sshdFix } from "../../remediation/sshd.js";
import { uciFix } from "../../remediation/uci.js";
import { at, service, tcp } from "../case-kit.js";
import { fail, pass, unknownFrom } from "../outcome.js";
import {
  asScanned,
  asScannedWith,
  probedService,
  scannedService,
  sshConfigOf,
  sshIdentSoftware,
} from "../probe-kit.js";
import type { Fix, Rule } from "../types.js";
import { asPbx } from "./kit.js";

/** The port suggested: unregistered, below Linux's ephemeral range (32768-60999). */
export const SUGGESTED_SSH_PORT = 22222;

export const sshDefaultPort: Rule = {
  meta: {
    id: "ssh-default-port",
    title: "SSH does not use the default port 22",
    severity: "low",
    guidelines: ["VPX-04"],
    modes: ["config", "probe"],
    appliesTo: ["pbx", "linux-host"],
    rationale:
      "VitalPBX advises moving SSH (with PJSIP and IAX2) off its default port: bot scanners knock on 22 first, so another port cuts the noise and the log volume fail2ban has to read. It hides nothing from a targeted scan, so it is low severity and no substitute for keys and a firewall.",
    remediation:
      "Open the new port in the firewall and the fail2ban sshd jail first, then change Port in sshd_config and reload sshd.",
  },
  check(facts) {
    return facts.services
      .filter((s) => s.kind === "ssh")
      .map((s) => {
        const subject = s.label;
        if (s.enabled.known && !s.enabled.value)
          return pass("SSH is disabled", s.enabled.at, { subject });
        if (!s.ports.known) return unknownFrom(s.ports, "SSH port", { subject });
        if (s.bind.known && s.bind.value === "loopback")
          return pass("SSH listens on loopback only", s.bind.at, { subject });
        const on22 = s.ports.value.some((p) => p.from <= 22 && p.to >= 22);
        if (!on22)
          return pass(
            `SSH listens on port ${s.ports.value.map((p) => p.from).join(", ")}`,
            s.ports.at,
            { subject },
          );
        let fix: Fix;
        const steps = `Move SSH to port ${SUGGESTED_SSH_PORT} (or another free port below 32768): open it in the firewall and the fail2ban sshd jail (port = ${SUGGESTED_SSH_PORT}) and, with SELinux, run semanage port -a -t ssh_port_t -p tcp ${SUGGESTED_SSH_PORT}; keep this session open until a new login works.`;
        // A scanned server has no configuration to cite: its identification names the software.
        const cfg = sshConfigOf(s);
        if (cfg?.language === "sshd") {
          fix = sshdFix(steps, cfg, [["Port", String(SUGGESTED_SSH_PORT)]], s.ports.at);
        } else if (cfg?.language === "uci") {
          fix = uciFix(steps, [
            { op: "set", ref: cfg, option: "Port", value: String(SUGGESTED_SSH_PORT) },
          ]);
        } else {
          fix = { summary: `${steps} Then: ${SSHD_RELOAD}` };
        }
        return fail(
          probedService(s)
            ? "SSH answers on the default port 22"
            : "SSH listens on the default port 22",
          s.ports.at,
          fix,
          { subject },
        );
      });
  },
  cases: [
    {
      name: "OpenSSH on 22 (default)",
      facts: (f) => {
        asPbx(f);
        f.services.push(
          service({
            id: "ssh",
            kind: "ssh",
            label: "SSH (OpenSSH)",
            ports: known([tcp(22)], {
              ...at("Port not set: OpenSSH defaults to 22"),
              implied: true,
            }),
            cfg: { language: "sshd", file: "case/etc/ssh/sshd_config" },
          }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "OpenSSH on 22222",
      facts: (f) => {
        asPbx(f);
        f.services.push(
          service({
            id: "ssh",
            kind: "ssh",
            ports: known([tcp(22222)], at("Port 22222")),
            cfg: { language: "sshd", file: "case/etc/ssh/sshd_config" },
          }),
        );
      },
      expect: ["pass"],
    },
    {
      name: "scanned: OpenSSH answers on 22",
      facts: (f) => {
        asPbx(f);
        asScannedWith(
          f,
          scannedService({
            kind: "ssh",
            port: 22,
            software: sshIdentSoftware(22, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"),
          }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "scanned: SSH answers on 22222 only",
      facts: (f) => {
        asPbx(f);
        asScanned(f, [
          [22, "closed"],
          [22222, "open"],
        ]);
        f.services.push(scannedService({ kind: "ssh", port: 22222 }));
      },
      expect: ["pass"],
    },
    {
      name: "loopback only",
      facts: (f) => {
        asPbx(f);
        f.services.push(
          service({
            id: "ssh",
            kind: "ssh",
            bind: known("loopback", at("ListenAddress 127.0.0.1")),
          }),
        );
      },
      expect: ["pass"],
    },
  ],
};
