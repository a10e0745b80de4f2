/**
 * Secrets: everything Bulwark does with passwords, PSKs and password hashes. A secret never
 * leaves the process in clear: these functions return qualities, verdicts and keyed
 * fingerprints, never the secret, and their errors never quote one.
 */
export {
  type AssessOptions,
  assessPassword,
  assessPasswordLazily,
  clearAssessCache,
  type PasswordAssessment,
} from "./assess.js";
export {
  canVerifyCrypt,
  DEFAULT_MAX_SHA_ROUNDS,
  hashScheme,
  md5Crypt,
  shadowPasswordState,
  type VerifyOptions,
  verifyCrypt,
} from "./crypt.js";
export {
  clearDefaultHashCache,
  type DefaultCredential,
  type DefaultHashMatch,
  type DefaultHashOptions,
  defaultCredentials,
  defaultPasswords,
  isDefaultHash,
  isDefaultPassword,
} from "./defaults.js";
export { fingerprintSecret } from "./keyed.js";
