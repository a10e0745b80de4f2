import { known } from "../../facts/value.js";
import { uciFix } from "../../remediation/uci.js";
import { absentPackage } from "../absent.js";
import { asRouter, at, service } from "../case-kit.js";
import { fail, pass, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";

export const upnpDisabled: Rule = {
  meta: {
    id: "upnp-disabled",
    title: "UPnP / NAT-PMP is disabled",
    severity: "medium",
    guidelines: ["TEL-05", "RBT-17"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "UPnP lets any program on the LAN open ports to the internet without authentication, bypassing the firewall policy the operator set.",
    remediation: "Disable UPnP/NAT-PMP and add the port forwards you need by hand.",
  },
  check(facts) {
    const upnp = facts.services.find((s) => s.kind === "upnp");
    if (!upnp) return [absentPackage(facts, "UPnP", "etc/config/upnpd")];
    if (!upnp.enabled.known) return [unknownFrom(upnp.enabled, "UPnP state")];
    if (!upnp.enabled.value) return [pass("UPnP is disabled", upnp.enabled.at)];
    return [
      fail(
        "UPnP is enabled: LAN hosts can open WAN ports without asking",
        upnp.enabled.at,
        uciFix(
          "Disable UPnP:",
          upnp.cfg ? [{ op: "set", ref: upnp.cfg, option: "enabled", value: "0" }] : [],
        ),
      ),
    ];
  },
  cases: [
    {
      name: "on",
      facts: (f) => {
        asRouter(f);
        f.services.push(service({ id: "upnp", kind: "upnp" }));
      },
      expect: ["fail"],
    },
    {
      name: "off",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({ id: "upnp", kind: "upnp", enabled: known(false, at("enabled 0")) }),
        );
      },
      expect: ["pass"],
    },
  ],
};
