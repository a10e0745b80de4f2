import { known, unknown } from "../../facts/value.js";
import { tlsVersionsFix } from "../../remediation/tls.js";
import { fail, pass, undecided } from "../outcome.js";
import { asScanned, asScannedWith, probeAt } from "../probe-kit.js";
import type { Rule } from "../types.js";
import {
  judgeEach,
  posture,
  softwareOf,
  speaksTls,
  tlsKindOf,
  tlsName,
  tlsService,
} from "./kit.js";

const LEGACY = ["TLSv1", "TLSv1.1"];

export const tlsLegacyVersions: Rule = {
  meta: {
    id: "tls-legacy-versions",
    title: "TLS services refuse the obsolete TLS 1.0 and 1.1",
    severity: "high",
    guidelines: ["TEL-04", "RBT-11", "BAS-12"],
    modes: ["probe"],
    appliesTo: ["router", "intercom", "pbx", "linux-host"],
    rationale:
      "TLS 1.0 and 1.1 (deprecated by RFC 8996) rely on SHA-1 and CBC constructions with known attacks (BEAST, downgrade through weak suites); a client that still offers them can be pushed down to them. HTTPS and other TLS services only protect the password and session the guides ask to protect (secure management over HTTPS, application-layer TLS, the HTTP API over TLS) when they accept TLS 1.2 or later only. Worse on an administrative service.",
    remediation:
      "Set the minimum TLS version of every TLS service to 1.2 (nginx ssl_protocols, Apache SSLProtocol, the device's HTTPS settings, or a firmware update where there is none).",
  },
  check(facts) {
    return judgeEach(
      facts,
      { service: "TLS service", posture: "TLS versions" },
      speaksTls,
      (s) => s.tlsPosture,
      (s, p, at) => {
        const subject = s.label;
        const on = LEGACY.filter((v) => p.accepted.includes(v));
        if (on.length > 0)
          return fail(
            `${s.label} accepts ${on.map(tlsName).join(" and ")} (accepted: ${p.accepted.map(tlsName).join(", ")})`,
            at,
            tlsVersionsFix(softwareOf(s), tlsKindOf(s)),
            { subject, severity: s.admin ? "high" : "medium" },
          );
        const untested = LEGACY.filter((v) => p.untested.includes(v));
        if (untested.length > 0)
          return undecided(
            `${untested.map(tlsName).join(" and ")} could not be tried: this scanner's OpenSSL cannot offer ${untested.length > 1 ? "them" : "it"} (accepted: ${p.accepted.map(tlsName).join(", ") || "none"})`,
            at,
            { subject },
          );
        if (p.accepted.length === 0)
          return undecided(
            `no TLS version was accepted when each was tried alone, so the refusals prove nothing`,
            at,
            { subject },
          );
        return pass(
          `${s.label} refuses TLS 1.0 and 1.1 (accepts ${p.accepted.map(tlsName).join(", ")})`,
          at,
          { subject },
        );
      },
    );
  },
  cases: [
    {
      name: "scanned: admin HTTPS (nginx 1.22) accepts TLS 1.0",
      facts: (f) =>
        asScannedWith(
          f,
          tlsService(443, posture({ accepted: ["TLSv1", "TLSv1.1", "TLSv1.2"] }), {
            product: "nginx",
            version: "1.22.1",
          }),
        ),
      expect: ["fail"],
    },
    {
      name: "scanned: TLS 1.2 and 1.3 only",
      facts: (f) => asScannedWith(f, tlsService(443, posture())),
      expect: ["pass"],
    },
    {
      name: "scanned: TLS 1.0/1.1 cannot be offered by the scanner",
      facts: (f) => asScannedWith(f, tlsService(443, posture({ untested: ["TLSv1", "TLSv1.1"] }))),
      expect: ["unknown"],
    },
    {
      name: "scanned: HTTPS port whose handshake failed",
      facts: (f) =>
        asScannedWith(
          f,
          tlsService(443, posture(), {
            tls: unknown("the TLS handshake did not complete", probeAt(443, "open")),
            tlsPosture: undefined,
          }),
        ),
      expect: ["unknown"],
    },
    {
      name: "scanned: no TLS service answered",
      facts: (f) => asScanned(f, [[443, "closed"]]),
      expect: ["not_applicable"],
    },
    {
      name: "scanned: MQTT over TLS accepts TLS 1.1 (not administrative: medium)",
      facts: (f) =>
        asScannedWith(
          f,
          tlsService(8883, posture({ accepted: ["TLSv1.1", "TLSv1.2"] }), {
            kind: "mqtt",
            admin: false,
            label: "MQTT over TLS on 8883/tcp",
            tls: known(true, probeAt(8883, "TLSv1.2", "tls")),
          }),
        ),
      expect: ["fail"],
    },
  ],
};
