import { known } from "../../facts/value.js";
import { uciFix } from "../../remediation/uci.js";
import { asRouter, at, service, tcp, wanFrom } from "../case-kit.js";
import { fail, notApplicable, pass, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";

export const webuiHttpsOnly: Rule = {
  meta: {
    id: "webui-https-only",
    title: "The web UI is served over HTTPS only (plain HTTP off or redirected)",
    severity: "medium",
    guidelines: ["TEL-04", "BAS-12"],
    modes: ["config"],
    appliesTo: ["router", "intercom", "pbx"],
    rationale:
      "Over plain HTTP the login password and session cookie cross the network in clear text.",
    remediation: "Redirect HTTP to HTTPS, or stop listening on plain HTTP.",
  },
  check(facts) {
    const http = facts.services.filter((s) => s.kind === "http" && s.admin);
    if (http.length === 0)
      return [notApplicable("no administrative web interface on plain HTTP is configured")];
    return http.map((s) => {
      const subject = s.label;
      if (!s.enabled.known) return unknownFrom(s.enabled, "plain HTTP state", { subject });
      if (!s.enabled.value) return pass("plain HTTP is off", s.enabled.at, { subject });
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
        uciFix(
          "Redirect HTTP to HTTPS (RutOS WebUI: System > Administration > Access Control > Redirect to HTTPS):",
          changes,
        ),
        { subject, severity: exposed ? "high" : undefined },
      );
    });
  },
  cases: [
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
