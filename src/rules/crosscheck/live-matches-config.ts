/**
 * The device that answers on the network is the device the configuration describes. A service
 * the configuration switches off (or closes to the internet) that answers anyway is worse than
 * either audit alone can tell: the backup is stale, or something runs outside the configuration.
 */
import type { Facts, ServiceDrift } from "../../facts/model.js";
import { known } from "../../facts/value.js";
import { at, service, tcp } from "../case-kit.js";
import { fail, notApplicable, pass, unknownFrom } from "../outcome.js";
import type { Finding, Fix, Rule, Severity } from "../types.js";

const SEVERITY: Record<ServiceDrift["kind"], (d: ServiceDrift) => Severity> = {
  "answers-but-closed-to-wan": (d) => (d.admin ? "critical" : "high"),
  "answers-but-disabled": (d) => (d.admin ? "high" : "medium"),
  "answers-unexplained": (d) => (d.admin ? "medium" : "low"),
  "configured-but-silent": () => "low",
};

function message(d: ServiceDrift, address: string): string {
  const where = `${address}:${d.port}/${d.transport}`;
  switch (d.kind) {
    case "answers-but-disabled":
      return `${d.service} answers on ${where}, but the configuration switches it off`;
    case "answers-but-closed-to-wan":
      return `${d.service} answers from the internet on ${where}, but the configuration's firewall closes it to the WAN`;
    case "answers-unexplained":
      return `${d.service} answers on ${where}, and no configuration Bulwark read describes a service on that port`;
    case "configured-but-silent":
      return `the configuration runs ${d.service} on ${d.port}/${d.transport}, but ${where} did not answer`;
  }
}

function fixFor(d: ServiceDrift): Fix {
  switch (d.kind) {
    case "answers-but-disabled":
      return {
        summary: `Find out what serves ${d.port}/${d.transport} on the device (e.g. \`netstat -tulpn | grep :${d.port}\` on the device), stop it, and take a fresh configuration backup: the running device is not the one this backup describes.`,
      };
    case "answers-but-closed-to-wan":
      return {
        summary: `Check the firewall that is really loaded on the device (\`fw4 print\` / \`iptables-save\`), any port forward or upstream NAT that exposes ${d.port}/${d.transport}, and reload the configured firewall (\`/etc/init.d/firewall restart\`); then scan again from outside.`,
      };
    case "answers-unexplained":
      return {
        summary: `Identify the program listening on ${d.port}/${d.transport} (\`netstat -tulpn\` on the device); remove it if it is not needed, or add its configuration to what is audited.`,
      };
    case "configured-but-silent":
      return {
        summary: `Check whether the service is running (\`/etc/init.d/<service> status\`) and whether the configuration backup is current; a firewall between the scanner and the device can also explain it.`,
      };
  }
}

function check(facts: Facts): Finding[] {
  const live = facts.live;
  if (!live)
    return [
      notApplicable(
        "no live scan to compare with (audit PATH --host ADDRESS cross-checks a live device)",
      ),
    ];
  if (!live.known) return [unknownFrom(live, "Whether the live device matches its configuration")];
  const { address, drift, agreed, probed } = live.value;
  if (drift.length === 0)
    return [
      pass(
        `the ${probed.length} ports probed on ${address} agree with the configuration (${agreed} answering as configured)`,
        live.at,
      ),
    ];
  return drift.map((d) =>
    fail(message(d, address), [...d.config, ...d.probe], fixFor(d), {
      subject: `${d.port}/${d.transport}`,
      severity: SEVERITY[d.kind](d),
    }),
  );
}

const probeAt = (port: number, excerpt: string) => ({
  kind: "probe" as const,
  probe: "tcp-connect",
  address: "192.0.2.1",
  port,
  transport: "tcp" as const,
  time: "2026-11-21T10:00:00.000Z",
  excerpt,
});

function withComparison(f: Facts, drift: ServiceDrift[], agreed = 1): void {
  f.device.class = known("router", at("router"));
  f.live = known(
    { address: "192.0.2.1", vantage: "local", probed: ["22/tcp", "23/tcp"], agreed, drift },
    probeAt(0, "2 TCP ports"),
  );
}

export const liveMatchesConfig: Rule = {
  meta: {
    id: "live-matches-config",
    title: "The live device runs only what its configuration says",
    severity: "high",
    guidelines: ["TEL-05", "TEL-09", "WAZ-07", "VPX-05"],
    modes: ["config", "probe"],
    appliesTo: ["router", "pbx", "intercom", "linux-host"],
    rationale:
      "An audit of a configuration backup is only as good as the backup: a service switched off in the file but running on the device, or a port the firewall configuration closes but the internet reaches, is invisible to either check alone. Cross-checking the two catches stale backups, services started by hand, and firewalls that are not what their configuration says.",
    remediation:
      "Make the running device match its configuration (stop what should not run, reload the firewall), then take a fresh backup and audit it again with --host.",
  },
  check,
  cases: [
    {
      name: "no live scan: nothing to compare",
      facts: (f) => {
        f.device.class = known("router", at("router"));
      },
      expect: ["not_applicable"],
    },
    {
      name: "every probed port agrees",
      facts: (f) => withComparison(f, [], 2),
      expect: ["pass"],
    },
    {
      name: "telnet answers though the configuration switches it off",
      facts: (f) => {
        const telnet = service({
          id: "telnet",
          kind: "telnet",
          enabled: known(false, at("option enabled '0'", 3)),
          ports: known([tcp(23)], at("option port '23'", 4)),
        });
        withComparison(f, [
          {
            kind: "answers-but-disabled",
            port: 23,
            transport: "tcp",
            service: "Telnet",
            admin: true,
            config: [...telnet.enabled.at],
            probe: [probeAt(23, "\\xff\\xfd\\x18")],
          },
        ]);
      },
      expect: ["fail"],
    },
    {
      name: "a port no configuration explains, and a configured service that is silent",
      facts: (f) =>
        withComparison(f, [
          {
            kind: "answers-unexplained",
            port: 8080,
            transport: "tcp",
            service: "TCP service",
            admin: false,
            config: [],
            probe: [probeAt(8080, "connection accepted")],
          },
          {
            kind: "configured-but-silent",
            port: 22,
            transport: "tcp",
            service: "SSH (dropbear)",
            admin: true,
            config: [at("option Port '22'")],
            probe: [probeAt(22, "closed")],
          },
        ]),
      expect: ["fail", "fail"],
    },
    {
      name: "comparison could not be made",
      facts: (f) => {
        f.device.class = known("router", at("router"));
        f.live = { known: false, reason: "the host did not resolve", at: [] };
      },
      expect: ["unknown"],
    },
  ],
};
