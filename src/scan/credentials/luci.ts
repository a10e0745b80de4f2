/**
 * LuCI's login form (OpenWrt and OpenWrt-based firmware). As luci-base's dispatcher does it: a
 * POST to /cgi-bin/luci/ with luci_username and luci_password; on success it sets the session
 * cookie (sysauth_http / sysauth_https since 2022's ucode dispatcher, sysauth before) and
 * redirects; on failure it answers 403 (X-LuCI-Login-Required: yes) with the form again. After
 * an accepted login the session is ended (admin/logout) so no session is left behind.
 */
import { type HttpReply, httpRequest, setCookies } from "./http-client.js";
import type { Attempter, Endpoint } from "./types.js";

const LOGIN_PATH = "/cgi-bin/luci/";

function isLoginPage(r: HttpReply): boolean {
  return (
    r.headers["x-luci-login-required"] === "yes" ||
    (/name=["']?luci_username/.test(r.body) && /name=["']?luci_password/.test(r.body))
  );
}

/** The service answers /cgi-bin/luci/ with LuCI's login. */
export async function detectLuci(ep: Endpoint): Promise<boolean> {
  const r = await httpRequest(ep, { method: "GET", path: LOGIN_PATH });
  return !("error" in r) && (r.status === 200 || r.status === 403) && isLoginPage(r);
}

/** The session cookie LuCI set ("sysauth_http=<sid>"), if any. */
function sessionCookie(r: HttpReply): string | undefined {
  for (const line of setCookies(r)) {
    const pair = line.split(";")[0]?.trim() ?? "";
    if (/^sysauth(_https?)?=[^;]+$/.test(pair)) return pair;
  }
  return undefined;
}

/** Ends the session just opened: old LuCI keeps a ;stok= token in the redirect path. */
async function logout(ep: Endpoint, r: HttpReply, cookie: string): Promise<void> {
  const location = typeof r.headers.location === "string" ? r.headers.location : "";
  const stok = /\/cgi-bin\/luci\/;stok=[0-9a-fA-F]+/.exec(location)?.[0];
  await httpRequest(ep, {
    method: "GET",
    path: `${stok ?? "/cgi-bin/luci"}/admin/logout`,
    headers: { Cookie: cookie },
  });
}

export const luciLogin: Attempter = async (ep, cred) => {
  const body = new URLSearchParams({
    luci_username: cred.username,
    luci_password: cred.password,
  }).toString();
  const r = await httpRequest(ep, {
    method: "POST",
    path: LOGIN_PATH,
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body,
  });
  if ("error" in r) return { outcome: "inconclusive", note: r.error };
  const cookie = sessionCookie(r);
  if (r.status >= 300 && r.status < 400 && cookie) {
    await logout(ep, r, cookie);
    return { outcome: "accepted", note: `HTTP ${r.status} with a session cookie` };
  }
  if (r.status === 403 || isLoginPage(r)) return { outcome: "refused", note: `HTTP ${r.status}` };
  return { outcome: "inconclusive", note: `HTTP ${r.status}` };
};
