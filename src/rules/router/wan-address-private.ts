import { isPublicAddress } from "../../facts/address.js";
import type { Facts } from "../../facts/model.js";
import { asRouter, iface, withNetwork } from "../case-kit.js";
import { fail, pass, undecided, unknownFrom } from "../outcome.js";
import { asScanned, scanEvidence, scannedService, scanOf } from "../probe-kit.js";
import type { Finding, Rule } from "../types.js";

export const wanAddressPrivate: Rule = {
  meta: {
    id: "wan-address-private",
    title: "The WAN/SIM address is private, not a public internet address",
    severity: "medium",
    guidelines: ["RBT-01"],
    modes: ["config", "probe"],
    appliesTo: ["router"],
    rationale:
      "A public address on the WAN (or SIM) shows the router and every port forward to the whole internet, and unsolicited traffic is billed on the SIM. A scan tells it only from the internet (--vantage internet): a router that answers there on a public address has one.",
    remediation:
      "Use a private-APN SIM (or a private WAN address behind the operator's firewall) and reach the router by VPN.",
  },
  check(facts) {
    if (facts.target.kind === "probe") return fromScan(facts);
    if (!facts.network.known) return [unknownFrom(facts.network, "WAN addressing")];
    const wans = facts.network.value.interfaces.filter(
      (i) => (i.role === "wan" || i.role === "mobile") && i.enabled,
    );
    if (wans.length === 0)
      return [undecided("no WAN interface in the configuration", facts.network.at)];
    const out: Finding[] = [];
    const dynamic: string[] = [];
    for (const i of wans) {
      const pub = i.addresses.filter((a) => isPublicAddress(a.split("/")[0] ?? ""));
      if (pub.length)
        out.push(
          fail(
            `WAN interface '${i.name}' has the public address ${pub.join(", ")}`,
            i.at,
            {
              summary:
                "Ask the operator for a private APN / private address and reach the router over a VPN; remove port forwards that rely on the public address.",
            },
            { subject: i.name },
          ),
        );
      else if (i.addresses.length)
        out.push(
          pass(
            `WAN interface '${i.name}' has the private address ${i.addresses.join(", ")}`,
            i.at,
            { subject: i.name },
          ),
        );
      else dynamic.push(i.name);
    }
    if (dynamic.length)
      out.push(
        undecided(
          `the address of ${dynamic.map((d) => `'${d}'`).join(", ")} is assigned by the network (${wans
            .filter((w) => dynamic.includes(w.name))
            .map((w) => w.proto)
            .join(", ")}): a scan of the device tells whether it is public`,
          wans.filter((w) => dynamic.includes(w.name)).flatMap((w) => w.at),
        ),
      );
    return out;
  },
  cases: [
    {
      name: "scan from the internet: the router answers on a public address",
      facts: (f) => {
        asScanned(f, [[443, "open"]], "internet", [], "198.51.100.20");
        f.services.push(scannedService({ kind: "https", port: 443 }, "internet"));
      },
      expect: ["fail"],
    },
    {
      name: "scan from inside the network: the WAN address is not what was scanned",
      facts: (f) => {
        asScanned(f, [[443, "open"]], "local", [], "192.168.1.1");
        f.services.push(scannedService({ kind: "https", port: 443 }));
      },
      expect: ["unknown"],
    },
    {
      name: "static public",
      facts: (f) => {
        asRouter(f);
        withNetwork(f, [iface("wan", "wan", ["198.51.100.20/24"])]);
      },
      expect: ["fail"],
    },
    {
      name: "static private",
      facts: (f) => {
        asRouter(f);
        withNetwork(f, [iface("wan", "wan", ["10.64.0.2/30"])]);
      },
      expect: ["pass"],
    },
    {
      name: "dhcp",
      facts: (f) => {
        asRouter(f);
        withNetwork(f, [iface("wan", "wan")]);
      },
      expect: ["unknown"],
    },
  ],
};

/**
 * A scan sees the WAN address only when it stood on the internet and the address it reached is
 * public; anything else (a LAN address, a scan from inside) says nothing about the SIM's address.
 */
function fromScan(facts: Facts): Finding[] {
  const scan = scanOf(facts);
  if (scan?.vantage !== "internet" || !isPublicAddress(scan.address))
    return [
      undecided(
        "a scan tells the WAN address only from the internet (--vantage internet) at the router's public address",
        scanEvidence(facts),
      ),
    ];
  const answered = facts.services.filter((s) => s.enabled.known && s.enabled.value);
  if (answered.length === 0)
    return [
      undecided(
        `nothing answered on ${scan.address}: whether it is the router's own public address cannot be told`,
        scanEvidence(facts),
      ),
    ];
  return [
    fail(
      `the router answers from the internet on the public address ${scan.address} (${answered.map((s) => s.label).join(", ")})`,
      [...scanEvidence(facts), ...answered.flatMap((s) => s.enabled.at)],
      {
        summary:
          "Ask the operator for a private APN / private address and reach the router over a VPN; until then close every service to the WAN.",
      },
    ),
  ];
}
