/**
 * Access-event detectors: what one log line says happened on a device beyond brute force (an
 * administrative login, a configuration change, a link going down or up, a SIM switch, a reboot),
 * as an {@link AccessEvent} the alert dispatcher takes (`AlertDispatcher.access`).
 */
import type { AccessEvent, LogLine } from "../types.js";
import type { SyslogHeader } from "./header.js";

export type AccessKind = AccessEvent["kind"];

/** An access event as a detector reports it: the AccessEvent plus what else the line said. */
export interface DetectedAccessEvent extends AccessEvent {
  /** The detector that recognised the line ("openssh", "dropbear", "netifd"…). */
  detector: string;
  /** Facts beyond host and user: method, port, interface, configuration name, kernel version… */
  fields: Record<string, string>;
  /**
   * For a login: true when this (device, user, address) was never seen before, false when it was;
   * undefined until {@link annotateFirstSeen} looked it up (and for other kinds).
   */
  firstSeen?: boolean;
}

/** A line being examined, with its syslog header parsed once, on first use, for all detectors. */
export interface LineView {
  readonly line: LogLine;
  readonly text: string;
  readonly header: SyslogHeader;
  /**
   * Time for the event: the input's time for the line, else the stamp the line starts with, else
   * the detector clock's now.
   */
  readonly time: number;
}

export interface EventDetector {
  /** Short name, also {@link DetectedAccessEvent.detector}. */
  readonly name: string;
  /** The kinds of event it can report. */
  readonly kinds: readonly AccessKind[];
  /**
   * A cheap test on the raw text (substring searches only): false means the line certainly holds
   * nothing for this detector, and no regular expression is run on it.
   */
  precheck(text: string): boolean;
  /** The event the line reports, if any. Called only after `precheck` passed. */
  detect(view: LineView): DetectedAccessEvent | undefined;
}
