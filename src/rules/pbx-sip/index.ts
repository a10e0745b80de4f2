import type { Rule } from "../types.js";

export const PBX_SIP_RULES: Rule[] = [];
