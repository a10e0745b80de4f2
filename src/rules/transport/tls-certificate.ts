import type { TlsPosture } from "../../facts/model.js";
import { tlsCertificateFix } from "../../remediation/tls.js";
import { fail, pass, undecided } from "../outcome.js";
import { asScannedWith } from "../probe-kit.js";
import type { Rule, Severity } from "../types.js";
import { judgeEach, posture, softwareOf, speaksTls, tlsKindOf, tlsService, worst } from "./kit.js";

type Certificate = NonNullable<TlsPosture["certificate"]>;

/** Errors a verifying client reports for a certificate that is only untrusted (not expired). */
const EXPIRY_ERRORS = new Set(["CERT_HAS_EXPIRED"]);
const SELF_SIGNED_ERRORS = new Set(["DEPTH_ZERO_SELF_SIGNED_CERT"]);

interface Problem {
  text: string;
  severity: Severity;
  kind: "expired" | "weakKey" | "untrusted";
}

function problemsOf(c: Certificate, admin: boolean): Problem[] {
  const out: Problem[] = [];
  if (c.expired)
    out.push({
      kind: "expired",
      text: `expired on ${c.notAfter.slice(0, 10)}`,
      severity: "medium",
    });
  const bits = c.keyBits;
  if (bits !== undefined && (c.keyType === "rsa" || c.keyType === "dsa") && bits < 2048)
    out.push({
      kind: "weakKey",
      text: `its ${c.keyType.toUpperCase()} key has ${bits} bits (at least 2048)`,
      // Below 1024 bits a key can be factored with public tools.
      severity: bits < 1024 ? "high" : "medium",
    });
  else if (bits !== undefined && c.keyType === "ec" && bits < 224)
    out.push({
      kind: "weakKey",
      text: `its EC key has ${bits} bits (at least 256)`,
      severity: "medium",
    });
  if (c.selfSigned)
    out.push({
      kind: "untrusted",
      text: admin
        ? "it is self-signed (usual for a device's own interface: clients must pin it, or they learn to click through warnings)"
        : "it is self-signed (its clients must trust it explicitly, as a pinned certificate or their CA)",
      severity: "low",
    });
  else if (
    c.trustError &&
    !EXPIRY_ERRORS.has(c.trustError) &&
    !SELF_SIGNED_ERRORS.has(c.trustError)
  )
    out.push({
      kind: "untrusted",
      text: `a verifying client rejects its chain (${c.trustError})`,
      severity: "low",
    });
  return out;
}

/** The cases' valid certificate (posture()) with some of its details changed. */
function withCertificate(changes: Partial<Certificate>): TlsPosture {
  return posture({ certificate: { ...(posture().certificate as Certificate), ...changes } });
}

export const tlsCertificate: Rule = {
  meta: {
    id: "tls-certificate",
    title: "TLS certificates are valid, with keys of adequate size",
    severity: "medium",
    guidelines: ["TEL-04", "RBT-11", "BAS-12"],
    modes: ["probe"],
    appliesTo: ["router", "intercom", "pbx", "linux-host"],
    rationale:
      "TLS protects a login only when the client can tell the real server from an impostor. An expired certificate, or one no client can verify, teaches people to click through the warning that would reveal a man in the middle; an RSA key under 2048 bits no longer resists factoring for long. A self-signed certificate on a device's own web interface is common and acceptable when clients pin it, so it is low; expiry and short keys weigh more.",
    remediation:
      "Install a certificate from your own or a public CA with an RSA 2048+ (or ECDSA P-256) key, renew it before it expires, or pin a device's self-signed certificate in its clients.",
  },
  check(facts) {
    return judgeEach(
      facts,
      { service: "TLS service", posture: "certificate" },
      speaksTls,
      (s) => s.tlsPosture,
      (s, p, at) => {
        const subject = s.label;
        const c = p.certificate;
        if (!c) return undecided("the handshake showed no certificate", at, { subject });
        const problems = problemsOf(c, s.admin);
        if (problems.length === 0)
          return pass(
            `${c.subject}: valid until ${c.notAfter.slice(0, 10)} (${c.daysLeft} days), ${c.keyType ?? "?"} ${c.keyBits ?? "?"} bits, trusted by a verifying client`,
            at,
            { subject },
          );
        return fail(
          `the certificate of ${s.label} (${c.subject}): ${problems.map((x) => x.text).join("; ")}`,
          at,
          tlsCertificateFix(softwareOf(s), tlsKindOf(s), {
            expired: problems.some((x) => x.kind === "expired"),
            weakKey: problems.some((x) => x.kind === "weakKey"),
            untrusted: problems.some((x) => x.kind === "untrusted"),
          }),
          { subject, severity: worst(problems.map((x) => x.severity)) },
        );
      },
    );
  },
  cases: [
    {
      name: "scanned: valid certificate from a CA, RSA 2048",
      facts: (f) => asScannedWith(f, tlsService(443, posture())),
      expect: ["pass"],
    },
    {
      name: "scanned: uhttpd's self-signed certificate with a 1024-bit key (old px5g default)",
      facts: (f) =>
        asScannedWith(
          f,
          tlsService(
            443,
            withCertificate({
              subject: "CN=OpenWrt",
              notAfter: "2027-01-01T00:00:00.000Z",
              daysLeft: 41,
              selfSigned: true,
              keyBits: 1024,
              trustError: "DEPTH_ZERO_SELF_SIGNED_CERT",
            }),
            { product: "uhttpd" },
          ),
        ),
      expect: ["fail"],
    },
    {
      name: "scanned: self-signed only (low)",
      facts: (f) =>
        asScannedWith(
          f,
          tlsService(
            443,
            withCertificate({ selfSigned: true, trustError: "DEPTH_ZERO_SELF_SIGNED_CERT" }),
          ),
        ),
      expect: ["fail"],
    },
    {
      name: "scanned: expired",
      facts: (f) =>
        asScannedWith(
          f,
          tlsService(
            443,
            withCertificate({
              notAfter: "2025-01-01T00:00:00.000Z",
              expired: true,
              daysLeft: -689,
              trustError: "CERT_HAS_EXPIRED",
            }),
            { product: "nginx" },
          ),
        ),
      expect: ["fail"],
    },
    {
      name: "scanned: no certificate seen",
      facts: (f) => asScannedWith(f, tlsService(443, posture({ certificate: undefined }))),
      expect: ["unknown"],
    },
  ],
};
