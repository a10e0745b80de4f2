import type { Facts, PortRange, ScanCoverage, Service } from "../../facts/model.js";
import type { SipTransport } from "../../facts/pbx.js";
import { known } from "../../facts/value.js";
import { fail, notApplicable, pass, undecided } from "../outcome.js";
import {
  answeredOn,
  asScanned,
  probeAt,
  probedService,
  probedTcp,
  scanEvidence,
  scannedIax2Service,
  scannedService,
  scanOf,
} from "../probe-kit.js";
import type { Finding, Rule } from "../types.js";
import { asPbx, policy, sipOf, transport, transportSubject, withSip } from "./kit.js";
import { bindFix } from "./sip-bind-address.js";

/** The ports every SIP scanner probes first. */
function isDefault(t: SipTransport): boolean {
  if (t.driver === "iax2") return t.port === 4569;
  return t.port === 5060 || t.port === 5061;
}

/**
 * A SIP service a scan found: the SIP probes see the port it answers on, not the transport
 * configured behind it, so the fix is in general PBX terms.
 */
function judgeScanned(s: Service): Finding {
  const subject = s.label;
  const ports = s.ports.known ? s.ports.value : [];
  const dflt = ports.find((p) => p.from <= 5061 && p.to >= 5060);
  if (!dflt) return pass(`${s.label} answers on ${answeredOn(s)}`, s.ports.at, { subject });
  return fail(
    `${s.label} answers on the default port ${dflt.from}/${dflt.transport}, the first one SIP scanners try`,
    s.ports.at,
    {
      summary: `Move SIP to an unused port (any will do): Asterisk pjsip.conf, the transport's bind = 0.0.0.0:${dflt.transport === "tls" ? 35061 : 35060} (FreePBX: Settings > Asterisk SIP Settings); Kamailio/OpenSIPS: the listen/socket line; an intercom: its SIP settings page. Then update phones, trunks, provisioning templates and the firewall.`,
    },
    { subject },
  );
}

/**
 * IAX2 a scan found answering a POKE: on 4569 (the port IAX2 scanners sweep) a failure, elsewhere
 * a pass. A port-unreachable or silent 4569/udp is not judged here: nothing answered on it.
 */
function judgeScannedIax2(s: Service): Finding {
  const subject = s.label;
  const ports = s.ports.known ? s.ports.value : [];
  if (!ports.some((p) => p.from <= 4569 && p.to >= 4569))
    return pass(`${s.label} answers on ${answeredOn(s)}`, s.enabled.at, { subject });
  return fail(
    `${s.label} answers a POKE on the default port 4569/udp, the first one IAX2 scanners try`,
    s.enabled.at,
    {
      summary:
        "Move IAX2 to an unused port (any will do): Asterisk iax.conf [general] bindport = 34569 (or disable chan_iax2 if nothing uses it). Then update the IAX2 peers, trunks and the firewall.",
    },
    { subject },
  );
}

/** IAX2 services a POKE found answering. */
function answeringIax2(facts: Facts): Service[] {
  return facts.services.filter(
    (s) => s.kind === "iax2" && probedService(s) && s.enabled.known && s.enabled.value,
  );
}

/** A scan where nothing answered in SIP: silent default ports pass, unprobed ones decide nothing. */
function noSipAnswered(facts: Facts, scan: ScanCoverage): Finding {
  const at = scanEvidence(facts);
  const asked = [
    ...scan.udp.filter((u) => u.port === 5060).map(() => "5060/udp"),
    ...probedTcp(scan, [5060, 5061]).map((t) => `${t.port}/tcp`),
  ];
  if (asked.length === 0)
    return undecided("the scan asked none of the default SIP ports (5060, 5061)", at);
  return pass(`nothing answered in SIP on the default ports (${asked.join(", ")})`, at);
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
    modes: ["config", "probe"],
    appliesTo: ["pbx"],
    rationale:
      "Internet-wide SIP scanners sweep 5060/5061 (and IAX2's 4569) all day; a PBX on another port receives a small fraction of their registration attempts. It hides nothing from a determined attacker, which is why it is low severity, but it cuts the noise that buries real attacks. VitalPBX recommends changing the PJSIP and IAX2 ports.",
    remediation:
      "Move each listener to an unused port and update phones, provisioning templates, trunk settings and the firewall rules with it.",
  },
  check(facts) {
    const scan = scanOf(facts);
    const iax2 = answeringIax2(facts).map(judgeScannedIax2);
    if (scan && !facts.pbx.sip.known) return [noSipAnswered(facts, scan), ...iax2];
    const sip = sipOf(facts, "the SIP/IAX2 ports");
    if (Array.isArray(sip)) return sip;
    // Websocket transports use the HTTP server's port: not a SIP default.
    const listeners = sip.transports.filter((t) => t.protocol !== "ws" && t.protocol !== "wss");
    if (listeners.length === 0) {
      // A scan knows no transport configuration, only the ports that answered in SIP.
      const scanned = facts.services.filter((s) => s.kind === "sip" && probedService(s));
      if (scanned.length > 0 || iax2.length > 0) return [...scanned.map(judgeScanned), ...iax2];
      return [notApplicable("no SIP or IAX2 listener is configured", facts.pbx.sip.at)];
    }
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
      name: "scanned: SIP answers on 5060/udp",
      facts: (f) => scannedSip(f, 5060),
      expect: ["fail"],
    },
    {
      name: "scanned: SIP answers on 5080/udp only",
      facts: (f) => scannedSip(f, 5080),
      expect: ["pass"],
    },
    {
      name: "scanned: nothing answered SIP on 5060/udp and 5061/tcp",
      facts: (f) => {
        asPbx(f);
        asScanned(f, [[5061, "closed"]], "local", [{ port: 5060, answered: false }]);
      },
      expect: ["pass"],
    },
    {
      name: "scanned: nothing answered SIP, IAX2 answers a POKE on 4569/udp",
      facts: (f) => {
        asPbx(f);
        asScanned(f, [], "local", [
          { port: 5060, answered: false },
          { port: 4569, answered: true },
        ]);
        f.services.push(scannedIax2(4569));
      },
      expect: ["pass", "fail"],
    },
    {
      name: "scanned: IAX2 answers on 34569/udp only",
      facts: (f) => {
        asPbx(f);
        asScanned(f, [], "local", [{ port: 34569, answered: true }]);
        f.services.push(scannedIax2(34569));
      },
      expect: ["unknown", "pass"],
    },
    {
      name: "no listener",
      facts: (f) => withSip(f, { transports: [], drivers: [] }),
      expect: ["not_applicable"],
    },
  ],
};

/** facts.pbx.sip and the SIP service as a scan writes them when OPTIONS was answered. */
function scannedSip(f: Parameters<Rule["check"]>[0], port: number): void {
  asPbx(f);
  asScanned(f, [], "local", [{ port, answered: true }]);
  const seen = probeAt(port, "SIP/2.0 200 OK; Asterisk PBX 18.20.0", "sip-options", "udp");
  f.pbx.sip = known({ drivers: [], transports: [], endpoints: [], policy: policy() }, seen);
  const ports: PortRange[] = [{ from: port, to: port, transport: "udp" }];
  f.services.push(
    scannedService({
      kind: "sip",
      port,
      admin: false,
      label: `SIP on ${port}/udp`,
      enabled: known(true, seen),
      ports: known(ports, seen),
    }),
  );
}

/** The IAX2 service a scan writes when a POKE got a PONG. */
function scannedIax2(port: number): Service {
  const seen = probeAt(
    port,
    "IAX2 POKE (full frame, RFC 5456) answered with PONG",
    "iax2-poke",
    "udp",
  );
  return scannedIax2Service(port, known(true, seen), seen);
}
