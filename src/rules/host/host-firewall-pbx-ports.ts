import type { Facts } from "../../facts/model.js";
import { type ClosePort, closePortFix } from "../../remediation/firewall.js";
import { fail, pass, undecided } from "../outcome.js";
import type { Rule, Severity } from "../types.js";
import {
  asPbx,
  exposureOf,
  firewallFlavor,
  openSockets,
  sock,
  withHostFirewall,
  withListening,
} from "./kit.js";

export const PBX_PORTS: readonly {
  port: number;
  transport: "tcp" | "udp";
  name: string;
  severity: Severity;
  keepFrom?: ClosePort["keepFrom"];
}[] = [
  { port: 22, transport: "tcp", name: "SSH", severity: "high", keepFrom: "ADMIN" },
  { port: 5060, transport: "udp", name: "SIP", severity: "high", keepFrom: "TRUSTED" },
  { port: 5060, transport: "tcp", name: "SIP", severity: "high", keepFrom: "TRUSTED" },
  { port: 5061, transport: "tcp", name: "SIP over TLS", severity: "high", keepFrom: "TRUSTED" },
  { port: 4569, transport: "udp", name: "IAX2", severity: "high", keepFrom: "TRUSTED" },
  { port: 5038, transport: "tcp", name: "AMI", severity: "critical" },
  { port: 80, transport: "tcp", name: "HTTP", severity: "high", keepFrom: "ADMIN" },
  { port: 443, transport: "tcp", name: "HTTPS", severity: "high", keepFrom: "ADMIN" },
  { port: 8088, transport: "tcp", name: "Asterisk HTTP/ARI", severity: "critical" },
];

/** The audited ports plus any other SSH port configured. */
function ports(facts: Facts) {
  const out = [...PBX_PORTS];
  for (const s of facts.services) {
    if (s.kind !== "ssh" || !s.ports.known) continue;
    for (const p of s.ports.value) {
      if (p.from !== p.to || out.some((x) => x.port === p.from && x.transport === "tcp")) continue;
      out.push({
        port: p.from,
        transport: "tcp",
        name: "SSH",
        severity: "high",
        keepFrom: "ADMIN",
      });
    }
  }
  return out;
}

export const hostFirewallPbxPorts: Rule = {
  meta: {
    id: "host-firewall-pbx-ports",
    title: "The host firewall keeps PBX ports closed to the internet",
    severity: "high",
    guidelines: ["VPX-07", "WAZ-04", "WAZ-05"],
    modes: ["config"],
    appliesTo: ["pbx", "linux-host"],
    rationale:
      "A PBX answers SIP scanners, IAX2 and SSH brute force and web logins from wherever the firewall lets them in. SIP and IAX2 belong to the provider's and remote sites' networks, SSH and the web interface to the administrators' (or a VPN); the AMI (5038) and Asterisk's HTTP/ARI (8088) control calls and must never face the internet. The verdict is for a new connection from an arbitrary internet address, with the rule that decides it.",
    remediation:
      "Accept these ports only from the networks that need them (ADMIN, TRUSTED) and drop the rest; close AMI and ARI entirely and bind them to 127.0.0.1.",
  },
  check(facts) {
    const fw = facts.hostFirewall;
    if (!fw.known) {
      return [
        undecided(`Exposure of the PBX ports cannot be decided: ${fw.reason}`, fw.at, {
          subject: "host firewall",
        }),
      ];
    }
    const flavor = firewallFlavor(facts);
    return ports(facts).map((p) => {
      const subject = `${p.port}/${p.transport} (${p.name})`;
      const e = exposureOf(facts, p.port, p.transport);
      if (!e) return undecided(`${subject} was not evaluated`, fw.at, { subject });
      if (e.verdict === "dropped") return pass(e.summary, e.at, { subject });
      if (e.verdict === "unknown") return undecided(e.summary, e.at, { subject });
      const listening = openSockets(facts, p.port, p.transport);
      const idle = listening !== undefined && listening.length === 0;
      return fail(
        `${p.name} (${p.port}/${p.transport}) is open to any internet address${idle ? " (nothing listens on it now)" : ""}: ${e.summary}`,
        [...e.at, ...(listening ?? []).flatMap((s) => s.at)],
        closePortFix(
          p.keepFrom
            ? `Accept ${p.name} only from ${p.keepFrom === "ADMIN" ? "the administration network" : "the SIP provider's and remote sites' networks"} (set ${p.keepFrom} first), drop it for everyone else:`
            : `Close ${p.name} to the network (and bind it to 127.0.0.1):`,
          flavor,
          [
            {
              port: p.port,
              transport: p.transport,
              ...(p.keepFrom ? { keepFrom: p.keepFrom } : {}),
            },
          ],
        ),
        { subject, severity: idle ? "low" : p.severity },
      );
    });
  },
  cases: [
    {
      name: "default drop, SIP only from the provider: every port passes",
      facts: (f) => {
        asPbx(f);
        withHostFirewall(f);
      },
      expect: ["pass", "pass", "pass", "pass", "pass", "pass", "pass", "pass", "pass"],
    },
    {
      name: "SIP and AMI open to the world, AMI listening on all addresses",
      facts: (f) => {
        asPbx(f);
        withHostFirewall(f, {
          accepted: [
            [5060, "udp"],
            [5038, "tcp"],
          ],
        });
        withListening(f, [
          sock(5060, "udp", "0.0.0.0", "asterisk"),
          sock(5038, "tcp", "0.0.0.0", "asterisk"),
        ]);
      },
      expect: ["pass", "fail", "pass", "pass", "pass", "fail", "pass", "pass", "pass"],
    },
    {
      name: "no saved ruleset",
      facts: (f) => asPbx(f),
      expect: ["unknown"],
    },
  ],
};
