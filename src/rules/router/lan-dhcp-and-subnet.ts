import type { NetworkFacts } from "../../facts/model.js";
import { uciFix } from "../../remediation/uci.js";
import { asRouter, at, iface, withNetwork } from "../case-kit.js";
import { fail, notApplicable, pass, unknownFrom } from "../outcome.js";
import type { Finding, Rule } from "../types.js";

/** Factory LAN subnets of the routers this tool covers: the first ones an intruder guesses. */
const VENDOR_DEFAULT_SUBNETS = ["192.168.1.", "192.168.0.", "192.168.2.", "10.0.0."];

const lanOf = (n: NetworkFacts) => n.interfaces.filter((i) => i.role === "lan");

export const lanDhcpDisabled: Rule = {
  meta: {
    id: "lan-dhcp-disabled",
    title: "DHCP is off on the LAN (fixed addresses for fixed equipment)",
    severity: "low",
    guidelines: ["RBT-04"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "In a fixed IoT installation DHCP only serves whoever plugs in; with it off, a stranger's laptop gets no address.",
    remediation: "Give the attached equipment static addresses and turn the LAN DHCP server off.",
  },
  check(facts) {
    if (!facts.network.known) return [unknownFrom(facts.network, "LAN DHCP")];
    const lans = new Set(lanOf(facts.network.value).map((i) => i.name));
    const servers = facts.network.value.dhcpServers.filter((d) => lans.has(d.interface));
    if (servers.length === 0) return [pass("no DHCP server on a LAN interface", facts.network.at)];
    return servers.map(
      (d): Finding =>
        d.enabled
          ? fail(
              `the DHCP server hands out addresses on '${d.interface}'`,
              d.at,
              uciFix(
                "If every LAN device has a fixed address, turn DHCP off:",
                d.cfg ? [{ op: "set", ref: d.cfg, option: "ignore", value: "1" }] : [],
              ),
              { subject: d.interface },
            )
          : pass(`DHCP is off on '${d.interface}'`, d.at, { subject: d.interface }),
    );
  },
  cases: [
    {
      name: "dhcp on",
      facts: (f) => {
        asRouter(f);
        withNetwork(
          f,
          [iface("lan", "lan", ["10.77.3.1/29"])],
          [{ interface: "lan", enabled: true, at: [at("config dhcp lan")] }],
        );
      },
      expect: ["fail"],
    },
    {
      name: "dhcp ignored",
      facts: (f) => {
        asRouter(f);
        withNetwork(
          f,
          [iface("lan", "lan", ["10.77.3.1/29"])],
          [{ interface: "lan", enabled: false, at: [at("ignore 1")] }],
        );
      },
      expect: ["pass"],
    },
  ],
};

export const lanSubnetNotDefault: Rule = {
  meta: {
    id: "lan-subnet-not-default",
    title: "The LAN uses a small, non-default subnet",
    severity: "low",
    guidelines: ["RBT-04"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "A factory subnet like 192.168.1.0/24 is the first one malware and intruders guess; a small, unusual one (e.g. a /29) leaves no room for extra hosts.",
    remediation:
      "Move the LAN to an unusual private subnet sized for the equipment (e.g. 10.77.3.0/29).",
  },
  check(facts) {
    if (!facts.network.known) return [unknownFrom(facts.network, "LAN subnet")];
    const lans = lanOf(facts.network.value).filter((i) => i.addresses.length);
    if (lans.length === 0)
      return [notApplicable("no statically addressed LAN interface", facts.network.at)];
    return lans.map((i): Finding => {
      const addr = i.addresses[0] ?? "";
      const bits = Number(addr.split("/")[1] ?? 32);
      const isDefault = VENDOR_DEFAULT_SUBNETS.some((p) => addr.startsWith(p));
      if (!isDefault && bits >= 25)
        return pass(`LAN '${i.name}' is ${addr}`, i.at, { subject: i.name });
      return fail(
        `LAN '${i.name}' is ${addr}${isDefault ? ", a factory-default subnet" : ""}${bits < 25 ? `, room for ${2 ** (32 - bits) - 2} hosts` : ""}`,
        i.at,
        uciFix(
          "Choose a small, unusual subnet (adjust the attached devices first):",
          i.cfg
            ? [
                { op: "set", ref: i.cfg, option: "ipaddr", value: "10.77.3.1" },
                { op: "set", ref: i.cfg, option: "netmask", value: "255.255.255.248" },
              ]
            : [],
        ),
        { subject: i.name },
      );
    });
  },
  cases: [
    {
      name: "192.168.1.1/24",
      facts: (f) => {
        asRouter(f);
        withNetwork(f, [iface("lan", "lan", ["192.168.1.1/24"])]);
      },
      expect: ["fail"],
    },
    {
      name: "10.77.3.1/29",
      facts: (f) => {
        asRouter(f);
        withNetwork(f, [iface("lan", "lan", ["10.77.3.1/29"])]);
      },
      expect: ["pass"],
    },
  ],
};
