import type { Service } from "../../facts/model.js";
import { known, type Origin, type ProbeOrigin, unknown } from "../../facts/value.js";
import { uciFix } from "../../remediation/uci.js";
import { asRouter, at, service } from "../case-kit.js";
import { decideBySockets } from "../listening-kit.js";
import { fail, pass, undecided, unknownFrom } from "../outcome.js";
import type { Finding, Rule } from "../types.js";

/** Seen by a scan: no configuration line behind it. */
function probed(origins: readonly Origin[]): boolean {
  return origins.length > 0 && origins.every((o) => o.kind === "probe");
}

function judge(snmp: Service, extra: { subject?: string }): Finding {
  if (!snmp.enabled.known) return unknownFrom(snmp.enabled, "Whether SNMP runs", extra);
  const dflt = snmp.auth.defaultCredential;
  if (!snmp.enabled.value) {
    if (probed(snmp.enabled.at))
      return pass(
        "no SNMP agent listens: the port answered with ICMP port unreachable",
        snmp.enabled.at,
        extra,
      );
    return pass(
      `SNMP is disabled${dflt?.known && dflt.value ? " (its configuration still holds the default communities: change them before enabling it)" : ""}`,
      snmp.enabled.at,
      extra,
    );
  }
  if (!dflt?.known)
    return dflt
      ? unknownFrom(dflt, "Which SNMP communities work", extra)
      : undecided("cannot tell which SNMP communities are configured", snmp.enabled.at, extra);
  if (!dflt.value)
    return pass(
      "SNMP is on without the factory-default communities",
      [...snmp.enabled.at, ...dflt.at],
      extra,
    );
  if (probed(dflt.at))
    return fail(
      "the SNMP agent answers a factory-default community (public/private): anyone who reaches it reads the device's configuration, and 'private' often writes it",
      dflt.at,
      {
        summary:
          "Disable SNMP if nothing polls it; otherwise remove the public/private communities and use SNMPv3 users with authentication and privacy (RutOS/OpenWrt: Services > SNMP; net-snmp: delete the rocommunity/rwcommunity public and private lines from snmpd.conf and add createUser/rouser), and keep 161/udp closed to the WAN.",
      },
      extra,
    );
  return fail(
    "SNMP is on and answers the factory-default community names (public/private)",
    [...snmp.enabled.at, ...dflt.at],
    uciFix(
      "Disable SNMP (or replace the communities by SNMPv3 users in Services > SNMP):",
      snmp.cfg ? [{ op: "set", ref: snmp.cfg, option: "enabled", value: "0" }] : [],
    ),
    extra,
  );
}

export const snmpDefaultCommunity: Rule = {
  meta: {
    id: "snmp-default-community",
    title: "SNMP is off, or uses no factory-default community (public/private)",
    severity: "high",
    guidelines: ["TEL-02", "TEL-05"],
    modes: ["config", "probe"],
    appliesTo: ["router", "intercom", "pbx"],
    rationale:
      "SNMP v1/v2c communities are clear-text passwords; 'public' and 'private' are the first ones tried, and 'private' usually allows writes.",
    remediation: "Disable SNMP, or use SNMPv3 users and remove the public/private communities.",
  },
  check(facts) {
    const agents = facts.services.filter((s) => s.kind === "snmp");
    if (agents.length === 0) {
      return [
        decideBySockets(facts, {
          label: "an SNMP agent",
          port: 161,
          transport: "udp",
          uciFile: "etc/config/snmpd",
          // A listening agent whose communities we cannot read is undecided, not a failure.
          whenListening: { unknown: "its communities are not in the input" },
        }),
      ];
    }
    // A configuration describes one agent; a scan, one per UDP port it asked.
    return agents.map((snmp) => judge(snmp, agents.length > 1 ? { subject: snmp.label } : {}));
  },
  cases: [
    {
      name: "scanned: community public answered",
      facts: (f) => {
        asRouter(f);
        const o = snmpGetAt(
          'GetRequest with community "public" answered (v2c, v1): sysDescr "Linux gw"',
        );
        f.services.push(
          service({
            id: "snmp-161-udp",
            kind: "snmp",
            enabled: known(true, o),
            auth: { defaultCredential: known(true, o) },
          }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "scanned: ICMP port unreachable on 161/udp",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({
            id: "snmp-161-udp",
            kind: "snmp",
            enabled: known(false, snmpGetAt("ICMP port unreachable, nothing listens on 161/udp")),
          }),
        );
      },
      expect: ["pass"],
    },
    {
      name: "scanned: no answer to public or private",
      facts: (f) => {
        asRouter(f);
        const o = snmpGetAt("no-answer");
        const why =
          "no answer to the default communities: SNMP closed, filtered, or using another community";
        f.services.push(
          service({
            id: "snmp-161-udp",
            kind: "snmp",
            enabled: unknown(why, o),
            auth: { defaultCredential: unknown(why, o) },
          }),
        );
      },
      expect: ["unknown"],
    },
    {
      name: "linux host, no agent",
      facts: (f) => {
        f.device.class = known("linux-host", at("host"));
        f.listening = known([], at("ss -tulpn"));
      },
      expect: ["pass"],
    },
    {
      name: "linux host, agent without its config",
      facts: (f) => {
        f.device.class = known("linux-host", at("host"));
        f.listening = known(
          [{ transport: "udp", address: "0.0.0.0", port: 161, scope: "any", at: [at("ss")] }],
          at("ss -tulpn"),
        );
      },
      expect: ["unknown"],
    },
    {
      name: "enabled with public",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({
            id: "snmp",
            kind: "snmp",
            auth: { defaultCredential: known(true, at("community public")) },
          }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "disabled",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({
            id: "snmp",
            kind: "snmp",
            enabled: known(false, at("enabled 0")),
            auth: { defaultCredential: known(true, at("public")) },
          }),
        );
      },
      expect: ["pass"],
    },
    {
      name: "custom community",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({
            id: "snmp",
            kind: "snmp",
            auth: { defaultCredential: known(false, at("community x")) },
          }),
        );
      },
      expect: ["pass"],
    },
  ],
};

function snmpGetAt(excerpt: string): ProbeOrigin {
  return {
    kind: "probe",
    probe: "snmp-get",
    address: "192.0.2.1",
    port: 161,
    transport: "udp",
    time: "2026-11-21T00:00:00Z",
    excerpt,
  };
}
