/**
 * Shared types of the fail2ban configuration reader.
 *
 * Paths are relative to the configuration root (`/etc/fail2ban` on a device), in POSIX form:
 * `jail.conf`, `jail.d/wazo.conf`, `filter.d/sshd.conf`.
 */

import type { ConfigOrigin } from "../../facts/value.js";

/** Where a piece of configuration text was written: a file and a 1-based line. */
export interface Provenance {
  file: string;
  /** 1-based; 0 only for values fail2ban itself supplies (see {@link BUILTIN_FILE}). */
  line: number;
}

/** The pseudo file of values that fail2ban adds itself (`fail2ban_version`, `fail2ban_confpath`...). */
export const BUILTIN_FILE = "<fail2ban>";

export type Severity = "error" | "warning" | "info";

/**
 * A located problem. `error`: fail2ban itself would refuse the file, the jail or the value.
 * `warning`: fail2ban accepts it, but probably not as the author meant (or it logs a warning).
 * `info`: worth knowing, harmless.
 */
export interface Fail2banDiagnostic {
  severity: Severity;
  file: string;
  /** 1-based line; 0 when the problem concerns a whole file that could not be read. */
  line: number;
  message: string;
}

/** Read access to a configuration tree, by paths relative to its root. */
export interface ConfigFs {
  /** The text of a regular file, or undefined when there is none (missing, directory, outside). */
  read(path: string): string | undefined;
  /** The names (not paths) of the entries of a directory; empty when there is none. */
  list(dir: string): string[];
}

/** A resolved value with the place it is set and the places its text comes from. */
export interface Located<T> {
  value: T;
  /** The text after interpolation, before conversion to `value`. */
  text: string;
  /** Where the option is set: the line of its key (in the last file that set it). */
  at: Provenance;
  /**
   * Every place the resolved text was taken from, in order of appearance, without repeats: the
   * option itself first, then each interpolated variable (`%(sshd_log)s` → paths-common.conf...).
   */
  sources: Provenance[];
}

/**
 * The project's fact origin for a fail2ban value. `root` is where the tree sits on the device
 * (e.g. `/etc/fail2ban`) and prefixes the relative path; values fail2ban supplies itself are
 * marked `implied`.
 */
export function toConfigOrigin(at: Provenance, root = ""): ConfigOrigin {
  if (at.file === BUILTIN_FILE) return { kind: "config", file: at.file, implied: true };
  const file = root ? `${root.replace(/\/+$/, "")}/${at.file}` : at.file;
  return at.line > 0 ? { kind: "config", file, line: at.line } : { kind: "config", file };
}
