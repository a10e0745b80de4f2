/**
 * Factory and sample credentials of the devices Bulwark covers (data/default-credentials.json),
 * and the check of a crypt hash against them.
 *
 * The list is public knowledge, so holding it in memory is fine; but what we find is still
 * reported without the password: isDefaultHash names the vendor, product and user, not the
 * password.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { canVerifyCrypt, type VerifyOptions, verifyCrypt } from "./crypt.js";
import { BoundedCache, keyedDigest, requireString } from "./keyed.js";

export interface DefaultCredential {
  vendor: string;
  product: string;
  /** null when the password is not tied to one account (PINs, generic lists). */
  username: string | null;
  password: string;
  /** Where the default is documented, and how sure we are. */
  source: string;
  /**
   * The logins a scan may try this default on (`--try-default-credentials`); absent: never sent
   * to a device, only compared with stored hashes.
   */
  services?: readonly DefaultLoginService[];
  /** Device classes the tries are limited to; absent: any. */
  classes?: readonly string[];
}

/** Logins a scan knows how to try a default on. */
export const DEFAULT_LOGIN_SERVICES = ["ssh", "telnet", "http-basic", "luci", "rutos"] as const;
export type DefaultLoginService = (typeof DEFAULT_LOGIN_SERVICES)[number];

/** What isDefaultHash reports: whose default it is, never the password. */
export interface DefaultHashMatch {
  vendor: string;
  product: string;
  username?: string;
}

/** Same folder depth from src/secrets and dist/secrets, and `data/` ships with the package. */
const DATA_URL = new URL("../../data/default-credentials.json", import.meta.url);

let credentials: readonly DefaultCredential[] | undefined;
let passwordList: readonly string[] | undefined;
let passwordSet: ReadonlySet<string> | undefined;

function fail(problem: string): never {
  throw new Error(`default credentials (${fileURLToPath(DATA_URL)}): ${problem}`);
}

/** An optional list of strings (the 'services' and 'classes' fields). */
function optionalList(v: unknown, i: number, field: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
    fail(`entry ${i}: '${field}' must be a list of strings`);
  return v as string[];
}

/** Parses and checks the data file. Errors name the entry by index and field, not its values. */
export function parseDefaultCredentials(json: unknown): DefaultCredential[] {
  if (typeof json !== "object" || json === null || !("credentials" in json)) {
    fail("expected an object with a 'credentials' array");
  }
  const list = (json as { credentials: unknown }).credentials;
  if (!Array.isArray(list)) fail("'credentials' must be an array");
  return list.map((entry: unknown, i): DefaultCredential => {
    if (typeof entry !== "object" || entry === null) fail(`entry ${i} is not an object`);
    const e = entry as Record<string, unknown>;
    for (const field of ["vendor", "product", "password", "source"] as const) {
      if (typeof e[field] !== "string") fail(`entry ${i}: '${field}' must be a string`);
    }
    if (e.username !== null && typeof e.username !== "string") {
      fail(`entry ${i}: 'username' must be a string or null`);
    }
    const services = optionalList(e.services, i, "services");
    if (services?.some((x) => !(DEFAULT_LOGIN_SERVICES as readonly string[]).includes(x)))
      fail(`entry ${i}: 'services' may hold only ${DEFAULT_LOGIN_SERVICES.join(", ")}`);
    const classes = optionalList(e.classes, i, "classes");
    return Object.freeze({
      vendor: e.vendor as string,
      product: e.product as string,
      username: e.username as string | null,
      password: e.password as string,
      source: e.source as string,
      ...(services ? { services: Object.freeze(services as DefaultLoginService[]) } : {}),
      ...(classes ? { classes: Object.freeze(classes) } : {}),
    });
  });
}

/** All entries of data/default-credentials.json, in file order (loaded once, on first use). */
export function defaultCredentials(): readonly DefaultCredential[] {
  if (!credentials) {
    let text: string;
    try {
      text = readFileSync(DATA_URL, "utf8");
    } catch (err) {
      fail(`cannot read (${(err as NodeJS.ErrnoException).code ?? "error"})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      fail("not valid JSON");
    }
    credentials = Object.freeze(parseDefaultCredentials(json));
  }
  return credentials;
}

/** The distinct default passwords, in file order (the empty password included). */
export function defaultPasswords(): readonly string[] {
  if (!passwordList) {
    passwordList = Object.freeze([...new Set(defaultCredentials().map((c) => c.password))]);
  }
  return passwordList;
}

/** Whether `plain` is exactly (case-sensitively) one of the default passwords. */
export function isDefaultPassword(plain: string): boolean {
  requireString(plain, "isDefaultPassword", "password");
  passwordSet ??= new Set(defaultPasswords());
  return passwordSet.has(plain);
}

export interface DefaultHashOptions extends VerifyOptions {
  /**
   * The account the hash belongs to. Entries for that username are tried first, and preferred
   * when one password is the default of several entries (e.g. Teltonika's admin01 is both the
   * root and the web admin default; "admin" is the default of many vendors).
   */
  username?: string;
  /** The device's vendor as in the data file (case-insensitive); preferred like `username`. */
  vendor?: string;
  /**
   * Try at most this many distinct passwords, likeliest first (see `username`, `vendor`). For
   * sha-crypt, where each try costs ~15 ms, e.g. `{ username: "root", vendor, maxTries: 6 }`
   * bounds the cost of a miss. A miss cut short this way is not cached.
   */
  maxTries?: number;
}

/** Entries in the order to try: vendor and username matches first, file order otherwise. */
function candidates(opts: DefaultHashOptions): readonly DefaultCredential[] {
  const all = defaultCredentials();
  if (opts.username === undefined && opts.vendor === undefined) return all;
  const vendor = opts.vendor?.toLowerCase();
  const rank = (c: DefaultCredential) =>
    (vendor !== undefined && c.vendor.toLowerCase() === vendor ? 2 : 0) +
    (opts.username !== undefined && c.username === opts.username ? 1 : 0);
  // Array.prototype.sort is stable, so file order is kept within a rank.
  return [...all].sort((a, b) => rank(b) - rank(a));
}

/**
 * The same factory hash turns up in many backups: remember the verdict (the matching default, or
 * null for none), keyed by a keyed digest of the hash and the search's bounds.
 */
const hashCache = new BoundedCache<DefaultHashMatch | null>(4096);

/**
 * Whether a crypt hash is the hash of a known default password: each distinct default password
 * is tried with verifyCrypt (md5-crypt, sha256/sha512-crypt). Returns the vendor, product and
 * username of the matching entry (the best match for `opts.vendor`/`opts.username` when several
 * entries share the password), or undefined when none matches or the scheme cannot be verified
 * here (bcrypt, yescrypt, DES; see canVerifyCrypt). Never throws on a bad hash.
 *
 * Cost: a hit on a likely entry is one or two tries; a miss tries every distinct default
 * password (28 at present): ~10-15 ms for md5-crypt, but ~0.4-0.6 s for sha512-crypt at the
 * default 5,000 rounds (unixcrypt needs ~15 ms per try; see `maxTries`). Verdicts are cached per
 * process by a keyed digest of the hash (not the hash itself), whatever the hints, so a factory
 * hash seen in many backups is checked once.
 */
export function isDefaultHash(
  hash: string,
  opts: DefaultHashOptions = {},
): DefaultHashMatch | undefined {
  if (typeof hash !== "string" || !canVerifyCrypt(hash, opts)) return undefined;
  // The verdict depends on the hash and on the search's bounds and order (user, vendor, tries).
  // A bounded search that missed is remembered under its bounds too: the same unique hash recurs
  // in every run over a fleet, and would otherwise cost its tries again each time.
  const bounded = opts.maxTries !== undefined;
  const key = keyedDigest(
    bounded ? "hash-cache-bounded" : "hash-cache",
    hash,
    opts.username ?? "",
    opts.vendor ?? "",
    String(opts.maxTries ?? ""),
  );
  const cached = hashCache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  let match: DefaultHashMatch | undefined;
  let complete = true;
  // Try the passwords of the likeliest entries first: a hit then costs one or two tries.
  const tried = new Set<string>();
  for (const entry of candidates(opts)) {
    if (tried.has(entry.password)) continue;
    if (bounded && tried.size >= (opts.maxTries as number)) {
      complete = false;
      break;
    }
    tried.add(entry.password);
    if (verifyCrypt(entry.password, hash, opts)) {
      const m: DefaultHashMatch = { vendor: entry.vendor, product: entry.product };
      if (entry.username !== null) m.username = entry.username;
      match = Object.freeze(m);
      break;
    }
  }
  if (match || complete || bounded) hashCache.set(key, match ?? null);
  return match;
}

/** Forget cached verdicts (tests, long-running processes). */
export function clearDefaultHashCache(): void {
  hashCache.clear();
}
