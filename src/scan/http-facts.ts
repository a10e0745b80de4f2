/**
 * What the HTTP probe saw, as facts on the Service of its port: whether plain HTTP sends the
 * browser to HTTPS (`redirectsToTls`), the page's posture (`http`: status, redirect, login page
 * recognised, HSTS, Basic credentials over plain HTTP), the challenge schemes, the server software
 * and, once the page says which application it is, the service's label and admin role.
 */
import type { Facts, HttpPosture, SoftwareSeen } from "../facts/model.js";
import { type Fact, known, type ProbeOrigin, unknown } from "../facts/value.js";
import { portOrigin } from "./port-origin.js";
import { type HttpAnswer, type HttpResult, nextHop } from "./probes/http.js";
import { serviceOnPort, setKind } from "./service-on-port.js";
import { softwareFrom } from "./software.js";

function schemes(a: HttpAnswer): string[] {
  return a.authenticate
    .map((c) => (/^\s*([\w-]+)/.exec(c)?.[1] ?? "").toLowerCase())
    .filter(Boolean);
}

const isPlain = (a: HttpAnswer) => a.url.startsWith("http:");

/** One line of evidence: what each request got. */
export function httpExcerpt(r: HttpResult): string {
  const parts = r.answers.map((a) => {
    const path = new URL(a.url).pathname;
    const bits = [
      `GET ${a.url.startsWith("https:") ? "https " : ""}${path} → ${a.status} ${a.statusText}`.trim(),
    ];
    if (a.location) bits.push(`Location: ${a.location}`);
    else if (a.refresh) bits.push(`refresh to ${a.refresh}`);
    if (a.authenticate.length) bits.push(`WWW-Authenticate: ${a.authenticate.join(", ")}`);
    if (a.server) bits.push(`Server: ${a.server}`);
    if (a.title) bits.push(`"${a.title}"`);
    return bits.join("; ");
  });
  if (r.redirect && !r.redirect.followed && r.redirect.why)
    parts.push(`not followed: ${r.redirect.why}`);
  if (r.app) parts.push(r.app.name);
  const s = parts.join(" | ");
  return s.length > 300 ? `${s.slice(0, 299)}…` : s;
}

/**
 * Whether plain HTTP sends the browser to HTTPS, from the answers: a redirect (or meta refresh)
 * to https:, directly or after the one same-host redirect the probe followed.
 */
export function tlsRedirect(r: HttpResult): { value: boolean } | { reason: string } {
  const first = r.answers[0];
  if (!first) return { reason: "no answer to GET /" };
  if (!nextHop(first)) return { value: false };
  const d = r.redirect;
  if (!d) return { reason: "the redirect could not be read" };
  if (d.toTls) return { value: true };
  if (d.followed) {
    const second = r.answers[1];
    const hop = second ? nextHop(second) : undefined;
    if (!second || !hop) return { value: false };
    let to: URL;
    try {
      to = new URL(hop, second.url);
    } catch {
      return { reason: `the second redirect is not a URL (${hop})` };
    }
    if (to.protocol === "https:") return { value: true };
    return { reason: `redirects again (to ${to.href}) beyond the one redirect followed` };
  }
  // Not followed: to another plain-HTTP host, or to itself, still plain HTTP either way.
  if (/another host|itself/.test(d.why ?? "")) return { value: false };
  return { reason: `the redirect to ${d.location} was not followed (${d.why ?? "unknown"})` };
}

export function fillHttpFacts(f: Facts, results: HttpResult[], address: string): void {
  for (const r of results) {
    const first = r.answers[0];
    if (r.state !== "http" || !first) continue;
    const svc = serviceOnPort(f, r.port);
    if (!svc) continue;
    const at = portOrigin("http-get", address, r.port, r.time, httpExcerpt(r));
    const scheme = r.tls ? "HTTPS" : "HTTP";
    // A port nothing named (or only "a TLS service") turned out to serve the web.
    if (svc.kind === "other") setKind(svc, r.tls ? "https" : "http", r.port);
    if (r.app?.admin) {
      svc.admin = true;
      svc.label = `${r.app.name} (${scheme}) on ${r.port}/tcp`;
    } else if (/^(TCP|TLS) service on /.test(svc.label)) {
      svc.label = `Web server (${scheme}) on ${r.port}/tcp`;
    }
    const plainAnswers = r.answers.filter(isPlain);
    const basicOverPlain = plainAnswers.some((a) => schemes(a).includes("basic"));
    const posture: HttpPosture = {
      status: first.status,
      ...(first.location || first.refresh ? { location: first.location ?? first.refresh } : {}),
      ...(r.app ? { app: r.app.id } : {}),
      ...(r.tls ? { hsts: first.hsts !== undefined } : {}),
      basicAuthOverPlain: !r.tls && basicOverPlain,
    };
    svc.http = known(posture, at);
    if (!r.tls) {
      const d = tlsRedirect(r);
      svc.redirectsToTls = "value" in d ? known(d.value, at) : unknown(d.reason, at);
    }
    const own = r.answers.filter((a) => isPlain(a) !== r.tls);
    svc.auth.challengeSchemes = known([...new Set(own.flatMap(schemes))], at);
    // The page itself (not a login form) demanded credentials.
    const landing = own.at(-1);
    if (landing?.status === 401) svc.auth.anonymous = known(false, at);
    const software = softwareOf(r, at);
    if (software && !svc.software) svc.software = software;
  }
}

function softwareOf(r: HttpResult, at: ProbeOrigin): Fact<SoftwareSeen> | undefined {
  if (r.app?.id === "bas-ip" && r.app.version)
    return known(
      {
        product: "bas-ip",
        version: r.app.version,
        raw: `/api/info firmware_version ${r.app.version}`,
      },
      at,
    );
  const server = r.answers.map((a) => a.server).find((s) => s !== undefined);
  const seen = softwareFrom(server);
  return seen ? known(seen, at) : undefined;
}
