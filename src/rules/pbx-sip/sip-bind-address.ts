import type { Facts } from "../../facts/model.js";
import type { SipTransport } from "../../facts/pbx.js";
import { asteriskFix } from "../../remediation/asterisk.js";
import { fail, notApplicable, pass } from "../outcome.js";
import type { Finding, Fix, Rule } from "../types.js";
import {
  at,
  LAN_ADDRESS,
  sipOf,
  transport,
  transportRef,
  transportSubject,
  withSip,
} from "./kit.js";

/** Addresses the operator may bind to: the LAN side's static addresses, when the input tells. */
function candidates(facts: Facts): string[] {
  if (!facts.network.known) return [];
  return facts.network.value.interfaces
    .filter((i) => i.role === "lan" && i.enabled)
    .flatMap((i) => i.addresses.map((a) => a.replace(/\/\d+$/, "")));
}

function hostPort(address: string, port: number): string {
  return `${address}:${port}`;
}

/** The exact option that moves a listener to `address`, per driver. */
export function bindFix(t: SipTransport, address: string, port: number, summary: string): Fix {
  const ref = transportRef(t);
  if (t.driver === "pjsip") {
    const fix = asteriskFix(summary, [{ ref, set: [["bind", hostPort(address, port)]] }]);
    // res_pjsip does not rebind a running transport on reload.
    if (fix.commands)
      fix.commands.lines = fix.commands.lines.map((l) =>
        l.startsWith("; then: asterisk -rx 'pjsip reload'")
          ? "; then restart (a transport's bind is not reloadable): asterisk -rx 'core restart gracefully'"
          : l,
      );
    return fix;
  }
  if (t.driver === "chan_sip") {
    const key =
      t.protocol === "udp" ? "udpbindaddr" : t.protocol === "tcp" ? "tcpbindaddr" : "tlsbindaddr";
    // bindport overrides the port of the UDP address (chan_sip warns and uses bindport).
    const bindport = t.at.some((o) => o.kind === "config" && o.excerpt?.startsWith("bindport"));
    return asteriskFix(summary, [
      {
        ref,
        set: [[key, hostPort(address, port)]],
        ...(t.protocol === "udp" && bindport ? { remove: ["bindport"] } : {}),
      },
    ]);
  }
  return asteriskFix(summary, [{ ref, set: [["bindaddr", hostPort(address, port)]] }]);
}

export const sipBindAddress: Rule = {
  meta: {
    id: "sip-bind-address",
    title: "SIP and IAX2 listen only on the addresses phones and trunks use, not on 0.0.0.0",
    severity: "medium",
    guidelines: ["VPX-03", "WAZ-07"],
    modes: ["config"],
    appliesTo: ["pbx"],
    rationale:
      "A listener on 0.0.0.0 or :: answers on every interface, the internet-facing one included, and every SIP scanner finds it. Binding to the LAN/VoIP address limits who can even try to register. VitalPBX recommends a bind address; Wazo asks to review every service on 0.0.0.0.",
    remediation:
      "Bind each transport to the address of the interface phones and trunks reach (a VoIP VLAN address, or the LAN address behind NAT).",
  },
  check(facts) {
    const sip = sipOf(facts, "where SIP/IAX2 listen");
    if (Array.isArray(sip)) return sip;
    if (sip.transports.length === 0)
      return [notApplicable("no SIP or IAX2 listener is configured", facts.pbx.sip.at)];
    const lan = candidates(facts);
    return sip.transports.map((t): Finding => {
      const subject = transportSubject(t);
      const where = `${t.bindAddress}:${t.port}/${t.protocol}`;
      if (t.bind !== "any") return pass(`${subject} listens on ${where} only`, t.at, { subject });
      const target = lan[0] ?? LAN_ADDRESS;
      const hint = lan.length
        ? ` (LAN address${lan.length > 1 ? "es" : ""}: ${lan.join(", ")})`
        : "";
      return fail(
        `${subject} listens on ${where}, every interface${hint}`,
        t.at,
        t.protocol === "ws" || t.protocol === "wss"
          ? {
              summary:
                "A websocket transport listens where Asterisk's HTTP server does: set bindaddr (or tlsbindaddr) in http.conf [general] to the LAN address.",
            }
          : bindFix(t, target, t.port, "Bind it to the address phones and trunks use:"),
        { subject },
      );
    });
  },
  cases: [
    {
      name: "pjsip transport on 0.0.0.0",
      facts: (f) => withSip(f, { transports: [transport({ name: "transport-udp" })] }),
      expect: ["fail"],
    },
    {
      name: "IPv6 wildcard",
      facts: (f) =>
        withSip(f, { transports: [transport({ name: "transport-udp6", bindAddress: "[::]" })] }),
      expect: ["fail"],
    },
    {
      name: "bound to the VoIP VLAN address",
      facts: (f) =>
        withSip(f, {
          transports: [
            transport({
              name: "transport-udp",
              bindAddress: "10.20.0.5",
              bind: "specific",
              at: [at("bind = 10.20.0.5")],
            }),
          ],
        }),
      expect: ["pass"],
    },
    {
      name: "chan_sip UDP and IAX2 on all interfaces",
      facts: (f) =>
        withSip(f, {
          transports: [
            transport({ name: "udp", driver: "chan_sip" }),
            transport({ name: "iax2", driver: "iax2", port: 4569 }),
          ],
        }),
      expect: ["fail", "fail"],
    },
    {
      name: "nothing listens",
      facts: (f) => withSip(f, { transports: [], drivers: ["pjsip"] }),
      expect: ["not_applicable"],
    },
    {
      name: "loopback only (behind an SBC on the same host)",
      facts: (f) =>
        withSip(f, {
          transports: [transport({ name: "t", bindAddress: "127.0.0.1", bind: "loopback" })],
        }),
      expect: ["pass"],
    },
  ],
};
