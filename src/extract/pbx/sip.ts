/**
 * SIP and IAX2 facts from pjsip.conf (res_pjsip), sip.conf (chan_sip) and iax.conf (chan_iax2):
 * where each driver listens, who may register or call and with which credentials, and the
 * policies that let unauthenticated callers in. Each listener also becomes a Service, so the
 * generic exposure rules see SIP and IAX2 like any other port.
 *
 * What the running PBX does is decided the way the modules decide it (res_pjsip, chan_sip as of
 * Asterisk 20, its last release, and chan_iax2):
 *
 * - A driver whose module modules.conf does not load (`noload`, or `autoload = no` without a
 *   `load`) has no listener and no endpoints, whatever its file says.
 * - A file with an `#exec` (Wazo's `wazo-confgen`), or whose objects live in a database
 *   (sorcery.conf / extconfig.conf realtime), has content the input does not hold: the SIP
 *   facts are then unknown rather than a partial picture a rule could wrongly pass.
 * - res_pjsip: a transport without `bind` is not started; udp/tcp default to port 5060 and tls to
 *   5061; ws/wss ride on Asterisk's HTTP server (http.conf). `identify_by` defaults to
 *   `username,ip`, so an endpoint without inbound `auth` can be reached by anyone who puts its
 *   name in the From header. Unknown users always get a challenge (the "artificial endpoint":
 *   there is no alwaysauthreject option to turn off).
 * - chan_sip: `bindaddr`/`udpbindaddr` (default 0.0.0.0:5060, `bindport` overrides the port);
 *   TCP only with `tcpenable`, on `tcpbindaddr` or else the UDP address; TLS only with
 *   `tlsenable`, on `tlsbindaddr` or else the UDP address with port 5061. `allowguest` defaults
 *   to yes, `alwaysauthreject` to yes, `autocreatepeer` to no. A peer authenticates with its
 *   section name as digest user name.
 * - chan_iax2: `bindport` (default 4569) applies to the `bindaddr`s after it; without any
 *   `bindaddr` it listens on 0.0.0.0. A user without secret, dbsecret or inkeys accepts calls from
 *   anyone who names it.
 *
 * Plaintext secrets go to ExtractContext.noteSecret (qualities and reuse only) and nowhere else;
 * stored digests (md5secret, md5_cred, password_digest) are "set" with unknown quality. Origins
 * never quote a secret, including those embedded in `register =>` lines.
 */
import type {
  AsteriskRef,
  BindScope,
  Facts,
  PasswordFacts,
  PasswordQuality,
  Service,
} from "../../facts/model.js";
import type {
  SipDriver,
  SipEndpoint,
  SipFacts,
  SipPeerRole,
  SipPolicy,
  SipTransport,
} from "../../facts/pbx.js";
import { type ConfigOrigin, type Fact, known, type Origin, unknown } from "../../facts/value.js";
import { getAllEntries, getEntry, hasErrors } from "../../parsers/asterisk/index.js";
import type {
  AsteriskConfig,
  AsteriskEntry,
  AsteriskSection,
} from "../../parsers/asterisk/types.js";
import { isSecretOption } from "../context.js";
import { ASTERISK_DIR, type AsteriskContext } from "./context.js";

const NOT_DERIVED = unknown("firewall not evaluated yet");
const SECRET = "<secret not shown>";

// ---------------------------------------------------------------------------------------------
// Small readers

const fold = (s: string): string => s.toLowerCase();

/** Asterisk's ast_true(). */
function isTrue(v: string | undefined): boolean {
  return v !== undefined && /^(?:yes|true|y|t|1|on)$/i.test(v.trim());
}

/** Asterisk's ast_false(). */
function isFalse(v: string | undefined): boolean {
  return v !== undefined && /^(?:no|false|n|f|0|off)$/i.test(v.trim());
}

function splitList(v: string | undefined): string[] {
  return (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function sectionsOf(config: AsteriskConfig): AsteriskSection[] {
  return config.sections.filter((s) => !s.isTemplate);
}

function sectionNamed(config: AsteriskConfig, name: string): AsteriskSection | undefined {
  return sectionsOf(config).find((s) => fold(s.name) === fold(name));
}

/** The last entry among several option names that set the same variable (bindaddr/udpbindaddr). */
function lastOf(section: AsteriskSection, keys: string[]): AsteriskEntry | undefined {
  const wanted = new Set(keys.map(fold));
  let found: AsteriskEntry | undefined;
  for (const e of section.entries) if (wanted.has(fold(e.key))) found = e;
  return found;
}

/** "0.0.0.0", "0.0.0.0:5060", "[::]:5061", "::", "pbx.example.com:5080". */
export function parseHostPort(spec: string): { host: string; port?: number } {
  const v = spec.trim();
  const bracket = /^(\[[^\]]*\])(?::(\d{1,5}))?$/.exec(v);
  if (bracket)
    return { host: bracket[1] as string, port: bracket[2] ? Number(bracket[2]) : undefined };
  const colons = v.split(":").length - 1;
  if (colons === 1) {
    const [host, port] = v.split(":") as [string, string];
    if (/^\d{1,5}$/.test(port)) return { host, port: Number(port) };
  }
  return { host: v };
}

export function bindScopeOf(host: string): BindScope {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "" || h === "0.0.0.0" || h === "::" || h === "*" || /^(?:0+:){7}0+$/.test(h))
    return "any";
  if (h.startsWith("127.") || h === "::1" || h === "localhost") return "loopback";
  return "specific";
}

// ---------------------------------------------------------------------------------------------
// Provenance without secrets

/** Options whose values carry a secret besides those isSecretOption() knows. */
const EXTRA_SECRET_KEYS = new Set(["password_digest", "dbsecret", "remotesecret"]);

/** `register => user:secret@host/ext` and `auth = user:secret@realm`: the secret part masked. */
function maskUserinfo(value: string): string {
  const at = value.lastIndexOf("@");
  if (at < 0) return value;
  const left = value.slice(0, at);
  const scheme = /^(?:[^?]*\?)?(?:[a-z]+:\/\/)?/i.exec(left)?.[0] ?? "";
  const user = left.slice(scheme.length);
  const colon = user.indexOf(":");
  if (colon < 0) return value;
  const rest = user.slice(colon + 1);
  const authuser = rest.includes(":") ? `:${rest.slice(rest.indexOf(":") + 1)}` : "";
  return `${scheme}${user.slice(0, colon)}:${SECRET}${authuser}${value.slice(at)}`;
}

function safeOrigin(ctx: AsteriskContext, entry: AsteriskEntry): ConfigOrigin {
  const key = fold(entry.key);
  if (EXTRA_SECRET_KEYS.has(key) && !isSecretOption(entry.key)) {
    return { ...ctx.entryOrigin(entry), excerpt: `${entry.key} = ${SECRET}` };
  }
  if (key === "register" || key === "auth" || /^[a-z]+:[^@]*:[^@]*@/i.test(entry.value)) {
    const op = entry.objectSyntax ? "=>" : "=";
    return {
      ...ctx.entryOrigin(entry),
      excerpt: `${entry.key} ${op} ${maskUserinfo(entry.value)}`,
    };
  }
  return ctx.entryOrigin(entry);
}

function fileOrigin(
  ctx: AsteriskContext,
  name: string,
  excerpt: string,
  implied = false,
): ConfigOrigin {
  return {
    kind: "config",
    file: ctx.tree.display(`${ASTERISK_DIR}/${name}`),
    excerpt,
    ...(implied ? { implied: true } : {}),
  };
}

/** An option's value with where it came from: its line, or the module default it implies. */
interface Setting {
  value: string;
  at: ConfigOrigin;
  entry?: AsteriskEntry;
}

function setting(
  ctx: AsteriskContext,
  file: string,
  section: AsteriskSection | undefined,
  keys: string | string[],
  fallback: string,
): Setting {
  const names = Array.isArray(keys) ? keys : [keys];
  const entry = section ? lastOf(section, names) : undefined;
  if (entry) return { value: entry.value, at: safeOrigin(ctx, entry), entry };
  const key = names[0] as string;
  return {
    value: fallback,
    at: section
      ? ctx.implied(section, key, fallback)
      : fileOrigin(ctx, file, `no [general] section: ${key} defaults to ${fallback}`, true),
  };
}

// ---------------------------------------------------------------------------------------------
// Whether a driver's file is what the PBX runs

type DriverState =
  | { state: "absent"; at: ConfigOrigin[] }
  | { state: "not-loaded"; at: ConfigOrigin[] }
  | { state: "outside"; reason: string; at: ConfigOrigin[] }
  | { state: "active"; config: AsteriskConfig; at: ConfigOrigin[] };

interface DriverSpec {
  driver: SipDriver;
  file: string;
  module: string;
  /** extconfig.conf [settings] keys that move this driver's objects to a database. */
  realtime: string[];
}

const DRIVERS: DriverSpec[] = [
  { driver: "pjsip", file: "pjsip.conf", module: "res_pjsip", realtime: [] },
  { driver: "chan_sip", file: "sip.conf", module: "chan_sip", realtime: ["sippeers", "sipusers"] },
  { driver: "iax2", file: "iax.conf", module: "chan_iax2", realtime: ["iaxpeers", "iaxusers"] },
];

/** modules.conf's verdict on a module, or undefined without a modules.conf. */
function moduleLoaded(
  ctx: AsteriskContext,
  module: string,
): { loaded: boolean; at: ConfigOrigin } | undefined {
  const cfg = ctx.asterisk("modules.conf");
  const sec = cfg ? sectionNamed(cfg, "modules") : undefined;
  if (!sec) return undefined;
  const is = (e: AsteriskEntry) => fold(e.value.trim()).replace(/\.so$/, "") === module;
  const noload = getAllEntries(sec, "noload").find(is);
  if (noload) return { loaded: false, at: ctx.entryOrigin(noload) };
  for (const key of ["load", "preload", "require", "preload-require"]) {
    const e = getAllEntries(sec, key).find(is);
    if (e) return { loaded: true, at: ctx.entryOrigin(e) };
  }
  const auto = getEntry(sec, "autoload");
  if (auto && isTrue(auto.value)) return { loaded: true, at: ctx.entryOrigin(auto) };
  return {
    loaded: false,
    at: auto
      ? {
          ...ctx.entryOrigin(auto),
          excerpt: `${ctx.entryOrigin(auto).excerpt} (no load => ${module}.so)`,
        }
      : ctx.implied(sec, "autoload", `no, and there is no load => ${module}.so`),
  };
}

/** `#exec` runs only with execincludes = yes in asterisk.conf; undefined when that file is absent. */
function execEnabled(ctx: AsteriskContext): { enabled: boolean; at: ConfigOrigin } | undefined {
  const cfg = ctx.asterisk("asterisk.conf");
  if (!cfg) return undefined;
  const sec = sectionNamed(cfg, "options");
  const e = sec ? getEntry(sec, "execincludes") : undefined;
  if (e) return { enabled: isTrue(e.value), at: ctx.entryOrigin(e) };
  return {
    enabled: false,
    at: sec
      ? ctx.implied(sec, "execincludes", "no")
      : fileOrigin(ctx, "asterisk.conf", "no [options] section: execincludes defaults to no", true),
  };
}

/** Objects of the driver kept in a database rather than in its file. */
function realtimeOf(ctx: AsteriskContext, spec: DriverSpec): ConfigOrigin[] {
  const out: ConfigOrigin[] = [];
  const ext = ctx.asterisk("extconfig.conf");
  const settings = ext ? sectionNamed(ext, "settings") : undefined;
  if (settings) {
    for (const e of settings.entries)
      if (spec.realtime.includes(fold(e.key))) out.push(ctx.entryOrigin(e));
  }
  if (spec.driver === "pjsip") {
    const sorcery = ctx.asterisk("sorcery.conf");
    for (const sec of sorcery ? sectionsOf(sorcery) : []) {
      if (!fold(sec.name).startsWith("res_pjsip")) continue;
      for (const e of sec.entries)
        if (!/^config\b/i.test(e.value.trim())) out.push(ctx.entryOrigin(e));
    }
  }
  return out;
}

function driverState(ctx: AsteriskContext, spec: DriverSpec): DriverState {
  const config = ctx.asterisk(spec.file);
  if (!config)
    return {
      state: "absent",
      at: [fileOrigin(ctx, spec.file, `no ${spec.file}: ${spec.module} has nothing to run`, true)],
    };
  const top = fileOrigin(ctx, spec.file, `${spec.file} present`);
  const mod = moduleLoaded(ctx, spec.module);
  if (mod && !mod.loaded) return { state: "not-loaded", at: [mod.at] };
  const at = mod ? [top, mod.at] : [top];
  if (hasErrors(config)) {
    const errs = config.diagnostics.filter((d) => d.severity === "error");
    return {
      state: "outside",
      reason: `Asterisk would refuse ${spec.file} (${errs.map((d) => d.message).join("; ")})`,
      at: errs.map((d) => ({
        kind: "config" as const,
        file: ctx.tree.display(d.file),
        line: d.line,
        excerpt: d.message,
      })),
    };
  }
  if (config.execs.length > 0) {
    const exec = execEnabled(ctx);
    const execAt = config.execs.map(
      (x): ConfigOrigin => ({
        kind: "config",
        file: ctx.tree.display(x.file),
        line: x.line,
        excerpt: `#exec ${x.command}`,
      }),
    );
    if (!exec || exec.enabled) {
      return {
        state: "outside",
        reason: `${spec.file} is generated at run time by #exec ${config.execs.map((x) => x.command).join(", ")}; save that command's output in the input to audit it`,
        at: exec ? [...execAt, exec.at] : execAt,
      };
    }
    at.push(exec.at);
  }
  const rt = realtimeOf(ctx, spec);
  if (rt.length > 0)
    return {
      state: "outside",
      reason: `${spec.driver} objects are kept in a realtime database (${rt.map((o) => o.excerpt).join("; ")})`,
      at: rt,
    };
  return { state: "active", config, at };
}

// ---------------------------------------------------------------------------------------------
// What the drivers contribute

interface Collected {
  transports: SipTransport[];
  endpoints: SipEndpoint[];
  /** Named ACLs from acl.conf, resolved once. */
  namedAcls: Map<string, { permit: string[]; deny: string[] }> | undefined;
}

function listenerService(t: SipTransport, kind: "sip" | "iax2", anonymous: Fact<boolean>): Service {
  const label =
    kind === "iax2"
      ? `IAX2 ${t.bindAddress}:${t.port}/udp (chan_iax2)`
      : `SIP over ${t.protocol.toUpperCase()} ${t.bindAddress}:${t.port} (${t.driver}${t.driver === "pjsip" ? ` transport '${t.name}'` : ""})`;
  return {
    id: (kind === "iax2" ? t.name : `sip-${t.driver}-${t.name}`).replace(/[^A-Za-z0-9_.-]+/g, "_"),
    kind,
    label,
    admin: false,
    enabled: known(true, ...t.at),
    ports: known([{ from: t.port, to: t.port, transport: t.protocol }], ...t.at),
    bind: known(t.bind, ...t.at),
    tls: known(t.protocol === "tls" || t.protocol === "wss", ...t.at),
    auth: { anonymous },
    wan: NOT_DERIVED,
    cfg: t.cfg,
  };
}

/** A driver whose configuration is not in the input: its listener exists, where is unknown. */
function unknownService(spec: DriverSpec, reason: string, at: ConfigOrigin[]): Service {
  const kind = spec.driver === "iax2" ? "iax2" : "sip";
  const why = unknown(reason, ...at);
  return {
    id: kind === "iax2" ? "iax2" : `sip-${spec.driver}`,
    kind,
    label: kind === "iax2" ? "IAX2 (chan_iax2)" : `SIP (${spec.driver})`,
    admin: false,
    enabled: why,
    ports: why,
    bind: why,
    tls: why,
    auth: {},
    wan: NOT_DERIVED,
  };
}

/** acl.conf's named ACLs: [name] with permit/deny lines. */
function namedAcls(
  ctx: AsteriskContext,
  out: Collected,
): Map<string, { permit: string[]; deny: string[] }> {
  if (out.namedAcls) return out.namedAcls;
  const map = new Map<string, { permit: string[]; deny: string[] }>();
  const cfg = ctx.asterisk("acl.conf");
  for (const sec of cfg ? sectionsOf(cfg) : []) {
    map.set(fold(sec.name), {
      permit: getAllEntries(sec, "permit").flatMap((e) => splitList(e.value)),
      deny: getAllEntries(sec, "deny").flatMap((e) => splitList(e.value)),
    });
  }
  out.namedAcls = map;
  return map;
}

type Acl = SipEndpoint["acl"];

function emptyAcl(): Acl {
  return { permit: [], deny: [], named: [] };
}

/** Adds a section's ACL options; named ACLs found in acl.conf add their entries too. */
function addAcl(
  ctx: AsteriskContext,
  out: Collected,
  acl: Acl,
  at: Origin[],
  section: AsteriskSection,
  keys: { permit: string[]; deny: string[]; named: string[] },
): void {
  const named = namedAcls(ctx, out);
  for (const key of keys.permit)
    for (const e of getAllEntries(section, key)) {
      acl.permit.push(...splitList(e.value));
      at.push(ctx.entryOrigin(e));
    }
  for (const key of keys.deny)
    for (const e of getAllEntries(section, key)) {
      acl.deny.push(...splitList(e.value));
      at.push(ctx.entryOrigin(e));
    }
  for (const key of keys.named)
    for (const e of getAllEntries(section, key)) {
      at.push(ctx.entryOrigin(e));
      for (const name of splitList(e.value)) {
        acl.named.push(name);
        const def = named.get(fold(name));
        if (def) {
          acl.permit.push(...def.permit);
          acl.deny.push(...def.deny);
        }
      }
    }
}

/**
 * Notes a plaintext secret (reuse ledger, qualities). A password equal to the user name (or the
 * endpoint name) is sent in clear in every REGISTER's Authorization header: it counts as
 * guessable, strength 0, however random it looks.
 */
function notePassword(
  ctx: AsteriskContext,
  label: string,
  plain: string,
  names: (string | undefined)[],
): PasswordQuality {
  const q = ctx.noteSecret(label, plain);
  const lower = plain.toLowerCase();
  if (!names.some((n) => n !== undefined && n.toLowerCase() === lower)) return q;
  return {
    length: q.length,
    lower: q.lower,
    upper: q.upper,
    digit: q.digit,
    symbol: q.symbol,
    strength: 0,
    isDefault: q.isDefault,
    reusedWith: q.reusedWith,
  };
}

function plainPassword(quality: PasswordQuality, ...at: Origin[]): Fact<PasswordFacts> {
  return known({ state: quality.length === 0 ? "empty" : "set", quality }, ...at);
}

// ---------------------------------------------------------------------------------------------
// res_pjsip

interface HttpListener {
  address: string;
  port: number;
  at: ConfigOrigin[];
}

/** Where Asterisk's HTTP server listens, for ws (plain) or wss (tls) SIP transports. */
function httpListener(ctx: AsteriskContext, secure: boolean): HttpListener | undefined {
  const cfg = ctx.asterisk("http.conf");
  const g = cfg ? sectionNamed(cfg, "general") : undefined;
  if (!g) return undefined;
  const enabled = getEntry(g, "enabled");
  if (!enabled || !isTrue(enabled.value)) return undefined;
  if (!secure) {
    const addr = getEntry(g, "bindaddr");
    if (!addr) return undefined;
    const port = getEntry(g, "bindport");
    const hp = parseHostPort(addr.value);
    return {
      address: hp.host,
      port: port ? Number(port.value) : 8088,
      at: [
        ctx.entryOrigin(enabled),
        ctx.entryOrigin(addr),
        ...(port ? [ctx.entryOrigin(port)] : []),
      ],
    };
  }
  const tls = lastOf(g, ["tlsenable", "sslenable"]);
  const addr = lastOf(g, ["tlsbindaddr", "sslbindaddr"]);
  if (!tls || !isTrue(tls.value) || !addr) return undefined;
  const hp = parseHostPort(addr.value);
  return {
    address: hp.host,
    port: hp.port ?? 8089,
    at: [ctx.entryOrigin(tls), ctx.entryOrigin(addr)],
  };
}

function typeOf(s: AsteriskSection): string {
  return fold(getEntry(s, "type")?.value.trim() ?? "");
}

/** Sections of one pjsip type, the first of each name (Asterisk refuses duplicates). */
function ofType(config: AsteriskConfig, type: string): AsteriskSection[] {
  const seen = new Set<string>();
  return sectionsOf(config).filter((s) => {
    if (typeOf(s) !== type || seen.has(s.name)) return false;
    seen.add(s.name);
    return true;
  });
}

function hostOfUri(uri: string): string | undefined {
  const m = /^(?:sips?:)?(?:[^@]*@)?(\[[^\]]+\]|[^:;>/]+)/i.exec(uri.trim());
  return m?.[1] ? fold(m[1]) : undefined;
}

function pjsip(
  ctx: AsteriskContext,
  config: AsteriskConfig,
  out: Collected,
): { anonymous: boolean; at: ConfigOrigin } {
  const file = "pjsip.conf";

  // Transports.
  for (const sec of ofType(config, "transport")) {
    const proto = setting(ctx, file, sec, "protocol", "udp");
    const protocol = fold(proto.value.trim());
    if (!["udp", "tcp", "tls", "ws", "wss"].includes(protocol)) continue; // flow or invalid
    const bind = getEntry(sec, "bind");
    if (!bind) continue; // "could not be started as binding not specified"
    const at: ConfigOrigin[] = [
      ctx.sectionOrigin(sec, "type = transport"),
      proto.at,
      ctx.entryOrigin(bind),
    ];
    let address: string;
    let port: number;
    if (protocol === "ws" || protocol === "wss") {
      const http = httpListener(ctx, protocol === "wss");
      if (!http) continue; // no HTTP(S) server: the websocket transport has no listener
      address = http.address;
      port = http.port;
      at.push(...http.at);
    } else {
      const hp = parseHostPort(bind.value);
      address = hp.host;
      port = hp.port ?? (protocol === "tls" ? 5061 : 5060);
    }
    out.transports.push({
      name: sec.name,
      driver: "pjsip",
      protocol: protocol as SipTransport["protocol"],
      bindAddress: address,
      port,
      bind: bindScopeOf(address),
      at,
      cfg: ctx.ref(sec),
    });
  }

  const auths = new Map(ofType(config, "auth").map((s) => [s.name, s]));
  const aors = new Map(ofType(config, "aor").map((s) => [s.name, s]));

  // Global ACLs (res_pjsip_acl): they apply to every request, so to every endpoint.
  const globalAcl = emptyAcl();
  const globalAclAt: Origin[] = [];
  for (const sec of ofType(config, "acl")) {
    addAcl(ctx, out, globalAcl, globalAclAt, sec, {
      permit: ["permit", "contact_permit"],
      deny: ["deny", "contact_deny"],
      named: ["acl", "contact_acl"],
    });
  }

  // Which endpoints are trunks: matched by address, registered outbound, authenticating outbound only.
  const trunkWhy = new Map<string, ConfigOrigin[]>();
  const markTrunk = (name: string, o: ConfigOrigin) =>
    trunkWhy.set(name, [...(trunkWhy.get(name) ?? []), o]);
  const ipMatched = new Map<string, ConfigOrigin[]>();
  for (const sec of ofType(config, "identify")) {
    const ep = getEntry(sec, "endpoint");
    if (!ep) continue;
    markTrunk(
      ep.value.trim(),
      ctx.sectionOrigin(sec, `type = identify, endpoint = ${ep.value.trim()}`),
    );
    const matches = getAllEntries(sec, "match");
    if (matches.length)
      ipMatched.set(ep.value.trim(), [
        ...(ipMatched.get(ep.value.trim()) ?? []),
        ...matches.map((m) => ctx.entryOrigin(m)),
      ]);
  }
  const registrationHosts = new Map<string, ConfigOrigin>();
  const outboundNoted = new Set<string>();
  const noteOutbound = (names: string[], label: string) => {
    for (const n of names) {
      const sec = auths.get(n);
      const pw = sec ? getEntry(sec, "password") : undefined;
      if (sec && pw?.value && !outboundNoted.has(n)) {
        outboundNoted.add(n);
        ctx.noteSecret(`${label} (pjsip outbound auth '${n}')`, pw.value);
      }
    }
  };
  for (const sec of ofType(config, "registration")) {
    const ep = getEntry(sec, "endpoint");
    if (ep)
      markTrunk(
        ep.value.trim(),
        ctx.sectionOrigin(sec, `type = registration, endpoint = ${ep.value.trim()}`),
      );
    const server = getEntry(sec, "server_uri");
    const host = server ? hostOfUri(server.value) : undefined;
    if (host)
      registrationHosts.set(
        host,
        ctx.sectionOrigin(
          sec,
          `type = registration, server_uri = ${maskUserinfo(server?.value ?? "")}`,
        ),
      );
    noteOutbound(
      getAllEntries(sec, "outbound_auth").flatMap((e) => splitList(e.value)),
      `registration '${sec.name}'`,
    );
  }

  let anonymous: ConfigOrigin | undefined;
  for (const sec of ofType(config, "endpoint")) {
    const name = sec.name;
    const at: Origin[] = [ctx.sectionOrigin(sec, "type = endpoint")];
    const context = setting(ctx, file, sec, "context", "default");
    at.push(context.at);
    const authEntry = getEntry(sec, "auth");
    const authNames = splitList(authEntry?.value);
    const outbound = splitList(getEntry(sec, "outbound_auth")?.value);
    noteOutbound(outbound, `endpoint '${name}'`);
    const identifyBy = setting(ctx, file, sec, "identify_by", "username,ip");
    const byName = splitList(identifyBy.value).some((m) =>
      ["username", "auth_username", "header", "request_uri"].includes(fold(m)),
    );

    // Role.
    let role: SipPeerRole;
    const hosts = splitList(getEntry(sec, "aors")?.value).flatMap((a) => {
      const aor = aors.get(a);
      return aor ? getAllEntries(aor, "contact").map((c) => hostOfUri(c.value)) : [];
    });
    const registeredTo = hosts.map((h) => (h ? registrationHosts.get(h) : undefined)).find(Boolean);
    if (registeredTo) markTrunk(name, registeredTo);
    if (name === "anonymous") {
      role = "anonymous";
      anonymous = ctx.sectionOrigin(
        sec,
        "type = endpoint: takes every request no other endpoint matches",
      );
    } else if (trunkWhy.has(name)) {
      role = "trunk";
      at.push(...(trunkWhy.get(name) ?? []));
    } else if (outbound.length > 0 && authNames.length === 0) {
      role = "trunk";
      at.push(safeOrigin(ctx, getEntry(sec, "outbound_auth") as AsteriskEntry));
    } else role = authNames.length > 0 ? "extension" : "unknown";

    // Inbound credentials: the first auth object decides the user name and the password.
    let authUsername: string | undefined;
    let password: Fact<PasswordFacts>;
    let unauthenticated: Fact<boolean>;
    if (authEntry && authNames.length > 0) {
      at.push(ctx.entryOrigin(authEntry));
      const first = authNames[0] as string;
      const authSec = auths.get(first);
      if (!authSec) {
        password = unknown(
          `auth '${first}' is not defined in pjsip.conf`,
          ctx.entryOrigin(authEntry),
        );
      } else {
        at.push(ctx.sectionOrigin(authSec, "type = auth"));
        const user = getEntry(authSec, "username");
        authUsername = user?.value.trim() || undefined;
        if (user) at.push(ctx.entryOrigin(user));
        password = pjsipPassword(ctx, authSec, `pjsip endpoint '${name}'`, [authUsername, name]);
      }
      for (const other of authNames.slice(1)) {
        const s = auths.get(other);
        const pw = s ? getEntry(s, "password") : undefined;
        if (pw?.value) ctx.noteSecret(`pjsip endpoint '${name}' (auth '${other}')`, pw.value);
      }
      unauthenticated = known(false, ctx.entryOrigin(authEntry));
    } else {
      const none: ConfigOrigin = {
        ...ctx.sectionOrigin(sec, "has no auth = (no inbound authentication)"),
      };
      password = known({ state: "empty" }, none);
      if (name === "anonymous" || byName) {
        unauthenticated = known(true, none, identifyBy.at);
      } else {
        unauthenticated = known(false, none, identifyBy.at, ...(ipMatched.get(name) ?? []));
      }
    }

    const acl = emptyAcl();
    addAcl(ctx, out, acl, at, sec, {
      permit: ["permit", "contact_permit"],
      deny: ["deny", "contact_deny"],
      named: ["acl", "contact_acl"],
    });
    acl.permit.push(...globalAcl.permit);
    acl.deny.push(...globalAcl.deny);
    acl.named.push(...globalAcl.named);
    at.push(...globalAclAt);

    const transport = getEntry(sec, "transport");
    if (transport) at.push(ctx.entryOrigin(transport));
    const media = setting(ctx, file, sec, "media_encryption", "no");
    at.push(media.at);
    const m = fold(media.value.trim());
    out.endpoints.push({
      name,
      driver: "pjsip",
      role,
      context: context.value,
      authUsername,
      usernameIsName: authUsername !== undefined && fold(authUsername) === fold(name),
      password,
      unauthenticated,
      acl,
      transports: splitList(transport?.value),
      mediaEncryption: m === "no" ? "none" : m === "sdes" || m === "dtls" ? m : "unknown",
      at,
      cfg: ctx.ref(sec),
    });
  }
  return anonymous
    ? { anonymous: true, at: anonymous }
    : {
        anonymous: false,
        at: fileOrigin(
          ctx,
          file,
          "no endpoint named 'anonymous': unidentified requests are challenged",
          true,
        ),
      };
}

function pjsipPassword(
  ctx: AsteriskContext,
  auth: AsteriskSection,
  label: string,
  names: (string | undefined)[],
): Fact<PasswordFacts> {
  const pw = getEntry(auth, "password");
  const type = fold(getEntry(auth, "auth_type")?.value.trim() ?? "userpass");
  const digest = getAllEntries(auth, "password_digest")[0] ?? getEntry(auth, "md5_cred");
  if (type !== "md5" && pw && pw.value.length > 0)
    return plainPassword(notePassword(ctx, label, pw.value, names), safeOrigin(ctx, pw));
  if (digest && digest.value.trim().length > 0)
    return known({ state: "set", hash: "unknown" }, safeOrigin(ctx, digest));
  if (type === "google_oauth")
    return known(
      { state: "delegated", delegatedTo: "Google OAuth" },
      ctx.sectionOrigin(auth, "auth_type = google_oauth"),
    );
  return known(
    { state: "empty" },
    pw ? safeOrigin(ctx, pw) : ctx.sectionOrigin(auth, "type = auth without password"),
  );
}

// ---------------------------------------------------------------------------------------------
// chan_sip

function chanSip(
  ctx: AsteriskContext,
  config: AsteriskConfig,
  out: Collected,
): Pick<SipPolicy, "allowGuest" | "autoCreatePeer" | "alwaysAuthReject"> {
  const file = "sip.conf";
  const g = sectionNamed(config, "general");
  const context = setting(ctx, file, g, "context", "default");
  const allowGuest = setting(ctx, file, g, "allowguest", "yes");
  const alwaysReject = setting(ctx, file, g, "alwaysauthreject", "yes");
  const autoCreate = setting(ctx, file, g, "autocreatepeer", "no");
  const generalInsecure = g ? getEntry(g, "insecure") : undefined;
  const ref: AsteriskRef = g
    ? ctx.ref(g)
    : {
        language: "asterisk",
        file: ctx.tree.display(`${ASTERISK_DIR}/${file}`),
        section: "general",
      };
  const guestAllowed = isTrue(allowGuest.value);
  const autoPeers = isTrue(autoCreate.value) || fold(autoCreate.value.trim()) === "persist";

  // Listeners.
  const udpAddr = setting(ctx, file, g, ["bindaddr", "udpbindaddr"], "0.0.0.0");
  const bindport = g ? getEntry(g, "bindport") : undefined;
  const udp = parseHostPort(udpAddr.value);
  const udpPort =
    bindport && /^\d+$/.test(bindport.value.trim())
      ? Number(bindport.value.trim())
      : (udp.port ?? 5060);
  const udpAt = [udpAddr.at, ...(bindport ? [ctx.entryOrigin(bindport)] : [])];
  const listen = (
    protocol: "udp" | "tcp" | "tls",
    host: string,
    port: number,
    at: ConfigOrigin[],
  ) =>
    out.transports.push({
      name: protocol,
      driver: "chan_sip",
      protocol,
      bindAddress: host,
      port,
      bind: bindScopeOf(host),
      at,
      cfg: ref,
    });
  listen("udp", udp.host, udpPort, udpAt);
  const tcpEnable = setting(ctx, file, g, "tcpenable", "no");
  if (!isFalse(tcpEnable.value)) {
    const tcpAddr = g ? getEntry(g, "tcpbindaddr") : undefined;
    const hp = tcpAddr ? parseHostPort(tcpAddr.value) : { host: udp.host, port: udpPort };
    listen("tcp", hp.host, hp.port ?? 5060, [
      tcpEnable.at,
      ...(tcpAddr ? [ctx.entryOrigin(tcpAddr)] : udpAt),
    ]);
  }
  const tlsEnable = setting(ctx, file, g, ["tlsenable", "sslenable"], "no");
  if (isTrue(tlsEnable.value)) {
    const tlsAddr = g ? lastOf(g, ["tlsbindaddr", "sslbindaddr"]) : undefined;
    const hp = tlsAddr ? parseHostPort(tlsAddr.value) : { host: udp.host };
    listen("tls", hp.host, hp.port ?? 5061, [
      tlsEnable.at,
      ...(tlsAddr ? [ctx.entryOrigin(tlsAddr)] : udpAt),
    ]);
  }

  // Outbound credentials: only into the reuse ledger.
  for (const e of g ? getAllEntries(g, "register") : []) {
    const secret = registerSecret(e.value);
    if (secret) ctx.noteSecret(`chan_sip registration ${maskUserinfo(e.value)}`, secret);
  }
  const authSec = sectionNamed(config, "authentication");
  for (const e of authSec ? getAllEntries(authSec, "auth") : []) {
    const secret = registerSecret(e.value);
    if (secret) ctx.noteSecret(`chan_sip [authentication] ${maskUserinfo(e.value)}`, secret);
  }
  const registeredPeers = new Set(
    (g ? getAllEntries(g, "register") : [])
      .map((e) => /^([^?/:@]+)\?/.exec(e.value.trim())?.[1])
      .filter((p): p is string => p !== undefined),
  );

  // The implicit guest: unauthenticated INVITEs land in the general context.
  if (guestAllowed) {
    out.endpoints.push({
      name: "(guest calls)",
      driver: "chan_sip",
      role: "guest",
      context: context.value,
      usernameIsName: false,
      password: known({ state: "empty" }, allowGuest.at),
      unauthenticated: known(true, allowGuest.at),
      acl: emptyAcl(),
      transports: [],
      mediaEncryption: "none",
      at: [allowGuest.at, context.at],
      cfg: ref,
    });
  }

  const contactAcl = emptyAcl();
  const contactAclAt: Origin[] = [];
  if (g)
    addAcl(ctx, out, contactAcl, contactAclAt, g, {
      permit: ["contactpermit"],
      deny: ["contactdeny"],
      named: ["contactacl"],
    });

  for (const sec of sectionsOf(config)) {
    const lname = fold(sec.name);
    if (lname === "general" || lname === "authentication") continue;
    const type = fold(getEntry(sec, "type")?.value.trim() ?? "");
    if (!["user", "peer", "friend"].includes(type)) continue; // chan_sip skips it
    const name = sec.name;
    const at: Origin[] = [ctx.sectionOrigin(sec, `type = ${type}`)];
    const host = getEntry(sec, "host");
    const dynamic = !host || fold(host.value.trim()) === "dynamic";
    if (host) at.push(ctx.entryOrigin(host));
    const ctxEntry = getEntry(sec, "context");
    const peerContext = ctxEntry ? ctxEntry.value : context.value;
    at.push(ctxEntry ? ctx.entryOrigin(ctxEntry) : context.at);
    const secret = getEntry(sec, "secret");
    const md5 = getEntry(sec, "md5secret");
    const insecureEntry = getEntry(sec, "insecure") ?? generalInsecure;
    const insecure = splitList(fold(insecureEntry?.value ?? ""));
    const insecureInvite = insecure.includes("invite") || insecure.includes("very");
    if (insecureEntry) at.push(ctx.entryOrigin(insecureEntry));

    let password: Fact<PasswordFacts>;
    if (secret && secret.value.length > 0)
      password = plainPassword(
        notePassword(ctx, `chan_sip peer '${name}'`, secret.value, [name]),
        safeOrigin(ctx, secret),
      );
    else if (md5 && md5.value.trim().length > 0)
      password = known({ state: "set", hash: "unknown" }, safeOrigin(ctx, md5));
    else
      password = known(
        { state: "empty" },
        secret ? safeOrigin(ctx, secret) : ctx.sectionOrigin(sec, "has no secret"),
      );
    const noSecret = password.known && password.value.state === "empty";

    const fixedHost = !dynamic && type !== "user";
    const role: SipPeerRole = fixedHost || registeredPeers.has(name) ? "trunk" : "extension";
    // A user/friend is matched by the From user name; a peer with a fixed host by source address.
    const byName = type !== "peer" || dynamic;
    const open = (noSecret || insecureInvite) && byName;
    const unauthenticated = known(
      open,
      ...password.at,
      ...(insecureEntry ? [ctx.entryOrigin(insecureEntry)] : []),
      ...(host ? [ctx.entryOrigin(host)] : []),
    );

    const acl = emptyAcl();
    addAcl(ctx, out, acl, at, sec, {
      permit: ["permit", "contactpermit"],
      deny: ["deny", "contactdeny"],
      named: ["acl", "contactacl"],
    });
    acl.permit.push(...contactAcl.permit);
    acl.deny.push(...contactAcl.deny);
    acl.named.push(...contactAcl.named);
    at.push(...contactAclAt);

    const enc = getEntry(sec, "encryption");
    const dtls = getEntry(sec, "dtlsenable");
    if (enc) at.push(ctx.entryOrigin(enc));
    if (dtls) at.push(ctx.entryOrigin(dtls));
    const transport = getEntry(sec, "transport");
    if (transport) at.push(ctx.entryOrigin(transport));
    out.endpoints.push({
      name,
      driver: "chan_sip",
      role,
      context: peerContext,
      authUsername: name,
      usernameIsName: true,
      password,
      unauthenticated,
      acl,
      transports: splitList(transport?.value).map(fold),
      mediaEncryption:
        dtls && isTrue(dtls.value) ? "dtls" : enc && isTrue(enc.value) ? "sdes" : "none",
      at,
      cfg: ctx.ref(sec),
    });
  }

  return {
    allowGuest: known(guestAllowed, allowGuest.at, context.at),
    autoCreatePeer: known(autoPeers, autoCreate.at),
    alwaysAuthReject: known(isTrue(alwaysReject.value), alwaysReject.at),
  };
}

/** The secret of `[peer?][transport://]user[@domain]:secret[:authuser]@host[...]`, if any. */
function registerSecret(value: string): string | undefined {
  const v = value.trim();
  const at = v.lastIndexOf("@");
  if (at < 0) return undefined;
  const left = v
    .slice(0, at)
    .replace(/^[^?]*\?/, "")
    .replace(/^[a-z]+:\/\//i, "");
  const parts = left.split(":");
  const secret = parts[1];
  return secret ? secret : undefined;
}

// ---------------------------------------------------------------------------------------------
// chan_iax2

function iax2(ctx: AsteriskContext, config: AsteriskConfig, out: Collected): void {
  const file = "iax.conf";
  const g = sectionNamed(config, "general");
  const ref: AsteriskRef = g
    ? ctx.ref(g)
    : {
        language: "asterisk",
        file: ctx.tree.display(`${ASTERISK_DIR}/${file}`),
        section: "general",
      };
  let port = 4569;
  let portAt: ConfigOrigin | undefined;
  let bound = 0;
  for (const e of g?.entries ?? []) {
    const key = fold(e.key);
    if (key === "bindport" && /^\d+$/.test(e.value.trim())) {
      port = Number(e.value.trim());
      portAt = ctx.entryOrigin(e);
    } else if (key === "bindaddr") {
      const hp = parseHostPort(e.value);
      bound++;
      out.transports.push({
        name: `iax2-${hp.host}`,
        driver: "iax2",
        protocol: "udp",
        bindAddress: hp.host,
        port: hp.port ?? port,
        bind: bindScopeOf(hp.host),
        at: [ctx.entryOrigin(e), ...(portAt && !hp.port ? [portAt] : [])],
        cfg: ref,
      });
    }
  }
  if (bound === 0) {
    const at =
      portAt ??
      (g
        ? ctx.implied(g, "bindport", "4569")
        : fileOrigin(ctx, file, "bindport defaults to 4569", true));
    out.transports.push({
      name: "iax2",
      driver: "iax2",
      protocol: "udp",
      bindAddress: "0.0.0.0",
      port,
      bind: "any",
      at: [
        at,
        g
          ? ctx.implied(g, "bindaddr", "0.0.0.0")
          : fileOrigin(ctx, file, "bindaddr defaults to 0.0.0.0", true),
      ],
      cfg: ref,
    });
  }

  for (const e of g ? getAllEntries(g, "register") : []) {
    const secret = registerSecret(e.value);
    if (secret) ctx.noteSecret(`IAX2 registration ${maskUserinfo(e.value)}`, secret);
  }

  for (const sec of sectionsOf(config)) {
    if (fold(sec.name) === "general") continue;
    const type = fold(getEntry(sec, "type")?.value.trim() ?? "");
    if (!["user", "peer", "friend"].includes(type)) continue;
    const name = sec.name;
    const at: Origin[] = [ctx.sectionOrigin(sec, `type = ${type}`)];
    const host = getEntry(sec, "host");
    if (host) at.push(ctx.entryOrigin(host));
    const dynamic = !host || fold(host.value.trim()) === "dynamic";
    const ctxEntry = getAllEntries(sec, "context")[0];
    if (ctxEntry) at.push(ctx.entryOrigin(ctxEntry));
    const secrets = getAllEntries(sec, "secret").filter((e) => e.value.length > 0);
    const db = getEntry(sec, "dbsecret");
    const inkeys = getEntry(sec, "inkeys");

    let password: Fact<PasswordFacts>;
    if (secrets.length > 0) {
      // A user accepts every secret listed: the weakest is what an attacker has to find.
      const qualities = secrets.map((e, i) =>
        notePassword(
          ctx,
          `IAX2 ${type} '${name}'${secrets.length > 1 ? ` (secret ${i + 1})` : ""}`,
          e.value,
          [name],
        ),
      );
      const weakest = qualities.reduce((a, b) => (b.isDefault || b.length < a.length ? b : a));
      password = plainPassword(weakest, ...secrets.map((e) => safeOrigin(ctx, e)));
    } else if (db) password = known({ state: "set" }, safeOrigin(ctx, db));
    else if (inkeys)
      password = known(
        { state: "delegated", delegatedTo: `RSA key(s) ${inkeys.value}` },
        ctx.entryOrigin(inkeys),
      );
    else
      password = known(
        { state: "empty" },
        ctx.sectionOrigin(sec, "has no secret, dbsecret or inkeys"),
      );
    const noCredentials = password.known && password.value.state === "empty";

    const role: SipPeerRole =
      type !== "user" && !dynamic
        ? "trunk"
        : noCredentials && type !== "peer"
          ? "guest"
          : "extension";
    // Calls come in from users (and friends); a peer is only called out to.
    const unauthenticated = known(noCredentials && type !== "peer", ...password.at);

    const acl = emptyAcl();
    addAcl(ctx, out, acl, at, sec, { permit: ["permit"], deny: ["deny"], named: ["acl"] });
    const enc = getEntry(sec, "encryption") ?? (g ? getEntry(g, "encryption") : undefined);
    out.endpoints.push({
      name,
      driver: "iax2",
      role,
      context: ctxEntry?.value ?? "default",
      authUsername: name,
      usernameIsName: true,
      password,
      unauthenticated,
      acl,
      transports: ["iax2"],
      // IAX2's own AES encryption is not SRTP: not one of the SIP media encryptions.
      mediaEncryption: enc && !isFalse(enc.value) ? "unknown" : "none",
      at,
      cfg: ctx.ref(sec),
    });
  }
}

// ---------------------------------------------------------------------------------------------

export function extractSip(ctx: AsteriskContext, facts: Facts): void {
  const states = DRIVERS.map((spec) => ({ spec, st: driverState(ctx, spec) }));
  if (states.every((s) => s.st.state === "absent")) {
    facts.pbx.sip = unknown(
      `${ctx.whyUnknown("pjsip.conf")}, nor sip.conf or iax.conf`,
      ...states.flatMap((s) => s.st.at),
    );
    return;
  }

  const out: Collected = { transports: [], endpoints: [], namedAcls: undefined };
  const outside: string[] = [];
  const outsideAt: ConfigOrigin[] = [];
  const drivers: SipDriver[] = [];
  let anonymous: { anonymous: boolean; at: ConfigOrigin } | undefined;
  let chan: ReturnType<typeof chanSip> | undefined;

  for (const { spec, st } of states) {
    if (st.state === "outside") {
      outside.push(st.reason);
      outsideAt.push(...st.at);
      facts.services.push(unknownService(spec, st.reason, st.at));
      continue;
    }
    if (st.state !== "active") continue;
    drivers.push(spec.driver);
    if (spec.driver === "pjsip") anonymous = pjsip(ctx, st.config, out);
    else if (spec.driver === "chan_sip") chan = chanSip(ctx, st.config, out);
    else iax2(ctx, st.config, out);
  }

  const sipAt = states.flatMap((s) => s.st.at);
  const notThere = (driver: string, file: string): ConfigOrigin => {
    const st = states.find((s) => s.spec.driver === driver)?.st;
    return (
      (st?.at[0] as ConfigOrigin | undefined) ??
      fileOrigin(ctx, file, `${driver} not configured`, true)
    );
  };
  const chanSipOff = notThere("chan_sip", "sip.conf");
  const pjsipOff = notThere("pjsip", "pjsip.conf");
  const rejectAt: Origin[] = [];
  if (chan) rejectAt.push(...(chan.alwaysAuthReject.at as Origin[]));
  if (drivers.includes("pjsip"))
    rejectAt.push(
      fileOrigin(
        ctx,
        "pjsip.conf",
        "res_pjsip answers requests from unknown users with a challenge (its artificial endpoint); no option turns this off",
        true,
      ),
    );
  const policy: SipPolicy = {
    allowGuest: chan?.allowGuest ?? known(false, chanSipOff),
    autoCreatePeer: chan?.autoCreatePeer ?? known(false, chanSipOff),
    alwaysAuthReject:
      rejectAt.length === 0
        ? known(true, chanSipOff, pjsipOff)
        : known(
            chan ? chan.alwaysAuthReject.known && chan.alwaysAuthReject.value : true,
            ...rejectAt,
          ),
    anonymousEndpoint: anonymous
      ? known(anonymous.anonymous, anonymous.at)
      : known(false, pjsipOff),
  };

  // Listeners as services (ws/wss ride on the HTTP server, which its own extractor reports).
  // Anyone may use the service when some endpoint of its driver takes unauthenticated calls.
  const anonymousOf = (driver: SipDriver): Fact<boolean> => {
    if (driver === "chan_sip" && policy.autoCreatePeer.known && policy.autoCreatePeer.value)
      return known(true, ...policy.autoCreatePeer.at);
    const open = out.endpoints.filter(
      (e) => e.driver === driver && e.unauthenticated.known && e.unauthenticated.value,
    );
    if (open.length > 0) return known(true, ...open.flatMap((e) => e.unauthenticated.at));
    const undecided = out.endpoints.find((e) => e.driver === driver && !e.unauthenticated.known);
    if (undecided) return unknown(`whether '${undecided.name}' authenticates is unknown`);
    return known(
      false,
      ...out.endpoints
        .filter((e) => e.driver === driver)
        .flatMap((e) => e.unauthenticated.at.slice(0, 1)),
    );
  };
  for (const t of out.transports) {
    if (t.protocol === "ws" || t.protocol === "wss") continue;
    facts.services.push(
      listenerService(t, t.driver === "iax2" ? "iax2" : "sip", anonymousOf(t.driver)),
    );
  }

  if (outside.length > 0) {
    facts.pbx.sip = unknown(outside.join("; "), ...outsideAt);
    return;
  }
  const value: SipFacts = {
    drivers,
    transports: out.transports,
    endpoints: out.endpoints,
    policy,
  };
  facts.pbx.sip = known(value, ...sipAt);
}
