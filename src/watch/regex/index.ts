/**
 * Python `re` patterns as JavaScript RegExps: see translate.ts for what is translated how, what
 * is refused, and the differences left; safety.ts for the catastrophic-backtracking check.
 */
export { FLAG, MAXREPEAT } from "./ast.js";
export { PyRegexError, type RegexErrorKind } from "./errors.js";
export { parsePython } from "./parse.js";
export { matchFilter, requiredLiterals, startFilter } from "./prefilter.js";
export {
  PyRegExp,
  type RegexWarning,
  type TranslateOptions,
  type Translation,
  translatePython,
} from "./translate.js";
