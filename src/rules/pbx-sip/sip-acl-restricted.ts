import { asteriskFix } from "../../remediation/asterisk.js";
import { fail, notApplicable, pass, undecided } from "../outcome.js";
import type { Finding, Rule } from "../types.js";
import { endpoint, endpointSubject, PHONE_NETWORK, refOf, sipOf, withSip } from "./kit.js";

export const sipAclRestricted: Rule = {
  meta: {
    id: "sip-acl-restricted",
    title: "Extensions may register only from the networks they live in (permit/deny ACLs)",
    severity: "medium",
    guidelines: ["VPX-02"],
    modes: ["config"],
    appliesTo: ["pbx"],
    rationale:
      "With a deny-all plus permit for the phones' network, a stolen or guessed password is useless from anywhere else: the PBX refuses the REGISTER before it checks the password. VitalPBX asks for Permit/Deny on every device that registers from a known network. Asterisk allows by default, so a permit without a deny restricts nothing.",
    remediation:
      "For each phone that registers from a known network, deny everything and permit that network (pjsip: deny/permit or contact_deny/contact_permit on the endpoint, or a type=acl section; chan_sip/IAX2: deny/permit in the peer).",
  },
  check(facts) {
    const sip = sipOf(facts, "the extensions' network ACLs");
    if (Array.isArray(sip)) return sip;
    const exts = sip.endpoints.filter((e) => e.role === "extension");
    if (exts.length === 0)
      return [notApplicable("no SIP or IAX2 extension is configured", facts.pbx.sip.at)];
    return exts.map((e): Finding => {
      const subject = endpointSubject(e);
      const { permit, deny, named } = e.acl;
      if (deny.length > 0)
        return pass(
          `'${e.name}' is restricted: deny ${deny.join(", ")}${permit.length ? `; permit ${permit.join(", ")}` : ""}`,
          e.at,
          { subject },
        );
      if (named.length > 0)
        return undecided(
          `'${e.name}' uses the named ACL(s) ${named.join(", ")}, whose rules are not in the input (acl.conf) or deny nothing`,
          e.at,
          { subject },
        );
      const fix = asteriskFix(
        "If this phone registers from a known network, deny everything else (deny first, then permit):",
        [
          {
            ref: refOf(e),
            set: [
              ["deny", "0.0.0.0/0.0.0.0"],
              ["permit", PHONE_NETWORK],
            ],
          },
        ],
      );
      if (permit.length > 0)
        return fail(
          `'${e.name}' permits ${permit.join(", ")} but denies nothing: Asterisk allows by default, so it may still register from anywhere`,
          e.at,
          fix,
          { subject },
        );
      return fail(
        `'${e.name}' has no permit/deny ACL: it may register from any address`,
        e.at,
        fix,
        {
          subject,
        },
      );
    });
  },
  cases: [
    {
      name: "no ACL at all",
      facts: (f) => withSip(f, { endpoints: [endpoint({ name: "1101" })] }),
      expect: ["fail"],
    },
    {
      name: "deny all, permit the office",
      facts: (f) =>
        withSip(f, {
          endpoints: [
            endpoint({
              name: "1102",
              acl: { permit: ["192.168.10.0/24"], deny: ["0.0.0.0/0.0.0.0"], named: [] },
            }),
          ],
        }),
      expect: ["pass"],
    },
    {
      name: "permit without deny",
      facts: (f) =>
        withSip(f, {
          endpoints: [
            endpoint({ name: "1103", acl: { permit: ["192.168.10.0/24"], deny: [], named: [] } }),
          ],
        }),
      expect: ["fail"],
    },
    {
      name: "named ACL not in the input",
      facts: (f) =>
        withSip(f, {
          endpoints: [endpoint({ name: "1104", acl: { permit: [], deny: [], named: ["office"] } })],
        }),
      expect: ["unknown"],
    },
    {
      name: "trunks are not judged here",
      facts: (f) => withSip(f, { endpoints: [endpoint({ name: "itsp", role: "trunk" })] }),
      expect: ["not_applicable"],
    },
  ],
};
