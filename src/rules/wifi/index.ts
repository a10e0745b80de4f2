import type { Rule } from "../types.js";

export const WIFI_RULES: Rule[] = [];
