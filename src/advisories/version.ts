/**
 * Version strings as network daemons announce them, compared the way their vendors number
 * releases: OpenSSH 9.2p1, Dropbear 2022.83, Asterisk 18.20.0 and certified 18.9-cert5, nginx
 * 1.22.1, lighttpd 1.4.69, mosquitto 2.0.11, FreeSWITCH 1.10.9.
 *
 * Why not `semver`: semver needs exactly MAJOR.MINOR.PATCH and reads every `-suffix` as a
 * pre-release. 9.2p1 and 2022.83 are not valid semver at all; `semver.coerce` turns 9.3p1 and
 * 9.3p2 both into 9.3.0 (they differ: 9.3p2 is a security release); and 18.9-cert5 would sort
 * before 18.9.0 as a pre-release, while certified Asterisk releases come after their base. So the
 * rules here are the vendors' own:
 *
 * - A version is split into runs of digits and of letters ("9.2p1" → 9, 2, "p", 1); separators
 *   (. - _) only separate. It ends at a space, a + or ~ (build and packaging notes) or a hyphen
 *   before a digit (a package revision: 1.4.59-1 is 1.4.59). Numbers compare as numbers; a missing number counts as 0, so 2.0
 *   equals 2.0.0.
 * - Pre-release words (dev < alpha < beta < pre < rc) sort before the release: 1.0rc1 < 1.0.
 * - Any other word marks a later release of the same base (post-release): 9.2 < 9.2p1 < 9.2p2,
 *   18.9 < 18.9-cert1, 1.1.1 < 1.1.1w. It sorts before a further number: 9.2p1 < 9.2.1.
 * - OpenSSH numbers portable releases from p1: a trailing pN is a patch level of the release
 *   before it, compared last, and a native OpenBSD "OpenSSH_9.8" (no pN) is the 9.8p1 release.
 * - Words naming a separate release line (Asterisk's "cert") make the version's `line`; a range
 *   only applies to versions of its own line (a certified 18.9-cert5 is not in the 18.x range).
 * - Packaging words that mean nothing for ordering ("release", "stable"...) are dropped.
 */

export type Token = number | string;

export interface ParsedVersion {
  /** The version text as parsed (from its first digit to the first space). */
  text: string;
  /** The release's tokens, without OpenSSH's trailing pN (see `portable`). */
  tokens: Token[];
  /** OpenSSH's portable patch level: N of a trailing pN, and 1 when there is none. */
  portable: number;
  /** The release line: "" for the main line, else e.g. "cert" (certified Asterisk). */
  line: string;
}

/** Pre-release words, in release order. */
const PRE_RELEASE: Record<string, number> = { dev: 0, alpha: 1, beta: 2, pre: 3, rc: 4 };
/** Words naming a separate release line with its own fixes. */
const LINE_WORDS = new Set(["cert"]);
/** Packaging words that carry no order. */
const IGNORED = new Set(["release", "stable", "final", "ga"]);
/** OpenSSH's portable patch marker: 9.8p1 is release 9.8, portable patch 1. */
const PORTABLE = "p";

/**
 * Parses the version at the start of `text` (a leading "v" is allowed): "9.2p1 Debian-2" gives
 * 9.2p1. Undefined when it does not start with a digit.
 */
export function parseVersion(text: string): ParsedVersion | undefined {
  // A hyphen continues the version only before a word (18.9-cert5, 1.10.9-release); before a
  // digit it starts a package revision (1.4.59-1), and + or ~ start build or packaging notes.
  const m = /^v?(\d[0-9A-Za-z._]*(?:-[A-Za-z][0-9A-Za-z._]*)*)/.exec(text.trim());
  if (!m?.[1]) return undefined;
  const body = m[1].replace(/[._]+$/, "");
  const tokens: Token[] = [];
  let line = "";
  for (const run of body.toLowerCase().match(/\d+|[a-z]+/g) ?? []) {
    if (/^\d/.test(run)) tokens.push(Number(run));
    else if (IGNORED.has(run)) continue;
    else {
      if (LINE_WORDS.has(run)) line = run;
      tokens.push(run);
    }
  }
  // OpenSSH's "9.8p1": the release 9.8, portable patch 1 (a native OpenBSD "9.8" is the same).
  let portable = 1;
  const n = tokens.length;
  if (n >= 3 && tokens[n - 2] === PORTABLE && typeof tokens[n - 1] === "number") {
    portable = tokens[n - 1] as number;
    tokens.splice(n - 2, 2);
  }
  return { text: body, tokens, portable, line };
}

interface Slot {
  /** 0: pre-release word, 1: number / end / post-release word. */
  cls: 0 | 1;
  /** Numeric rank within the class (a post-release word sits between 0 and 1). */
  rank: number;
  word?: string;
}

function slot(t: Token | undefined): Slot {
  if (t === undefined) return { cls: 1, rank: 0 };
  if (typeof t === "number") return { cls: 1, rank: t };
  const pre = PRE_RELEASE[t];
  if (pre !== undefined) return { cls: 0, rank: pre, word: t };
  return { cls: 1, rank: 0.5, word: t };
}

/** Negative when a < b, 0 when equal, positive when a > b (see the rules above). */
export function compareVersions(a: ParsedVersion, b: ParsedVersion): number {
  // Token by token, a missing token counting as 0 (the same key for every comparison, so this is
  // a total order), then the portable patch level.
  for (let i = 0; i < Math.max(a.tokens.length, b.tokens.length); i++) {
    const p = slot(a.tokens[i]);
    const q = slot(b.tokens[i]);
    if (p.cls !== q.cls) return p.cls - q.cls;
    if (p.rank !== q.rank) return p.rank - q.rank;
    if (p.word !== undefined && q.word !== undefined && p.word !== q.word && p.cls === 1)
      return p.word < q.word ? -1 : 1;
  }
  return a.portable - b.portable;
}

/** compareVersions on text; throws on text that is not a version (data-file bounds). */
export function compareVersionText(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (!pa || !pb) throw new Error(`not a version: '${pa ? b : a}'`);
  return compareVersions(pa, pb);
}
