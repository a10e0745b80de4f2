import type { Service } from "../../facts/model.js";
import { known, unknown } from "../../facts/value.js";
import { fail, notApplicable, pass, undecided, unknownFrom } from "../outcome.js";
import { asScanned, probeAt, scanEvidence, scannedService, scanOf } from "../probe-kit.js";
import type { Fix, Rule } from "../types.js";

function streamFix(s: Service, what: "anonymous" | "basic"): Fix {
  return {
    summary: `${what === "anonymous" ? "Require authentication for the video stream" : "Make the stream authenticate with Digest, not Basic"} on ${s.label}: in the panel's or camera's web interface, enable RTSP authentication with a strong password (Digest), allow the stream only to the recorder's and monitors' addresses, and turn audio off where only video is needed. Close the RTSP port to the internet.`,
  };
}

export const rtspStreamAuth: Rule = {
  meta: {
    id: "rtsp-stream-auth",
    title: "The RTSP video stream requires a password (and not over Basic)",
    severity: "high",
    guidelines: ["BAS-10"],
    modes: ["probe"],
    appliesTo: ["intercom", "router", "pbx"],
    rationale:
      "A stream that answers DESCRIBE without credentials shows anyone who reaches the port who comes and goes at the door, and its audio carries conversations. Basic authentication over plain RTSP sends the password readable with every connection. BAS-IP's guide asks for a strong password and an allowed-IP list on the video stream; the password's strength and the list are checked by intercom-video-stream.",
    remediation:
      "Enable RTSP authentication (Digest) with a strong password, restrict the stream to the recorder's and monitors' addresses, and turn audio off where only video is needed.",
  },
  check(facts) {
    const rtsp = facts.services.filter((s) => s.kind === "rtsp");
    if (rtsp.length === 0)
      return [
        scanOf(facts)
          ? notApplicable("no RTSP server answered the scan", scanEvidence(facts))
          : notApplicable(
              "decided by asking the stream without credentials (bulwark scan); the password and allowed-IP list themselves are intercom-video-stream's manual check",
            ),
      ];
    return rtsp.map((s) => {
      const subject = s.label;
      const anon = s.auth.anonymous;
      if (!anon)
        return undecided("the RTSP server was not asked for its stream", s.enabled.at, {
          subject,
        });
      if (!anon.known) return unknownFrom(anon, "Whether the stream needs a password", { subject });
      const exposed = s.wan.known && s.wan.value.reachable;
      const wan = exposed ? s.wan.at : [];
      if (anon.value)
        return fail(
          `the video stream is handed out without any password${exposed ? ", to the internet" : ""}`,
          [...anon.at, ...wan],
          streamFix(s, "anonymous"),
          { subject, severity: exposed ? "critical" : undefined },
        );
      const schemes = s.auth.challengeSchemes?.known ? s.auth.challengeSchemes.value : [];
      const plain = !(s.tls.known && s.tls.value);
      if (plain && schemes.includes("basic"))
        return fail(
          `the stream asks for its password with Basic authentication over plain RTSP${schemes.includes("digest") ? " (Digest offered too, but a client may pick Basic)" : ""}: the password crosses the network readable`,
          [...anon.at, ...(s.auth.challengeSchemes?.at ?? []), ...wan],
          streamFix(s, "basic"),
          { subject, severity: exposed ? "high" : "medium" },
        );
      return pass(
        schemes.length
          ? `the stream requires authentication (${schemes.join(", ")})`
          : "the stream refuses requests without credentials",
        anon.at,
        { subject },
      );
    });
  },
  cases: [
    {
      name: "scanned: DESCRIBE without credentials returns the SDP",
      facts: (f) => {
        asScanned(f, [[554, "open"]]);
        f.services.push(
          scannedService({
            kind: "rtsp",
            port: 554,
            admin: false,
            auth: {
              anonymous: known(
                true,
                probeAt(554, "DESCRIBE / → 200 OK; SDP (video, audio)", "rtsp-describe"),
              ),
              challengeSchemes: known([], probeAt(554, "DESCRIBE / → 200 OK", "rtsp-describe")),
            },
          }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "scanned: Basic challenge over plain RTSP",
      facts: (f) => {
        asScanned(f, [[554, "open"]]);
        const at = probeAt(
          554,
          'DESCRIBE / → 401 Unauthorized; WWW-Authenticate: Basic realm="stream"',
          "rtsp-describe",
        );
        f.services.push(
          scannedService({
            kind: "rtsp",
            port: 554,
            admin: false,
            auth: { anonymous: known(false, at), challengeSchemes: known(["basic"], at) },
          }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "scanned: Digest challenge",
      facts: (f) => {
        asScanned(f, [[554, "open"]]);
        const at = probeAt(
          554,
          'DESCRIBE / → 401 Unauthorized; WWW-Authenticate: Digest realm="stream", nonce="…"',
          "rtsp-describe",
        );
        f.services.push(
          scannedService({
            kind: "rtsp",
            port: 554,
            admin: false,
            auth: { anonymous: known(false, at), challengeSchemes: known(["digest"], at) },
          }),
        );
      },
      expect: ["pass"],
    },
    {
      name: "scanned: no stream at the paths tried",
      facts: (f) => {
        asScanned(f, [[554, "open"]]);
        f.services.push(
          scannedService({
            kind: "rtsp",
            port: 554,
            admin: false,
            auth: {
              anonymous: unknown(
                "no stream at the paths tried",
                probeAt(554, "DESCRIBE / → 404 Not Found", "rtsp-describe"),
              ),
            },
          }),
        );
      },
      expect: ["unknown"],
    },
    {
      name: "scanned: nothing on 554",
      facts: (f) => asScanned(f, [[554, "closed"]]),
      expect: ["not_applicable"],
    },
  ],
};
