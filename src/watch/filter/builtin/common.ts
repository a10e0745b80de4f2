/**
 * What the built-in detectors share: the part of a log line between its timestamp (which the
 * date detector cuts out) and the daemon's message, for the three line shapes a watcher meets —
 * a syslog file (`host prog[pid]: msg`), a journal entry as fail2ban's journal backend formats
 * it (`host ident[pid]: msg`, no date), and RFC 5424 (`<pri>1 date host app procid msgid sd msg`).
 *
 * Written as fail2ban filter text, so that a detector is an ordinary filter file: the variables
 * below are pasted into each detector's `[DEFAULT]` section, and a detector picks the shape with
 * `<_head_<logtype>>` (logtype: file, journal, rfc5424; a `logtype=` filter parameter or
 * `--logtype` chooses).
 */

export const COMMON_DEFAULTS = String.raw`
logtype = file
# the program that writes the line (each detector sets it)
_daemon = \S*
# "[1234]"
_pid = \[\d+\]
# "sshd", "[sshd]", "pop(pam_unix)", with an optional colon
_prog = [\[\(]?<_daemon>(?:\(\S+\))?[\]\)]?:?
# program and pid in either order: "sshd[12]:", "[12]: sshd:"
_prog_pid = (?:<_prog><_pid>?:?|<_pid>?:\s+<_prog>)
# BSD syslogd -v: "<auth.info>"
_pri = <[^.\s]+\.[^.\s]+>
# "kernel: [ 1234.5678]"
_kernel = kernel:\s?\[ *\d+\.\d+\]:?
# Solaris: "[ID 800047 auth.info]"
_solaris = \[ID \d+ \S+\]
# a syslog file: "[] host prog[pid]: " with every part optional
_head_file = (?:\[\])?\s*(?:<_pri>\s+)?(?:\S+\s+)?(?:<_kernel>\s+)?(?:@vserver_\S+\s+)?(?:<_prog_pid>\s+)?(?:<_solaris>\s+)?
# a journal entry: "host ident[pid]: "
_head_journal = \s*(?:\S+\s+)?(?:<_daemon><_pid>?:?\s+)?(?:<_kernel>\s+)?
# RFC 5424 after the date: "host app procid msgid [sd][sd] " (or "-" for no structured data)
_head_rfc5424 = \s*\S+ <_prog> \d+ \S+ (?:-|(?:\[(?:[^\]"\\]|\\.|"(?:[^"\\]|\\.)*")*\])+)\s+
_head = <_head_<logtype>>
# where the date is: at the start of the line (after "<pri>1 " for RFC 5424)
_dates_file = {^LN-BEG}
_dates_journal = {^LN-BEG}
_dates_rfc5424 = ^<\d+>\d+\s+{DATE}
datepattern = <_dates_<logtype>>
# " port 22", " on 10.0.0.1", twice at most
_port = (?: (?:port \d+|on \S+)){0,2}
# what sshd-like daemons append: ports, addresses, "[preauth]"
_tail = (?: (?:port \d+|on \S+|\[preauth\])){0,3}\s*
`;

/** A detector's filter text: `[DEFAULT]` with the shared variables and its own, then its own sections. */
export function detector(defaults: string, rest: string): string {
  const own = new Set(
    defaults
      .split("\n")
      .map((l) => /^([\w-]+)\s*=/.exec(l)?.[1])
      .filter((k): k is string => k !== undefined),
  );
  // the detector's own value of a shared variable replaces the shared one
  const shared = COMMON_DEFAULTS.split("\n")
    .filter((l) => {
      const k = /^([\w-]+)\s*=/.exec(l)?.[1];
      return k === undefined || !own.has(k);
    })
    .join("\n");
  return `[DEFAULT]\n${shared}\n${defaults.trim()}\n\n${rest.trim()}\n`;
}
