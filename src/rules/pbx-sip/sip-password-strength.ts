import type { PasswordQuality } from "../../facts/model.js";
import type { SipEndpoint } from "../../facts/pbx.js";
import { known, unknown } from "../../facts/value.js";
import { asteriskFix } from "../../remediation/asterisk.js";
import { fail, notApplicable, pass, undecided, unknownFrom } from "../outcome.js";
import type { Finding, Rule, Severity } from "../types.js";
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

/** Digest hashes captured on the wire are cracked offline: TEL-02 asks for 15–20+ characters. */
const MIN_LENGTH = 12;
const MIN_STRENGTH = 3;

function problems(q: PasswordQuality): string[] {
  const out: string[] = [];
  if (q.isDefault) out.push("it is a published default or sample password");
  if (q.length < MIN_LENGTH)
    out.push(`it has only ${q.length} characters (at least ${MIN_LENGTH})`);
  if (q.strength < MIN_STRENGTH) out.push(`its estimated strength is ${q.strength}/4 (zxcvbn)`);
  return out;
}

function severityOf(q: PasswordQuality): Severity | undefined {
  return q.isDefault || q.strength <= 1 ? "critical" : undefined;
}

/**
 * Endpoints that hold inbound credentials of their own. Guests, IP-matched trunks and endpoints
 * without any authentication are not judged here (sip-no-anonymous-calls is about those); an
 * auth object with an empty password is.
 */
function withCredentials(e: SipEndpoint): boolean {
  if (e.role === "anonymous" || e.role === "guest") return false;
  const empty = e.password.known && e.password.value.state === "empty";
  if (empty && (e.role === "trunk" || (e.unauthenticated.known && e.unauthenticated.value)))
    return false;
  return true;
}

function fixFor(e: SipEndpoint) {
  return asteriskFix(
    "Set a new random password, used nowhere else, then enter it on the phone (or give it to the device's provisioning):",
    [{ ref: authRefOf(e), set: [[passwordOption(e), NEW_PASSWORD]] }],
  );
}

export const sipPasswordStrength: Rule = {
  meta: {
    id: "sip-password-strength",
    title: "SIP/IAX2 passwords are long, strong and not published defaults",
    severity: "high",
    guidelines: ["VPX-01", "TEL-02"],
    modes: ["config"],
    appliesTo: ["pbx"],
    rationale:
      "A registered SIP account places calls on the PBX's trunks: weak or sample passwords are brute-forced online by SIP scanners within hours, and a digest captured on the wire is cracked offline. VitalPBX asks for strong random passwords per device; Teltonika's guide 15–20+ characters of all classes.",
    remediation:
      "Give every extension a random password of 20 or more characters (VitalPBX and FreePBX generate one), different for every device.",
  },
  check(facts) {
    const sip = sipOf(facts, "the SIP/IAX2 password strength");
    if (Array.isArray(sip)) return sip;
    const eps = sip.endpoints.filter(withCredentials);
    if (eps.length === 0)
      return [notApplicable("no SIP or IAX2 endpoint holds inbound credentials", facts.pbx.sip.at)];
    return eps.map((e): Finding => {
      const subject = endpointSubject(e);
      const pw = e.password;
      if (!pw.known) return unknownFrom(pw, `the password of '${e.name}'`, { subject });
      const v = pw.value;
      if (v.state === "delegated")
        return pass(
          `'${e.name}' authenticates with ${v.delegatedTo ?? "keys"}, not a password`,
          pw.at,
          { subject },
        );
      if (v.state === "empty")
        return fail(
          `'${e.name}' has an empty password: anyone who names it can register or call as it`,
          pw.at,
          fixFor(e),
          { subject, severity: "critical" },
        );
      if (v.state === "locked") return pass(`'${e.name}' is locked`, pw.at, { subject });
      if (!v.quality)
        return undecided(
          `'${e.name}' stores only a digest of its password (md5secret, md5_cred or password_digest): its strength cannot be judged offline`,
          pw.at,
          { subject },
        );
      const q = v.quality;
      const bad = problems(q);
      if (bad.length === 0)
        return pass(
          `the password of '${e.name}' has ${q.length} characters, strength ${q.strength}/4, and is not a known default`,
          pw.at,
          { subject },
        );
      return fail(`the password of '${e.name}' is weak: ${bad.join("; ")}`, pw.at, fixFor(e), {
        subject,
        severity: severityOf(q),
      });
    });
  },
  cases: [
    {
      name: "sample password 6001 (4 digits)",
      facts: (f) =>
        withSip(f, {
          endpoints: [
            endpoint({ name: "6001", password: known({ state: "set", quality: quality(4, 0) }) }),
          ],
        }),
      expect: ["fail"],
    },
    {
      name: "published basic-pbx password (looks random, is a default)",
      facts: (f) =>
        withSip(f, {
          endpoints: [
            endpoint({
              name: "1107",
              password: known({ state: "set", quality: quality(15, 0, { isDefault: true }) }),
            }),
          ],
        }),
      expect: ["fail"],
    },
    {
      name: "strong random password",
      facts: (f) => withSip(f, { endpoints: [endpoint({ name: "1101" })] }),
      expect: ["pass"],
    },
    {
      name: "md5secret only: quality unknown",
      facts: (f) =>
        withSip(f, {
          endpoints: [
            endpoint({
              name: "300",
              driver: "chan_sip",
              password: known({ state: "set", hash: "unknown" }),
            }),
          ],
        }),
      expect: ["unknown"],
    },
    {
      name: "empty password on an extension",
      facts: (f) =>
        withSip(f, { endpoints: [endpoint({ name: "301", password: known({ state: "empty" }) })] }),
      expect: ["fail"],
    },
    {
      name: "auth object missing",
      facts: (f) =>
        withSip(f, {
          endpoints: [endpoint({ name: "302", password: unknown("auth '302' is not defined") })],
        }),
      expect: ["unknown"],
    },
    {
      name: "IP-matched trunk without inbound credentials is not judged here",
      facts: (f) =>
        withSip(f, {
          endpoints: [
            endpoint({ name: "provider", role: "trunk", password: known({ state: "empty" }) }),
          ],
        }),
      expect: ["not_applicable"],
    },
  ],
};
