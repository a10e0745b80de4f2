/** Asterisk configuration parser: see parse.ts for the dialect and its Asterisk quirks. */
export { expandGlob } from "./glob.js";
export type { AsteriskParseOptions } from "./parse.js";
export { MAX_INCLUDE_LEVEL, parseAsteriskConfig, parseAsteriskText } from "./parse.js";
export type { SectionFilter } from "./query.js";
export {
  get,
  getAll,
  getAllEntries,
  getEntry,
  hasErrors,
  sectionsNamed,
  sectionsWhere,
} from "./query.js";
export type { ConfigSource } from "./source.js";
export {
  diskSource,
  joinPath,
  memorySource,
  mountedSource,
  normalizePath,
} from "./source.js";
export type * from "./types.js";
