import { formatPorts } from "../../facts/ports.js";
import { known } from "../../facts/value.js";
import { uciFix } from "../../remediation/uci.js";
import { asRouter, at, NOT_ON_WAN, service, tcp, wanFrom } from "../case-kit.js";
import { fail, pass, undecided } from "../outcome.js";
import {
  answeredOn,
  asScanned,
  asScannedWith,
  noAdminAnswered,
  probedService,
  scannedService,
} from "../probe-kit.js";
import type { Rule } from "../types.js";
import { restrictToSources } from "./wan-openers.js";

export const adminWanSourceRestricted: Rule = {
  meta: {
    id: "admin-wan-source-restricted",
    title: "Remote administrative access is limited to known source addresses",
    severity: "high",
    guidelines: ["TEL-10", "RBT-06", "BAS-03", "VPX-02"],
    modes: ["config", "probe"],
    appliesTo: ["router", "intercom", "pbx"],
    rationale:
      "Where remote access must stay open, a source-address restriction turns the whole internet into a handful of known hosts. A scan sees it only from the internet (bulwark scan --vantage internet), and only from an address that is not on the allow-list: a service that answers such a scanner accepts strangers (scanning from an allowed office address shows a failure that is not one: waive it).",
    remediation: "Add the known source addresses to the WAN rule (src_ip), or close the rule.",
  },
  check(facts) {
    const admin = facts.services.filter((s) => s.admin);
    if (admin.length === 0) {
      const scanned = noAdminAnswered(facts);
      if (scanned) return [scanned];
      return [undecided("no administrative service is described in the input", facts.coverage.at)];
    }
    const unknowns = admin.filter((s) => !s.wan.known);
    const open = admin.filter(
      (s) => s.wan.known && s.wan.value.reachable && s.wan.value.sources.length === 0,
    );
    if (open.length > 0) {
      return open.map((s) => {
        const wan = s.wan.known ? s.wan.value : undefined;
        if (probedService(s))
          return fail(
            `${s.label} answered the scan from the internet: no source restriction kept the scanner out (if the scanner's address is on your allow-list, this is expected)`,
            s.wan.at,
            {
              summary: `Allow ${answeredOn(s)} from the internet only for the addresses you administer from (a source address on the WAN rule or port forward, on this device or the router in front of it), or close it and use a VPN.`,
            },
            { subject: s.label },
          );
        return fail(
          `${s.label} accepts ${formatPorts(wan?.ports ?? [])} from any internet address`,
          s.wan.at,
          uciFix(
            "Restrict the WAN rule or forward to the addresses you administer from (or close it and use a VPN):",
            restrictToSources(s, "<your office or VPN address>"),
          ),
          { subject: s.label },
        );
      });
    }
    if (unknowns.length > 0)
      return [
        undecided(
          `cannot tell who may reach ${unknowns.map((s) => s.label).join(", ")} from the internet${unknowns[0]?.wan.known === false ? `: ${unknowns[0].wan.reason}` : ""}`,
          unknowns.flatMap((s) => s.wan.at),
        ),
      ];
    const restricted = admin.filter((s) => s.wan.known && s.wan.value.reachable);
    if (restricted.length)
      return [
        pass(
          `remote access limited to known sources: ${restricted.map((s) => `${s.label} from ${s.wan.known ? s.wan.value.sources.join(", ") : ""}`).join("; ")}`,
          restricted.flatMap((s) => s.wan.at),
        ),
      ];
    return [
      pass(
        "no administrative service is open to the internet",
        admin.flatMap((s) => s.wan.at).slice(0, 4),
      ),
    ];
  },
  cases: [
    {
      name: "open to any",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({ id: "ssh", kind: "ssh", wan: known(wanFrom([], [tcp(22)]), at("rule")) }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "restricted",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({
            id: "ssh",
            kind: "ssh",
            wan: known(wanFrom(["203.0.113.7"], [tcp(22)]), at("rule")),
          }),
        );
      },
      expect: ["pass"],
    },
    {
      name: "scanned from the internet: the web interface answered a stranger",
      facts: (f) =>
        asScannedWith(f, scannedService({ kind: "https", port: 443 }, "internet"), "internet"),
      expect: ["fail"],
    },
    {
      name: "scanned from the internet: nothing administrative answered",
      facts: (f) =>
        asScanned(
          f,
          [
            [22, "no-answer"],
            [443, "no-answer"],
          ],
          "internet",
        ),
      expect: ["pass"],
    },
    {
      name: "scanned from inside: cannot be seen",
      facts: (f) => asScannedWith(f, scannedService({ kind: "ssh", port: 22 })),
      expect: ["unknown"],
    },
    {
      name: "closed",
      facts: (f) => {
        asRouter(f);
        f.services.push(service({ id: "ssh", kind: "ssh", wan: known(NOT_ON_WAN, at("zone")) }));
      },
      expect: ["pass"],
    },
  ],
};
