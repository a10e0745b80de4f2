/** The watcher's state across restarts: bans, ban counts, the ban log and the seen-set. */
export { MemorySeenSet, type SeenRecord, type SeenSet } from "./seen.js";
export {
  type BanSummary,
  openWatchStore,
  SCHEMA_VERSION,
  WatchStore,
  type WatchStoreOptions,
} from "./store.js";
