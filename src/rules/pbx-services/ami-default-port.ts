import { asteriskFix } from "../../remediation/asterisk.js";
import { fail, notApplicable, pass, unknownFrom } from "../outcome.js";
import type { Finding, Rule } from "../types.js";
import { amiListeners, generalRef, NETWORK_SCOPES, withAmi } from "./kit.js";

const DEFAULTS: Record<string, number> = { AMI: 5038, "AMI over TLS": 5039 };
/** A port in the IANA dynamic range, which scanners sweep far less than the defaults. */
const SUGGESTED: Record<string, string> = { AMI: "port", "AMI over TLS": "tlsbindaddr" };

export const amiDefaultPort: Rule = {
  meta: {
    id: "ami-default-port",
    title: "AMI does not listen on its well-known port",
    severity: "low",
    guidelines: ["VPX-04"],
    modes: ["config"],
    appliesTo: ["pbx"],
    rationale:
      "Scanners look for 5038/tcp to find Asterisk managers to brute-force. VitalPBX asks to move services off their default ports; it does not replace binding AMI to the loopback address, but it takes the PBX out of the cheapest sweeps.",
    remediation:
      "Set another port in manager.conf [general] (port = …) and update the AMI clients; better, bind AMI to 127.0.0.1.",
  },
  check(facts) {
    const fact = facts.pbx.ami;
    if (!fact.known) return [unknownFrom(fact, "The AMI port")];
    const ami = fact.value;
    if (!ami.enabled) return [notApplicable("AMI is disabled", ami.at)];
    const svc = facts.services.find((s) => s.kind === "ami");
    const ref = generalRef(ami.at, "etc/asterisk/manager.conf", svc);
    return amiListeners(facts, ami).map((l): Finding => {
      const subject = l.label;
      if (!NETWORK_SCOPES.includes(l.scope)) {
        return notApplicable(
          `${l.label} listens on the loopback address only: no scanner reaches its port`,
          l.at,
          { subject },
        );
      }
      if (l.port !== DEFAULTS[l.label]) {
        return pass(`${l.label} listens on ${l.port}/tcp, not the default`, l.at, { subject });
      }
      const option = SUGGESTED[l.label] as string;
      const value = l.tls ? `${l.address || "0.0.0.0"}:45039` : "45038";
      return fail(
        `${l.label} listens on its default port ${l.port}/tcp, the first one scanners try`,
        l.at,
        asteriskFix(
          "Move AMI off its default port (and update every AMI client), or better bind it to 127.0.0.1:",
          [{ ref, set: [[option, value]] }],
        ),
        { subject },
      );
    });
  },
  cases: [
    {
      name: "5038 on every address",
      facts: (f) => {
        withAmi(f, { bindAddress: "0.0.0.0", port: 5038 });
      },
      expect: ["fail"],
    },
    {
      name: "moved to 45038",
      facts: (f) => {
        withAmi(f, { bindAddress: "0.0.0.0", port: 45038 });
      },
      expect: ["pass"],
    },
    {
      name: "5038 on loopback",
      facts: (f) => {
        withAmi(f, { bindAddress: "127.0.0.1", port: 5038 });
      },
      expect: ["not_applicable"],
    },
  ],
};
