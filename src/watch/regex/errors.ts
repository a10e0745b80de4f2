/**
 * Why a Python pattern has no JavaScript translation: Python itself refuses it (`kind: "syntax"`,
 * the message is Python's own), or it is valid Python that this translator does not take on
 * (`kind: "unsupported"`), or it can backtrack catastrophically (`kind: "unsafe"`).
 */
export type RegexErrorKind = "syntax" | "unsupported" | "unsafe";

export class PyRegexError extends Error {
  override readonly name = "PyRegexError";
  constructor(
    /** Python's wording, or ours for what Python accepts. */
    readonly reason: string,
    readonly kind: RegexErrorKind,
    /** The pattern as given. */
    readonly pattern: string,
    /** 0-based code point offset of the offending construct (Python's "position"). */
    readonly position: number,
    /** The construct, as written in the pattern (`(?(1)`, `\N{…}`, `(a+)+`...), when there is one. */
    readonly construct?: string,
  ) {
    super(formatMessage(reason, pattern, position, construct));
  }

  /** 1-based line and column of {@link position} within the pattern (patterns can span lines in verbose mode). */
  get lineColumn(): { line: number; column: number } {
    const cps = Array.from(this.pattern).slice(0, this.position);
    let line = 1;
    let column = 1;
    for (const c of cps) {
      if (c === "\n") {
        line++;
        column = 1;
      } else column++;
    }
    return { line, column };
  }
}

function formatMessage(
  reason: string,
  pattern: string,
  position: number,
  construct: string | undefined,
): string {
  const what = construct ? ` (${construct})` : "";
  let where = `at position ${position}`;
  if (pattern.includes("\n")) {
    const before = Array.from(pattern).slice(0, position);
    const line = before.filter((c) => c === "\n").length + 1;
    const lastNl = before.lastIndexOf("\n");
    where += ` (line ${line}, column ${before.length - lastNl})`;
  }
  return `${reason}${what} ${where}`;
}
