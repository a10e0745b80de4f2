import type { Rule } from "../types.js";

export const PACKAGES_RULES: Rule[] = [];
