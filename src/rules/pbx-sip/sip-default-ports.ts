import type { SipTransport } from "../../facts/pbx.js";
import { fail, notApplicable, pass } from "../outcome.js";
import type { Finding, Rule } from "../types.js";
import { sipOf, transport, transportSubject, withSip } from "./kit.js";
import { bindFix } from "./sip-bind-address.js";

/** The ports every SIP scanner probes first. */
function isDefault(t: SipTransport): boolean {
  if (t.driver === "iax2") return t.port === 4569;
  return t.port === 5060 || t.port === 5061;
}

/** A suggestion off the scanners' list; any unused port will do. */
function suggested(t: SipTransport): number {
  return t.driver === "iax2" ? 34569 : t.protocol === "tls" ? 35061 : 35060;
}

export const sipDefaultPorts: Rule = {
  meta: {
    id: "sip-default-ports",
    title: "SIP and IAX2 do not listen on their default ports (5060, 5061, 4569)",
    severity: "low",
    guidelines: ["VPX-04"],
    modes: ["config"],
    appliesTo: ["pbx"],
    rationale:
      "Internet-wide SIP scanners sweep 5060/5061 (and IAX2's 4569) all day; a PBX on another port receives a small fraction of their registration attempts. It hides nothing from a determined attacker, which is why it is low severity, but it cuts the noise that buries real attacks. VitalPBX recommends changing the PJSIP and IAX2 ports.",
    remediation:
      "Move each listener to an unused port and update phones, provisioning templates, trunk settings and the firewall rules with it.",
  },
  check(facts) {
    const sip = sipOf(facts, "the SIP/IAX2 ports");
    if (Array.isArray(sip)) return sip;
    // Websocket transports use the HTTP server's port: not a SIP default.
    const listeners = sip.transports.filter((t) => t.protocol !== "ws" && t.protocol !== "wss");
    if (listeners.length === 0)
      return [notApplicable("no SIP or IAX2 listener is configured", facts.pbx.sip.at)];
    return listeners.map((t): Finding => {
      const subject = transportSubject(t);
      if (!isDefault(t)) return pass(`${subject} listens on port ${t.port}`, t.at, { subject });
      return fail(
        `${subject} listens on the default port ${t.port}/${t.protocol}, the first one ${t.driver === "iax2" ? "IAX2" : "SIP"} scanners try`,
        t.at,
        bindFix(
          t,
          t.bindAddress,
          suggested(t),
          "Move it to an unused port (any will do; phones, trunks and the firewall must follow):",
        ),
        { subject },
      );
    });
  },
  cases: [
    {
      name: "pjsip on 5060",
      facts: (f) => withSip(f, { transports: [transport({ name: "transport-udp" })] }),
      expect: ["fail"],
    },
    {
      name: "TLS on 5061 and IAX2 on 4569",
      facts: (f) =>
        withSip(f, {
          transports: [
            transport({ name: "transport-tls", protocol: "tls", port: 5061 }),
            transport({ name: "iax2", driver: "iax2", port: 4569 }),
          ],
        }),
      expect: ["fail", "fail"],
    },
    {
      name: "moved to 35060",
      facts: (f) => withSip(f, { transports: [transport({ name: "transport-udp", port: 35060 })] }),
      expect: ["pass"],
    },
    {
      name: "no listener",
      facts: (f) => withSip(f, { transports: [], drivers: [] }),
      expect: ["not_applicable"],
    },
  ],
};
