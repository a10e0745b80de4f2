/**
 * Unix crypt(3) hashes as found in /etc/shadow: which scheme a field uses, whether it holds a
 * password at all, md5-crypt (by hand) and verification of md5/sha256/sha512-crypt.
 *
 * Strings are hashed as UTF-8, as glibc does with the bytes it is given. Nothing here logs, and
 * no error message carries a password, salt or hash.
 */
import { timingSafeEqual } from "node:crypto";
import { verify as unixcryptVerify } from "unixcrypt";
import type { HashScheme } from "../facts/model.js";
import { requireString } from "./keyed.js";
import { md5Into, md5PaddedSize } from "./md5.js";

/** The alphabet of crypt's base-64 encoding (not RFC 4648's). */
const ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const MD5_MAGIC = "$1$";
const MD5_SALT_MAX_BYTES = 8;

/**
 * Default bound on sha-crypt `rounds=`. The scheme allows up to 999,999,999 rounds (about an
 * hour in JavaScript); a crafted backup must not stall an audit, so more than this is refused.
 * 5,000 is the default and by far the most common value.
 */
export const DEFAULT_MAX_SHA_ROUNDS = 100_000;

// Shapes of well-formed hashes. Salts may hold any character but `$` (a shadow file cannot
// hold `:` or a line break either, but that is the parser's business).
const MD5_RE = /^\$1\$([^$]{0,8})\$[./0-9A-Za-z]{22}$/;
const SHA_RE = /^\$([56])\$(?:rounds=(\d{1,9})\$)?([^$]{0,16})\$([./0-9A-Za-z]+)$/;
const BCRYPT_RE = /^\$2[abxy]\$\d{2}\$[./0-9A-Za-z]{53}$/;
const YESCRYPT_RE = /^\$y\$[./0-9A-Za-z]+\$[./0-9A-Za-z]*\$[./0-9A-Za-z]+$/;
const DES_RE = /^[./0-9A-Za-z]{13}$/;

/** The scheme of an exact hash string (no lock prefix), or "unknown". */
function schemeOf(hash: string): HashScheme {
  if (MD5_RE.test(hash)) return "md5-crypt";
  const sha = SHA_RE.exec(hash);
  if (sha) {
    const [, id, , , digest] = sha;
    if (id === "5" && digest?.length === 43) return "sha256-crypt";
    if (id === "6" && digest?.length === 86) return "sha512-crypt";
    return "unknown";
  }
  if (BCRYPT_RE.test(hash)) return "bcrypt";
  if (YESCRYPT_RE.test(hash)) return "yescrypt";
  if (DES_RE.test(hash)) return "des-crypt";
  return "unknown";
}

/**
 * The hashing scheme of a shadow password field: `$1$` md5-crypt, `$5$` sha256-crypt, `$6$`
 * sha512-crypt, `$2a$`/`$2b$`/`$2x$`/`$2y$` bcrypt, `$y$` yescrypt, 13 characters of the crypt
 * alphabet DES crypt. A leading `!` (how `passwd -l` locks an account) is skipped, so a locked
 * account still reports the scheme of its hash. A field whose prefix is known but whose shape is
 * not (wrong length, bad characters) is "unknown": no password can verify against it.
 */
export function hashScheme(hash: string): HashScheme {
  requireString(hash, "hashScheme", "hash");
  return schemeOf(hash.replace(/^!+/, ""));
}

/**
 * What a shadow password field says about the account: "empty" (no password: anyone may log
 * in where empty passwords are allowed), "locked" (starts with `!` or `*`, or is `x`: no
 * password login), otherwise "set".
 */
export function shadowPasswordState(field: string): "empty" | "locked" | "set" {
  requireString(field, "shadowPasswordState", "field");
  if (field === "") return "empty";
  if (field === "x" || field.startsWith("!") || field.startsWith("*")) return "locked";
  return "set";
}

/**
 * The md5-crypt salt taken from `salt` as glibc takes it: an optional leading `$1$` is skipped,
 * the salt ends at the next `$`, and at most 8 bytes are used. Unlike glibc we never cut a
 * multi-byte character in half (we keep fewer bytes instead), so the salt in the result is
 * always valid text and the result always verifies against itself.
 */
function md5SaltOf(salt: string): string {
  let s = salt.startsWith(MD5_MAGIC) ? salt.slice(MD5_MAGIC.length) : salt;
  const dollar = s.indexOf("$");
  if (dollar >= 0) s = s.slice(0, dollar);
  let out = "";
  let bytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch, "utf8");
    if (bytes + n > MD5_SALT_MAX_BYTES) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** `n` crypt-base-64 characters of `v`, least significant 6 bits first. */
function to64(v: number, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) {
    out += ITOA64[v & 0x3f];
    v >>>= 6;
  }
  return out;
}

/**
 * The 16-byte md5-crypt digest of password `pw` with salt `salt` (both raw bytes), following
 * Poul-Henning Kamp's FreeBSD crypt-md5.c, which glibc, busybox and OpenSSL reproduce.
 */
function md5CryptDigest(pw: Uint8Array, salt: Uint8Array): Uint8Array {
  const magic = Buffer.from(MD5_MAGIC, "latin1");
  const final = new Uint8Array(16);

  // "Alternate" sum: MD5(pw + salt + pw).
  const altLen = pw.length * 2 + salt.length;
  const alt = new Uint8Array(md5PaddedSize(altLen));
  alt.set(pw, 0);
  alt.set(salt, pw.length);
  alt.set(pw, pw.length + salt.length);
  md5Into(alt, altLen, final);
  alt.fill(0);

  // Main context: pw + magic + salt, then len(pw) bytes of the alternate sum (repeated in
  // 16-byte pieces), then one byte per bit of len(pw), from the lowest bit up: a NUL for a 1
  // bit, the first byte of pw for a 0 bit. (The NUL comes from the C code, which clears
  // `final` before this loop and then feeds final[0].)
  let bitBytes = 0;
  for (let i = pw.length; i > 0; i >>>= 1) bitBytes++;
  const mainLen = pw.length + magic.length + salt.length + pw.length + bitBytes;
  const main = new Uint8Array(md5PaddedSize(mainLen));
  let o = 0;
  main.set(pw, o);
  o += pw.length;
  main.set(magic, o);
  o += magic.length;
  main.set(salt, o);
  o += salt.length;
  for (let left = pw.length; left > 0; left -= 16) {
    main.set(final.subarray(0, Math.min(left, 16)), o);
    o += Math.min(left, 16);
  }
  for (let i = pw.length; i > 0; i >>>= 1) {
    main[o++] = i & 1 ? 0 : (pw[0] as number);
  }
  md5Into(main, mainLen, final);
  main.fill(0);

  // 1,000 rounds "to slow things down": each round hashes, in order,
  //   (odd round ? pw : previous digest), salt unless round % 3 == 0,
  //   pw unless round % 7 == 0, (odd round ? previous digest : pw).
  const scratch = new Uint8Array(md5PaddedSize(2 * pw.length + salt.length + 16));
  for (let round = 0; round < 1000; round++) {
    o = 0;
    if (round & 1) {
      scratch.set(pw, o);
      o += pw.length;
    } else {
      scratch.set(final, o);
      o += 16;
    }
    if (round % 3 !== 0) {
      scratch.set(salt, o);
      o += salt.length;
    }
    if (round % 7 !== 0) {
      scratch.set(pw, o);
      o += pw.length;
    }
    if (round & 1) {
      scratch.set(final, o);
      o += 16;
    } else {
      scratch.set(pw, o);
      o += pw.length;
    }
    md5Into(scratch, o, final);
  }
  scratch.fill(0);
  return final;
}

/** crypt-base-64 of the md5-crypt digest, with crypt-md5.c's byte order (22 characters). */
function encodeMd5Digest(f: Uint8Array): string {
  const b = (i: number) => f[i] as number;
  return (
    to64((b(0) << 16) | (b(6) << 8) | b(12), 4) +
    to64((b(1) << 16) | (b(7) << 8) | b(13), 4) +
    to64((b(2) << 16) | (b(8) << 8) | b(14), 4) +
    to64((b(3) << 16) | (b(9) << 8) | b(15), 4) +
    to64((b(4) << 16) | (b(10) << 8) | b(5), 4) +
    to64(b(11), 2)
  );
}

/**
 * md5-crypt (`$1$`), the FreeBSD/Linux MD5-based crypt(3): returns `$1$<salt>$<22 chars>`,
 * identical to `openssl passwd -1 -salt <salt> <password>` for salts of the crypt alphabet.
 * `salt` may be a bare salt, `$1$salt`, or a whole md5-crypt hash; see md5SaltOf for how it
 * is cut. Throws only a TypeError for non-string arguments.
 */
export function md5Crypt(password: string, salt: string): string {
  requireString(password, "md5Crypt", "password");
  requireString(salt, "md5Crypt", "salt");
  const saltText = md5SaltOf(salt);
  const pw = Buffer.from(password, "utf8");
  try {
    const digest = md5CryptDigest(pw, Buffer.from(saltText, "utf8"));
    const encoded = encodeMd5Digest(digest);
    digest.fill(0);
    return `${MD5_MAGIC}${saltText}$${encoded}`;
  } finally {
    pw.fill(0);
  }
}

/** Constant-time string equality (the length is not secret: it follows from the scheme). */
function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  if (x.length !== y.length) return false;
  return timingSafeEqual(x, y);
}

export interface VerifyOptions {
  /** Refuse sha-crypt hashes with more rounds than this (default DEFAULT_MAX_SHA_ROUNDS). */
  maxRounds?: number;
}

/**
 * Whether verifyCrypt can decide for this hash: a well-formed md5-crypt, or sha256/sha512-crypt
 * within the rounds bound. Other schemes (bcrypt, yescrypt, DES) cannot be checked here, so a
 * false from verifyCrypt proves nothing for them.
 */
export function canVerifyCrypt(hash: string, opts: VerifyOptions = {}): boolean {
  if (typeof hash !== "string") return false;
  const scheme = schemeOf(hash);
  if (scheme === "md5-crypt") return true;
  if (scheme !== "sha256-crypt" && scheme !== "sha512-crypt") return false;
  const sha = SHA_RE.exec(hash);
  const salt = sha?.[3] ?? "";
  // unixcrypt accepts only salts of the crypt alphabet.
  if (!/^[./0-9A-Za-z]*$/.test(salt)) return false;
  const rounds = sha?.[2];
  if (rounds === undefined) return true;
  const n = Number(rounds);
  // glibc never writes rounds below 1000 or with leading zeros; such a hash cannot verify.
  return n >= 1000 && String(n) === rounds && n <= (opts.maxRounds ?? DEFAULT_MAX_SHA_ROUNDS);
}

/**
 * Whether `password` matches the crypt hash `hash`: md5-crypt (this module's md5Crypt),
 * sha256/sha512-crypt (unixcrypt's verify). Anything else, including locked (`!...`), malformed
 * or unsupported hashes and sha-crypt beyond the rounds bound, gives false. Never throws on a
 * bad hash; throws a TypeError only when `password` is not a string. Comparisons are
 * constant-time.
 */
export function verifyCrypt(password: string, hash: string, opts: VerifyOptions = {}): boolean {
  requireString(password, "verifyCrypt", "password");
  if (!canVerifyCrypt(hash, opts)) return false;
  try {
    const scheme = schemeOf(hash);
    if (scheme === "md5-crypt") {
      const salt = MD5_RE.exec(hash)?.[1] ?? "";
      return constantTimeEqual(md5Crypt(password, salt), hash);
    }
    // sha256/sha512-crypt: unixcrypt recomputes with the hash's salt and rounds and compares
    // with timingSafeEqual (which throws on a length mismatch: caught below).
    return unixcryptVerify(password, hash);
  } catch {
    return false;
  }
}
