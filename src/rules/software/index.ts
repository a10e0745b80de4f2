/** Rules on the software a device runs, as a scan sees it announced. */
import type { Rule } from "../types.js";
import { softwareKnownVulnerable } from "./software-known-vulnerable.js";

export const SOFTWARE_RULES: readonly Rule[] = [softwareKnownVulnerable];
