/**
 * A reader for Asterisk's configuration dialect that builds what Asterisk's own loader
 * (main/config.c: config_text_file_load() and process_text_line()) builds, with provenance:
 *
 *   [section]            [tmpl](!)             a template, hidden from the modules
 *   [name](t1,t2)        copies t1's then t2's entries in before the section's own
 *   [name](!,t1)         a template inheriting from another
 *   [name](+)            adds to the first earlier non-template section of that name
 *   [name](+type=aor)    ... the first one that also has an entry matching the filter
 *   key = value          key => value ("object" syntax, used by extensions.conf)
 *   key += more          appends to the last earlier value of key in the section
 *   #include file        #tryinclude file     #exec command
 *
 * Where Asterisk behaves surprisingly, this follows Asterisk, because the audit is about what the
 * running PBX does:
 *
 * - Names and values are trimmed of every byte below 33 (blanks and control characters), never
 *   of anything else; `[ general ]` is a section named " general ".
 * - Options in `(...)` are split on `,` and not trimmed: `(!, tmpl)` asks for a template " tmpl".
 * - Templates are looked up by name, case-insensitively, first match in reading order, among the
 *   sections seen so far; the entries are copied as they are at that moment.
 * - Relative includes are resolved against the configuration directory, not the including file.
 * - An included file starts in the section that was current globally (the last one created or
 *   added to), but after the `#include` the including file carries on in its own section.
 * - The files matched by one glob are read as one stream: the current section, and an unclosed
 *   block comment, carry over from one file to the next.
 * - Two sections may share a name (chan_sip and res_pjsip use that: `[1001]` with type=endpoint,
 *   `[1001]` with type=aor); they stay separate sections.
 *
 * Asterisk gives up on the whole configuration at the first error. This parser records the error
 * as a diagnostic (severity "error") and carries on, so that one broken line or file hides
 * neither the rest of the content nor the other problems. It never throws on bad input and never
 * runs `#exec` commands: those are recorded in `execs`, their output being unknown.
 */
import { type CommentState, newCommentState, stripComments } from "./comments.js";
import { expandGlob } from "./glob.js";
import type { ConfigSource } from "./source.js";
import { joinPath, memorySource, normalizePath } from "./source.js";
import type {
  AsteriskConfig,
  AsteriskDiagnostic,
  AsteriskDiagnosticCode,
  AsteriskEntry,
  AsteriskExec,
  AsteriskInclude,
  AsteriskLocation,
  AsteriskSection,
} from "./types.js";

/** Asterisk's MAX_INCLUDE_LEVEL: the top-level file is level 1. */
export const MAX_INCLUDE_LEVEL = 10;
/** Asterisk reads lines with fgets() into an 8 KiB buffer and skips any line that fills it. */
const LINE_BUFFER = 8192;
/** A section name is copied into `char name[80]`. */
const MAX_SECTION_NAME = 79;

export interface AsteriskParseOptions {
  /**
   * The configuration directory (Asterisk's `astetcdir`), root-relative, against which relative
   * `#include`s are resolved. Defaults to the directory of the top-level file.
   */
  configDir?: string;
}

/**
 * Parses one Asterisk configuration: the top-level `file` (root-relative, e.g.
 * `etc/asterisk/pjsip.conf`) with all it includes, read from `source`.
 */
export function parseAsteriskConfig(
  source: ConfigSource,
  file: string,
  options: AsteriskParseOptions = {},
): AsteriskConfig {
  const path = normalizePath(file);
  const configDir =
    options.configDir !== undefined ? normalizePath(options.configDir) : dirname(path);
  const loader = new Loader(source, configDir);
  const count = loader.load([path], false, 1, undefined, undefined);
  if (count === 0) {
    loader.report("error", "not-found", { file: path }, `${path}: no such file`);
  }
  return {
    file: path,
    sections: loader.sections,
    includes: loader.includes,
    execs: loader.execs,
    files: loader.files,
    diagnostics: loader.diagnostics,
  };
}

/** Parses text on its own (its `#include`s will not be found), e.g. a single file in a test. */
export function parseAsteriskText(
  text: string,
  file = "etc/asterisk/asterisk.conf",
): AsteriskConfig {
  return parseAsteriskConfig(memorySource({ [file]: text }), file);
}

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i === -1 ? "" : path.slice(0, i);
}

/** Asterisk's "blanks": every byte below 33 (ast_strip, ast_skip_blanks, ast_trim_blanks). */
function isBlank(code: number): boolean {
  return code < 33;
}

function strip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** strcasecmp() folds ASCII letters only. */
function fold(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

function quote(text: string): string {
  return `'${text}'`;
}

/** Reading state shared by the files of one `#include` (one call of config_text_file_load). */
interface Stream {
  /** The section option lines go to. */
  section: AsteriskSection | undefined;
  comments: CommentState;
}

class Loader {
  readonly sections: AsteriskSection[] = [];
  readonly includes: AsteriskInclude[] = [];
  readonly execs: AsteriskExec[] = [];
  readonly files: string[] = [];
  readonly diagnostics: AsteriskDiagnostic[] = [];

  /** Sections by folded name, in reading order, for template and `(+)` lookups. */
  private readonly byName = new Map<string, AsteriskSection[]>();
  /** The section most recently created or added to, across all files (cfg->current). */
  private current: AsteriskSection | undefined;
  /** Files being read, outermost first, for cycle detection. */
  private readonly stack: string[] = [];

  constructor(
    private readonly source: ConfigSource,
    private readonly configDir: string,
  ) {}

  report(
    severity: AsteriskDiagnostic["severity"],
    code: AsteriskDiagnosticCode,
    where: { file: string; line?: number },
    message: string,
  ): void {
    const d: AsteriskDiagnostic = { severity, code, file: where.file, message };
    if (where.line !== undefined) d.line = where.line;
    this.diagnostics.push(d);
  }

  /**
   * Reads `paths` as one stream at include level `level`; returns how many files were found
   * (Asterisk's `count`: zero makes an `#include` fail). `via` is the directive that asked.
   */
  load(
    paths: string[],
    magic: boolean,
    level: number,
    via: AsteriskLocation | undefined,
    record: AsteriskInclude | undefined,
  ): number {
    const stream: Stream = { section: this.current, comments: newCommentState() };
    let count = 0;
    for (const path of paths) {
      if (this.stack.includes(path)) {
        const chain = [...this.stack.slice(this.stack.indexOf(path)), path].join(" -> ");
        this.report("error", "include-cycle", via ?? { file: path }, `include cycle: ${chain}`);
        count++; // it exists; the cycle is the problem, not a missing file
        continue;
      }
      let text: string | undefined;
      try {
        text = this.source.read(path);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        this.report("error", "unreadable", via ?? { file: path }, `cannot read ${path}: ${why}`);
        count++;
        continue;
      }
      if (text === undefined) {
        if (magic && via) {
          this.report(
            "warning",
            "not-regular-file",
            via,
            `${path} matches but is not a regular file; Asterisk ignores it`,
          );
        }
        continue;
      }
      count++;
      this.files.push(path);
      record?.files.push(path);
      this.stack.push(path);
      this.readFile(text, path, level, stream);
      this.stack.pop();
    }
    for (const open of stream.comments.opened) {
      this.report(
        "warning",
        "unterminated-comment",
        open,
        "block comment ';--' is never closed with '--;': Asterisk ignores everything after it",
      );
    }
    return count;
  }

  private readFile(text: string, file: string, level: number, stream: Stream): void {
    if (text.charCodeAt(0) === 0xfeff) {
      this.report(
        "warning",
        "byte-order-mark",
        { file, line: 1 },
        "file starts with a byte-order mark, which Asterisk reads as part of the first line",
      );
    }
    const lines = text.split("\n");
    const endsWithNewline = lines[lines.length - 1] === "";
    if (endsWithNewline) lines.pop();
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i] as string;
      const line = i + 1;
      const hasNewline = i < lines.length - 1 || endsWithNewline;
      // fgets() fills its buffer (8191 bytes) when the line, newline included, is that long.
      if (raw.length * 3 + 1 >= LINE_BUFFER - 1) {
        const bytes = Buffer.byteLength(raw, "utf8") + (hasNewline ? 1 : 0);
        if (bytes >= LINE_BUFFER - 1) {
          this.report(
            "warning",
            "line-too-long",
            { file, line },
            `line of ${bytes} bytes does not fit Asterisk's ${LINE_BUFFER}-byte line buffer; Asterisk skips it`,
          );
          continue;
        }
      }
      const nul = raw.indexOf("\0");
      const where = { file, line };
      const stripped = stripComments(nul === -1 ? raw : raw.slice(0, nul), stream.comments, where);
      if (stripped.strayEnd) {
        this.report(
          "warning",
          "stray-comment-end",
          where,
          "'--;' outside a block comment: Asterisk treats the following lines as commented out until a ';--'",
        );
      }
      if (stripped.tooDeep) {
        this.report(
          "warning",
          "comment-nesting",
          where,
          "block comments nested more than 128 deep; Asterisk cannot handle this",
        );
      }
      if (stripped.text === undefined) continue;
      const body = strip(stripped.text);
      if (body === "") continue;
      if (body[0] === "[") this.header(body, where, stream);
      else if (body[0] === "#") this.directive(body, where, level);
      else this.option(body, where, stream);
    }
  }

  // ---- [section](options) -------------------------------------------------------------------

  private header(body: string, where: AsteriskLocation, stream: Stream): void {
    const close = body.indexOf("]");
    if (close === -1) {
      this.report("error", "no-closing-bracket", where, "section header has no closing ']'");
      return;
    }
    let name = body.slice(1, close);
    if (name.length > MAX_SECTION_NAME) {
      this.report(
        "warning",
        "name-truncated",
        where,
        `section name longer than ${MAX_SECTION_NAME} characters; Asterisk truncates it`,
      );
      name = name.slice(0, MAX_SECTION_NAME);
    }
    const fresh: AsteriskSection = {
      name,
      templates: [],
      isTemplate: false,
      file: where.file,
      line: where.line,
      entries: [],
      additions: [],
    };
    // Anything after ']' other than '(' is ignored, as by Asterisk.
    let options: string[] = [];
    if (body[close + 1] === "(") {
      const paren = body.indexOf(")", close + 2);
      if (paren === -1) {
        this.report("error", "no-closing-paren", where, "section options have no closing ')'");
      }
      options = body.slice(close + 2, paren === -1 ? undefined : paren).split(",");
    }

    // `target` is Asterisk's *cat: the new section, or the earlier one a '+' switched to.
    let target = fresh;
    let pending = true; // `fresh` not yet merged into an earlier section
    for (const opt of options) {
      if (opt === "!") {
        target.isTemplate = true;
      } else if (opt[0] === "+") {
        const found = this.find(name, opt.slice(1));
        if (!found) {
          this.report(
            "error",
            "unknown-addition-target",
            where,
            `[${name}](${opt}) adds to a section that does not exist before it` +
              (opt.length > 1 ? ` with ${opt.slice(1)}` : ""),
          );
          continue;
        }
        if (pending) {
          found.isTemplate ||= fresh.isTemplate;
          found.entries.push(...fresh.entries);
          found.templates.push(...fresh.templates);
          found.additions.push(where);
          pending = false;
        }
        target = found;
        this.current = found;
      } else {
        const base = this.find(opt, "TEMPLATES=include");
        if (!base) {
          this.report(
            "error",
            "unknown-template",
            where,
            `[${name}] inherits from ${quote(opt)}, which is not defined before it`,
          );
          continue;
        }
        if (opt === "") {
          this.report(
            "warning",
            "unknown-template",
            where,
            `empty template name: Asterisk inherits from the first section, ${quote(base.name)}`,
          );
        }
        target.templates.push(opt);
        for (const e of base.entries) {
          const copy: AsteriskEntry = { ...e, inherited: true, inheritedFrom: base.name };
          if (e.appended) copy.appended = [...e.appended];
          target.entries.push(copy);
        }
      }
    }
    if (pending) this.append(fresh);
    stream.section = target;
  }

  private append(section: AsteriskSection): void {
    this.sections.push(section);
    const key = fold(section.name);
    const list = this.byName.get(key);
    if (list) list.push(section);
    else this.byName.set(key, [section]);
    this.current = section;
  }

  /** ast_category_get(): the first section matching name (any name if empty) and filter. */
  private find(name: string, filter: string): AsteriskSection | undefined {
    const candidates = name === "" ? this.sections : (this.byName.get(fold(name)) ?? []);
    return candidates.find((s) => sectionMatches(s, filter));
  }

  // ---- #include / #tryinclude / #exec -------------------------------------------------------

  private directive(body: string, where: AsteriskLocation, level: number): void {
    let end = 1;
    while (end < body.length && body.charCodeAt(end) > 32) end++;
    const name = body.slice(1, end);
    const arg = end < body.length ? strip(body.slice(end + 1)) : "";
    const kind = fold(name);
    if (kind !== "include" && kind !== "tryinclude" && kind !== "exec") {
      this.report(
        "warning",
        "unknown-directive",
        where,
        `unknown directive '#${name}'; Asterisk ignores it`,
      );
      return;
    }
    if (arg === "") {
      this.report(
        "warning",
        "directive-argument",
        where,
        `'#${name}' needs an argument; Asterisk ignores it`,
      );
      return;
    }
    const target = dequote(arg);
    if (kind === "exec") {
      // Never run: the output Asterisk would parse here is unknown.
      this.execs.push({ file: where.file, line: where.line, command: target });
      return;
    }
    const record: AsteriskInclude = { kind, file: where.file, line: where.line, target, files: [] };
    this.includes.push(record);
    if (level >= MAX_INCLUDE_LEVEL) {
      this.report(
        kind === "include" ? "error" : "warning",
        "include-depth",
        where,
        `includes nested more than ${MAX_INCLUDE_LEVEL} deep; Asterisk does not read ${quote(target)}`,
      );
      return;
    }
    const pattern = target.startsWith("/")
      ? normalizePath(target)
      : joinPath(this.configDir, target);
    const glob = expandGlob(this.source, pattern);
    const count = this.load(glob.paths, glob.magic, level + 1, where, record);
    if (count === 0 && kind === "include") {
      this.report(
        "error",
        "include-missing",
        where,
        glob.magic
          ? `#include ${quote(target)} matches no file (${pattern})`
          : `#include ${quote(target)}: no such file (${pattern})`,
      );
    }
  }

  // ---- key = value ---------------------------------------------------------------------------

  private option(body: string, where: AsteriskLocation, stream: Stream): void {
    const section = stream.section;
    if (!section) {
      this.report("error", "no-section", where, "option before any [section]");
      return;
    }
    let text = body;
    const escaped = text[0] === "\\";
    if (escaped) {
      // `\x` at the start makes a name of a character that would otherwise mean something.
      text = text.slice(1);
      if (text === "" || isBlank(text.charCodeAt(0))) {
        this.report("error", "invalid-escape", where, "invalid escape: '\\' followed by a blank");
        return;
      }
    }
    const eq = text.indexOf("=", escaped ? 1 : 0);
    if (eq === -1) {
      this.report("warning", "no-equals", where, "no '=' in line; Asterisk ignores it");
      return;
    }
    let objectSyntax = false;
    let key: string;
    let raw: string;
    if (eq > (escaped ? 1 : 0) && text[eq - 1] === "+") {
      key = strip(text.slice(0, eq - 1));
      raw = text.slice(eq + 1);
      if (this.appendTo(section, key, raw, where)) return;
    } else {
      key = strip(text.slice(0, eq));
      raw = text.slice(eq + 1);
      if (raw[0] === ">") {
        objectSyntax = true;
        raw = raw.slice(1);
      }
    }
    if (key === "") {
      this.report("warning", "no-name", where, "no option name before '='; Asterisk ignores it");
      return;
    }
    section.entries.push({
      key,
      value: strip(raw),
      file: where.file,
      line: where.line,
      objectSyntax,
      inherited: false,
    });
  }

  /** `key += more`; false when there is no earlier `key` (it is then set like `key = more`). */
  private appendTo(section: AsteriskSection, key: string, raw: string, where: AsteriskLocation) {
    let last: AsteriskEntry | undefined;
    for (const e of section.entries) if (e.key === key) last = e;
    if (!last) return false;
    // ast_variable_update() rewrites the first entry with that name and that (old) value.
    // An empty old value matches any value.
    const old = fold(last.value);
    const entry =
      section.entries.find(
        (e) => fold(e.key) === fold(key) && (old === "" || fold(e.value) === old),
      ) ?? last;
    entry.value = strip(last.value + raw);
    entry.inherited = false;
    delete entry.inheritedFrom;
    entry.appended = [...(entry.appended ?? []), where];
    return true;
  }
}

/** `#include "file"` and `#include <file>` lose their quotes. */
function dequote(arg: string): string {
  const first = arg[0];
  if (first === '"' || first === "<") {
    const close = first === "<" ? ">" : '"';
    if (arg[arg.length - 1] === close) return arg.slice(1, -1);
  }
  return arg;
}

/**
 * does_category_match() for a section already known to have the right name. `filter` is a list
 * of `name=value` regular expressions separated by `,` or `&`, all of which some entry must
 * match; `TEMPLATES=include` lets templates match, `TEMPLATES=restrict` only templates. With no
 * filter, templates never match (which is why `(+)` cannot add to a template).
 */
function sectionMatches(section: AsteriskSection, filter: string): boolean {
  if (filter === "") return !section.isTemplate;
  let expressions = 0;
  let matched = 0;
  let templateOk = false;
  for (const expr of filter.split(/[,&]/)) {
    expressions++;
    const [rawName, rawValue] = expr.split("=");
    if (rawValue === undefined) break;
    const name = strip(rawName as string);
    const value = strip(rawValue);
    if (name === "TEMPLATES") {
      const mode = fold(value);
      if (mode === "include") {
        if (section.isTemplate) templateOk = true;
        matched++;
      } else if (mode === "restrict") {
        if (!section.isTemplate) break;
        templateOk = true;
        matched++;
      }
      continue;
    }
    const nameRe = regExp(name);
    const valueRe = regExp(value);
    if (!nameRe || !valueRe) return false;
    if (section.entries.some((e) => nameRe.test(e.key) && valueRe.test(e.value))) matched++;
  }
  return matched === expressions && (!section.isTemplate || templateOk);
}

/** POSIX extended regular expressions, near enough, as JavaScript ones; undefined if invalid. */
function regExp(source: string): RegExp | undefined {
  try {
    return new RegExp(source);
  } catch {
    return undefined;
  }
}
