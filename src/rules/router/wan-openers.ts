/**
 * The UCI changes that close a service to the internet, or restrict it to known sources, from
 * what the reachability derivation recorded as letting it in (rules, port forwards, zone policy).
 */
import type { Service, UciRef } from "../../facts/model.js";
import type { UciChange } from "../../remediation/uci.js";

function openersOf(svc: Service) {
  return svc.wan.known ? (svc.wan.value.openers ?? []) : [];
}

/** Disable the rules and forwards that let it in; reject input on a zone that accepts all. */
export function closeToWan(svc: Service): UciChange[] {
  return openersOf(svc).flatMap((o): UciChange[] => {
    if (!o.cfg) return [];
    return o.kind === "zone"
      ? [{ op: "set", ref: o.cfg, option: "input", value: "REJECT" }]
      : [{ op: "set", ref: o.cfg, option: "enabled", value: "0" }];
  });
}

/** Limit each rule and forward that lets it in to a source address (a zone policy cannot be). */
export function restrictToSources(svc: Service, placeholder: string): UciChange[] {
  return openersOf(svc)
    .filter((o): o is typeof o & { cfg: UciRef } => o.kind !== "zone" && o.cfg !== undefined)
    .map((o) => ({ op: "add_list", ref: o.cfg, option: "src_ip", value: placeholder }));
}
