import type { Facts } from "../../facts/model.js";
import type { SipEndpoint, SipFacts, SipPolicy } from "../../facts/pbx.js";
import { type Fact, known, unknown } from "../../facts/value.js";
import { asteriskFix } from "../../remediation/asterisk.js";
import { fail, notApplicable, pass, undecided, unknownFrom } from "../outcome.js";
import { asScanned, probeAt, scanEvidence, scanOf, seenByProbe } from "../probe-kit.js";
import type { Finding, Fix, Rule } from "../types.js";
import {
  endpoint,
  endpointSubject,
  identifyRefOf,
  NEW_DEVICE_ID,
  NEW_PASSWORD,
  PROVIDER_ADDRESSES,
  policy,
  refOf,
  sipOf,
  transport,
  transportRef,
  withSip,
} from "./kit.js";

const lands = (e: SipEndpoint | undefined) =>
  e?.context ? `; such calls land in context '${e.context}'` : "";

function openEndpointFix(e: SipEndpoint): Fix {
  const ref = refOf(e);
  if (e.driver === "pjsip") {
    if (e.role === "trunk") {
      const identify = identifyRefOf(e);
      return asteriskFix(
        "Identify the provider by its source address only, never by the From user name:",
        [
          { ref, set: [["identify_by", "ip"]] },
          identify
            ? { ref: identify, set: [["match", PROVIDER_ADDRESSES]] }
            : {
                ref: { ...ref, section: `${e.name}-identify` },
                set: [
                  ["type", "identify"],
                  ["endpoint", e.name],
                  ["match", PROVIDER_ADDRESSES],
                ],
              },
        ],
      );
    }
    const auth = `${e.name}-auth`;
    return asteriskFix("Require digest authentication: point the endpoint at a new auth object:", [
      { ref, set: [["auth", auth]] },
      {
        ref: { ...ref, section: auth },
        set: [
          ["type", "auth"],
          ["auth_type", "userpass"],
          ["username", NEW_DEVICE_ID],
          ["password", NEW_PASSWORD],
        ],
      },
    ]);
  }
  const noSecret = e.password.known && e.password.value.state === "empty";
  if (e.driver === "iax2")
    return asteriskFix(
      `Give [${e.name}] a secret, or delete the section if nobody should call in through it:`,
      [{ ref, set: [["secret", NEW_PASSWORD]] }],
    );
  if (noSecret)
    return asteriskFix("Require authentication: give the peer a secret (and the phone the same):", [
      { ref, set: [["secret", NEW_PASSWORD]] },
    ]);
  if (e.role === "trunk")
    return asteriskFix(
      "Match the provider by its address only: a type=peer is never matched by the From user name, so insecure=invite then applies to its host alone:",
      [{ ref, set: [["type", "peer"]] }],
    );
  return asteriskFix("Stop accepting unauthenticated INVITEs: remove insecure=invite:", [
    { ref, remove: ["insecure"] },
  ]);
}

/** How a yes/no fact is judged where yes is the risk: one finding, with the texts for each answer. */
interface FlagJudgement {
  subject: string;
  /** What cannot be decided while the fact is unknown. */
  what: string;
  /** The finding's message when the fact is false. */
  pass: string;
  /** The finding's message when the fact is true. */
  fail: string;
  fix: Fix;
}

/** Unknown stays undecided with its reason; false passes; true fails with the fix. */
function judgeFlag(fact: Fact<boolean>, j: FlagJudgement): Finding {
  const extra = { subject: j.subject };
  if (!fact.known) return unknownFrom(fact, j.what, extra);
  if (!fact.value) return pass(j.pass, fact.at, extra);
  return fail(j.fail, fact.at, j.fix, extra);
}

function policyFindings(sip: SipFacts): Finding[] {
  const out: Finding[] = [];
  const p = sip.policy;
  if (sip.drivers.includes("pjsip")) {
    const subject = "pjsip anonymous endpoint";
    const anon = sip.endpoints.find((e) => e.driver === "pjsip" && e.role === "anonymous");
    if (!p.anonymousEndpoint.known)
      out.push(unknownFrom(p.anonymousEndpoint, "the anonymous endpoint", { subject }));
    else if (!p.anonymousEndpoint.value)
      out.push(
        pass(
          "no pjsip endpoint named 'anonymous': requests from unknown sources are challenged",
          p.anonymousEndpoint.at,
          { subject },
        ),
      );
    else if (anon?.unauthenticated.known && !anon.unauthenticated.value)
      out.push(
        pass("the 'anonymous' endpoint requires authentication", anon.unauthenticated.at, {
          subject,
        }),
      );
    else
      out.push(
        fail(
          `an endpoint named 'anonymous' exists: calls from any source no other endpoint matches are accepted without authentication${lands(anon)}`,
          [...p.anonymousEndpoint.at, ...(anon?.at ?? [])],
          asteriskFix(
            "Delete the [anonymous] endpoint section (and any identify or aor for it), unless the PBX must take calls from anyone, then give it a context that reaches only local destinations:",
            anon ? [{ ref: refOf(anon) }] : [],
          ),
          { subject },
        ),
      );
  }
  if (sip.drivers.includes("chan_sip")) {
    const general = sip.transports.find((t) => t.driver === "chan_sip");
    const guest = sip.endpoints.find((e) => e.driver === "chan_sip" && e.role === "guest");
    const ref = guest ? refOf(guest) : general ? transportRef(general) : undefined;
    out.push(
      judgeFlag(p.allowGuest, {
        subject: "chan_sip allowguest",
        what: "chan_sip guest calls",
        pass: "allowguest = no: chan_sip rejects unauthenticated calls",
        fail: `chan_sip accepts calls from anyone (${p.allowGuest.at.some((o) => o.kind === "config" && o.implied) ? "allowguest is not set and defaults to yes" : "allowguest = yes"})${lands(guest)}`,
        fix: asteriskFix(
          "Reject calls from unknown callers:",
          ref ? [{ ref, set: [["allowguest", "no"]] }] : [],
        ),
      }),
      judgeFlag(p.autoCreatePeer, {
        subject: "chan_sip autocreatepeer",
        what: "chan_sip autocreatepeer",
        pass: "autocreatepeer is off: only configured peers may register",
        fail: "autocreatepeer is on: any device may register without authentication",
        fix: asteriskFix(
          "Turn off automatic peers:",
          ref ? [{ ref, set: [["autocreatepeer", "no"]] }] : [],
        ),
      }),
    );
  }
  return out;
}

/** Where the probes' evidence says which ports: "5060/udp, 5060/tcp". */
function probedPorts(f: Fact<boolean>): string {
  const ports = f.at.flatMap((o) => (o.kind === "probe" ? [`${o.port}/${o.transport}`] : []));
  return [...new Set(ports)].join(", ");
}

const REGISTER_FIX: Fix = {
  summary:
    "Challenge every REGISTER: on Asterisk, autocreatepeer = no (chan_sip) and an auth object on every pjsip endpoint; on Kamailio/OpenSIPS, www_authorize/auth_check before save() in the REGISTER route; on an intercom or phone system, require a password for every SIP account. Then scan again.",
};

const INVITE_FIX: Fix = {
  summary:
    "Challenge every call from an unknown source: on Asterisk, delete the pjsip 'anonymous' endpoint, set allowguest = no (chan_sip) and identify trunks by source address only; on Kamailio/OpenSIPS, proxy_authorize/auth_check INVITEs that do not come from a trunk's address before routing them. Then scan again with --sip-invite.",
};

/** A REGISTER without credentials for a random user, as the scan's probe saw it. */
function registerFinding(reg: Fact<boolean>): Finding {
  return judgeFlag(reg, {
    subject: "REGISTER without credentials",
    what: "whether REGISTER needs credentials",
    pass: `a REGISTER without credentials for a random user was challenged or refused on ${probedPorts(reg)}`,
    fail: `the SIP server accepted a REGISTER without credentials for a random user on ${probedPorts(reg)}: any device can register as any user and take its calls`,
    fix: REGISTER_FIX,
  });
}

/** The opt-in INVITE without credentials to a random extension, as the scan's probe saw it. */
function inviteFinding(inv: Fact<boolean>): Finding {
  return judgeFlag(inv, {
    subject: "INVITE without credentials",
    what: "whether calls need credentials",
    pass: `an INVITE without credentials to a random extension was challenged or refused on ${probedPorts(inv)}`,
    fail: `the SIP server took a call without credentials on ${probedPorts(inv)} (an INVITE to a random extension was answered or routed): anyone can call into its dial plan, and through a trunk run up toll fraud`,
    fix: INVITE_FIX,
  });
}

/**
 * What a scan's SIP probes saw: the server's configuration is not visible, so it is judged by
 * what it did with requests without credentials, on the ports they were tried on.
 */
function probeFindings(sip: SipFacts): Finding[] {
  const p = sip.policy;
  return [
    ...(p.registerWithoutAuth ? [registerFinding(p.registerWithoutAuth)] : []),
    inviteFinding(
      p.inviteWithoutAuth ??
        unknown(
          "no INVITE without credentials was sent (scan with --sip-invite)",
          ...p.anonymousEndpoint.at,
        ),
    ),
  ];
}

/** Case facts: a scan whose SIP probes got answers on 5060/udp, with these results. */
function scannedSip(
  f: Facts,
  probes: Pick<SipPolicy, "registerWithoutAuth" | "inviteWithoutAuth">,
): void {
  const seen = probeAt(5060, "SIP/2.0 200 OK; kamailio", "sip-options", "udp");
  const unseen = unknown("not observable from the network", seen);
  asScanned(f, [[5060, "open"]], "local", [{ port: 5060, answered: true }]);
  f.device.class = known("pbx", seen);
  f.pbx.sip = known(
    {
      drivers: [],
      transports: [],
      endpoints: [],
      policy: {
        allowGuest: unseen,
        autoCreatePeer: unseen,
        alwaysAuthReject: unseen,
        anonymousEndpoint: unseen,
        ...probes,
      },
    },
    seen,
  );
}

const registerAt = (status: string, verdict: string) =>
  probeAt(5060, `REGISTER 4821: SIP/2.0 ${status} (${verdict})`, "sip-register-noauth", "udp");
const inviteAt = (status: string, verdict: string) =>
  probeAt(5060, `INVITE 7310: SIP/2.0 ${status} (${verdict})`, "sip-invite-noauth", "udp");

export const sipNoAnonymousCalls: Rule = {
  meta: {
    id: "sip-no-anonymous-calls",
    title:
      "No anonymous or guest SIP/IAX2 access: every caller authenticates or is a known trunk address",
    severity: "high",
    guidelines: ["BAS-08", "VPX-06"],
    modes: ["config", "probe"],
    appliesTo: ["pbx", "intercom"],
    rationale:
      "An anonymous endpoint, chan_sip's allowguest (on by default), autocreatepeer, insecure=invite or a pjsip endpoint without auth that is identified by user name let anyone on the internet place calls into the dial plan; if that context can reach a trunk, it is toll fraud. BAS-IP asks for authenticated SIP accounts and no anonymous ones; VitalPBX for restrictive inbound contexts (the dial-plan rules check where those contexts lead). A scan judges what the server does with a REGISTER for a random user and, opt-in (--sip-invite), an INVITE to a random extension, both without credentials.",
    remediation:
      "Remove the anonymous endpoint, set allowguest = no and autocreatepeer = no, give every phone credentials, and identify trunks by their source address only (identify_by = ip; chan_sip type=peer with a fixed host).",
  },
  check(facts) {
    if (scanOf(facts) && !facts.pbx.sip.known)
      return [notApplicable("no SIP server answered the scan", scanEvidence(facts))];
    const sip = sipOf(facts, "anonymous SIP/IAX2 access");
    if (Array.isArray(sip)) return sip;
    // A scan sees what the server did, not its drivers: judge the probes' answers.
    if (sip.drivers.length === 0 && seenByProbe(facts.pbx.sip)) return probeFindings(sip);
    if (sip.drivers.length === 0)
      return [notApplicable("no SIP or IAX2 driver is configured", facts.pbx.sip.at)];
    const out = policyFindings(sip);
    const covered = (e: SipEndpoint) =>
      (e.driver === "pjsip" && e.role === "anonymous") ||
      (e.driver === "chan_sip" && e.role === "guest");
    const rest = sip.endpoints.filter((e) => !covered(e));
    let bad = 0;
    for (const e of rest) {
      const subject = endpointSubject(e);
      if (!e.unauthenticated.known) {
        bad++;
        out.push(unknownFrom(e.unauthenticated, `whether '${e.name}' authenticates`, { subject }));
      } else if (e.unauthenticated.value) {
        bad++;
        const how =
          e.driver === "pjsip"
            ? "it has no inbound auth and is identified by the From user name, which anyone can send"
            : e.driver === "iax2"
              ? "it has no secret, dbsecret or inkeys"
              : e.password.known && e.password.value.state === "empty"
                ? "it has no secret"
                : "insecure=invite skips authentication, and it is matched by name";
        out.push(
          fail(
            `calls naming '${e.name}' are accepted without authentication (${how})${lands(e)}`,
            e.unauthenticated.at,
            openEndpointFix(e),
            {
              subject,
            },
          ),
        );
      }
    }
    if (bad === 0 && rest.length > 0)
      out.push(
        pass(
          `all ${rest.length} endpoint(s) authenticate, or (trunks) are matched by source address only`,
          rest.flatMap((e) => e.unauthenticated.at),
          { subject: "endpoints" },
        ),
      );
    if (out.length === 0)
      return [undecided("no SIP/IAX2 endpoint or policy to judge", facts.pbx.sip.at)];
    return out;
  },
  cases: [
    {
      name: "pjsip anonymous endpoint",
      facts: (f) =>
        withSip(f, {
          endpoints: [
            endpoint({
              name: "anonymous",
              role: "anonymous",
              context: "public",
              unauthenticated: known(true),
              password: known({ state: "empty" }),
            }),
          ],
          policy: policy({ anonymousEndpoint: known(true) }),
        }),
      expect: ["fail"],
    },
    {
      name: "chan_sip defaults: allowguest yes",
      facts: (f) =>
        withSip(f, {
          transports: [transport({ name: "udp", driver: "chan_sip" })],
          endpoints: [
            endpoint({
              name: "(guest calls)",
              driver: "chan_sip",
              role: "guest",
              unauthenticated: known(true),
            }),
          ],
          policy: policy({ allowGuest: known(true) }),
        }),
      expect: ["fail", "pass"],
    },
    {
      name: "autocreatepeer on",
      facts: (f) =>
        withSip(f, {
          transports: [transport({ name: "udp", driver: "chan_sip" })],
          policy: policy({ autoCreatePeer: known(true) }),
        }),
      expect: ["pass", "fail"],
    },
    {
      name: "trunk without auth identified by user name",
      facts: (f) =>
        withSip(f, {
          endpoints: [
            endpoint({ name: "dcs-endpoint", role: "trunk", unauthenticated: known(true) }),
          ],
        }),
      expect: ["pass", "fail"],
    },
    {
      name: "extensions authenticate, trunk matched by IP",
      facts: (f) =>
        withSip(f, {
          endpoints: [endpoint({ name: "1101" }), endpoint({ name: "itsp", role: "trunk" })],
        }),
      expect: ["pass", "pass"],
    },
    {
      name: "IAX2 guest user",
      facts: (f) =>
        withSip(f, {
          transports: [transport({ name: "iax2", driver: "iax2", port: 4569 })],
          endpoints: [
            endpoint({
              name: "guest",
              driver: "iax2",
              role: "guest",
              unauthenticated: known(true),
            }),
          ],
        }),
      expect: ["fail"],
    },
    {
      name: "scanned: REGISTER and INVITE without credentials accepted",
      facts: (f) =>
        scannedSip(f, {
          registerWithoutAuth: known(true, registerAt("200 OK", "registered-without-auth")),
          inviteWithoutAuth: known(true, inviteAt("200 OK", "call-accepted")),
        }),
      expect: ["fail", "fail"],
    },
    {
      name: "scanned: REGISTER and INVITE challenged",
      facts: (f) =>
        scannedSip(f, {
          registerWithoutAuth: known(false, registerAt("401 Unauthorized", "auth-required")),
          inviteWithoutAuth: known(
            false,
            inviteAt("407 Proxy Authentication Required", "auth-required"),
          ),
        }),
      expect: ["pass", "pass"],
    },
    {
      name: "scanned: REGISTER challenged, INVITE not sent (opt-in)",
      facts: (f) =>
        scannedSip(f, {
          registerWithoutAuth: known(false, registerAt("401 Unauthorized", "auth-required")),
          inviteWithoutAuth: unknown(
            "no INVITE without credentials was sent (it is opt-in: bulwark scan --sip-invite)",
            probeAt(5060, "SIP/2.0 200 OK", "sip-options", "udp"),
          ),
        }),
      expect: ["pass", "unknown"],
    },
    {
      name: "scanned: nothing answered in SIP",
      facts: (f) => asScanned(f, [[5060, "closed"]], "local", [{ port: 5060, answered: false }]),
      expect: ["not_applicable"],
    },
    {
      name: "authentication unknown",
      facts: (f) =>
        withSip(f, {
          endpoints: [endpoint({ name: "x", unauthenticated: unknown("auth not found") })],
        }),
      expect: ["pass", "unknown"],
    },
  ],
};
