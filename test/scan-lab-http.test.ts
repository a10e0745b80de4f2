/**
 * The HTTP and telnet probes against the lab's real servers (scripts/lab.sh): the weak router's
 * lighttpd (OpenWrt's index.html refreshing to a LuCI-style login, a path behind Basic auth) and
 * inetutils telnetd, and the hardened router's nginx (plain HTTP redirected to HTTPS). Then one
 * scan of both routers and the verdicts of webui-https-only, http-basic-auth-plain and
 * telnet-disabled, each with the probe's evidence.
 *
 * Skipped with the reason when the lab is not up (`sudo bash scripts/lab.sh up`); a failure in CI.
 */
import { beforeAll, expect, it } from "vitest";
import { fillHttpFacts, tlsRedirect } from "../src/scan/http-facts.js";
import { type HostScan, scanTargets } from "../src/scan/index.js";
import { httpProbe } from "../src/scan/probes/http.js";
import { telnetProbe } from "../src/scan/probes/telnet.js";
import { describeLab, device, labService } from "./support/lab.js";
import { citesProbe, ruleResults } from "./support/verdicts.js";

describeLab("web and telnet probes against the lab", () => {
  let weak: HostScan;
  let hard: HostScan;

  beforeAll(async () => {
    const scans = await scanTargets(
      [device("weak-router").address, device("hardened-router").address],
      {
        ports: [23, 80, 443].map((port) => ({ port, transport: "tcp" as const })),
        class: "router",
        timeoutMs: 2000,
      },
    );
    [weak, hard] = scans as [HostScan, HostScan];
  }, 30_000);

  it("lighttpd: OpenWrt's index refreshes to the LuCI login, on plain HTTP only", async () => {
    const http = labService("weak-router", "http");
    const r = await httpProbe(device("weak-router").address, http.port, { timeoutMs: 3000 });
    expect(r.state).toBe("http");
    expect(r.app?.id).toBe("luci");
    expect(r.redirect).toMatchObject({ toTls: false, followed: true });
    expect(new URL(r.answers[1]?.url ?? "http://x/").pathname).toBe(http.loginPage);
    expect(r.answers[0]?.server).toMatch(/^lighttpd\//);
    expect(tlsRedirect(r)).toEqual({ value: false });

    const svc = weak.facts.services.find((s) => s.kind === "http");
    expect(svc).toMatchObject({
      admin: true,
      label: "LuCI (OpenWrt) web interface (HTTP) on 80/tcp",
      redirectsToTls: { known: true, value: false },
      software: { value: { product: "lighttpd" } },
    });
    const [finding] = ruleResults(weak.facts, "webui-https-only");
    expect(finding?.status).toBe("fail");
    expect(citesProbe(finding, "http-get")).toBe(true);
  });

  it("lighttpd: the Basic-auth path asks for credentials over plain HTTP", async () => {
    const http = labService("weak-router", "http");
    const address = device("weak-router").address;
    const r = await httpProbe(address, http.port, { path: http.basicAuthPath, timeoutMs: 3000 });
    expect(r.answers[0]?.status).toBe(401);
    expect(r.answers[0]?.authenticate[0]).toMatch(
      new RegExp(`^Basic realm="${http.basicAuthRealm}"`),
    );
    // The root's login form does not; the protected path, read into the same facts, does.
    expect(ruleResults(weak.facts, "http-basic-auth-plain").map((f) => f.status)).toEqual(["pass"]);
    fillHttpFacts(weak.facts, [r], address);
    const [finding] = ruleResults(weak.facts, "http-basic-auth-plain");
    expect(finding?.status).toBe("fail");
    expect(finding?.evidence[0]).toMatchObject({
      kind: "probe",
      probe: "http-get",
      excerpt: expect.stringContaining(`GET ${http.basicAuthPath} → 401`),
    });
  });

  it("nginx: plain HTTP redirects to HTTPS on the same host, and the rule passes", async () => {
    const http = labService("hardened-router", "http");
    const r = await httpProbe(device("hardened-router").address, http.port, { timeoutMs: 3000 });
    expect(r.answers[0]).toMatchObject({ status: 301, location: http.redirect });
    expect(r.redirect).toMatchObject({ toTls: true, followed: true });
    expect(r.answers[1]?.url).toBe(http.redirect);
    const plain = hard.facts.services.find((s) => s.kind === "http");
    expect(plain?.redirectsToTls).toMatchObject({ known: true, value: true });
    expect(plain?.software).toMatchObject({ value: { product: "nginx" } });
    const tls = hard.facts.services.find((s) => s.kind === "https");
    expect(tls?.http).toMatchObject({ known: true, value: { status: 200, hsts: false } });
    const [finding] = ruleResults(hard.facts, "webui-https-only");
    expect(finding?.status).toBe("pass");
    expect(citesProbe(finding, "http-get")).toBe(true);
  });

  it("telnetd: options refused, a login prompt, and telnet-disabled fails on it", async () => {
    const telnet = labService("weak-router", "telnet");
    const r = await telnetProbe(device("weak-router").address, telnet.port, { timeoutMs: 3000 });
    expect(r).toMatchObject({ state: "telnet", negotiated: true, loginPrompt: true });
    expect(r.options).toContain("DO 24");
    const svc = weak.facts.services.find((s) => s.kind === "telnet");
    expect(svc?.auth.password).toMatchObject({ known: true, value: true });
    const [finding] = ruleResults(weak.facts, "telnet-disabled");
    expect(finding?.status).toBe("fail");
    expect(citesProbe(finding, "telnet")).toBe(true);
    // The hardened router has no telnet: nothing to fail there.
    expect(hard.facts.services.some((s) => s.kind === "telnet")).toBe(false);
  });
});
