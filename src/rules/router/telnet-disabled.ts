import { known } from "../../facts/value.js";
import { uciFix } from "../../remediation/uci.js";
import { asRouter, at, service, tcp } from "../case-kit.js";
import { decideBySockets } from "../listening-kit.js";
import { fail, pass, unknownFrom } from "../outcome.js";
import {
  asScanned,
  asScannedWith,
  probeAt,
  scannedService,
  scanOf,
  silentPort,
} from "../probe-kit.js";
import type { Rule } from "../types.js";

export const telnetDisabled: Rule = {
  meta: {
    id: "telnet-disabled",
    title: "Telnet is disabled",
    severity: "high",
    guidelines: ["TEL-04", "TEL-05"],
    modes: ["config", "probe"],
    appliesTo: ["router", "intercom", "pbx", "linux-host"],
    rationale:
      "Telnet sends the password and the whole session in clear text; anyone on the path reads them.",
    remediation: "Disable telnet and use SSH.",
  },
  check(facts) {
    const telnets = facts.services.filter((s) => s.kind === "telnet");
    if (telnets.length === 0) {
      const scan = scanOf(facts);
      if (scan) return [silentPort(facts, scan, 23, "Telnet server")];
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
      // A scan that got a shell without any login: anyone who connects runs commands.
      const open = s.auth.anonymous?.known === true && s.auth.anonymous.value;
      return fail(
        open
          ? `telnet gives a shell without any login${exposed ? " to the internet" : ""}: anyone who connects runs commands`
          : `telnet is enabled${exposed ? " and reachable from the internet" : ""}: logins cross the network in clear text`,
        [
          ...s.enabled.at,
          ...(open ? (s.auth.anonymous?.at ?? []) : []),
          ...(exposed ? s.wan.at : []),
        ],
        s.cfg
          ? uciFix("Disable telnet:", [{ op: "set", ref: s.cfg, option: "enable", value: "0" }])
          : {
              // Seen by a scan: no configuration line to cite, so the fix in the device's terms.
              summary: `Switch off the telnet server (${s.label}) and use SSH instead: RutOS WebUI System > Administration > Access Control (Telnet off); OpenWrt \`/etc/init.d/telnet disable && /etc/init.d/telnet stop\`; Debian \`apt-get purge inetutils-telnetd telnetd\`.`,
            },
        { severity: exposed || open ? "critical" : undefined },
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
      name: "scanned: telnetd shows a login prompt",
      facts: (f) =>
        asScannedWith(
          f,
          scannedService({
            kind: "telnet",
            port: 23,
            enabled: known(
              true,
              probeAt(23, "\\xff\\xfd\\x18"),
              probeAt(23, 'negotiated DO 24, WILL 1; login prompt "weak login:"', "telnet"),
            ),
          }),
        ),
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
    {
      name: "scanned: 23/tcp refused",
      facts: (f) =>
        asScanned(f, [
          [22, "open"],
          [23, "closed"],
        ]),
      expect: ["pass"],
    },
    {
      name: "scanned: 23/tcp not probed",
      facts: (f) => asScanned(f, [[22, "open"]]),
      expect: ["unknown"],
    },
  ],
};
