/**
 * What the PBX service rules (AMI, the HTTP server and ARI, logging for fail2ban) share: where a
 * listener binds, how far an AMI user's ACL lets it reach, password problems, fix references; and
 * the case builders for their own cases.
 */
import { isIP } from "node:net";
import { bindScopeOf, splitHostPort } from "../../facts/address.js";
import type { Fail2banJail } from "../../facts/host.js";
import type {
  AsteriskRef,
  BindScope,
  Facts,
  PasswordFacts,
  PasswordQuality,
  Service,
} from "../../facts/model.js";
import type {
  AmiFacts,
  AmiUser,
  AsteriskHttpFacts,
  AsteriskLogChannel,
  AsteriskLoggingFacts,
} from "../../facts/pbx.js";
import { type ConfigOrigin, type Fact, known, type Origin } from "../../facts/value.js";
import { at } from "../case-kit.js";
import type { Severity } from "../types.js";

// ---------------------------------------------------------------------------------------------
// Listeners and ACLs

export function describeBind(address: string, scope: BindScope): string {
  switch (scope) {
    case "any":
      return `every address (${address || "0.0.0.0"})`;
    case "loopback":
      return `the loopback address ${address} only`;
    case "lan":
      return `the private address ${address}`;
    case "wan":
      return `the public address ${address}`;
    default:
      return `the address ${address}`;
  }
}

/** Scopes from which more than this host can connect. */
export const NETWORK_SCOPES: readonly BindScope[] = ["any", "wan", "lan", "specific"];
/** Scopes that face the internet, or may. */
export const EXPOSED_SCOPES: readonly BindScope[] = ["any", "wan"];

export interface AmiListener {
  label: string;
  address: string;
  scope: BindScope;
  port: number;
  tls: boolean;
  at: Origin[];
}

/** AMI's listeners: the plain one, and the TLS one when tlsenable is on. */
export function amiListeners(facts: Facts, ami: AmiFacts): AmiListener[] {
  if (!ami.enabled) return [];
  const plain: AmiListener = {
    label: "AMI",
    address: ami.bindAddress,
    scope: bindScopeOf(ami.bindAddress),
    port: ami.port,
    tls: false,
    at: ami.at,
  };
  const out = [plain];
  if (ami.tls) {
    const svc = facts.services.find((x) => x.kind === "ami" && x.tls.known && x.tls.value);
    const port = svc?.ports.known ? (svc.ports.value[0]?.from ?? 5039) : 5039;
    const address = svc ? tlsAddress(svc.bind.at) : undefined;
    out.push({
      label: "AMI over TLS",
      address: address ?? ami.bindAddress,
      scope: svc?.bind.known ? svc.bind.value : plain.scope,
      port,
      tls: true,
      at: svc ? [...svc.bind.at] : ami.at,
    });
  }
  return out;
}

/** The host of a TLS listener, from the evidence of its tlsbindaddr (written or implied). */
function tlsAddress(origins: readonly Origin[]): string | undefined {
  for (const o of origins) {
    if (o.kind !== "config") continue;
    const m = /(?:tls|ssl)bindaddr (?:=>?|not set, defaults to) (\S+)/.exec(o.excerpt ?? "");
    if (m) return splitHostPort(m[1] as string).host;
  }
  return undefined;
}

interface AclNet {
  v6: boolean;
  prefix: number;
  loopback: boolean;
  negated: boolean;
}

function maskBits(mask: string, v6: boolean): number | undefined {
  if (/^\d{1,3}$/.test(mask)) {
    const n = Number(mask);
    return n <= (v6 ? 128 : 32) ? n : undefined;
  }
  if (isIP(mask) === 4) {
    return mask
      .split(".")
      .map((o) => Number(o).toString(2).replace(/0/g, "").length)
      .reduce((a, b) => a + b, 0);
  }
  return undefined;
}

/** One ACL entry: `10.0.0.0/8`, `0.0.0.0/0.0.0.0`, `::1`, `!192.0.2.1`. */
export function parseAclEntry(raw: string): AclNet | undefined {
  let s = raw.trim();
  const negated = s.startsWith("!");
  if (negated) s = s.slice(1).trim();
  const [addrRaw = "", mask] = s.split("/");
  const addr = addrRaw.replace(/^\[|\]$/g, "");
  const kind = isIP(addr);
  if (kind === 0) return undefined;
  const v6 = kind === 6;
  const prefix = mask === undefined ? (v6 ? 128 : 32) : maskBits(mask, v6);
  if (prefix === undefined) return undefined;
  const loopback = v6 ? addr === "::1" && prefix === 128 : addr.startsWith("127.") && prefix >= 8;
  return { v6, prefix, loopback, negated };
}

export interface AclVerdict {
  /** A deny of every address comes first, as Asterisk's ACLs need to restrict anything. */
  denyAll: boolean;
  /** A permit of every address (0.0.0.0/0, ::/0, or a negated entry). */
  permitAll: boolean;
  /** Only the loopback address may connect (or no address at all). */
  localOnly: boolean;
  problem?: string;
}

/**
 * Asterisk ACLs allow by default and the last matching entry decides, so a user is restricted only
 * when a deny of everything is followed by narrower permits. An IPv4 deny does not cover IPv6
 * clients, which matters when AMI listens on an IPv6 address.
 */
export function aclVerdict(
  user: Pick<AmiUser, "permit" | "deny">,
  ipv6Listener: boolean,
): AclVerdict {
  const deny = user.deny.map(parseAclEntry).filter((d): d is AclNet => d !== undefined);
  const permit = user.permit.map(parseAclEntry).filter((p): p is AclNet => p !== undefined);
  const coversAll = (d: AclNet, v6: boolean) => d.v6 === v6 && (d.prefix === 0 || d.negated);
  const denyAll =
    deny.some((d) => coversAll(d, false)) &&
    (!ipv6Listener || deny.some((d) => coversAll(d, true)));
  const permitAll = permit.some((p) => p.prefix === 0 || p.negated);
  const localOnly = denyAll && !permitAll && permit.every((p) => p.loopback);
  let problem: string | undefined;
  if (user.deny.length === 0 && user.permit.length === 0) problem = "has no permit/deny ACL";
  else if (permitAll) problem = "permits every address";
  else if (!denyAll)
    problem = ipv6Listener
      ? "does not deny every address first (IPv4 0.0.0.0/0.0.0.0 and IPv6 ::/0), so unlisted addresses may connect"
      : "does not deny every address first (deny = 0.0.0.0/0.0.0.0), so unlisted addresses may connect";
  return { denyAll, permitAll, localOnly, problem };
}

export function isIpv6Address(address: string): boolean {
  return address.includes(":");
}

/** Whether an AMI user can log in from somewhere other than this host. */
export function amiUserReach(
  facts: Facts,
  ami: AmiFacts,
  user: AmiUser,
): { beyondLocalhost: boolean; exposed: boolean } {
  const listeners = amiListeners(facts, ami);
  const network = listeners.filter((l) => NETWORK_SCOPES.includes(l.scope));
  const verdict = aclVerdict(
    user,
    listeners.some((l) => isIpv6Address(l.address)),
  );
  const beyondLocalhost = network.length > 0 && !verdict.localOnly;
  const exposed = beyondLocalhost && network.some((l) => EXPOSED_SCOPES.includes(l.scope));
  return { beyondLocalhost, exposed };
}

// ---------------------------------------------------------------------------------------------
// Passwords

export const MIN_SECRET_LENGTH = 15;
export const MIN_SECRET_STRENGTH = 3;

/** What is wrong with a secret, from its qualities only. Empty when nothing is. */
export function secretProblems(p: PasswordFacts): string[] {
  if (p.state === "empty") return ["it is empty"];
  if (p.state !== "set") return [];
  const out: string[] = [];
  if (p.isDefault || p.quality?.isDefault) out.push("it is a known default (shipped or published)");
  const q = p.quality;
  if (!q) return out;
  if (q.length < MIN_SECRET_LENGTH)
    out.push(`it has only ${q.length} characters (at least ${MIN_SECRET_LENGTH})`);
  if (!q.isDefault && q.strength < MIN_SECRET_STRENGTH)
    out.push(`its estimated strength is ${q.strength}/4`);
  if (q.reusedWith.length) out.push(`it is also used by ${q.reusedWith.join(", ")}`);
  return out;
}

export function secretSeverity(p: PasswordFacts, exposed: boolean, local: boolean): Severity {
  const isDefault = p.isDefault || p.quality?.isDefault || p.state === "empty";
  if (isDefault) return exposed ? "critical" : local ? "high" : "critical";
  return exposed ? "high" : local ? "medium" : "high";
}

// ---------------------------------------------------------------------------------------------
// References for fixes

/** The [general] section of a file, from facts' evidence (the extractor cites it first). */
export function generalRef(
  origins: readonly Origin[],
  fallbackFile: string,
  service?: Service,
): AsteriskRef {
  if (service?.cfg?.language === "asterisk") return service.cfg;
  const header = origins.find(
    (o): o is ConfigOrigin => o.kind === "config" && (o.excerpt ?? "").startsWith("[general]"),
  );
  const anyFile = origins.find((o): o is ConfigOrigin => o.kind === "config");
  return {
    language: "asterisk",
    file: header?.file ?? anyFile?.file ?? fallbackFile,
    section: "general",
  };
}

/** Where an AMI user's section is, for a fix. */
export function userRef(u: AmiUser): AsteriskRef {
  return u.cfg?.language === "asterisk"
    ? u.cfg
    : { language: "asterisk", file: "etc/asterisk/manager.conf", section: u.name };
}

// ---------------------------------------------------------------------------------------------
// Case builders

export const MANAGER = "case/etc/asterisk/manager.conf";
export const HTTP = "case/etc/asterisk/http.conf";
export const ARI = "case/etc/asterisk/ari.conf";
export const LOGGER = "case/etc/asterisk/logger.conf";

export function asPbx(f: Facts): void {
  f.device.class = known("pbx", at("etc/asterisk"));
  f.device.platform = known("asterisk", at("etc/asterisk"));
}

export function quality(p: Partial<PasswordQuality> = {}): PasswordQuality {
  return {
    length: 24,
    lower: true,
    upper: true,
    digit: true,
    symbol: true,
    strength: 4,
    isDefault: false,
    reusedWith: [],
    ...p,
  };
}

export function secret(p: Partial<PasswordQuality> = {}, line = 5): Fact<PasswordFacts> {
  return known<PasswordFacts>(
    { state: "set", quality: quality(p) },
    at("secret = <secret not shown>", line, MANAGER),
  );
}

export function amiUser(name: string, p: Partial<AmiUser> = {}): AmiUser {
  return {
    name,
    password: secret(),
    permit: ["127.0.0.1/255.255.255.255"],
    deny: ["0.0.0.0/0.0.0.0"],
    read: ["system", "call"],
    write: ["call"],
    at: [at(`[${name}]`, 4, MANAGER), at("deny = 0.0.0.0/0.0.0.0", 6, MANAGER)],
    cfg: { language: "asterisk", file: MANAGER, section: name },
    ...p,
  };
}

export function withAmi(f: Facts, p: Partial<AmiFacts> = {}): AmiFacts {
  asPbx(f);
  const ami: AmiFacts = {
    enabled: true,
    bindAddress: "127.0.0.1",
    port: 5038,
    tls: false,
    users: [],
    at: [
      at("[general]", 1, MANAGER),
      at(`enabled = ${p.enabled === false ? "no" : "yes"}`, 2, MANAGER),
      at(`bindaddr = ${p.bindAddress ?? "127.0.0.1"}`, 3, MANAGER),
    ],
    ...p,
  };
  f.pbx.ami = known(ami, ...ami.at);
  return ami;
}

export function withHttp(f: Facts, p: Partial<AsteriskHttpFacts> = {}): AsteriskHttpFacts {
  asPbx(f);
  const http: AsteriskHttpFacts = {
    enabled: true,
    bindAddress: "127.0.0.1",
    port: 8088,
    tlsEnabled: false,
    ariUsers: [],
    at: [
      at("[general]", 1, HTTP),
      at("enabled = yes", 2, HTTP),
      at(`bindaddr = ${p.bindAddress ?? "127.0.0.1"}`, 3, HTTP),
    ],
    ...p,
  };
  f.pbx.http = known(http, ...http.at);
  return http;
}

export function ariUser(
  name: string,
  format: "plain" | "crypt",
  password: Fact<PasswordFacts> = known<PasswordFacts>(
    format === "crypt"
      ? { state: "set", hash: "sha512-crypt", isDefault: false }
      : { state: "set", quality: quality() },
    at("password = <secret not shown>", 5, ARI),
  ),
): AsteriskHttpFacts["ariUsers"][number] {
  return {
    name,
    passwordFormat: format,
    password,
    at: [at(`[${name}] (ARI user)`, 3, ARI), at(`password_format = ${format}`, 6, ARI)],
  };
}

export function channel(name: string, levels: string[], line = 3): AsteriskLogChannel {
  const type = name === "console" ? "console" : name.startsWith("syslog") ? "syslog" : "file";
  return {
    name,
    type,
    path:
      type === "file"
        ? name.startsWith("/")
          ? name
          : `/var/log/asterisk/${name}`
        : type === "syslog"
          ? `syslog:${name.split(".")[1] ?? "local0"}`
          : "console",
    levels,
    at: [at(`${name} => ${levels.join(",")}`, line, LOGGER)],
  };
}

export function withLogging(f: Facts, channels: AsteriskLogChannel[]): void {
  asPbx(f);
  const detail: AsteriskLoggingFacts = {
    securityLogFiles: channels
      .filter((c) => c.type === "file" && (c.levels.includes("security") || c.levels.includes("*")))
      .map((c) => c.path),
    at: [at("[logfiles]", 2, LOGGER), ...channels.flatMap((c) => c.at)],
    channels,
    logDir: "/var/log/asterisk",
    logfilesRef: { language: "asterisk", file: LOGGER, section: "logfiles" },
  };
  f.pbx.logging = known(detail, ...detail.at);
}

const F2B = "case/etc/fail2ban/jail.d/case.conf";

export function asteriskJail(
  name: string,
  logpaths: string[],
  p: Partial<Fail2banJail> = {},
): Fail2banJail {
  return {
    name,
    enabled: true,
    filter: name,
    logpaths,
    port: "5060,5061",
    maxretry: 5,
    findtimeSeconds: 600,
    bantimeSeconds: 3600,
    bantimeIncrement: false,
    ignoreip: [],
    actions: ["iptables-allports"],
    at: [at(`[${name}]`, 1, F2B), at(`logpath = ${logpaths.join(" ")}`, 4, F2B)],
    cfg: { language: "fail2ban", file: F2B, section: name },
    ...p,
  };
}

export function withJails(f: Facts, jails: Fail2banJail[]): void {
  f.fail2ban = known({ jails, at: [at("jail.conf", 1, F2B)] }, at("jail.conf", 1, F2B));
}
