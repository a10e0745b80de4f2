import type { HttpPosture, Service } from "../../facts/model.js";
import { known, unknown } from "../../facts/value.js";
import { fail, pass, unknownFrom } from "../outcome.js";
import { asScanned, asScannedWith, noneAnswered, probeAt, scannedService } from "../probe-kit.js";
import type { Fix, Rule } from "../types.js";

/** A web server as a scan saw it answer GET `request` (over TLS when `tls`). */
function answeredGet(port: number, http: HttpPosture, request: string, tls = false): Service {
  return scannedService({
    kind: tls ? "https" : "http",
    port,
    ...(tls ? { tls: known(true, probeAt(port, "TLSv1.3", "tls")) } : {}),
    http: known(http, probeAt(port, `GET ${request}`, "http-get")),
  });
}

function httpsOnlyFix(s: Service): Fix {
  return {
    summary: `Ask for credentials over HTTPS only on ${s.label}: redirect plain HTTP to HTTPS or stop serving it (OpenWrt/RutOS uhttpd: \`uci set uhttpd.main.redirect_https=1; uci commit uhttpd; /etc/init.d/uhttpd restart\`; lighttpd/nginx: a permanent redirect to https:// for the protected path), and give the account a strong password: every credential sent so far over plain HTTP may have been read.`,
  };
}

export const httpBasicAuthPlain: Rule = {
  meta: {
    id: "http-basic-auth-plain",
    title: "No web interface or HTTP API asks for Basic credentials over plain HTTP",
    severity: "high",
    guidelines: ["TEL-04", "BAS-12"],
    modes: ["probe"],
    appliesTo: ["router", "intercom", "pbx"],
    rationale:
      "HTTP Basic authentication sends the user name and password with every request, only base64-encoded: over plain HTTP anyone on the path reads them. Teltonika's guide rules out plain HTTP for configuration; BAS-IP's asks for the HTTP API over TLS with a strong password.",
    remediation:
      "Serve the login (and every API that takes credentials) over HTTPS only: redirect plain HTTP to HTTPS or switch it off, then change the password.",
  },
  check(facts) {
    const web = facts.services.filter((s) => s.http !== undefined);
    if (web.length === 0)
      return [
        noneAnswered(
          facts,
          "web server",
          "decided from the server's own answers by a scan (bulwark scan): a configuration does not show which pages challenge for Basic credentials",
        ),
      ];
    return web.map((s) => {
      const subject = s.label;
      const h = s.http ?? unknown("not probed");
      if (!h.known) return unknownFrom(h, "Whether it asks for Basic credentials", { subject });
      if (h.value.basicAuthOverPlain) {
        const exposed = s.wan.known && s.wan.value.reachable;
        return fail(
          `asks for HTTP Basic credentials over plain HTTP${exposed ? ", from the internet" : ""}: the password crosses the network readable`,
          [...h.at, ...(exposed ? s.wan.at : [])],
          httpsOnlyFix(s),
          { subject, severity: exposed ? "critical" : undefined },
        );
      }
      return pass(
        s.tls.known && s.tls.value
          ? "served over HTTPS: any Basic credentials it asks for are encrypted"
          : "the pages read do not ask for Basic credentials over plain HTTP",
        h.at,
        { subject },
      );
    });
  },
  cases: [
    {
      name: "scanned: a Basic prompt on plain HTTP",
      facts: (f) =>
        asScannedWith(
          f,
          answeredGet(
            80,
            { status: 401, basicAuthOverPlain: true },
            '/ → 401 Unauthorized; WWW-Authenticate: Basic realm="admin"',
          ),
        ),
      expect: ["fail"],
    },
    {
      name: "scanned: a login form, no Basic prompt",
      facts: (f) =>
        asScannedWith(
          f,
          answeredGet(
            80,
            { status: 200, app: "luci", basicAuthOverPlain: false },
            '/ → 200 OK; "OpenWrt - LuCI"',
          ),
        ),
      expect: ["pass"],
    },
    {
      name: "scanned: Basic over HTTPS",
      facts: (f) =>
        asScannedWith(
          f,
          answeredGet(
            443,
            { status: 401, hsts: true, basicAuthOverPlain: false },
            "https / → 401 Unauthorized",
            true,
          ),
        ),
      expect: ["pass"],
    },
    {
      name: "scanned: no web server answered",
      facts: (f) => asScanned(f, [[80, "closed"]]),
      expect: ["not_applicable"],
    },
  ],
};
