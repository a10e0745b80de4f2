import type { Rule } from "../types.js";

export const HOST_RULES: Rule[] = [];
