/**
 * What the TCP, SSH and TLS probes saw of a service's software and cryptography, as facts on its
 * Service: `software` (from the SSH identification or a TCP greeting), `sshPosture` (weak
 * algorithms offered) and `tlsPosture` (versions, certificate, weak suites). Each cites its probe;
 * what a probe could not see stays unknown with the reason, never a clean bill of health.
 */
import type {
  Facts,
  ScanCoverage,
  Service,
  SoftwareSeen,
  SshPosture,
  TlsPosture,
} from "../facts/model.js";
import { type Fact, known, unknown } from "../facts/value.js";
import { portOrigin } from "./port-origin.js";
import type { SshResult } from "./probes/ssh.js";
import { parseIdent } from "./probes/ssh.js";
import { printable, type TcpResult } from "./probes/tcp.js";
import type { TlsResult } from "./probes/tls.js";
import { softwareFrom } from "./software.js";

/**
 * The software an SSH server names in its identification (`SSH-2.0-OpenSSH_9.2p1 Debian-2`):
 * known products by `softwareFrom`, any other by the identification's own name_version.
 */
export function sshSoftware(ssh: SshResult, address: string): Fact<SoftwareSeen> | undefined {
  if (!ssh.ident) return undefined;
  const at = portOrigin("ssh-ident", address, ssh.port, ssh.time, ssh.ident);
  const seen = softwareFrom(ssh.ident);
  if (seen) return known(seen, at);
  const parsed = parseIdent(ssh.ident);
  if (!parsed) return undefined;
  return known(
    {
      product: parsed.name.toLowerCase(),
      ...(parsed.version ? { version: parsed.version } : {}),
      raw: printable(Buffer.from(ssh.ident, "latin1"), 160),
    },
    at,
  );
}

/** The software a TCP greeting names (FTP/SMTP "220 ...", AMI, a web CLI), when recognised. */
export function bannerSoftware(t: TcpResult, address: string): Fact<SoftwareSeen> | undefined {
  if (!t.banner) return undefined;
  const seen = softwareFrom(t.banner.toString("latin1"));
  if (!seen) return undefined;
  return known(seen, portOrigin("tcp-banner", address, t.port, t.time, seen.raw));
}

/** The weak algorithms the server offered; unknown when the key exchange never showed them. */
export function sshPostureFact(ssh: SshResult, address: string): Fact<SshPosture> {
  if (!ssh.algorithms) {
    return unknown(
      "the SSH key exchange did not get far enough to show the server's algorithms",
      portOrigin("ssh-kex", address, ssh.port, ssh.time, ssh.ident ?? ssh.error ?? "no KEXINIT"),
    );
  }
  // Compression is never weak (weakAlgorithms does not look at it); the model has no kind for it.
  const weak = ssh.weak.flatMap((w): SshPosture["weak"] =>
    w.kind === "compression"
      ? []
      : [{ kind: w.kind === "hostKey" ? "hostkey" : w.kind, name: w.name, why: w.why }],
  );
  const excerpt = weak.length
    ? `offered: ${weak.map((w) => w.name).join(", ")}`
    : `offered: ${ssh.algorithms.kex.slice(0, 3).join(",")}; ${ssh.algorithms.cipher.slice(0, 3).join(",")}; no weak algorithm`;
  return known({ weak }, portOrigin("ssh-kex", address, ssh.port, ssh.time, cut(excerpt)));
}

function cut(s: string, max = 200): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Versions, certificate and weak suites, from a TLS probe that completed a handshake. */
export function tlsPostureFact(tls: TlsResult, address: string): Fact<TlsPosture> {
  const versions = Object.entries(tls.versions);
  const accepted = versions.filter(([, r]) => r?.verdict === "accepted").map(([v]) => v);
  const untested = versions.filter(([, r]) => r?.verdict === "cannot-test").map(([v]) => v);
  const weakCiphers = tls.weakCiphers
    .filter((w) => w.verdict === "accepted")
    .map((w) => w.suite ?? w.name);
  const untestedCiphers = tls.weakCiphers
    .filter((w) => w.verdict === "cannot-test")
    .map((w) => w.name);
  const c = tls.certificate;
  const posture: TlsPosture = {
    accepted,
    untested,
    weakCiphers,
    // The probe tried no suite at all when it was told not to: which families it tried is unknown.
    ...(tls.weakCiphers.length > 0 ? { untestedCiphers } : {}),
    ...(c
      ? {
          certificate: {
            subject: c.subject,
            notAfter: c.notAfter,
            expired: c.expired,
            daysLeft: c.daysLeft,
            selfSigned: c.selfSigned,
            ...(c.keyType ? { keyType: c.keyType } : {}),
            ...(c.keyBits ? { keyBits: c.keyBits } : {}),
            ...(c.trustError ? { trustError: c.trustError } : {}),
          },
        }
      : {}),
  };
  const excerpt = [
    versions.map(([v, r]) => `${v}:${r?.verdict}`).join(" "),
    c
      ? `${c.subject}; ${c.keyType ?? "?"} ${c.keyBits ?? "?"} bits; ${c.selfSigned ? "self-signed; " : ""}expires ${c.notAfter.slice(0, 10)}`
      : "no certificate seen",
    weakCiphers.length ? `weak suites accepted: ${weakCiphers.join(", ")}` : "",
  ]
    .filter(Boolean)
    .join("; ");
  return known(
    posture,
    portOrigin("tls-handshake", address, tls.port, tls.time, cut(excerpt, 240)),
  );
}

/**
 * TLS posture for services built elsewhere (SIP over TLS on 5061, from the SIP probes) on a port
 * the TLS probe also completed a handshake with.
 */
export function addTlsPosture(services: Service[], tls: TlsResult[], address: string): void {
  for (const s of services) {
    if (s.tlsPosture || !s.ports.known) continue;
    const port = s.ports.value.find((p) => p.from === p.to && p.transport === "tls")?.from;
    const r = port === undefined ? undefined : tls.find((x) => x.port === port);
    if (r) s.tlsPosture = tlsPostureFact(r, address);
  }
}

/** What the scan covered: its vantage and every port's outcome (UDP: SIP OPTIONS). */
export function scanCoverage(
  f: Facts,
  address: string,
  vantage: "internet" | "local",
  tcp: TcpResult[],
  udp: ScanCoverage["udp"],
): void {
  const time = tcp[0]?.time ?? new Date().toISOString();
  const open = tcp.filter((t) => t.state === "open").map((t) => t.port);
  f.scan = known<ScanCoverage>(
    {
      address,
      vantage,
      tcp: tcp.map((t) => ({ port: t.port, state: t.state })),
      udp,
    },
    {
      kind: "probe",
      probe: "tcp-connect",
      address,
      time,
      excerpt: cut(
        `${tcp.length} TCP port(s) probed from ${vantage === "internet" ? "the internet" : "inside the network"}; open: ${open.join(", ") || "none"}`,
      ),
    },
  );
}
