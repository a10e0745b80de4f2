/**
 * The RutOS 7 web API of Teltonika devices: POST /api/login with {"username","password"}
 * answers {"success": true, "data": {"token", ...}} or {"success": false, "errors": [...]}
 * (the envelope Teltonika's API documents, as client libraries such as pytonika use it). After
 * an accepted login the token is given back with POST /api/logout.
 */
import { httpRequest } from "./http-client.js";
import type { Attempter, Endpoint } from "./types.js";

function json(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function envelope(body: string): { success: boolean; data?: unknown } | undefined {
  const v = json(body);
  if (
    typeof v !== "object" ||
    v === null ||
    typeof (v as { success?: unknown }).success !== "boolean"
  )
    return undefined;
  return v as { success: boolean; data?: unknown };
}

/** The service answers the RutOS API's session check with its JSON envelope. */
export async function detectRutos(ep: Endpoint): Promise<boolean> {
  const r = await httpRequest(ep, { method: "GET", path: "/api/session/status" });
  return !("error" in r) && envelope(r.body) !== undefined;
}

export const rutosLogin: Attempter = async (ep, cred) => {
  const r = await httpRequest(ep, {
    method: "POST",
    path: "/api/login",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: cred.username, password: cred.password }),
  });
  if ("error" in r) return { outcome: "inconclusive", note: r.error };
  const e = envelope(r.body);
  if (!e) return { outcome: "inconclusive", note: `HTTP ${r.status}, not the RutOS API envelope` };
  if (!e.success) return { outcome: "refused", note: `HTTP ${r.status}` };
  const token = (e.data as { token?: unknown } | undefined)?.token;
  if (typeof token !== "string")
    return { outcome: "inconclusive", note: "success without a token" };
  await httpRequest(ep, {
    method: "POST",
    path: "/api/logout",
    headers: { Authorization: `Bearer ${token}` },
  });
  return { outcome: "accepted", note: `HTTP ${r.status} with a session token` };
};
