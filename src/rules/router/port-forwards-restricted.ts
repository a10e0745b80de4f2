import { formatPorts } from "../../facts/ports.js";
import { known } from "../../facts/value.js";
import { uciFix } from "../../remediation/uci.js";
import { asRouter, at, firewall, forward } from "../case-kit.js";
import { fail, pass, unknownFrom } from "../outcome.js";
import type { Finding, Rule } from "../types.js";

export const portForwardsRestricted: Rule = {
  meta: {
    id: "port-forwards-restricted",
    title: "No DMZ, and port forwards from the internet are limited to known sources",
    severity: "high",
    guidelines: ["RBT-01", "RBT-17", "TEL-10"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "A port forward puts a LAN device (PLC, camera, intercom) on the internet with whatever security it has; a DMZ forwards everything. Robustel asks to use the DMZ deliberately, Teltonika to restrict remote access to known sources.",
    remediation:
      "Remove the DMZ; restrict each forward to the source addresses that need it (src_ip), or replace it by a VPN.",
  },
  check(facts) {
    if (!facts.firewall.known) return [unknownFrom(facts.firewall, "Port forwards")];
    const forwards = facts.firewall.value.forwards.filter((f) => f.enabled);
    if (forwards.length === 0)
      return [pass("no port forward or DMZ is enabled", facts.firewall.at)];
    return forwards.map((f): Finding => {
      const subject = `forward '${f.name}'`;
      const to = `${f.internalHost ?? "the router"}${f.internalPorts.length ? `:${formatPorts(f.internalPorts)}` : ""}`;
      if (f.isDmz)
        return fail(
          `DMZ: every port from '${f.src}' is forwarded to ${f.internalHost ?? "a LAN host"}`,
          f.at,
          uciFix(
            "Remove the DMZ and forward only what is needed, from known sources:",
            f.cfg ? [{ op: "set", ref: f.cfg, option: "enabled", value: "0" }] : [],
          ),
          { subject, severity: "critical" },
        );
      if (f.srcIps.length)
        return pass(
          `${formatPorts(f.externalPorts) || "all ports"} → ${to}, only from ${f.srcIps.join(", ")}`,
          f.at,
          { subject },
        );
      return fail(
        `${formatPorts(f.externalPorts) || "all ports"} from any internet address are forwarded to ${to}`,
        f.at,
        {
          summary: "Restrict the forward to known source addresses, or replace it by a VPN:",
          commands: f.cfg
            ? {
                language: "uci",
                lines: [
                  `uci add_list ${f.cfg.package}.${f.cfg.section}.src_ip='<allowed source address>'`,
                  "uci commit firewall",
                  "/etc/init.d/firewall reload",
                ],
              }
            : undefined,
        },
        { subject },
      );
    });
  },
  cases: [
    {
      name: "open forward",
      facts: (f) => {
        asRouter(f);
        f.firewall = known(firewall({ forwards: [forward()] }), at("fw"));
      },
      expect: ["fail"],
    },
    {
      name: "restricted forward",
      facts: (f) => {
        asRouter(f);
        f.firewall = known(
          firewall({ forwards: [forward({ srcIps: ["203.0.113.9"] })] }),
          at("fw"),
        );
      },
      expect: ["pass"],
    },
    {
      name: "dmz",
      facts: (f) => {
        asRouter(f);
        f.firewall = known(
          firewall({
            forwards: [
              forward({
                name: "dmz",
                protocols: ["all"],
                externalPorts: [],
                internalPorts: [],
                isDmz: true,
              }),
            ],
          }),
          at("fw"),
        );
      },
      expect: ["fail"],
    },
    {
      name: "none",
      facts: (f) => {
        asRouter(f);
        f.firewall = known(firewall(), at("fw"));
      },
      expect: ["pass"],
    },
  ],
};
