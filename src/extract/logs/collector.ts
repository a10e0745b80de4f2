/**
 * Reads log lines into what the facts are built from: failures per service and source address,
 * fail2ban's bans, and access events, each dated by its line's own stamp.
 *
 * One collector serves one target: logs are opened one after the other ({@link LogCollector.open})
 * and fed line by line, then {@link LogCollector.finish} turns everything into ObservedActivity.
 * Per failure only its time and line are kept (a brute force of a million lines costs a few
 * megabytes); the excerpts kept are those of an address's first failures, which is where samples
 * and the failures past a ban threshold are taken from.
 */
import type { Facts } from "../../facts/model.js";
import type { ObservedActivity, ObservedService } from "../../facts/observed.js";
import type { LogOrigin } from "../../facts/value.js";
import {
  type AccessEventDetector,
  createAccessEventDetector,
  createLineTimeReader,
  type DetectedAccessEvent,
  type LineTimeReader,
} from "../../watch/events/index.js";
import { isoInZone, resolveTimeZone } from "../../watch/filter/index.js";
import { normalizeAddress } from "../../watch/jails/index.js";
import type { LogLine } from "../../watch/types.js";
import { buildCampaigns } from "./campaigns.js";
import { buildEvents } from "./events.js";
import { logExcerpt } from "./excerpt.js";
import { DetectorSet, GATES } from "./filters.js";
import { KINDS, type KindSpec, type LogKind, SNIFF_LINES, sniffKind } from "./kinds.js";
import { serviceOf } from "./thresholds.js";

/** Lines at each end of a log whose stamps bound its window (besides those of what was found). */
const EDGE_LINES = 20;
/** Excerpts kept per address and service: its first failures. */
const SAMPLES_PER_ADDRESS = 20;
/** Addresses per service whose first failures keep their excerpts. */
const SAMPLED_ADDRESSES = 2000;
/** User names remembered per address, to count them (never reported). */
const USERS_PER_ADDRESS = 100;

export interface LogReadOptions {
  /** Zone of stamps without one (IANA name or fixed offset); default the machine's. */
  timezone?: string;
  /** "Now" (epoch ms): the year of syslog stamps, which have none. Default Date.now. */
  now?: () => number;
}

/** The failures of one address against one service. */
export interface AddressFailures {
  address: string;
  detectors: Set<string>;
  /** Epoch ms of each failure, NaN when its line had no stamp, in reading order. */
  times: number[];
  users: Set<string>;
  /** Origins of its first failures: index into `times`, and where the line is. */
  samples: { index: number; at: LogOrigin }[];
}

export interface RawBan {
  jail: string;
  address: string;
  time?: number;
  restored: boolean;
  at: LogOrigin;
}

export interface RawEvent {
  event: DetectedAccessEvent;
  time?: number;
  at: LogOrigin;
  /** Reading order, to keep undated events in place. */
  order: number;
}

interface OpenSource {
  file: string;
  kind: LogKind;
  spec: KindSpec;
  lines: number;
  from?: { line: number; time: number };
  to?: { line: number; time: number };
  detectors: Set<string>;
  /** Services it showed a failure or a login of. */
  seen: Set<ObservedService>;
}

/** A log being read: hand it each line in order, then say it ended. */
export interface LogReader {
  line(line: LogLine): void;
  end(): void;
}

export class LogCollector {
  readonly #zone: { zone: string; fixed?: number };
  readonly #lineTime: LineTimeReader;
  readonly #events: AccessEventDetector;
  readonly #detectors: DetectorSet;
  readonly #sources: OpenSource[] = [];
  readonly failures = new Map<ObservedService, Map<string, AddressFailures>>();
  readonly bans: RawBan[] = [];
  readonly events: RawEvent[] = [];
  #order = 0;

  /** Throws a FilterCompileError for a time zone it does not know. */
  constructor(opts: LogReadOptions = {}) {
    // First: it says which time zone it does not know as a FilterCompileError.
    this.#lineTime = createLineTimeReader(opts);
    this.#zone = resolveTimeZone(opts.timezone);
    // An event is dated by its line's stamp, read in the zone given; one without stays undated.
    this.#events = createAccessEventDetector({ lineTime: this.#lineTime, now: () => Number.NaN });
    this.#detectors = new DetectorSet(opts);
  }

  /** ISO 8601 in the zone the logs were read in. */
  iso(ms: number): string {
    return isoInZone(ms, this.#zone.zone, this.#zone.fixed);
  }

  /**
   * Starts a log: `file` as it is to be shown, `kind` what it is read as ("any": told by its first
   * lines, see {@link sniffKind}). Hand it every line, then call `end`.
   */
  open(file: string, kind: LogKind): LogReader {
    if (kind !== "any") return this.#pipeline(file, kind);
    // Held until the first lines say what the log is, then replayed through its detectors.
    const held: LogLine[] = [];
    let reader: LogReader | undefined;
    const decide = () => {
      reader = this.#pipeline(file, sniffKind(held.map((l) => l.text)));
      for (const l of held) reader.line(l);
      held.length = 0;
      return reader;
    };
    return {
      line: (line) => {
        if (reader) return reader.line(line);
        held.push(line);
        if (held.length >= SNIFF_LINES) decide();
      },
      end: () => (reader ?? decide()).end(),
    };
  }

  #pipeline(file: string, kind: LogKind): LogReader {
    const spec = KINDS[kind];
    const src: OpenSource = {
      file,
      kind,
      spec,
      lines: 0,
      detectors: new Set(),
      seen: new Set(),
    };
    this.#sources.push(src);
    const filters = spec.detectors.map((name) => ({
      name,
      filter: this.#detectors.get(name),
      gate: GATES[name] ?? (() => true),
    }));
    for (const f of filters) src.detectors.add(f.name);
    const bans = spec.bans ? this.#detectors.get("bans") : undefined;
    /** The last lines, whose stamps close the window when the log ends. */
    const tail: { text: string; lineNo: number }[] = [];
    return {
      line: (line) => {
        src.lines++;
        const lineNo = line.lineNo ?? src.lines;
        // A line's own stamp is read where it is needed: lines with a failure, a ban or an
        // event (their filters and detectors read it anyway), and the log's first and last
        // lines for the window. Reading every line's would cost as much as a filter.
        if (src.lines <= EDGE_LINES) {
          const t = this.#lineTime(line.text);
          if (t !== undefined) widen(src, lineNo, t);
        } else {
          tail.push({ text: line.text, lineNo });
          if (tail.length > EDGE_LINES) tail.shift();
        }
        const origin = (time: number | undefined): LogOrigin => ({
          kind: "log",
          file,
          line: lineNo,
          ...(time === undefined ? {} : { time: this.iso(time) }),
          excerpt: logExcerpt(line.text),
        });
        const claimed = new Set<string>();
        for (const { name, filter, gate } of filters) {
          if (!gate(line.text)) continue;
          for (const r of filter.process(line)) {
            const m = r.match;
            const address = m?.host === undefined ? undefined : normalizeAddress(m.host)?.address;
            if (!m || address === undefined || claimed.has(address)) continue;
            claimed.add(address);
            const service = serviceOf(name, line.text);
            src.seen.add(service);
            if (m.time !== undefined) widen(src, lineNo, m.time);
            this.#failure(service, name, address, m.time, m.users, () => origin(m.time));
          }
        }
        if (bans && GATES.bans?.(line.text)) {
          for (const r of bans.process(line)) {
            const m = r.match;
            const address = m?.host === undefined ? undefined : normalizeAddress(m.host)?.address;
            if (!m || address === undefined) continue;
            if (m.time !== undefined) widen(src, lineNo, m.time);
            this.bans.push({
              jail: m.fields.jail ?? "?",
              address,
              time: m.time,
              restored: (m.fields.action ?? "").startsWith("Restore"),
              at: origin(m.time),
            });
          }
        }
        if (spec.events) {
          const event = this.#events.detect(line);
          if (event) {
            const time = Number.isNaN(event.time) ? undefined : event.time;
            if (time !== undefined) widen(src, lineNo, time);
            if (event.kind === "login-success") src.seen.add(loginService(event));
            this.events.push({ event, time, at: origin(time), order: this.#order++ });
          }
        }
      },
      end: () => {
        for (const l of tail) {
          const t = this.#lineTime(l.text);
          if (t !== undefined) widen(src, l.lineNo, t);
        }
        tail.length = 0;
      },
    };
  }

  #failure(
    service: ObservedService,
    detector: string,
    address: string,
    time: number | undefined,
    users: readonly string[],
    origin: () => LogOrigin,
  ): void {
    let byAddress = this.failures.get(service);
    if (!byAddress) {
      byAddress = new Map();
      this.failures.set(service, byAddress);
    }
    let acc = byAddress.get(address);
    if (!acc) {
      acc = { address, detectors: new Set(), times: [], users: new Set(), samples: [] };
      byAddress.set(address, acc);
    }
    acc.detectors.add(detector);
    if (acc.samples.length < SAMPLES_PER_ADDRESS && byAddress.size <= SAMPLED_ADDRESSES) {
      acc.samples.push({ index: acc.times.length, at: origin() });
    }
    acc.times.push(time ?? Number.NaN);
    for (const u of users) if (acc.users.size < USERS_PER_ADDRESS) acc.users.add(u);
  }

  /** Everything read, as facts; `facts` gives the jails the campaigns are measured against. */
  finish(facts: Facts): ObservedActivity {
    const omitted: Record<string, number> = {};
    let first: number | undefined;
    let last: number | undefined;
    for (const s of this.#sources) {
      if (s.from && (first === undefined || s.from.time < first)) first = s.from.time;
      if (s.to && (last === undefined || s.to.time > last)) last = s.to.time;
    }
    const campaigns = buildCampaigns(this, facts);
    const built = buildEvents(this, omitted);
    return {
      ...(first !== undefined && last !== undefined
        ? {
            window: {
              from: this.iso(first),
              to: this.iso(last),
              hours: Math.round((last - first) / 360_000) / 10,
            },
          }
        : {}),
      sources: this.#sources.map((s) => ({
        file: s.file,
        kind: s.kind,
        covers: [...new Set([...s.spec.covers, ...s.seen])],
        lines: s.lines,
        ...(s.from ? { from: { line: s.from.line, time: this.iso(s.from.time) } } : {}),
        ...(s.to ? { to: { line: s.to.line, time: this.iso(s.to.time) } } : {}),
        detectors: [...s.detectors],
      })),
      campaigns,
      bans: capped(
        this.bans.map((b) => ({
          jail: b.jail,
          address: b.address,
          ...(b.time === undefined ? {} : { time: this.iso(b.time) }),
          restored: b.restored,
          at: [b.at],
        })),
        "bans",
        omitted,
      ),
      ...built,
      omitted,
    };
  }
}

/** Earliest and latest, not first and last: rotated or merged logs are not always in order. */
function widen(src: OpenSource, line: number, time: number): void {
  if (!src.from || time < src.from.time) src.from = { line, time };
  if (!src.to || time > src.to.time) src.to = { line, time };
}

/** Entries kept per list of the facts; the rest are counted in `omitted`. */
export const MAX_LISTED = 1000;

export function capped<T>(list: T[], name: string, omitted: Record<string, number>): T[] {
  if (list.length <= MAX_LISTED) return list;
  omitted[name] = list.length - MAX_LISTED;
  return list.slice(0, MAX_LISTED);
}

/** The service of a login event, for what a log vouches for. */
export function loginService(event: DetectedAccessEvent): ObservedService {
  const s = event.fields.service ?? "";
  if (s.startsWith("ami")) return "ami";
  if (s === "webui") return "web";
  return "ssh";
}
