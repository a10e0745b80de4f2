/** Which rules check each guideline item, and in which mode; items no rule checks yet are listed as such. */
import { ALL_RULES } from "../rules/index.js";
import type { Mode, Rule } from "../rules/types.js";
import { GUIDELINE_ITEMS, type GuidelineItem } from "./items.js";

export interface ItemCoverage {
  id: string;
  guide: string;
  text: string;
  checks: { rule: string; mode: Mode }[];
  covered: boolean;
  /** Suggested modes (ITEMS.md) no rule provides yet. */
  missingModes: Mode[];
  conflict?: string;
}

export function coverage(
  rules: readonly Rule[] = ALL_RULES,
  items: readonly GuidelineItem[] = GUIDELINE_ITEMS,
): ItemCoverage[] {
  return items.map((item) => {
    const checks = rules
      .filter((r) => r.meta.guidelines.includes(item.id))
      .flatMap((r) => r.meta.modes.map((mode) => ({ rule: r.meta.id, mode })));
    const modes = new Set(checks.map((c) => c.mode));
    return {
      id: item.id,
      guide: item.guide,
      text: item.text,
      checks,
      covered: checks.length > 0,
      missingModes: item.suggested.filter((m) => !modes.has(m)),
      conflict: item.conflict,
    };
  });
}

/** Guideline IDs named by a rule but absent from the catalogue: a typo in a rule's meta. */
export function unknownGuidelineIds(rules: readonly Rule[] = ALL_RULES): string[] {
  const ids = new Set(GUIDELINE_ITEMS.map((i) => i.id));
  return [...new Set(rules.flatMap((r) => r.meta.guidelines))].filter((id) => !ids.has(id));
}
