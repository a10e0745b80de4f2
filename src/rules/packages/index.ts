/** Package rules: where packages come from and whether their signatures are checked. */
import type { Rule } from "../types.js";
import { packageFeedsTrusted } from "./package-feeds-trusted.js";
import { packageSignatureCheck } from "./package-signature-check.js";

export const PACKAGES_RULES: Rule[] = [packageFeedsTrusted, packageSignatureCheck];
