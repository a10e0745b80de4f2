/** Transport security a scan sees: TLS versions, certificates and suites; SSH algorithms. */
import type { Rule } from "../types.js";
import { httpBasicAuthPlain } from "./http-basic-auth-plain.js";
import { sshWeakAlgorithms } from "./ssh-weak-algorithms.js";
import { tlsCertificate } from "./tls-certificate.js";
import { tlsLegacyVersions } from "./tls-legacy-versions.js";
import { tlsWeakCiphers } from "./tls-weak-ciphers.js";

export const TRANSPORT_RULES: readonly Rule[] = [
  tlsLegacyVersions,
  tlsCertificate,
  tlsWeakCiphers,
  sshWeakAlgorithms,
  httpBasicAuthPlain,
];
