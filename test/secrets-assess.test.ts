import { randomInt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { assessPassword, clearAssessCache } from "../src/secrets/index.js";

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";
const SYMBOLS = "!#$%&()*+,-./:;<=>?@[]^_{|}~";
const ALL = LOWER + UPPER + DIGITS + SYMBOLS;

function randomPassword(length: number, alphabet = ALL): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

describe("assessPassword", () => {
  it("admin01: short, default, weak", () => {
    expect(assessPassword("admin01")).toEqual({
      length: 7,
      lower: true,
      upper: false,
      digit: true,
      symbol: false,
      strength: 0,
      isDefault: true,
    });
  });

  it("a 20-character random mixed password: strong, all classes", () => {
    const q = assessPassword("xK9#mQ2$vL7!pR4@nT6&");
    expect(q).toEqual({
      length: 20,
      lower: true,
      upper: true,
      digit: true,
      symbol: true,
      strength: 4,
      isDefault: false,
    });
    // And freshly generated ones too.
    for (let i = 0; i < 5; i++) {
      const p = `aA1!${randomPassword(16)}`;
      expect(assessPassword(p)).toMatchObject({ length: 20, strength: 4, isDefault: false });
    }
  });

  it("weak passwords that tick every class still score low", () => {
    expect(assessPassword("P@ssw0rd1!").strength).toBeLessThanOrEqual(1);
    // Built from a vendor default: not the default itself, but guessable.
    const q = assessPassword("Admin01!");
    expect(q.isDefault).toBe(false);
    expect(q.strength).toBeLessThanOrEqual(2);
  });

  it("user inputs (hostname, vendor, SSID) lower the score of passwords built from them", () => {
    const alone = assessPassword("Bulwarkhq2024").strength;
    const withInputs = assessPassword("Bulwarkhq2024", { userInputs: ["bulwarkhq"] }).strength;
    expect(withInputs).toBeLessThan(alone);
  });

  it("counts code points and classes beyond ASCII", () => {
    expect(assessPassword("😀😀")).toMatchObject({ length: 2, symbol: true, lower: false });
    expect(assessPassword("Pässwörd")).toMatchObject({ length: 8, lower: true, upper: true });
    expect(assessPassword("密码密码")).toMatchObject({
      length: 4,
      lower: false,
      upper: false,
      digit: false,
      symbol: false,
    });
    expect(assessPassword("pass word").symbol).toBe(true);
    expect(assessPassword("")).toMatchObject({ length: 0, strength: 0, isDefault: true });
  });

  it("caches by keyed digest: the same input returns the same frozen result", () => {
    const a = assessPassword("cache-me-please-7731");
    expect(assessPassword("cache-me-please-7731")).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    // Different user inputs are a different question.
    expect(assessPassword("cache-me-please-7731", { userInputs: ["cache"] })).not.toBe(a);
  });

  it("timing on typical inputs, 8-64 characters (measured, printed)", () => {
    assessPassword("warm-up-the-estimator"); // loads zxcvbn
    clearAssessCache();
    const shapes: [string, () => string][] = [
      ["random 8", () => randomPassword(8)],
      ["random 12", () => randomPassword(12)],
      ["random 20", () => randomPassword(20)],
      ["random 32", () => randomPassword(32)],
      ["random 64", () => randomPassword(64)],
      ["alnum 16", () => randomPassword(16, LOWER + UPPER + DIGITS)],
      ["word+digits", () => `Summer${randomInt(1000, 9999)}!`],
      ["passphrase", () => `correct-horse-${randomInt(100000)}-staple`],
    ];
    const lines: string[] = [];
    let worstMedian = 0;
    for (const [name, make] of shapes) {
      const inputs = Array.from({ length: 15 }, make);
      const times = inputs.map((p) => {
        const t0 = performance.now();
        assessPassword(p);
        return performance.now() - t0;
      });
      times.sort((x, y) => x - y);
      const median = times[Math.floor(times.length / 2)] ?? 0;
      const max = times[times.length - 1] ?? 0;
      worstMedian = Math.max(worstMedian, median);
      const t0 = performance.now();
      for (const p of inputs) assessPassword(p);
      const hit = (performance.now() - t0) / inputs.length;
      lines.push(
        `${name.padEnd(12)} miss median ${median.toFixed(2)} ms, max ${max.toFixed(2)} ms; hit ${(hit * 1000).toFixed(1)} µs`,
      );
    }
    console.log(`[secrets] assessPassword per call:\n  ${lines.join("\n  ")}`);
    // Loose bound, only to catch a pathological regression.
    expect(worstMedian).toBeLessThan(250);
  });
});
