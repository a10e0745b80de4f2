/**
 * File-name globbing as Asterisk does it for `#include`: glob(3) with GLOB_BRACE | GLOB_NOMAGIC.
 *
 * - `{a,b}` alternatives are expanded first; each alternative is globbed on its own and its
 *   matches sorted, then the lists are concatenated (glibc's GLOB_BRACE behaviour).
 * - `*`, `?` and `[...]` match within one path segment; a leading `.` must be matched explicitly.
 * - A pattern with no wildcard (GLOB_NOMAGIC) is returned as is, whether or not it exists.
 * - Matches are sorted in byte order, i.e. as glibc sorts them in the C locale.
 */
import type { ConfigSource } from "./source.js";
import { joinPath, normalizePath } from "./source.js";

export interface GlobResult {
  /** Root-relative paths, in the order Asterisk would read them. */
  paths: string[];
  /** The pattern held wildcards: every path was listed in a directory (it may be a directory). */
  magic: boolean;
}

export function expandGlob(source: ConfigSource, pattern: string): GlobResult {
  const paths: string[] = [];
  let magic = false;
  for (const alternative of expandBraces(pattern)) {
    const p = normalizePath(alternative);
    if (!hasMagic(p)) {
      paths.push(unescapeGlob(p));
      continue;
    }
    magic = true;
    paths.push(...globOne(source, p).sort(byteOrder));
  }
  return { paths, magic };
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function globOne(source: ConfigSource, pattern: string): string[] {
  let dirs = [""];
  let pastMagic = false;
  for (const segment of pattern.split("/")) {
    const next: string[] = [];
    if (!hasMagic(segment)) {
      const name = unescapeGlob(segment);
      for (const dir of dirs) {
        // Before the first wildcard the path is taken on trust (a later listing of a missing
        // directory is simply empty); after one, only entries that exist may match.
        if (!pastMagic || source.list(dir).includes(name)) next.push(joinPath(dir, name));
      }
    } else {
      pastMagic = true;
      const re = segmentRegExp(segment);
      for (const dir of dirs) {
        for (const name of source.list(dir)) {
          if (name.startsWith(".") && !segment.startsWith(".")) continue;
          if (re.test(name)) next.push(joinPath(dir, name));
        }
      }
    }
    dirs = next;
    if (dirs.length === 0) break;
  }
  return dirs;
}

/** True if the pattern holds an unescaped `*`, `?`, or a `[` closed by a later `]`. */
function hasMagic(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (c === "*" || c === "?") return true;
    else if (c === "[" && pattern.indexOf("]", i + 2) !== -1) return true;
  }
  return false;
}

function unescapeGlob(text: string): string {
  return text.replace(/\\(.)/gs, "$1");
}

const CLASSES: Record<string, string> = {
  alpha: "A-Za-z",
  digit: "0-9",
  alnum: "A-Za-z0-9",
  upper: "A-Z",
  lower: "a-z",
  space: " \\t\\n\\r\\f\\v",
  blank: " \\t",
  xdigit: "0-9A-Fa-f",
  punct: "!-\\/:-@\\[-`{-~",
};

function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

/** fnmatch(3)-style pattern for one path segment as an anchored RegExp. */
function segmentRegExp(segment: string): RegExp {
  let re = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === "\\" && i + 1 < segment.length) {
      re += escapeRe(segment[++i] as string);
    } else if (c === "*") {
      re += ".*";
    } else if (c === "?") {
      re += ".";
    } else if (c === "[") {
      const parsed = bracket(segment, i);
      if (parsed) {
        re += parsed.re;
        i = parsed.end;
      } else {
        re += "\\[";
      }
    } else {
      re += escapeRe(c);
    }
  }
  try {
    return new RegExp(`^${re}$`, "s");
  } catch {
    // A malformed bracket expression (e.g. a reversed range `[z-a]`) matches nothing.
    return /(?!)/;
  }
}

/** A `[...]` expression starting at `start`: its RegExp and the index of its closing `]`. */
function bracket(segment: string, start: number): { re: string; end: number } | undefined {
  let i = start + 1;
  let negate = false;
  if (segment[i] === "!" || segment[i] === "^") {
    negate = true;
    i++;
  }
  let body = "";
  let first = true;
  for (; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === "]" && !first) return { re: `[${negate ? "^" : ""}${body}]`, end: i };
    first = false;
    if (c === "[" && segment[i + 1] === ":") {
      const close = segment.indexOf(":]", i + 2);
      const cls = close === -1 ? undefined : CLASSES[segment.slice(i + 2, close)];
      if (cls !== undefined) {
        body += cls;
        i = close + 1;
        continue;
      }
    }
    if (c === "\\" && i + 1 < segment.length) {
      body += escapeRe(segment[++i] as string);
    } else if (c === "-" && body !== "" && segment[i + 1] !== "]" && i + 1 < segment.length) {
      body += "-";
    } else {
      body += escapeRe(c);
    }
  }
  return undefined;
}

/**
 * `{a,b}c` gives `ac`, `bc`; nested braces work; an unbalanced brace is literal text. Like
 * glibc, a lone `{}` is not an expression.
 */
export function expandBraces(pattern: string, limit = MAX_ALTERNATIVES): string[] {
  const out: string[] = [];
  expandInto(pattern, out, limit);
  return out;
}

/** Bounds `{a,b}{c,d}...`, which grows exponentially: no real include needs this many. */
const MAX_ALTERNATIVES = 1024;

function expandInto(pattern: string, out: string[], limit: number): void {
  if (out.length >= limit) return;
  const open = findBraceOpen(pattern);
  if (open === -1) {
    out.push(pattern);
    return;
  }
  const parts: string[] = [];
  let depth = 0;
  let from = open + 1;
  for (let i = open + 1; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i++;
    } else if (c === "{") {
      depth++;
    } else if (c === "}") {
      if (depth > 0) {
        depth--;
        continue;
      }
      parts.push(pattern.slice(from, i));
      if (parts.length === 1 && parts[0] === "") {
        out.push(pattern);
        return;
      }
      const head = pattern.slice(0, open);
      const tail = pattern.slice(i + 1);
      for (const part of parts) expandInto(head + part + tail, out, limit);
      return;
    } else if (c === "," && depth === 0) {
      parts.push(pattern.slice(from, i));
      from = i + 1;
    }
  }
  out.push(pattern);
}

function findBraceOpen(pattern: string): number {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "{") return i;
  }
  return -1;
}
