import { known, unknown } from "../../facts/value.js";
import { asteriskFix } from "../../remediation/asterisk.js";
import { fail, notApplicable, pass, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";
import { at, policy, sipOf, transport, transportRef, withSip } from "./kit.js";

export const sipAlwaysAuthReject: Rule = {
  meta: {
    id: "sip-always-auth-reject",
    title: "SIP answers alike for existing and unknown users (no account enumeration)",
    severity: "medium",
    guidelines: ["BAS-08"],
    modes: ["config", "probe"],
    appliesTo: ["pbx", "intercom"],
    rationale:
      "When the PBX answers '404 Not Found' for an unknown user and '401 Unauthorized' for an existing one, scanners first list the valid extensions, then brute-force only those. chan_sip's alwaysauthreject (default yes since 1.8) makes every rejection look like a wrong password; res_pjsip always challenges unknown users through its artificial endpoint, with no option to turn that off (unidentified_request_* only tune the security log).",
    remediation: "In sip.conf [general], set alwaysauthreject = yes (or migrate to res_pjsip).",
  },
  check(facts) {
    const sip = sipOf(facts, "whether SIP lets callers enumerate accounts");
    if (Array.isArray(sip)) return sip;
    const p = sip.policy.alwaysAuthReject;
    if (!sip.drivers.includes("pjsip") && !sip.drivers.includes("chan_sip")) {
      // A scan sees the server's answers, not its configuration: judge what it observed.
      const observed = p.known && p.at.some((o) => o.kind === "probe");
      if (!observed) {
        return [
          notApplicable("no SIP driver (res_pjsip or chan_sip) is configured", facts.pbx.sip.at),
        ];
      }
      if (p.value) {
        return [pass("the SIP server answered an existing and an unknown user alike", p.at)];
      }
      return [
        fail(
          "the SIP server answers an existing and an unknown user differently: scanners can list the valid extensions",
          p.at,
          {
            summary:
              "Reject unknown users exactly like wrong passwords: on Asterisk chan_sip set alwaysauthreject = yes in sip.conf [general] (res_pjsip does so by default); on other SIP servers (Kamailio, intercoms) answer 401/403 for unknown users too.",
          },
        ),
      ];
    }
    if (!p.known) return [unknownFrom(p, "alwaysauthreject")];
    if (p.value)
      return [
        pass(
          sip.drivers.includes("chan_sip")
            ? "chan_sip rejects unknown users like a wrong password (alwaysauthreject)"
            : "res_pjsip challenges requests from unknown users like those of existing ones",
          p.at,
        ),
      ];
    const general = sip.transports.find((t) => t.driver === "chan_sip");
    return [
      fail(
        "alwaysauthreject = no: chan_sip tells scanners which user names exist",
        p.at,
        asteriskFix(
          "Answer every rejected REGISTER/INVITE like a wrong password:",
          general ? [{ ref: transportRef(general), set: [["alwaysauthreject", "yes"]] }] : [],
        ),
      ),
    ];
  },
  cases: [
    {
      name: "chan_sip with alwaysauthreject = no",
      facts: (f) =>
        withSip(f, {
          transports: [transport({ name: "udp", driver: "chan_sip" })],
          policy: policy({
            alwaysAuthReject: known(
              false,
              at("alwaysauthreject = no", 40, "case/etc/asterisk/sip.conf"),
            ),
          }),
        }),
      expect: ["fail"],
    },
    {
      name: "scanned: an unknown user gets a different answer",
      facts: (f) =>
        withSip(f, {
          drivers: [],
          policy: policy({
            alwaysAuthReject: known(false, {
              kind: "probe",
              probe: "sip-enumeration",
              address: "192.0.2.10",
              port: 5060,
              transport: "udp",
              time: "2026-11-21T00:00:00Z",
              excerpt: "100: 401 Unauthorized; random: 404 Not Found",
            }),
          }),
        }),
      expect: ["fail"],
    },
    {
      name: "scanned: answered alike",
      facts: (f) =>
        withSip(f, {
          drivers: [],
          policy: policy({
            alwaysAuthReject: known(true, {
              kind: "probe",
              probe: "sip-enumeration",
              address: "192.0.2.10",
              port: 5060,
              transport: "udp",
              time: "2026-11-21T00:00:00Z",
              excerpt: "both: 401 Unauthorized",
            }),
          }),
        }),
      expect: ["pass"],
    },
    {
      name: "res_pjsip",
      facts: (f) => withSip(f, {}),
      expect: ["pass"],
    },
    {
      name: "IAX2 only",
      facts: (f) =>
        withSip(f, { transports: [transport({ name: "iax2", driver: "iax2", port: 4569 })] }),
      expect: ["not_applicable"],
    },
    {
      name: "unknown",
      facts: (f) =>
        withSip(f, { policy: policy({ alwaysAuthReject: unknown("sip.conf unreadable") }) }),
      expect: ["unknown"],
    },
  ],
};
