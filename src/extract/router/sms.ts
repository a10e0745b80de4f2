/**
 * SMS Utilities (remote control by SMS) and Call Utilities of Teltonika routers. RutOS 7 and the
 * legacy RUT9XX/RUT2XX firmware share the format: one `config rule` per SMS command in
 * etc/config/sms_utils, with the action, an on/off switch, how the sender authenticates
 * (`authorization`, legacy `authorisation`: password, serial or no) and which numbers are accepted
 * (`allowed_phone`: all, group or single, with `group` / `tel`). RutOS 7 also knows `local`: a
 * password of the rule's own (option `password`). Phone groups are `config group` sections of
 * etc/config/phone_groups (RutOS 7.0x), `config phone` sections of etc/config/user_groups (later
 * RutOS 7) or `config group` sections of sms_utils itself (legacy).
 *
 * Call Utilities: the legacy firmware (and early RutOS 7) switch them with `config call 'call'`
 * option enabled in etc/config/call_utils; later RutOS 7 has one `config rule` per call action.
 */
import type { Facts, SmsRule } from "../../facts/model.js";
import { type ConfigOrigin, type Fact, known, unknown } from "../../facts/value.js";
import { bool, list, sectionsOfType, str } from "../../parsers/uci/query.js";
import type { UciPackage, UciSection } from "../../parsers/uci/types.js";
import type { RouterContext } from "./context.js";
import { presence } from "./presence.js";

/**
 * Actions that only report status. Everything else (reboot, ssh_access, web_access, uci,
 * set_configure, firstboot, fw_upgrade, change_mobile_settings, vpn, wifi, mobile, switch_sim,
 * change_profile, io_set, monitoring, gps on/off, exec, and any action we do not know) changes the
 * device or opens a way in, and counts as privileged. get_configure is privileged too: its reply
 * carries the mobile configuration (APN, user name, password).
 */
const READ_ONLY_ACTIONS = new Set([
  "send_status",
  "status",
  "iostatus",
  "io_status",
  "vpnstatus",
  "vpn_status",
  "gps_coordinates",
  "monitoring_status",
  "list_of_profile",
  "wifi_status",
  "mobile_status",
  "more",
]);

export function isPrivilegedSmsAction(action: string): boolean {
  return !READ_ONLY_ACTIONS.has(action.trim().toLowerCase());
}

function authorizationOf(s: UciSection): { value: string; option?: string } {
  const option = s.options.has("authorization")
    ? "authorization"
    : s.options.has("authorisation")
      ? "authorisation"
      : undefined;
  if (!option) return { value: "unknown" };
  const raw = (str(s, option) ?? "").trim().toLowerCase();
  // "local": a password of the rule's own.
  if (raw === "password" || raw === "local") return { value: "password", option };
  if (raw === "serial") return { value: "serial", option };
  if (raw === "no" || raw === "none" || raw === "" || raw === "0") return { value: "none", option };
  return { value: raw, option };
}

function allowedOf(s: UciSection): SmsRule["allowedPhones"] {
  const v = str(s, "allowed_phone")?.trim().toLowerCase();
  return v === "all" || v === "group" || v === "single" ? v : "unknown";
}

function ruleOf(ctx: RouterContext, pkg: UciPackage, s: UciSection): SmsRule {
  const action = str(s, "action") ?? "?";
  const auth = authorizationOf(s);
  const own = str(s, "password");
  // Assessed only so that reuse of the rule's own password elsewhere can be reported.
  if (own) ctx.noteSecret(`SMS rule '${action}' (${s.name ?? s.ref}) password`, own);
  const enabledOpt = bool(s, "enabled");
  const at: ConfigOrigin[] = [
    s.options.has("action") ? ctx.origin(pkg, s, "action") : ctx.origin(pkg, s),
    // The WebUI always writes the switch; a rule without it is not shown to be off, so it counts as on.
    enabledOpt === undefined
      ? { ...ctx.origin(pkg, s), excerpt: "option enabled not set: treated as on", implied: true }
      : ctx.origin(pkg, s, "enabled"),
  ];
  if (auth.option) at.push(ctx.origin(pkg, s, auth.option));
  if (s.options.has("allowed_phone")) at.push(ctx.origin(pkg, s, "allowed_phone"));
  return {
    id: s.name ?? s.ref,
    action,
    enabled: enabledOpt ?? true,
    authorization: auth.value,
    allowedPhones: allowedOf(s),
    privileged: isPrivilegedSmsAction(action),
    at,
    cfg: ctx.ref(pkg, s),
  };
}

function phoneGroups(ctx: RouterContext): string[] {
  const names: string[] = [];
  for (const pkgName of ["phone_groups", "user_groups", "sms_utils"]) {
    const pkg = ctx.pkg(pkgName);
    for (const s of [...sectionsOfType(pkg, "group"), ...sectionsOfType(pkg, "phone")]) {
      // A user_groups `group` is a phone group only when it lists numbers.
      if (pkgName === "user_groups" && list(s, "tel").length === 0) continue;
      const name = str(s, "name") ?? s.name;
      if (name && !names.includes(name)) names.push(name);
    }
  }
  return names;
}

function callUtilities(ctx: RouterContext): Fact<boolean> {
  const p = presence(ctx, "call_utils", "call utilities not installed");
  if (p.state === "absent") return known(false, p.origin);
  if (p.state === "unknown") return unknown(p.reason);
  const main = sectionsOfType(p.pkg, "call")[0];
  const rules = sectionsOfType(p.pkg, "rule");
  const global = main ? bool(main, "enabled") : undefined;
  if (main && global !== undefined && (!global || rules.length === 0))
    return known(global, ctx.origin(p.pkg, main, "enabled"));
  if (rules.length > 0) {
    const on = rules.filter((r) => bool(r, "enabled") === true);
    return on.length > 0
      ? known(true, ...on.map((r) => ctx.origin(p.pkg, r, "enabled")))
      : known(false, ...rules.map((r) => ctx.origin(p.pkg, r, "enabled")));
  }
  if (main)
    return unknown(
      "call utilities switch ('enabled') not set or not a boolean",
      ctx.origin(p.pkg, main),
    );
  return known(false, {
    kind: "config",
    file: p.pkg.file,
    excerpt: "no call section and no call rule: no call utility configured",
  });
}

export function extractSms(ctx: RouterContext, facts: Facts): void {
  const p = presence(ctx, "sms_utils", "SMS utilities not installed");
  if (p.state === "unknown") {
    facts.sms = unknown(p.reason);
    return;
  }
  const groups = phoneGroups(ctx);
  const calls = callUtilities(ctx);
  if (p.state === "absent") {
    facts.sms = known(
      { enabled: false, rules: [], phoneGroups: groups, callUtilities: calls, at: [p.origin] },
      p.origin,
    );
    return;
  }
  const rules = sectionsOfType(p.pkg, "rule").map((s) => ruleOf(ctx, p.pkg, s));
  const at: ConfigOrigin[] = [{ kind: "config", file: p.pkg.file }];
  facts.sms = known(
    {
      enabled: rules.some((r) => r.enabled),
      rules,
      phoneGroups: groups,
      callUtilities: calls,
      at,
    },
    ...at,
  );
}
