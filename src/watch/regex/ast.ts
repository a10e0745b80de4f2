/**
 * The parsed form of a Python `re` pattern (a str pattern, as fail2ban compiles them), close to
 * the tree Python's own `re._parser` builds, so that the translation to JavaScript can be checked
 * construct by construct. Positions are code point offsets into the pattern, as Python reports them.
 */

/** Python's inline flags (only those that matter for a str pattern). */
export const FLAG = {
  /** `i` IGNORECASE */
  I: 1,
  /** `m` MULTILINE */
  M: 2,
  /** `s` DOTALL */
  S: 4,
  /** `x` VERBOSE */
  X: 8,
  /** `a` ASCII (`\w`, `\d`, `\s`, `\b` and case folding limited to ASCII) */
  A: 16,
  /** `u` UNICODE (the default for str patterns) */
  U: 32,
  /** `L` LOCALE (bytes patterns only: always an error here) */
  L: 64,
  /** `t` TEMPLATE (undocumented, deprecated) */
  T: 128,
} as const;

export const FLAG_LETTERS: Record<string, number> = {
  i: FLAG.I,
  L: FLAG.L,
  m: FLAG.M,
  s: FLAG.S,
  x: FLAG.X,
  a: FLAG.A,
  t: FLAG.T,
  u: FLAG.U,
};

/** sre's MAXREPEAT on a 64-bit build: a repeat bound of this value means "no upper bound". */
export const MAXREPEAT = 4294967295;

export type Category = "d" | "D" | "w" | "W" | "s" | "S";

export type ClassItem =
  | { kind: "char"; cp: number }
  | { kind: "range"; lo: number; hi: number }
  | { kind: "cat"; cat: Category };

export type AtKind =
  /** `^` */
  | "beginning"
  /** `$` */
  | "end"
  /** `\A` */
  | "beginning-string"
  /** `\Z` */
  | "end-string"
  /** `\b` */
  | "boundary"
  /** `\B` */
  | "non-boundary";

export type Node =
  | { type: "char"; cp: number; pos: number }
  | { type: "any"; pos: number }
  | { type: "class"; negate: boolean; items: ClassItem[]; pos: number }
  | { type: "cat"; cat: Category; pos: number }
  | { type: "at"; at: AtKind; pos: number }
  | {
      type: "group";
      /** Python group number (1-based) of a capturing group; null for `(?:…)` and `(?flags:…)`. */
      group: number | null;
      name?: string;
      addFlags: number;
      delFlags: number;
      body: Alternation;
      pos: number;
      end: number;
    }
  | { type: "atomic"; body: Alternation; pos: number; end: number }
  | {
      type: "look";
      behind: boolean;
      negate: boolean;
      body: Alternation;
      pos: number;
      end: number;
    }
  | {
      type: "repeat";
      min: number;
      /** {@link MAXREPEAT} for "no upper bound". */
      max: number;
      mode: "greedy" | "lazy" | "possessive";
      body: Node;
      pos: number;
      /** Just after the quantifier. */
      end: number;
    }
  | { type: "backref"; group: number; pos: number }
  | {
      type: "cond";
      group: number;
      yes: Sequence;
      no: Sequence | null;
      pos: number;
      end: number;
    };

export type Sequence = Node[];
/** `a|b|c`: one sequence per branch (a single branch when there is no `|`). */
export type Alternation = Sequence[];

export interface ParsedPattern {
  body: Alternation;
  /** Global flags: those of `(?aiLmsux)` at the start, plus those passed in. */
  flags: number;
  /** Number of capturing groups. */
  groups: number;
  /** Group name → number. */
  groupNames: Map<string, number>;
  /** By group number: (min, max) length of what the group matches (Python's groupwidths). */
  groupWidths: readonly ([number, number] | null)[];
  /** The pattern as code points (positions index into this). */
  source: string;
}
