/**
 * What the RTSP probe saw, as facts on the Service of its port: RTSP confirmed, whether a stream
 * is handed out without credentials (`auth.anonymous`), the challenge schemes (Basic over plain
 * RTSP sends the password readable), and the server software from its Server header.
 */
import type { Facts } from "../facts/model.js";
import { known, unknown } from "../facts/value.js";
import { portOrigin } from "./port-origin.js";
import type { RtspResult } from "./probes/rtsp.js";
import { serviceOnPort, setKind } from "./service-on-port.js";
import { softwareFrom } from "./software.js";

export function rtspExcerpt(r: RtspResult): string {
  const parts = r.answers.map((a) => {
    const path = a.url.replace(/^rtsp:\/\/[^/]+/, "") || "/";
    const bits = [`${a.method} ${path} → ${a.status} ${a.reason}`.trim()];
    if (a.authenticate.length) bits.push(`WWW-Authenticate: ${a.authenticate.join(", ")}`);
    if (a.sdp) bits.push(`SDP${a.media ? ` (${a.media.join(", ")})` : ""}`);
    return bits.join("; ");
  });
  const server = r.answers.find((a) => a.server)?.server;
  if (server) parts.push(`Server: ${server}`);
  const s = parts.join(" | ");
  return s.length > 300 ? `${s.slice(0, 299)}…` : s;
}

export function fillRtspFacts(f: Facts, results: RtspResult[], address: string): void {
  for (const r of results) {
    if (r.state !== "rtsp") continue;
    const svc = serviceOnPort(f, r.port);
    if (!svc) continue;
    const at = portOrigin("rtsp-describe", address, r.port, r.time, rtspExcerpt(r));
    setKind(svc, "rtsp", r.port);
    if (/^(TCP|TLS) service on /.test(svc.label)) svc.label = `RTSP on ${r.port}/tcp`;
    if (svc.enabled.known) svc.enabled = known(svc.enabled.value, ...svc.enabled.at, at);
    const s = r.stream;
    if (s?.verdict === "anonymous") svc.auth.anonymous = known(true, at);
    else if (s?.verdict === "auth-required" || s?.verdict === "forbidden")
      svc.auth.anonymous = known(false, at);
    else
      svc.auth.anonymous = unknown(
        s?.verdict === "not-found"
          ? "no stream at the paths tried: its path is unknown, so whether it needs a password is too"
          : "DESCRIBE without credentials got no deciding answer",
        at,
      );
    if (s) svc.auth.challengeSchemes = known(s.schemes, at);
    const seen = softwareFrom(r.answers.find((a) => a.server)?.server);
    if (seen && !svc.software) svc.software = known(seen, at);
  }
}
