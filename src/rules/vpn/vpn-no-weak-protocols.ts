import type { Vpn } from "../../facts/model.js";
import { uciFix } from "../../remediation/uci.js";
import { asRouter } from "../case-kit.js";
import { fail, pass, undecided, unknownFrom } from "../outcome.js";
import type { Finding, Fix, Rule } from "../types.js";
import { caseVpn, inputComplete, vpnLabel, withVpns } from "./kit.js";

function whyWeak(v: Vpn): string {
  switch (v.type) {
    case "pptp":
      return "PPTP is broken: its MS-CHAPv2 handshake reduces to a single DES key that is cracked in hours, and MPPE encryption is weak";
    case "l2tp":
      return "L2TP alone neither encrypts the traffic nor authenticates the tunnel strongly: without IPsec it crosses the network in clear";
    case "gre":
      return "GRE neither encrypts nor authenticates: without IPsec its traffic crosses the network in clear and can be spoofed";
    default:
      return "this VPN type is considered weak";
  }
}

function fixFor(v: Vpn): Fix {
  const replace =
    v.type === "pptp"
      ? "Replace it with WireGuard, OpenVPN or IPsec (IKEv2), then turn it off:"
      : "Carry it inside IPsec (RutOS: bind the tunnel to an IPsec connection, 'bind_to'), or replace it with WireGuard, OpenVPN or IPsec; then turn the plain tunnel off:";
  if (!v.cfg) return { summary: replace };
  if (v.cfg.package === "network")
    return uciFix(replace, [{ op: "set", ref: v.cfg, option: "disabled", value: "1" }]);
  const fix = uciFix(replace, [{ op: "set", ref: v.cfg, option: "enabled", value: "0" }]);
  // uciFix knows no reload for the PPP VPN servers; they restart under their package's name.
  if (v.cfg.package === "pptpd" || v.cfg.package === "xl2tpd")
    fix.commands?.lines.push(`/etc/init.d/${v.cfg.package} restart`);
  return fix;
}

export const vpnNoWeakProtocols: Rule = {
  meta: {
    id: "vpn-no-weak-protocols",
    title: "No weak VPN protocols (PPTP, L2TP without IPsec, plain GRE)",
    severity: "high",
    guidelines: ["RBT-10", "TEL-22"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "A VPN is only as good as its protocol: PPTP's authentication is broken, and L2TP or GRE without IPsec send everything in clear. Robustel warns against weak VPN types such as PPTP; Teltonika names IPsec, OpenVPN and WireGuard as the secure choices.",
    remediation:
      "Replace PPTP with WireGuard, OpenVPN or IPsec (IKEv2); run L2TP and GRE only inside IPsec; remove the weak tunnels.",
  },
  check(facts) {
    if (!facts.vpns.known) return [unknownFrom(facts.vpns, "VPN protocols")];
    const vpns = facts.vpns.value;
    const weak = vpns.filter((v) => v.weak);
    if (weak.length === 0) {
      if (!inputComplete(facts))
        return [
          undecided(
            "no weak VPN in the configuration files present, but the input is not a complete backup: a PPTP or L2TP server file may be missing from it",
            facts.vpns.at,
          ),
        ];
      return [
        pass(
          vpns.length
            ? `no PPTP, plain L2TP or plain GRE: ${vpns.map(vpnLabel).join(", ")}`
            : "no VPN is configured, weak or otherwise",
          facts.vpns.at,
        ),
      ];
    }
    return weak.map((v): Finding => {
      const subject = vpnLabel(v);
      if (!v.enabled)
        return pass(
          `${subject} is configured but disabled; delete it so nobody turns it back on`,
          v.at,
          { subject },
        );
      return fail(`${subject} is enabled. ${whyWeak(v)}`, v.at, fixFor(v), { subject });
    });
  },
  cases: [
    {
      name: "PPTP client enabled",
      facts: (f) => {
        asRouter(f);
        withVpns(f, [caseVpn({ name: "pptp_office", type: "pptp" })]);
      },
      expect: ["fail"],
    },
    {
      name: "L2TP server without IPsec, GRE tunnel, and a disabled PPTP",
      facts: (f) => {
        asRouter(f);
        withVpns(f, [
          caseVpn({
            name: "l2tp_srv",
            type: "l2tp",
            role: "server",
            cfg: {
              language: "uci",
              package: "xl2tpd",
              section: "l2tp_srv",
              sectionType: "service",
            },
          }),
          caseVpn({ name: "gre1", type: "gre", role: "peer" }),
          caseVpn({ name: "old_pptp", type: "pptp", enabled: false }),
        ]);
      },
      expect: ["fail", "fail", "pass"],
    },
    {
      name: "WireGuard and L2TP over IPsec",
      facts: (f) => {
        asRouter(f);
        withVpns(f, [
          caseVpn({ name: "wg0", type: "wireguard", role: "server" }),
          caseVpn({ name: "l2tp_hq", type: "l2tp-ipsec" }),
        ]);
      },
      expect: ["pass"],
    },
    {
      name: "no VPN in a complete backup",
      facts: (f) => {
        asRouter(f);
        withVpns(f, []);
      },
      expect: ["pass"],
    },
    {
      name: "no VPN found in a partial input",
      facts: (f) => withVpns(f, []),
      expect: ["unknown"],
    },
  ],
};
