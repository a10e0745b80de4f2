/** The check both Events Reporting rules share: is there an enabled rule for this kind of event? */
import type { EventRule, Facts } from "../../facts/model.js";
import { known } from "../../facts/value.js";
import { asRouter, at } from "../case-kit.js";
import { isOpenWrt, PHONE_PLACEHOLDER, uciFixApplied } from "../cellular/kit.js";
import { fail, manual, pass, unknownFrom } from "../outcome.js";
import type { Finding, Fix, RuleCase } from "../types.js";

export interface EventWanted {
  trigger: EventRule["trigger"];
  /** "logins to the WebUI and SSH", "Ethernet link changes". */
  what: string;
  /** Event type and subtype of each rule to add (RutOS `event` / `eventMark`). */
  add: { event: string; mark: string }[];
  /** WebUI guidance for the event types to choose. */
  choose: string;
}

const WHERE = "WebUI: Services > Events Reporting";

function addFix(w: EventWanted): Fix {
  const lines: string[] = ["touch /etc/config/events_reporting"];
  for (const r of w.add) {
    lines.push(
      "uci add events_reporting rule",
      "uci set events_reporting.@rule[-1].enable='1'",
      `uci set events_reporting.@rule[-1].event='${r.event}'`,
      `uci set events_reporting.@rule[-1].eventMark='${r.mark}'`,
      "uci set events_reporting.@rule[-1].action='sendSMS'",
      `uci set events_reporting.@rule[-1].telnum='${PHONE_PLACEHOLDER}'`,
    );
  }
  lines.push("uci commit events_reporting", "reload_config");
  return {
    summary: `Add Events Reporting rules for ${w.what} (${WHERE}, Add: ${w.choose}; action Send SMS or Send email). Replace ${PHONE_PLACEHOLDER} with the administrators' number:`,
    commands: { language: "uci", lines },
  };
}

export function eventFindings(facts: Facts, w: EventWanted): Finding[] {
  if (isOpenWrt(facts))
    return [
      manual(
        `OpenWrt has no Events Reporting: confirm that ${w.what} are watched elsewhere (remote syslog, bulwark watch) and attest it in the policy file`,
        facts.device.platform.at,
      ),
    ];
  const ev = facts.events;
  if (!ev.known) return [unknownFrom(ev, `Events reporting of ${w.what}`)];
  const matching = ev.value.filter((r) => r.trigger === w.trigger);
  const on = matching.filter((r) => r.enabled);
  if (on.length > 0)
    return [
      pass(
        `${w.what} are reported: ${on.map((r) => `'${r.event}' by ${r.channel}`).join(", ")}`,
        on.flatMap((r) => r.at),
      ),
    ];
  if (matching.length > 0)
    return [
      fail(
        `the Events Reporting rules for ${w.what} are all switched off`,
        matching.flatMap((r) => r.at),
        uciFixApplied(
          `Switch the rules on (${WHERE}) and check their recipients:`,
          matching.flatMap((r) =>
            r.cfg ? [{ op: "set" as const, ref: r.cfg, option: "enable", value: "1" }] : [],
          ),
        ),
      ),
    ];
  return [
    fail(
      `no Events Reporting rule reports ${w.what}${ev.value.length ? ` (rules present: ${[...new Set(ev.value.map((r) => r.event))].join(", ")})` : ""}`,
      [...ev.at, ...ev.value.flatMap((r) => r.at)],
      addFix(w),
    ),
  ];
}

export function eventCases(w: EventWanted, sample: string, other: string): RuleCase[] {
  const rule = (event: string, trigger: EventRule["trigger"], enabled: boolean): EventRule => ({
    id: "@rule[0]",
    event,
    trigger,
    enabled,
    channel: "sms",
    at: [at(`option event '${event}'`)],
    cfg: { language: "uci", package: "events_reporting", section: "@rule[0]", sectionType: "rule" },
  });
  return [
    {
      name: "no matching rule",
      facts: (f) => {
        asRouter(f);
        f.events = known([rule(other, "config", true)], at("events_reporting"));
      },
      expect: ["fail"],
    },
    {
      name: "matching rule switched off",
      facts: (f) => {
        asRouter(f);
        f.events = known([rule(sample, w.trigger, false)], at("events_reporting"));
      },
      expect: ["fail"],
    },
    {
      name: "matching rule on",
      facts: (f) => {
        asRouter(f);
        f.events = known([rule(sample, w.trigger, true)], at("events_reporting"));
      },
      expect: ["pass"],
    },
    {
      name: "OpenWrt: monitoring elsewhere needs an attestation",
      facts: (f) => {
        asRouter(f, "openwrt");
      },
      expect: ["manual"],
    },
  ];
}
