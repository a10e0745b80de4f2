import { known } from "../../facts/value.js";
import { uciFix } from "../../remediation/uci.js";
import { asRouter, at, service, tcp } from "../case-kit.js";
import { decideBySockets } from "../listening-kit.js";
import { fail, pass, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";

export const telnetDisabled: Rule = {
  meta: {
    id: "telnet-disabled",
    title: "Telnet is disabled",
    severity: "high",
    guidelines: ["TEL-04", "TEL-05"],
    modes: ["config"],
    appliesTo: ["router", "intercom", "pbx", "linux-host"],
    rationale:
      "Telnet sends the password and the whole session in clear text; anyone on the path reads them.",
    remediation: "Disable telnet and use SSH.",
  },
  check(facts) {
    const telnets = facts.services.filter((s) => s.kind === "telnet");
    if (telnets.length === 0) {
      return [
        decideBySockets(facts, {
          label: "Telnet",
          port: 23,
          transport: "tcp",
          uciFile: "etc/config/telnetd",
          whenListening: {
            summary: "Stop and remove the telnet server; use SSH:",
            commands: {
              language: "shell",
              lines: [
                "systemctl disable --now inetd.service telnet.socket 2>/dev/null",
                "apt-get purge telnetd inetutils-telnetd",
              ],
            },
          },
        }),
      ];
    }
    return telnets.map((s) => {
      if (!s.enabled.known) return unknownFrom(s.enabled, "Telnet state");
      if (!s.enabled.value) return pass("telnet is disabled", s.enabled.at);
      const exposed = s.wan.known && s.wan.value.reachable;
      return fail(
        `telnet is enabled${exposed ? " and reachable from the internet" : ""}: logins cross the network in clear text`,
        [...s.enabled.at, ...(exposed ? s.wan.at : [])],
        uciFix(
          "Disable telnet:",
          s.cfg ? [{ op: "set", ref: s.cfg, option: "enable", value: "0" }] : [],
        ),
        { severity: exposed ? "critical" : undefined },
      );
    });
  },
  cases: [
    {
      name: "linux host, nothing on 23",
      facts: (f) => {
        f.device.class = known("linux-host", at("host"));
        f.listening = known(
          [{ transport: "tcp", address: "0.0.0.0", port: 22, scope: "any", at: [at("ss")] }],
          at("ss -tulpn"),
        );
      },
      expect: ["pass"],
    },
    {
      name: "linux host, telnetd on 23",
      facts: (f) => {
        f.device.class = known("linux-host", at("host"));
        f.listening = known(
          [
            {
              transport: "tcp",
              address: "0.0.0.0",
              port: 23,
              scope: "any",
              process: "inetd",
              at: [at("ss")],
            },
          ],
          at("ss -tulpn"),
        );
      },
      expect: ["fail"],
    },
    {
      name: "telnet on",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({ id: "telnet", kind: "telnet", ports: known([tcp(23)], at("23")) }),
        );
      },
      expect: ["fail"],
    },
    {
      name: "telnet off",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({ id: "telnet", kind: "telnet", enabled: known(false, at("enable 0")) }),
        );
      },
      expect: ["pass"],
    },
    {
      name: "not installed",
      facts: (f) => {
        asRouter(f);
      },
      expect: ["not_applicable"],
    },
  ],
};
