import { asteriskFix } from "../../remediation/asterisk.js";
import { fail, pass, unknownFrom } from "../outcome.js";
import type { Finding, Rule } from "../types.js";
import { amiListeners, describeBind, EXPOSED_SCOPES, generalRef, withAmi } from "./kit.js";

export const amiNotExposed: Rule = {
  meta: {
    id: "ami-not-exposed",
    title: "The Asterisk Manager Interface listens on the loopback address only",
    severity: "high",
    guidelines: ["WAZ-07", "VPX-03"],
    modes: ["config"],
    appliesTo: ["pbx"],
    rationale:
      "AMI gives full control of the PBX (originate calls, run CLI commands, read every event). Bound to 0.0.0.0 it is reachable from every network the host has, and without TLS its logins travel in clear. Wazo asks to review every service listening on 0.0.0.0; VitalPBX to limit with the bind address who can reach a service.",
    remediation:
      "Set bindaddr = 127.0.0.1 in manager.conf [general]; clients on other hosts go through an SSH tunnel or VPN (or, if unavoidable, AMI over TLS to a private address with per-user ACLs).",
  },
  check(facts) {
    const fact = facts.pbx.ami;
    if (!fact.known) return [unknownFrom(fact, "Where AMI listens")];
    const ami = fact.value;
    if (!ami.enabled) return [pass("AMI is disabled (manager.conf enabled = no)", ami.at)];
    const svc = facts.services.find((s) => s.kind === "ami");
    const ref = generalRef(ami.at, "etc/asterisk/manager.conf", svc);
    return amiListeners(facts, ami).map((l): Finding => {
      const subject = `${l.label} ${l.port}/tcp`;
      const where = describeBind(l.address, l.scope);
      if (!EXPOSED_SCOPES.includes(l.scope)) {
        return pass(`${l.label} listens on ${where}`, l.at, { subject });
      }
      const clear = l.tls
        ? ""
        : ami.tls
          ? " This listener is plain TCP: logins and events travel in clear."
          : " TLS is off (tlsenable = no): logins and events travel in clear.";
      const set: [string, string][] = l.tls
        ? [["tlsbindaddr", "127.0.0.1:5039"]]
        : [["bindaddr", "127.0.0.1"]];
      return fail(
        `${l.label} listens on ${where}: anyone who can reach this host on ${l.port}/tcp can try to log in to the PBX's control interface.${clear}`,
        l.at,
        asteriskFix("Bind AMI to the loopback address; reach it through an SSH tunnel or VPN:", [
          { ref, set },
        ]),
        { subject },
      );
    });
  },
  cases: [
    {
      name: "AMI on 0.0.0.0 without TLS",
      facts: (f) => {
        withAmi(f, { bindAddress: "0.0.0.0" });
      },
      expect: ["fail"],
    },
    {
      name: "AMI on a public address",
      facts: (f) => {
        withAmi(f, { bindAddress: "203.0.113.7" });
      },
      expect: ["fail"],
    },
    {
      name: "AMI on loopback",
      facts: (f) => {
        withAmi(f, { bindAddress: "127.0.0.1" });
      },
      expect: ["pass"],
    },
    {
      name: "AMI on a private address",
      facts: (f) => {
        withAmi(f, { bindAddress: "192.168.1.10" });
      },
      expect: ["pass"],
    },
    {
      name: "AMI disabled",
      facts: (f) => {
        withAmi(f, { enabled: false, bindAddress: "0.0.0.0" });
      },
      expect: ["pass"],
    },
  ],
};
