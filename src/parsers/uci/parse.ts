/**
 * A parser for OpenWrt's UCI configuration format, following libuci's own grammar (file.c):
 *
 *   package <name>
 *   config <type> [<name>]
 *   option <name> <value>
 *   list <name> <value>
 *
 * Tokens are separated by blanks. A token may be built of several adjacent parts: bare text (where
 * `\x` stands for `x`), 'single-quoted' text (no escapes) and "double-quoted" text (`\x` escapes).
 * A quoted part may run over several lines (the newline is kept); a backslash at the end of a line
 * continues the line. `#` at the start of a token comments out the rest of the line.
 *
 * The parser never throws on bad input: it records a located diagnostic and carries on with the
 * next line, so that one broken line does not hide the problems (or the content) of the rest.
 */
import type { UciDiagnostic, UciOption, UciPackage, UciSection } from "./types.js";

const NAME_RE = /^[A-Za-z0-9_]+$/;
const PACKAGE_RE = /^[A-Za-z0-9_-]+$/;
/** Build-time placeholders left in Teltonika's SDK files, e.g. `%%WAN_NETWORK%%`. */
const PLACEHOLDER_RE = /^%%[A-Za-z0-9_]+%%$/;

interface Token {
  text: string;
  line: number;
  column: number;
}

class LineError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/**
 * Splits one logical statement into tokens, starting at `pos`. Returns the tokens and the position
 * after the statement's end of line. Quoted parts and backslash continuations may consume lines.
 */
class Tokenizer {
  pos = 0;
  line = 1;
  private lineStart = 0;

  constructor(private readonly src: string) {}

  get done(): boolean {
    return this.pos >= this.src.length;
  }

  private column(at: number = this.pos): number {
    return at - this.lineStart + 1;
  }

  private newline(): void {
    this.line += 1;
    this.lineStart = this.pos;
  }

  /** Skips to the start of the next line, for recovery after an error. */
  skipLine(): void {
    const src = this.src;
    while (this.pos < src.length && src[this.pos] !== "\n") this.pos++;
    if (this.pos < src.length) {
      this.pos++;
      this.newline();
    }
  }

  /** Reads the tokens of the statement at the current position, consuming its end of line. */
  statement(): Token[] {
    const src = this.src;
    const tokens: Token[] = [];
    for (;;) {
      // skip blanks
      while (this.pos < src.length) {
        const c = src[this.pos];
        if (c === " " || c === "\t" || c === "\r" || c === "\f" || c === "\v") this.pos++;
        else if (c === "\\" && src[this.pos + 1] === "\n") {
          this.pos += 2;
          this.newline();
        } else break;
      }
      if (this.pos >= src.length) return tokens;
      const c = src[this.pos];
      if (c === "\n") {
        this.pos++;
        this.newline();
        return tokens;
      }
      if (c === "#") {
        while (this.pos < src.length && src[this.pos] !== "\n") this.pos++;
        continue;
      }
      tokens.push(this.token());
    }
  }

  private token(): Token {
    const src = this.src;
    const line = this.line;
    const column = this.column();
    let text = "";
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos);
      if (c === QUOTE || c === DQUOTE) {
        text += this.quoted(c === QUOTE ? "'" : '"');
      } else if (c === BACKSLASH) {
        const next = src[this.pos + 1];
        if (next === undefined) {
          this.pos++;
          break;
        }
        this.pos += 2;
        if (next === "\n") this.newline();
        else text += next;
      } else if (isBlank(c) || c === NEWLINE) {
        break;
      } else {
        // A run of plain characters in one slice. libuci only treats '#' as a comment at the
        // start of a token; inside bare text it is data.
        const start = this.pos;
        while (this.pos < src.length && isBare(src.charCodeAt(this.pos))) this.pos++;
        text += src.slice(start, this.pos);
      }
    }
    return { text, line, column };
  }

  private quoted(quote: "'" | '"'): string {
    const src = this.src;
    const openLine = this.line;
    const openColumn = this.column();
    this.pos++;
    let text = "";
    for (;;) {
      const close = src.indexOf(quote, this.pos);
      const backslash = quote === '"' ? src.indexOf("\\", this.pos) : -1;
      if (close < 0 && backslash < 0) {
        throw new LineError(`unterminated ${quote} quote`, openLine, openColumn);
      }
      if (backslash >= 0 && (close < 0 || backslash < close)) {
        // Text up to the backslash, then the escaped character itself.
        text += this.take(backslash);
        const next = src[backslash + 1];
        if (next === undefined)
          throw new LineError(`unterminated ${quote} quote`, openLine, openColumn);
        this.pos = backslash + 2;
        if (next === "\n") this.newline();
        else text += next;
        continue;
      }
      text += this.take(close);
      this.pos = close + 1;
      return text;
    }
  }

  /** The source from the current position up to `end`, keeping line numbers right. */
  private take(end: number): string {
    const part = this.src.slice(this.pos, end);
    let nl = part.indexOf("\n");
    while (nl >= 0) {
      this.line += 1;
      this.lineStart = this.pos + nl + 1;
      nl = part.indexOf("\n", nl + 1);
    }
    this.pos = end;
    return part;
  }
}

const QUOTE = 39;
const DQUOTE = 34;
const BACKSLASH = 92;
const NEWLINE = 10;

/** Space, tab, CR, form feed, vertical tab. */
function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 12 || c === 11;
}

function isBare(c: number): boolean {
  return !(isBlank(c) || c === NEWLINE || c === QUOTE || c === DQUOTE || c === BACKSLASH);
}

export interface ParseOptions {
  /** Package name used when the file has no `package` line (normally the file's base name). */
  packageName: string;
  /** File name used in diagnostics and provenance. */
  file: string;
}

export interface ParseResult {
  packages: UciPackage[];
  diagnostics: UciDiagnostic[];
}

/** Parses UCI text. Never throws on malformed input; see `diagnostics`. */
export function parseUci(text: string, options: ParseOptions): ParseResult {
  const diagnostics: UciDiagnostic[] = [];
  const packages: UciPackage[] = [];
  let pkg = newPackage(options.packageName, options.file);
  packages.push(pkg);
  let section: UciSection | undefined;
  const typeCounts = new Map<string, number>();
  const tok = new Tokenizer(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

  const report = (severity: "error" | "warning", message: string, line: number, column: number) =>
    diagnostics.push({ severity, file: options.file, line, column, message });

  while (!tok.done) {
    let tokens: Token[];
    try {
      tokens = tok.statement();
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      report("error", err.message, err.line, err.column);
      // An unterminated quote swallows the rest of the file; nothing after it can be trusted.
      break;
    }
    const [keyword, ...args] = tokens;
    if (!keyword) continue;
    const fail = (message: string, at: Token = keyword) =>
      report("error", message, at.line, at.column);
    switch (keyword.text) {
      case "package": {
        const name = args[0];
        if (!name || args.length > 1) {
          fail("'package' takes exactly one name");
          break;
        }
        if (!PACKAGE_RE.test(name.text)) {
          fail(`invalid package name '${name.text}'`, name);
          break;
        }
        if (pkg.sections.length === 0) pkg.name = name.text;
        else {
          pkg = newPackage(name.text, options.file);
          packages.push(pkg);
          typeCounts.clear();
        }
        section = undefined;
        break;
      }
      case "config": {
        const [type, name, extra] = args;
        if (!type) {
          fail("'config' needs a section type");
          section = undefined;
          break;
        }
        if (extra) {
          fail("too many arguments to 'config' (expected: config TYPE [NAME])", extra);
          section = undefined;
          break;
        }
        if (!isValidType(type.text)) {
          fail(`invalid section type '${type.text}'`, type);
          section = undefined;
          break;
        }
        if (name && !NAME_RE.test(name.text)) {
          fail(`invalid section name '${name.text}' (letters, digits and '_' only)`, name);
          section = undefined;
          break;
        }
        const typeIndex = typeCounts.get(type.text) ?? 0;
        typeCounts.set(type.text, typeIndex + 1);
        // A named section that appears again is merged into the first one, as libuci does.
        const existing = name ? pkg.sections.find((s) => s.name === name.text) : undefined;
        if (existing) {
          section = existing;
          break;
        }
        section = {
          type: type.text,
          name: name?.text,
          ref: name ? name.text : `@${type.text}[${typeIndex}]`,
          typeIndex,
          line: keyword.line,
          options: new Map(),
        };
        pkg.sections.push(section);
        break;
      }
      case "option":
      case "list": {
        const [name, value, extra] = args;
        if (!section) {
          fail(`'${keyword.text}' outside of a 'config' section`);
          break;
        }
        if (!name) {
          fail(`'${keyword.text}' needs a name and a value`);
          break;
        }
        if (!NAME_RE.test(name.text)) {
          fail(`invalid option name '${name.text}' (letters, digits and '_' only)`, name);
          break;
        }
        if (extra) {
          fail(`too many arguments to '${keyword.text}' (quote values that contain blanks)`, extra);
          break;
        }
        setOption(section, keyword.text, name.text, value?.text ?? "", keyword.line);
        break;
      }
      default:
        if (PLACEHOLDER_RE.test(keyword.text) && args.length === 0) {
          report(
            "warning",
            `build-time placeholder '${keyword.text}' is not UCI; ignored (the firmware build replaces it)`,
            keyword.line,
            keyword.column,
          );
        } else {
          fail(
            `unknown statement '${truncate(keyword.text)}' (expected package, config, option or list)`,
          );
        }
    }
  }
  return { packages, diagnostics };
}

function newPackage(name: string, file: string): UciPackage {
  return { name, file, sections: [] };
}

function isValidType(type: string): boolean {
  if (type.length === 0) return false;
  for (let i = 0; i < type.length; i++) {
    const c = type.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

function setOption(
  section: UciSection,
  kind: "option" | "list",
  name: string,
  value: string,
  line: number,
): void {
  const existing = section.options.get(name);
  if (kind === "list" && existing) {
    // libuci turns an option into a list when a list entry of the same name follows.
    existing.kind = "list";
    existing.values.push(value);
    existing.lines.push(line);
    return;
  }
  const option: UciOption = { name, kind, values: [value], lines: [line] };
  section.options.set(name, option);
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
