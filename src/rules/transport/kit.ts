/**
 * Shared by the transport rules (TLS versions, certificate, suites; SSH algorithms): which
 * services a scan saw speaking TLS or SSH, the software behind them for a fitting fix, the finding
 * when there is nothing to judge, and builders for their probe-origin cases.
 */
import type { Facts, Service, SoftwareSeen, SshPosture, TlsPosture } from "../../facts/model.js";
import { type Fact, known, type Origin } from "../../facts/value.js";
import type { TlsServiceKind } from "../../remediation/tls.js";
import { undecided, unknownFrom } from "../outcome.js";
import {
  noneAnswered,
  probeAt,
  probedService,
  scannedService,
  scanOf,
  sshIdentSoftware,
} from "../probe-kit.js";
import type { Finding, Severity } from "../types.js";

export function softwareOf(s: Service): SoftwareSeen | undefined {
  return s.software?.known ? s.software.value : undefined;
}

export function tlsKindOf(s: Service): TlsServiceKind {
  if (s.kind === "sip") return "sip";
  if (s.kind === "mqtt") return "mqtt";
  if (["http", "https", "ari", "api", "web-cli", "rtsp"].includes(s.kind)) return "web";
  return "other";
}

/** "TLSv1" → "TLS 1.0", as people say it. */
export function tlsName(v: string): string {
  const m = /^TLSv(\d)(?:\.(\d))?$/.exec(v);
  return m ? `TLS ${m[1]}.${m[2] ?? "0"}` : v;
}

const ORDER: Severity[] = ["info", "low", "medium", "high", "critical"];
export function worst(severities: Severity[]): Severity {
  return severities.reduce<Severity>(
    (a, b) => (ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a),
    "info",
  );
}

/**
 * Judges each service with a posture fact; a scanned service that should have one but has none
 * (its handshake failed) is undecided. Nothing to judge: not applicable, saying why.
 */
export function judgeEach<T>(
  facts: Facts,
  what: { service: string; posture: string },
  candidate: (s: Service) => boolean,
  posture: (s: Service) => Fact<T> | undefined,
  judge: (s: Service, value: T, at: readonly Origin[]) => Finding,
): Finding[] {
  const scan = scanOf(facts);
  const services = facts.services.filter(
    (s) => posture(s) !== undefined || (scan !== undefined && probedService(s) && candidate(s)),
  );
  if (services.length === 0) {
    return [
      noneAnswered(
        facts,
        what.service,
        `decided from a live handshake by a scan (bulwark scan): a configuration does not show what a ${what.service} negotiates`,
      ),
    ];
  }
  return services.map((s) => {
    const subject = s.label;
    const p = posture(s);
    if (!p)
      return undecided(
        `the handshake with ${s.label} did not complete, so its ${what.posture} was not seen`,
        s.enabled.at,
        { subject },
      );
    if (!p.known) return unknownFrom(p, `The ${what.posture} of ${s.label}`, { subject });
    return judge(s, p.value, p.at);
  });
}

/** A scanned service that should speak TLS: TLS was seen, or it is HTTPS by its port. */
export function speaksTls(s: Service): boolean {
  if (s.kind === "ssh") return false;
  return s.tls.known ? s.tls.value : s.kind === "https";
}

// ---------------------------------------------------------------------------------------------
// Case builders

export function posture(p: Partial<TlsPosture> = {}): TlsPosture {
  return {
    accepted: ["TLSv1.2", "TLSv1.3"],
    untested: [],
    weakCiphers: [],
    untestedCiphers: [],
    certificate: {
      subject: "CN=router.example.net",
      notAfter: "2027-06-01T00:00:00.000Z",
      expired: false,
      daysLeft: 192,
      selfSigned: false,
      keyType: "rsa",
      keyBits: 2048,
    },
    ...p,
  };
}

/** An HTTPS (or other TLS) service as a scan describes it, with its TLS posture. */
export function tlsService(
  port: number,
  p: TlsPosture,
  extra: Partial<Service> & { product?: string; version?: string } = {},
): Service {
  const { product, version, ...rest } = extra;
  return scannedService({
    kind: "https",
    port,
    label: `Web interface (HTTPS) on ${port}/tcp`,
    tls: known(true, probeAt(port, "TLSv1.3 TLS_AES_256_GCM_SHA384", "tls")),
    tlsPosture: known(p, probeAt(port, "TLS handshakes", "tls-handshake")),
    ...(product
      ? {
          software: known(
            { product, ...(version ? { version } : {}), raw: `${product}/${version ?? ""}` },
            probeAt(port, `Server: ${product}`, "http-get"),
          ),
        }
      : {}),
    ...rest,
  });
}

/** An SSH server as a scan describes it, with the weak algorithms it offered. */
export function sshScanned(
  port: number,
  weak: SshPosture["weak"],
  ident = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3",
): Service {
  const software = sshIdentSoftware(port, ident);
  return scannedService({
    kind: "ssh",
    port,
    label: `SSH on ${port}/tcp`,
    tls: known(true, probeAt(port, ident)),
    sshPosture: known({ weak }, probeAt(port, "algorithms offered", "ssh-kex")),
    ...(software ? { software } : {}),
  });
}
