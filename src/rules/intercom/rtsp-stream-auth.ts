import type { Service, ServiceAuth } from "../../facts/model.js";
import { known, type ProbeOrigin, unknown } from "../../facts/value.js";
import { fail, pass, undecided, unknownFrom } from "../outcome.js";
import { asScanned, asScannedWith, noneAnswered, probeAt, scannedService } from "../probe-kit.js";
import type { Fix, Rule } from "../types.js";

function streamFix(s: Service, what: "anonymous" | "basic"): Fix {
  return {
    summary: `${what === "anonymous" ? "Require authentication for the video stream" : "Make the stream authenticate with Digest, not Basic"} on ${s.label}: in the panel's or camera's web interface, enable RTSP authentication with a strong password (Digest), allow the stream only to the recorder's and monitors' addresses, and turn audio off where only video is needed. Close the RTSP port to the internet.`,
  };
}

// Case builders: an RTSP server on 554 as the scan describes it after DESCRIBE without credentials.

function describeAnswered(answer: string): ProbeOrigin {
  return probeAt(554, `DESCRIBE / → ${answer}`, "rtsp-describe");
}

function rtspScanned(auth: ServiceAuth): Service {
  return scannedService({ kind: "rtsp", port: 554, admin: false, auth });
}

/** A stream that refused DESCRIBE without credentials, challenging with one scheme. */
function rtspChallenging(scheme: string, challenge: string): Service {
  const at = describeAnswered(`401 Unauthorized; WWW-Authenticate: ${challenge}`);
  return rtspScanned({ anonymous: known(false, at), challengeSchemes: known([scheme], at) });
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
        noneAnswered(
          facts,
          "RTSP server",
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
        const at = describeAnswered("200 OK; SDP (video, audio)");
        asScannedWith(
          f,
          rtspScanned({ anonymous: known(true, at), challengeSchemes: known([], at) }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "scanned: Basic challenge over plain RTSP",
      facts: (f) => asScannedWith(f, rtspChallenging("basic", 'Basic realm="stream"')),
      expect: ["fail"],
    },
    {
      name: "scanned: Digest challenge",
      facts: (f) => asScannedWith(f, rtspChallenging("digest", 'Digest realm="stream", nonce="…"')),
      expect: ["pass"],
    },
    {
      name: "scanned: no stream at the paths tried",
      facts: (f) =>
        asScannedWith(
          f,
          rtspScanned({
            anonymous: unknown("no stream at the paths tried", describeAnswered("404 Not Found")),
          }),
        ),
      expect: ["unknown"],
    },
    {
      name: "scanned: nothing on 554",
      facts: (f) => asScanned(f, [[554, "closed"]]),
      expect: ["not_applicable"],
    },
  ],
};
