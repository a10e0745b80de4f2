/**
 * Password quality: what Bulwark keeps of a plaintext password found in a configuration.
 *
 * The zxcvbn estimator (@zxcvbn-ts/core with the common dictionaries) is loaded on the first
 * assessment, not on import: its dictionaries take ~80 ms to load and build, which a run that
 * never meets a plaintext password should not pay. It is loaded with require() so that
 * assessPassword can stay synchronous.
 *
 * zxcvbn is slow on some inputs (0.1 to 30 ms a call, see the test's measurement; its l33t
 * matcher dominates), and the same passwords come back again and again across a fleet, so
 * results are cached under an HMAC of the input with a random per-process key: the cache never
 * holds a plaintext, and its keys cannot be checked against guesses.
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

let zxcvbn: ZxcvbnFactory | undefined;

/** Builds the zxcvbn estimator once, on first use. */
function estimator(): ZxcvbnFactory {
  if (!zxcvbn) {
    const core = require("@zxcvbn-ts/core") as typeof import("@zxcvbn-ts/core");
    const common = require("@zxcvbn-ts/language-common") as typeof import(
      "@zxcvbn-ts/language-common"
    );
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
