import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { coverage } from "../src/catalogue/coverage.js";
import { GUIDELINE_ITEMS } from "../src/catalogue/items.js";
import { CORPUS_DIR, describeCorpus } from "./support/corpus.js";

describe("guideline catalogue", () => {
  it("lists every ID once, and covers each with checks or says it does not", () => {
    const ids = GUIDELINE_ITEMS.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(71);
    for (const c of coverage()) {
      expect(c.covered).toBe(c.checks.length > 0);
      for (const ch of c.checks)
        expect(["config", "probe", "log", "fleet", "manual"]).toContain(ch.mode);
    }
  });

  it("records the hidden-SSID conflict on both items", () => {
    const cov = coverage();
    expect(cov.find((c) => c.id === "TEL-11")?.conflict).toMatch(/RBT-08/);
    expect(cov.find((c) => c.id === "RBT-08")?.conflict).toMatch(/TEL-11/);
  });
});

describeCorpus("guideline catalogue against ITEMS.md", () => {
  it("has exactly the IDs of ITEMS.md", () => {
    const text = readFileSync(join(CORPUS_DIR, "..", "guidelines", "ITEMS.md"), "utf8");
    const ids = [...text.matchAll(/^\| ((?:TEL|RBT|BAS|WAZ|VPX)-\d+) \|/gm)].map((m) => m[1]);
    expect(GUIDELINE_ITEMS.map((i) => i.id)).toEqual(ids);
  });
});
