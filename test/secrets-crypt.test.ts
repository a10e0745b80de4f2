import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canVerifyCrypt,
  hashScheme,
  md5Crypt,
  shadowPasswordState,
  verifyCrypt,
} from "../src/secrets/index.js";
import { md5 } from "../src/secrets/md5.js";

/** Generated on this machine with `openssl passwd -1 -salt SALT -stdin` (OpenSSL 3.0.19). */
const OPENSSL_MD5_VECTORS: [password: string, salt: string, hash: string][] = [
  ["admin01", "o1tYRea4", "$1$o1tYRea4$blIAJ7l1GqkT8NTwcC41n1"],
  ["", "o1tYRea4", "$1$o1tYRea4$OxADqS5WeMXZDtGankpdf."],
  ["password", "o1tYRea4", "$1$o1tYRea4$JSxRF3SteGPMOgxE/IpWm1"],
  ["Correct Horse Battery Staple", "o1tYRea4", "$1$o1tYRea4$S9OP3dQueSaTs6Oj/TQNh0"],
  ["0123456789abcdef0123456789abcdefXYZ", "o1tYRea4", "$1$o1tYRea4$X4SNz/F5.m6XmKqtAucfL0"],
  ["pässwörd", "o1tYRea4", "$1$o1tYRea4$Iti4tXR39IsFDnP8H8l/R1"],
  ["admin01", "saltsalt", "$1$saltsalt$5/gi.wSjMlcofPDKM7kYu."],
  ["Correct Horse Battery Staple", "saltsalt", "$1$saltsalt$42ZCZw6/M7qGErbbcY.Db1"],
  ["pässwörd", "saltsalt", "$1$saltsalt$VReRfkQ8Hs1aayf/oxMkG/"],
  ["admin01", "abc", "$1$abc$3Czy1RZbts8VaR2sTUK3K/"],
  ["", "abc", "$1$abc$Or2rbeUYTvt12aiVzMuS/."],
  ["admin01", "", "$1$$7TMWzcOnbBywPVStYH37y/"],
  ["", "", "$1$$qRPK7m23GJusamGpoGLby/"],
  ["0123456789abcdef0123456789abcdefXYZ", "", "$1$$MGijUA/0e0bU5hdZyrd2b."],
  ["password", "12345678", "$1$12345678$o2n/JiO/h5VviOInWJ4OQ/"],
  ["pässwörd", "12345678", "$1$12345678$mQ1/t.WwP76MO4VquZEL.0"],
  // openssl truncates the salt to 8 characters, as crypt does.
  ["abc", "abcdefghijk", "$1$abcdefgh$Kn5qrjcQzV7oAHBJ23Cu3/"],
];

/** Also from openssl passwd -5 / -6. */
const SHA256_ADMIN01 = "$5$saltsalt$zrcTxQnavwgGlbRpBYrNG9l0tTqr8mdUSlUgcFKsPx.";
const SHA512_ADMIN01 =
  "$6$saltsalt$ZakEZvxWJ3VVsBmt3rPS40IA7tbaRiSJbKIt9AqF0w5nxaMGSs21WEuK9pogbAJGP1C1WDgu9wGElyaBrPosK.";
const SHA512_ROUNDS_HUNTER2 =
  "$6$rounds=1000$abc$43wqGC46ojRcbFJpCMurxe7e3BZz6xuIinQNZWMBi.jDzL1uasHGHU1uUSuYmL/Lc3177/SROIa1T8hsSvPoP/";

const CRYPT_ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const cryptSalt = fc
  .array(fc.constantFrom(...CRYPT_ALPHABET), { maxLength: 8 })
  .map((cs) => cs.join(""));

const hasOpenssl = spawnSync("openssl", ["version"]).status === 0;

describe("md5 (hand-written, used by md5-crypt)", () => {
  it("matches node:crypto on random inputs, across block boundaries", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const expected = createHash("md5").update(data).digest("hex");
        expect(Buffer.from(md5(data)).toString("hex")).toBe(expected);
      }),
      { numRuns: 500 },
    );
    for (const n of [0, 55, 56, 63, 64, 65, 119, 120, 128, 1000]) {
      const data = new Uint8Array(n).fill(0x61);
      expect(Buffer.from(md5(data)).toString("hex")).toBe(
        createHash("md5").update(data).digest("hex"),
      );
    }
  });
});

describe("md5Crypt", () => {
  it.each(OPENSSL_MD5_VECTORS)("matches openssl for %j with salt %j", (password, salt, hash) => {
    expect(md5Crypt(password, salt)).toBe(hash);
  });

  it("accepts the salt bare, with $1$, or as a whole hash, and stops at $", () => {
    const hash = "$1$o1tYRea4$blIAJ7l1GqkT8NTwcC41n1";
    expect(md5Crypt("admin01", "$1$o1tYRea4")).toBe(hash);
    expect(md5Crypt("admin01", hash)).toBe(hash);
    expect(md5Crypt("admin01", "o1tYRea4$anything")).toBe(hash);
  });

  it("never splits a multi-byte character of the salt", () => {
    // 3 × 3 bytes > 8: only two characters (6 bytes) fit.
    expect(md5Crypt("x", "€€€")).toMatch(/^\$1\$€€\$[./0-9A-Za-z]{22}$/);
  });

  it.skipIf(!hasOpenssl)("matches `openssl passwd -1` on random passwords and salts", () => {
    // Passwords are fed on stdin, one a line, so no newline, CR or NUL in them.
    const password = fc
      .string({ unit: "binary", maxLength: 40 })
      .filter((p) => !/[\n\r\0]/.test(p));
    const salts = fc.sample(cryptSalt, { numRuns: 5, seed: 7 });
    for (const salt of salts) {
      const passwords = fc.sample(password, { numRuns: 40, seed: salt.length + 1 });
      const run = spawnSync("openssl", ["passwd", "-1", "-salt", salt, "-stdin"], {
        input: `${passwords.join("\n")}\n`,
        encoding: "utf8",
      });
      expect(run.status).toBe(0);
      const expected = run.stdout.trim().split("\n");
      expect(expected).toHaveLength(passwords.length);
      passwords.forEach((p, i) => {
        expect(md5Crypt(p, salt)).toBe(expected[i]);
      });
    }
  });

  it("costs well under a millisecond (measured)", () => {
    for (let i = 0; i < 50; i++) md5Crypt(`warmup${i}`, "abcdefgh");
    const n = 500;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) md5Crypt(`P@ssw0rd-${i}`, "o1tYRea4");
    const perCall = (performance.now() - t0) / n;
    console.log(`[secrets] md5Crypt: ${(perCall * 1000).toFixed(0)} µs per call (n=${n})`);
    expect(perCall).toBeLessThan(5);
  });
});

describe("verifyCrypt", () => {
  it("verifies md5-crypt, sha256-crypt and sha512-crypt made by openssl", () => {
    for (const [password, , hash] of OPENSSL_MD5_VECTORS) {
      expect(verifyCrypt(password, hash)).toBe(true);
      expect(verifyCrypt(`${password}x`, hash)).toBe(false);
    }
    expect(verifyCrypt("admin01", SHA256_ADMIN01)).toBe(true);
    expect(verifyCrypt("admin02", SHA256_ADMIN01)).toBe(false);
    expect(verifyCrypt("admin01", SHA512_ADMIN01)).toBe(true);
    expect(verifyCrypt("Admin01", SHA512_ADMIN01)).toBe(false);
    expect(verifyCrypt("hunter2", SHA512_ROUNDS_HUNTER2)).toBe(true);
  });

  it("says false for locked, empty, unsupported and over-long-rounds hashes", () => {
    expect(verifyCrypt("admin01", "!$1$o1tYRea4$blIAJ7l1GqkT8NTwcC41n1")).toBe(false);
    expect(verifyCrypt("", "")).toBe(false);
    expect(verifyCrypt("x", "*")).toBe(false);
    expect(verifyCrypt("x", "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy")).toBe(
      false,
    );
    expect(verifyCrypt("x", "abJnggxhB/yWI")).toBe(false); // DES: not supported
    const huge = `$6$rounds=999999999$abc$${"a".repeat(86)}`;
    const t0 = performance.now();
    expect(verifyCrypt("x", huge)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(canVerifyCrypt(huge)).toBe(false);
    expect(canVerifyCrypt(huge, { maxRounds: 1e9 })).toBe(true);
    expect(canVerifyCrypt(SHA512_ROUNDS_HUNTER2)).toBe(true);
    expect(canVerifyCrypt(`$6$rounds=500$abc$${"a".repeat(86)}`)).toBe(false);
  });

  it("property: a hash made by md5Crypt verifies, and only for its password", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 64 }), fc.string(), (password, salt) => {
        const hash = md5Crypt(password, salt);
        expect(verifyCrypt(password, hash)).toBe(true);
        expect(verifyCrypt(`${password}!`, hash)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("property: never throws on garbage hashes", () => {
    const prefixes = fc.constantFrom("", "$1$", "$5$", "$6$", "$6$rounds=", "$2b$", "$y$", "!");
    const garbage = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.tuple(prefixes, fc.string(), fc.constantFrom("", "$"), fc.string()).map((p) => p.join("")),
      fc
        .tuple(fc.constantFrom("$5$", "$6$"), fc.string({ maxLength: 20 }), fc.nat(90))
        .map(([p, s, n]) => `${p}${s}$${"A".repeat(n)}`),
    );
    fc.assert(
      fc.property(fc.string(), garbage, (password, hash) => {
        expect(typeof verifyCrypt(password, hash)).toBe("boolean");
        expect(typeof canVerifyCrypt(hash)).toBe("boolean");
        expect(typeof hashScheme(hash)).toBe("string");
        expect(["empty", "locked", "set"]).toContain(shadowPasswordState(hash));
      }),
      { numRuns: 400 },
    );
    // Not even with values that are not strings at all (JavaScript callers).
    for (const bad of [undefined, null, 42, {}, []]) {
      expect(verifyCrypt("x", bad as unknown as string)).toBe(false);
    }
  });
});

describe("hashScheme and shadowPasswordState", () => {
  it("names the scheme of each shadow hash format", () => {
    expect(hashScheme("$1$o1tYRea4$blIAJ7l1GqkT8NTwcC41n1")).toBe("md5-crypt");
    expect(hashScheme(SHA256_ADMIN01)).toBe("sha256-crypt");
    expect(hashScheme(SHA512_ADMIN01)).toBe("sha512-crypt");
    expect(hashScheme(SHA512_ROUNDS_HUNTER2)).toBe("sha512-crypt");
    for (const v of ["2a", "2b", "2y"]) {
      expect(hashScheme(`$${v}$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy`)).toBe(
        "bcrypt",
      );
    }
    expect(
      hashScheme("$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7"),
    ).toBe("yescrypt");
    expect(hashScheme("abJnggxhB/yWI")).toBe("des-crypt");
    // A lock prefix does not hide the scheme.
    expect(hashScheme("!$1$o1tYRea4$blIAJ7l1GqkT8NTwcC41n1")).toBe("md5-crypt");
    for (const other of ["", "*", "!", "x", "$1$short", "$6$salt$tooshort", "$7$abc", "plain"]) {
      expect(hashScheme(other)).toBe("unknown");
    }
  });

  it("tells empty, locked and set fields apart", () => {
    expect(shadowPasswordState("")).toBe("empty");
    for (const locked of ["!", "!!", "*", "x", "!$1$o1tYRea4$blIAJ7l1GqkT8NTwcC41n1", "*LK*"]) {
      expect(shadowPasswordState(locked)).toBe("locked");
    }
    expect(shadowPasswordState("$1$o1tYRea4$blIAJ7l1GqkT8NTwcC41n1")).toBe("set");
  });
});
