/**
 * For rules that also judge a scan (`bulwark scan`): telling facts a probe observed from facts a
 * configuration stated, what the scan covered (a silent port versus one never probed), fixes that
 * make sense without a configuration file to cite, and builders for probe-origin cases.
 */
import type {
  ConfigRef,
  Facts,
  PortRange,
  ScanCoverage,
  Service,
  SoftwareSeen,
} from "../facts/model.js";
import { bindUnseen, wanAsScanned } from "../facts/scanned.js";
import { type Fact, known, type Origin, type ProbeOrigin } from "../facts/value.js";
import { notApplicable, pass, undecided } from "./outcome.js";
import type { Finding, Fix } from "./types.js";

/** Any of these facts was observed by a probe (not read from a configuration). */
export function seenByProbe(...facts: (Fact<unknown> | undefined)[]): boolean {
  return facts.some((f) => f?.at.some((o) => o.kind === "probe"));
}

/** The service was described by a scan, not by a configuration. */
export function probedService(s: Service): boolean {
  return s.cfg === undefined && seenByProbe(s.enabled);
}

/** What the scan covered, when these facts come from one. */
export function scanOf(facts: Facts): ScanCoverage | undefined {
  return facts.scan?.known ? facts.scan.value : undefined;
}

/** A scan of the machine itself: answering on loopback proves nothing about other networks. */
export function scannedLoopback(scan: ScanCoverage): boolean {
  return /^127\.|^::1$|^::ffff:127\./.test(scan.address);
}

export type PortState = ScanCoverage["tcp"][number];

/** The TCP ports among `ports` that the scan probed, with their outcome. */
export function probedTcp(scan: ScanCoverage, ports: readonly number[]): PortState[] {
  return scan.tcp.filter((t) => ports.includes(t.port));
}

/** "22/tcp refused, 23/tcp no answer": how the probed ports answered, for a message. */
export function describeSilence(states: readonly PortState[]): string {
  return states
    .map(
      (t) =>
        `${t.port}/tcp ${t.state === "closed" ? "refused" : t.state === "no-answer" ? "no answer" : t.state}`,
    )
    .join(", ");
}

/** The scan's own record (vantage, ports probed): the evidence for "nothing answered". */
export function scanEvidence(facts: Facts): ProbeOrigin[] {
  return (facts.scan?.at ?? []).filter((o): o is ProbeOrigin => o.kind === "probe");
}

/** The port(s) a probed service answered on, "22/tcp". */
export function answeredOn(s: Service): string {
  if (!s.ports.known) return "its port";
  return s.ports.value
    .map((p) => `${p.from}${p.to !== p.from ? `-${p.to}` : ""}/${p.transport}`)
    .join(", ");
}

/**
 * Nothing of a kind to judge: none answered the scan (citing what it probed), or, without a scan,
 * `whyScan` says why only one can decide.
 */
export function noneAnswered(facts: Facts, service: string, whyScan: string): Finding {
  return scanOf(facts)
    ? notApplicable(`no ${service} answered the scan`, scanEvidence(facts))
    : notApplicable(whyScan);
}

/**
 * Ports where administrative services are expected (SSH, Telnet, web interfaces, the Web CLI,
 * AMI, Asterisk HTTP): a scan that probed none of them has not looked for one.
 */
export const ADMIN_PORTS: readonly number[] = [
  22,
  23,
  80,
  443,
  8080,
  8443,
  5038,
  8088,
  8089,
  ...Array.from({ length: 21 }, (_, i) => 4200 + i),
];

/**
 * When no service of a kind answered a scan: a pass if its port was probed and stayed silent
 * (refused or no answer: a scan cannot tell "not running" from "filtered", both keep it away from
 * the scanner), undecided if the port was not probed at all.
 */
export function silentPort(facts: Facts, scan: ScanCoverage, port: number, label: string): Finding {
  const at = scanEvidence(facts);
  const probed = probedTcp(scan, [port]);
  const state = probed[0];
  if (!state) return undecided(`${port}/tcp (${label}) was not probed`, at);
  if (state.state === "error") return undecided(`probing ${port}/tcp (${label}) failed`, at);
  return pass(
    `no ${label} answered the scan (${describeSilence(probed)}, ${scan.tcp.length} TCP port(s) probed)`,
    at,
  );
}

/**
 * A scan where no administrative service answered: from the internet, a pass for the
 * administrative ports it probed; from inside, or without probing any, undecided.
 */
export function noAdminAnswered(facts: Facts): Finding | undefined {
  const scan = scanOf(facts);
  if (!scan) return undefined;
  const at = scanEvidence(facts);
  if (scan.vantage !== "internet")
    return undecided(
      "scanned from inside the network: whether the internet reaches the device's administrative services was not observed (scan from outside with --vantage internet)",
      at,
    );
  const probed = probedTcp(scan, ADMIN_PORTS);
  if (probed.length === 0)
    return undecided("the scan probed none of the administrative ports (22, 23, 80, 443...)", at);
  return pass(
    `no administrative service answered the scan from the internet (${describeSilence(probed)})`,
    at,
  );
}

/**
 * Where the fix goes for an SSH server a scan recognised: sshd_config for OpenSSH, the dropbear
 * UCI section for Dropbear (OpenWrt/RutOS, where it is the SSH server); none for the rest.
 */
export function sshConfigOf(s: Service): ConfigRef | undefined {
  if (s.cfg) return s.cfg;
  const product = s.software?.known ? s.software.value.product : undefined;
  if (product === "openssh") return { language: "sshd", file: "/etc/ssh/sshd_config" };
  if (product === "dropbear")
    return {
      language: "uci",
      package: "dropbear",
      section: "@dropbear[0]",
      sectionType: "dropbear",
    };
  return undefined;
}

/** The fix for a service a scan saw from the internet: no WAN rule to cite, so in device terms. */
export function closeToInternetFix(s: Service): Fix {
  return {
    summary: `Close ${answeredOn(s)} to the internet: remove the WAN firewall rule, port forward or DMZ host (on this device or the router in front of it) that lets it in, and reach the service through a VPN instead. Scan again from outside (bulwark scan --vantage internet) to confirm.`,
  };
}

// ---------------------------------------------------------------------------------------------
// Case builders: facts as `bulwark scan` writes them.

export const CASE_ADDRESS = "192.0.2.10";
const CASE_TIME = "2026-11-21T00:00:00Z";

export function probeAt(
  port: number,
  excerpt: string,
  probe = "tcp-connect",
  transport: "tcp" | "udp" = "tcp",
): ProbeOrigin {
  return { kind: "probe", probe, address: CASE_ADDRESS, port, transport, time: CASE_TIME, excerpt };
}

/** Scan coverage: the TCP ports probed and how each answered, from where. */
export function asScanned(
  f: Facts,
  tcp: [number, PortState["state"]][],
  vantage: "internet" | "local" = "local",
  udp: ScanCoverage["udp"] = [],
  address = CASE_ADDRESS,
): void {
  f.target = { name: address, kind: "probe" };
  const at = probeAt(0, `${tcp.length} TCP ports`);
  delete at.port;
  f.scan = known<ScanCoverage>(
    { address, vantage, tcp: tcp.map(([port, state]) => ({ port, state })), udp },
    at,
  );
}

/** A service as a scan describes one that answered: bind unknown, no configuration. */
export function scannedService(
  p: Partial<Service> & Pick<Service, "kind"> & { port: number },
  vantage: "internet" | "local" = "local",
): Service {
  const { port, ...rest } = p;
  const seen = probeAt(port, p.label ?? `${p.kind} answered`);
  const ports: PortRange[] = [{ from: port, to: port, transport: "tcp" }];
  return {
    id: `${p.kind}-${port}`,
    label: `${p.kind} on ${port}/tcp`,
    admin: true,
    enabled: known(true, seen),
    ports: known(ports, seen),
    bind: bindUnseen(seen),
    tls: known(false, seen),
    auth: {},
    wan: wanAsScanned(vantage, ports, seen),
    ...rest,
  };
}

/** An IAX2 service a POKE on `port` described (for rule cases): `enabled` as its answer told. */
export function scannedIax2Service(
  port: number,
  enabled: Fact<boolean>,
  seen: Origin,
  vantage: "internet" | "local" = "local",
): Service {
  return scannedService(
    {
      kind: "iax2",
      port,
      admin: false,
      label: `IAX2 on ${port}/udp`,
      enabled,
      ports: known([{ from: port, to: port, transport: "udp" }], seen),
    },
    vantage,
  );
}

/**
 * The facts of a scan that found `s` answering on its TCP port and probed nothing else: what most
 * probe-origin cases start from.
 */
export function asScannedWith(f: Facts, s: Service, vantage: "internet" | "local" = "local"): void {
  const port = s.ports.known ? s.ports.value[0]?.from : undefined;
  if (port === undefined) throw new Error(`${s.label}: a scanned service answers on a known port`);
  asScanned(f, [[port, "open"]], vantage);
  f.services.push(s);
}

/** The software an SSH identification names ("SSH-2.0-OpenSSH_9.2p1 ..."), as the probe saw it. */
export function sshIdentSoftware(port: number, ident: string): Fact<SoftwareSeen> | undefined {
  const m = /-(OpenSSH|dropbear)_(\S+)/.exec(ident);
  if (!m?.[1]) return undefined;
  return known(
    { product: m[1].toLowerCase(), ...(m[2] ? { version: m[2] } : {}), raw: ident },
    probeAt(port, ident, "ssh-ident"),
  );
}
