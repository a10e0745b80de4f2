import type { AsteriskRef, Facts, Service } from "../../facts/model.js";
import type { SipTransport } from "../../facts/pbx.js";
import { known, unknown } from "../../facts/value.js";
import { asteriskFix } from "../../remediation/asterisk.js";
import { fail, pass, undecided } from "../outcome.js";
import {
  answeredOn,
  asScanned,
  probeAt,
  probedService,
  scanEvidence,
  scannedIax2Service,
  scanOf,
} from "../probe-kit.js";
import type { Finding, Rule } from "../types.js";
import { asPbx, endpoint, policy, sipOf, transport, transportRef, withSip } from "./kit.js";

/** modules.conf beside the file that configured the listener. */
function modulesRef(t: SipTransport | undefined): AsteriskRef {
  const file = t ? transportRef(t).file : "etc/asterisk/iax.conf";
  return {
    language: "asterisk",
    file: file.replace(/[^/!]*$/, "modules.conf"),
    section: "modules",
  };
}

/** What a scan that did not poke IAX2 leaves open. */
const NOT_POKED =
  "the scan did not poke IAX2 (4569/udp), and whether IAX2 is in use is only in the configuration (iax.conf, modules.conf)";

/** IAX2 services a scan described (a POKE asked them), not ones a configuration declared. */
function scannedIax2(facts: Facts): Service[] {
  return facts.services.filter((s) => s.kind === "iax2" && probedService(s));
}

/**
 * What a POKE tells: an answer proves chan_iax2 is loaded, not whether a trunk needs it. Most PBXs
 * use no IAX2 at all, so an answer is reported (a finding to confirm or dismiss), with the fix for
 * the common case; a port-unreachable proves it off; silence decides nothing.
 */
function judgeScanned(s: Service, vantage: "internet" | "local"): Finding {
  const subject = s.label;
  if (!s.enabled.known) return undecided(s.enabled.reason, s.enabled.at, { subject });
  if (!s.enabled.value)
    return pass(`IAX2 is not listening on ${answeredOn(s)} (ICMP port unreachable)`, s.enabled.at, {
      subject,
    });
  const fix = asteriskFix(
    "If no IAX2 trunk or user needs it, stop loading chan_iax2, then unload it (or restart Asterisk); if one does, allow 4569/udp only from its peers:",
    [{ ref: modulesRef(undefined), set: [["noload", "chan_iax2.so"]] }],
  );
  fix.commands?.lines.push("; then: asterisk -rx 'module unload chan_iax2.so'");
  return fail(
    `IAX2 answers a POKE on ${answeredOn(s)}${vantage === "internet" ? " from the internet" : ""}: chan_iax2 is loaded; a scan cannot see whether an IAX2 trunk uses it, so if none does, disable it`,
    s.enabled.at,
    fix,
    { subject },
  );
}

export const iax2DisabledIfUnused: Rule = {
  meta: {
    id: "iax2-disabled-if-unused",
    title: "IAX2 is not listening when no IAX2 user or trunk needs it",
    severity: "medium",
    guidelines: ["VPX-05"],
    modes: ["config", "probe"],
    appliesTo: ["pbx"],
    rationale:
      "chan_iax2 listens on UDP 4569 as soon as it loads, and most PBXs never use it. An unused listener is attack surface for nothing (IAX2 scanners and amplification): VitalPBX asks to disable the ports of services that are not used, IAX2 first.",
    remediation:
      "Stop loading chan_iax2 (noload in modules.conf) and close 4569/udp on the firewall.",
  },
  check(facts) {
    const scan = scanOf(facts);
    const poked = scannedIax2(facts);
    if (poked.length > 0) return poked.map((s) => judgeScanned(s, scan?.vantage ?? "local"));
    if (scan && !facts.pbx.sip.known) return [undecided(NOT_POKED, scanEvidence(facts))];
    const sip = sipOf(facts, "whether IAX2 is in use");
    if (Array.isArray(sip)) return sip;
    // SIP facts from a scan list no driver: that says nothing about chan_iax2.
    const at = facts.pbx.sip.at;
    if (at.length > 0 && at.every((o) => o.kind === "probe")) return [undecided(NOT_POKED, at)];
    const listeners = sip.transports.filter((t) => t.driver === "iax2");
    if (!sip.drivers.includes("iax2") || listeners.length === 0) {
      const ev = facts.pbx.sip.at.filter(
        (o) =>
          o.kind === "config" &&
          (o.file.includes("iax.conf") || (o.excerpt ?? "").includes("chan_iax2")),
      );
      return [pass("IAX2 is not listening: no iax.conf, or chan_iax2 is not loaded", ev)];
    }
    const used = sip.endpoints.filter(
      (e) => e.driver === "iax2" && (e.role === "extension" || e.role === "trunk"),
    );
    const where = listeners.map((t) => `${t.bindAddress}:${t.port}/udp`).join(", ");
    if (used.length > 0)
      return [
        pass(`IAX2 listens on ${where} for ${used.map((e) => `'${e.name}'`).join(", ")}`, [
          ...listeners.flatMap((t) => t.at),
          ...used.flatMap((e) => e.at.slice(0, 1)),
        ]),
      ];
    const guests = sip.endpoints.filter((e) => e.driver === "iax2" && e.role === "guest");
    const fix = asteriskFix("Stop loading chan_iax2, then unload it (or restart Asterisk):", [
      { ref: modulesRef(listeners[0]), set: [["noload", "chan_iax2.so"]] },
    ]);
    fix.commands?.lines.push("; then: asterisk -rx 'module unload chan_iax2.so'");
    return [
      fail(
        `IAX2 listens on ${where} but defines no authenticated user, peer or trunk${guests.length ? ` (only the unauthenticated ${guests.map((e) => `[${e.name}]`).join(", ")})` : ""}`,
        [...listeners.flatMap((t) => t.at), ...guests.flatMap((e) => e.at.slice(0, 1))],
        fix,
      ),
    ];
  },
  cases: [
    {
      name: "iax.conf.sample as shipped: listener and only the guest user",
      facts: (f) =>
        withSip(f, {
          transports: [
            transport({
              name: "iax2",
              driver: "iax2",
              port: 4569,
              cfg: { language: "asterisk", file: "case/etc/asterisk/iax.conf", section: "general" },
            }),
          ],
          endpoints: [endpoint({ name: "guest", driver: "iax2", role: "guest" })],
        }),
      expect: ["fail"],
    },
    {
      name: "IAX2 trunk to a branch office",
      facts: (f) =>
        withSip(f, {
          transports: [transport({ name: "iax2", driver: "iax2", port: 4569 })],
          endpoints: [endpoint({ name: "branch", driver: "iax2", role: "trunk" })],
        }),
      expect: ["pass"],
    },
    {
      name: "scanned: SIP answered, IAX2 not asked",
      facts: (f) => {
        f.pbx.sip = known(
          { drivers: [], transports: [], endpoints: [], policy: policy() },
          probeAt(5060, "SIP/2.0 200 OK", "sip-options", "udp"),
        );
      },
      expect: ["unknown"],
    },
    {
      name: "scanned: IAX2 answers a POKE on 4569/udp from the internet",
      facts: (f) => scannedIax2Case(f, "PONG", "internet"),
      expect: ["fail"],
    },
    {
      name: "scanned: 4569/udp port unreachable",
      facts: (f) => scannedIax2Case(f, "closed"),
      expect: ["pass"],
    },
    {
      name: "scanned: no answer to the POKE",
      facts: (f) => scannedIax2Case(f, "silent"),
      expect: ["unknown"],
    },
    {
      name: "no iax.conf",
      facts: (f) =>
        withSip(f, {
          transports: [transport({ name: "transport-udp" })],
          drivers: ["pjsip"],
        }),
      expect: ["pass"],
    },
  ],
};

/** An IAX2 service as a scan writes it after a POKE on 4569/udp. */
function scannedIax2Case(
  f: Facts,
  outcome: "PONG" | "closed" | "silent",
  vantage: "internet" | "local" = "local",
): void {
  asPbx(f);
  asScanned(f, [], vantage, [{ port: 4569, answered: outcome === "PONG" }]);
  const o = probeAt(
    4569,
    outcome === "PONG"
      ? "IAX2 POKE (full frame, RFC 5456) answered with PONG from call 1"
      : outcome === "closed"
        ? "IAX2 POKE (full frame, RFC 5456): ICMP port unreachable, nothing listens on 4569/udp"
        : "IAX2 POKE (full frame, RFC 5456): no answer to a POKE (sent 2 time(s))",
    "iax2-poke",
    "udp",
  );
  const enabled =
    outcome === "silent"
      ? unknown("no answer to an IAX2 POKE on 4569/udp: IAX2 off, or filtered", o)
      : known(outcome === "PONG", o);
  f.services.push(scannedIax2Service(4569, enabled, o, vantage));
}
