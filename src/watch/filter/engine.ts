/**
 * fail2ban's Filter (server/filter.py, version 1.0.2 as Debian ships it), ported for exactness:
 * the date cut from the line, `prefregex` with `<F-CONTENT>`, every `failregex` in order,
 * `ignoreregex`, the `maxlines` buffer with `<SKIPLINES>`, and the multi-line failure ids
 * (`<F-MLFID>` with `<F-NOFAIL>`, `<F-MLFFORGET>`, `<F-MLFGAINED>`) that gather the lines of a
 * session into one failure.
 *
 * Times are epoch seconds here, as in fail2ban; the public API (index.ts) speaks milliseconds.
 */

import { isAsciiText } from "../regex/unicode.js";
import { DateDetector } from "./datedetector.js";
import { FirstCharDispatch } from "./dispatch.js";
import { FailKind, MATCHES, matchListOf, NOFAIL_MATCHES } from "./faildata.js";
import {
  clashesWithObject,
  FailRegex,
  type Groups,
  type GroupValue,
  Regex,
  type RegexOptions,
  type TupleLine,
  tupleLinesBuf,
} from "./failregex.js";
import type { TimeContext } from "./strptime.js";

/**
 * fail2ban's `fail` dict: the captures, plus what the filter adds (`matches`, `users`...). Every
 * failure of a filter has every key its regexes and the engine can set (faildata.ts); a key not
 * set, or one fail2ban pops, is undefined (same for every lookup; cheaper than `delete`); both
 * undefined and null read as Python's None. `matches` and `nofail-matches` are accessors that
 * give arrays (not own keys: left out of Object.keys and JSON).
 */
export interface FailData {
  [key: string]: unknown;
  /** The lines gathered (an accessor: kept as a MatchList under {@link MATCHES}). */
  matches?: TupleLine[];
  users?: Set<string>;
  [MATCHES]?: unknown;
  [NOFAIL_MATCHES]?: unknown;
}

/**
 * What the caller may know of a line that spares work: whether it is made of ASCII characters
 * only, the line followed by "\n" as one string, when it was received (epoch ms; else the clock is
 * read).
 */
export interface LineHints {
  ascii?: boolean | undefined;
  withNewline?: string | undefined;
  receivedAt?: number | undefined;
}

/** One entry of processLine's result: `[failRegexIndex, fid, date, fail]`. */
export interface RawFailure {
  regexIndex: number;
  /** The failure id (address or `<F-ID>`); null while a multi-line failure is pending. */
  fid: string | null;
  /** Epoch seconds; undefined when the line has no date and none could be assumed. */
  date: number | undefined;
  fail: FailData;
}

/** Utils.Cache: a small FIFO cache with a time to live (real time, as fail2ban's). */
class TtlCache<V> {
  private readonly map = new Map<string, [V, number]>();
  constructor(
    private readonly maxCount: number,
    private readonly maxTime: number,
    private readonly clock: () => number,
  ) {}
  get size(): number {
    return this.map.size;
  }
  get(k: string): V | undefined {
    const v = this.map.get(k);
    if (v) {
      if (v[1] > this.clock()) return v[0];
      this.map.delete(k);
    }
    return undefined;
  }
  set(k: string, v: V): void {
    const t = this.clock();
    if (this.map.size >= this.maxCount) {
      for (const [ck, cv] of this.map) {
        this.map.delete(ck);
        if (cv[1] > t && this.map.size < this.maxCount) break;
      }
    }
    this.map.set(k, [v, t + this.maxTime]);
  }
  unset(k: string): void {
    this.map.delete(k);
  }
}

export interface EngineOptions {
  /** "Now" in epoch seconds (MyTime.time()); default the real clock. */
  now?: () => number;
  /** Zone of wall-clock times without an explicit zone (IANA name). */
  zone: string;
  /** fail2ban's `logtimezone` (fixed offset, minutes east of UTC). */
  logTimeZone?: number | undefined;
  useDns?: string;
  /** fail2ban's returnRawHost (host names are never resolved here: kept raw either way). */
  returnRawHost?: boolean;
  /** Try every failregex on a line, not only up to the first that matches (fail2ban-regex). */
  checkAllRegex?: boolean;
  /** Drop failures still waiting for an address (multi-line), as the fail2ban server does. */
  ignorePending?: boolean;
  /** Replace odd timestamps by "now" (fail2ban's server in operation mode). */
  checkFindTime?: boolean;
  unsafe?: RegexOptions["unsafe"];
  /** Called with the index of an ignoreregex that matched. */
  onIgnoreRegex?: (index: number) => void;
}

/** The keys the engine sets on a failure besides the captures. */
const ENGINE_KEYS = [
  "users",
  "matches",
  "nofail-matches",
  "mlfpending",
  "ip",
  "nofail",
  "mlfforget",
  "mlfgained",
];

/**
 * Per failregex, made once: the merge into a pending multi-line failure of the keys it copies,
 * and the prefregex captures a failure takes, in order (keys the failregex never has always; its
 * alt_ targets, present only when their group matched, when absent; keys it always has never:
 * its own groups win, even when None). See FailKind.
 */
interface MergePlan {
  merge: (from: FailData, into: FailData) => void;
  takePref: (fail: FailData, pre: Groups | undefined) => void;
}

const CIDR_RAW = -2;
const CIDR_UNSPEC = -1;

export class FilterEngine {
  private prefRegex: Regex | undefined;
  readonly failRegex: FailRegex[] = [];
  readonly ignoreRegex: Regex[] = [];
  private lineBufferSize = 1;
  private lineBuffer: TupleLine[] = [];
  private lastTimeText = "";
  /**
   * NaN for none: a field that only ever holds numbers is stored in place (one that may be
   * undefined gets a fresh heap number for each epoch written, every line).
   */
  private lastDate = Number.NaN;
  dateDetector: DateDetector | null;
  private readonly mlfidCache: TtlCache<[number | undefined, FailData]>;
  private readonly opts: Required<Omit<EngineOptions, "logTimeZone" | "onIgnoreRegex" | "unsafe">> &
    EngineOptions;
  private prefHasGroups = false;
  private prefKeys: string[] = [];
  /** By failregex index, made on first use (see {@link planOf}). */
  private plans: (MergePlan | undefined)[] = [];
  /** Candidate failregexes by first character (built on first use). */
  private dispatch: FirstCharDispatch | undefined;
  /** What failures are made of (faildata.ts). */
  private failKind = new FailKind(ENGINE_KEYS, false);

  /** What merging a failure of failregex `idx` takes (see {@link MergePlan}); made once. */
  private planOf(idx: number, failRegex: FailRegex): MergePlan {
    const made = this.plans[idx];
    if (made) return made;
    const prefTaken = this.prefKeys.filter((k) => !failRegex.alwaysKeys.has(k));
    const plan: MergePlan = {
      merge: this.failKind.merger([
        ...new Set([...failRegex.keys, ...this.prefKeys, "nofail", "mlfforget", "mlfgained"]),
      ]) as MergePlan["merge"],
      takePref: this.failKind.prefTaker(
        prefTaken,
        prefTaken.map((k) => !failRegex.keys.includes(k)),
      ) as MergePlan["takePref"],
    };
    this.plans[idx] = plan;
    return plan;
  }

  /** How many lines matched the prefregex. */
  prefMatched = 0;

  /**
   * Real time (epoch seconds), read once per line: fail2ban reads its clock several times a line
   * (date inference, the date templates' last use, the multi-line cache's expiry); here one read,
   * microseconds apart from those, serves them all (a read costs tens of nanoseconds).
   */
  private wall = Date.now() / 1000;

  constructor(opts: EngineOptions) {
    this.opts = {
      now: () => this.wall,
      useDns: "warn",
      returnRawHost: true,
      checkAllRegex: false,
      ignorePending: true,
      checkFindTime: false,
      ...opts,
    };
    this.dateDetector = new DateDetector(() => this.wall);
    this.mlfidCache = new TtlCache(100, 5 * 60, () => this.wall);
  }

  private regexOpts(multiline: boolean): RegexOptions {
    const o: RegexOptions = { multiline, useDns: this.opts.useDns };
    if (this.opts.unsafe) o.unsafe = this.opts.unsafe;
    return o;
  }

  setMaxLines(n: number): void {
    if (!(n > 0)) throw new Error("maxlines must be integer greater than zero");
    this.lineBufferSize = n;
  }

  get maxLines(): number {
    return this.lineBufferSize;
  }

  setPrefRegex(value: string | undefined): void {
    this.prefRegex = value ? new Regex(value, this.regexOpts(false)) : undefined;
    // fail2ban merges the prefregex groups when there are any besides <F-CONTENT>
    this.prefHasGroups = [...(this.prefRegex?.py.translation.groupNames.keys() ?? [])].some(
      (n) => n !== "content",
    );
    this.prefKeys = (this.prefRegex?.keys ?? []).filter((k) => k !== "content");
    this.syncGroupObjects();
  }

  get prefregex(): Regex | undefined {
    return this.prefRegex;
  }

  addFailRegex(value: string): void {
    this.dispatch = undefined;
    this.failRegex.push(
      new FailRegex(value, this.prefRegex, this.regexOpts(this.lineBufferSize > 1)),
    );
    this.syncGroupObjects();
  }

  addIgnoreRegex(value: string): void {
    this.ignoreRegex.push(new Regex(value, this.regexOpts(false)));
    this.syncGroupObjects();
  }

  /**
   * Captures of all regexes meet in one failure: one kind of capture object for all
   * (failregex.ts), and failures of one shape: every key any failregex, the prefregex or the
   * engine can set (a failure pending in the multi-line cache takes keys of every regex that
   * adds to it).
   */
  private syncGroupObjects(): void {
    const all = [
      ...(this.prefRegex ? [this.prefRegex] : []),
      ...this.failRegex,
      ...this.ignoreRegex,
    ];
    const protoFree = all.some((r) => r.keys.some(clashesWithObject));
    const shape = [
      ...new Set([...this.failRegex.flatMap((r) => r.keys), ...this.prefKeys, ...ENGINE_KEYS]),
    ];
    this.failKind = new FailKind(shape, protoFree);
    this.plans = [];
    this.prefRegex?.setObjectKind(protoFree);
    for (const r of this.ignoreRegex) r.setObjectKind(protoFree);
    for (const r of this.failRegex) r.setObjectKind(protoFree, this.failKind);
  }

  /** setDatePattern: one template per non-empty line; null for "no date detection". */
  setDatePattern(pattern: string | null): void {
    if (pattern === null) {
      this.dateDetector = null;
      return;
    }
    const dd = new DateDetector(() => this.wall);
    dd.defaultTz = this.opts.logTimeZone;
    for (const p of pattern.split(/\n+/).map((s) => s.trim())) {
      if (p) dd.appendTemplate(p);
    }
    this.dateDetector = dd;
  }

  private now(): number {
    return this.opts.now();
  }

  /** One object for the filter's life (date templates cache per context object). */
  private readonly ctx: TimeContext = { now: 0, zone: "", defaultTz: undefined };

  private timeContext(): TimeContext {
    this.ctx.now = this.now();
    this.ctx.zone = this.opts.zone;
    this.ctx.defaultTz = this.opts.logTimeZone;
    return this.ctx;
  }

  /**
   * processLine: find the date in `line` (or take `date`, for journal entries given as a tuple)
   * and look for failures.
   */
  processLine(line: string | TupleLine, date0?: number, hints?: LineHints): RawFailure[] {
    this.wall = (hints?.receivedAt ?? Date.now()) / 1000;
    let date = date0;
    let tupleLine: TupleLine;
    let noDate = false;
    const text = typeof line === "string" ? line : line.join("");
    const ascii = hints?.ascii ?? isAsciiText(text);
    const withNewline = hints?.withNewline;
    let textNl: string;
    /** tupleLinesBuf([tupleLine]) when it can be had without a copy. */
    let buf1: string | undefined;
    if (date !== undefined && typeof line !== "string") {
      tupleLine = line;
      this.lastTimeText = line[1];
      this.lastDate = date;
    } else {
      // the line and its newline in one flat string: the buffer is then a slice of it (a buffer
      // built by concatenation is copied again by the first regex run over it)
      textNl =
        withNewline !== undefined && withNewline.length === text.length + 1
          ? withNewline
          : `${text}\n`;
      const dd = this.dateDetector;
      const timeMatch = dd ? dd.matchTime(text, ascii) : undefined;
      if (dd && timeMatch) {
        const s = timeMatch.start1;
        const e = timeMatch.end1;
        const m = timeMatch.text1 ?? text.slice(s, e);
        tupleLine = [text.slice(0, s), m, text.slice(e)];
        if (s === 0) buf1 = textNl.slice(e);
        if (m) {
          const d = dd.getTime(timeMatch, this.timeContext());
          if (d !== undefined) {
            date = d;
            this.lastTimeText = m;
            this.lastDate = d;
          }
        } else if (this.lastDate > this.now() - 60) {
          tupleLine = ["", this.lastTimeText, text];
          buf1 = textNl;
          date = this.lastDate;
        } else {
          date = this.now();
        }
      } else {
        tupleLine = ["", "", text];
        buf1 = textNl;
      }
      if (date === undefined) {
        noDate = true;
        if (this.lastDate > this.now() - 60) {
          tupleLine = ["", this.lastTimeText, text];
          buf1 = textNl;
          date = this.lastDate;
        } else if (this.opts.checkFindTime) {
          date = this.now();
        }
      }
    }
    if (this.opts.checkFindTime && date !== undefined) {
      const delta = Math.trunc(date - this.now());
      if (Math.abs(delta) > 60) {
        date = this.now();
        this.lastDate = date;
      }
    }
    return this.findFailures(tupleLine, date, noDate, buf1, ascii);
  }

  /** _ignoreLine: index of the first ignoreregex that matches, or null. */
  private ignoreLine(
    buf0: string,
    orgBuffer0: TupleLine[],
    failRegex?: FailRegex,
    ascii?: boolean,
  ): number | null {
    let buf = buf0;
    let orgBuffer = orgBuffer0;
    if (failRegex && this.lineBufferSize > 1) {
      orgBuffer = failRegex.getMatchedTupleLines();
      buf = tupleLinesBuf(orgBuffer);
    }
    let fnd: number | null = null;
    for (let i = 0; i < this.ignoreRegex.length; i++) {
      const ignoreRegex = this.ignoreRegex[i];
      if (!ignoreRegex) continue;
      ignoreRegex.search(buf, orgBuffer, false, ascii);
      if (ignoreRegex.hasMatched()) {
        fnd = i;
        this.opts.onIgnoreRegex?.(i);
        if (!this.opts.checkAllRegex) break;
      }
    }
    return fnd;
  }

  private static updateUsers(fail: FailData, user: unknown): Set<string> | undefined {
    let users = fail.users;
    if (user) {
      if (!users || users.size === 0) {
        users = new Set();
        fail.users = users;
      }
      users.add(asText(user));
      return users;
    }
    return users;
  }

  private mergeFailure(
    mlfid: string,
    fail0: FailData,
    failRegex: FailRegex,
    plan: MergePlan,
  ): FailData {
    let fail = fail0;
    const mlfidFail = this.mlfidCache.size ? this.mlfidCache.get(mlfid) : undefined;
    let users: Set<string> | undefined;
    let nfflgs = 0;
    if (fail.mlfgained) {
      nfflgs |= 8 | 1;
      if (!fail.nofail) fail.nofail = fail.mlfgained;
    } else if (fail.nofail) nfflgs |= 1;
    const forget = fail.mlfforget;
    fail.mlfforget = undefined;
    if (forget) nfflgs |= 2;
    if (mlfidFail) {
      const mlfidGroups = mlfidFail[1];
      users = FilterEngine.updateUsers(mlfidGroups, fail.user);
      const nf = mlfidGroups.nofail;
      mlfidGroups.nofail = undefined;
      if (nf) nfflgs |= 4;
      const gained = mlfidGroups.mlfgained;
      mlfidGroups.mlfgained = undefined;
      if (gained) nfflgs |= 4;
      if (nfflgs & 8) mlfidGroups.mlfpending = undefined;
      if ((nfflgs & 4) === 0 && !mlfidGroups.mlfpending) mlfidGroups[MATCHES] = undefined;
      plan.merge(fail, mlfidGroups);
      fail = mlfidGroups;
      if (nfflgs & 2) this.mlfidCache.unset(mlfid);
    } else if (!(nfflgs & 2)) {
      users = FilterEngine.updateUsers(fail, fail.user);
      this.mlfidCache.set(mlfid, [this.lastDate, fail]);
    }
    const pending = fail.mlfpending;
    fail.mlfpending = undefined;
    if (pending || (users && users.size > 1)) {
      fail.nofail = undefined;
      fail.mlfgained = undefined;
      nfflgs &= ~(8 | 1);
    }
    if ((nfflgs & 1) === 0) {
      const nofailMatches = matchListOf(fail[NOFAIL_MATCHES]);
      fail[NOFAIL_MATCHES] = undefined;
      const joined = nofailMatches.concat(matchListOf(fail[MATCHES]));
      fail[MATCHES] = (nfflgs & 8) === 0 ? joined.concat(failRegex.getMatchedLineList()) : joined;
    } else if ((nfflgs & 3) === 1) {
      fail[NOFAIL_MATCHES] = matchListOf(fail[NOFAIL_MATCHES]).concat(
        failRegex.getMatchedLineList(),
      );
    }
    return fail;
  }

  /** findFailure: the failures `tupleLine` (with the lines buffered before it) gives. */
  findFailure(tupleLine: TupleLine, date: number | undefined, noDate = false): RawFailure[] {
    this.wall = Date.now() / 1000;
    return this.findFailures(tupleLine, date, noDate);
  }

  private findFailures(
    tupleLine: TupleLine,
    date: number | undefined,
    noDate: boolean,
    /** tupleLinesBuf([tupleLine]), when the caller has it. */
    buf1?: string,
    /** Whether the line is made of ASCII characters only (undefined: not known). */
    lineAscii?: boolean,
  ): RawFailure[] {
    // mostly empty or of one entry: made when the first entry comes, of its size
    let failList: RawFailure[] | undefined;
    const checkAll = this.opts.checkAllRegex;
    const defcidr = this.opts.useDns === "raw" || this.opts.returnRawHost ? CIDR_RAW : CIDR_UNSPEC;
    let orgBuffer: TupleLine[];
    // the lines kept, read and replaced here as a local: written back (multi-line) when done, so
    // a line's fresh arrays are not stored into this long-lived object (a write barrier each)
    const multi = this.lineBufferSize > 1;
    let lineBuffer: TupleLine[];
    if (multi) {
      this.lineBuffer.push(tupleLine);
      lineBuffer = this.lineBuffer.slice(-this.lineBufferSize);
    } else lineBuffer = [tupleLine];
    orgBuffer = lineBuffer;
    /** Set when the prefregex cut the line to its content, until the lines are read. */
    let contentLine: string | undefined;
    try {
      let buf: string | null =
        buf1 !== undefined && orgBuffer.length === 1 ? buf1 : tupleLinesBuf(orgBuffer);
      // every buffer below is made of this line alone (or of parts of it) when lines are not kept
      const ascii = this.lineBufferSize === 1 ? lineAscii : undefined;

      if (this.ignoreRegex.length && this.ignoreRegex.length < this.failRegex.length - 2) {
        if (this.ignoreLine(buf, orgBuffer, undefined, ascii) !== null) return failList ?? [];
      }

      let preGroups: Groups | undefined;
      if (this.prefRegex) {
        this.prefRegex.search(buf, orgBuffer, false, ascii);
        if (!this.prefRegex.hasMatched()) return failList ?? [];
        this.prefMatched++;
        preGroups = this.prefRegex.getGroups();
        const repl = preGroups.content;
        preGroups.content = undefined;
        if (repl) {
          const content = asText(repl);
          // the lines are then this content alone: made only if read (seldom: see below)
          contentLine = content;
          buf = contentBuf(this.prefRegex, buf, content);
        }
      }

      // only the failregexes that can match the buffer (the others would not match: `continue`)
      this.dispatch ??= new FirstCharDispatch(this.failRegex.map((r) => r.needs));
      let cands = this.dispatch.candidates(buf);
      let k = 0;
      let last = -1;
      for (;;) {
        if (buf === null) {
          // the buffer changed (lines taken by a match): its own candidates, after the last tried
          if (contentLine !== undefined) {
            lineBuffer = [["", "", contentLine]];
            contentLine = undefined;
          }
          buf = tupleLinesBuf(lineBuffer);
          cands = this.dispatch.candidates(buf);
          k = 0;
          while (k < cands.length && (cands[k] as number) <= last) k++;
        }
        if (k >= cands.length) break;
        const idx = cands[k++] as number;
        last = idx;
        const failRegex = this.failRegex[idx];
        if (!failRegex) continue;
        failRegex.search(buf, orgBuffer, true, ascii);
        if (!failRegex.hasMatched()) continue;
        let fail: FailData = failRegex.getGroups();
        if (this.ignoreRegex.length && this.ignoreLine(buf, orgBuffer, failRegex, ascii) !== null) {
          if (!checkAll || multi) {
            lineBuffer = failRegex.getUnmatchedTupleLines();
            contentLine = undefined;
          }
          buf = null;
          if (!checkAll) break;
          continue;
        }
        if (noDate && date === undefined && this.opts.checkFindTime) continue;
        if (!checkAll || multi) {
          lineBuffer = failRegex.getUnmatchedTupleLines();
          contentLine = undefined;
          buf = null;
        }
        let cidr = defcidr;
        let raw = defcidr === CIDR_RAW;
        if (this.prefHasGroups) {
          // preGroups.copy().update(fail): the failregex's own groups win, even when None
          // (an alt_ target the failregex did not set is undefined: every failure has every key)
          this.planOf(idx, failRegex).takePref(fail, preGroups);
        }
        const mlfid = fail.mlfid as GroupValue | undefined;
        if (mlfid !== null && mlfid !== undefined) {
          fail = this.mergeFailure(asText(mlfid), fail, failRegex, this.planOf(idx, failRegex));
          if (fail.nofail) {
            if (!checkAll) return failList ?? [];
          }
        } else {
          fail[MATCHES] = matchListOf(fail[MATCHES]).concat(failRegex.getMatchedLineList());
        }
        let fid = (fail.fid as string | null | undefined) ?? null;
        let ip = (fail.ip4 as string | null | undefined) ?? null;
        if (ip !== null) {
          cidr = fail.cidr ? Number(fail.cidr) : -4;
          raw = true;
        } else {
          ip = (fail.ip6 as string | null | undefined) ?? null;
          if (ip !== null) {
            cidr = fail.cidr ? Number(fail.cidr) : -12;
            raw = true;
          } else {
            ip = (fail.dns as string | null | undefined) ?? null;
            if (ip === null) {
              if (fid === null && (mlfid === null || mlfid === undefined))
                fid = failRegex.getFailID();
              ip = fid;
              raw = true;
            }
          }
        }
        // fail2ban's list of ids has a single one here (host names are not resolved)
        let outFid: string | null;
        if (ip === null) {
          fail.mlfpending = 1;
          if (!checkAll && this.opts.ignorePending) return failList ?? [];
          outFid = null;
        } else if (raw) {
          if (fid === null || fid === ip) fid = withCidr(ip, cidr);
          else fail.ip = withCidr(ip, cidr);
          outFid = fid;
        } else {
          // fail2ban resolves host names here (usedns=yes/warn); the watcher keeps them raw
          outFid = ip;
        }
        if (checkAll && mlfid !== null && mlfid !== undefined) fail = this.failKind.copy(fail);
        const entry: RawFailure = { regexIndex: idx, fid: outFid, date, fail };
        if (failList === undefined) failList = [entry];
        else failList.push(entry);
        if (!checkAll) break;
      }
      return failList ?? [];
    } finally {
      if (multi) this.lineBuffer = contentLine === undefined ? lineBuffer : [["", "", contentLine]];
    }
  }
}

/**
 * tupleLinesBuf of the single line `content` (`content` + "\n"): when the prefregex's match ends
 * with `content` right before the buffer's last newline, that tail of the buffer as it is (a
 * slice: no copy of the text, which the next regex would otherwise have to flatten).
 */
function contentBuf(prefRegex: Regex, buf: string, content: string): string {
  const m = prefRegex.lastMatch;
  if (m && prefRegex.contentAtEnd) {
    const end = m.index + m[0].length;
    if (end === buf.length - 1 && buf.charCodeAt(end) === 10)
      return buf.slice(end - content.length);
  }
  return `${content}\n`;
}

/** A capture as text: most are strings already (`String()` on them still costs a call). */
function asText(v: unknown): string {
  return typeof v === "string" ? v : String(v);
}

/** IPAddr(ip, cidr) as text: a captured prefix length is kept (`<SUBNET>`). */
function withCidr(ip: string, cidr: number): string {
  return cidr >= 0 ? `${ip}/${cidr}` : ip;
}
