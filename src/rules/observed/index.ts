/**
 * Rules on what the logs showed (facts.observed, mode "log"): brute force that was not stopped,
 * administrative logins from unexpected places, Ethernet links that went down.
 */
import type { Rule } from "../types.js";
import { adminLoginUnexpected } from "./admin-login-unexpected.js";
import { bruteForceUnmitigated } from "./brute-force-unmitigated.js";
import { linkDownObserved } from "./link-down-observed.js";

export const OBSERVED_RULES: Rule[] = [
  bruteForceUnmitigated,
  adminLoginUnexpected,
  linkDownObserved,
];
