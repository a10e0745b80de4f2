/**
 * What the telnet probe saw, as facts on the Service of its port: telnet confirmed (its evidence
 * joins the port's), a login prompt (password logins over clear text) or a shell with no login at
 * all (anyone may use it), and the device or software its greeting names.
 */
import type { Facts } from "../facts/model.js";
import { known } from "../facts/value.js";
import { portOrigin } from "./port-origin.js";
import type { TelnetResult } from "./probes/telnet.js";
import { serviceOnPort, setKind } from "./service-on-port.js";

export function telnetExcerpt(r: TelnetResult): string {
  const seen = r.loginPrompt
    ? `login prompt "${r.prompt}"`
    : r.passwordPrompt
      ? `password prompt "${r.prompt}"`
      : r.shellPrompt
        ? `shell prompt without login "${r.prompt}"`
        : "no prompt within the read time";
  const parts = [
    r.negotiated ? `negotiated ${r.options.slice(0, 6).join(", ")}` : "no option negotiation",
    seen,
    ...(r.banner ? [`banner: ${r.banner}`] : []),
  ];
  const s = parts.join("; ");
  return s.length > 240 ? `${s.slice(0, 239)}…` : s;
}

export function fillTelnetFacts(f: Facts, results: TelnetResult[], address: string): void {
  for (const r of results) {
    const svc = serviceOnPort(f, r.port);
    if (!svc) continue;
    const at = portOrigin("telnet", address, r.port, r.time, telnetExcerpt(r));
    if (r.state === "not-telnet" && svc.kind === "telnet") {
      // Port 23 answered with something else: it is not telnet after all.
      setKind(svc, "other", r.port);
      svc.label = `TCP service on ${r.port}/tcp (not telnet)`;
      svc.admin = false;
      continue;
    }
    if (r.state !== "telnet") continue;
    setKind(svc, "telnet", r.port);
    svc.admin = true;
    if (/^TCP service on /.test(svc.label)) svc.label = `Telnet on ${r.port}/tcp`;
    if (svc.enabled.known) svc.enabled = known(svc.enabled.value, ...svc.enabled.at, at);
    if (r.loginPrompt || r.passwordPrompt) {
      svc.auth.password = known(true, at);
      svc.auth.anonymous = known(false, at);
    } else if (r.shellPrompt) svc.auth.anonymous = known(true, at);
    if (r.software && !svc.software) svc.software = known(r.software, at);
  }
}
