import { known } from "../../facts/value.js";
import { asteriskFix } from "../../remediation/asterisk.js";
import { fail, notApplicable, pass, undecided } from "../outcome.js";
import type { Finding, Rule } from "../types.js";
import {
  authRefOf,
  endpoint,
  endpointSubject,
  NEW_DEVICE_ID,
  refOf,
  sipOf,
  withSip,
} from "./kit.js";

export const sipAuthUsernameNotExtension: Rule = {
  meta: {
    id: "sip-auth-username-not-extension",
    title: "SIP/IAX2 extensions authenticate with a user name other than the extension number",
    severity: "high",
    guidelines: ["VPX-01"],
    modes: ["config"],
    appliesTo: ["pbx"],
    rationale:
      "The extension number is public: it shows in caller ID, From headers and the phone book. When it is also the digest user name, a scanner only has to guess the password, and SIP scanners (sipvicious, friendly-scanner) try exactly number = user name first. VitalPBX asks for device user names separate from the extension number.",
    remediation:
      "Give every device a random auth user name (pjsip: the auth object's username; chan_sip and IAX2 authenticate with the section name, so rename the peer and the dial plan's Dial() to it), then re-provision the phone.",
  },
  check(facts) {
    const sip = sipOf(facts, "the extensions' auth user names");
    if (Array.isArray(sip)) return sip;
    const exts = sip.endpoints.filter((e) => e.role === "extension");
    if (exts.length === 0)
      return [notApplicable("no SIP or IAX2 extension is configured", facts.pbx.sip.at)];
    return exts.map((e): Finding => {
      const subject = endpointSubject(e);
      if (
        e.password.known &&
        e.password.value.state === "empty" &&
        e.unauthenticated.known &&
        e.unauthenticated.value
      )
        return notApplicable(
          `'${e.name}' does not authenticate at all (see sip-no-anonymous-calls)`,
          e.unauthenticated.at,
          { subject },
        );
      if (e.authUsername === undefined)
        return undecided(`'${e.name}' has no auth user name in its auth object`, e.at, { subject });
      if (!e.usernameIsName)
        return pass(`'${e.name}' authenticates as '${e.authUsername}', not as its own name`, e.at, {
          subject,
        });
      if (e.driver === "pjsip")
        return fail(
          `'${e.name}' authenticates with its own name as user name: only the password stands between a scanner and the account`,
          e.at,
          asteriskFix(
            "Set a random auth user name (keep the endpoint name), then enter it as the auth user on the phone:",
            [{ ref: authRefOf(e), set: [["username", NEW_DEVICE_ID]] }],
          ),
          { subject },
        );
      return fail(
        `${e.driver === "chan_sip" ? "chan_sip" : "IAX2"} authenticates '${e.name}' with its section name as user name${/^\d+$/.test(e.name) ? ", here the extension number" : ""}`,
        e.at,
        asteriskFix(
          `Rename the section [${e.name}] to a random device name (e.g. [${NEW_DEVICE_ID}]), point the dial plan's Dial(${e.driver === "chan_sip" ? "SIP" : "IAX2"}/${e.name}) at the new name, and re-provision the phone with it:`,
          [{ ref: refOf(e) }],
        ),
        { subject },
      );
    });
  },
  cases: [
    {
      name: "pjsip auth user name equals the extension (sample 6001/6001)",
      facts: (f) =>
        withSip(f, {
          endpoints: [endpoint({ name: "6001", authUsername: "6001", usernameIsName: true })],
        }),
      expect: ["fail"],
    },
    {
      name: "auth user name is a MAC address (basic-pbx style)",
      facts: (f) =>
        withSip(f, { endpoints: [endpoint({ name: "1101", authUsername: "3605657CFB45" })] }),
      expect: ["pass"],
    },
    {
      name: "chan_sip peer named after the extension",
      facts: (f) =>
        withSip(f, {
          endpoints: [
            endpoint({
              name: "200",
              driver: "chan_sip",
              authUsername: "200",
              usernameIsName: true,
            }),
          ],
        }),
      expect: ["fail"],
    },
    {
      name: "trunks are not extensions",
      facts: (f) =>
        withSip(f, {
          endpoints: [endpoint({ name: "provider", role: "trunk", usernameIsName: true })],
        }),
      expect: ["not_applicable"],
    },
    {
      name: "auth object without user name",
      facts: (f) =>
        withSip(f, { endpoints: [endpoint({ name: "7000", authUsername: undefined })] }),
      expect: ["unknown"],
    },
    {
      name: "an extension without any authentication is another rule's business",
      facts: (f) =>
        withSip(f, {
          endpoints: [
            endpoint({
              name: "7001",
              authUsername: undefined,
              password: known({ state: "empty" }),
              unauthenticated: known(true),
            }),
          ],
        }),
      expect: ["not_applicable"],
    },
  ],
};
