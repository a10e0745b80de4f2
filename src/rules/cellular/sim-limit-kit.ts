/** The check both SIM limit rules share: one finding per SIM (or mobile interface) and limit kind. */
import type { CellularFacts, Facts, Quota } from "../../facts/model.js";
import { known } from "../../facts/value.js";
import { asRouter, at } from "../case-kit.js";
import { fail, manual, notApplicable, pass, undecided, unknownFrom } from "../outcome.js";
import type { Finding, Fix, RuleCase } from "../types.js";
import { isOpenWrt } from "./kit.js";

export function limitFindings(
  facts: Facts,
  kind: Quota["kind"],
  fixFor: (q: Quota) => Fix,
): Finding[] {
  const what = kind === "data" ? "data limit" : "SMS limit";
  const cell = facts.cellular;
  if (!cell.known) return [unknownFrom(cell, `SIM ${what}`)];
  if (cell.value.simCount === 0)
    return [notApplicable("no SIM card or mobile interface is configured", cell.at)];
  const quotas = cell.value.quotas.filter((q) => q.kind === kind);
  if (quotas.length === 0) {
    if (isOpenWrt(facts))
      return [
        manual(
          `OpenWrt has no built-in SIM ${what}: confirm that the mobile operator caps the SIM's ${kind === "data" ? "data" : "SMS"} usage (attest it in the policy file)`,
          cell.at,
        ),
      ];
    return [
      undecided(
        `the SIM ${what} configuration (${kind === "data" ? "etc/config/quota_limit or data_limit" : "etc/config/simcard or sim_switch"}) is not in the input`,
        cell.at,
      ),
    ];
  }
  return quotas.map((q) =>
    q.enabled
      ? pass(`${what} is on for ${q.scope}`, q.at, { subject: q.scope })
      : fail(
          `no ${what} on ${q.scope}: a hijacked or misused SIM runs up ${kind === "data" ? "traffic" : "SMS"} charges unchecked`,
          q.at,
          fixFor(q),
          { subject: q.scope },
        ),
  );
}

/** Cases both rules share, in terms of their kind. */
export function limitCases(kind: Quota["kind"], cfg: Quota["cfg"]): RuleCase[] {
  const cell = (quotas: Quota[], simCount = 1): CellularFacts => ({ simCount, quotas });
  const q = (enabled: boolean): Quota => ({
    scope: kind === "data" ? "mob1s1a1" : "SIM1",
    kind,
    enabled,
    at: [at(`option enabled '${enabled ? 1 : 0}'`)],
    cfg,
  });
  return [
    {
      name: "limit off",
      facts: (f) => {
        asRouter(f);
        f.cellular = known(cell([q(false)]), at("cellular"));
      },
      expect: ["fail"],
    },
    {
      name: "limit on",
      facts: (f) => {
        asRouter(f);
        f.cellular = known(cell([q(true)]), at("cellular"));
      },
      expect: ["pass"],
    },
    {
      name: "no SIM",
      facts: (f) => {
        asRouter(f);
        f.cellular = known(cell([], 0), at("cellular"));
      },
      expect: ["not_applicable"],
    },
    {
      name: "limit configuration not in a partial input",
      facts: (f) => {
        asRouter(f);
        f.cellular = known(cell([]), at("cellular"));
      },
      expect: ["unknown"],
    },
    {
      name: "OpenWrt: operator-side cap needs an attestation",
      facts: (f) => {
        asRouter(f, "openwrt");
        f.cellular = known(cell([]), at("cellular"));
      },
      expect: ["manual"],
    },
  ];
}
