/**
 * TLS: which protocol versions the server accepts (each tried on its own), the certificate
 * (expiry, self-signed, key size) and whether weak cipher suites are accepted. Where this Node's
 * OpenSSL cannot even offer a version or a suite (TLS 1.0/1.1 at its default security level, RC4
 * compiled out), the answer is "cannot-test", never a guess.
 */
import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import tls from "node:tls";

export type TlsVersion = "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";
export const TLS_VERSIONS: TlsVersion[] = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

export type Verdict = "accepted" | "refused" | "cannot-test";

export interface TlsCertificate {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  expired: boolean;
  daysLeft: number;
  selfSigned: boolean;
  keyType?: string;
  keyBits?: number;
  fingerprint256: string;
  /** Why a verifying client would reject the chain (e.g. DEPTH_ZERO_SELF_SIGNED_CERT). */
  trustError?: string;
}

export interface TlsResult {
  address: string;
  port: number;
  state: "tls" | "not-tls" | "no-answer" | "error";
  versions: Partial<Record<TlsVersion, { verdict: Verdict; detail?: string }>>;
  /** Negotiated with the client's defaults. */
  negotiated?: { version: string; cipher: string };
  certificate?: TlsCertificate;
  weakCiphers: { name: string; verdict: Verdict; suite?: string; detail?: string }[];
  error?: string;
  time: string;
}

export interface TlsOptions {
  timeoutMs?: number;
  /** SNI name (a host name target); addresses send none. */
  servername?: string;
  /** Test weak suites too (a few more connections; default true). */
  weakCiphers?: boolean;
}

interface Attempt {
  ok: boolean;
  socket?: tls.TLSSocket;
  code?: string;
  message?: string;
  /** Not even a TCP connection, or no bytes back. */
  noAnswer?: boolean;
  /** The client could not build the offer (our side). */
  local?: boolean;
  info?: {
    version: string;
    cipher: string;
    cert?: tls.DetailedPeerCertificate;
    authError?: string;
  };
}

const LOCAL_ERRORS =
  /no protocols available|no ciphers available|no cipher match|ERR_TLS_INVALID_PROTOCOL|unsupported protocol version.*local|NO_SUITABLE_SIGNATURE_ALGORITHM/i;

function attempt(
  address: string,
  port: number,
  opts: tls.ConnectionOptions,
  timeoutMs: number,
): Promise<Attempt> {
  return new Promise((resolve) => {
    let done = false;
    let socket: tls.TLSSocket | undefined;
    let connected = false;
    const finish = (a: Attempt) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve(a);
    };
    const timer = setTimeout(
      () => finish({ ok: false, noAnswer: true, message: "time-out" }),
      timeoutMs,
    );
    try {
      socket = tls.connect({
        host: address,
        port,
        rejectUnauthorized: false,
        ...opts,
      });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      finish({ ok: false, local: true, code: e.code, message: e.message });
      return;
    }
    socket.on("connect", () => {
      connected = true;
    });
    socket.on("secureConnect", () => {
      const s = socket as tls.TLSSocket;
      finish({
        ok: true,
        info: {
          version: s.getProtocol() ?? "?",
          cipher: s.getCipher()?.name ?? "?",
          cert: s.getPeerCertificate(true),
          authError: s.authorizationError ? String(s.authorizationError) : undefined,
        },
      });
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      const msg = err.message ?? "";
      if (!connected && (err.code === "ECONNREFUSED" || err.code === "ETIMEDOUT"))
        finish({ ok: false, noAnswer: true, code: err.code, message: msg });
      else
        finish({
          ok: false,
          code: err.code,
          message: msg,
          local: LOCAL_ERRORS.test(msg) || LOCAL_ERRORS.test(err.code ?? ""),
        });
    });
    socket.on("close", () => finish({ ok: false, message: "closed during the handshake" }));
  });
}

function describeCert(
  cert: tls.DetailedPeerCertificate | undefined,
  authError: string | undefined,
  now: Date,
): TlsCertificate | undefined {
  if (!cert?.raw) return undefined;
  const x = new X509Certificate(cert.raw);
  const notAfter = new Date(x.validTo);
  let selfSigned = false;
  try {
    selfSigned = x.checkIssued(x) && x.verify(x.publicKey);
  } catch {
    selfSigned = false;
  }
  const details = x.publicKey.asymmetricKeyDetails;
  const keyType = x.publicKey.asymmetricKeyType;
  const keyBits =
    details?.modulusLength ??
    (details?.namedCurve ? curveBits(details.namedCurve) : undefined) ??
    (keyType === "ed25519" ? 256 : keyType === "ed448" ? 448 : undefined);
  return {
    subject: x.subject.replace(/\n/g, ", "),
    issuer: x.issuer.replace(/\n/g, ", "),
    notBefore: new Date(x.validFrom).toISOString(),
    notAfter: notAfter.toISOString(),
    expired: notAfter.getTime() < now.getTime(),
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000),
    selfSigned,
    keyType,
    keyBits,
    fingerprint256: x.fingerprint256,
    trustError: authError,
  };
}

function curveBits(curve: string): number | undefined {
  const m = /(\d{3})/.exec(curve);
  return m?.[1] ? Number(m[1]) : undefined;
}

/** Weak suite families, offered one family at a time (TLS 1.2 and below). */
export const WEAK_SUITES: { name: string; ciphers: string }[] = [
  { name: "NULL (no encryption)", ciphers: "eNULL" },
  { name: "anonymous (no authentication)", ciphers: "aNULL" },
  { name: "EXPORT", ciphers: "EXP" },
  { name: "RC4", ciphers: "RC4" },
  { name: "3DES / DES", ciphers: "3DES:DES" },
  { name: "static RSA key exchange (no forward secrecy)", ciphers: "kRSA" },
];

export async function tlsProbe(
  address: string,
  port: number,
  opts: TlsOptions = {},
): Promise<TlsResult> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const now = new Date();
  const r: TlsResult = {
    address,
    port,
    state: "no-answer",
    versions: {},
    weakCiphers: [],
    time: now.toISOString(),
  };
  const base: tls.ConnectionOptions = {};
  if (opts.servername && !isIP(opts.servername)) base.servername = opts.servername;

  // First with the client's defaults: is it TLS at all, and what is the certificate?
  const first = await attempt(address, port, base, timeoutMs);
  if (first.ok && first.info) {
    r.state = "tls";
    r.negotiated = { version: first.info.version, cipher: first.info.cipher };
    r.certificate = describeCert(first.info.cert, first.info.authError, now);
  } else if (first.noAnswer && first.code === "ECONNREFUSED") {
    r.error = first.message;
    return r;
  } else if (first.noAnswer) {
    // Connected but silent, or no connection: no answer either way.
    r.error = first.message;
  } else {
    r.error = first.message;
    r.state =
      /wrong version number|packet length too long|unknown protocol|record layer failure|http request/i.test(
        first.message ?? "",
      )
        ? "not-tls"
        : "error";
  }
  // Each version on its own. Even when the defaults failed (a TLS 1.0-only device).
  if (r.state === "not-tls" || r.state === "no-answer") return r;
  for (const v of TLS_VERSIONS) {
    const legacy = v === "TLSv1" || v === "TLSv1.1";
    const a = await attempt(
      address,
      port,
      {
        ...base,
        minVersion: v,
        maxVersion: v,
        // OpenSSL 3 refuses to offer TLS 1.0/1.1 (SHA-1) at its default security level.
        ...(legacy ? { ciphers: "DEFAULT:@SECLEVEL=0" } : {}),
      },
      timeoutMs,
    );
    if (a.ok) {
      r.versions[v] = { verdict: "accepted" };
      if (r.state !== "tls" && a.info) {
        r.state = "tls";
        r.negotiated = { version: a.info.version, cipher: a.info.cipher };
        r.certificate = describeCert(a.info.cert, a.info.authError, now);
      }
    } else if (a.local) r.versions[v] = { verdict: "cannot-test", detail: a.message };
    else if (a.noAnswer) r.versions[v] = { verdict: "refused", detail: `no answer (${a.message})` };
    else r.versions[v] = { verdict: "refused", detail: a.message };
  }
  if (r.state === "tls") r.error = undefined;
  if (r.state === "tls" && opts.weakCiphers !== false) {
    for (const w of WEAK_SUITES) {
      const a = await attempt(
        address,
        port,
        {
          ...base,
          maxVersion: "TLSv1.2",
          minVersion: "TLSv1",
          ciphers: `${w.ciphers}:@SECLEVEL=0`,
        },
        timeoutMs,
      );
      if (a.ok) r.weakCiphers.push({ name: w.name, verdict: "accepted", suite: a.info?.cipher });
      else if (a.local)
        r.weakCiphers.push({ name: w.name, verdict: "cannot-test", detail: a.message });
      else r.weakCiphers.push({ name: w.name, verdict: "refused" });
    }
  }
  return r;
}
