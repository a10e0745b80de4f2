import type { Rule } from "../types.js";

export const MANUAL_RULES: Rule[] = [];
