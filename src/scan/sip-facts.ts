/**
 * SIP over the network: what the SIP probes (OPTIONS, REGISTER without credentials, REGISTER
 * enumeration, opt-in INVITE) say, as Facts. Only what a probe decided becomes known; the rest
 * stays unknown with the reason, never a pass by default.
 */
import type { Facts, PortRange, Service } from "../facts/model.js";
import type { SipFacts, SipPolicy } from "../facts/pbx.js";
import { bindUnseen, wanAsScanned } from "../facts/scanned.js";
import { type Fact, known, type ProbeOrigin, unknown } from "../facts/value.js";
import { portOrigin } from "./port-origin.js";
import type {
  InviteVerdict,
  RegisterVerdict,
  SipEnumerationResult,
  SipInviteResult,
  SipOptionsResult,
  SipRegisterResult,
} from "./sip/probes.js";

/** Everything the SIP probes saw on one port and transport. */
export interface SipPortScan {
  port: number;
  transport: "udp" | "tcp" | "tls";
  options: SipOptionsResult;
  /** REGISTER without credentials for a random user. */
  register?: SipRegisterResult;
  /** Candidate extension vs random one, by REGISTER; the first conclusive one (or the last). */
  enumeration?: SipEnumerationResult;
  /** Opt-in (`sipInvite`): INVITE without credentials to a random extension. */
  invite?: SipInviteResult;
}

/** The peer answered in SIP (any final or provisional answer). */
export function answersSip(o: SipOptionsResult): boolean {
  return o.outcome === "answered";
}

/** Enumeration is decided: answers differ, or the random user was challenged like a real one. */
export function enumerationConclusive(e: SipEnumerationResult): boolean {
  if (e.existing.status === undefined || e.random.status === undefined) return false;
  if (e.enumerable) return true;
  return e.random.verdict === "auth-required";
}

function probeOrigin(
  probe: string,
  address: string,
  s: SipPortScan,
  time: string,
  excerpt?: string,
): ProbeOrigin {
  return portOrigin(probe, address, s.port, time, excerpt, s.transport === "udp" ? "udp" : "tcp");
}

const NOT_OBSERVABLE = "not observable from the network";

/** The SIP services and facts.pbx.sip, from the ports that answered SIP. */
export function fillSipFacts(
  f: Facts,
  scans: SipPortScan[],
  address: string,
  vantage: "internet" | "local",
): void {
  const answering = scans.filter((s) => answersSip(s.options));
  if (answering.length === 0) return;
  const at: ProbeOrigin[] = [];
  const enumAt: ProbeOrigin[] = [];
  const regAt: ProbeOrigin[] = [];
  let alwaysAuthReject: Fact<boolean> | undefined;
  const enumReasons: string[] = [];
  let registeredWithoutAuth = false;
  let registerChallenged = false;
  let inviteAccepted = false;
  let inviteRejected = false;
  let inviteRun = false;
  // what each probe without credentials decided, per port, with where it was seen
  const registers: Tried<RegisterVerdict>[] = [];
  const invites: Tried<InviteVerdict>[] = [];

  for (const s of answering) {
    const o = s.options;
    const seen = probeOrigin(
      "sip-options",
      address,
      s,
      o.startedAt,
      [o.statusLine ?? o.exchanges[0]?.provisional[0]?.statusLine, o.server ?? o.userAgent]
        .filter(Boolean)
        .join("; "),
    );
    at.push(seen);
    const ports: PortRange[] = [{ from: s.port, to: s.port, transport: s.transport }];
    const svc: Service = {
      id: `sip-${s.port}-${s.transport}`,
      kind: "sip",
      label: `SIP on ${s.port}/${s.transport}`,
      admin: false,
      enabled: known(true, seen),
      ports: known(ports, seen),
      bind: bindUnseen(seen),
      tls: known(s.transport === "tls", seen),
      auth: {},
      wan: wanAsScanned(vantage, ports, seen),
    };

    const r = s.register;
    let regO: ProbeOrigin | undefined;
    if (r) {
      regO = registerSeen(address, s, r);
      regAt.push(regO);
      registers.push({ verdict: r.verdict, seen: regO });
      if (r.verdict === "registered-without-auth") {
        registeredWithoutAuth = true;
        svc.auth.anonymous = known(true, regO);
        f.diagnostics.push({
          severity: "error",
          file: `${address}:${s.port}/${s.transport}`,
          message: `registered-without-auth: REGISTER for random user '${r.user}' accepted without credentials (${r.statusLine}); binding removed again`,
        });
      } else if (r.verdict === "auth-required") registerChallenged = true;
    }
    const inv = s.invite;
    if (inv) {
      inviteRun = true;
      const io = inviteSeen(address, s, inv);
      regAt.push(io);
      invites.push({ verdict: inv.verdict, seen: io });
      if (inv.verdict === "call-accepted" || inv.verdict === "call-progressing") {
        inviteAccepted = true;
        svc.auth.anonymous = known(true, io);
        f.diagnostics.push({
          severity: "error",
          file: `${address}:${s.port}/${s.transport}`,
          message: `INVITE without credentials to '${inv.extension}' was ${inv.verdict === "call-accepted" ? "answered" : "routed"} (${inv.statusLine ?? inv.exchanges[0]?.provisional.at(-1)?.statusLine ?? inv.verdict}); call cleaned up`,
        });
      } else if (refusedWithoutAuth(inv.verdict)) {
        inviteRejected = true;
        if (!svc.auth.anonymous && r?.verdict === "auth-required")
          svc.auth.anonymous = known(false, ...(regO ? [regO] : []), io);
      }
    }

    const e = s.enumeration;
    if (e) {
      const eo = probeOrigin(
        "sip-enumeration",
        address,
        s,
        e.existing.startedAt,
        `REGISTER ${(e.existing as SipRegisterResult).user ?? ""}: ${e.existing.statusLine ?? e.existing.outcome}; REGISTER ${(e.random as SipRegisterResult).user ?? ""}: ${e.random.statusLine ?? e.random.outcome} (${e.basis})`,
      );
      if (enumerationConclusive(e)) {
        enumAt.push(eo);
        const value = !e.enumerable;
        // One transport that leaks is enough to fail.
        if (!alwaysAuthReject || (alwaysAuthReject.known && alwaysAuthReject.value && !value))
          alwaysAuthReject = known(value, eo);
        else if (alwaysAuthReject.known && alwaysAuthReject.value === value)
          alwaysAuthReject = known(value, ...alwaysAuthReject.at, eo);
      } else {
        enumReasons.push(`${s.port}/${s.transport}: ${e.basis}`);
        enumAt.push(eo);
      }
    }
    f.services.push(svc);
  }

  const policy: SipPolicy = {
    allowGuest: unknown(NOT_OBSERVABLE, ...at),
    autoCreatePeer: unknown(NOT_OBSERVABLE, ...at),
    alwaysAuthReject:
      alwaysAuthReject ??
      unknown(
        enumReasons.length > 0
          ? `REGISTER enumeration inconclusive (${enumReasons.join("; ")}): the candidate extension may not exist, or the server answered alike without challenging`
          : "no enumeration probe completed",
        ...enumAt,
      ),
    anonymousEndpoint:
      registeredWithoutAuth || inviteAccepted
        ? known(true, ...regAt)
        : inviteRejected
          ? known(false, ...regAt)
          : registerChallenged && !inviteRun
            ? unknown(
                "REGISTER without credentials was challenged, but an anonymous endpoint only shows on INVITE (not sent by default: scan with --sip-invite)",
                ...regAt,
              )
            : unknown("no probe without credentials decided it", ...regAt, ...at),
    registerWithoutAuth: registerWithoutAuth(registers),
    inviteWithoutAuth: inviteWithoutAuth(invites, answering, address),
  };
  const sip: SipFacts = {
    // Neither the driver (res_pjsip, chan_sip, other) nor the listener's bind address can be
    // told from the network; SipTransport needs both, so no transport is claimed.
    drivers: [],
    transports: [],
    endpoints: [],
    policy,
  };
  f.pbx.sip = known(sip, ...at);
}

/** A probe without credentials on one port: its verdict and where it was seen. */
interface Tried<V> {
  verdict: V;
  seen: ProbeOrigin;
}

/** The server turned the request without credentials away (challenged or refused it). */
function refusedWithoutAuth(v: RegisterVerdict | InviteVerdict): boolean {
  return v === "auth-required" || v === "forbidden" || v === "not-found";
}

function registerSeen(address: string, s: SipPortScan, r: SipRegisterResult): ProbeOrigin {
  return probeOrigin(
    "sip-register-noauth",
    address,
    s,
    r.startedAt,
    `REGISTER ${r.user}: ${r.statusLine ?? r.error ?? r.outcome} (${r.verdict})`,
  );
}

/** An INVITE's excerpt falls back to its last provisional answer (a call still ringing). */
function inviteSeen(address: string, s: SipPortScan, inv: SipInviteResult): ProbeOrigin {
  return probeOrigin(
    "sip-invite-noauth",
    address,
    s,
    inv.startedAt,
    `INVITE ${inv.extension}: ${inv.statusLine ?? inv.exchanges[0]?.provisional.at(-1)?.statusLine ?? inv.error ?? inv.outcome} (${inv.verdict})`,
  );
}

const seenAt = <V>(tried: Tried<V>[]): ProbeOrigin[] => tried.map((t) => t.seen);

/** The REGISTER without credentials, over every port that answered SIP. */
function registerWithoutAuth(tried: Tried<RegisterVerdict>[]): Fact<boolean> {
  const accepted = tried.filter((t) => t.verdict === "registered-without-auth");
  if (accepted.length > 0) return known(true, ...seenAt(accepted));
  if (tried.length > 0 && tried.every((t) => refusedWithoutAuth(t.verdict)))
    return known(false, ...seenAt(tried));
  return unknown(
    tried.length > 0
      ? "REGISTER without credentials got no clear answer (neither accepted nor challenged)"
      : "no REGISTER without credentials was sent",
    ...seenAt(tried),
  );
}

/** The opt-in INVITE without credentials, over every port that answered SIP. */
function inviteWithoutAuth(
  tried: Tried<InviteVerdict>[],
  answering: SipPortScan[],
  address: string,
): Fact<boolean> {
  if (tried.length === 0)
    return unknown(
      "no INVITE without credentials was sent (it is opt-in: bulwark scan --sip-invite)",
      ...answering.map((s) =>
        probeOrigin("sip-options", address, s, s.options.startedAt, s.options.statusLine),
      ),
    );
  const accepted = tried.filter(
    (t) => t.verdict === "call-accepted" || t.verdict === "call-progressing",
  );
  if (accepted.length > 0) return known(true, ...seenAt(accepted));
  if (tried.every((t) => refusedWithoutAuth(t.verdict))) return known(false, ...seenAt(tried));
  return unknown(
    "INVITE without credentials got no clear answer on every port (neither taken nor challenged or refused)",
    ...seenAt(tried),
  );
}
