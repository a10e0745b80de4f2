/**
 * Logs to Facts (`facts.observed`): what the watcher sees, as facts the rules judge. The logs of
 * an input's tree (var/log of a root) and the files named with `audit --logs` are read through
 * the watcher's failure filters and access-event detectors, each line dated by its own stamp;
 * brute-force campaigns are measured against the audited fail2ban jails (or fail2ban's stock
 * values), so this runs after the host extractors.
 *
 * When no log is read, `facts.observed` stays unknown: the log rules cannot decide, never pass.
 */
import { emptyFacts } from "../../facts/empty.js";
import type { Facts } from "../../facts/model.js";
import { known, type LogOrigin } from "../../facts/value.js";
import { InputError } from "../../sources/input-error.js";
import type { FileTree } from "../../sources/tree.js";
import { FilterCompileError } from "../../watch/filter/index.js";
import { LogCollector, type LogReadOptions } from "./collector.js";
import { kindOfPath } from "./kinds.js";
import { logsInTree, readLogFile, readLogText } from "./read.js";

export type { LogReadOptions } from "./collector.js";
export { kindOfPath, type LogKind } from "./kinds.js";

export interface LogInputs extends LogReadOptions {
  /** Log files named by the user (`audit --logs`), read after those of the tree. */
  files?: readonly string[];
}

/**
 * Reads the logs of `tree` (if given) and `inputs.files` into `facts.observed`, and lists them in
 * `facts.sources`. Throws InputError for a named file that cannot be read or an unknown time zone.
 */
export function extractLogFacts(
  tree: FileTree | undefined,
  facts: Facts,
  inputs: LogInputs = {},
): void {
  const inTree = tree ? logsInTree(tree, facts.diagnostics) : [];
  const files = inputs.files ?? [];
  if (inTree.length === 0 && files.length === 0) return;
  let collector: LogCollector;
  try {
    collector = new LogCollector(inputs);
  } catch (e) {
    if (e instanceof FilterCompileError) throw new InputError(e.reason, "--timezone");
    throw e;
  }
  const read: LogOrigin[] = [];
  for (const log of inTree) {
    const text = tree?.read(log.path);
    if (text === undefined || !tree) continue;
    const file = tree.display(log.path);
    readLogText(text, file, collector.open(file, log.kind));
    read.push({ kind: "log", file });
    facts.sources.push({ path: file, format: `log (${log.kind})`, status: "ok" });
  }
  for (const file of files) {
    const kind = kindOfPath(file);
    readLogFile(file, collector.open(file, kind));
    read.push({ kind: "log", file });
    facts.sources.push({ path: file, format: `log (${kind})`, status: "ok" });
  }
  facts.observed = known(collector.finish(facts), ...read);
}

/** Facts of logs alone (`audit --logs FILE` without a PATH): a target of kind "log". */
export function logOnlyFacts(name: string, inputs: LogInputs): Facts {
  const facts = emptyFacts({ name, kind: "log" });
  extractLogFacts(undefined, facts, inputs);
  return facts;
}
