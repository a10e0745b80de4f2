/**
 * The one normalized model every source (config files, backups, probes, logs) fills in and every
 * rule reads. Nothing in here holds a secret: passwords, PSKs and keys are reduced to their
 * qualities (see PasswordQuality) before they reach a fact.
 */
import type { Fail2banFacts, HostFirewallFacts, ListeningSocket } from "./host.js";
import type { ObservedActivity } from "./observed.js";
import type { PbxFacts } from "./pbx.js";
import type { Fact, Origin } from "./value.js";

export type DeviceClass = "router" | "pbx" | "intercom" | "linux-host";
export type Platform =
  | "rutos"
  | "rutos-legacy"
  | "openwrt"
  | "robustel"
  | "asterisk"
  | "linux"
  | "unknown";

/**
 * Where a fix is applied, in the device's own configuration language. For UCI, `section` is the
 * section name, or `@type[n]` for an anonymous section (n counted per type, from 0).
 */
export interface UciRef {
  language: "uci";
  package: string;
  section: string;
  sectionType: string;
}

/** A section of an Asterisk configuration file (pjsip.conf [6001], manager.conf [admin]). */
export interface AsteriskRef {
  language: "asterisk";
  file: string;
  section: string;
}

/** A plain configuration file edited by hand: sshd_config, a fail2ban jail.local. */
export interface FileRef {
  language: "sshd" | "fail2ban" | "iptables" | "nftables";
  file: string;
  /** The section (fail2ban jail) when the format has sections. */
  section?: string;
}

export type ConfigRef = UciRef | AsteriskRef | FileRef;

export interface SourceFile {
  path: string;
  status: "ok" | "warning" | "error";
  /** What the file was read as: "uci", "shadow", "passwd", "opkg", ... */
  format: string;
}

export interface Diagnostic {
  severity: "error" | "warning" | "info";
  file: string;
  line?: number;
  column?: number;
  message: string;
}

export interface FirmwareVersion {
  /** As the device reports it, e.g. "RUTX_R_00.07.20". */
  raw: string;
  /** Product series the version belongs to, e.g. "RUTX", "RUT9", "OpenWrt". */
  series: string;
  /** Comparable numeric parts, e.g. [7, 20] for RUTX_R_00.07.20. */
  parts: number[];
}

export interface DeviceFacts {
  class: Fact<DeviceClass>;
  platform: Fact<Platform>;
  hostname: Fact<string>;
  model: Fact<string>;
  firmware: Fact<FirmwareVersion>;
}

export type Transport = "tcp" | "udp" | "tls" | "ws" | "wss";

export interface PortRange {
  from: number;
  to: number;
  transport: Transport;
}

export type ServiceKind =
  | "ssh"
  | "http"
  | "https"
  | "telnet"
  | "web-cli"
  | "snmp"
  | "upnp"
  | "mqtt"
  | "smb"
  | "sip"
  | "iax2"
  | "ami"
  | "ari"
  | "rtsp"
  | "api"
  | "other";

/** Which networks a service listens on. */
export type BindScope = "any" | "lan" | "wan" | "loopback" | "specific";

/** Whether, and from where, a service is reachable from the internet side (WAN). */
export interface WanReach {
  reachable: boolean;
  /** Empty when reachable from any source address. */
  sources: string[];
  /** The ports the internet can reach it on. */
  ports: PortRange[];
  /** Short human account of why: the firewall rule or zone policy that lets it in. */
  via: string[];
  /** What lets it in, where a fix can close it (config sources; a probe has none). */
  openers?: { kind: "rule" | "forward" | "zone"; name: string; cfg?: UciRef }[];
}

export interface ServiceAuth {
  /** Password logins accepted. */
  password?: Fact<boolean>;
  /** Password logins as root/admin accepted. */
  rootPassword?: Fact<boolean>;
  /** Number of authorized public keys present. */
  authorizedKeys?: Fact<number>;
  /** Anyone may use the service without credentials. */
  anonymous?: Fact<boolean>;
  /** A factory-default credential (community, password) is in use. */
  defaultCredential?: Fact<boolean>;
  /**
   * How the server asked a request without credentials to authenticate (HTTP/RTSP
   * WWW-Authenticate schemes, lower case: "basic", "digest"); empty when it asked for none.
   */
  challengeSchemes?: Fact<string[]>;
}

/**
 * The server software a probe saw (SSH ident, HTTP Server header, SIP User-Agent/Server, SNMP
 * sysDescr, MQTT/RTSP banner), normalized so versions can be compared with advisories.
 */
export interface SoftwareSeen {
  /** Lower-case product name: "openssh", "dropbear", "asterisk", "nginx", "lighttpd", ... */
  product: string;
  /** Dotted version as reported ("9.2p1", "2022.83", "18.20.0"). */
  version?: string;
  /** The text it was read from (a banner, a header), printable and secret-free. */
  raw: string;
}

/** What a TLS handshake probe saw of a service's TLS (only from probes). */
export interface TlsPosture {
  /** Protocol versions accepted ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"). */
  accepted: string[];
  /** Versions this scanner could not offer (its OpenSSL refuses them), so not judged. */
  untested: string[];
  certificate?: {
    subject: string;
    notAfter: string;
    expired: boolean;
    daysLeft: number;
    selfSigned: boolean;
    keyType?: string;
    keyBits?: number;
    /** Why a verifying client rejects the chain (e.g. DEPTH_ZERO_SELF_SIGNED_CERT). */
    trustError?: string;
  };
  /** Weak cipher suites the server accepted (names as OpenSSL spells them). */
  weakCiphers: string[];
  /**
   * Weak suite families this scanner could not offer (its OpenSSL lacks RC4, 3DES or EXPORT), so
   * not judged; absent when the source did not say which families it tried.
   */
  untestedCiphers?: string[];
}

/** Algorithms an SSH server offered that are considered weak. */
export interface SshPosture {
  weak: { kind: "kex" | "hostkey" | "cipher" | "mac"; name: string; why: string }[];
}

/** What a plain request to a web service showed. */
export interface HttpPosture {
  /** Status of the answer to `GET /`. */
  status: number;
  /** Where it redirects to, when it does. */
  location?: string;
  /** The login page recognised: "luci", "rutos", "freepbx", "wazo", "bas-ip", ... */
  app?: string;
  /** Strict-Transport-Security sent (meaningful on HTTPS). */
  hsts?: boolean;
  /** Asks for HTTP Basic credentials over plain HTTP (sent readable on the wire). */
  basicAuthOverPlain?: boolean;
}

/** A published advisory whose affected range covers the software version seen. */
export interface AdvisoryMatch {
  id: string;
  product: string;
  version: string;
  severity: "low" | "medium" | "high" | "critical";
  summary: string;
  /** First version with the fix, when there is one. */
  fixedIn?: string;
  /** Where the advisory is published. */
  url?: string;
  /**
   * Set when the version carries a distribution's package suffix (the SSH banner's
   * "Debian-2+deb12u3"), or the host's other banners name one: distributions backport fixes
   * without changing the upstream version, so the match is possible, not certain.
   */
  distribution?: string;
}

export interface Service {
  /** Stable within one device: "ssh", "webui-http", "snmp", ... */
  id: string;
  kind: ServiceKind;
  label: string;
  /** Gives administrative control of the device. */
  admin: boolean;
  enabled: Fact<boolean>;
  ports: Fact<PortRange[]>;
  bind: Fact<BindScope>;
  tls: Fact<boolean>;
  /** HTTP only: plain HTTP requests are redirected to HTTPS. */
  redirectsToTls?: Fact<boolean>;
  auth: ServiceAuth;
  wan: Fact<WanReach>;
  cfg?: ConfigRef;
  /** Probe-only observations (a config audit leaves them undefined). */
  software?: Fact<SoftwareSeen>;
  tlsPosture?: Fact<TlsPosture>;
  sshPosture?: Fact<SshPosture>;
  http?: Fact<HttpPosture>;
  /** Advisories matching `software` (data/advisories.json); known and empty when none match. */
  advisories?: Fact<AdvisoryMatch[]>;
}

export type HashScheme =
  | "des-crypt"
  | "md5-crypt"
  | "sha256-crypt"
  | "sha512-crypt"
  | "bcrypt"
  | "yescrypt"
  | "unknown";

/** Everything Bulwark keeps of a password: its qualities, never the password or its hash. */
export interface PasswordQuality {
  length: number;
  lower: boolean;
  upper: boolean;
  digit: boolean;
  symbol: boolean;
  /** zxcvbn score, 0 (guessable) to 4 (very strong). */
  strength: 0 | 1 | 2 | 3 | 4;
  /** Matches a vendor default or a well-known default password. */
  isDefault: boolean;
  /** Other credentials (by label) on this device that use the same secret. */
  reusedWith: string[];
}

export interface PasswordFacts {
  state: "set" | "empty" | "locked" | "delegated";
  /** For state "delegated": whose password is used instead (rpcd's `$p$root`). */
  delegatedTo?: string;
  hash?: HashScheme;
  /** Known only when the plaintext was in the configuration (or a hash was cracked with a default). */
  quality?: PasswordQuality;
  /** The stored hash equals a factory default, or a default password verifies against it. */
  isDefault?: boolean;
}

export type AccountRole = "admin" | "user" | "readonly" | "service" | "custom";

export interface Account {
  name: string;
  /** Where the account lives: the OS, the web UI / JSON-RPC, SIP, AMI, ... */
  scope: "system" | "webui" | "rpcd" | "sip" | "ami" | "api";
  role: Fact<AccountRole>;
  canLogin: Fact<boolean>;
  password: Fact<PasswordFacts>;
  /** Access lists as configured (rpcd read/write ACL groups, AMI classes). */
  permissions?: Fact<{ read: string[]; write: string[] }>;
  at: Origin[];
  cfg?: ConfigRef;
}

export interface PasswordPolicy {
  minLength: number;
  requireDigits: boolean;
  requireMixedCase: boolean;
  requireSymbols: boolean;
  /** Days before a password must be changed; 0 = never. */
  maxAgeDays: number;
}

export type FirewallTarget = "ACCEPT" | "REJECT" | "DROP" | "MARK" | "NOTRACK" | "OTHER";

export interface FirewallZone {
  name: string;
  networks: string[];
  input: FirewallTarget;
  forward: FirewallTarget;
  masquerade: boolean;
  at: Origin[];
  cfg?: UciRef;
}

export interface FirewallRule {
  name: string;
  enabled: boolean;
  /** Source zone ("*" any). Undefined: traffic originating on the device. */
  src?: string;
  /** Destination zone; undefined for traffic to the device itself (input). */
  dest?: string;
  /** Empty means any source address. */
  srcIps: string[];
  protocols: string[];
  /** Empty means any port. */
  destPorts: PortRange[];
  target: FirewallTarget;
  family: "ipv4" | "ipv6" | "any";
  at: Origin[];
  cfg?: UciRef;
}

/** A port forward / DNAT from the internet to a host behind the router. */
export interface PortForward {
  name: string;
  enabled: boolean;
  src: string;
  srcIps: string[];
  protocols: string[];
  externalPorts: PortRange[];
  internalHost?: string;
  internalPorts: PortRange[];
  /** Every port forwarded to one host: a DMZ. */
  isDmz: boolean;
  at: Origin[];
  cfg?: UciRef;
}

export interface Firewall {
  engine: "fw3" | "fw4" | "iptables" | "nftables" | "unknown";
  defaults: { input: FirewallTarget; forward: FirewallTarget; output: FirewallTarget };
  zones: FirewallZone[];
  rules: FirewallRule[];
  forwards: PortForward[];
  /** Custom scripts included into the firewall: their effect is unknown to an offline audit. */
  includes: { path: string; at: Origin[] }[];
  at: Origin[];
}

export interface NetworkInterface {
  name: string;
  proto: string;
  /** Addresses statically configured (CIDR or address). */
  addresses: string[];
  role: "lan" | "wan" | "mobile" | "vpn" | "loopback" | "other";
  enabled: boolean;
  /** Physical ports / devices bound to it. */
  devices: string[];
  at: Origin[];
  cfg?: UciRef;
}

export interface DhcpServer {
  interface: string;
  enabled: boolean;
  at: Origin[];
  cfg?: UciRef;
}

export interface NetworkFacts {
  interfaces: NetworkInterface[];
  dhcpServers: DhcpServer[];
}

export type WifiSecurity =
  | "open"
  | "wep"
  | "wpa-tkip"
  | "wpa-mixed"
  | "wpa2-ccmp"
  | "wpa2-wpa3"
  | "wpa3"
  | "wpa2-enterprise"
  | "wpa3-enterprise"
  | "owe"
  | "unknown";

export interface WifiRadio {
  name: string;
  enabled: boolean;
  /** dBm, when set explicitly. */
  txPower?: number;
  band?: string;
  at: Origin[];
  cfg?: UciRef;
}

export interface WifiNetwork {
  id: string;
  ssid: string;
  radio: string;
  mode: "ap" | "sta" | "mesh" | "adhoc" | "monitor" | "other";
  enabled: boolean;
  /** The raw `encryption` setting, e.g. "psk2+ccmp". */
  encryptionRaw: string;
  security: WifiSecurity;
  hidden: boolean;
  key?: PasswordQuality;
  macFilter: "allow" | "deny" | "none";
  at: Origin[];
  cfg?: UciRef;
}

export interface WifiFacts {
  radios: WifiRadio[];
  networks: WifiNetwork[];
}

export type VpnType =
  | "ipsec"
  | "openvpn"
  | "wireguard"
  | "pptp"
  | "l2tp"
  | "l2tp-ipsec"
  | "gre"
  | "sstp"
  | "zerotier"
  | "tailscale"
  | "other";

export interface Vpn {
  name: string;
  type: VpnType;
  role: "server" | "client" | "peer" | "unknown";
  enabled: boolean;
  /** The protocol is considered broken or weak (PPTP, L2TP without IPsec, GRE). */
  weak: boolean;
  at: Origin[];
  cfg?: UciRef;
}

export interface Quota {
  /** SIM slot or interface the limit applies to. */
  scope: string;
  kind: "data" | "sms";
  enabled: boolean;
  at: Origin[];
  cfg?: UciRef;
}

export interface CellularFacts {
  /** Mobile interfaces (SIM slots) configured. */
  simCount: number;
  quotas: Quota[];
}

export interface SmsRule {
  id: string;
  action: string;
  enabled: boolean;
  /** "password", "serial", "none": how the sender proves who they are. */
  authorization: string;
  /** "all", "group", "single": which numbers are accepted. */
  allowedPhones: "all" | "group" | "single" | "unknown";
  /** The action changes configuration or gives access (vs. read-only status). */
  privileged: boolean;
  at: Origin[];
  cfg?: UciRef;
}

export interface SmsFacts {
  /** SMS utilities (remote control by SMS) available and on. */
  enabled: boolean;
  rules: SmsRule[];
  phoneGroups: string[];
  /** Call utilities (actions on incoming calls) enabled. */
  callUtilities: Fact<boolean>;
  at: Origin[];
}

export interface EventRule {
  id: string;
  /** What triggers it, as configured ("Login", "Port state", "WAN failover"...). */
  event: string;
  /** Normalized trigger class. */
  trigger: "login" | "link" | "config" | "reboot" | "sim" | "other";
  enabled: boolean;
  /** "sms", "email", ... */
  channel: string;
  at: Origin[];
  cfg?: UciRef;
}

export interface PackageFeed {
  name: string;
  url: string;
  /** Served by the vendor (openwrt.org, teltonika) rather than a third party. */
  official: boolean;
  at: Origin[];
}

export interface PackageSourceFacts {
  feeds: PackageFeed[];
  signatureCheck: Fact<boolean>;
}

export interface EmailAccount {
  name: string;
  server: string;
  port?: number;
  tls: "none" | "starttls" | "tls" | "unknown";
  authenticated: boolean;
  verifiesCertificate: Fact<boolean>;
  at: Origin[];
  cfg?: UciRef;
}

export interface MqttEndpoint {
  name: string;
  role: "broker" | "client" | "bridge";
  /** What it carries, e.g. "modbus", "rms", "data". */
  purpose: string;
  enabled: boolean;
  tls: Fact<boolean>;
  anonymous?: Fact<boolean>;
  port?: number;
  at: Origin[];
  cfg?: UciRef;
}

export interface CentralAuth {
  protocol: "radius" | "tacacs" | "ldap";
  enabled: boolean;
  at: Origin[];
}

/** One disagreement between a device's configuration and what a live scan of it saw. */
export interface ServiceDrift {
  kind:
    | "answers-but-disabled"
    | "answers-but-closed-to-wan"
    | "answers-unexplained"
    | "configured-but-silent";
  port: number;
  transport: "tcp" | "udp";
  /** The service as the scan or the configuration names it. */
  service: string;
  admin: boolean;
  /** What the configuration says (file:line), empty when it says nothing of this port. */
  config: Origin[];
  /** What the scan saw (probe, address, port, time), empty for a silent port. */
  probe: Origin[];
  cfg?: ConfigRef;
}

/** A configuration audit cross-checked against a live scan of the same device (audit --host). */
export interface LiveComparison {
  address: string;
  /** Where the scanner stood: only "internet" tests what the WAN firewall lets in. */
  vantage: "internet" | "local";
  /** Ports probed, "22/tcp" style. */
  probed: string[];
  /** Ports where configuration and scan agree. */
  agreed: number;
  drift: ServiceDrift[];
}

export interface Facts {
  /** What was audited, as the user named it. */
  target: { name: string; kind: "backup" | "directory" | "probe" | "log" };
  device: DeviceFacts;
  sources: SourceFile[];
  diagnostics: Diagnostic[];
  services: Service[];
  accounts: Fact<Account[]>;
  passwordPolicy: Fact<PasswordPolicy>;
  firewall: Fact<Firewall>;
  network: Fact<NetworkFacts>;
  wifi: Fact<WifiFacts>;
  vpns: Fact<Vpn[]>;
  cellular: Fact<CellularFacts>;
  sms: Fact<SmsFacts>;
  events: Fact<EventRule[]>;
  packages: Fact<PackageSourceFacts>;
  email: Fact<EmailAccount[]>;
  mqtt: Fact<MqttEndpoint[]>;
  centralAuth: Fact<CentralAuth[]>;
  /** Asterisk PBX configuration (unknown when the input holds none). */
  pbx: PbxFacts;
  fail2ban: Fact<Fail2banFacts>;
  hostFirewall: Fact<HostFirewallFacts>;
  listening: Fact<ListeningSocket[]>;
  /**
   * Which configuration files the input holds, and whether it is complete (a whole backup or root,
   * where a missing package means "not installed") or partial (where it means "unknown").
   */
  coverage: Fact<{ configs: string[]; complete: boolean }>;
  /** What the logs showed (brute force, bans, logins, link changes); unknown when none was read. */
  observed: Fact<ObservedActivity>;
  /** Set only when the audit was cross-checked against a live scan (audit --host). */
  live?: Fact<LiveComparison>;
  /**
   * Set only by a scan: where the scanner stood and which ports it probed, so a rule can tell
   * "probed and silent" from "not probed" (the services list holds only what answered).
   */
  scan?: Fact<ScanCoverage>;
}

/** What a scan covered: its vantage and every port it probed, with the outcome. */
export interface ScanCoverage {
  /** The address contacted. */
  address: string;
  /** "internet": the scanner stood outside, so what answered is what the internet reaches. */
  vantage: "internet" | "local";
  /** Every TCP port probed: "open" answered, "closed" refused, "no-answer" stayed silent. */
  tcp: { port: number; state: "open" | "closed" | "no-answer" | "error" }[];
  /** UDP ports a protocol probe asked (SIP OPTIONS), and whether they answered in protocol. */
  udp: { port: number; answered: boolean }[];
}
