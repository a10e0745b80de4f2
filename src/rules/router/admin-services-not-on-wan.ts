import { formatPorts } from "../../facts/ports.js";
import { known, unknown } from "../../facts/value.js";
import { uciFix } from "../../remediation/uci.js";
import { asRouter, at, NOT_ON_WAN, service, tcp, wanFrom } from "../case-kit.js";
import { fail, pass, undecided } from "../outcome.js";
import {
  asScanned,
  asScannedWith,
  closeToInternetFix,
  noAdminAnswered,
  probedService,
  scannedService,
} from "../probe-kit.js";
import type { Rule } from "../types.js";
import { closeToWan } from "./wan-openers.js";

export const adminServicesNotOnWan: Rule = {
  meta: {
    id: "admin-services-not-on-wan",
    title: "Administrative services are not reachable from the internet",
    severity: "high",
    guidelines: ["TEL-09", "RBT-06", "BAS-02", "WAZ-05"],
    modes: ["config", "probe"],
    appliesTo: ["router", "intercom", "pbx"],
    rationale:
      "A management interface on the internet is scanned within minutes and brute-forced for ever; every vendor guide asks to keep it off the WAN and use a VPN instead. A scan decides it only from outside (bulwark scan --vantage internet): from inside the network an answering service says nothing about the internet.",
    remediation:
      "Close the WAN rule (or zone policy) that lets the service in; reach the device through a VPN.",
  },
  check(facts) {
    const admin = facts.services.filter((s) => s.admin);
    if (admin.length === 0) {
      const scanned = noAdminAnswered(facts);
      if (scanned) return [scanned];
      return [undecided("no administrative service is described in the input", facts.coverage.at)];
    }
    return admin.map((s) => {
      const subject = s.label;
      if (!s.wan.known)
        return undecided(
          `cannot tell whether the internet reaches ${s.label}: ${s.wan.reason}`,
          s.wan.at,
          { subject },
        );
      if (!s.wan.value.reachable) return pass(s.wan.value.via.join("; "), s.wan.at, { subject });
      const restricted = s.wan.value.sources.length > 0;
      if (probedService(s))
        return fail(
          `${s.label} answered the scan from the internet`,
          s.wan.at,
          closeToInternetFix(s),
          { subject, severity: "critical" },
        );
      return fail(
        `${s.label} is reachable from the internet on ${formatPorts(s.wan.value.ports)}${restricted ? ` (only from ${s.wan.value.sources.join(", ")})` : " from any address"}: ${s.wan.value.via.join("; ")}`,
        s.wan.at,
        uciFix("Close it to the WAN and reach the device through a VPN instead:", closeToWan(s)),
        { subject, severity: restricted ? "medium" : "critical" },
      );
    });
  },
  cases: [
    {
      name: "ssh open to the world",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({ id: "ssh", kind: "ssh", wan: known(wanFrom([], [tcp(22)]), at("rule")) }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "ssh closed",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({ id: "ssh", kind: "ssh", wan: known(NOT_ON_WAN, at("zone wan REJECT")) }),
        );
      },
      expect: ["pass"],
    },
    {
      name: "scanned from the internet: SSH answered",
      facts: (f) => {
        asScanned(
          f,
          [
            [22, "open"],
            [80, "closed"],
          ],
          "internet",
        );
        f.services.push(scannedService({ kind: "ssh", port: 22 }, "internet"));
      },
      expect: ["fail"],
    },
    {
      name: "scanned from the internet: no administrative port answered",
      facts: (f) =>
        asScanned(
          f,
          [
            [22, "no-answer"],
            [80, "closed"],
            [443, "closed"],
          ],
          "internet",
        ),
      expect: ["pass"],
    },
    {
      name: "scanned from inside: SSH answered, the internet not observed",
      facts: (f) => asScannedWith(f, scannedService({ kind: "ssh", port: 22 })),
      expect: ["unknown"],
    },
    {
      name: "scanned from inside: nothing answered",
      facts: (f) => asScanned(f, [[22, "closed"]]),
      expect: ["unknown"],
    },
    {
      name: "firewall unknown",
      facts: (f) => {
        asRouter(f);
        f.services.push(service({ id: "ssh", kind: "ssh", wan: unknown("no firewall") }));
      },
      expect: ["unknown"],
    },
  ],
};
