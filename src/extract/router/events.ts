/**
 * Events Reporting (Teltonika): `config rule` sections of etc/config/events_reporting, each with
 * the event type (`event`: "Config", "SSH", "Web UI", "Reboot", "SIM switch", "Switch Events",
 * "Port state"...), its subtype (`eventMark`), the action (`action`: sendSMS, sendEmail) and the
 * switch (`enable`; the LuCI/Vuci flag is off unless written).
 */
import type { EventRule, Facts } from "../../facts/model.js";
import { type ConfigOrigin, known, unknown } from "../../facts/value.js";
import { bool, sectionsOfType, str } from "../../parsers/uci/query.js";
import type { RouterContext } from "./context.js";
import { presence } from "./presence.js";

/** The trigger class of an event type (and subtype) as RutOS and the legacy firmware name them. */
export function triggerOf(event: string, mark = ""): EventRule["trigger"] {
  const e = event.trim().toLowerCase();
  const m = mark.trim().toLowerCase();
  if (/^(ssh|web ?ui)\b/.test(e) || /log ?in|authenticat/.test(e)) return "login";
  if (/port|link|ethernet|switch event|topology|cable/.test(e)) return "link";
  if (/^config/.test(e)) return "config";
  if (/reboot|start ?up|boot/.test(e)) return "reboot";
  if (/\bsim\b/.test(e)) return "sim";
  if (/link|cable|unplug/.test(m)) return "link";
  return "other";
}

function channelOf(action: string | undefined): string {
  if (!action) return "unknown";
  const a = action.trim();
  if (/^sendsms$/i.test(a)) return "sms";
  if (/^sendemail$/i.test(a)) return "email";
  return a.replace(/^send/i, "").toLowerCase() || "unknown";
}

export function extractEvents(ctx: RouterContext, facts: Facts): void {
  const p = presence(ctx, "events_reporting", "events reporting not installed, no rule");
  if (p.state === "unknown") {
    facts.events = unknown(p.reason);
    return;
  }
  if (p.state === "absent") {
    facts.events = known([], p.origin);
    return;
  }
  const pkg = p.pkg;
  const rules: EventRule[] = sectionsOfType(pkg, "rule").map((s) => {
    const type = str(s, "event") ?? "";
    const mark = str(s, "eventMark") ?? "";
    const switchOpt = s.options.has("enable")
      ? "enable"
      : s.options.has("enabled")
        ? "enabled"
        : undefined;
    const at: ConfigOrigin[] = [
      s.options.has("event") ? ctx.origin(pkg, s, "event") : ctx.origin(pkg, s),
      switchOpt ? ctx.origin(pkg, s, switchOpt) : ctx.implied(pkg, s, "enable", "0"),
    ];
    return {
      id: s.name ?? s.ref,
      event: mark && mark.toLowerCase() !== "all" ? `${type}: ${mark}` : type || "?",
      trigger: triggerOf(type, mark),
      enabled: switchOpt ? bool(s, switchOpt) === true : false,
      channel: channelOf(str(s, "action")),
      at,
      cfg: ctx.ref(pkg, s),
    };
  });
  facts.events = known(rules, { kind: "config", file: pkg.file });
}
