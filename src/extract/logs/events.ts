/**
 * Access events into facts, in time order: logins (with what makes one unexpected: a public
 * address, an address no earlier login came from, failures from the same address before it),
 * configuration changes, link changes (a cable, or a logical interface), SIM switches, reboots.
 *
 * One happening written by several programs is one event: RutOS logs an SSH login both from
 * Dropbear and to its events log, and an unplugged cable from the kernel, netifd and its port
 * service. Lines of other detectors that say the same (same address and user, same port and
 * direction) within a few seconds are added to the first one's evidence.
 */
import { isPublicAddress } from "../../facts/address.js";
import type {
  LinkEventSeen,
  LoginSeen,
  ObservedActivity,
  ObservedEvent,
} from "../../facts/observed.js";
import { capped, type LogCollector, type RawEvent } from "./collector.js";

type Built = Pick<
  ObservedActivity,
  "logins" | "configChanges" | "links" | "simSwitches" | "reboots"
>;

/** Every dated failure time per source address, whatever the service, sorted. */
function failureTimes(c: LogCollector): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const byAddress of c.failures.values()) {
    for (const acc of byAddress.values()) {
      const list = out.get(acc.address) ?? [];
      for (const t of acc.times) if (!Number.isNaN(t)) list.push(t);
      out.set(acc.address, list);
    }
  }
  for (const list of out.values()) list.sort((a, b) => a - b);
  return out;
}

/** How many of the sorted `times` are at or before `t`. */
function countUpTo(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] ?? 0) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How far apart two lines of different programs can be and still tell one happening. */
const SAME_HAPPENING_MS = 5000;

/** The earlier event of another detector `r` repeats, if any (looked for among the last few). */
function repeated<T extends ObservedEvent>(
  list: T[],
  msOf: WeakMap<ObservedEvent, number>,
  r: RawEvent,
  same: (e: T) => boolean,
): T | undefined {
  if (r.time === undefined) return undefined;
  for (let i = list.length - 1; i >= 0 && i >= list.length - 8; i--) {
    const e = list[i];
    const ms = e === undefined ? undefined : msOf.get(e);
    if (!e || ms === undefined) continue;
    if (r.time - ms > SAME_HAPPENING_MS) break;
    if (e.detector !== r.event.detector && same(e)) return e;
  }
  return undefined;
}

const portKey = (name: string | undefined) => (name ?? "").toLowerCase().replace(/\s+/g, "");

export function buildEvents(c: LogCollector, omitted: Record<string, number>): Built {
  const sorted = [...c.events].sort(
    (a, b) =>
      (a.time ?? Number.POSITIVE_INFINITY) - (b.time ?? Number.POSITIVE_INFINITY) ||
      a.order - b.order,
  );
  const base = (r: RawEvent): ObservedEvent => ({
    kind: r.event.kind,
    detail: r.event.detail,
    ...(r.time === undefined ? {} : { time: c.iso(r.time) }),
    detector: r.event.detector,
    at: [r.at],
  });
  const failures = failureTimes(c);
  const loginAddresses = new Set<string>();
  const logins: LoginSeen[] = [];
  const configChanges: ObservedEvent[] = [];
  const links: LinkEventSeen[] = [];
  const simSwitches: ObservedEvent[] = [];
  const reboots: ObservedEvent[] = [];
  /** The epoch ms of each event listed, for folding repeats (not part of the facts). */
  const msOf = new WeakMap<ObservedEvent, number>();
  for (const r of sorted) {
    const e = r.event;
    switch (e.kind) {
      case "login-success": {
        const address = e.host;
        const again = repeated(
          logins,
          msOf,
          r,
          (l) =>
            l.address === address &&
            (l.user === undefined || e.user === undefined || l.user === e.user),
        );
        if (again) {
          again.at.push(r.at);
          break;
        }
        const seenBefore = address !== undefined && loginAddresses.has(address);
        const before = address === undefined ? undefined : failures.get(address);
        const entry: LoginSeen = {
          ...base(r),
          kind: "login-success",
          service: e.fields.service ?? "ssh",
          ...(e.user === undefined ? {} : { user: e.user }),
          ...(address === undefined ? {} : { address, public: isPublicAddress(address) }),
          seenBefore,
          newAddress: address !== undefined && !seenBefore && loginAddresses.size > 0,
          failuresBefore:
            before === undefined ? 0 : r.time === undefined ? 0 : countUpTo(before, r.time),
        };
        logins.push(entry);
        if (r.time !== undefined) msOf.set(entry, r.time);
        if (address !== undefined) loginAddresses.add(address);
        break;
      }
      case "config-change":
        configChanges.push(base(r));
        break;
      case "link-down":
      case "link-up": {
        const iface = e.fields.interface ?? e.fields.port ?? e.fields.network;
        const again = repeated(
          links,
          msOf,
          r,
          (l) => l.kind === e.kind && portKey(l.interface) === portKey(iface),
        );
        if (again) {
          again.at.push(r.at);
          break;
        }
        const entry: LinkEventSeen = {
          ...base(r),
          kind: e.kind,
          ...(iface === undefined ? {} : { interface: iface }),
          // netifd's "Interface 'wan' is now down" is the logical network, not a cable.
          physical: e.fields.network === undefined,
        };
        links.push(entry);
        if (r.time !== undefined) msOf.set(entry, r.time);
        break;
      }
      case "sim-switch":
        simSwitches.push(base(r));
        break;
      case "reboot":
        reboots.push(base(r));
        break;
      default:
        break;
    }
  }
  return {
    logins: capped(logins, "logins", omitted),
    configChanges: capped(configChanges, "configChanges", omitted),
    links: capped(links, "links", omitted),
    simSwitches: capped(simSwitches, "simSwitches", omitted),
    reboots: capped(reboots, "reboots", omitted),
  };
}
