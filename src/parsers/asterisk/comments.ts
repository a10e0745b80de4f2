/**
 * Comment removal, line by line, exactly as Asterisk's config_text_file_load() does it:
 *
 * - `;` starts a comment that runs to the end of the line;
 * - `\;` is a literal semicolon (the backslash is removed);
 * - `;--` opens a block comment and `--;` closes it. They nest, up to 128 deep, and may span
 *   lines. `;---` (three dashes or more) is NOT an opener: it is an ordinary `;` comment, which
 *   keeps decorative `;------` rulers harmless. Inside a block comment a plain `;` means nothing.
 * - Text on either side of a block comment on the same line is joined: `a = 1;-- x --;2` gives
 *   `a = 12`.
 *
 * Asterisk does not check that a `--;` closes anything: outside a block comment it drives the
 * nesting count negative, and every following line counts as commented out until some `;--`
 * brings the count back to zero. That is reproduced (and reported by the caller), because it is
 * what the running PBX sees.
 */
import type { AsteriskLocation } from "./types.js";

/** Asterisk's MAX_NESTED_COMMENTS. */
export const MAX_NESTED_COMMENTS = 128;

export interface CommentState {
  /** Nesting depth of block comments. Negative after a stray `--;` (see above). */
  depth: number;
  /** Where each block comment still open began, innermost last. */
  opened: AsteriskLocation[];
}

export function newCommentState(): CommentState {
  return { depth: 0, opened: [] };
}

export interface StrippedLine {
  /** What remains for the line parser, or undefined when the line is inside a block comment. */
  text: string | undefined;
  /** A `--;` took the nesting count below zero on this line. */
  strayEnd: boolean;
  /** A `;--` beyond the nesting limit was ignored on this line. */
  tooDeep: boolean;
}

/**
 * Strips the comments from one line (without its newline), updating `state`. The C code works in
 * place on a NUL-terminated buffer: a `;--` writes a NUL that ends the text kept so far, and the
 * matching `--;` moves the rest of the line back over it. NUL is modelled the same way here; the
 * caller cuts the line at any NUL byte of its own first, as C string functions would.
 */
export function stripComments(
  line: string,
  state: CommentState,
  where: AsteriskLocation,
): StrippedLine {
  let buf = line;
  // Start of the text to be parsed (process_buf); undefined while inside a block comment.
  let keep: number | undefined = state.depth !== 0 ? undefined : 0;
  let pos = 0; // where the search for the next ';' resumes (new_buf)
  let strayEnd = false;
  let tooDeep = false;

  for (;;) {
    const p = cIndexOf(buf, ";", pos);
    if (p === -1) break;
    if (p > pos && buf[p - 1] === "\\") {
      // Escaped: drop the backslash, keep the ';' as text.
      buf = buf.slice(0, p - 1) + buf.slice(p);
      pos = p;
    } else if (buf[p + 1] === "-" && buf[p + 2] === "-" && buf[p + 3] !== "-") {
      if (state.depth < MAX_NESTED_COMMENTS) {
        buf = `${buf.slice(0, p)}\0${buf.slice(p + 1)}`;
        pos = p + 3;
        state.depth++;
        if (state.depth > 0) state.opened.push(where);
      } else {
        // Asterisk logs an error here (and, not advancing, would loop forever); skip the ';'.
        tooDeep = true;
        pos = p + 1;
      }
    } else if (p >= pos + 2 && buf[p - 1] === "-" && buf[p - 2] === "-") {
      if (state.depth > 0) state.opened.pop();
      state.depth--;
      if (state.depth < 0) strayEnd = true;
      pos = p + 1;
      if (state.depth === 0) {
        if (keep !== undefined) {
          // Join what follows the comment to the text before it.
          const end = cEnd(buf, keep);
          buf = buf.slice(0, end) + buf.slice(pos, cEnd(buf, pos));
          pos = end;
        } else {
          keep = pos;
        }
      }
    } else if (state.depth === 0) {
      buf = buf.slice(0, p);
      pos = p;
    } else {
      pos = p + 1;
    }
  }
  return {
    text: keep === undefined ? undefined : buf.slice(keep, cEnd(buf, keep)),
    strayEnd,
    tooDeep,
  };
}

/** strchr(): the next `c` at or after `from`, not looking past a NUL. */
function cIndexOf(buf: string, c: string, from: number): number {
  const i = buf.indexOf(c, from);
  if (i === -1) return -1;
  const nul = buf.indexOf("\0", from);
  return nul !== -1 && nul < i ? -1 : i;
}

/** Where the C string starting at `from` ends (its NUL, or the end of the buffer). */
function cEnd(buf: string, from: number): number {
  const nul = buf.indexOf("\0", from);
  return nul === -1 ? buf.length : nul;
}
