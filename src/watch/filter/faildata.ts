/**
 * The objects failures are made of (fail2ban's `fail` dict), built for speed without changing what
 * a reader sees:
 *
 * - One shape per filter: every failure has every key any of its regexes (or the engine) can set,
 *   in one order, those not set being undefined (which reads as absent, as everywhere in the
 *   engine). Objects of one shape share V8's hidden class: the engine's reads, writes and copies
 *   of them stay monomorphic.
 * - `matches` and `nofail-matches` (the lines gathered into a failure) are kept as {@link
 *   MatchList}s, persistent lists that are joined without copying, behind accessors that give the
 *   array on reading. A multi-line failure id gathers a line each time it is seen and every
 *   failure returned carries its own list: as arrays, each line seen would copy all the lines
 *   before it (quadratic in the length of a session).
 */
import type { TupleLine } from "./failregex.js";

/** The key of a failure's lines, and of its lines seen while it was a "nofail" helper. */
export const MATCHES = Symbol("matches");
export const NOFAIL_MATCHES = Symbol("nofail-matches");

/**
 * An immutable list of lines: a leaf (an array) or the join of two lists. Joining is
 * constant-time; {@link toArray} walks a join once and keeps the array. A list grown by many joins
 * is flattened into one array when its joins outnumber a quarter of its lines: each line is then
 * copied a bounded number of times on average, and a long-lived list stays compact (few objects
 * for the garbage collector to trace).
 */
export class MatchList {
  static readonly EMPTY = new MatchList(0, 1, undefined, undefined, []);
  private array: TupleLine[] | undefined;
  private left: MatchList | undefined;
  private right: MatchList | undefined;

  private constructor(
    readonly length: number,
    /** How many leaves the list is made of. */
    private pieces: number,
    left: MatchList | undefined,
    right: MatchList | undefined,
    leaf: TupleLine[] | undefined,
  ) {
    this.left = left;
    this.right = right;
    this.array = leaf;
  }

  /**
   * A list of these lines, kept as they are: `lines` must not change afterwards (the engine's
   * matched lines are a line buffer it replaces, never changes, or a fresh slice of one).
   */
  static of(lines: readonly TupleLine[]): MatchList {
    return lines.length === 0
      ? MatchList.EMPTY
      : new MatchList(lines.length, 1, undefined, undefined, lines as TupleLine[]);
  }

  /** This list followed by `other`. */
  concat(other: MatchList): MatchList {
    if (other.length === 0) return this;
    if (this.length === 0) return other;
    const joined = new MatchList(
      this.length + other.length,
      this.pieces + other.pieces,
      this,
      other,
      undefined,
    );
    if (joined.pieces > 16 && joined.pieces * 4 > joined.length) joined.toArray();
    return joined;
  }

  /** The lines in order (the same array on every call: do not change it). */
  toArray(): TupleLine[] {
    if (this.array) return this.array;
    const out: TupleLine[] = [];
    // iterative: a list joined line by line is as deep as it is long
    const stack: MatchList[] = [this];
    while (stack.length > 0) {
      const node = stack.pop() as MatchList;
      if (node.array) {
        for (const l of node.array) out.push(l);
      } else {
        if (node.right) stack.push(node.right);
        if (node.left) stack.push(node.left);
      }
    }
    // now a leaf: its parts are let go
    this.array = out;
    this.left = undefined;
    this.right = undefined;
    this.pieces = 1;
    return out;
  }
}

/**
 * A `matches` value as a list (absent: empty). It is a MatchList, unless a regex has a group of
 * that name: its text then counts as its characters, as the engine has always spread it.
 */
export function matchListOf(v: unknown): MatchList {
  if (v instanceof MatchList) return v;
  if (v === undefined || v === null) return MatchList.EMPTY;
  if (Array.isArray(v)) return MatchList.of(v as TupleLine[]);
  return MatchList.of([...(v as Iterable<TupleLine>)]);
}

/** Reads a list key as fail2ban has it: an array (or whatever else a capture put there). */
function listAccessor(key: symbol): PropertyDescriptor {
  return {
    get(this: Record<symbol, unknown>) {
      const v = this[key];
      return v instanceof MatchList ? v.toArray() : v;
    },
    set(this: Record<symbol, unknown>, v: unknown) {
      this[key] = v;
    },
    enumerable: false,
  };
}

type Obj = Record<string | symbol, unknown>;
type FailConstructor = { new (): Obj; prototype: object };

/**
 * The failures of one filter: their keys (in order), their prototype (with the list accessors;
 * without Object.prototype when a key is named like one of its properties), how a match of a
 * regex becomes one, and how one is copied.
 */
export class FailKind {
  readonly keys: readonly string[];
  private readonly F: FailConstructor;
  /** A shallow copy (Python's `dict.copy()`): the lists are immutable, shared. */
  readonly copy: <T extends object>(fail: T) => T;

  constructor(keys: readonly string[], protoFree: boolean) {
    this.keys = keys.filter((k) => k !== "matches" && k !== "nofail-matches");
    const proto = Object.create(protoFree ? null : Object.prototype, {
      matches: listAccessor(MATCHES),
      "nofail-matches": listAccessor(NOFAIL_MATCHES),
    }) as object;
    // Generated so that every store is a named store on one hidden class; names are quoted
    // with JSON.stringify, so no pattern text reaches the code as code.
    const init = this.keys.map((k) => `this[${JSON.stringify(k)}] = undefined;`).join("\n");
    const F = new Function(
      "M",
      "N",
      `return function Fail() {\n${init}\nthis[M] = undefined;\nthis[N] = undefined;\n};`,
    )(MATCHES, NOFAIL_MATCHES) as FailConstructor;
    F.prototype = proto;
    this.F = F;
    const copyBody = this.keys
      .map((k) => `o[${JSON.stringify(k)}] = g[${JSON.stringify(k)}];`)
      .join("\n");
    this.copy = new Function(
      "F",
      "M",
      "N",
      `return function copy(g) {\nconst o = new F();\n${copyBody}\no[M] = g[M];\no[N] = g[N];\nreturn o;\n};`,
    )(F, MATCHES, NOFAIL_MATCHES) as <T extends object>(fail: T) => T;
  }

  /**
   * `into[k] = from[k]` for each of `keys` whose value in `from` is neither undefined nor null
   * (a failure merged into the one pending for its multi-line id), as named accesses.
   */
  merger(keys: readonly string[]): (from: Obj, into: Obj) => void {
    const body = keys.map((k, i) => {
      const ref =
        k === "matches" ? "[M]" : k === "nofail-matches" ? "[N]" : `[${JSON.stringify(k)}]`;
      return `const v${i} = from${ref};\nif (v${i} !== undefined && v${i} !== null) into${ref} = v${i};`;
    });
    return new Function("M", "N", `return function merge(from, into) {\n${body.join("\n")}\n};`)(
      MATCHES,
      NOFAIL_MATCHES,
    ) as (from: Obj, into: Obj) => void;
  }

  /**
   * The prefregex's captures taken by a failure: each of `keys`, always when `always[i]` (a key
   * the failregex never sets), else only when the failure has no value for it (an alt_ target its
   * group did not set). `pre` undefined gives undefined values.
   */
  prefTaker(
    keys: readonly string[],
    always: readonly boolean[],
  ): (fail: Obj, pre: Obj | undefined) => void {
    const body = keys.map((k, i) => {
      const ref = `[${JSON.stringify(k)}]`;
      const take = `fail${ref} = pre === undefined ? undefined : pre${ref};`;
      return always[i] ? take : `if (fail${ref} === undefined) ${take}`;
    });
    return new Function(`return function take(fail, pre) {\n${body.join("\n")}\n};`)() as (
      fail: Obj,
      pre: Obj | undefined,
    ) => void;
  }

  /** How a match (groups by JavaScript number) of a regex with these named groups becomes a failure. */
  builder(slots: readonly [name: string, jsIndex: number][]): (m: RegExpExecArray) => Obj {
    const store = slots.map(([n, i]) => {
      if (n === "matches") return `o[M] = m[${i}];`;
      return `o[${JSON.stringify(n)}] = m[${i}];`;
    });
    return new Function(
      "F",
      "M",
      `return function build(m) {\nconst o = new F();\n${store.join("\n")}\nreturn o;\n};`,
    )(this.F, MATCHES) as (m: RegExpExecArray) => Obj;
  }
}
