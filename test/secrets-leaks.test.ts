/**
 * The ground rule: a secret never leaves the process in clear, not in results meant for
 * reports, not in errors. These tests feed secrets to every public function of the module, in
 * valid and invalid shapes, and check that neither results nor error messages carry them.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as secrets from "../src/secrets/index.js";

const SECRET = "Zq7-very-secret-7qZ";

/** Runs `fn`; if it throws, the message and stack must not contain `secret`. */
function expectNoLeakInError(fn: () => unknown, secret: string): void {
  try {
    fn();
  } catch (err) {
    const e = err as Error;
    expect(String(e.message)).not.toContain(secret);
    expect(String(e.stack)).not.toContain(secret);
    expect(String(e)).not.toContain(secret);
  }
}

/** Values that are not strings but stringify to the secret: a careless `${x}` would leak. */
const disguised = (secret: string): unknown[] => [
  { toString: () => secret },
  [secret],
  { password: secret },
  Object.assign(Object.create(null), { toJSON: () => secret }),
];

describe("no secret in errors", () => {
  it("TypeErrors name the parameter and the type, never the value", () => {
    for (const bad of disguised(SECRET)) {
      const b = bad as string;
      expect(() => secrets.assessPassword(b)).toThrow(TypeError);
      expect(() => secrets.md5Crypt(b, "salt")).toThrow(TypeError);
      expect(() => secrets.md5Crypt("pw", b)).toThrow(TypeError);
      expect(() => secrets.verifyCrypt(b, "$1$abc$Or2rbeUYTvt12aiVzMuS/.")).toThrow(TypeError);
      expect(() => secrets.fingerprintSecret(b)).toThrow(TypeError);
      expect(() => secrets.isDefaultPassword(b)).toThrow(TypeError);
      expect(() => secrets.hashScheme(b)).toThrow(TypeError);
      expect(() => secrets.shadowPasswordState(b)).toThrow(TypeError);
      expect(() => secrets.assessPassword("pw", { userInputs: [b] })).toThrow(TypeError);

      expectNoLeakInError(() => secrets.assessPassword(b), SECRET);
      expectNoLeakInError(() => secrets.assessPassword("pw", { userInputs: [b] }), SECRET);
      expectNoLeakInError(() => secrets.md5Crypt(b, "salt"), SECRET);
      expectNoLeakInError(() => secrets.md5Crypt("pw", b), SECRET);
      expectNoLeakInError(() => secrets.verifyCrypt(b, "$1$abc$Or2rbeUYTvt12aiVzMuS/."), SECRET);
      expectNoLeakInError(() => secrets.fingerprintSecret(b), SECRET);
      expectNoLeakInError(() => secrets.isDefaultPassword(b), SECRET);
      expectNoLeakInError(() => secrets.hashScheme(b), SECRET);
      expectNoLeakInError(() => secrets.shadowPasswordState(b), SECRET);
      expectNoLeakInError(() => secrets.isDefaultHash(b), SECRET);
      expectNoLeakInError(() => secrets.canVerifyCrypt(b), SECRET);
    }
  });

  it("property: no public function throws an error quoting the password or hash it was given", () => {
    const secret = fc.string({ minLength: 6, maxLength: 40 });
    const hashLike = fc.oneof(
      fc.string(),
      fc.string().map((s) => `$1$${s}`),
      fc.string().map((s) => `$6$rounds=${s}`),
      fc.string().map((s) => `$5$${s}$${"A".repeat(43)}`),
    );
    fc.assert(
      fc.property(secret, hashLike, (pw, hash) => {
        const calls: (() => unknown)[] = [
          () => secrets.assessPassword(pw),
          () => secrets.md5Crypt(pw, hash),
          () => secrets.verifyCrypt(pw, hash),
          () => secrets.verifyCrypt(pw, secrets.md5Crypt(pw, "s4lt")),
          () => secrets.fingerprintSecret(pw),
          () => secrets.isDefaultPassword(pw),
          () => secrets.hashScheme(hash),
          () => secrets.shadowPasswordState(hash),
          () => secrets.canVerifyCrypt(hash),
        ];
        for (const call of calls) {
          expectNoLeakInError(call, pw);
          if (hash.length >= 6) expectNoLeakInError(call, hash);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe("no secret in results", () => {
  it("assessments, fingerprints and default-hash verdicts do not carry the secret", () => {
    const q = secrets.assessPassword(SECRET, { userInputs: ["router-1"] });
    expect(JSON.stringify(q)).not.toContain(SECRET);
    expect(Object.keys(q).sort()).toEqual(
      ["digit", "isDefault", "length", "lower", "strength", "symbol", "upper"].sort(),
    );

    const fp = secrets.fingerprintSecret(SECRET);
    expect(fp).not.toContain(SECRET);
    expect(fp).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const verdict = secrets.isDefaultHash(secrets.md5Crypt("amp111", "s4lt"));
    expect(verdict).toBeDefined();
    expect(JSON.stringify(verdict)).not.toContain("amp111");
  });

  it("fingerprints: equal for equal secrets, different otherwise, unrelated to plain SHA-256", async () => {
    const { createHash } = await import("node:crypto");
    const a = secrets.fingerprintSecret(SECRET);
    expect(secrets.fingerprintSecret(SECRET)).toBe(a);
    expect(secrets.fingerprintSecret(`${SECRET} `)).not.toBe(a);
    expect(secrets.fingerprintSecret("")).not.toBe(secrets.fingerprintSecret(" "));
    expect(a).not.toBe(createHash("sha256").update(SECRET).digest("base64url"));
  });
});
