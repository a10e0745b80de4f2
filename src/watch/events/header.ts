/**
 * Where the message starts in a log line, and which program wrote it: the small part of a syslog
 * header the access-event detectors need to anchor their patterns at the start of a message (so
 * that text an attacker puts inside a message, e.g. a user name "Accepted password for root from
 * …", can never pass for a message of its own).
 *
 * Line shapes understood (what the inputs hand out, see src/watch/inputs):
 *
 *   Mar  7 18:53:20 gw sshd[1556]: Accepted …             RFC 3164 / rsyslog file, syslog receiver
 *   2026-03-07T18:53:20.123+01:00 gw sshd[1556]: …         RFC 3339 timestamp (rsyslog high precision)
 *   Mon Sep 15 14:54:39 2025 authpriv.notice dropbear[30519]: …   OpenWrt/RutOS `logread` file
 *   Jan  1 00:00:09 gw syslog.info syslogd started: …      BusyBox syslogd (facility.priority shown)
 *   gw sshd[1556]: Accepted …                              journal (fail2ban's systemd line format)
 *   Accepted …                                             a bare message (sshd -E, dmesg, no header)
 *
 * Parsing looks at the first {@link HEADER_SCAN} characters only, so a 1 MB line costs no more
 * than a short one, and it never throws.
 */

export interface SyslogHeader {
  /** Index of the first token after the timestamp (0 when the line has no timestamp). */
  afterTime: number;
  /** Where the message starts if the line carries no tag (after timestamp, host, facility). */
  bare: number;
  /** The tag's program name ("sshd", "dropbear", "kernel", "CONFIG"), without "[pid]" and ":". */
  prog: string | undefined;
  /** Where the message after the tag starts (equal to `bare` when there is no tag). */
  body: number;
}

/** Header parsing never looks further than this into a line. */
export const HEADER_SCAN = 320;

const MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
/** "Mar  7 18:53:20", "Mar 07 18:53:20.123456". */
const TS_3164 = new RegExp(`${MONTH} [ 0-3]?\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,9})? +`, "y");
/** "2026-03-07T18:53:20.123+01:00", "2026-03-07 18:53:20,123". */
const TS_ISO = /\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)? +/y;
/** ctime as OpenWrt's logread writes it: "Mon Sep 15 14:54:39 2025". */
const TS_CTIME = new RegExp(
  `(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MONTH} [ 0-3]?\\d \\d\\d:\\d\\d:\\d\\d \\d{4} +`,
  "y",
);
/** "<38>" before a raw syslog message. */
const PRI = /<\d{1,3}>/y;
/** A syslog tag: "sshd[1556]:", "kernel:", "CONFIG:"; group 1 is the program name. */
const TAG = /([^\s:[\]]{1,64})(?:\[[^\]\s]{0,24}\])?:$/;
/** "authpriv.notice", "kern.info", and RutOS logread's tables ("EVENTS.notice"). */
const FACILITY =
  /^(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|ntp|security|console|local[0-7]|events|system|network|connections)\.(?:emerg|alert|crit|err|error|warn|warning|notice|info|debug)$/i;

function stickyAt(re: RegExp, text: string, at: number): number {
  re.lastIndex = at;
  return re.test(text) ? re.lastIndex : -1;
}

/** Start and end of the token (run of non-space characters) at or after `from`. */
function token(text: string, from: number, limit: number): [number, number] | undefined {
  let s = from;
  while (s < limit && text.charCodeAt(s) === 32) s++;
  if (s >= limit) return undefined;
  let e = s;
  while (e < limit && text.charCodeAt(e) !== 32) e++;
  return [s, e];
}

function skipSpaces(text: string, from: number): number {
  let i = from;
  while (i < text.length && text.charCodeAt(i) === 32) i++;
  return i;
}

/** The program of a tag token, or undefined when the token is not a tag. */
function tagProg(text: string, t: [number, number]): string | undefined {
  const tok = text.slice(t[0], t[1]);
  if (tok.charCodeAt(tok.length - 1) !== 58) return undefined;
  return TAG.exec(tok)?.[1];
}

export function parseSyslogHeader(text: string): SyslogHeader {
  const limit = Math.min(text.length, HEADER_SCAN);
  let p = 0;
  const afterPri = stickyAt(PRI, text, 0);
  if (afterPri > 0) p = afterPri;
  let ts: "3164" | "ctime" | undefined;
  let q = stickyAt(TS_3164, text, p);
  if (q > 0) ts = "3164";
  else {
    q = stickyAt(TS_ISO, text, p);
    if (q > 0) ts = "3164";
    else {
      q = stickyAt(TS_CTIME, text, p);
      if (q > 0) ts = "ctime";
    }
  }
  if (ts !== undefined) p = q;
  const afterTime = p;
  const tagged = (t: [number, number], bare: number): SyslogHeader | undefined => {
    const prog = tagProg(text, t);
    return prog === undefined ? undefined : { afterTime, bare, prog, body: skipSpaces(text, t[1]) };
  };
  const untagged = (bare: number): SyslogHeader => ({
    afterTime,
    bare,
    prog: undefined,
    body: bare,
  });

  const t0 = token(text, p, limit);
  if (!t0) return untagged(Math.min(p, text.length));
  if (ts === "ctime") {
    // logread: no host; "facility.priority", then the tag.
    let t = t0;
    if (FACILITY.test(text.slice(t[0], t[1]))) {
      const next = token(text, t[1], limit);
      if (!next) return untagged(skipSpaces(text, t[1]));
      t = next;
    }
    return tagged(t, t[0]) ?? untagged(t[0]);
  }
  if (ts === "3164") {
    // A tag straight after the timestamp: BusyBox without a host name.
    const direct = tagged(t0, t0[0]);
    if (direct) return direct;
    // Else the host, maybe "facility.priority" (BusyBox), then the tag.
    let t = token(text, t0[1], limit);
    if (!t) return untagged(skipSpaces(text, t0[1]));
    if (FACILITY.test(text.slice(t[0], t[1]))) {
      const next = token(text, t[1], limit);
      if (!next) return untagged(skipSpaces(text, t[1]));
      t = next;
    }
    return tagged(t, t[0]) ?? untagged(t[0]);
  }
  // No timestamp: "TAG: msg", "HOST TAG: msg" (journal) or a bare message.
  const direct = tagged(t0, t0[0]);
  if (direct) return direct;
  const t1 = token(text, t0[1], limit);
  if (t1) {
    const journal = tagged(t1, t1[0]);
    if (journal) return journal;
  }
  return untagged(t0[0]);
}
