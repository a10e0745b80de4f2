/**
 * Every rule's own cases (like ESLint's RuleTester): facts that must pass, facts that must fail.
 * Plus the contract every rule module keeps: valid meta, a fix on every failure, no throw on
 * empty facts, and no "pass" when nothing is known.
 */
import { describe, expect, it } from "vitest";
import { unknownGuidelineIds } from "../src/catalogue/coverage.js";
import { DEFAULT_PROFILE } from "../src/engine/profile.js";
import { emptyFacts } from "../src/facts/empty.js";
import { ALL_RULES } from "../src/rules/index.js";

const ctx = { profile: DEFAULT_PROFILE, now: new Date("2026-11-21T00:00:00Z") };

describe("rule modules", () => {
  it("have unique kebab-case ids and guideline IDs that exist in the catalogue", () => {
    const ids = ALL_RULES.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(unknownGuidelineIds()).toEqual([]);
  });

  for (const rule of ALL_RULES) {
    describe(rule.meta.id, () => {
      it("has a complete meta and cases that pass and fail", () => {
        const m = rule.meta;
        expect(m.title.length).toBeGreaterThan(10);
        expect(m.rationale.length).toBeGreaterThan(20);
        expect(m.remediation.length).toBeGreaterThan(10);
        expect(m.guidelines.length).toBeGreaterThan(0);
        expect(m.modes.length).toBeGreaterThan(0);
        const expected = rule.cases.flatMap((c) => c.expect);
        if (!m.modes.every((mode) => mode === "manual")) {
          // A rule's negative outcome is "fail", or "manual" where a person has to look.
          expect(
            expected.some((s) => s === "fail" || s === "manual"),
            "needs a failing case",
          ).toBe(true);
          expect(
            expected.some((s) => s === "pass" || s === "not_applicable"),
            "needs a passing case",
          ).toBe(true);
        }
      });

      it("never passes on empty facts, and never throws", () => {
        const findings = rule.check(emptyFacts({ name: "empty", kind: "directory" }), ctx);
        for (const f of findings) expect(f.status).not.toBe("pass");
      });

      for (const c of rule.cases) {
        it(`case: ${c.name}`, () => {
          const facts = emptyFacts({ name: "case", kind: "directory" });
          c.facts(facts);
          const findings = rule.check(facts, {
            ...ctx,
            profile: { ...DEFAULT_PROFILE, ...c.profile },
          });
          expect(findings.map((f) => f.status)).toEqual(c.expect);
          for (const f of findings) {
            expect(f.message.length).toBeGreaterThan(0);
            if (f.status === "fail")
              expect(f.fix?.summary, "a failure says how to fix it").toBeTruthy();
          }
        });
      }
    });
  }
});
