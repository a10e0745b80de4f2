import { known } from "../../facts/value.js";
import { asteriskFix } from "../../remediation/asterisk.js";
import { fail, notApplicable, pass, undecided } from "../outcome.js";
import type { Finding, Rule } from "../types.js";
import {
  authRefOf,
  endpoint,
  endpointSubject,
  NEW_PASSWORD,
  passwordOption,
  quality,
  sipOf,
  withSip,
} from "./kit.js";

export const sipPasswordUnique: Rule = {
  meta: {
    id: "sip-password-unique",
    title: "Every SIP/IAX2 account has a password of its own",
    severity: "high",
    guidelines: ["VPX-01", "TEL-02"],
    modes: ["config"],
    appliesTo: ["pbx"],
    rationale:
      "A password shared by several phones, or with the AMI, a trunk or another service, falls everywhere at once: one leaked phone configuration (provisioning files are often world-readable) opens every account that uses it. VitalPBX advises against a repeating password for all devices.",
    remediation:
      "Give each account its own random password; never reuse a trunk or AMI secret for a phone.",
  },
  check(facts) {
    const sip = sipOf(facts, "SIP/IAX2 password reuse");
    if (Array.isArray(sip)) return sip;
    const eps = sip.endpoints.filter(
      (e) =>
        e.role !== "anonymous" &&
        e.role !== "guest" &&
        !(e.password.known && e.password.value.state === "empty"),
    );
    if (eps.length === 0)
      return [notApplicable("no SIP or IAX2 endpoint holds a password", facts.pbx.sip.at)];
    return eps.map((e): Finding => {
      const subject = endpointSubject(e);
      const pw = e.password;
      if (!pw.known)
        return undecided(`the password of '${e.name}' is unknown: ${pw.reason}`, pw.at, {
          subject,
        });
      if (pw.value.state === "delegated")
        return pass(`'${e.name}' authenticates with ${pw.value.delegatedTo ?? "keys"}`, pw.at, {
          subject,
        });
      const q = pw.value.quality;
      if (!q)
        return undecided(
          `'${e.name}' stores only a digest of its password: reuse cannot be told (digests of one password differ per user name and realm)`,
          pw.at,
          { subject },
        );
      if (q.reusedWith.length === 0)
        return pass(
          `the password of '${e.name}' is used by no other credential in the input`,
          pw.at,
          { subject },
        );
      return fail(
        `the password of '${e.name}' is also used by ${q.reusedWith.join(", ")}`,
        pw.at,
        asteriskFix("Give this account a password of its own, then update the phone:", [
          { ref: authRefOf(e), set: [[passwordOption(e), NEW_PASSWORD]] },
        ]),
        { subject },
      );
    });
  },
  cases: [
    {
      name: "two phones share a password",
      facts: (f) =>
        withSip(f, {
          endpoints: [
            endpoint({
              name: "201",
              password: known({
                state: "set",
                quality: quality(20, 4, { reusedWith: ["pjsip endpoint '202'"] }),
              }),
            }),
            endpoint({
              name: "202",
              password: known({
                state: "set",
                quality: quality(20, 4, { reusedWith: ["pjsip endpoint '201'"] }),
              }),
            }),
          ],
        }),
      expect: ["fail", "fail"],
    },
    {
      name: "phone reuses the AMI secret",
      facts: (f) =>
        withSip(f, {
          endpoints: [
            endpoint({
              name: "203",
              password: known({
                state: "set",
                quality: quality(20, 4, { reusedWith: ["AMI user 'admin'"] }),
              }),
            }),
          ],
        }),
      expect: ["fail"],
    },
    {
      name: "unique passwords",
      facts: (f) =>
        withSip(f, { endpoints: [endpoint({ name: "204" }), endpoint({ name: "205" })] }),
      expect: ["pass", "pass"],
    },
    {
      name: "digest only",
      facts: (f) =>
        withSip(f, {
          endpoints: [
            endpoint({ name: "206", password: known({ state: "set", hash: "unknown" }) }),
          ],
        }),
      expect: ["unknown"],
    },
  ],
};
