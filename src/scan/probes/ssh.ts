/**
 * SSH with the ssh2 library: the server's identification, the algorithms it offers (key exchange,
 * host keys, ciphers, MACs, weak ones flagged), and the authentication methods it offers, learnt
 * by asking for "none" authentication as a neutral user. No password is ever sent.
 */
import ssh2 from "ssh2";

export interface SshAlgorithms {
  kex: string[];
  hostKey: string[];
  /** Client-to-server and server-to-client, merged. */
  cipher: string[];
  mac: string[];
  compression: string[];
}

export interface SshResult {
  address: string;
  port: number;
  state: "ssh" | "not-ssh" | "no-answer" | "error";
  /** `SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3` */
  ident?: string;
  software?: { name: string; version?: string };
  algorithms?: SshAlgorithms;
  weak: { kind: keyof SshAlgorithms; name: string; why: string }[];
  /** Methods offered after "none" was refused; undefined when the server never said. */
  authMethods?: string[];
  /** The server let "none" through: no authentication at all. */
  noneAccepted?: boolean;
  /** Password logins accepted: "password", or "keyboard-interactive" (PAM asks for the password). */
  passwordAuth?: boolean;
  error?: string;
  time: string;
}

/** The user name "none" authentication is asked for: neutral, and not a real account. */
export const PROBE_USER = "bulwark-probe";

const WEAK: { kind: keyof SshAlgorithms; test: RegExp; why: string }[] = [
  { kind: "kex", test: /^diffie-hellman-group1-sha1$/, why: "1024-bit group, SHA-1" },
  { kind: "kex", test: /^diffie-hellman-group14-sha1$/, why: "SHA-1" },
  { kind: "kex", test: /^diffie-hellman-group-exchange-sha1$/, why: "SHA-1" },
  { kind: "kex", test: /^(gss-.*sha1|rsa1024-sha1)/, why: "SHA-1 / 1024-bit" },
  { kind: "hostKey", test: /^ssh-rsa$/, why: "RSA signatures with SHA-1" },
  { kind: "hostKey", test: /^ssh-dss$/, why: "DSA, 1024-bit" },
  { kind: "hostKey", test: /-cert-v00@/, why: "legacy certificate format" },
  { kind: "cipher", test: /-cbc(@|$)|^rijndael-cbc/, why: "CBC mode" },
  { kind: "cipher", test: /^arcfour/, why: "RC4" },
  { kind: "cipher", test: /^3des|^des|^blowfish|^cast128/, why: "64-bit block cipher" },
  { kind: "cipher", test: /^none$/, why: "no encryption" },
  { kind: "mac", test: /md5/, why: "MD5" },
  { kind: "mac", test: /-96(@|$)/, why: "truncated to 96 bits" },
  { kind: "mac", test: /^hmac-ripemd160/, why: "RIPEMD-160, obsolete" },
  // The encrypt-then-MAC variant has the same 64-bit tag.
  { kind: "mac", test: /^umac-64(-etm)?(@|$)/, why: "64-bit tag" },
  { kind: "mac", test: /^none$/, why: "no integrity" },
];

export function weakAlgorithms(a: SshAlgorithms): SshResult["weak"] {
  const out: SshResult["weak"] = [];
  for (const kind of ["kex", "hostKey", "cipher", "mac"] as const)
    for (const name of a[kind]) {
      const w = WEAK.find((x) => x.kind === kind && x.test.test(name));
      if (w) out.push({ kind, name, why: w.why });
    }
  return out;
}

/** `SSH-2.0-OpenSSH_9.2p1 Debian-2` → OpenSSH 9.2p1; `SSH-2.0-dropbear_2022.83` → dropbear 2022.83. */
export function parseIdent(ident: string): { name: string; version?: string } | undefined {
  const m = /^SSH-[\d.]+-(\S+)/.exec(ident);
  if (!m?.[1]) return undefined;
  const sw = m[1];
  const v = /^([A-Za-z][A-Za-z-]*?)[_-]v?(\d[\w.]*)/.exec(sw);
  return v?.[1] && v[2] ? { name: v[1], version: v[2] } : { name: sw };
}

// Also offer the legacy algorithms ssh2 knows, so an old device still completes the handshake and
// tells us its authentication methods.
const LEGACY = {
  kex: [
    "diffie-hellman-group14-sha1",
    "diffie-hellman-group-exchange-sha1",
    "diffie-hellman-group1-sha1",
  ],
  serverHostKey: ["ssh-dss"],
  cipher: ["aes128-cbc", "aes256-cbc", "3des-cbc"],
  hmac: ["hmac-md5", "hmac-sha1-96"],
};

export interface SshOptions {
  /** Whole probe time-out (default 8000 ms). */
  timeoutMs?: number;
}

export function sshProbe(address: string, port: number, opts: SshOptions = {}): Promise<SshResult> {
  const timeoutMs = opts.timeoutMs ?? 8000;
  const time = new Date().toISOString();
  return new Promise((resolve) => {
    const client = new ssh2.Client();
    const r: SshResult = { address, port, state: "no-answer", weak: [], time };
    const remote: Partial<Record<keyof SshAlgorithms, Set<string>>> = {};
    let settled = false;
    const finish = (err?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (r.ident) r.state = "ssh";
      else if (err && r.state === "no-answer" && !/time-out|timed out/i.test(err))
        r.state = "error";
      if (err && r.state !== "ssh") r.error = err;
      const lists = Object.keys(remote) as (keyof SshAlgorithms)[];
      if (lists.length > 0) {
        const get = (k: keyof SshAlgorithms) => [...(remote[k] ?? [])];
        r.algorithms = {
          kex: get("kex").filter((k) => !/^(ext-info-|kex-strict-)/.test(k)),
          hostKey: get("hostKey"),
          cipher: get("cipher"),
          mac: get("mac"),
          compression: get("compression"),
        };
        r.weak = weakAlgorithms(r.algorithms);
      }
      if (r.authMethods)
        r.passwordAuth =
          r.authMethods.includes("password") || r.authMethods.includes("keyboard-interactive");
      else if (r.noneAccepted) r.passwordAuth = false;
      client.removeAllListeners();
      client.on("error", () => {});
      client.end();
      resolve(r);
    };
    const timer = setTimeout(() => finish("time-out"), timeoutMs);
    const debug = (line: string) => {
      const ident = /^Remote ident: '(.*)'$/.exec(line);
      if (ident?.[1] !== undefined) {
        r.ident = ident[1].replace(/\\r|\\n/g, "");
        r.software = parseIdent(r.ident);
        return;
      }
      const m =
        /^Handshake: \(remote\) (KEX method|Host key format|C->S cipher|S->C cipher|C->S MAC|S->C MAC|C->S compression|S->C compression): (.*)$/.exec(
          line,
        );
      if (!m?.[1] || m[2] === undefined) return;
      const kind: keyof SshAlgorithms = m[1].startsWith("KEX")
        ? "kex"
        : m[1].startsWith("Host")
          ? "hostKey"
          : m[1].endsWith("cipher")
            ? "cipher"
            : m[1].endsWith("MAC")
              ? "mac"
              : "compression";
      const set = remote[kind] ?? new Set<string>();
      for (const a of m[2].split(",")) if (a) set.add(a);
      remote[kind] = set;
    };
    let asked = 0;
    client.on("ready", () => {
      // "none" was accepted: the server lets anyone in without credentials.
      r.noneAccepted = true;
      finish();
    });
    client.on("error", (err: Error & { level?: string }) => {
      if (!r.ident && /ident|protocol|handshake|header|packet/i.test(err.message))
        r.state = "not-ssh";
      finish(err.message);
    });
    client.on("close", () => finish(r.ident ? undefined : "closed before identifying itself"));
    const config: ssh2.ConnectConfig = {
      host: address,
      port,
      username: PROBE_USER,
      readyTimeout: timeoutMs,
      keepaliveInterval: 0,
      debug,
      algorithms: {
        kex: { append: LEGACY.kex, prepend: [], remove: [] },
        serverHostKey: { append: LEGACY.serverHostKey, prepend: [], remove: [] },
        cipher: { append: LEGACY.cipher, prepend: [], remove: [] },
        hmac: { append: LEGACY.hmac, prepend: [], remove: [] },
      } as ssh2.Algorithms,
      hostVerifier: () => true,
      authHandler: ((
        methodsLeft: string[] | null,
        _partial: boolean | null,
        next: (m: ssh2.AuthenticationType | false) => void,
      ) => {
        asked++;
        if (asked === 1)
          return next({ type: "none", username: PROBE_USER } as unknown as ssh2.AuthenticationType);
        if (methodsLeft) r.authMethods = [...methodsLeft];
        // Learnt what we came for; never try a credential.
        next(false);
      }) as unknown as ssh2.ConnectConfig["authHandler"],
    };
    try {
      client.connect(config);
    } catch (err) {
      finish((err as Error).message);
    }
  });
}
