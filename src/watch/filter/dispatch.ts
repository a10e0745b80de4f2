/**
 * Which failregexes can match a buffer. A fail2ban filter is a list of regexes anchored at the
 * start of the (prefregex-cut) line (`^Failed …`, `^User … not allowed because …`), tried in turn
 * on every line; most are ruled out by the first character alone, most of the rest by a literal
 * they must start with or contain (regex/prefilter.ts). The candidates are looked up by the first
 * character in a table built once, then those checks run, each distinct prefix once per buffer
 * (six sshd regexes start with `User `). Exact: a regex left out cannot match.
 */

/** What a regex needs of a buffer (see regex/prefilter.ts); `""`: no such check. */
export interface RegexNeeds {
  /** The code points a match starts with; undefined for "any". */
  first: ReadonlySet<number> | undefined;
  prefix: string;
  needle: string;
}

const NONE: readonly number[] = Object.freeze([]);

/** `s.startsWith(prefix)` for a short prefix: a plain loop, quicker on the sliced buffers. */
function startsWith(s: string, prefix: string): boolean {
  if (s.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    if (s.charCodeAt(i) !== prefix.charCodeAt(i)) return false;
  }
  return true;
}

interface Entry {
  index: number;
  /** Index into the distinct prefixes, -1 for none. */
  prefix: number;
  needle: string;
}

export class FirstCharDispatch {
  /** Candidates by first UTF-16 unit below 128, then those for an empty buffer. */
  private readonly table: Entry[][] = [];
  private readonly entries: Entry[];
  private readonly prefixes: string[] = [];
  /** Per distinct prefix: the call that last tested it (a stamp), and the answer. */
  private readonly testedAt: Uint32Array;
  private readonly holds: Uint8Array;
  private stamp = 0;

  constructor(private readonly needs: readonly RegexNeeds[]) {
    this.entries = needs.map((n, index) => {
      let prefix = -1;
      if (n.prefix) {
        prefix = this.prefixes.indexOf(n.prefix);
        if (prefix < 0) prefix = this.prefixes.push(n.prefix) - 1;
      }
      return { index, prefix, needle: n.needle };
    });
    for (let c = 0; c < 128; c++) this.table.push(this.starting((f) => f.has(c)));
    // an empty buffer: only regexes that can start with anything (and need no prefix)
    this.table.push(this.starting(() => false).filter((e) => e.prefix < 0 && !e.needle));
    this.testedAt = new Uint32Array(this.prefixes.length);
    this.holds = new Uint8Array(this.prefixes.length);
  }

  private starting(test: (f: ReadonlySet<number>) => boolean): Entry[] {
    return this.entries.filter((e) => {
      const f = this.needs[e.index]?.first;
      return f === undefined || test(f);
    });
  }

  /** The indices, ascending, of the regexes that can match `buf`. */
  candidates(buf: string): readonly number[] {
    const c = buf.charCodeAt(0);
    let bucket: Entry[];
    if (c < 128) bucket = this.table[c] as Entry[];
    else if (buf.length === 0) bucket = this.table[128] as Entry[];
    else {
      const cp = buf.codePointAt(0) as number;
      bucket = this.starting((f) => f.has(cp));
    }
    let out: number[] | undefined;
    if (this.stamp === 0xffffffff) {
      this.stamp = 0;
      this.testedAt.fill(0);
    }
    const stamp = ++this.stamp;
    for (let i = 0; i < bucket.length; i++) {
      const e = bucket[i] as Entry;
      const p = e.prefix;
      if (p >= 0) {
        if (this.testedAt[p] !== stamp) {
          this.testedAt[p] = stamp;
          this.holds[p] = startsWith(buf, this.prefixes[p] as string) ? 1 : 0;
        }
        if (this.holds[p] === 0) continue;
      }
      if (e.needle && !buf.includes(e.needle)) continue;
      if (out === undefined) out = [e.index];
      else out.push(e.index);
    }
    return out ?? NONE;
  }
}
