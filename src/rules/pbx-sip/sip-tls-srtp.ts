import type { AsteriskRef } from "../../facts/model.js";
import type { SipFacts, SipTransport } from "../../facts/pbx.js";
import { asteriskFix } from "../../remediation/asterisk.js";
import { fail, notApplicable, pass, undecided } from "../outcome.js";
import type { Finding, Fix, Rule } from "../types.js";
import {
  endpoint,
  endpointSubject,
  LAN_ADDRESS,
  refOf,
  sipOf,
  sipTransports,
  transport,
  transportRef,
  withSip,
} from "./kit.js";

const SECURE = new Set<SipTransport["protocol"]>(["tls", "wss"]);

function addTlsFix(sip: SipFacts, plain: SipTransport[]): Fix {
  const first = plain[0];
  if (first?.driver === "chan_sip")
    return asteriskFix(
      "Enable the TLS listener (certificate and key for the PBX's name), then move phones to transport=tls:",
      [
        {
          ref: transportRef(first),
          set: [
            ["tlsenable", "yes"],
            ["tlsbindaddr", `${LAN_ADDRESS}:5061`],
            ["tlscertfile", "/etc/asterisk/keys/asterisk.pem"],
            ["tlscafile", "/etc/asterisk/keys/ca.crt"],
            ["tlsclientmethod", "tlsv1_2"],
          ],
        },
      ],
    );
  const any = first ?? sip.transports[0];
  const file = any ? transportRef(any).file : "etc/asterisk/pjsip.conf";
  const ref: AsteriskRef = { language: "asterisk", file, section: "transport-tls" };
  return asteriskFix(
    "Add a TLS transport (certificate and key for the PBX's name), then point the phones at it:",
    [
      {
        ref,
        set: [
          ["type", "transport"],
          ["protocol", "tls"],
          ["bind", `${LAN_ADDRESS}:5061`],
          ["cert_file", "/etc/asterisk/keys/asterisk.crt"],
          ["priv_key_file", "/etc/asterisk/keys/asterisk.key"],
          ["method", "tlsv1_2"],
        ],
      },
    ],
  );
}

export const sipTlsSrtp: Rule = {
  meta: {
    id: "sip-tls-srtp",
    title: "SIP signalling uses TLS and calls use SRTP",
    severity: "medium",
    guidelines: ["BAS-08"],
    modes: ["config"],
    appliesTo: ["pbx", "intercom"],
    rationale:
      "Over UDP or TCP, SIP carries the digest of every registration and the numbers dialled in clear, and RTP carries the voice: anyone on the path (a hotel Wi-Fi, a compromised switch) can record calls and crack the digests offline. BAS-IP asks for SIP over TLS; SRTP (media_encryption = sdes or dtls) protects the audio itself.",
    remediation:
      "Add a TLS transport, move phones and trunks that support it to it, and set media_encryption = sdes (or dtls for WebRTC) on their endpoints (chan_sip: tlsenable, transport=tls, encryption=yes).",
  },
  check(facts) {
    const sip = sipOf(facts, "SIP over TLS and SRTP");
    if (Array.isArray(sip)) return sip;
    const listeners = sipTransports(sip);
    if (listeners.length === 0)
      return [notApplicable("no SIP listener is configured", facts.pbx.sip.at)];
    const out: Finding[] = [];
    const secure = listeners.filter((t) => SECURE.has(t.protocol));
    const plain = listeners.filter((t) => !SECURE.has(t.protocol));
    const names = (ts: SipTransport[]) =>
      ts.map((t) => `${t.name} (${t.protocol}, ${t.bindAddress}:${t.port})`).join(", ");
    const subject = "SIP transports";
    if (secure.length === 0)
      out.push(
        fail(
          `SIP signalling is in clear only: ${names(plain)}; there is no TLS transport`,
          plain.flatMap((t) => t.at),
          addTlsFix(sip, plain),
          {
            subject,
          },
        ),
      );
    else if (plain.length > 0)
      out.push(
        fail(
          `TLS is offered (${names(secure)}) but phones may still use ${names(plain)} in clear`,
          listeners.flatMap((t) => t.at),
          {
            summary:
              "Once every phone uses TLS, remove (or bind to loopback) the UDP/TCP transports, keeping only what trunks need; restrict the rest by ACL.",
          },
          { subject, severity: "low" },
        ),
      );
    else
      out.push(
        pass(
          `SIP signalling uses TLS only: ${names(secure)}`,
          secure.flatMap((t) => t.at),
          { subject },
        ),
      );

    for (const e of sip.endpoints) {
      if (e.driver === "iax2" || e.role === "anonymous" || e.role === "guest") continue;
      const s = endpointSubject(e);
      if (e.mediaEncryption === "sdes" || e.mediaEncryption === "dtls")
        out.push(
          pass(
            `'${e.name}' encrypts its media (${e.mediaEncryption === "sdes" ? "SRTP, SDES keys" : "DTLS-SRTP"})`,
            e.at,
            { subject: s },
          ),
        );
      else if (e.mediaEncryption === "unknown")
        out.push(
          undecided(`the media encryption of '${e.name}' is not one Bulwark knows`, e.at, {
            subject: s,
          }),
        );
      else
        out.push(
          fail(
            `calls with '${e.name}' are carried as plain RTP: anyone on the path can record them`,
            e.at,
            asteriskFix(
              e.driver === "pjsip"
                ? "Require SRTP (keys exchanged over TLS) and use the TLS transport:"
                : "Require SRTP and TLS for this peer:",
              [
                {
                  ref: refOf(e),
                  set:
                    e.driver === "pjsip"
                      ? [
                          ["media_encryption", "sdes"],
                          ["transport", "transport-tls"],
                        ]
                      : [
                          ["encryption", "yes"],
                          ["transport", "tls"],
                        ],
                },
              ],
            ),
            { subject: s },
          ),
        );
    }
    return out;
  },
  cases: [
    {
      name: "UDP only, no SRTP (basic-pbx style)",
      facts: (f) => withSip(f, { endpoints: [endpoint({ name: "1101" })] }),
      expect: ["fail", "fail"],
    },
    {
      name: "TLS only and SDES-SRTP",
      facts: (f) =>
        withSip(f, {
          transports: [transport({ name: "transport-tls", protocol: "tls", port: 5061 })],
          endpoints: [
            endpoint({ name: "1101", mediaEncryption: "sdes", transports: ["transport-tls"] }),
          ],
        }),
      expect: ["pass", "pass"],
    },
    {
      name: "TLS beside UDP",
      facts: (f) =>
        withSip(f, {
          transports: [
            transport({ name: "transport-tls", protocol: "tls", port: 5061 }),
            transport({ name: "transport-udp" }),
          ],
        }),
      expect: ["fail"],
    },
    {
      name: "no SIP listener",
      facts: (f) => withSip(f, { transports: [], drivers: ["pjsip"] }),
      expect: ["not_applicable"],
    },
  ],
};
