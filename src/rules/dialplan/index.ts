import type { Rule } from "../types.js";

export const DIALPLAN_RULES: Rule[] = [];
