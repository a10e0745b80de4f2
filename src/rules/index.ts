/** Every rule Bulwark knows, by area. Each area's index lists its own rules. */
import { CELLULAR_RULES } from "./cellular/index.js";
import { CROSSCHECK_RULES } from "./crosscheck/index.js";
import { DIALPLAN_RULES } from "./dialplan/index.js";
import { HOST_RULES } from "./host/index.js";
import { INTERCOM_RULES } from "./intercom/index.js";
import { MANUAL_RULES } from "./manual/index.js";
import { MESSAGING_RULES } from "./messaging/index.js";
import { MONITORING_RULES } from "./monitoring/index.js";
import { OBSERVED_RULES } from "./observed/index.js";
import { PACKAGES_RULES } from "./packages/index.js";
import { PBX_SERVICES_RULES } from "./pbx-services/index.js";
import { PBX_SIP_RULES } from "./pbx-sip/index.js";
import { ROUTER_RULES } from "./router/index.js";
import { SOFTWARE_RULES } from "./software/index.js";
import { TRANSPORT_RULES } from "./transport/index.js";
import type { Rule } from "./types.js";
import { VPN_RULES } from "./vpn/index.js";
import { WIFI_RULES } from "./wifi/index.js";

export const ALL_RULES: readonly Rule[] = [
  ...ROUTER_RULES,
  ...WIFI_RULES,
  ...VPN_RULES,
  ...CELLULAR_RULES,
  ...MONITORING_RULES,
  ...OBSERVED_RULES,
  ...PACKAGES_RULES,
  ...MESSAGING_RULES,
  ...MANUAL_RULES,
  ...PBX_SIP_RULES,
  ...PBX_SERVICES_RULES,
  ...DIALPLAN_RULES,
  ...HOST_RULES,
  ...CROSSCHECK_RULES,
  ...SOFTWARE_RULES,
  ...TRANSPORT_RULES,
  ...INTERCOM_RULES,
];

export function ruleById(id: string): Rule | undefined {
  return ALL_RULES.find((r) => r.meta.id === id);
}
