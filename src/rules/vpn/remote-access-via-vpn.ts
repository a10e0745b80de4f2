import type { Facts } from "../../facts/model.js";
import { formatPorts } from "../../facts/ports.js";
import { known, unknown } from "../../facts/value.js";
import { uciFix } from "../../remediation/uci.js";
import { asRouter, at, NOT_ON_WAN, service, tcp, wanFrom } from "../case-kit.js";
import { fail, pass, undecided } from "../outcome.js";
import { closeToWan } from "../router/wan-openers.js";
import type { Finding, Rule } from "../types.js";
import { caseVpn, inputComplete, isSecureVpn, vpnLabel, withVpns } from "./kit.js";

const SET_UP_VPN =
  "First set up a secure VPN (WireGuard, OpenVPN or IPsec IKEv2; RutOS: Services → VPN) and check that you can reach the router through it; only then close the direct access, or you lock yourself out:";

export const remoteAccessViaVpn: Rule = {
  meta: {
    id: "remote-access-via-vpn",
    title: "Remote administration goes through a secure VPN, not exposed services",
    severity: "high",
    guidelines: ["TEL-22", "RBT-10"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "A management service open to the internet is found by scanners within minutes and attacked for ever; behind a VPN it is reachable only by peers holding a key. Teltonika asks for remote access through IPsec, OpenVPN or WireGuard instead of exposed services, Robustel for end-to-end VPNs of a strong type.",
    remediation:
      "Set up WireGuard, OpenVPN or IPsec for remote administration, then close the WAN rules that expose SSH, the web UI and other administrative services.",
  },
  check(facts) {
    const admin = facts.services.filter((s) => s.admin);
    if (admin.length === 0)
      return [undecided("no administrative service is described in the input", facts.coverage.at)];
    const secure = facts.vpns.known ? facts.vpns.value.filter(isSecureVpn) : [];
    const weakOnes = facts.vpns.known ? facts.vpns.value.filter((v) => v.enabled && v.weak) : [];
    const exposed = admin.filter((s) => s.wan.known && s.wan.value.reachable);

    if (exposed.length > 0) {
      const vpnState = !facts.vpns.known
        ? `whether a VPN is configured is unknown (${facts.vpns.reason})`
        : secure.length > 0
          ? `although ${secure.map(vpnLabel).join(", ")} is configured`
          : weakOnes.length > 0
            ? `and the only VPN is weak (${weakOnes.map(vpnLabel).join(", ")})`
            : inputComplete(facts)
              ? "and no VPN is configured"
              : "and no VPN was found in the configuration files given (the input is not a complete backup)";
      return exposed.map((s): Finding => {
        const reach = s.wan.known ? s.wan.value : undefined;
        const restricted = (reach?.sources.length ?? 0) > 0;
        return fail(
          `${s.label} is reachable from the internet on ${formatPorts(reach?.ports ?? [])}${restricted ? ` (from ${reach?.sources.join(", ")})` : ""} ${vpnState}`,
          [...s.wan.at, ...secure.flatMap((v) => v.at)],
          uciFix(
            secure.length > 0
              ? `Administer through ${secure.map(vpnLabel).join(", ")} and close the direct access:`
              : SET_UP_VPN,
            closeToWan(s),
          ),
          { subject: s.label, severity: secure.length > 0 || restricted ? "medium" : "high" },
        );
      });
    }

    const undecidable = admin.filter((s) => !s.wan.known);
    if (undecidable.length > 0)
      return [
        undecided(
          `cannot tell whether the internet reaches ${undecidable.map((s) => s.label).join(", ")}: ${undecidable.map((s) => (s.wan.known ? "" : s.wan.reason)).join("; ")}`,
          undecidable.flatMap((s) => s.wan.at),
        ),
      ];

    const closed = admin.flatMap((s) => s.wan.at);
    if (secure.length > 0)
      return [
        pass(
          `no administrative service is reachable from the internet; remote access can go through ${secure.map(vpnLabel).join(", ")}`,
          [...closed, ...secure.flatMap((v) => v.at)],
        ),
      ];
    const noVpn =
      facts.vpns.known && inputComplete(facts)
        ? ", and no VPN is configured: the device is administered locally (or through a management cloud)"
        : "";
    return [
      pass(
        `no administrative service is reachable from the internet${noVpn}; if remote access is ever needed, add a VPN rather than opening services`,
        [...closed, ...facts.vpns.at],
      ),
    ];
  },
  cases: [
    {
      name: "SSH open to the internet, only a PPTP VPN",
      facts: (f: Facts) => {
        asRouter(f);
        f.services.push(
          service({ id: "ssh", kind: "ssh", wan: known(wanFrom([], [tcp(22)]), at("rule")) }),
        );
        withVpns(f, [caseVpn({ name: "pptp_office", type: "pptp" })]);
      },
      expect: ["fail"],
    },
    {
      name: "WireGuard configured but the web UI is still exposed",
      facts: (f: Facts) => {
        asRouter(f);
        f.services.push(
          service({ id: "webui", kind: "https", wan: known(wanFrom([], [tcp(443)]), at("rule")) }),
        );
        withVpns(f, [caseVpn({ name: "wg0", type: "wireguard", role: "server" })]);
      },
      expect: ["fail"],
    },
    {
      name: "WireGuard and nothing exposed",
      facts: (f: Facts) => {
        asRouter(f);
        f.services.push(service({ id: "ssh", kind: "ssh", wan: known(NOT_ON_WAN, at("zone")) }));
        withVpns(f, [caseVpn({ name: "wg0", type: "wireguard", role: "server" })]);
      },
      expect: ["pass"],
    },
    {
      name: "nothing exposed, no VPN",
      facts: (f: Facts) => {
        asRouter(f);
        f.services.push(service({ id: "ssh", kind: "ssh", wan: known(NOT_ON_WAN, at("zone")) }));
        withVpns(f, []);
      },
      expect: ["pass"],
    },
    {
      name: "firewall unknown",
      facts: (f: Facts) => {
        asRouter(f);
        f.services.push(service({ id: "ssh", kind: "ssh", wan: unknown("no firewall") }));
        withVpns(f, []);
      },
      expect: ["unknown"],
    },
  ],
};
