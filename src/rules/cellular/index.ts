import type { Rule } from "../types.js";

export const CELLULAR_RULES: Rule[] = [];
