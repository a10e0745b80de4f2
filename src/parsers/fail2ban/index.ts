/**
 * A faithful reader of fail2ban's configuration: see config.ts (files, includes, interpolation),
 * jails.ts (resolved jails), filter.ts (resolved filters), settings.ts (fail2ban.conf) and
 * ignoreip.ts (whitelist entries).
 */
export {
  configFilesFor,
  Fail2banConfig,
  type GetOptions,
  type GetResult,
  INCLUDES_SECTION,
  type ReadOptions,
  readConfig,
  readConfigFiles,
} from "./config.js";
export {
  type FilterDefinition,
  type FilterReadOptions,
  loadFilterDefinition,
  readFilter,
  resolveFilter,
  type ValueLine,
} from "./filter.js";
export { diskFs, memoryFs, overlayFs } from "./fs.js";
export {
  type AddressScope,
  classifyIgnoreIp,
  type IgnoreIpClass,
  type IgnoreIpKind,
} from "./ignoreip.js";
export { DEFAULT_SECTION, type IniFile, type IniOption, type IniSection, parseIni } from "./ini.js";
export {
  type JailAction,
  type JailIgnoreIp,
  type JailLogPath,
  type JailsReadOptions,
  type JailsResult,
  loadJails,
  type OptionsRef,
  type ResolvedJail,
  resolveJails,
} from "./jails.js";
export { LocStr } from "./locstr.js";
export {
  extractOptions,
  parseBool,
  parseDuration,
  parseInteger,
  splitWithOptions,
  splitWords,
} from "./options.js";
export { loadServerSettings, type ServerSettings } from "./settings.js";
export {
  BUILTIN_FILE,
  type ConfigFs,
  type Fail2banDiagnostic,
  type Located,
  type Provenance,
  type Severity,
  toConfigOrigin,
} from "./types.js";
