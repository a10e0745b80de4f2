/**
 * Which web application answered, from the page itself. The markers are the ones each project
 * ships in its public sources: LuCI's login form field names and OpenWrt's index.html redirect to
 * /cgi-bin/luci; the RutOS 7 WebUI (a Vue app, "vuci") page shell with its Teltonika title, brand
 * stylesheet and logo; FreePBX's global `window.FreePBX` object and brand title; wazo-ui's login
 * form and logo; the Asterisk HTTP server's error page address; the stock pages of lighttpd,
 * nginx and Apache. BAS-IP panels serve an unnamed JavaScript app, but answer their documented
 * unauthenticated `/api/info` with the device type and firmware version.
 */

export type WebAppId =
  | "luci"
  | "rutos"
  | "freepbx"
  | "wazo"
  | "bas-ip"
  | "asterisk-http"
  | "lighttpd-default"
  | "nginx-default"
  | "apache-default";

export interface WebApp {
  id: WebAppId;
  /** For people: "LuCI (OpenWrt) web interface". */
  name: string;
  /** An administrative login (as opposed to a stock or generic page). */
  admin: boolean;
  /** Version, where the application states it without credentials. */
  version?: string;
}

export interface WebPage {
  status: number;
  server?: string;
  title?: string;
  body: string;
}

interface Marker {
  app: Omit<WebApp, "version">;
  test: (p: WebPage) => boolean;
}

const has = (p: WebPage, re: RegExp) => re.test(p.body);
const titled = (p: WebPage, re: RegExp) => p.title !== undefined && re.test(p.title);

// Most specific first: RutOS (before 7) is itself a LuCI, so Teltonika's markers win.
const MARKERS: Marker[] = [
  {
    app: { id: "rutos", name: "Teltonika RutOS WebUI", admin: true },
    test: (p) =>
      has(p, /tlt_networks_logo/i) ||
      (has(p, /<div id="app"/i) &&
        (titled(p, /^Teltonika\b/i) || has(p, /href="\/brand\/brand\.css/i))) ||
      (has(p, /luci/i) && has(p, /teltonika/i)),
  },
  {
    app: { id: "luci", name: "LuCI (OpenWrt) web interface", admin: true },
    test: (p) =>
      has(
        p,
        /name="luci_(username|password)"|\/cgi-bin\/luci|LuCI - Lua Configuration Interface|Powered by LuCI/i,
      ),
  },
  {
    app: { id: "freepbx", name: "FreePBX administration", admin: true },
    test: (p) => has(p, /window\.FreePBX\b/) || titled(p, /FreePBX/i),
  },
  {
    app: { id: "wazo", name: "Wazo web interface", admin: true },
    test: (p) => has(p, /class="wazo-logo"|name="login_user_form"/i) || titled(p, /\bWazo\b/i),
  },
  {
    app: { id: "bas-ip", name: "BAS-IP panel web interface", admin: true },
    test: (p) => titled(p, /\bBAS[- ]?IP\b/i),
  },
  {
    app: { id: "asterisk-http", name: "Asterisk HTTP server", admin: true },
    test: (p) => /^Asterisk\b/i.test(p.server ?? "") || has(p, /<address>Asterisk[/ ]/i),
  },
  {
    app: { id: "nginx-default", name: "nginx default page", admin: false },
    test: (p) => titled(p, /^Welcome to nginx/i),
  },
  {
    app: { id: "apache-default", name: "Apache default page", admin: false },
    test: (p) => titled(p, /Apache2? .*Default Page|^It works!?$/i),
  },
  {
    app: { id: "lighttpd-default", name: "lighttpd default page", admin: false },
    test: (p) =>
      has(p, /lighttpd/i) &&
      (titled(p, /welcome|placeholder|it works|lighttpd/i) || has(p, /index\.lighttpd\.html/i)),
  },
];

export function recogniseWebApp(page: WebPage): WebApp | undefined {
  return MARKERS.find((m) => m.test(page))?.app;
}

/** A page that is only a shell for a JavaScript application, telling nothing by itself. */
export function isAppShell(body: string): boolean {
  return (
    body.length < 64 * 1024 &&
    /<div id="(app|root)"\s*>\s*<\/div>|<app-root\b/i.test(body) &&
    !/<form\b/i.test(body)
  );
}

/** The BAS-IP `/api/info` answer: JSON naming the device type and its firmware version. */
export function webAppFromInfo(text: string): WebApp | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!doc || typeof doc !== "object") return undefined;
  const d = doc as Record<string, unknown>;
  const firmware = d.firmware_version;
  if (typeof firmware !== "string" || typeof d.device_type !== "string") return undefined;
  if (typeof d.api_version !== "string" && typeof d.framework_version !== "string")
    return undefined;
  const version = /^[\w.+-]{1,40}$/.test(firmware) ? firmware : undefined;
  return {
    id: "bas-ip",
    name: `BAS-IP panel web interface (${d.device_type.replace(/[^\w .+-]/g, "").slice(0, 40)})`,
    admin: true,
    ...(version ? { version } : {}),
  };
}
