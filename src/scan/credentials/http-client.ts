/**
 * The few HTTP requests the web attempters need, with node:http/https: bounded by a time-out,
 * the body read up to a cap, redirects not followed (a login's 302 is the answer), and the
 * device's certificate not verified (a self-signed router certificate is the norm).
 */
import http from "node:http";
import https from "node:https";
import type { Endpoint } from "./types.js";

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body, cut at BODY_CAP bytes. */
  body: string;
}

const BODY_CAP = 64 * 1024;

export interface HttpRequest {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** One request; resolves with the reply, or with `{ error }` (never rejects). */
export function httpRequest(
  ep: Endpoint,
  req: HttpRequest,
): Promise<HttpReply | { error: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (v: HttpReply | { error: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(v);
    };
    const headers: Record<string, string> = {
      Host: ep.address.includes(":") ? `[${ep.address}]:${ep.port}` : `${ep.address}:${ep.port}`,
      "User-Agent": "bulwark-scan",
      Accept: "*/*",
      Connection: "close",
      ...req.headers,
    };
    if (req.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(req.body));
    const options = {
      host: ep.address,
      port: ep.port,
      method: req.method,
      path: req.path,
      headers,
      agent: false as const,
    };
    const onResponse = (res: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        if (size >= BODY_CAP) return;
        chunks.push(c.subarray(0, BODY_CAP - size));
        size += c.length;
        if (size >= BODY_CAP) res.destroy();
      });
      const finish = () =>
        done({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        });
      res.on("end", finish);
      res.on("close", finish);
      res.on("error", finish);
    };
    const r = ep.tls
      ? https.request({ ...options, rejectUnauthorized: false }, onResponse)
      : http.request(options, onResponse);
    const timer = setTimeout(() => {
      r.destroy();
      done({ error: "time-out" });
    }, ep.timeoutMs);
    r.on("error", (err) => done({ error: err.message }));
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

/** The Set-Cookie header lines of a reply. */
export function setCookies(reply: HttpReply): string[] {
  const c = reply.headers["set-cookie"];
  return Array.isArray(c) ? c : c ? [c] : [];
}
