import type { Facts, ScanCoverage } from "../../facts/model.js";
import { type ClosePort, closePortFix, type FirewallFlavor } from "../../remediation/firewall.js";
import { fail, pass, undecided } from "../outcome.js";
import { asScanned, describeSilence, scanEvidence, scanOf } from "../probe-kit.js";
import type { Finding, Fix, Rule, Severity } from "../types.js";
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

type PbxPort = ReturnType<typeof ports>[number];

function portFix(p: PbxPort, flavor: FirewallFlavor, where = ""): Fix {
  return closePortFix(
    p.keepFrom
      ? `Accept ${p.name} only from ${p.keepFrom === "ADMIN" ? "the administration network" : "the SIP provider's and remote sites' networks"} (set ${p.keepFrom} first), drop it for everyone else${where}:`
      : `Close ${p.name} to the network (and bind it to 127.0.0.1)${where}:`,
    flavor,
    [{ port: p.port, transport: p.transport, ...(p.keepFrom ? { keepFrom: p.keepFrom } : {}) }],
  );
}

/**
 * From a scan: only a scanner on the internet sees what the internet reaches. Each PBX port it
 * probed answered (open to the internet) or stayed silent; ports it did not probe are left out.
 */
function judgeScanned(facts: Facts, scan: ScanCoverage): Finding[] {
  const at = scanEvidence(facts);
  if (scan.vantage !== "internet")
    return [
      undecided(
        "scanned from inside the network: which PBX ports the internet reaches was not observed (scan from outside with --vantage internet)",
        at,
        { subject: "host firewall" },
      ),
    ];
  const out: Finding[] = [];
  const where =
    " (in the PBX's firewall, or by removing the port forward on the router in front of it)";
  for (const p of ports(facts)) {
    const subject = `${p.port}/${p.transport} (${p.name})`;
    const answered =
      p.transport === "tcp"
        ? scan.tcp.find((t) => t.port === p.port)
        : scan.udp.find((u) => u.port === p.port);
    if (!answered) continue;
    const open = "state" in answered ? answered.state === "open" : answered.answered;
    if ("state" in answered && answered.state === "error") {
      out.push(undecided(`probing ${subject} failed`, at, { subject }));
      continue;
    }
    if (!open) {
      out.push(
        pass(
          `${subject} did not answer the scan from the internet (${"state" in answered ? describeSilence([answered]) : "no SIP answer"})`,
          at,
          { subject },
        ),
      );
      continue;
    }
    const svc = facts.services.find(
      (s) =>
        s.ports.known &&
        s.ports.value.some((r) => r.from <= p.port && r.to >= p.port) &&
        (p.transport === "udp") === s.ports.value.some((r) => r.transport === "udp"),
    );
    out.push(
      fail(
        `${p.name} (${p.port}/${p.transport}) answered the scan from the internet`,
        svc ? svc.enabled.at : at,
        portFix(p, firewallFlavor(facts), where),
        { subject, severity: p.severity },
      ),
    );
  }
  if (out.length === 0)
    return [undecided("the scan probed none of the PBX ports", at, { subject: "host firewall" })];
  return out;
}

export const hostFirewallPbxPorts: Rule = {
  meta: {
    id: "host-firewall-pbx-ports",
    title: "The host firewall keeps PBX ports closed to the internet",
    severity: "high",
    guidelines: ["VPX-07", "WAZ-04", "WAZ-05"],
    modes: ["config", "probe"],
    appliesTo: ["pbx", "linux-host"],
    rationale:
      "A PBX answers SIP scanners, IAX2 and SSH brute force and web logins from wherever the firewall lets them in. SIP and IAX2 belong to the provider's and remote sites' networks, SSH and the web interface to the administrators' (or a VPN); the AMI (5038) and Asterisk's HTTP/ARI (8088) control calls and must never face the internet. The verdict is for a new connection from an arbitrary internet address, with the rule that decides it; a scan sees it only from the internet (bulwark scan --vantage internet), whichever firewall (the PBX's or the router's) does the filtering.",
    remediation:
      "Accept these ports only from the networks that need them (ADMIN, TRUSTED) and drop the rest; close AMI and ARI entirely and bind them to 127.0.0.1.",
  },
  check(facts) {
    const fw = facts.hostFirewall;
    const scan = scanOf(facts);
    if (!fw.known && scan) return judgeScanned(facts, scan);
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
        portFix(p, flavor),
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
      name: "scanned from the internet: SIP and AMI answer, the rest is silent",
      facts: (f) => {
        asPbx(f);
        asScanned(
          f,
          [
            [22, "no-answer"],
            [5038, "open"],
            [80, "closed"],
            [443, "closed"],
          ],
          "internet",
          [{ port: 5060, answered: true }],
        );
      },
      expect: ["pass", "fail", "fail", "pass", "pass"],
    },
    {
      name: "scanned from inside",
      facts: (f) => {
        asPbx(f);
        asScanned(f, [[5038, "open"]]);
      },
      expect: ["unknown"],
    },
    {
      name: "no saved ruleset",
      facts: (f) => asPbx(f),
      expect: ["unknown"],
    },
  ],
};
