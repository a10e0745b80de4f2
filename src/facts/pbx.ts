/**
 * PBX facts (Asterisk and the distributions built on it: Wazo, VitalPBX, FreePBX, Issabel), filled
 * from the Asterisk configuration today and from SIP probes later. No secret is kept: passwords
 * are reduced to PasswordFacts / PasswordQuality.
 */
import type { AsteriskRef, BindScope, ConfigRef, PasswordFacts } from "./model.js";
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
  /**
   * Seen by a scan only (configuration audits leave it out): a REGISTER without credentials for a
   * random user was accepted (true), or challenged or refused on every port that answered (false).
   */
  registerWithoutAuth?: Fact<boolean>;
  /**
   * Seen by a scan only, with its opt-in INVITE probe (`bulwark scan --sip-invite`): an INVITE
   * without credentials to a random extension was answered or routed (true), or challenged or
   * refused on every port it was sent to (false); unknown with the reason when it was not sent or
   * got no clear answer.
   */
  inviteWithoutAuth?: Fact<boolean>;
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

/** One `include =>` line: every extension of `to` can be dialled in `from`. */
export interface DialplanInclude {
  from: string;
  to: string;
  at: Origin[];
}

/** The `context` of a dynamic jump that stands for generated configuration (#exec, realtime). */
export const GENERATED_CONTEXT = "(generated)";

export interface DialplanFacts {
  contexts: string[];
  /** Contexts calls from outside can land in, with the reason (trunk, anonymous, guest). */
  inbound: { context: string; entry: string; at: Origin[] }[];
  tollFraud: TollFraudPath[];
  /**
   * Jumps whose target is computed at run time (`Goto(${X})`), or configuration generated at run
   * time (context GENERATED_CONTEXT): reachability is unknown there. `from` is the inbound
   * context the jump was reached from; absent for generated configuration, which affects all.
   */
  dynamicJumps: { context: string; via: string; from?: string; at: Origin[] }[];
  /** The include graph, when the dial plan itself was read (a probe cannot know it). */
  includes?: DialplanInclude[];
}

export interface AsteriskLogChannel {
  /** The channel as written: "messages", "security.log", "syslog.local0", "console". */
  name: string;
  type: "file" | "syslog" | "console";
  /** Absolute path for a file; "syslog:<facility>" or "console" otherwise. */
  path: string;
  /** Levels, lower case, as written ("*" for all). */
  levels: string[];
  at: Origin[];
}

/** Whether a log channel receives a level (`*` receives all). */
export function receivesLevel(channel: AsteriskLogChannel, level: string): boolean {
  return channel.levels.includes("*") || channel.levels.includes(level);
}

/** Stands for the host name Asterisk appends to file names with `appendhostname = yes`. */
export const HOSTNAME_PLACEHOLDER = "<hostname>";

export interface AsteriskLoggingFacts {
  /** Files logger.conf writes `security` events to (as the PBX sees them, e.g. /var/log/asterisk/security). */
  securityLogFiles: string[];
  /** Every channel of [logfiles] with its levels, when logger.conf was read. */
  channels?: AsteriskLogChannel[];
  /** Asterisk's log directory (astlogdir). */
  logDir?: string;
  /** The [logfiles] section, where a fix goes (absent when logger.conf is missing). */
  logfilesRef?: AsteriskRef;
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
