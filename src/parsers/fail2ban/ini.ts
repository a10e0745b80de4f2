/**
 * One fail2ban configuration file, read the way Python's `configparser.ConfigParser` reads it with
 * the settings fail2ban uses (fail2ban/client/configparserinc.py): `=` or `:` delimiters, `#` and
 * `;` full-line comments, `;` inline comments only after whitespace, option names lower-cased,
 * strict mode (a section or an option twice in one file is an error), empty lines kept inside
 * multi-line values, and a line indented deeper than its option's key continuing that option.
 *
 * Where Python would raise (and fail2ban refuse the file) this reader records an error diagnostic
 * at the line and carries on, so one bad line hides neither the rest of the file nor other files.
 */
import { LocStr } from "./locstr.js";
import type { Fail2banDiagnostic, Provenance } from "./types.js";

export interface IniOption {
  /** Lower-cased, as `ConfigParser.optionxform` does. */
  name: string;
  /** Raw value: the lines of the value stripped and joined by `\n`, trailing blanks removed. */
  value: LocStr;
  /** The line of the key. */
  at: Provenance;
}

export interface IniSection {
  name: string;
  at: Provenance;
  options: Map<string, IniOption>;
}

export interface IniFile {
  file: string;
  /** The `[DEFAULT]` section. */
  defaults: Map<string, IniOption>;
  /** Every other section, in order of first appearance. */
  sections: Map<string, IniSection>;
  diagnostics: Fail2banDiagnostic[];
}

export const DEFAULT_SECTION = "DEFAULT";

/** `[header]`: from the first `[` to the last `]`, anything after is ignored (Python's SECTCRE). */
const SECTION_RE = /^\[(.+)\]/;
/**
 * Python's OPTCRE, `(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$`: the key is non-greedy, so
 * the first `=` or `:` splits. Done by hand: the regex backtracks quadratically on long lines.
 */
function splitOption(line: string): { name: string; value: string } | undefined {
  const at = line.search(/[=:]/);
  if (at < 0) return undefined;
  return { name: line.slice(0, at).trimEnd(), value: line.slice(at + 1).trim() };
}

interface Pending {
  option: IniOption;
  /** Lines of the value; an empty text is an empty line kept inside the value. */
  lines: { text: string; line: number }[];
}

/** Where an inline `;` comment starts: at 0 or after a whitespace character. */
function inlineCommentStart(line: string): number | undefined {
  let from = 0;
  for (;;) {
    const i = line.indexOf(";", from);
    if (i < 0) return undefined;
    if (i === 0 || /\s/.test(line[i - 1] ?? "")) return i;
    from = i + 1;
  }
}

export function parseIni(text: string, file: string): IniFile {
  const result: IniFile = { file, defaults: new Map(), sections: new Map(), diagnostics: [] };
  const diag = (line: number, message: string, severity: "error" | "warning" = "error") =>
    result.diagnostics.push({ severity, file, line, message });

  if (text.startsWith("\uFEFF")) {
    diag(
      1,
      "file starts with a UTF-8 byte order mark: fail2ban reads it as part of the first line and rejects a section header there",
    );
    text = text.slice(1);
  }
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();

  let current: Map<string, IniOption> | undefined;
  let currentName = "";
  const added = new Set<string>();
  let pending: Pending | undefined;
  let indentLevel = 0;
  const finished: Pending[] = [];

  const finish = () => {
    if (pending) finished.push(pending);
    pending = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    const lineno = i + 1;
    let commentStart = inlineCommentStart(raw);
    const stripped = raw.trim();
    if (stripped.startsWith("#") || stripped.startsWith(";")) commentStart = 0;
    const value = (commentStart === undefined ? raw : raw.slice(0, commentStart)).trim();
    if (value === "") {
      // an empty line is kept in a multi-line value (configparser's empty_lines_in_values), a
      // comment line is skipped; neither ends the value
      if (commentStart === undefined && pending) pending.lines.push({ text: "", line: lineno });
      continue;
    }
    const indent = raw.search(/\S/);
    if (current && pending && indent > indentLevel) {
      pending.lines.push({ text: value, line: lineno });
      continue;
    }
    indentLevel = indent;
    const section = SECTION_RE.exec(value);
    if (section) {
      finish();
      const name = section[1] ?? "";
      const at = { file, line: lineno };
      if (name === DEFAULT_SECTION) {
        current = result.defaults;
      } else {
        const existing = result.sections.get(name);
        if (existing) {
          if (added.has(name)) diag(lineno, `section [${name}] appears twice in this file`);
          current = existing.options;
        } else {
          current = new Map();
          result.sections.set(name, { name, at, options: current });
        }
        added.add(name);
      }
      currentName = name;
      continue;
    }
    if (!current) {
      finish();
      diag(lineno, "line before any [section] header");
      continue;
    }
    const option = splitOption(value);
    if (!option) {
      // configparser keeps the previous option open: a deeper-indented line still continues it
      diag(lineno, `not an option (\`key = value\`), a section header or a comment: ${value}`);
      continue;
    }
    finish();
    const name = option.name.toLowerCase();
    if (name === "") {
      diag(lineno, `option without a name: ${value}`);
      continue;
    }
    const key = `${currentName}\u0000${name}`;
    if (added.has(key)) {
      diag(lineno, `option '${name}' appears twice in section [${currentName}] of this file`);
    }
    added.add(key);
    const at = { file, line: lineno };
    const opt: IniOption = { name, value: LocStr.of("", at), at };
    current.set(name, opt);
    pending = { option: opt, lines: [{ text: option.value, line: lineno }] };
  }
  finish();

  for (const p of finished) {
    const parts: LocStr[] = [];
    // each line carries its own newline, so that every line (even an empty one) starts at its own origin
    p.lines.forEach((l, idx) => {
      const last = idx === p.lines.length - 1;
      parts.push(LocStr.of(last ? l.text : `${l.text}\n`, { file, line: l.line }));
    });
    p.option.value = LocStr.concat(parts).trimEnd();
  }
  return result;
}
