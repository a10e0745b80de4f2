import { known } from "../../facts/value.js";
import { uciFix } from "../../remediation/uci.js";
import { absentPackage } from "../absent.js";
import { asRouter, at, service } from "../case-kit.js";
import { fail, pass, unknownFrom } from "../outcome.js";
import type { Rule } from "../types.js";

export const webCliDisabled: Rule = {
  meta: {
    id: "web-cli-disabled",
    title: "Web CLI (browser shell) is disabled unless needed",
    severity: "medium",
    guidelines: ["TEL-05", "TEL-21"],
    modes: ["config"],
    appliesTo: ["router"],
    rationale:
      "The Web CLI gives a root shell in the browser on its own ports (4200-4220); Teltonika names it among the administrative services to disable when unused.",
    remediation: "Disable the Web CLI; use SSH with keys when a shell is needed.",
  },
  check(facts) {
    const cli = facts.services.find((s) => s.kind === "web-cli");
    if (!cli) return [absentPackage(facts, "Web CLI", "etc/config/cli")];
    if (!cli.enabled.known) return [unknownFrom(cli.enabled, "Web CLI state")];
    if (!cli.enabled.value) return [pass("the Web CLI is disabled", cli.enabled.at)];
    return [
      fail(
        "the Web CLI (a root shell in the browser) is enabled",
        cli.enabled.at,
        uciFix(
          "Disable the Web CLI (Services > CLI in the WebUI, or):",
          cli.cfg ? [{ op: "set", ref: cli.cfg, option: "enable", value: "0" }] : [],
        ),
      ),
    ];
  },
  cases: [
    {
      name: "cli on",
      facts: (f) => {
        asRouter(f);
        f.services.push(service({ id: "web-cli", kind: "web-cli" }));
      },
      expect: ["fail"],
    },
    {
      name: "cli off",
      facts: (f) => {
        asRouter(f);
        f.services.push(
          service({ id: "web-cli", kind: "web-cli", enabled: known(false, at("enable 0")) }),
        );
      },
      expect: ["pass"],
    },
    {
      name: "partial input",
      facts: (f) => {
        f.device.class = known("router", at("router"));
      },
      expect: ["unknown"],
    },
  ],
};
