import type { EventRule } from "../../facts/model.js";
import type { LinkEventSeen } from "../../facts/observed.js";
import { known } from "../../facts/value.js";
import { asRouter, at } from "../case-kit.js";
import { eventFindings } from "../monitoring/event-kit.js";
import { LINKS } from "../monitoring/events-link-down.js";
import { fail, pass, undecided } from "../outcome.js";
import type { Rule } from "../types.js";
import {
  firstOrigins,
  judgeActivity,
  LINK_KINDS,
  linkDown,
  sourcesRead,
  spanText,
  windowText,
  withActivity,
} from "./kit.js";

/** "eth1 (×2), lan2": the ports that went down, most often first. */
function portsText(downs: LinkEventSeen[]): string {
  const count = new Map<string, number>();
  for (const d of downs) count.set(d.interface ?? "?", (count.get(d.interface ?? "?") ?? 0) + 1);
  return [...count.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => (n > 1 ? `${name} (×${n})` : name))
    .join(", ");
}

const linkRule = (enabled: boolean): EventRule => ({
  id: "@rule[0]",
  event: "Switch Events",
  trigger: "link",
  enabled,
  channel: "sms",
  at: [at("option event 'Switch Events'", 3, "case/etc/config/events_reporting")],
  cfg: { language: "uci", package: "events_reporting", section: "@rule[0]", sectionType: "rule" },
});

export const linkDownObserved: Rule = {
  meta: {
    id: "link-down-observed",
    title: "Ethernet links that went down in the logs raised an alert",
    severity: "low",
    guidelines: ["RBT-07"],
    modes: ["log"],
    appliesTo: ["router", "pbx", "intercom", "linux-host"],
    rationale:
      "An Ethernet cable unplugged is how someone at the cabinet puts a laptop on the device's network. Robustel's guide asks for an SMS, email or cloud alert each time; the logs show the unplugging happened, the configuration whether anyone was told.",
    remediation:
      "Check each link-down event with the people on site, and create an Events Reporting rule (or a bulwark watch alert) that reports Ethernet link changes.",
  },
  check(facts) {
    return judgeActivity(
      facts,
      "Ethernet link changes in the logs",
      (o) => o.sources.some((s) => LINK_KINDS.has(s.kind)),
      "none of the logs read is a system log (kernel and netifd lines): link changes cannot be seen in them",
      (o) => {
        const downs = o.links.filter((l) => l.kind === "link-down" && l.physical);
        if (downs.length === 0) {
          const logical = o.links.filter((l) => l.kind === "link-down" && !l.physical).length;
          return [
            pass(
              `no Ethernet link went down ${windowText(o)}${logical ? ` (${logical} logical interface(s) went down: a network, not a cable)` : ""}`,
              sourcesRead(o, (k) => LINK_KINDS.has(k)),
            ),
          ];
        }
        const first = downs[0]?.time;
        const last = downs[downs.length - 1]?.time;
        const when = spanText(first, last);
        const summary = `${downs.length} Ethernet link-down event(s) on ${portsText(downs)}${when ? ` ${when}` : ""}`;
        const evidence = firstOrigins(
          downs.flatMap((d) => d.at),
          5,
        );
        const alerting = eventFindings(facts, LINKS)[0];
        if (alerting?.status === "pass")
          return [pass(`${summary}; ${alerting.message}`, [...evidence, ...alerting.evidence])];
        if (alerting?.status === "fail" && alerting.fix)
          return [
            fail(
              `${summary}, and ${alerting.message}: nobody was alerted`,
              [...evidence, ...alerting.evidence],
              alerting.fix,
            ),
          ];
        if (alerting?.status === "manual")
          return [
            undecided(
              `${summary}; OpenWrt has no Events Reporting: whether anyone was alerted is not known (remote syslog or bulwark watch can alert on these lines)`,
              evidence,
            ),
          ];
        return [
          undecided(
            `${summary}; whether an alert was raised cannot be told${alerting ? `: ${alerting.message}` : ""}`,
            evidence,
          ),
        ];
      },
    );
  },
  cases: [
    {
      name: "a cable unplugged, no Events Reporting rule for links",
      facts: (f) => {
        asRouter(f);
        f.events = known([], at("events_reporting"));
        withActivity(f, { sources: [logread()], links: [linkDown("eth1")] });
      },
      expect: ["fail"],
    },
    {
      name: "a cable unplugged, and an enabled rule reports link changes",
      facts: (f) => {
        asRouter(f);
        f.events = known([linkRule(true)], at("events_reporting"));
        withActivity(f, { sources: [logread()], links: [linkDown("eth1")] });
      },
      expect: ["pass"],
    },
    {
      name: "a cable unplugged, logs alone (no configuration to say who was told)",
      facts: (f) => withActivity(f, { sources: [logread()], links: [linkDown("lan2")] }),
      expect: ["unknown"],
    },
    {
      name: "only an auth.log was read: it holds no link lines",
      facts: (f) => withActivity(f),
      expect: ["unknown"],
    },
    {
      name: "only the WAN network went down (a lost DHCP lease, not a cable)",
      facts: (f) =>
        withActivity(f, {
          sources: [logread()],
          links: [linkDown("wan", { physical: false, detail: "Interface wan is down" })],
        }),
      expect: ["pass"],
    },
  ],
};

function logread() {
  return {
    file: "case/logread.txt",
    kind: "syslog",
    covers: ["ssh" as const],
    lines: 5000,
    detectors: ["sshd", "dropbear"],
  };
}
