/**
 * `bulwark scan --try-default-credentials`: on each login the scan found (SSH with passwords,
 * telnet, a web login: RutOS API, LuCI form or HTTP Basic), try at most MAX_ATTEMPTS factory
 * defaults from data/default-credentials.json, one at a time through the scan's limiter, and stop
 * at the first accepted. Only with the option; never more than that; never a password in the
 * results, the facts or the output (pairs are named by vendor and user).
 *
 * Facts: an accepted default sets `auth.defaultCredential` known(true) on that service; all tried
 * refused sets known(false), which means "these defaults were refused", not "the password is
 * strong"; an unclear answer leaves it unknown.
 */
import type { Facts, Service } from "../../facts/model.js";
import { known, type ProbeOrigin, unknown } from "../../facts/value.js";
import type { DefaultLoginService } from "../../secrets/defaults.js";
import type { HostScan } from "../index.js";
import type { Limiter } from "../limiter.js";
import { portOrigin } from "../port-origin.js";
import { type DefaultPair, defaultPairs, MAX_ATTEMPTS, type PairHints } from "./defaults.js";
import { basicAttempter, detectBasic } from "./http-basic.js";
import { detectLuci, luciLogin } from "./luci.js";
import { detectRutos, rutosLogin } from "./rutos.js";
import { sshAttempter } from "./ssh.js";
import { telnetLogin } from "./telnet.js";
import type { Attempter, Endpoint, LoginOutcome } from "./types.js";

export { MAX_ATTEMPTS } from "./defaults.js";

export interface CredentialTry {
  vendor: string;
  product: string;
  username: string;
  /** How the pair is named: "the Teltonika factory default for user admin". */
  label: string;
  outcome: LoginOutcome;
  note?: string;
}

export interface CredentialCheck {
  port: number;
  /** The login tried; undefined when the service offered none this scanner knows. */
  login?: DefaultLoginService;
  tries: CredentialTry[];
  /** Why nothing was tried. */
  skipped?: string;
  time: string;
}

interface Login {
  service: Service;
  port: number;
  login?: DefaultLoginService;
  attempt?: Attempter;
  ep: Endpoint;
  skipped?: string;
}

/** The data file's vendor names for what a web login page says about the firmware. */
const VENDORS_OF_LOGIN: Partial<Record<DefaultLoginService, string[]>> = {
  rutos: ["Teltonika"],
  luci: ["OpenWrt"],
};
const VENDORS_OF_APP: Record<string, string[]> = { rutos: ["Teltonika"], luci: ["OpenWrt"] };

function firstPort(s: Service): number | undefined {
  return s.ports.known ? s.ports.value[0]?.from : undefined;
}

/** The login a web service presents: RutOS API, LuCI form, or Basic on its front page. */
async function webLogin(
  ep: Endpoint,
  limiter: Limiter,
): Promise<Pick<Login, "login" | "attempt" | "skipped">> {
  if (await limiter.run(() => detectRutos(ep))) return { login: "rutos", attempt: rutosLogin };
  if (await limiter.run(() => detectLuci(ep))) return { login: "luci", attempt: luciLogin };
  const basic = await limiter.run(() => detectBasic(ep));
  if (basic) return { login: "http-basic", attempt: basicAttempter(basic) };
  return { skipped: "no login this scanner knows (RutOS API, LuCI form, HTTP Basic on /)" };
}

async function findLogin(
  scan: HostScan,
  s: Service,
  limiter: Limiter,
  timeoutMs: number,
): Promise<Login | undefined> {
  const port = firstPort(s);
  if (port === undefined) return undefined;
  const address = scan.address ?? scan.target;
  const tls = s.kind === "https" || (s.tls.known && s.tls.value && s.kind !== "ssh");
  const ep: Endpoint = { address, port, tls, timeoutMs };
  if (s.kind === "ssh") {
    const ssh = scan.ssh.find((x) => x.port === port);
    // SSH handshakes (and a server's failure delay) take longer than one TCP round trip.
    const sshEp = { ...ep, timeoutMs: timeoutMs * 2 };
    if (!ssh?.authMethods)
      return {
        service: s,
        port,
        ep: sshEp,
        skipped: "the server did not list its authentication methods",
      };
    const method = ssh.authMethods.includes("password")
      ? "password"
      : ssh.authMethods.includes("keyboard-interactive")
        ? "keyboard-interactive"
        : undefined;
    if (!method) return { service: s, port, ep: sshEp, skipped: "the server accepts no passwords" };
    return { service: s, port, ep: sshEp, login: "ssh", attempt: sshAttempter(method) };
  }
  // login(1) waits seconds after a wrong password before it says so.
  if (s.kind === "telnet")
    return {
      service: s,
      port,
      ep: { ...ep, timeoutMs: timeoutMs * 3 },
      login: "telnet",
      attempt: telnetLogin,
    };
  if (s.kind === "http" || s.kind === "https")
    return { service: s, port, ep, ...(await webLogin(ep, limiter)) };
  return undefined;
}

function hintsFor(f: Facts, logins: readonly Login[]): PairHints {
  const vendors = new Set<string>();
  for (const l of logins)
    for (const v of (l.login && VENDORS_OF_LOGIN[l.login]) ?? []) vendors.add(v);
  for (const s of f.services)
    if (s.http?.known && s.http.value.app)
      for (const v of VENDORS_OF_APP[s.http.value.app] ?? []) vendors.add(v);
  return {
    ...(f.device.class.known ? { cls: f.device.class.value } : {}),
    vendors: [...vendors],
  };
}

async function tryPairs(
  l: Login & { login: DefaultLoginService; attempt: Attempter },
  pairs: readonly DefaultPair[],
  limiter: Limiter,
): Promise<CredentialTry[]> {
  const tries: CredentialTry[] = [];
  // One pair at a time, and never more than MAX_ATTEMPTS, whatever the caller passed.
  for (const p of pairs.slice(0, MAX_ATTEMPTS)) {
    const cred = { username: p.entry.username, password: p.entry.password };
    const r = await limiter.run(() => (l.attempt as Attempter)(l.ep, cred));
    tries.push({
      vendor: p.entry.vendor,
      product: p.entry.product,
      username: p.entry.username,
      label: p.label,
      outcome: r.outcome,
      ...(r.note ? { note: r.note } : {}),
    });
    if (r.outcome === "accepted") break;
  }
  return tries;
}

/** Tries the defaults on every login of `scan` and records the outcome in its facts. */
export async function tryDefaultCredentials(
  scan: HostScan,
  limiter: Limiter,
  timeoutMs: number,
): Promise<CredentialCheck[]> {
  const f = scan.facts;
  const found = await Promise.all(f.services.map((s) => findLogin(scan, s, limiter, timeoutMs)));
  const logins = found.filter((l): l is Login => l !== undefined);
  const hints = hintsFor(f, logins);
  const checks = await Promise.all(
    logins.map(async (l): Promise<CredentialCheck> => {
      const time = new Date().toISOString();
      if (!l.login || !l.attempt)
        return { port: l.port, tries: [], skipped: l.skipped ?? "no login", time };
      const pairs = defaultPairs(l.login, hints);
      if (pairs.length === 0)
        return {
          port: l.port,
          login: l.login,
          tries: [],
          skipped: `no default in data/default-credentials.json for ${l.login}${hints.cls ? ` on a ${hints.cls}` : ""}`,
          time,
        };
      const tries = await tryPairs({ ...l, login: l.login, attempt: l.attempt }, pairs, limiter);
      return { port: l.port, login: l.login, tries, time };
    }),
  );
  checks.sort((a, b) => a.port - b.port);
  fillCredentialFacts(f, checks, scan.address ?? scan.target);
  return checks;
}

function origin(address: string, c: CredentialCheck, excerpt: string): ProbeOrigin {
  return portOrigin(`default-credentials:${c.login}`, address, c.port, c.time, excerpt);
}

/** Sets `auth.defaultCredential` of each service a default was tried on. */
export function fillCredentialFacts(
  f: Facts,
  checks: readonly CredentialCheck[],
  address: string,
): void {
  for (const c of checks) {
    if (c.tries.length === 0) continue;
    const svc = f.services.find(
      (s) => s.ports.known && s.ports.value.some((p) => p.from === c.port),
    );
    if (!svc) continue;
    const accepted = c.tries.find((t) => t.outcome === "accepted");
    const labels = c.tries.map((t) => t.label).join("; ");
    if (accepted) {
      svc.auth.defaultCredential = known(
        true,
        origin(
          address,
          c,
          `accepted ${accepted.label} over ${c.login} (data/default-credentials.json)`,
        ),
      );
    } else if (c.tries.every((t) => t.outcome === "refused")) {
      svc.auth.defaultCredential = known(
        false,
        origin(
          address,
          c,
          `the ${c.tries.length} factory default(s) tried over ${c.login} were refused (${labels}); no other password was tried`,
        ),
      );
    } else {
      const unclear = c.tries.filter((t) => t.outcome === "inconclusive");
      svc.auth.defaultCredential = unknown(
        `${unclear.length} of the ${c.tries.length} factory default(s) tried over ${c.login} got no clear answer (${unclear.map((t) => t.note ?? "no answer").join("; ")})`,
        origin(address, c, labels),
      );
    }
  }
}

/** One line for the scan summary: "22/tcp default credentials (ssh): 3 tried, all refused: ...". */
export function describeCheck(c: CredentialCheck): string {
  const head = `${c.port}/tcp default credentials${c.login ? ` (${c.login})` : ""}`;
  if (c.tries.length === 0) return `${head}: not tried: ${c.skipped ?? "no login"}`;
  const accepted = c.tries.find((t) => t.outcome === "accepted");
  if (accepted)
    return `${head}: ACCEPTED ${accepted.label} (after ${c.tries.length} tr${c.tries.length === 1 ? "y" : "ies"})`;
  const each = c.tries.map((t) => `${t.label}: ${t.outcome}`).join("; ");
  return c.tries.every((t) => t.outcome === "refused")
    ? `${head}: ${c.tries.length} tried, all refused (${each})`
    : `${head}: no clear answer (${each})`;
}
