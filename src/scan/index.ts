/**
 * A scan, end to end: probe each named host's ports through one limiter, then turn what answered
 * into the same Facts an audit produces, each value citing its probe (probe, address, port, time),
 * so the same rules judge a live device.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { emptyFacts } from "../facts/empty.js";
import type { DeviceClass, Facts, PortRange, Service, ServiceKind } from "../facts/model.js";
import { known, type ProbeOrigin, unknown } from "../facts/value.js";
import { applyAdvisories } from "./advisory-facts.js";
import { type CredentialCheck, tryDefaultCredentials } from "./credentials/index.js";
import { fillHttpFacts } from "./http-facts.js";
import { Limiter, type LimiterOptions } from "./limiter.js";
import { fillMqttFacts, MQTT_PORTS } from "./mqtt-facts.js";
import {
  addTlsPosture,
  bannerSoftware,
  scanCoverage,
  sshPostureFact,
  sshSoftware,
  tlsPostureFact,
} from "./posture-facts.js";
import { type HttpResult, httpProbe } from "./probes/http.js";
import { type MqttResult, mqttProbe } from "./probes/mqtt.js";
import { type RtspResult, rtspProbe } from "./probes/rtsp.js";
import { type SnmpResult, snmpProbe } from "./probes/snmp.js";
import { type SshResult, sshProbe } from "./probes/ssh.js";
import { printable, type TcpResult, tcpProbe } from "./probes/tcp.js";
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
  if (isSsh || banner?.subarray(0, 4).toString("latin1") === "SSH-")
    return { kind: "ssh", label: "SSH", admin: true };
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
function isWebCandidate(t: TcpResult, onTls: boolean): boolean {
  if (WEB_PORTS.has(t.port)) return true;
  if (OTHER_TLS_PORTS.has(t.port)) return false;
  if (t.banner) return t.banner.subarray(0, 5).toString("latin1") === "HTTP/";
  const byPort = PORT_KINDS[t.port];
  if (byPort) return byPort.kind === "http" || byPort.kind === "https";
  return onTls || t.port > 1024;
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

function origin(
  probe: string,
  address: string,
  port: number,
  time: string,
  excerpt?: string,
): ProbeOrigin {
  return {
    kind: "probe",
    probe,
    address,
    port,
    transport: "tcp",
    time,
    ...(excerpt ? { excerpt } : {}),
  };
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
  const isSip = (p: number) => p === 5060 || p === 5061 || (opts.sipPorts ?? []).includes(p);
  const rtspPorts = new Set([554, 8554, ...(opts.rtspPorts ?? [])]);
  const mqttPorts = new Set([...MQTT_PORTS, ...(opts.mqttPorts ?? [])]);
  const isSnmp = (p: number) => SNMP_PORTS.includes(p) || (opts.snmpPorts ?? []).includes(p);
  const sipUdp = ports.filter((p) => p.transport === "udp" && isSip(p.port)).map((p) => p.port);
  const snmpUdp = ports.filter((p) => p.transport === "udp" && isSnmp(p.port)).map((p) => p.port);
  scan.skipped = ports.filter((p) => p.transport === "udp" && !isSip(p.port) && !isSnmp(p.port));
  const tcpPorts = ports.filter((p) => p.transport === "tcp").map((p) => p.port);
  const sipUdpScans = sipUdp.map((port) => sipPort(address, port, "udp", limiter, opts));
  const snmpScans = snmpUdp.map((port) =>
    limiter.run(() => snmpProbe(address, port, { timeoutMs })),
  );
  const tcpRuns = tcpPorts.map((port) =>
    limiter.run(() => tcpProbe(address, port, { timeoutMs, bannerMs: Math.min(1500, timeoutMs) })),
  );
  // Second stage: the protocol probes, on what answered. Each port's probes start as soon as its
  // own connection answered, not once every port is done (a silent web port waits out its banner).
  const stage2 = tcpRuns.map((run) =>
    run.then(async (t) => {
      if (t.state !== "open") return;
      const banner = t.banner?.toString("latin1") ?? "";
      if (banner.startsWith("SSH-") || (t.port === 22 && !t.banner)) {
        const s = await limiter.run(() => sshProbe(address, t.port, { timeoutMs: timeoutMs * 2 }));
        if (s.state === "ssh") scan.ssh.push(s);
      } else if (
        TLS_PORTS.has(t.port) ||
        (!t.banner && !PORT_KINDS[t.port] && t.port > 1024 && !rtspPorts.has(t.port))
      ) {
        const s = await limiter.run(() =>
          tlsProbe(address, t.port, { timeoutMs: timeoutMs * 2, servername: target }),
        );
        if (s.state === "tls") scan.tls.push(s);
      }
      // Then what the port serves: the web, RTSP or telnet (each bounded by the time-out).
      const onTls = scan.tls.some((x) => x.port === t.port);
      if (rtspPorts.has(t.port)) {
        const r = await limiter.run(() => rtspProbe(address, t.port, { timeoutMs, host: target }));
        if (r.state === "rtsp") scan.rtsp.push(r);
      } else if (mqttPorts.has(t.port)) {
        // TLS where the handshake worked, and always tried on 8883 (plain MQTT is the fallback).
        const tls = onTls || t.port === 8883;
        const m = await limiter.run(() =>
          mqttProbe(address, t.port, {
            tls,
            timeoutMs: tls ? timeoutMs * 2 : timeoutMs,
            servername: target,
          }),
        );
        scan.mqtt.push(m);
      } else if (!isSip(t.port) && isWebCandidate(t, onTls)) {
        const h = await limiter.run(() =>
          httpProbe(address, t.port, { tls: onTls, timeoutMs, host: target }),
        );
        if (h.state === "http") scan.http.push(h);
      } else if (t.banner?.[0] === 0xff || (t.port === 23 && !banner.startsWith("SSH-"))) {
        scan.telnet.push(await limiter.run(() => telnetProbe(address, t.port, { timeoutMs })));
      }
    }),
  );
  scan.tcp = await Promise.all(tcpRuns);
  const open = scan.tcp.filter((t) => t.state === "open");
  await Promise.all(stage2);
  for (const list of [scan.http, scan.rtsp, scan.telnet, scan.mqtt])
    list.sort((a, b) => a.port - b.port);
  scan.ssh.sort((a, b) => a.port - b.port);
  scan.tls.sort((a, b) => a.port - b.port);
  // SIP over TCP/TLS only where the port accepted a connection.
  const sipStream = open
    .filter((t) => isSip(t.port))
    .map((t) => sipPort(address, t.port, t.port === 5061 ? "tls" : "tcp", limiter, opts, target));
  const sipScans = await Promise.all([...sipUdpScans, ...sipStream]);
  scan.sip = sipScans.filter((s): s is SipPortScan => s !== undefined);
  scan.snmp = await Promise.all(snmpScans);
  fillFacts(scan, opts.class, opts.vantage ?? "local");
  if (opts.tryDefaultCredentials)
    scan.credentials = await tryDefaultCredentials(scan, limiter, timeoutMs);
  return scan;
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
  const scanned = origin("tcp-connect", address, 0, first, `${scan.tcp.length} TCP ports`);
  delete scanned.port;
  if (cls) {
    f.device.class = known<DeviceClass>(cls, { kind: "attestation", by: "--class", at: first });
  } else {
    const inferred = inferClass([
      ...open.map((t) => t.port),
      ...scan.sip.filter((s) => answersSip(s.options)).map((s) => s.port),
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
    const seen = origin(
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
      bind: unknown(
        "a scan sees that the service answers, not which interfaces it listens on",
        seen,
      ),
      tls: tls
        ? known(
            true,
            origin(
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
      wan:
        vantage === "internet"
          ? known(
              {
                reachable: true,
                sources: [],
                ports,
                via: ["answered the scanner from the internet"],
              },
              seen,
            )
          : unknown(
              "scanned from inside the network: whether the internet reaches it was not observed (scan from outside with --vantage internet)",
              seen,
            ),
    };
    if (ssh) {
      const o = origin(
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
  addTlsPosture(f.services, scan.tls, address);
  scanCoverage(f, address, vantage, scan.tcp, [
    ...scan.sip
      .filter((s) => s.transport === "udp")
      .map((s) => ({ port: s.port, answered: answersSip(s.options) })),
    ...scan.snmp.map((s) => ({ port: s.port, answered: s.state === "answered" })),
  ]);
  applyAdvisories(f.services);
}
