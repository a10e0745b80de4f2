/** Helpers the detectors share: a parsed line view, address and user clean-up, event building. */
import { normalizeAddress } from "../jails/addr.js";
import type { LogLine } from "../types.js";
import { parseSyslogHeader, type SyslogHeader } from "./header.js";
import type { AccessKind, DetectedAccessEvent, LineView } from "./types.js";

export class ParsedLine implements LineView {
  #header: SyslogHeader | undefined;
  #time: number | undefined;

  /** `timeOf` is asked once, when an event is made: most lines examined give none. */
  constructor(
    readonly line: LogLine,
    readonly text: string,
    private readonly timeOf: () => number,
  ) {}

  get header(): SyslogHeader {
    this.#header ??= parseSyslogHeader(this.text);
    return this.#header;
  }

  get time(): number {
    this.#time ??= this.timeOf();
    return this.#time;
  }
}

/** Longest user name or field value kept from a line (a hostile line cannot bloat an alert). */
export const MAX_FIELD = 256;

const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\.?$/;
const PORT_SUFFIX = /^(.*):(\d{1,5})$/;

/**
 * The address a line names, canonical (`::ffff:192.0.2.1` → `192.0.2.1`, IPv6 in RFC 5952 form),
 * with a port, brackets and angle brackets removed: "192.0.2.1:5543", "[2001:db8::1]:22",
 * "<192.0.2.3:52289>". `portSuffix` says the text always ends in ":port" (Dropbear writes
 * "host:port" even for IPv6, without brackets). A host name (sshd with UseDNS) is kept as written;
 * anything else ("?", garbage) gives undefined.
 */
export function cleanHost(raw: string | undefined, portSuffix = false): string | undefined {
  if (raw === undefined) return undefined;
  let t = raw.trim();
  if (t.length === 0 || t.length > MAX_FIELD) return undefined;
  if (t.startsWith("<") && t.endsWith(">")) t = t.slice(1, -1);
  t = t.replace(/[,;)]+$/, "");
  if (t.startsWith("[")) {
    const close = t.indexOf("]");
    if (close > 0) t = t.slice(1, close);
  } else if (portSuffix) {
    const m = PORT_SUFFIX.exec(t);
    if (m?.[1]) t = m[1];
  }
  const direct = normalizeAddress(t);
  if (direct) return direct.address;
  if (!portSuffix) {
    const m = PORT_SUFFIX.exec(t);
    if (m?.[1]) {
      const a = normalizeAddress(m[1]);
      if (a) return a.address;
    }
  }
  return HOSTNAME.test(t) ? t : undefined;
}

/** A user name as logged, or undefined for none ("?", "", absurdly long). */
export function cleanUser(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const u = raw.trim();
  if (u === "" || u === "?" || u.length > MAX_FIELD) return undefined;
  return u;
}

export function makeEvent(
  view: LineView,
  detector: string,
  kind: AccessKind,
  detail: string,
  extra: { host?: string | undefined; user?: string | undefined; fields?: Record<string, string> },
): DetectedAccessEvent {
  const e: DetectedAccessEvent = {
    kind,
    detail,
    time: view.time,
    line: view.line,
    detector,
    fields: extra.fields ?? {},
  };
  if (extra.host !== undefined) e.host = extra.host;
  if (extra.user !== undefined) e.user = extra.user;
  return e;
}

/** Runs a sticky regular expression at `at`; the match or null. */
export function execAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

/** Whether `prog` is one of `allowed` (undefined = a line without a tag, allowed when `bare`). */
export function progIs(
  prog: string | undefined,
  allowed: ReadonlySet<string>,
  bare: boolean,
): boolean {
  return prog === undefined ? bare : allowed.has(prog);
}

/** Adds defined values only. */
export function fieldsOf(entries: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entries)) if (v !== undefined && v !== "") out[k] = v;
  return out;
}
