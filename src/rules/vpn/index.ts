import type { Rule } from "../types.js";

export const VPN_RULES: Rule[] = [];
