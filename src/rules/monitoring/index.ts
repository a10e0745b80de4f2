import type { Rule } from "../types.js";

export const MONITORING_RULES: Rule[] = [];
