import { known, unknown } from "../../facts/value.js";
import { uciFix } from "../../remediation/uci.js";
import { asRouter, at, service, tcp, wanFrom } from "../case-kit.js";
import { fail, notApplicable, pass, undecided, unknownFrom } from "../outcome.js";
import { asScannedWith, probeAt, probedService, scannedService } from "../probe-kit.js";
import type { Rule } from "../types.js";

export const webuiHttpsOnly: Rule = {
  meta: {
    id: "webui-https-only",
    title: "The web UI is served over HTTPS only (plain HTTP off or redirected)",
    severity: "medium",
    guidelines: ["TEL-04", "BAS-12"],
    modes: ["config", "probe"],
    appliesTo: ["router", "intercom", "pbx"],
    rationale:
      "Over plain HTTP the login password and session cookie cross the network in clear text.",
    remediation: "Redirect HTTP to HTTPS, or stop listening on plain HTTP.",
  },
  check(facts) {
    const http = facts.services.filter((s) => s.kind === "http" && s.admin);
    if (http.length === 0)
      return [
        notApplicable("no administrative web interface on plain HTTP is configured or answered"),
      ];
    return http.map((s) => {
      const subject = s.label;
      if (!s.enabled.known) return unknownFrom(s.enabled, "plain HTTP state", { subject });
      if (!s.enabled.value) return pass("plain HTTP is off", s.enabled.at, { subject });
      // A scan whose GET / got no answer saw the port, not the redirect: nothing to judge.
      if (!s.redirectsToTls && probedService(s))
        return undecided(
          "the port answered, but not the HTTP request, so whether it redirects to HTTPS was not seen",
          s.enabled.at,
          { subject },
        );
      // A scan that could not tell (the redirect led further than it follows) decides nothing.
      if (s.redirectsToTls && !s.redirectsToTls.known)
        return unknownFrom(s.redirectsToTls, "Whether plain HTTP redirects to HTTPS", { subject });
      if (s.redirectsToTls?.known && s.redirectsToTls.value)
        return pass("plain HTTP requests are redirected to HTTPS", s.redirectsToTls.at, {
          subject,
        });
      const exposed = s.wan.known && s.wan.value.reachable;
      const changes = s.cfg
        ? [{ op: "set" as const, ref: s.cfg, option: "redirect_https", value: "1" }]
        : [];
      return fail(
        `the web UI answers on plain HTTP without redirecting to HTTPS${exposed ? ", and the internet can reach it" : ""}`,
        [...s.enabled.at, ...(s.redirectsToTls?.at ?? []), ...(exposed ? s.wan.at : [])],
        s.cfg
          ? uciFix(
              "Redirect HTTP to HTTPS (RutOS WebUI: System > Administration > Access Control > Redirect to HTTPS):",
              changes,
            )
          : {
              summary:
                "Redirect plain HTTP to HTTPS, or stop serving it: RutOS WebUI System > Administration > Access Control > Redirect to HTTPS; OpenWrt `uci set uhttpd.main.redirect_https=1; uci commit uhttpd; /etc/init.d/uhttpd restart`; other servers: a permanent redirect to https:// in their configuration.",
            },
        { subject, severity: exposed ? "high" : undefined },
      );
    });
  },
  cases: [
    {
      name: "scanned: LuCI on plain HTTP answers without redirecting",
      facts: (f) => {
        const seen = probeAt(
          80,
          'GET / → 200 OK; "OpenWrt - LuCI" | LuCI (OpenWrt) web interface',
          "http-get",
        );
        asScannedWith(
          f,
          scannedService({
            kind: "http",
            port: 80,
            label: "LuCI (OpenWrt) web interface (HTTP) on 80/tcp",
            redirectsToTls: known(false, seen),
          }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "scanned: plain HTTP redirects to HTTPS",
      facts: (f) => {
        const seen = probeAt(
          80,
          "GET / → 301 Moved Permanently; Location: https://192.0.2.10/",
          "http-get",
        );
        asScannedWith(
          f,
          scannedService({ kind: "http", port: 80, redirectsToTls: known(true, seen) }),
        );
      },
      expect: ["pass"],
    },
    {
      name: "scanned: the redirect led further than the probe follows",
      facts: (f) => {
        const seen = probeAt(
          80,
          "GET / → 302 Found; Location: /a | GET /a → 302 Found",
          "http-get",
        );
        asScannedWith(
          f,
          scannedService({
            kind: "http",
            port: 80,
            redirectsToTls: unknown("redirects again beyond the one redirect followed", seen),
          }),
        );
      },
      expect: ["unknown"],
    },
    {
      name: "scanned: the port answered but not the HTTP request",
      facts: (f) => asScannedWith(f, scannedService({ kind: "http", port: 80 })),
      expect: ["unknown"],
    },
    {
      name: "http without redirect",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({
            id: "webui-http",
            kind: "http",
            ports: known([tcp(80)], at("80")),
            redirectsToTls: known(false, at("redirect_https absent")),
          }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "http redirected",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({
            id: "webui-http",
            kind: "http",
            redirectsToTls: known(true, at("redirect_https 1")),
          }),
        );
      },
      expect: ["pass"],
    },
    {
      name: "http off",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({ id: "webui-http", kind: "http", enabled: known(false, at("enable_http 0")) }),
        );
      },
      expect: ["pass"],
    },
    {
      name: "http exposed",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({
            id: "webui-http",
            kind: "http",
            wan: known(wanFrom([], [tcp(80)]), at("rule")),
          }),
        );
      },
      expect: ["fail"],
    },
  ],
};
