/**
 * HTTP(S): one `GET /` with node:http / node:https (certificates not verified: a scan observes,
 * it does not trust), then at most one redirect followed, and only on the host being scanned, to
 * see whether plain HTTP sends browsers to HTTPS and which login page answers. Bounded: one
 * time-out for the whole probe, response headers capped (16 KB), the body read up to
 * `maxBodyBytes` and the rest dropped. Never throws: garbage, stalls, answers cut short and
 * floods end as "not-http" or "no-answer". No credential is ever sent.
 */
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { isAppShell, recogniseWebApp, type WebApp, webAppFromInfo } from "../web-apps.js";

export const USER_AGENT = "bulwark-scan/0.1";

/** One answer to one request. */
export interface HttpAnswer {
  url: string;
  status: number;
  statusText: string;
  server?: string;
  location?: string;
  /** A `<meta http-equiv="refresh">` target (how OpenWrt's index.html sends browsers to LuCI). */
  refresh?: string;
  /** The Strict-Transport-Security header, as sent. */
  hsts?: string;
  /** WWW-Authenticate challenges, as sent (`Basic realm="admin"`). */
  authenticate: string[];
  contentType?: string;
  title?: string;
  bodyBytes: number;
  /** The body was longer than the probe reads. */
  truncated: boolean;
  app?: WebApp;
  ms: number;
}

export interface HttpRedirect {
  /** The target, as resolved against the request's URL. */
  location: string;
  toTls: boolean;
  followed: boolean;
  /** Why it was not followed (another host, a loop, the time-out). */
  why?: string;
}

export interface HttpResult {
  address: string;
  port: number;
  tls: boolean;
  state: "http" | "not-http" | "no-answer" | "error";
  /** The answer to `GET /`, then the answer where its redirect led (when followed). */
  answers: HttpAnswer[];
  redirect?: HttpRedirect;
  /** The web application recognised (on the last page read, or from its info endpoint). */
  app?: WebApp;
  error?: string;
  time: string;
}

export interface HttpOptions {
  /** Speak TLS from the first byte (HTTPS). */
  tls?: boolean;
  /** The name the user gave (Host header, SNI, and which redirects count as the same host). */
  host?: string;
  /** Path asked for first (default "/"). */
  path?: string;
  /** Whole probe time-out (default 3000 ms). */
  timeoutMs?: number;
  /** Body bytes read per answer (default 256 KB). */
  maxBodyBytes?: number;
}

const MAX_HEADER_BYTES = 16 * 1024;
const DEFAULT_BODY_BYTES = 256 * 1024;

type Once =
  | { ok: true; answer: HttpAnswer; body: string }
  | { ok: false; state: HttpResult["state"]; error: string };

interface Target {
  tls: boolean;
  port: number;
  path: string;
}

function bracket(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

function urlOf(host: string, t: Target): string {
  const standard = t.tls ? 443 : 80;
  return `${t.tls ? "https" : "http"}://${bracket(host)}${t.port === standard ? "" : `:${t.port}`}${t.path}`;
}

function headerText(v: string | string[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(", ") : v;
}

/** Printable, one line, at most `max` characters: header values end up in evidence. */
export function clean(s: string, max = 200): string {
  let printable = "";
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    printable += c < 0x20 || c === 0x7f ? " " : ch;
  }
  const flat = printable.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function pageTitle(body: string): string | undefined {
  const m = /<title[^>]*>([^<]{0,400})<\/title>/i.exec(body);
  if (!m?.[1]) return undefined;
  const text = m[1].replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e] ?? "");
  return clean(text, 120) || undefined;
}

/** The target of a `<meta http-equiv="refresh" content="0; URL=...">`, in either attribute order. */
export function metaRefresh(body: string): string | undefined {
  for (const tag of body.match(/<meta\b[^>]*>/gi) ?? []) {
    if (!/http-equiv\s*=\s*["']?refresh/i.test(tag)) continue;
    const content = /content\s*=\s*(["'])(.*?)\1/i.exec(tag)?.[2] ?? "";
    const url = /^\s*\d*\s*;?\s*url\s*=\s*['"]?([^'"\s]+)/i.exec(content)?.[1];
    if (url) return url;
  }
  return undefined;
}

function parseErrorState(code: string | undefined): HttpResult["state"] {
  // llhttp's parse errors: bytes came back, but not an HTTP answer.
  if (code?.startsWith("HPE_")) return "not-http";
  if (
    code === "ECONNRESET" ||
    code === "ECONNREFUSED" ||
    code === "EHOSTUNREACH" ||
    code === "ENETUNREACH" ||
    code === "ETIMEDOUT" ||
    code === "EPIPE"
  )
    return "no-answer";
  return "error";
}

/** One GET, bounded by `deadline` (epoch ms). */
function getOnce(
  address: string,
  hostName: string,
  t: Target,
  deadline: number,
  maxBody: number,
): Promise<Once> {
  const started = Date.now();
  const url = urlOf(hostName, t);
  return new Promise((resolve) => {
    let settled = false;
    let res: IncomingMessage | undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    const finishAnswer = () => {
      if (!res || settled) return;
      const body = Buffer.concat(chunks).toString("utf8");
      const h = res.headers;
      const server = headerText(h.server);
      const location = headerText(h.location);
      const hsts = headerText(h["strict-transport-security"]);
      const contentType = headerText(h["content-type"]);
      const auth = h["www-authenticate"];
      const title = pageTitle(body);
      const refresh = res.statusCode && res.statusCode < 300 ? metaRefresh(body) : undefined;
      const answer: HttpAnswer = {
        url,
        status: res.statusCode ?? 0,
        statusText: clean(res.statusMessage ?? "", 60),
        ...(server ? { server: clean(server, 120) } : {}),
        ...(location ? { location: clean(location, 300) } : {}),
        ...(refresh ? { refresh: clean(refresh, 300) } : {}),
        ...(hsts ? { hsts: clean(hsts, 120) } : {}),
        authenticate: (Array.isArray(auth) ? auth : auth ? [auth] : []).map((a) => clean(a, 120)),
        ...(contentType ? { contentType: clean(contentType, 80) } : {}),
        ...(title ? { title } : {}),
        bodyBytes: size,
        truncated,
        ms: Date.now() - started,
      };
      const app = recogniseWebApp({ status: answer.status, server, title, body });
      if (app) answer.app = app;
      done({ ok: true, answer, body });
    };
    const done = (r: Once) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      res?.destroy();
      resolve(r);
    };
    const common = {
      host: address,
      port: t.port,
      path: t.path,
      method: "GET",
      agent: false as const,
      maxHeaderSize: MAX_HEADER_BYTES,
      headers: {
        Host: urlOf(hostName, { ...t, path: "" }).replace(/^https?:\/\//, ""),
        "User-Agent": USER_AGENT,
        Accept: "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8",
        Connection: "close",
      },
    };
    const req = t.tls
      ? https.request({
          ...common,
          rejectUnauthorized: false,
          // Old devices still speak TLS 1.0 with weak suites; the scan reads their page anyway.
          minVersion: "TLSv1",
          ciphers: "DEFAULT:@SECLEVEL=0",
          ...(isIP(hostName) ? {} : { servername: hostName }),
        })
      : http.request(common);
    const timer = setTimeout(
      () => (res ? finishAnswer() : done({ ok: false, state: "no-answer", error: "time-out" })),
      Math.max(1, deadline - Date.now()),
    );
    req.on("response", (r) => {
      res = r;
      r.on("data", (d: Buffer) => {
        const room = maxBody - size;
        if (d.length >= room) {
          chunks.push(d.subarray(0, room));
          size += room;
          truncated = true;
          finishAnswer();
          return;
        }
        chunks.push(d);
        size += d.length;
      });
      r.on("end", finishAnswer);
      // Cut short after the status line: still an HTTP answer, with what arrived.
      r.on("error", finishAnswer);
      r.on("aborted", finishAnswer);
      r.on("close", finishAnswer);
    });
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (res) return finishAnswer();
      const code = err.code;
      done({
        ok: false,
        state: parseErrorState(code),
        error:
          code === "ECONNRESET" ? "closed before answering" : clean(`${code ?? ""} ${err.message}`),
      });
    });
    req.end();
  });
}

function sameHost(hostname: string, address: string, name: string | undefined): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === address.toLowerCase() || (name !== undefined && h === name.toLowerCase());
}

/** Where an answer sends the browser next: its Location (3xx) or its meta refresh. */
export function nextHop(a: HttpAnswer): string | undefined {
  if (a.status >= 300 && a.status < 400 && a.location) return a.location;
  return a.refresh;
}

export async function httpProbe(
  address: string,
  port: number,
  opts: HttpOptions = {},
): Promise<HttpResult> {
  const time = new Date().toISOString();
  const deadline = Date.now() + (opts.timeoutMs ?? 3000);
  const maxBody = opts.maxBodyBytes ?? DEFAULT_BODY_BYTES;
  const tls = opts.tls === true;
  const hostName = opts.host && !isIP(opts.host) ? opts.host : address;
  const result: HttpResult = { address, port, tls, state: "no-answer", answers: [], time };
  const first = await getOnce(
    address,
    hostName,
    { tls, port, path: opts.path ?? "/" },
    deadline,
    maxBody,
  );
  if (!first.ok) return { ...result, state: first.state, error: first.error };
  result.state = "http";
  result.answers.push(first.answer);
  let last = first;
  const hop = nextHop(first.answer);
  if (hop) {
    let target: URL | undefined;
    try {
      target = new URL(hop, first.answer.url);
    } catch {
      result.redirect = { location: hop, toTls: false, followed: false, why: "not a URL" };
    }
    if (target) {
      const toTls = target.protocol === "https:";
      const redirect: HttpRedirect = { location: target.href, toTls, followed: false };
      result.redirect = redirect;
      if (target.protocol !== "http:" && target.protocol !== "https:")
        redirect.why = `not a web URL (${target.protocol})`;
      else if (!sameHost(target.hostname, address, opts.host))
        // Only the host the user named is ever contacted.
        redirect.why = `another host (${target.hostname}): not contacted`;
      else if (target.href === first.answer.url) redirect.why = "redirects to itself";
      else if (Date.now() >= deadline) redirect.why = "time-out before following";
      else {
        const next = await getOnce(
          address,
          hostName,
          {
            tls: toTls,
            port: target.port ? Number(target.port) : toTls ? 443 : 80,
            path: `${target.pathname}${target.search}`,
          },
          deadline,
          maxBody,
        );
        if (next.ok) {
          redirect.followed = true;
          result.answers.push(next.answer);
          last = next;
        } else redirect.why = `no answer there (${next.error})`;
      }
    }
  }
  result.app = last.answer.app;
  // An unnamed JavaScript app (BAS-IP panels serve one) may still say what it is on its
  // unauthenticated info endpoint: one more request, within the same time-out.
  if (!result.app && isAppShell(last.body) && Date.now() < deadline) {
    const base = new URL(last.answer.url);
    const info = await getOnce(
      address,
      hostName,
      {
        tls: base.protocol === "https:",
        port: base.port ? Number(base.port) : base.protocol === "https:" ? 443 : 80,
        path: "/api/info",
      },
      deadline,
      16 * 1024,
    );
    if (info.ok && info.answer.status === 200) {
      const app = webAppFromInfo(info.body);
      if (app) result.app = app;
    }
  }
  return result;
}
