/**
 * A scan, end to end: probe each named host's ports through one limiter, then turn what answered
 * into the same Facts an audit produces, each value citing its probe (probe, address, port, time),
 * so the same rules judge a live device.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { emptyFacts } from "../facts/empty.js";
import type { DeviceClass, Facts, PortRange, Service, ServiceKind } from "../facts/model.js";
import { bindUnseen, wanAsScanned } from "../facts/scanned.js";
import { known, unknown } from "../facts/value.js";
import { applyAdvisories } from "./advisory-facts.js";
import { type CredentialCheck, tryDefaultCredentials } from "./credentials/index.js";
import { fillHttpFacts } from "./http-facts.js";
import { fillIax2Facts, IAX2_PORTS } from "./iax2-facts.js";
import { Limiter, type LimiterOptions } from "./limiter.js";
import { fillMqttFacts, MQTT_PORTS } from "./mqtt-facts.js";
import { portOrigin } from "./port-origin.js";
import {
  addTlsPosture,
  bannerSoftware,
  scanCoverage,
  sshPostureFact,
  sshSoftware,
  tlsPostureFact,
} from "./posture-facts.js";
import { type HttpResult, httpProbe } from "./probes/http.js";
import { type Iax2Result, iax2Probe } from "./probes/iax2.js";
import { type MqttResult, mqttProbe } from "./probes/mqtt.js";
import { type RtspResult, rtspProbe } from "./probes/rtsp.js";
import { type SnmpResult, snmpProbe } from "./probes/snmp.js";
import { type SshResult, sshProbe } from "./probes/ssh.js";
import { type OpenConnection, printable, type TcpResult, tcpProbe } from "./probes/tcp.js";
import { type TelnetResult, telnetProbe } from "./probes/telnet.js";
import { type TlsResult, tlsProbe } from "./probes/tls.js";
import { fillRtspFacts } from "./rtsp-facts.js";
import {
  randomExtension,
  sipEnumeration,
  sipInviteNoAuth,
  sipOptions,
  sipRegisterNoAuth,
} from "./sip/probes.js";
import type { SipTimers } from "./sip/transport.js";
import { answersSip, enumerationConclusive, fillSipFacts, type SipPortScan } from "./sip-facts.js";
import { fillSnmpFacts, SNMP_PORTS } from "./snmp-facts.js";
import { defaultPorts, type PortSpec, type ScanClass } from "./targets.js";
import { fillTelnetFacts } from "./telnet-facts.js";

export interface ScanOptions extends LimiterOptions {
  class?: ScanClass;
  ports?: PortSpec[];
  /** Per-probe time-out (default 3000 ms; SSH and TLS handshakes get twice that). */
  timeoutMs?: number;
  /** Reuse one limiter across calls (the CLI does); else one is made from the options. */
  limiter?: Limiter;
  /**
   * Where the scanner stands. Only a scan from the internet ("internet") shows what the internet
   * reaches; from inside the network ("local", the default) a service that answers may still be
   * closed to the WAN, so its reachability from the internet stays unknown, never a false finding.
   */
  vantage?: "internet" | "local";
  /**
   * Also send an INVITE without credentials to a random extension on SIP ports (off by default:
   * an INVITE may ring a phone; the probe cancels it at once).
   */
  sipInvite?: boolean;
  /** Extensions tried, in order, against a random one to detect enumeration (default 100, 1000, 200). */
  sipExtensions?: string[];
  /** Further ports probed as SIP (besides 5060 udp/tcp and 5061 tls), e.g. a PBX on 5080. */
  sipPorts?: number[];
  /** Further ports probed as RTSP (besides 554 and 8554), e.g. a camera on 10554. */
  rtspPorts?: number[];
  /** Further TCP ports probed as MQTT (besides 1883, and 8883 over TLS). */
  mqttPorts?: number[];
  /** Further UDP ports probed as SNMP (besides 161/udp). */
  snmpPorts?: number[];
  /** Further UDP ports probed as IAX2 (besides 4569/udp). */
  iax2Ports?: number[];
  /**
   * Try a few factory-default passwords (at most 3 per login; see src/scan/credentials) on the
   * SSH, telnet and web logins found. Off by default: it is a login attempt, not an observation.
   */
  tryDefaultCredentials?: boolean;
}

export interface HostScan {
  /** As the user named it. */
  target: string;
  /** The address actually contacted. */
  address?: string;
  error?: string;
  tcp: TcpResult[];
  ssh: SshResult[];
  tls: TlsResult[];
  /** SIP probes on 5060/udp, 5060/tcp and 5061 (TLS). */
  sip: SipPortScan[];
  /** `GET /` on the ports that serve (or may serve) the web. */
  http: HttpResult[];
  /** OPTIONS/DESCRIBE without credentials on RTSP ports. */
  rtsp: RtspResult[];
  /** What a telnet server shows before any credential. */
  telnet: TelnetResult[];
  /** CONNECT without credentials on MQTT ports (1883, 8883). */
  mqtt: MqttResult[];
  /** GetRequests with the default communities on SNMP ports (161/udp). */
  snmp: SnmpResult[];
  /** A POKE on IAX2 ports (4569/udp). */
  iax2: Iax2Result[];
  /** UDP ports asked for but not probed yet. */
  skipped: PortSpec[];
  /** Factory defaults tried (only with tryDefaultCredentials): by reference, never the password. */
  credentials?: CredentialCheck[];
  facts: Facts;
}

/** Ports where TLS is expected from the first byte. */
const TLS_PORTS = new Set([443, 8443, 5061, 8089, 8883, 993, 995, 465, 636, 4433]);

interface Kind {
  kind: ServiceKind;
  label: string;
  admin: boolean;
}

const PORT_KINDS: Record<number, Kind> = {
  22: { kind: "ssh", label: "SSH", admin: true },
  23: { kind: "telnet", label: "Telnet", admin: true },
  80: { kind: "http", label: "Web interface (HTTP)", admin: true },
  8080: { kind: "http", label: "Web interface (HTTP)", admin: true },
  443: { kind: "https", label: "Web interface (HTTPS)", admin: true },
  8443: { kind: "https", label: "Web interface (HTTPS)", admin: true },
  161: { kind: "snmp", label: "SNMP", admin: false },
  1883: { kind: "mqtt", label: "MQTT", admin: false },
  8883: { kind: "mqtt", label: "MQTT over TLS", admin: false },
  554: { kind: "rtsp", label: "RTSP", admin: false },
  8554: { kind: "rtsp", label: "RTSP", admin: false },
  5060: { kind: "sip", label: "SIP", admin: false },
  5061: { kind: "sip", label: "SIP over TLS", admin: false },
  4569: { kind: "iax2", label: "IAX2", admin: false },
  5038: { kind: "ami", label: "Asterisk Manager Interface", admin: true },
  8088: { kind: "ari", label: "Asterisk HTTP / ARI", admin: true },
  8089: { kind: "ari", label: "Asterisk HTTPS / ARI", admin: true },
};

/** What the port and the first bytes say the service is. */
export function classify(
  port: number,
  banner: Buffer | undefined,
  isSsh: boolean,
  isTls: boolean,
): Kind {
  if (isSsh || greetsSsh(banner)) return { kind: "ssh", label: "SSH", admin: true };
  if (banner && banner[0] === 0xff) return { kind: "telnet", label: "Telnet", admin: true };
  // AMI greets first, on whatever port it was moved to.
  if (banner?.subarray(0, 22).toString("latin1") === "Asterisk Call Manager/")
    return { kind: "ami", label: "Asterisk Manager Interface", admin: true };
  if (port >= 4200 && port <= 4220) return { kind: "web-cli", label: "Web CLI", admin: true };
  const byPort = PORT_KINDS[port];
  if (byPort) {
    if (byPort.kind === "http" && isTls)
      return { ...byPort, kind: "https", label: "Web interface (HTTPS)" };
    return byPort;
  }
  if (isTls) return { kind: "https", label: `TLS service`, admin: false };
  return { kind: "other", label: `TCP service`, admin: false };
}

/** Plain HTTP ports, and those whose TLS handshake shows HTTPS (Asterisk's ARI on 8088/8089). */
const WEB_PORTS = new Set([80, 8080, 8088, 443, 8443, 8089]);
/** TLS ports of other protocols (mail, LDAP, SIP, MQTT): no `GET /` there. */
const OTHER_TLS_PORTS = new Set([465, 636, 993, 995, 5061, 8883]);

/**
 * A port worth a `GET /`: a web port, one that greeted in HTTP, or a silent port nothing else
 * claims (a web server waits for the request; TLS ones serve HTTPS unless the port says otherwise).
 */
function isWebCandidate(port: number, banner: Buffer | undefined, onTls: boolean): boolean {
  if (WEB_PORTS.has(port)) return true;
  if (OTHER_TLS_PORTS.has(port)) return false;
  if (banner) return banner.subarray(0, 5).toString("latin1") === "HTTP/";
  const byPort = PORT_KINDS[port];
  if (byPort) return byPort.kind === "http" || byPort.kind === "https";
  return onTls || port > 1024;
}

/** Device class from the ports that answered, when the user did not say. */
export function inferClass(open: number[]): DeviceClass | undefined {
  const has = (p: number) => open.includes(p);
  if ([5060, 5061, 5038, 8088, 8089, 4569].some(has)) return "pbx";
  if (has(554) || has(8554)) return "intercom";
  if (
    [22, 23, 80, 443, 8080, 8443, 1883, 8883].some(has) ||
    open.some((p) => p >= 4200 && p <= 4220)
  )
    return "router";
  return undefined;
}

async function resolve(target: string): Promise<string> {
  if (isIP(target)) return target;
  const { address } = await lookup(target);
  return address;
}

/** Scans each host (hosts already expanded by parseTargets); one result per host, in order. */
export async function scanTargets(hosts: string[], opts: ScanOptions = {}): Promise<HostScan[]> {
  const limiter = opts.limiter ?? new Limiter(opts);
  return Promise.all(hosts.map((h) => scanHost(h, limiter, opts)));
}

async function scanHost(target: string, limiter: Limiter, opts: ScanOptions): Promise<HostScan> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const ports = opts.ports ?? defaultPorts(opts.class);
  const facts = emptyFacts({ name: target, kind: "probe" });
  const scan: HostScan = {
    target,
    tcp: [],
    ssh: [],
    tls: [],
    sip: [],
    http: [],
    rtsp: [],
    telnet: [],
    mqtt: [],
    snmp: [],
    iax2: [],
    skipped: [],
    facts,
  };
  let address: string;
  try {
    address = await resolve(target);
  } catch (err) {
    scan.error = `cannot resolve ${target}: ${(err as Error).message}`;
    return scan;
  }
  scan.address = address;
  const ctx: HostContext = {
    target,
    address,
    limiter,
    opts,
    timeoutMs,
    sipPorts: portSet([5060, 5061], opts.sipPorts),
    rtspPorts: portSet([554, 8554], opts.rtspPorts),
    mqttPorts: portSet(MQTT_PORTS, opts.mqttPorts),
  };
  const snmpPorts = portSet(SNMP_PORTS, opts.snmpPorts);
  const udp = ports.filter((p) => p.transport === "udp");
  const sipUdp = udp.filter((p) => ctx.sipPorts.has(p.port)).map((p) => p.port);
  const snmpUdp = udp.filter((p) => snmpPorts.has(p.port)).map((p) => p.port);
  const iax2Ports = portSet(IAX2_PORTS, opts.iax2Ports);
  const iax2Udp = udp.filter((p) => iax2Ports.has(p.port)).map((p) => p.port);
  scan.skipped = udp.filter(
    (p) => !ctx.sipPorts.has(p.port) && !snmpPorts.has(p.port) && !iax2Ports.has(p.port),
  );
  const tcpPorts = ports.filter((p) => p.transport === "tcp").map((p) => p.port);
  const sipUdpScans = sipUdp.map((port) => sipPort(address, port, "udp", limiter, opts));
  const snmpScans = snmpUdp.map((port) =>
    limiter.run(() => snmpProbe(address, port, { timeoutMs })),
  );
  const iax2Scans = iax2Udp.map((port) =>
    limiter.run(() => iax2Probe(address, port, { timeoutMs })),
  );
  // Each TCP port on its own: connect, banner, then its protocol probes as soon as it answered,
  // not once every port is done.
  const tcpScans = await Promise.all(tcpPorts.map((port) => scanTcpPort(ctx, port)));
  mergeTcpScans(scan, tcpScans);
  const sipScans = await Promise.all(sipUdpScans);
  scan.sip = [...sipScans, ...tcpScans.map((p) => p.found.sip)].filter(
    (s): s is SipPortScan => s !== undefined,
  );
  scan.snmp = await Promise.all(snmpScans);
  scan.iax2 = await Promise.all(iax2Scans);
  fillFacts(scan, opts.class, opts.vantage ?? "local");
  if (opts.tryDefaultCredentials)
    scan.credentials = await tryDefaultCredentials(scan, limiter, timeoutMs);
  return scan;
}

/** What scanning one host needs, shared by the probes of its ports. */
interface HostContext {
  target: string;
  address: string;
  limiter: Limiter;
  opts: ScanOptions;
  timeoutMs: number;
  sipPorts: Set<number>;
  rtspPorts: Set<number>;
  mqttPorts: Set<number>;
}

/** What the protocol probes of one open TCP port found (only what answered in its protocol). */
interface PortFindings {
  ssh?: SshResult;
  tls?: TlsResult;
  rtsp?: RtspResult;
  mqtt?: MqttResult;
  http?: HttpResult;
  telnet?: TelnetResult;
  sip?: SipPortScan;
}

interface TcpPortScan {
  tcp: TcpResult;
  found: PortFindings;
}

/**
 * How long a connected port may stay silent before the probes for a silent port start, while its
 * banner wait goes on: most servers that greet do so within a few milliseconds.
 */
const SPECULATE_AFTER_MS = 150;

/**
 * One TCP port: connect and wait for a banner, then the probes that banner (or its absence) calls
 * for. A port still silent after SPECULATE_AFTER_MS gets the silent port's probes at once; a banner
 * that comes later overrules them (they are dropped and the right ones run), and once one of them
 * had an answer to its request (TLS, HTTP, MQTT, RTSP, SIP: servers that speak only when spoken
 * to) nothing will come unasked, so the banner wait ends there.
 */
async function scanTcpPort(ctx: HostContext, port: number): Promise<TcpPortScan> {
  let speculation: Promise<PortFindings> | undefined;
  let kept: OpenConnection | undefined;
  const answered = new AbortController();
  const tcp = await ctx.limiter.run(() =>
    tcpProbe(ctx.address, port, {
      timeoutMs: ctx.timeoutMs,
      bannerMs: Math.min(1500, ctx.timeoutMs),
      silentMs: SPECULATE_AFTER_MS,
      onSilent: () => {
        speculation = portProbes(ctx, port, undefined).then((found) => {
          if (answeredWhenAsked(found)) answered.abort();
          return found;
        });
      },
      signal: answered.signal,
      takeOver: (socket, received) => {
        if (!continuesOnConnection(ctx, port, received)) return false;
        kept = { socket, received };
        return true;
      },
    }),
  );
  if (tcp.state !== "open") return { tcp, found: {} };
  if (speculation && !tcp.banner) return { tcp, found: await speculation };
  // A banner, or a connection that ended before it counted as silent: the probes that calls for.
  // A speculation the banner overruled still finishes (no probe outlives the scan), unused.
  const [, found] = await Promise.all([speculation, portProbes(ctx, port, tcp.banner, kept)]);
  return { tcp, found };
}

/** The server answered a probe's request in its protocol: it waits to be spoken to. */
function answeredWhenAsked(f: PortFindings): boolean {
  return (
    f.tls !== undefined ||
    f.http !== undefined ||
    f.rtsp !== undefined ||
    f.mqtt?.state === "mqtt" ||
    (f.sip !== undefined && answersSip(f.sip.options))
  );
}

/** The default ports of a protocol and those the user added. */
function portSet(defaults: readonly number[], extra: readonly number[] | undefined): Set<number> {
  return new Set([...defaults, ...(extra ?? [])]);
}

/** The port greeted with an SSH identification string. */
function greetsSsh(banner: Buffer | undefined): boolean {
  return banner?.subarray(0, 4).toString("latin1") === "SSH-";
}

/** The first probe, on what answers: SSH (it greets so, or on 22 unannounced) or TLS. */
function identifyingProbe(
  ctx: HostContext,
  port: number,
  banner: Buffer | undefined,
): "ssh" | "tls" | undefined {
  if (greetsSsh(banner) || (port === 22 && !banner)) return "ssh";
  if (
    TLS_PORTS.has(port) ||
    (!banner && !PORT_KINDS[port] && port > 1024 && !ctx.rtspPorts.has(port))
  )
    return "tls";
  return undefined;
}

/** Then what the port serves: RTSP, MQTT, the web or telnet (SIP ports have their own probes). */
function servingProbe(
  ctx: HostContext,
  port: number,
  banner: Buffer | undefined,
  onTls: boolean,
): "rtsp" | "mqtt" | "http" | "telnet" | undefined {
  if (ctx.rtspPorts.has(port)) return "rtsp";
  if (ctx.mqttPorts.has(port)) return "mqtt";
  if (!ctx.sipPorts.has(port) && isWebCandidate(port, banner, onTls)) return "http";
  if (banner?.[0] === 0xff) return "telnet";
  if (port === 23 && !greetsSsh(banner)) return "telnet";
  return undefined;
}

/**
 * The telnet probe goes on on the banner's connection, which is kept open for it: a telnetd may
 * serve one login at a time and hold a second connection for a second or more.
 */
function continuesOnConnection(ctx: HostContext, port: number, banner: Buffer): boolean {
  return (
    identifyingProbe(ctx, port, banner) === undefined &&
    servingProbe(ctx, port, banner, false) === "telnet"
  );
}

/** The protocol probes for an open port, given what it said first (nothing: `banner` undefined). */
async function portProbes(
  ctx: HostContext,
  port: number,
  banner: Buffer | undefined,
  kept?: OpenConnection,
): Promise<PortFindings> {
  const identified = await runIdentifying(ctx, port, banner);
  const served = await runServing(ctx, port, banner, identified.tls !== undefined, kept);
  // SIP over TCP/TLS on a SIP port that accepted the connection.
  const sip = ctx.sipPorts.has(port)
    ? await sipPort(
        ctx.address,
        port,
        port === 5061 ? "tls" : "tcp",
        ctx.limiter,
        ctx.opts,
        ctx.target,
      )
    : undefined;
  return { ...identified, ...served, ...(sip ? { sip } : {}) };
}

async function runIdentifying(
  ctx: HostContext,
  port: number,
  banner: Buffer | undefined,
): Promise<Pick<PortFindings, "ssh" | "tls">> {
  switch (identifyingProbe(ctx, port, banner)) {
    case "ssh": {
      const s = await ctx.limiter.run(() =>
        sshProbe(ctx.address, port, { timeoutMs: ctx.timeoutMs * 2 }),
      );
      return s.state === "ssh" ? { ssh: s } : {};
    }
    case "tls": {
      const s = await ctx.limiter.run(() =>
        tlsProbe(ctx.address, port, { timeoutMs: ctx.timeoutMs * 2, servername: ctx.target }),
      );
      return s.state === "tls" ? { tls: s } : {};
    }
    default:
      return {};
  }
}

async function runServing(
  ctx: HostContext,
  port: number,
  banner: Buffer | undefined,
  onTls: boolean,
  kept: OpenConnection | undefined,
): Promise<Pick<PortFindings, "telnet" | "rtsp" | "mqtt" | "http">> {
  const serving = servingProbe(ctx, port, banner, onTls);
  // A connection kept for the telnet probe is never left open.
  if (serving !== "telnet") kept?.socket.destroy();
  switch (serving) {
    case "telnet": {
      const connection = kept ? { connection: kept } : {};
      return {
        telnet: await ctx.limiter.run(() =>
          telnetProbe(ctx.address, port, { timeoutMs: ctx.timeoutMs, ...connection }),
        ),
      };
    }
    case "rtsp": {
      const r = await ctx.limiter.run(() =>
        rtspProbe(ctx.address, port, { timeoutMs: ctx.timeoutMs, host: ctx.target }),
      );
      return r.state === "rtsp" ? { rtsp: r } : {};
    }
    case "mqtt": {
      // TLS where the handshake worked, and always tried on 8883 (plain MQTT is the fallback).
      const tls = onTls || port === 8883;
      const timeoutMs = tls ? ctx.timeoutMs * 2 : ctx.timeoutMs;
      return {
        mqtt: await ctx.limiter.run(() =>
          mqttProbe(ctx.address, port, { tls, timeoutMs, servername: ctx.target }),
        ),
      };
    }
    case "http": {
      const h = await ctx.limiter.run(() =>
        httpProbe(ctx.address, port, { tls: onTls, timeoutMs: ctx.timeoutMs, host: ctx.target }),
      );
      return h.state === "http" ? { http: h } : {};
    }
    default:
      return {};
  }
}

/** Every port's findings into the host's lists, each in port order. */
function mergeTcpScans(scan: HostScan, ports: TcpPortScan[]): void {
  scan.tcp = ports.map((p) => p.tcp);
  const found = [...ports].sort((a, b) => a.tcp.port - b.tcp.port).map((p) => p.found);
  const each = <T>(pick: (f: PortFindings) => T | undefined): T[] =>
    found.map(pick).filter((x): x is T => x !== undefined);
  scan.ssh = each((f) => f.ssh);
  scan.tls = each((f) => f.tls);
  scan.http = each((f) => f.http);
  scan.rtsp = each((f) => f.rtsp);
  scan.telnet = each((f) => f.telnet);
  scan.mqtt = each((f) => f.mqtt);
}

/** SIP timers bounded by the scan's per-probe time-out. */
function sipTimers(timeoutMs: number): Partial<SipTimers> {
  return {
    t1Ms: Math.max(50, Math.min(500, Math.floor(timeoutMs / 8))),
    timeoutMs,
    connectTimeoutMs: timeoutMs * 2,
  };
}

/**
 * OPTIONS; when that answers in SIP, REGISTER without credentials for a random user, then REGISTER
 * enumeration (candidate extensions vs a random one) and, opt-in, an INVITE. Every probe goes
 * through the limiter, sequentially per port. Returns the results even when nothing answered.
 */
async function sipPort(
  address: string,
  port: number,
  transport: "udp" | "tcp" | "tls",
  limiter: Limiter,
  opts: ScanOptions,
  servername?: string,
): Promise<SipPortScan | undefined> {
  const probe = { timers: sipTimers(opts.timeoutMs ?? 3000) };
  const target = {
    host: address,
    port,
    transport,
    ...(transport === "tls" && servername && !isIP(servername) ? { servername } : {}),
  };
  try {
    const options = await limiter.run(() => sipOptions(target, probe));
    const scan: SipPortScan = { port, transport, options };
    if (!answersSip(options)) return scan;
    scan.register = await limiter.run(() => sipRegisterNoAuth(target, randomExtension(), probe));
    const random = randomExtension();
    for (const ext of opts.sipExtensions ?? ["100", "1000", "200"]) {
      const e = await limiter.run(() =>
        sipEnumeration(target, ext, random, { ...probe, method: "REGISTER" }),
      );
      scan.enumeration = e;
      // Stop once decided, or when the server does not answer REGISTER at all.
      if (enumerationConclusive(e) || e.existing.status === undefined) break;
    }
    if (opts.sipInvite)
      scan.invite = await limiter.run(() => sipInviteNoAuth(target, randomExtension(), probe));
    return scan;
  } catch {
    return undefined;
  }
}

function fillFacts(
  scan: HostScan,
  cls: ScanClass | undefined,
  vantage: "internet" | "local",
): void {
  const f = scan.facts;
  const address = scan.address ?? scan.target;
  const open = scan.tcp.filter((t) => t.state === "open");
  const first = scan.tcp[0]?.time ?? new Date().toISOString();
  f.sources = scan.tcp.map((t) => ({
    path: `${address}:${t.port}/tcp`,
    status: t.state === "error" ? ("warning" as const) : ("ok" as const),
    format: `probe:tcp ${t.state}`,
  }));
  const scanned = portOrigin("tcp-connect", address, 0, first, `${scan.tcp.length} TCP ports`);
  delete scanned.port;
  if (cls) {
    f.device.class = known<DeviceClass>(cls, { kind: "attestation", by: "--class", at: first });
  } else {
    const inferred = inferClass([
      ...open.map((t) => t.port),
      ...scan.sip.filter((s) => answersSip(s.options)).map((s) => s.port),
      // An IAX2 answer means a PBX whatever its port: counted as IAX2's own 4569.
      ...(scan.iax2.some((x) => x.state === "answered") ? [4569] : []),
    ]);
    f.device.class = inferred
      ? known(inferred, {
          ...scanned,
          excerpt: `open: ${open.map((t) => t.port).join(", ")}`,
        })
      : unknown("no port that tells the device class answered", scanned);
  }
  f.diagnostics = [];
  if (open.length === 0)
    f.diagnostics.push({
      severity: "warning",
      file: address,
      message: `no TCP port answered (${scan.tcp.length} probed)`,
    });
  if (scan.skipped.length > 0)
    f.diagnostics.push({
      severity: "info",
      file: address,
      message: `UDP not probed yet: ${scan.skipped.map((p) => `${p.port}/udp`).join(", ")}`,
    });
  const sipStream = new Set(
    scan.sip.filter((s) => s.transport !== "udp" && answersSip(s.options)).map((s) => s.port),
  );
  for (const t of open) {
    // Described below as a SIP service, from what the SIP probes saw.
    if (sipStream.has(t.port)) continue;
    const ssh = scan.ssh.find((s) => s.port === t.port);
    const tls = scan.tls.find((s) => s.port === t.port);
    const k = classify(t.port, t.banner, ssh !== undefined, tls !== undefined);
    const seen = portOrigin(
      "tcp-connect",
      address,
      t.port,
      t.time,
      t.banner ? printable(t.banner) : "connection accepted",
    );
    const ports: PortRange[] = [{ from: t.port, to: t.port, transport: tls ? "tls" : "tcp" }];
    const svc: Service = {
      id: `${k.kind}-${t.port}`,
      kind: k.kind,
      label: `${k.label} on ${t.port}/tcp`,
      admin: k.admin,
      enabled: known(true, seen),
      ports: known(ports, seen),
      bind: bindUnseen(seen),
      tls: tls
        ? known(
            true,
            portOrigin(
              "tls",
              address,
              t.port,
              tls.time,
              `${tls.negotiated?.version} ${tls.negotiated?.cipher}`,
            ),
          )
        : k.kind === "ssh"
          ? known(true, seen)
          : k.kind === "https"
            ? unknown("the TLS handshake did not complete", seen)
            : known(false, seen),
      auth: {},
      wan: wanAsScanned(vantage, ports, seen),
    };
    if (ssh) {
      const o = portOrigin(
        "ssh-auth-none",
        address,
        t.port,
        ssh.time,
        ssh.authMethods
          ? `${ssh.ident ?? "SSH"}; methods offered: ${ssh.authMethods.join(",") || "(none)"}`
          : `${ssh.ident ?? "SSH"}; ${ssh.noneAccepted ? "no authentication required" : (ssh.error ?? "no methods list")}`,
      );
      svc.auth.password =
        ssh.passwordAuth === undefined
          ? unknown("the server did not list its authentication methods", o)
          : known(ssh.passwordAuth, o);
      if (ssh.noneAccepted !== undefined || ssh.authMethods)
        svc.auth.anonymous = known(ssh.noneAccepted === true, o);
      svc.sshPosture = sshPostureFact(ssh, address);
    }
    const software = ssh ? sshSoftware(ssh, address) : bannerSoftware(t, address);
    if (software) svc.software = software;
    if (tls) svc.tlsPosture = tlsPostureFact(tls, address);
    f.services.push(svc);
  }
  fillSipFacts(f, scan.sip, address, vantage);
  fillHttpFacts(f, scan.http, address);
  fillRtspFacts(f, scan.rtsp, address);
  fillTelnetFacts(f, scan.telnet, address);
  fillMqttFacts(
    f,
    scan.mqtt,
    scan.tcp,
    new Set([...MQTT_PORTS, ...scan.mqtt.map((m) => m.port)]),
    address,
  );
  fillSnmpFacts(f, scan.snmp, address, vantage);
  fillIax2Facts(f, scan.iax2, address, vantage);
  addTlsPosture(f.services, scan.tls, address);
  scanCoverage(f, address, vantage, scan.tcp, [
    ...scan.sip
      .filter((s) => s.transport === "udp")
      .map((s) => ({ port: s.port, answered: answersSip(s.options) })),
    ...scan.snmp.map((s) => ({ port: s.port, answered: s.state === "answered" })),
    ...scan.iax2.map((s) => ({ port: s.port, answered: s.state === "answered" })),
  ]);
  applyAdvisories(f.services);
}
