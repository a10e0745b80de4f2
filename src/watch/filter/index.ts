/**
 * fail2ban-compatible filters for `bulwark watch`: a filter definition (a fail2ban filter file
 * read by src/parsers/fail2ban, or a built-in detector) compiled into a matcher over log lines.
 *
 *   const sshd = loadFilter("sshd", { mode: "aggressive", timezone: "Europe/Zurich" });
 *   for (const r of sshd.process({ text, source: "/var/log/auth.log" })) ...
 *
 * engine.ts is the port of fail2ban's Filter (dates, prefregex, failregex, ignoreregex,
 * maxlines, multi-line failure ids); compile.ts the public wrapper and its limits; load.ts the
 * loading by name or path; builtin/ the detectors; samples.ts the runner of fail2ban's annotated
 * sample logs.
 */
export { BUILTIN_DETECTORS, type BuiltinDetector } from "./builtin/index.js";
export {
  type CompiledFilter,
  type CompileOptions,
  compileFilter,
  DEFAULT_MAX_LINE_LENGTH,
  type Fail2banMatch,
  type Fail2banResult,
  FilterCompileError,
  type LineVerdict,
  resolveTimeZone,
} from "./compile.js";
export type { FailData, RawFailure } from "./engine.js";
export {
  builtinNames,
  type LoadedFilter,
  type LoadOptions,
  loadFilter,
  readFilterDefinition,
} from "./load.js";
export { runSamples, type SampleReport, TEST_NOW, TEST_ZONE } from "./samples.js";
export { isoInZone } from "./timezone.js";
