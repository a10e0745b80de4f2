/**
 * SIM cards and their limits. SIMs are counted from the SIM sections of etc/config/simcard (RutOS 7
 * `config sim` with modem/position; legacy `config sim1` / `config sim2`), or else from the mobile
 * interfaces of etc/config/network.
 *
 * Data limits: RutOS 7 keeps one `config interface '<mobile interface>'` per limit in
 * etc/config/quota_limit (enabled, data_limit in MB, period); the legacy firmware one
 * `config limit 'limit'` in etc/config/data_limit (prim_enb_conn for SIM1, sec_enb_conn for SIM2).
 * SMS limits: RutOS 7 sets them on the SIM section of etc/config/simcard (enable_sms_limit, older
 * releases sms_limit_enable, with sms_limit_num and the period in sms_limit); the legacy firmware
 * in etc/config/sim_switch, section 'rules' (sms_limit_enable_sim1 / _sim2).
 *
 * Every SIM or mobile interface gets a quota entry of each kind whenever the configuration says
 * something about it, including "no limit" (enabled false). Where the input cannot tell (a partial
 * /etc/config folder) no entry is made and the rules report the limit as unknown. OpenWrt has no
 * such limits: it gets no entries.
 */
import type { Facts, Quota, UciRef } from "../../facts/model.js";
import { type ConfigOrigin, known, type Origin, unknown } from "../../facts/value.js";
import { bool, sectionsOfType, str } from "../../parsers/uci/query.js";
import type { UciPackage, UciSection } from "../../parsers/uci/types.js";
import type { RouterContext } from "./context.js";
import { absentOrigin } from "./presence.js";

interface Sim {
  scope: string;
  section?: UciSection;
}

function simsOf(simcard: UciPackage | undefined): Sim[] {
  if (!simcard) return [];
  const modern = sectionsOfType(simcard, "sim");
  if (modern.length) {
    const modems = new Set(modern.map((s) => str(s, "modem") ?? ""));
    return modern.map((s, i) => {
      const pos = str(s, "position") ?? `${i + 1}`;
      const modem = str(s, "modem");
      return {
        scope: modems.size > 1 && modem ? `SIM${pos} (modem ${modem})` : `SIM${pos}`,
        section: s,
      };
    });
  }
  // Legacy: `config sim1 'sim1'`, `config sim2 'sim2'`.
  return simcard.sections
    .filter((s) => /^sim\d$/.test(s.type))
    .map((s) => ({ scope: s.type.toUpperCase(), section: s }));
}

function flag(
  ctx: RouterContext,
  pkg: UciPackage,
  s: UciSection,
  options: string[],
): { on: boolean; at: ConfigOrigin; option?: string } {
  for (const o of options) {
    if (s.options.has(o)) return { on: bool(s, o) === true, at: ctx.origin(pkg, s, o), option: o };
  }
  return { on: false, at: ctx.implied(pkg, s, options[0] as string, "0") };
}

function ref(pkg: string, section: string, sectionType: string): UciRef {
  return { language: "uci", package: pkg, section, sectionType };
}

export function extractCellular(ctx: RouterContext, facts: Facts): void {
  const simcard = ctx.pkg("simcard");
  const sims = simsOf(simcard);
  const net = ctx.pkg("network");
  const mobile = facts.network.known
    ? facts.network.value.interfaces.filter((i) => i.role === "mobile" && i.enabled)
    : [];
  if (!simcard && !facts.network.known) {
    facts.cellular = unknown(
      `neither etc/config/simcard nor a readable etc/config/network: ${ctx.whyUnknown("network")}`,
    );
    return;
  }
  const platform = facts.device.platform.known ? facts.device.platform.value : "unknown";
  const legacy = platform === "rutos-legacy" || ctx.pkg("data_limit") !== undefined;
  const teltonika = platform === "rutos" || platform === "rutos-legacy";
  const whole = ctx.complete;

  // Distinct SIMs behind the mobile interfaces (RutOS: option sim), when simcard says nothing.
  const ifaceSims = new Set(
    mobile.map((i) => {
      const s = net?.sections.find((x) => x.type === "interface" && (x.name ?? x.ref) === i.name);
      return s ? `${str(s, "modem") ?? ""}/${str(s, "sim") ?? i.name}` : i.name;
    }),
  );
  const simCount = sims.length || ifaceSims.size;
  const quotas: Quota[] = [];

  // Data limits.
  const quotaLimit = ctx.pkg("quota_limit");
  const dataLimit = ctx.pkg("data_limit");
  if (quotaLimit) {
    const seen = new Set<string>();
    for (const s of sectionsOfType(quotaLimit, "interface")) {
      const scope = s.name ?? str(s, "interface") ?? s.ref;
      seen.add(scope);
      const f = flag(ctx, quotaLimit, s, ["enabled"]);
      quotas.push({ scope, kind: "data", enabled: f.on, at: [f.at], cfg: ctx.ref(quotaLimit, s) });
    }
    for (const i of mobile) {
      if (seen.has(i.name)) continue;
      quotas.push({
        scope: i.name,
        kind: "data",
        enabled: false,
        at: [
          {
            kind: "config",
            file: quotaLimit.file,
            excerpt: `no quota_limit section for mobile interface '${i.name}': no data limit`,
            implied: true,
          },
          ...i.at,
        ],
        cfg: ref("quota_limit", i.name, "interface"),
      });
    }
  } else if (dataLimit) {
    const s = sectionsOfType(dataLimit, "limit")[0];
    const count = Math.max(simCount, 1);
    for (let n = 1; n <= Math.min(count, 2); n++) {
      const option = n === 1 ? "prim_enb_conn" : "sec_enb_conn";
      const at: Origin = s
        ? s.options.has(option)
          ? ctx.origin(dataLimit, s, option)
          : ctx.implied(dataLimit, s, option, "0")
        : { kind: "config", file: dataLimit.file, excerpt: "no 'limit' section: no data limit" };
      quotas.push({
        scope: `SIM${n}`,
        kind: "data",
        enabled: s ? bool(s, option) === true : false,
        at: [at],
        cfg: ref("data_limit", "limit", "limit"),
      });
    }
  } else if (whole && teltonika && ctx.status("quota_limit") === "missing") {
    if (legacy) {
      for (let n = 1; n <= Math.min(simCount, 2); n++)
        quotas.push({
          scope: `SIM${n}`,
          kind: "data",
          enabled: false,
          at: [absentOrigin(ctx, "data_limit", "no data limit")],
          cfg: ref("data_limit", "limit", "limit"),
        });
    } else {
      for (const i of mobile)
        quotas.push({
          scope: i.name,
          kind: "data",
          enabled: false,
          at: [absentOrigin(ctx, "quota_limit", "no data limit"), ...i.at],
          cfg: ref("quota_limit", i.name, "interface"),
        });
    }
  }

  // SMS limits.
  const simSwitch = ctx.pkg("sim_switch");
  const modernSims = sims.filter((x) => x.section?.type === "sim");
  if (simcard && modernSims.length) {
    for (const sim of modernSims) {
      const s = sim.section as UciSection;
      const f = flag(ctx, simcard, s, ["enable_sms_limit", "sms_limit_enable"]);
      quotas.push({
        scope: sim.scope,
        kind: "sms",
        enabled: f.on,
        at: [f.at],
        cfg: ctx.ref(simcard, s),
      });
    }
  } else if (legacy || sims.length) {
    const rules = simSwitch ? sectionsOfType(simSwitch, "rules")[0] : undefined;
    const count = Math.min(Math.max(sims.length, simCount), 2);
    for (let n = 1; n <= count; n++) {
      const option = `sms_limit_enable_sim${n}`;
      let at: ConfigOrigin | undefined;
      let on = false;
      if (simSwitch && rules) {
        on = bool(rules, option) === true;
        at = rules.options.has(option)
          ? ctx.origin(simSwitch, rules, option)
          : ctx.implied(simSwitch, rules, option, "0");
      } else if (simSwitch) {
        at = { kind: "config", file: simSwitch.file, excerpt: "no 'rules' section: no SMS limit" };
      } else if (whole && ctx.status("sim_switch") === "missing") {
        at = absentOrigin(ctx, "sim_switch", "no SMS limit");
      }
      if (!at) continue;
      quotas.push({
        scope: `SIM${n}`,
        kind: "sms",
        enabled: on,
        at: [at],
        cfg: ref("sim_switch", "rules", "rules"),
      });
    }
  }

  const at: Origin[] = [];
  if (simcard) at.push({ kind: "config", file: simcard.file });
  if (net) at.push({ kind: "config", file: net.file });
  facts.cellular = known({ simCount, quotas }, ...at);
}
