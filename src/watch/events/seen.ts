/**
 * "From an address not seen before": marking a login event as the first of its kind.
 *
 * A login is identified as the alert dispatcher identifies it (`AlertDispatcher.access`): device
 * (the syslog sender), user and address ("local" when the line has none). {@link loginSeenKey}
 * builds the same key, so this helper and the dispatcher can share one seen-set — the SQLite
 * {@link WatchStore} or a {@link MemorySeenSet} (src/watch/state), or anything with `has`/`add`.
 *
 * By default the helper only looks (`getSeen` / `has`): the dispatcher records the sighting when
 * it is handed the event, and a login recorded twice would look "seen before" to the dispatcher
 * and never alert. Pass `{ record: true }` when nothing else records sightings.
 */
import type { SeenSet } from "../state/seen.js";
import type { AccessEvent } from "../types.js";

/** The smallest seen-set: a set of keys. */
export interface SimpleSeenSet {
  has(key: string): boolean;
  add(key: string): void;
}

export type SeenLike = SeenSet | SimpleSeenSet;

/** The seen-set key of a login: the dispatcher's subject (`login␀sender␀user␀host|local`). */
export function loginSeenKey(event: AccessEvent): string {
  return `login\u0000${event.line.sender ?? ""}\u0000${event.user ?? ""}\u0000${event.host ?? "local"}`;
}

function isSeenSet(s: SeenLike): s is SeenSet {
  return typeof (s as SeenSet).markSeen === "function";
}

/**
 * The event with `firstSeen` set for a login (true: this device/user/address was never seen
 * before); other kinds are returned as they are. Does not modify `event`.
 */
export function annotateFirstSeen<T extends AccessEvent>(
  event: T,
  seen: SeenLike,
  opts: { record?: boolean } = {},
): T & { firstSeen?: boolean } {
  if (event.kind !== "login-success") return event;
  const key = loginSeenKey(event);
  let first: boolean;
  if (isSeenSet(seen)) {
    first = opts.record ? seen.markSeen(key, event.time).first : seen.getSeen(key) === undefined;
  } else {
    first = !seen.has(key);
    if (opts.record) seen.add(key);
  }
  return { ...event, firstSeen: first };
}
