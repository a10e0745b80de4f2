/**
 * HTTP Basic authentication, where the web service asks for it on its front page (401 with
 * `WWW-Authenticate: Basic`). A try is one GET with the pair in the Authorization header: 401 or
 * 403 is a refusal, 2xx/3xx an acceptance.
 */
import { httpRequest } from "./http-client.js";
import type { Attempter, Endpoint } from "./types.js";

export interface BasicChallenge {
  path: string;
  realm?: string;
}

/** The Basic challenge of `path` ("/"), when the server answers it with one. */
export async function detectBasic(ep: Endpoint, path = "/"): Promise<BasicChallenge | undefined> {
  const r = await httpRequest(ep, { method: "GET", path });
  if ("error" in r || r.status !== 401) return undefined;
  const header = r.headers["www-authenticate"];
  const challenge = Array.isArray(header) ? header.join(", ") : (header ?? "");
  if (!/^\s*basic\b|,\s*basic\b/i.test(challenge)) return undefined;
  const realm = /realm="([^"]*)"/i.exec(challenge)?.[1];
  return { path, ...(realm !== undefined ? { realm } : {}) };
}

export function basicAttempter(challenge: BasicChallenge): Attempter {
  return async (ep, cred) => {
    const token = Buffer.from(`${cred.username}:${cred.password}`, "utf8").toString("base64");
    const r = await httpRequest(ep, {
      method: "GET",
      path: challenge.path,
      headers: { Authorization: `Basic ${token}` },
    });
    if ("error" in r) return { outcome: "inconclusive", note: r.error };
    if (r.status === 401 || r.status === 403)
      return { outcome: "refused", note: `HTTP ${r.status}` };
    if (r.status >= 200 && r.status < 400) return { outcome: "accepted", note: `HTTP ${r.status}` };
    return { outcome: "inconclusive", note: `HTTP ${r.status}` };
  };
}
