import type { Rule } from "../types.js";

export const MESSAGING_RULES: Rule[] = [];
