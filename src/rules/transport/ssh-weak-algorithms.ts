import type { SshPosture } from "../../facts/model.js";
import { sshAlgorithmsFix } from "../../remediation/ssh-crypto.js";
import { fail, pass } from "../outcome.js";
import { asScanned, asScannedWith } from "../probe-kit.js";
import type { Rule, Severity } from "../types.js";
import { judgeEach, softwareOf, sshScanned, worst } from "./kit.js";

type Weak = SshPosture["weak"][number];

/** How bad one offered algorithm is: none at all, broken, or merely dated (SHA-1, CBC). */
function severityOf(w: Weak): Severity {
  if (w.name === "none") return "high";
  if (
    /group1-sha1|rsa1024/.test(w.name) ||
    w.name === "ssh-dss" ||
    /^(arcfour|3des|des|blowfish|cast128)/.test(w.name)
  )
    return "medium";
  return "low";
}

const KIND_LABEL: Record<Weak["kind"], string> = {
  kex: "key exchange",
  hostkey: "host key",
  cipher: "cipher",
  mac: "MAC",
};

export const sshWeakAlgorithms: Rule = {
  meta: {
    id: "ssh-weak-algorithms",
    title: "SSH offers no weak key exchange, host key, cipher or MAC algorithm",
    severity: "medium",
    guidelines: ["TEL-04"],
    modes: ["probe"],
    appliesTo: ["router", "intercom", "pbx", "linux-host"],
    rationale:
      "SSH is the secure way to manage a device only while its algorithms are: a 1024-bit Diffie-Hellman group, DSA host keys, RC4, 3DES or no cipher let a well-placed attacker read or take over the session; SHA-1 signatures and key exchange, CBC ciphers and truncated or MD5 MACs are dated and kept only for old clients. Whatever the server offers, a client may be pushed to use.",
    remediation:
      "Remove the weak algorithms from the SSH server (OpenSSH: KexAlgorithms, HostKeyAlgorithms, Ciphers and MACs in sshd_config; Dropbear: a newer release), or update the firmware.",
  },
  check(facts) {
    return judgeEach(
      facts,
      { service: "SSH server", posture: "algorithm list" },
      (s) => s.kind === "ssh",
      (s) => (s.kind === "ssh" ? s.sshPosture : undefined),
      (s, p, at) => {
        const subject = s.label;
        if (p.weak.length === 0)
          return pass(
            `${s.label} offers no weak key exchange, host key, cipher or MAC algorithm`,
            at,
            { subject },
          );
        const byKind = (["kex", "hostkey", "cipher", "mac"] as const)
          .map((k) => {
            const ws = p.weak.filter((w) => w.kind === k);
            return ws.length
              ? `${KIND_LABEL[k]} ${ws.map((w) => `${w.name} (${w.why})`).join(", ")}`
              : "";
          })
          .filter(Boolean);
        return fail(
          `${s.label} offers weak algorithms: ${byKind.join("; ")}`,
          at,
          sshAlgorithmsFix(softwareOf(s), p.weak),
          { subject, severity: worst(p.weak.map(severityOf)) },
        );
      },
    );
  },
  cases: [
    {
      name: "scanned: OpenSSH offering SHA-1 key exchange and CBC ciphers",
      facts: (f) =>
        asScannedWith(
          f,
          sshScanned(
            22,
            [
              { kind: "kex", name: "diffie-hellman-group14-sha1", why: "SHA-1" },
              { kind: "cipher", name: "aes128-cbc", why: "CBC mode" },
            ],
            "SSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u3",
          ),
        ),
      expect: ["fail"],
    },
    {
      name: "scanned: old Dropbear with a 1024-bit group and DSA",
      facts: (f) =>
        asScannedWith(
          f,
          sshScanned(
            22,
            [
              { kind: "kex", name: "diffie-hellman-group1-sha1", why: "1024-bit group, SHA-1" },
              { kind: "hostkey", name: "ssh-dss", why: "DSA, 1024-bit" },
            ],
            "SSH-2.0-dropbear_2015.67",
          ),
        ),
      expect: ["fail"],
    },
    {
      name: "scanned: modern OpenSSH",
      facts: (f) => asScannedWith(f, sshScanned(22, [])),
      expect: ["pass"],
    },
    {
      name: "scanned: SSH whose key exchange never completed",
      facts: (f) => asScannedWith(f, { ...sshScanned(22, []), sshPosture: undefined }),
      expect: ["unknown"],
    },
    {
      name: "scanned: no SSH server answered",
      facts: (f) => asScanned(f, [[22, "closed"]]),
      expect: ["not_applicable"],
    },
  ],
};
