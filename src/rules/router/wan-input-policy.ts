import { known, unknown } from "../../facts/value.js";
import { wanZones } from "../../facts/zones.js";
import { uciFix } from "../../remediation/uci.js";
import { asRouter, at, firewall } from "../case-kit.js";
import { fail, pass, undecided, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";

export const wanInputPolicy: Rule = {
  meta: {
    id: "wan-input-policy",
    title: "The firewall drops unsolicited traffic from the internet (WAN zone input REJECT/DROP)",
    severity: "critical",
    guidelines: ["TEL-10", "RBT-17", "VPX-07", "WAZ-04"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "With the WAN zone accepting input, every service on the router answers the internet, whatever else is configured.",
    remediation: "Set the WAN zone's input (and forward) policy to REJECT or DROP.",
  },
  check(facts) {
    if (!facts.firewall.known) return [unknownFrom(facts.firewall, "The firewall policy")];
    const fw = facts.firewall.value;
    const wanNets = new Set(
      facts.network.known
        ? facts.network.value.interfaces
            .filter((i) => i.role === "wan" || i.role === "mobile")
            .map((i) => i.name)
        : [],
    );
    const zones = wanZones(fw, wanNets);
    if (zones.length === 0)
      return [
        undecided(
          "no WAN zone in the firewall configuration: cannot tell how internet traffic is treated",
          fw.at,
        ),
      ];
    return zones.map((z) => {
      if (z.input === "ACCEPT" || z.forward === "ACCEPT") {
        const changes = z.cfg
          ? [
              ...(z.input === "ACCEPT"
                ? [{ op: "set" as const, ref: z.cfg, option: "input", value: "REJECT" }]
                : []),
              ...(z.forward === "ACCEPT"
                ? [{ op: "set" as const, ref: z.cfg, option: "forward", value: "REJECT" }]
                : []),
            ]
          : [];
        return fail(
          `zone '${z.name}' accepts ${z.input === "ACCEPT" ? "all input to the router" : "all forwarded traffic into the network"} from the internet`,
          z.at,
          uciFix("Reject unsolicited WAN traffic:", changes),
          { subject: `zone ${z.name}` },
        );
      }
      return pass(`zone '${z.name}': input ${z.input}, forward ${z.forward}`, z.at, {
        subject: `zone ${z.name}`,
      });
    });
  },
  cases: [
    {
      name: "wan rejects",
      facts: (f) => {
        asRouter(f);
        f.firewall = known(firewall(), at("fw"));
      },
      expect: ["pass"],
    },
    {
      name: "wan accepts",
      facts: (f) => {
        asRouter(f);
        const fw = firewall();
        const wan = fw.zones[1];
        if (wan) wan.input = "ACCEPT";
        f.firewall = known(fw, at("fw"));
      },
      expect: ["fail"],
    },
    {
      name: "no firewall config",
      facts: (f) => {
        asRouter(f);
        f.firewall = unknown("no etc/config/firewall");
      },
      expect: ["unknown"],
    },
  ],
};
