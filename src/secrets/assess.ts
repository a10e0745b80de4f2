/**
 * Password quality: what Bulwark keeps of a plaintext password found in a configuration.
 *
 * The zxcvbn estimator (@zxcvbn-ts/core with the common dictionaries) is loaded on the first
 * assessment, not on import: its dictionaries take ~80 ms to load and build, which a run that
 * never meets a plaintext password should not pay. It is loaded with require() so that
 * assessPassword can stay synchronous.
 *
 * zxcvbn is slow: measured medians of ~0.3 ms for 8 random characters, ~1 ms for 12, ~8 ms
 * for 20 and 20-35 ms for 32-64 (its l33t matcher tries up to 100 de-l33ted variants of the
 * whole string; secrets-assess.test.ts prints the numbers). The same passwords come back again
 * and again across a fleet (defaults, shared PSKs), so results are cached under an HMAC of the
 * input with a random per-process key (a hit costs a few µs): the cache never holds a
 * plaintext, and its keys cannot be checked against guesses. Unique secrets still pay full
 * price; lowering zxcvbn's l33tMaxSubstitutions would be ~6x faster but rates some l33t-spelled
 * dictionary words ("p4ssw0rd"-like) higher than they deserve, so it is not done.
 */
import { createRequire } from "node:module";
import type { ZxcvbnFactory } from "@zxcvbn-ts/core";
import type { PasswordQuality } from "../facts/model.js";
import { defaultPasswords, isDefaultPassword } from "./defaults.js";
import { BoundedCache, keyedDigest, requireString } from "./keyed.js";

export type PasswordAssessment = Omit<PasswordQuality, "reusedWith">;

export interface AssessOptions {
  /**
   * Words a password should not be built from: usernames, hostname, vendor and model names, the
   * SSID... zxcvbn treats them as a dictionary, so "Teltonika2024" scores low on a Teltonika.
   */
  userInputs?: string[];
}

const require = createRequire(import.meta.url);

/**
 * zxcvbn looks at the first 64 characters only (its default is 256). Its cost grows steeply with
 * length (a random 256-character string takes ~0.3 s), so a crafted configuration could stall
 * an audit. A 64-character prefix strong enough for score 4 makes the whole password strong; a
 * weak prefix can only make us underrate a longer password, the safe direction.
 */
const ZXCVBN_MAX_LENGTH = 64;

let zxcvbn: ZxcvbnFactory | undefined;

/** Builds the zxcvbn estimator once, on first use. */
function estimator(): ZxcvbnFactory {
  if (!zxcvbn) {
    const core = require("@zxcvbn-ts/core") as typeof import("@zxcvbn-ts/core");
    const common =
      require("@zxcvbn-ts/language-common") as typeof import("@zxcvbn-ts/language-common");
    // The vendor defaults join the dictionaries, so a password *built* from one ("admin01!")
    // is also recognised as guessable, not just the exact default.
    const vendorDefaults = [
      ...new Set(
        defaultPasswords()
          .map((p) => p.toLowerCase())
          .filter((p) => p.length > 0),
      ),
    ];
    zxcvbn = new core.ZxcvbnFactory({
      dictionary: { ...common.dictionary, "bulwark-vendor-defaults": vendorDefaults },
      graphs: common.adjacencyGraphs,
      maxLength: ZXCVBN_MAX_LENGTH,
    });
  }
  return zxcvbn;
}

/** Cached assessments, keyed by HMAC(per-process key, password + user inputs). */
const cache = new BoundedCache<PasswordAssessment>(10_000);

const LOWER = /\p{Ll}/u;
const UPPER = /\p{Lu}/u;
const DIGIT = /\p{Nd}/u;
/** Anything that is neither a letter nor a number: punctuation, symbols, spaces. */
const SYMBOL = /[^\p{L}\p{N}]/u;

/**
 * The qualities of a plaintext password, for PasswordQuality (the caller adds `reusedWith`):
 * - length in Unicode code points;
 * - which character classes occur: lower/upper case letters, decimal digits, symbols (anything
 *   not a letter or number, spaces included; letters without case, e.g. CJK, count as none);
 * - strength: the zxcvbn score, 0 (guessable) to 4 (very strong), with the vendor default
 *   passwords added to zxcvbn's dictionaries; a default password always scores 0, as it is the
 *   first thing an attacker tries;
 * - isDefault: the password is exactly one of data/default-credentials.json (case-sensitive).
 *
 * The result holds no part of the password. Throws a TypeError (without the password) only when
 * `plain` is not a string.
 */
export function assessPassword(plain: string, opts: AssessOptions = {}): PasswordAssessment {
  requireString(plain, "assessPassword", "password");
  const userInputs = opts.userInputs ?? [];
  if (!Array.isArray(userInputs) || !userInputs.every((u) => typeof u === "string")) {
    throw new TypeError("assessPassword: userInputs must be an array of strings");
  }
  const key = keyedDigest("assess-cache", plain, ...userInputs);
  const cached = cache.get(key);
  if (cached) return cached;

  const isDefault = isDefaultPassword(plain);
  const score = isDefault ? 0 : estimator().check(plain, userInputs).score;
  const result: PasswordAssessment = Object.freeze({
    length: [...plain].length,
    lower: LOWER.test(plain),
    upper: UPPER.test(plain),
    digit: DIGIT.test(plain),
    symbol: SYMBOL.test(plain),
    strength: score,
    isDefault,
  });
  cache.set(key, result);
  return result;
}

/** Forget cached assessments (tests, long-running processes). */
export function clearAssessCache(): void {
  cache.clear();
}

/**
 * The same qualities as assessPassword, but the costly zxcvbn estimate runs only if and when
 * `strength` is read (many credentials are never judged on strength: a rule that fails a key for
 * being short does not need it). The closure drops the plaintext once the estimate is made.
 * Used by extractors, where an audit of thousands of backups meets thousands of unique secrets.
 */
export function assessPasswordLazily(plain: string, opts: AssessOptions = {}): PasswordAssessment {
  requireString(plain, "assessPasswordLazily", "password");
  const isDefault = isDefaultPassword(plain);
  let pending: string | undefined = plain;
  let score: PasswordAssessment["strength"] | undefined = isDefault ? 0 : undefined;
  const result = {
    length: [...plain].length,
    lower: LOWER.test(plain),
    upper: UPPER.test(plain),
    digit: DIGIT.test(plain),
    symbol: SYMBOL.test(plain),
    isDefault,
  } as PasswordAssessment;
  Object.defineProperty(result, "strength", {
    enumerable: true,
    get(): PasswordAssessment["strength"] {
      if (score === undefined) {
        score = assessPassword(pending as string, opts).strength;
        pending = undefined;
      }
      return score;
    },
  });
  if (isDefault) pending = undefined;
  return Object.freeze(result);
}
