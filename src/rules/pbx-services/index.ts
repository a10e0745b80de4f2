import type { Rule } from "../types.js";

export const PBX_SERVICES_RULES: Rule[] = [];
