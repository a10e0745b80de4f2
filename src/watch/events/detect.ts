/**
 * Running the detectors over a line: {@link detectAccessEvent} for the built-in set, or
 * {@link createAccessEventDetector} for a chosen set and clock. Per line, each detector's
 * substring pre-check runs first; a regular expression runs only when it passes (most lines pass
 * none), then the first detector that recognises the line wins. Never throws: a detector that
 * fails on a hostile line is counted and skipped.
 *
 * An event's time is the line's: the input's (journal, syslog header) when it knows one, else the
 * stamp the line starts with, read by the filters' date detection (./line-time.ts), and only for a
 * line with neither the detector clock's now. The stamp is read only for lines that give an event.
 */
import type { LogLine } from "../types.js";
import { asteriskAmiDetector, asteriskReloadDetector } from "./asterisk.js";
import { dropbearDetector } from "./dropbear.js";
import { kernelLinkDetector } from "./kernel-link.js";
import { type LineTimeReader, machineLineTime } from "./line-time.js";
import { luciDetector } from "./luci.js";
import { netifdDetector } from "./netifd.js";
import { opensshDetector } from "./openssh.js";
import { rebootDetector } from "./reboot.js";
import { rutosConfigDetector } from "./rutos-config.js";
import { rutosLoginDetector } from "./rutos-login.js";
import { rutosPortDetector } from "./rutos-port.js";
import { simSwitchDetector } from "./sim-switch.js";
import type { DetectedAccessEvent, EventDetector } from "./types.js";
import { ParsedLine } from "./util.js";

/** The built-in detectors, in the order they are tried (logins first). */
export const BUILTIN_EVENT_DETECTORS: readonly EventDetector[] = [
  opensshDetector,
  dropbearDetector,
  luciDetector,
  rutosLoginDetector,
  asteriskAmiDetector,
  rutosConfigDetector,
  asteriskReloadDetector,
  kernelLinkDetector,
  netifdDetector,
  rutosPortDetector,
  simSwitchDetector,
  rebootDetector,
];

export interface AccessEventDetectorOptions {
  /** Detectors to run, in order (default: all built-in ones). */
  detectors?: readonly EventDetector[];
  /**
   * Reads the time a line's own stamp gives (a file line, which the input does not date). Default:
   * fail2ban's date detection in the machine's zone ({@link createLineTimeReader} for another).
   */
  lineTime?: LineTimeReader;
  /** Time for an event whose line has no time at all, epoch ms (default Date.now). */
  now?: () => number;
}

export interface AccessEventDetector {
  detect(line: LogLine): DetectedAccessEvent | undefined;
  /** Detector failures swallowed so far (a bug if ever non-zero; the line is skipped). */
  readonly errors: number;
}

export function createAccessEventDetector(
  opts: AccessEventDetectorOptions = {},
): AccessEventDetector {
  const detectors = [...(opts.detectors ?? BUILTIN_EVENT_DETECTORS)];
  const now = opts.now ?? Date.now;
  const lineTime = opts.lineTime ?? machineLineTime;
  let errors = 0;
  return {
    get errors() {
      return errors;
    },
    detect(line: LogLine): DetectedAccessEvent | undefined {
      const text = line.text;
      if (typeof text !== "string" || text.length === 0) return undefined;
      let view: ParsedLine | undefined;
      for (const d of detectors) {
        try {
          if (!d.precheck(text)) continue;
          view ??= new ParsedLine(line, text, () => line.time ?? lineTime(text) ?? now());
          const e = d.detect(view);
          if (e) return e;
        } catch {
          errors++;
        }
      }
      return undefined;
    },
  };
}

const builtin = createAccessEventDetector();

/** The access event `line` reports, by the built-in detectors, or undefined. Never throws. */
export function detectAccessEvent(line: LogLine): DetectedAccessEvent | undefined {
  return builtin.detect(line);
}

/** Runs one detector alone on a line (its pre-check included). */
export function detectWith(
  detector: EventDetector,
  line: LogLine,
  now: () => number = Date.now,
  lineTime?: LineTimeReader,
): DetectedAccessEvent | undefined {
  return createAccessEventDetector({ detectors: [detector], now, lineTime }).detect(line);
}
