import type { Rule } from "../types.js";
import { dialplanInboundContextRestrictive } from "./dialplan-inbound-context-restrictive.js";
import { tollFraudReachability } from "./toll-fraud-reachability.js";

export const DIALPLAN_RULES: Rule[] = [tollFraudReachability, dialplanInboundContextRestrictive];
