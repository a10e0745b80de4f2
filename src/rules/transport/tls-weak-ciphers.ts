import { tlsCiphersFix } from "../../remediation/tls.js";
import { fail, pass, undecided } from "../outcome.js";
import { asScannedWith } from "../probe-kit.js";
import type { Rule, Severity } from "../types.js";
import { judgeEach, posture, softwareOf, speaksTls, tlsKindOf, tlsService, worst } from "./kit.js";

/** A weak suite's family, from its OpenSSL name (or the probe's family name when no suite). */
export function suiteFamily(suite: string): { family: string; severity: Severity } {
  if (/NULL/.test(suite)) return { family: "no encryption (NULL)", severity: "high" };
  if (/^(ADH|AECDH)-|anon/i.test(suite))
    return { family: "anonymous (no server authentication)", severity: "high" };
  if (/^EXP/.test(suite)) return { family: "EXPORT-grade", severity: "high" };
  if (/RC4/.test(suite)) return { family: "RC4", severity: "medium" };
  if (/DES/.test(suite)) return { family: "3DES/DES (64-bit blocks)", severity: "medium" };
  return { family: "static RSA key exchange (no forward secrecy)", severity: "low" };
}

export const tlsWeakCiphers: Rule = {
  meta: {
    id: "tls-weak-ciphers",
    title: "TLS services refuse weak cipher suites",
    severity: "medium",
    guidelines: ["TEL-04", "RBT-11", "BAS-12"],
    modes: ["probe"],
    appliesTo: ["router", "intercom", "pbx", "linux-host"],
    rationale:
      "A server that still accepts NULL, anonymous or EXPORT suites can be talked into no real protection at all; RC4 and 3DES are broken (biases, Sweet32); static RSA key exchange has no forward secrecy, so one stolen key decrypts every recorded session. A TLS service only protects the management session or API the guides ask for when it refuses them.",
    remediation:
      "Offer only forward-secret AEAD suites (ECDHE with AES-GCM or ChaCha20-Poly1305) in the server's TLS settings, or update the firmware where there is no setting.",
  },
  check(facts) {
    return judgeEach(
      facts,
      { service: "TLS service", posture: "cipher suites" },
      speaksTls,
      (s) => s.tlsPosture,
      (s, p, at) => {
        const subject = s.label;
        if (p.weakCiphers.length > 0) {
          const seen = p.weakCiphers.map((c) => ({ suite: c, ...suiteFamily(c) }));
          const families = [...new Set(seen.map((x) => x.family))];
          return fail(
            `${s.label} accepts ${families.join(", ")} (${p.weakCiphers.join(", ")})`,
            at,
            tlsCiphersFix(softwareOf(s), tlsKindOf(s)),
            { subject, severity: worst(seen.map((x) => x.severity)) },
          );
        }
        if (p.untestedCiphers === undefined)
          return undecided("which weak suites were tried is not recorded", at, { subject });
        if (p.untestedCiphers.length > 0)
          return undecided(
            `no weak suite tried was accepted, but ${p.untestedCiphers.join(", ")} could not be tried (this scanner's OpenSSL cannot offer them)`,
            at,
            { subject },
          );
        return pass(`${s.label} refused every weak suite family tried`, at, { subject });
      },
    );
  },
  cases: [
    {
      name: "scanned: anonymous and static RSA suites accepted",
      facts: (f) =>
        asScannedWith(
          f,
          tlsService(443, posture({ weakCiphers: ["AECDH-AES256-SHA", "AES256-GCM-SHA384"] }), {
            product: "lighttpd",
          }),
        ),
      expect: ["fail"],
    },
    {
      name: "scanned: every weak family tried and refused",
      facts: (f) => asScannedWith(f, tlsService(443, posture())),
      expect: ["pass"],
    },
    {
      name: "scanned: RC4 and 3DES could not be tried, the rest refused",
      facts: (f) =>
        asScannedWith(
          f,
          tlsService(443, posture({ untestedCiphers: ["EXPORT", "RC4", "3DES / DES"] })),
        ),
      expect: ["unknown"],
    },
  ],
};
