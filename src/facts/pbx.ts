/**
 * PBX facts (Asterisk and the distributions built on it: Wazo, VitalPBX, FreePBX, Issabel), filled
 * from the Asterisk configuration today and from SIP probes later. No secret is kept: passwords
 * are reduced to PasswordFacts / PasswordQuality.
 */
import type { BindScope, ConfigRef, PasswordFacts } from "./model.js";
import type { Fact, Origin } from "./value.js";

export type SipDriver = "pjsip" | "chan_sip" | "iax2";

export interface SipTransport {
  /** Section name (pjsip transport) or "udp"/"tcp"/"tls" for chan_sip's global listeners. */
  name: string;
  driver: SipDriver;
  protocol: "udp" | "tcp" | "tls" | "ws" | "wss";
  /** The bind address as configured ("0.0.0.0", "10.0.0.5", "[::]"). */
  bindAddress: string;
  port: number;
  bind: BindScope;
  at: Origin[];
  cfg?: ConfigRef;
}

export type SipPeerRole = "extension" | "trunk" | "anonymous" | "guest" | "unknown";

export interface SipEndpoint {
  /** Section name: the extension number or the trunk's name. */
  name: string;
  driver: SipDriver;
  role: SipPeerRole;
  /** Dial plan context where calls from this endpoint land. */
  context?: string;
  /** The user name it authenticates with (not a secret). */
  authUsername?: string;
  /** VPX-01: the auth user name equals the extension number / endpoint name. */
  usernameIsName: boolean;
  password: Fact<PasswordFacts>;
  /** Calls from it are accepted without authentication (chan_sip insecure=invite, pjsip no inbound auth). */
  unauthenticated: Fact<boolean>;
  /** Network ACLs: permit/deny (or contact_permit/contact_deny) entries and named ACLs. */
  acl: { permit: string[]; deny: string[]; named: string[] };
  transports: string[];
  /** Media encryption: none, SDES-SRTP, DTLS-SRTP. */
  mediaEncryption: "none" | "sdes" | "dtls" | "unknown";
  at: Origin[];
  cfg?: ConfigRef;
}

export interface SipPolicy {
  /** chan_sip allowguest: unauthenticated calls land in the general context. */
  allowGuest: Fact<boolean>;
  /** chan_sip autocreatepeer: any device may register. */
  autoCreatePeer: Fact<boolean>;
  /** Same answer for an existing and a non-existing user (no extension enumeration). */
  alwaysAuthReject: Fact<boolean>;
  /** A pjsip `anonymous` endpoint accepts calls from unidentified sources. */
  anonymousEndpoint: Fact<boolean>;
}

export interface SipFacts {
  drivers: SipDriver[];
  transports: SipTransport[];
  endpoints: SipEndpoint[];
  policy: SipPolicy;
}

export interface AmiUser {
  name: string;
  password: Fact<PasswordFacts>;
  permit: string[];
  deny: string[];
  read: string[];
  write: string[];
  at: Origin[];
  cfg?: ConfigRef;
}

export interface AmiFacts {
  enabled: boolean;
  bindAddress: string;
  port: number;
  tls: boolean;
  users: AmiUser[];
  at: Origin[];
}

export interface AsteriskHttpFacts {
  enabled: boolean;
  bindAddress: string;
  port: number;
  tlsEnabled: boolean;
  tlsPort?: number;
  /** ARI users: password stored in plain text or as a crypt hash. */
  ariUsers: {
    name: string;
    passwordFormat: "plain" | "crypt";
    password: Fact<PasswordFacts>;
    at: Origin[];
  }[];
  at: Origin[];
}

/** One step of a path through the dial plan, with where it is written. */
export interface DialplanStep {
  context: string;
  /** How the step was taken: "include", "Goto(ctx,…)", "Gosub(…)", "Dial(…)". */
  via: string;
  at: Origin[];
}

/** VPX-06: a call arriving in an inbound-facing context can reach a Dial to a trunk. */
export interface TollFraudPath {
  /** The inbound-facing context the call starts in. */
  from: string;
  /** Why it faces outside: the trunk, the anonymous endpoint or guest calls that land there. */
  entry: string;
  steps: DialplanStep[];
  /** The outbound Dial and the trunk it reaches. */
  dial: { application: string; trunk: string; at: Origin[] };
}

export interface DialplanFacts {
  contexts: string[];
  /** Contexts calls from outside can land in, with the reason (trunk, anonymous, guest). */
  inbound: { context: string; entry: string; at: Origin[] }[];
  tollFraud: TollFraudPath[];
  /** Jumps whose target is computed at run time (`Goto(${X})`): reachability unknown there. */
  dynamicJumps: { context: string; via: string; at: Origin[] }[];
}

export interface AsteriskLoggingFacts {
  /** Files logger.conf writes `security` events to (as the PBX sees them, e.g. /var/log/asterisk/security). */
  securityLogFiles: string[];
  at: Origin[];
}

export interface PbxFacts {
  /** Which distribution, when it can be told (Wazo, FreePBX, VitalPBX, Issabel, plain Asterisk). */
  distribution: Fact<string>;
  sip: Fact<SipFacts>;
  ami: Fact<AmiFacts>;
  http: Fact<AsteriskHttpFacts>;
  dialplan: Fact<DialplanFacts>;
  logging: Fact<AsteriskLoggingFacts>;
  /** `#exec` includes: their output, and so part of the configuration, is unknown. */
  execIncludes: { command: string; at: Origin[] }[];
}
