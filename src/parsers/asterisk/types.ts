/**
 * The parsed form of an Asterisk configuration (one top-level file such as `pjsip.conf` with
 * everything it `#include`s), as Asterisk's own loader (main/config.c) builds it. Every section
 * and every value carries the file and line it was written on, so a finding can point at it.
 *
 * Paths are relative to the root of the configuration source, POSIX style, without a leading
 * slash: `etc/asterisk/pjsip.conf`, `etc/asterisk/pjsip.d/01-wazo.conf`.
 */

/** A place in a file: root-relative path and 1-based line. */
export interface AsteriskLocation {
  file: string;
  line: number;
}

export interface AsteriskEntry {
  /** The option name as written (Asterisk compares names case-insensitively). */
  key: string;
  /** The value with surrounding blanks removed and `\;` turned into `;`. May be empty. */
  value: string;
  /** Where the value was written. For an inherited entry, that is the template's line. */
  file: string;
  line: number;
  /** Written `key => value` (Asterisk's "object" syntax) rather than `key = value`. */
  objectSyntax: boolean;
  /** Copied in from a template named in the section header, not written in the section. */
  inherited: boolean;
  /** The section the entry was copied from, when inherited. */
  inheritedFrom?: string;
  /** Lines of `key += more` that appended to this value, in order. */
  appended?: AsteriskLocation[];
}

export interface AsteriskSection {
  /** As written between the brackets (Asterisk compares names case-insensitively). */
  name: string;
  /**
   * The sections whose entries were copied into this one, in header order (`[a](t1,t2)` gives
   * `["t1", "t2"]`). Only templates that were found; a missing one is a diagnostic instead.
   */
  templates: string[];
  /** Declared with `(!)`: a template. Asterisk's modules never see templates as objects. */
  isTemplate: boolean;
  /** Where the section header is. */
  file: string;
  line: number;
  /**
   * In the order Asterisk holds them: inherited entries first (template by template), then the
   * section's own lines, then those of any `[name](+)` additions.
   */
  entries: AsteriskEntry[];
  /** The `[name](+)` headers that added entries to this section. */
  additions: AsteriskLocation[];
}

export interface AsteriskInclude {
  kind: "include" | "tryinclude";
  /** Where the directive is. */
  file: string;
  line: number;
  /** The argument as written, without quotes: `pjsip.d/*.conf`. */
  target: string;
  /** The files actually read for it, in the order Asterisk reads them (sorted per glob). */
  files: string[];
}

/**
 * A `#exec` directive. Asterisk would run the command and parse its output in place; Bulwark
 * never runs anything, so whatever it would have produced is unknown.
 */
export interface AsteriskExec {
  file: string;
  line: number;
  /** The command line as written, without surrounding quotes. */
  command: string;
}

export type AsteriskDiagnosticCode =
  /** The top-level file does not exist. */
  | "not-found"
  /** A file exists but could not be read. */
  | "unreadable"
  /** A glob matched something that is not a regular file (a directory): Asterisk skips it. */
  | "not-regular-file"
  /** An option line before any `[section]`. */
  | "no-section"
  /** `[name` without `]`. */
  | "no-closing-bracket"
  /** `[name](...` without `)`. */
  | "no-closing-paren"
  /** `[name](tmpl)` where no section `tmpl` was defined before. */
  | "unknown-template"
  /** `[name](+)` where no (non-template) section `name` was defined before. */
  | "unknown-addition-target"
  /** A line starting with `\` followed by a blank. */
  | "invalid-escape"
  /** A line with no `=`: Asterisk ignores it. */
  | "no-equals"
  /** `= value` with no name: Asterisk ignores it. */
  | "no-name"
  /** `#something` that is not `#include`, `#tryinclude` or `#exec`: Asterisk ignores it. */
  | "unknown-directive"
  /** `#include` / `#exec` with nothing after it: Asterisk ignores it. */
  | "directive-argument"
  /** `#include` of a file (or glob) that matches nothing. */
  | "include-missing"
  /** A file that (directly or not) includes itself. */
  | "include-cycle"
  /** Includes nested deeper than Asterisk allows (10 levels). */
  | "include-depth"
  /** A `;--` block comment still open at the end of a file. */
  | "unterminated-comment"
  /** `--;` outside a block comment: Asterisk then treats the following lines as commented out. */
  | "stray-comment-end"
  /** More than 128 nested `;--` block comments. */
  | "comment-nesting"
  /** A line too long for Asterisk's 8 KiB line buffer: Asterisk skips it. */
  | "line-too-long"
  /** A section name longer than Asterisk's 79 characters: Asterisk truncates it. */
  | "name-truncated"
  /** A UTF-8 byte-order mark, which Asterisk reads as part of the first line. */
  | "byte-order-mark";

/**
 * Severity follows Asterisk: `error` where Asterisk's loader gives up on the whole configuration
 * (the module then runs without it), or where Bulwark could not read content; `warning` where
 * Asterisk logs a warning, skips or alters something and carries on.
 *
 * Assignable to the project-wide `Diagnostic` of src/facts/model.ts.
 */
export interface AsteriskDiagnostic {
  severity: "error" | "warning";
  code: AsteriskDiagnosticCode;
  file: string;
  /** 1-based; absent only when the diagnostic is about a file as a whole (`not-found`, `unreadable`). */
  line?: number;
  column?: number;
  message: string;
}

export interface AsteriskConfig {
  /** The top-level file, root-relative: `etc/asterisk/pjsip.conf`. */
  file: string;
  /** Every section in the order Asterisk holds them, templates included (see `isTemplate`). */
  sections: AsteriskSection[];
  includes: AsteriskInclude[];
  execs: AsteriskExec[];
  /** Every file read, in reading order, the top-level file first. Empty if it was not found. */
  files: string[];
  diagnostics: AsteriskDiagnostic[];
}
