/**
 * The time a log line gives itself, read the way the brute-force filters read it: fail2ban's date
 * detection (src/watch/filter), so that an access event and the failures around it carry times
 * from the same clock — a file replayed hours later, or an audit of last month's log, places a
 * login where it happened, not when it was read.
 *
 * The reader is a filter of its own that matches every line (its failure id is empty) and whose
 * only product is the date the engine found at the start of the line: syslog (`Mar  7 18:53:20`,
 * year taken nearest to `now`), RFC 3339 / ISO (`2026-03-07T18:53:20+01:00`), OpenWrt's `logread`
 * ctime (`Mon Sep 15 14:54:39 2025`), Asterisk's `[2026-03-12 10:04:31]`. A stamp without a zone is
 * read in `timezone` (default: the machine's).
 */
import { readFilter } from "../../parsers/fail2ban/filter.js";
import { memoryFs } from "../../parsers/fail2ban/fs.js";
import { type CompiledFilter, compileFilter } from "../filter/index.js";

/** Where the date may be: at the start of the line (after up to two non-word characters). */
const DATE_ONLY_FILTER = `
[Definition]
failregex = ^<F-ID>.?</F-ID>
datepattern = {^LN-BEG}
`;

export interface LineTimeOptions {
  /** Zone of stamps without one: an IANA name or a fixed offset (as `--timezone` takes it). */
  timezone?: string;
  /** "Now" (epoch ms), for the year of a syslog stamp that has none. Default Date.now. */
  now?: () => number;
}

/** Reads a line's own time (epoch ms), or undefined when the line starts with no date. */
export type LineTimeReader = (text: string) => number | undefined;

/**
 * A reader of line times. Throws (a FilterCompileError) only for a time zone it does not know;
 * reading never throws.
 */
export function createLineTimeReader(opts: LineTimeOptions = {}): LineTimeReader {
  const definition = readFilter(
    memoryFs({ "filter.d/line-time.conf": DATE_ONLY_FILTER }),
    "line-time",
  );
  const filter: CompiledFilter = compileFilter(definition, {
    timezone: opts.timezone,
    now: opts.now,
    // The date alone matters: the failure id is always the empty string, never pending.
    maxLineLength: 512,
  });
  return (text) => {
    try {
      const date = filter.processRaw(text)[0]?.date;
      return date === undefined ? undefined : Math.round(date * 1000);
    } catch {
      return undefined;
    }
  };
}

let machineReader: LineTimeReader | undefined;

/** The reader for the machine's zone and clock, built on first use and shared. */
export function machineLineTime(text: string): number | undefined {
  machineReader ??= createLineTimeReader();
  return machineReader(text);
}
