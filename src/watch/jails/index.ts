/**
 * Jails for `bulwark watch`: failures counted per address within findtime, bans (with fail2ban's
 * bantime.increment and recidive), ignore and protect lists, unban on expiry, and the actions that
 * make a ban real (nftables, ipset, fail2ban-client, dry run).
 */
export * from "./actions/index.js";
export { type BanKey, banKey, type KeyKind, normalizeAddress } from "./addr.js";
export {
  jailSpecFromResolved,
  type SpecFromJailOptions,
  type SpecFromJailResult,
} from "./config.js";
export {
  createJailEngine,
  type IgnoreReason,
  type JailBan,
  JailEngine,
  type JailEngineOptions,
  type JailEvent,
  type JailSpec,
  type JailStats,
  type ObserveResult,
} from "./engine.js";
export { type FailureEntry, FailureTable, roundHalfEven } from "./failures.js";
export { type Expiry, ExpiryHeap } from "./heap.js";
export { type ActiveBan, type BanHistory, MemoryBanHistory, type PastBan } from "./history.js";
export {
  AddressSet,
  buildAddressSet,
  defaultLookup,
  type LookupFn,
  lookupWithTimeout,
  selfAddresses,
  sshPeerAddresses,
} from "./ignore.js";
export {
  type BantimeIncrement,
  compileIncrement,
  compilePythonExpr,
  DEFAULT_FORMULA,
  evalFactor,
  failureWeight,
} from "./increment.js";
