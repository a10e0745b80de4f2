/** Cellular rules: SMS and call utilities, SIM data and SMS limits. */
import type { Rule } from "../types.js";
import { callUtilitiesDisabled } from "./call-utilities-disabled.js";
import { simDataLimit } from "./sim-data-limit.js";
import { simSmsLimit } from "./sim-sms-limit.js";
import { smsCommandsWhitelisted } from "./sms-commands-whitelisted.js";
import { smsUtilitiesMinimal } from "./sms-utilities-minimal.js";

export const CELLULAR_RULES: Rule[] = [
  smsCommandsWhitelisted,
  smsUtilitiesMinimal,
  callUtilitiesDisabled,
  simDataLimit,
  simSmsLimit,
];
