/**
 * What flows through `bulwark watch`: lines from inputs (files, the journal, syslog), matches from
 * filters (fail2ban-compatible or built in), and the decisions of jails (ban, unban, alert).
 */

/** One log line as an input delivers it. */
export interface LogLine {
  /** The message text (for syslog: the whole line, header included, as fail2ban sees a log file). */
  text: string;
  /** Where it came from: a file path, "journal", "syslog-udp:127.0.0.1:5514". */
  source: string;
  /** 1-based line number within a file source. */
  lineNo?: number;
  /** Time the input knows for it (journal's __REALTIME_TIMESTAMP, a syslog header): epoch ms. */
  time?: number;
  /** Sending host for syslog (the router that sent it). */
  sender?: string;
  /** True when the input saw only ASCII bytes in it (filters then use their regexes' ASCII form). */
  ascii?: boolean;
  /** `text` followed by "\n", as one string, when the input has it (filters slice it, no copy). */
  withNewline?: string;
  /**
   * When the input read it (epoch ms), one clock reading for all lines of one read: filters take
   * it as "now" (fail2ban reads its clock for every line; the lines of one read arrived together,
   * and a reading per line was 2% of a filter's time).
   */
  receivedAt?: number;
}

/** A filter's verdict on one line (or a multi-line buffer ending at this line). */
export interface FilterMatch {
  /** The failregex (index into the filter's list) that matched. */
  regexIndex: number;
  /** The attacker: `<HOST>`/`<ADDR>`/`<IP4>`/`<IP6>`/`<CIDR>`/`<DNS>` capture. */
  host?: string;
  /** `<F-USER>` / `<F-ALT_USER>` captures. */
  users: string[];
  /** `<F-ID>` capture (an identifier to count by when there is no host). */
  id?: string;
  /** Other `<F-NAME>` captures, lower-cased names. */
  fields: Record<string, string>;
  /** Time of the event, epoch ms, from the line's date (datepattern) or the input. */
  time?: number;
}

export interface FilterResult {
  /** The line was matched by an ignoreregex (and so is not a failure). */
  ignored: boolean;
  match?: FilterMatch;
}

/** An event that is not a failure: a login, a configuration change, a link going down... */
export interface AccessEvent {
  kind:
    | "login-success"
    | "config-change"
    | "link-down"
    | "link-up"
    | "sim-switch"
    | "reboot"
    | "other";
  /** Who, from where, on what, as far as the line says. */
  host?: string;
  user?: string;
  detail: string;
  time: number;
  line: LogLine;
}

export interface BanDecision {
  jail: string;
  address: string;
  /** Ban until (epoch ms); bantime grows with each repeat when bantime.increment is on. */
  until: number;
  /** Failures that led to it (count within findtime). */
  failures: number;
  /** How many times this address has been banned before (for the increment). */
  banCount: number;
}
