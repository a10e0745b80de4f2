import { formatPorts, isUnconventionalPort } from "../../facts/ports.js";
import { known } from "../../facts/value.js";
import { asRouter, at, NOT_ON_WAN, service, tcp, wanFrom } from "../case-kit.js";
import { fail, notApplicable, pass, undecided } from "../outcome.js";
import { asScanned, asScannedWith, noAdminAnswered, scannedService } from "../probe-kit.js";
import type { Rule } from "../types.js";

export const adminWanUnconventionalPort: Rule = {
  meta: {
    id: "admin-wan-unconventional-port",
    title:
      "Administrative services that must face the internet use unconventional ports (32768-65535)",
    severity: "low",
    guidelines: ["TEL-09", "VPX-04"],
    modes: ["config", "probe"],
    appliesTo: ["router", "intercom", "pbx"],
    rationale:
      "Mass scanners and bots hit 22, 23, 80, 443 and 8080 first; a high port cuts the noise (it is no substitute for closing the service). A scan tells which ports face the internet only from outside (bulwark scan --vantage internet).",
    remediation:
      "Move the exposed service to a port between 32768 and 65535 (or, better, close it to the WAN).",
  },
  check(facts) {
    const admin = facts.services.filter((s) => s.admin);
    const exposed = admin.filter((s) => s.wan.known && s.wan.value.reachable);
    if (exposed.length === 0) {
      // A scan from inside where nothing administrative answered has not seen the internet side.
      const scanned = admin.length === 0 ? noAdminAnswered(facts) : undefined;
      if (scanned && scanned.status === "unknown") return [scanned];
      const undecidedOnes = admin.filter((s) => !s.wan.known);
      return undecidedOnes.length
        ? [
            undecided(
              "cannot tell which services face the internet",
              undecidedOnes.flatMap((s) => s.wan.at),
            ),
          ]
        : [notApplicable("no administrative service faces the internet")];
    }
    return exposed.map((s) => {
      const ports = s.wan.known ? s.wan.value.ports : [];
      if (ports.every(isUnconventionalPort))
        return pass(`${s.label} faces the internet on ${formatPorts(ports)}`, s.wan.at, {
          subject: s.label,
        });
      return fail(
        `${s.label} faces the internet on the conventional port(s) ${formatPorts(ports)}`,
        s.wan.at,
        {
          summary:
            "Change the external port to one in 32768-65535 (a port forward from a high WAN port, or the service's own port option), or close it to the WAN.",
        },
        { subject: s.label },
      );
    });
  },
  cases: [
    {
      name: "ssh on 22 from wan",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({ id: "ssh", kind: "ssh", wan: known(wanFrom([], [tcp(22)]), at("rule")) }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "ssh on 40022 from wan",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({ id: "ssh", kind: "ssh", wan: known(wanFrom([], [tcp(40022)]), at("rule")) }),
        );
      },
      expect: ["pass"],
    },
    {
      name: "scanned from the internet: SSH on 22",
      facts: (f) =>
        asScannedWith(f, scannedService({ kind: "ssh", port: 22 }, "internet"), "internet"),
      expect: ["fail"],
    },
    {
      name: "scanned from the internet: SSH moved to 40022",
      facts: (f) => {
        asScanned(
          f,
          [
            [22, "closed"],
            [40022, "open"],
          ],
          "internet",
        );
        f.services.push(scannedService({ kind: "ssh", port: 40022 }, "internet"));
      },
      expect: ["pass"],
    },
    {
      name: "scanned from inside: nothing answered",
      facts: (f) => asScanned(f, [[22, "closed"]]),
      expect: ["unknown"],
    },
    {
      name: "nothing exposed",
      facts: (f) => {
        asRouter(f);
        f.services.push(service({ id: "ssh", kind: "ssh", wan: known(NOT_ON_WAN, at("zone")) }));
      },
      expect: ["not_applicable"],
    },
  ],
};
