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
import { Limiter, type LimiterOptions } from "./limiter.js";
import { type SshResult, sshProbe } from "./probes/ssh.js";
import { printable, type TcpResult, tcpProbe } from "./probes/tcp.js";
import { type TlsResult, tlsProbe } from "./probes/tls.js";
import {
  randomExtension,
  sipEnumeration,
  sipInviteNoAuth,
  sipOptions,
  sipRegisterNoAuth,
} from "./sip/probes.js";
import type { SipTimers } from "./sip/transport.js";
import { answersSip, enumerationConclusive, fillSipFacts, type SipPortScan } from "./sip-facts.js";
import { defaultPorts, type PortSpec, type ScanClass } from "./targets.js";

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
  /** UDP ports asked for but not probed yet. */
  skipped: PortSpec[];
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

/** Device class from the ports that answered, when the user did not say. */
export function inferClass(open: number[]): DeviceClass | undefined {
  const has = (p: number) => open.includes(p);
  if ([5060, 5061, 5038, 8088, 8089, 4569].some(has)) return "pbx";
  if (has(554)) return "intercom";
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
  const scan: HostScan = { target, tcp: [], ssh: [], tls: [], sip: [], skipped: [], facts };
  let address: string;
  try {
    address = await resolve(target);
  } catch (err) {
    scan.error = `cannot resolve ${target}: ${(err as Error).message}`;
    return scan;
  }
  scan.address = address;
  const isSip = (p: number) => p === 5060 || p === 5061 || (opts.sipPorts ?? []).includes(p);
  const sipUdp = ports.filter((p) => p.transport === "udp" && isSip(p.port)).map((p) => p.port);
  scan.skipped = ports.filter((p) => p.transport === "udp" && !isSip(p.port));
  const tcpPorts = ports.filter((p) => p.transport === "tcp").map((p) => p.port);
  const sipUdpScans = sipUdp.map((port) => sipPort(address, port, "udp", limiter, opts));
  scan.tcp = await Promise.all(
    tcpPorts.map((port) =>
      limiter.run(() =>
        tcpProbe(address, port, { timeoutMs, bannerMs: Math.min(1500, timeoutMs) }),
      ),
    ),
  );
  const open = scan.tcp.filter((t) => t.state === "open");
  // Second stage: the protocol probes, on what answered.
  await Promise.all(
    open.map(async (t) => {
      const banner = t.banner?.toString("latin1") ?? "";
      if (banner.startsWith("SSH-") || (t.port === 22 && !t.banner)) {
        const s = await limiter.run(() => sshProbe(address, t.port, { timeoutMs: timeoutMs * 2 }));
        if (s.state === "ssh") scan.ssh.push(s);
      } else if (TLS_PORTS.has(t.port) || (!t.banner && !PORT_KINDS[t.port] && t.port > 1024)) {
        const s = await limiter.run(() =>
          tlsProbe(address, t.port, { timeoutMs: timeoutMs * 2, servername: target }),
        );
        if (s.state === "tls") scan.tls.push(s);
      }
    }),
  );
  scan.ssh.sort((a, b) => a.port - b.port);
  scan.tls.sort((a, b) => a.port - b.port);
  // SIP over TCP/TLS only where the port accepted a connection.
  const sipStream = open
    .filter((t) => isSip(t.port))
    .map((t) => sipPort(address, t.port, t.port === 5061 ? "tls" : "tcp", limiter, opts, target));
  const sipScans = await Promise.all([...sipUdpScans, ...sipStream]);
  scan.sip = sipScans.filter((s): s is SipPortScan => s !== undefined);
  fillFacts(scan, opts.class, opts.vantage ?? "local");
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
    }
    f.services.push(svc);
  }
  fillSipFacts(f, scan.sip, address, vantage);
}
