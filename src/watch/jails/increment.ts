/**
 * `bantime.increment`, as fail2ban 1.0 computes it (server/jail.py setBanTimeExtra and
 * server/observer.py incrBanTime):
 *
 * - with `bantime.multipliers` (whole numbers): `bantime * factor * multipliers[min(count, n-1)]`;
 * - otherwise `max(bantime, formula)`, the default formula being
 *   `ban.Time * (1<<(ban.Count if ban.Count<20 else 20)) * banFactor`;
 * - then capped by `bantime.maxtime`, then `random() * bantime.rndtime` added.
 *
 * `ban.Count` is the number of earlier bans of the address (in this jail, or in all of them with
 * `bantime.overalljails`); the formula is only applied when it is above 0, so the first ban lasts
 * `bantime`, the second `2 × bantime`, the third `4 ×`...
 *
 * A `bantime.formula` is a Python expression; it is evaluated here by a small interpreter of the
 * arithmetic subset fail2ban's examples use (numbers, `ban.Time`, `ban.Count`, `banFactor`, the
 * operators, `x if c else y`, `math.*`, `min`/`max`/`abs`/`int`/`float`/`round`). Anything else
 * is rejected with a message when the jail is built, not when an attacker is banned.
 */

export interface BantimeIncrement {
  /** `bantime.factor` (a Python expression, default 1). */
  factor?: number;
  /** `bantime.formula`, when no multipliers. */
  formula?: string;
  /** `bantime.multipliers`. */
  multipliers?: number[];
  /** `bantime.maxtime`, seconds. */
  maxtime?: number;
  /** `bantime.rndtime`, seconds. */
  rndtime?: number;
  /** `bantime.overalljails`: count earlier bans of the address in every jail. */
  overalljails?: boolean;
}

export const DEFAULT_FORMULA = "ban.Time * (1<<(ban.Count if ban.Count<20 else 20)) * banFactor";

export interface BanTimeInput {
  /** The jail's bantime, seconds. */
  time: number;
  /** Earlier bans of the address. */
  count: number;
}

/** Build fail2ban's `evformula`: (bantime, count) → the new bantime in seconds. */
export function compileIncrement(
  inc: BantimeIncrement,
  random: () => number = Math.random,
): (ban: BanTimeInput) => number {
  const factor = inc.factor ?? 1;
  let f: (ban: BanTimeInput) => number;
  const multipliers = inc.multipliers ?? [];
  if (multipliers.length > 0) {
    f = (ban) =>
      ban.time *
      factor *
      (multipliers[ban.count < multipliers.length ? ban.count : multipliers.length - 1] as number);
  } else {
    const expr = compilePythonExpr(inc.formula ?? DEFAULT_FORMULA, [
      "ban.Time",
      "ban.Count",
      "banFactor",
    ]);
    f = (ban) =>
      Math.max(
        ban.time,
        toNumber(expr({ "ban.Time": ban.time, "ban.Count": ban.count, banFactor: factor })),
      );
  }
  if (inc.maxtime !== undefined) {
    const max = inc.maxtime;
    const g = f;
    f = (ban) => Math.min(g(ban), max);
  }
  if (inc.rndtime !== undefined) {
    const rnd = inc.rndtime;
    const g = f;
    f = (ban) => g(ban) + random() * rnd;
  }
  return f;
}

/** `bantime.factor` is evaluated as a Python expression (`2.0 / 2.885385`). */
export function evalFactor(text: string): number {
  return toNumber(compilePythonExpr(text, [])({}));
}

/**
 * How much each failure of an address banned `banCount` times before counts (observer.py
 * failureFound): `(1 << min(count, 20)) / 2 + 1`, at most maxretry; 1 for a clean address.
 */
export function failureWeight(banCount: number, maxretry: number): number {
  if (banCount <= 0) return 1;
  const w = (1 << Math.min(banCount, 20)) / 2 + 1;
  return Math.max(1, Math.min(w, maxretry));
}

// ---------------------------------------------------------------------------------------------
// A Python expression interpreter (the arithmetic subset)

type PyValue = number | boolean;
type Env = Record<string, number>;
type Node = (env: Env) => PyValue;

function toNumber(v: PyValue): number {
  return typeof v === "boolean" ? (v ? 1 : 0) : v;
}

function truthy(v: PyValue): boolean {
  return typeof v === "boolean" ? v : v !== 0;
}

function requireInt(v: PyValue, op: string): number {
  const n = toNumber(v);
  if (!Number.isInteger(n)) throw new Error(`unsupported operand for ${op}: float`);
  return n;
}

const FUNCTIONS: Record<string, (...a: number[]) => number> = {
  "math.exp": Math.exp,
  "math.log": (x, base) => (base === undefined ? Math.log(x) : Math.log(x) / Math.log(base)),
  "math.log2": Math.log2,
  "math.log10": Math.log10,
  "math.sqrt": Math.sqrt,
  "math.pow": Math.pow,
  "math.floor": Math.floor,
  "math.ceil": Math.ceil,
  "math.trunc": Math.trunc,
  "math.fabs": Math.abs,
  abs: Math.abs,
  int: Math.trunc,
  float: (x) => x,
  round: (x, nd) => {
    if (nd === undefined) return roundEven(x);
    const p = 10 ** nd;
    return roundEven(x * p) / p;
  },
  min: Math.min,
  max: Math.max,
  pow: Math.pow,
};
const CONSTANTS: Record<string, number> = { "math.e": Math.E, "math.pi": Math.PI };

function roundEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function pyFloorDiv(a: number, b: number): number {
  if (b === 0) throw new Error("division by zero");
  return Math.floor(a / b);
}

function pyMod(a: number, b: number): number {
  if (b === 0) throw new Error("modulo by zero");
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

const TOKEN_RE =
  /\s*(?:(\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z_0-9]*(?:\.[A-Za-z_][A-Za-z_0-9]*)*)|(\*\*|\/\/|<<|>>|<=|>=|==|!=|[-+*/%()<>,&|^~]))/y;

/**
 * Compile a Python arithmetic expression over the given names into a function. Throws an Error
 * naming what is not supported.
 */
export function compilePythonExpr(source: string, names: readonly string[]): Node {
  const tokens: string[] = [];
  TOKEN_RE.lastIndex = 0;
  let pos = 0;
  while (pos < source.length) {
    if (/^\s*$/.test(source.slice(pos))) break;
    TOKEN_RE.lastIndex = pos;
    const m = TOKEN_RE.exec(source);
    if (!m) throw new Error(`cannot read the formula at '${source.slice(pos).trim()}'`);
    tokens.push((m[1] ?? m[2] ?? m[3]) as string);
    pos = TOKEN_RE.lastIndex;
  }
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const expect = (t: string) => {
    if (tokens[i] !== t)
      throw new Error(`expected '${t}' in the formula, found '${tokens[i] ?? "end"}'`);
    i++;
  };

  // precedence (low → high): if-else, or, and, not, comparisons, |, ^, &, << >>, + -, * / // %,
  // unary, **
  const ternary = (): Node => {
    const a = orExpr();
    if (peek() === "if") {
      next();
      const cond = orExpr();
      expect("else");
      const b = ternary();
      return (env) => (truthy(cond(env)) ? a(env) : b(env));
    }
    return a;
  };
  const orExpr = (): Node => {
    let a = andExpr();
    while (peek() === "or") {
      next();
      const l = a;
      const r = andExpr();
      a = (env) => {
        const v = l(env);
        return truthy(v) ? v : r(env);
      };
    }
    return a;
  };
  const andExpr = (): Node => {
    let a = notExpr();
    while (peek() === "and") {
      next();
      const l = a;
      const r = notExpr();
      a = (env) => {
        const v = l(env);
        return truthy(v) ? r(env) : v;
      };
    }
    return a;
  };
  const notExpr = (): Node => {
    if (peek() === "not") {
      next();
      const a = notExpr();
      return (env) => !truthy(a(env));
    }
    return comparison();
  };
  const COMPARE: Record<string, (a: number, b: number) => boolean> = {
    "<": (a, b) => a < b,
    "<=": (a, b) => a <= b,
    ">": (a, b) => a > b,
    ">=": (a, b) => a >= b,
    "==": (a, b) => a === b,
    "!=": (a, b) => a !== b,
  };
  const comparison = (): Node => {
    const first = bitOr();
    const ops: [(a: number, b: number) => boolean, Node][] = [];
    for (let t = peek(); t !== undefined && COMPARE[t]; t = peek()) {
      next();
      ops.push([COMPARE[t] as (a: number, b: number) => boolean, bitOr()]);
    }
    if (ops.length === 0) return first;
    // chained like Python: a < b < c
    return (env) => {
      let left = toNumber(first(env));
      for (const [op, node] of ops) {
        const right = toNumber(node(env));
        if (!op(left, right)) return false;
        left = right;
      }
      return true;
    };
  };
  const binary = (
    sub: () => Node,
    ops: Record<string, (a: PyValue, b: PyValue) => PyValue>,
  ): (() => Node) => {
    return () => {
      let a = sub();
      for (let t = peek(); t !== undefined && ops[t]; t = peek()) {
        next();
        const op = ops[t] as (a: PyValue, b: PyValue) => PyValue;
        const l = a;
        const r = sub();
        a = (env) => op(l(env), r(env));
      }
      return a;
    };
  };
  const power = (): Node => {
    const base = atom();
    if (peek() === "**") {
      next();
      const exp = unary();
      return (env) => toNumber(base(env)) ** toNumber(exp(env));
    }
    return base;
  };
  const unary = (): Node => {
    const t = peek();
    if (t === "-" || t === "+" || t === "~") {
      next();
      const a = unary();
      if (t === "-") return (env) => -toNumber(a(env));
      if (t === "~") return (env) => ~requireInt(a(env), "~");
      return (env) => toNumber(a(env));
    }
    return power();
  };
  const term = binary(unary, {
    "*": (a, b) => toNumber(a) * toNumber(b),
    "/": (a, b) => {
      if (toNumber(b) === 0) throw new Error("division by zero");
      return toNumber(a) / toNumber(b);
    },
    "//": (a, b) => pyFloorDiv(toNumber(a), toNumber(b)),
    "%": (a, b) => pyMod(toNumber(a), toNumber(b)),
  });
  const arith = binary(term, {
    "+": (a, b) => toNumber(a) + toNumber(b),
    "-": (a, b) => toNumber(a) - toNumber(b),
  });
  const shift = binary(arith, {
    "<<": (a, b) => requireInt(a, "<<") * 2 ** requireInt(b, "<<"),
    ">>": (a, b) => Math.floor(requireInt(a, ">>") / 2 ** requireInt(b, ">>")),
  });
  const bitAnd = binary(shift, { "&": (a, b) => requireInt(a, "&") & requireInt(b, "&") });
  const bitXor = binary(bitAnd, { "^": (a, b) => requireInt(a, "^") ^ requireInt(b, "^") });
  const bitOr = binary(bitXor, { "|": (a, b) => requireInt(a, "|") | requireInt(b, "|") });

  function atom(): Node {
    const t = next();
    if (t === undefined) throw new Error("the formula ends too early");
    if (t === "(") {
      const a = ternary();
      expect(")");
      return a;
    }
    if (/^[\d.]/.test(t)) {
      const v = Number(t);
      return () => v;
    }
    if (t === "True" || t === "False") {
      const v = t === "True";
      return () => v;
    }
    if (/^[A-Za-z_]/.test(t)) {
      if (peek() === "(") {
        const fn = FUNCTIONS[t];
        if (!fn) throw new Error(`function '${t}' is not supported in a bantime formula`);
        next();
        const args: Node[] = [];
        if (peek() !== ")") {
          for (;;) {
            args.push(ternary());
            if (peek() === ",") {
              next();
              continue;
            }
            break;
          }
        }
        expect(")");
        return (env) => fn(...args.map((a) => toNumber(a(env))));
      }
      if (names.includes(t)) return (env) => env[t] as number;
      const c = CONSTANTS[t];
      if (c !== undefined) return () => c;
      throw new Error(`name '${t}' is not known in a bantime formula`);
    }
    throw new Error(`unexpected '${t}' in the formula`);
  }

  const root = ternary();
  if (i < tokens.length) throw new Error(`unexpected '${tokens[i]}' in the formula`);
  return root;
}
