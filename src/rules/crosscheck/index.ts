/** Rules that compare a device's configuration with a live scan of it (audit --host). */
import type { Rule } from "../types.js";
import { liveMatchesConfig } from "./live-matches-config.js";

export const CROSSCHECK_RULES: Rule[] = [liveMatchesConfig];
