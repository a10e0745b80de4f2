import { bindScopeOf } from "../../facts/address.js";
import { asteriskFix } from "../../remediation/asterisk.js";
import { fail, pass, unknownFrom } from "../outcome.js";
import type { Finding, Rule } from "../types.js";
import { ariUser, describeBind, EXPOSED_SCOPES, generalRef, withHttp } from "./kit.js";

export const asteriskHttpExposure: Rule = {
  meta: {
    id: "asterisk-http-exposure",
    title: "Asterisk's HTTP server (ARI, AMI over HTTP) is not open to every network in clear",
    severity: "high",
    guidelines: ["WAZ-07", "BAS-12"],
    modes: ["config"],
    appliesTo: ["pbx"],
    rationale:
      "The built-in HTTP server carries ARI (and AMI over HTTP when manager.conf has webenabled): HTTP Basic credentials and full call control. On 0.0.0.0 or a public address without TLS, anyone on the path reads the credentials. Wazo binds it to 127.0.0.1 behind nginx; the guides ask to rebind services that need no exposure and to use the HTTP API over TLS only.",
    remediation:
      "Bind http.conf [general] bindaddr to 127.0.0.1 (put a TLS reverse proxy in front if remote clients need it), or enable tlsenable with a certificate and keep the plain listener on loopback.",
  },
  check(facts) {
    const fact = facts.pbx.http;
    if (!fact.known) return [unknownFrom(fact, "Where Asterisk's HTTP server listens")];
    const http = fact.value;
    if (!http.enabled)
      return [pass("Asterisk's HTTP server does not run (enabled = no or no bindaddr)", http.at)];
    const svc = facts.services.find((s) => s.id === "asterisk-http");
    const tlsSvc = facts.services.find((s) => s.id === "asterisk-https");
    const ref = generalRef(http.at, "etc/asterisk/http.conf", svc);
    const out: Finding[] = [];
    const scope = bindScopeOf(http.bindAddress);
    const where = describeBind(http.bindAddress, scope);
    const subject = `Asterisk HTTP ${http.port}/tcp`;
    if (!EXPOSED_SCOPES.includes(scope)) {
      out.push(pass(`the plain HTTP listener is on ${where}`, http.at, { subject }));
    } else {
      const tlsNote = http.tlsEnabled
        ? ` HTTPS is on too (port ${http.tlsPort ?? 8089}), but Asterisk does not redirect: the plain listener still takes credentials in clear.`
        : " TLS is off (tlsenable = no).";
      out.push(
        fail(
          `the plain HTTP listener (ARI users' passwords, AMI over HTTP) is on ${where}.${tlsNote}`,
          http.at,
          asteriskFix(
            "Keep plain HTTP on the loopback address; serve remote clients over TLS (tlsenable with a certificate, or a reverse proxy):",
            [{ ref, set: [["bindaddr", "127.0.0.1"]] }],
          ),
          { subject, severity: scope === "wan" || scope === "any" ? "high" : "medium" },
        ),
      );
    }
    if (http.tlsEnabled) {
      const tlsScope = tlsSvc?.bind.known ? tlsSvc.bind.value : scope;
      out.push(
        pass(
          `HTTPS listens on port ${http.tlsPort ?? 8089} (${tlsScope === "loopback" ? "loopback only" : "TLS protects the credentials"})`,
          tlsSvc?.bind.at ?? http.at,
          { subject: `Asterisk HTTPS ${http.tlsPort ?? 8089}/tcp` },
        ),
      );
    }
    return out;
  },
  cases: [
    {
      name: "HTTP on 0.0.0.0 without TLS, with an ARI user",
      facts: (f) => {
        withHttp(f, { bindAddress: "0.0.0.0", ariUsers: [ariUser("app", "plain")] });
      },
      expect: ["fail"],
    },
    {
      name: "HTTP on 0.0.0.0 with TLS on as well",
      facts: (f) => {
        withHttp(f, { bindAddress: "0.0.0.0", tlsEnabled: true, tlsPort: 8089 });
      },
      expect: ["fail", "pass"],
    },
    {
      name: "HTTP on loopback (Wazo)",
      facts: (f) => {
        withHttp(f, { bindAddress: "127.0.0.1", port: 5039 });
      },
      expect: ["pass"],
    },
    {
      name: "server off",
      facts: (f) => {
        withHttp(f, { enabled: false, bindAddress: "" });
      },
      expect: ["pass"],
    },
  ],
};
