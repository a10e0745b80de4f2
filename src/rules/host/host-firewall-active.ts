import type { Facts } from "../../facts/model.js";
import { type BaselineOptions, baselineFix } from "../../remediation/firewall.js";
import { fail, pass, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";
import { PBX_PORTS } from "./host-firewall-pbx-ports.js";
import { asPbx, firewallFlavor, sshPorts, withHostFirewall } from "./kit.js";

function uses(facts: Facts, ports: number[], transport?: "tcp" | "udp"): boolean {
  if (!facts.listening.known) return false;
  return facts.listening.value.some(
    (s) =>
      ports.includes(s.port) && s.scope !== "loopback" && (!transport || s.transport === transport),
  );
}

function baselineOptions(facts: Facts): BaselineOptions {
  const pbx = facts.device.class.known && facts.device.class.value === "pbx";
  return {
    sshPorts: sshPorts(facts),
    sip: pbx || uses(facts, [5060, 5061]),
    iax: uses(facts, [4569], "udp"),
    web: pbx || uses(facts, [80, 443], "tcp"),
  };
}

export const hostFirewallActive: Rule = {
  meta: {
    id: "host-firewall-active",
    title: "The host firewall filters incoming traffic",
    severity: "critical",
    guidelines: ["WAZ-04", "VPX-07"],
    modes: ["config"],
    appliesTo: ["pbx", "linux-host"],
    rationale:
      "Wazo installs iptables but configures no rule, and VitalPBX asks for its firewall to be active at all times. With ACCEPT policies and nothing that drops (fail2ban's ban chains do not count: they only refuse addresses already caught), every service the PBX runs — AMI, ARI, databases, provisioning — is as reachable as SIP: critical. A ruleset that accepts by default and refuses none of the PBX ports (SSH, SIP, IAX2, AMI, HTTP(S), ARI) from the internet protects nothing a PBX needs protected either: high.",
    remediation:
      "Set a default-drop input policy that accepts loopback, established traffic, SSH and the web interface from the administration network, and SIP/RTP from the provider's and remote sites' networks; save it so it loads at boot.",
  },
  check(facts) {
    const fw = facts.hostFirewall;
    const subject = "host firewall";
    if (!fw.known) return [unknownFrom(fw, "Host firewall", { subject })];
    const v = fw.value;
    if (v.effectivelyEmpty) {
      return [
        fail(
          `the ${v.source} ruleset filters nothing: input policy ${v.defaultInput.toUpperCase()} and no rule drops or rejects`,
          v.at,
          baselineFix(
            "Install a default-drop input policy (set ADMIN and TRUSTED first; the accept rules go in before the policy changes):",
            firewallFlavor(facts),
            baselineOptions(facts),
          ),
          { subject },
        ),
      ];
    }
    // ACCEPT by default and not one of the PBX ports refused: a ruleset, but no firewall for a PBX
    const audited = PBX_PORTS.map((p) =>
      v.exposures.find((e) => e.port === p.port && e.transport === p.transport),
    );
    if (v.defaultInput === "accept" && audited.every((e) => e?.verdict === "accepted")) {
      return [
        fail(
          `the ${v.source} ruleset accepts by default and refuses none of the PBX ports (${PBX_PORTS.map((p) => `${p.port}/${p.transport}`).join(", ")}) from the internet`,
          [...v.at, ...(audited[0]?.at ?? [])],
          baselineFix(
            "Install a default-drop input policy (set ADMIN and TRUSTED first; the accept rules go in before the policy changes):",
            firewallFlavor(facts),
            baselineOptions(facts),
          ),
          { subject, severity: "high" },
        ),
      ];
    }
    return [
      pass(
        v.defaultInput === "drop"
          ? `the ${v.source} ruleset drops incoming traffic by default`
          : `the ${v.source} ruleset filters incoming traffic (input policy ACCEPT: what no rule drops gets in; see host-firewall-pbx-ports)`,
        v.at,
        { subject },
      ),
    ];
  },
  cases: [
    {
      name: "Wazo's default: ACCEPT and no rules",
      facts: (f) => {
        asPbx(f, "Wazo");
        withHostFirewall(f, { defaultInput: "accept", effectivelyEmpty: true });
      },
      expect: ["fail"],
    },
    {
      name: "default DROP",
      facts: (f) => {
        asPbx(f);
        withHostFirewall(f);
      },
      expect: ["pass"],
    },
    {
      name: "ACCEPT policy with rules that drop",
      facts: (f) => {
        asPbx(f);
        withHostFirewall(f, { defaultInput: "accept", effectivelyEmpty: false });
      },
      expect: ["pass"],
    },
    {
      name: "ACCEPT policy whose few drops spare every PBX port",
      facts: (f) => {
        asPbx(f);
        withHostFirewall(f, {
          defaultInput: "accept",
          accepted: [
            [22, "tcp"],
            [5060, "udp"],
            [5060, "tcp"],
            [5061, "tcp"],
            [4569, "udp"],
            [5038, "tcp"],
            [80, "tcp"],
            [443, "tcp"],
            [8088, "tcp"],
          ],
        });
      },
      expect: ["fail"],
    },
    {
      name: "no saved ruleset",
      facts: (f) => asPbx(f),
      expect: ["unknown"],
    },
  ],
};
