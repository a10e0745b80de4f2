/**
 * Failures into brute-force campaigns, one per service, measured against a ban threshold.
 *
 * Each campaign's failures are replayed in time order through the watcher's own jail engine
 * (src/watch/jails, fail2ban's counting: maxretry within findtime, with its rescaling of slow
 * attackers, a ban for bantime, counting again once it expires) configured with the threshold:
 * a failure the engine meets while the address "is banned" is one a working jail would have
 * prevented. Such failures are the evidence that the protection is missing or does not work. A
 * few seconds after the ban point are let go (attempts already in flight when the ban applies).
 *
 * fail2ban's own ban lines, when its log was read, are matched by address: a failure while one of
 * them was in force means the ban did not stop the address (wrong port, an action that failed).
 */

import { isPublicAddress } from "../../facts/address.js";
import type { Facts } from "../../facts/model.js";
import type {
  AttackerSeen,
  BanThreshold,
  BruteForceCampaign,
  ObservedService,
} from "../../facts/observed.js";
import type { Origin } from "../../facts/value.js";
import { AddressSet, JailEngine } from "../../watch/jails/index.js";
import type { AddressFailures, LogCollector, RawBan } from "./collector.js";
import { guardingJail, thresholdFor } from "./thresholds.js";

/** Failures this soon after a ban point or a ban line are attempts already under way. */
export const BAN_GRACE_MS = 3000;
const ATTACKERS_LISTED = 50;
const SAMPLES = 6;

const SERVICE_ORDER: ObservedService[] = ["ssh", "sip", "iax2", "ami", "web", "provisioning"];

interface Replay {
  reachedAt?: number;
  pastThreshold: number;
  /** Indices (into the address's `times`) of failures past the threshold, for samples. */
  pastIndices: number[];
}

/** Replays one service's failures through a jail engine set to `threshold`. */
function replay(
  byAddress: Map<string, AddressFailures>,
  threshold: BanThreshold,
  ignoreip: readonly string[],
): Map<string, Replay> {
  const out = new Map<string, Replay>();
  const accs = [...byAddress.values()];
  let total = 0;
  for (const a of accs) total += a.times.length;
  // Every dated failure as (time, address, index), in time order (reading order for ties).
  const at = new Float64Array(total);
  const who = new Uint32Array(total);
  const idx = new Uint32Array(total);
  let n = 0;
  accs.forEach((a, ai) => {
    a.times.forEach((t, i) => {
      if (Number.isNaN(t)) return;
      at[n] = t;
      who[n] = ai;
      idx[n] = i;
      n++;
    });
  });
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => (at[x] ?? 0) - (at[y] ?? 0));

  const clock = { t: 0, now: () => clock.t };
  const ignore = new AddressSet();
  for (const e of ignoreip) ignore.addNetwork(e);
  const jail = threshold.jail ?? "threshold";
  const engine = new JailEngine(
    {
      jails: [
        {
          name: jail,
          maxretry: threshold.maxretry,
          findtime: threshold.findtimeSeconds,
          bantime: threshold.bantimeSeconds,
          ignoreself: false,
        },
      ],
      clock,
      // Each tick looks at a few failure slots only: ticks here come once per logged second.
      sweepBudget: 16,
    },
    new AddressSet(),
    new AddressSet(),
    [ignore],
  );
  const banAt = new Map<string, number>();
  let lastTick = Number.NEGATIVE_INFINITY;
  for (const k of order) {
    const t = at[k] ?? 0;
    const a = accs[who[k] ?? 0];
    if (!a) continue;
    clock.t = t;
    if (t > lastTick) {
      engine.tick(t);
      lastTick = t;
    }
    const r = engine.observe(
      jail,
      { regexIndex: 0, host: a.address, users: [], fields: {}, time: t },
      { live: false },
    );
    let rec = out.get(a.address);
    if (!rec) {
      rec = { pastThreshold: 0, pastIndices: [] };
      out.set(a.address, rec);
    }
    if (r.status === "banned") {
      rec.reachedAt ??= t;
      banAt.set(a.address, t);
    } else if (r.status === "already-banned" && t - (banAt.get(a.address) ?? t) > BAN_GRACE_MS) {
      rec.pastThreshold++;
      if (rec.pastIndices.length < 3) rec.pastIndices.push(idx[k] ?? 0);
    }
  }
  return out;
}

/** The most failures within any findtime-long stretch (times sorted, NaN left out). */
function maxWithin(times: readonly number[], windowMs: number): number {
  const sorted = times.filter((t) => !Number.isNaN(t)).sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] ?? 0) - (sorted[lo] ?? 0) > windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/** Earliest and latest of the dated times (a loop: a campaign may hold a million). */
function span(times: readonly number[]): [number | undefined, number | undefined] {
  let lo: number | undefined;
  let hi: number | undefined;
  for (const t of times) {
    if (Number.isNaN(t)) continue;
    if (lo === undefined || t < lo) lo = t;
    if (hi === undefined || t > hi) hi = t;
  }
  return [lo, hi];
}

/** Failures of `times` while one of `bans` was in force (after its grace). */
function failuresAfterBans(times: readonly number[], bans: RawBan[], bantimeMs: number): number {
  let count = 0;
  for (const t of times) {
    if (Number.isNaN(t)) continue;
    if (
      bans.some(
        (b) =>
          b.time !== undefined &&
          t > b.time + BAN_GRACE_MS &&
          (bantimeMs < 0 || t <= b.time + bantimeMs),
      )
    )
      count++;
  }
  return count;
}

export function buildCampaigns(c: LogCollector, facts: Facts): BruteForceCampaign[] {
  const bansBy = new Map<string, RawBan[]>();
  for (const b of c.bans) {
    const list = bansBy.get(b.address) ?? [];
    list.push(b);
    bansBy.set(b.address, list);
  }
  const out: BruteForceCampaign[] = [];
  for (const service of SERVICE_ORDER) {
    const byAddress = c.failures.get(service);
    if (!byAddress || byAddress.size === 0) continue;
    const threshold = thresholdFor(facts, service);
    const ignoreip = guardingJail(facts, service)?.ignoreip.map((e) => e.entry) ?? [];
    const replayed = replay(byAddress, threshold, ignoreip);
    const findtimeMs = threshold.findtimeSeconds * 1000;
    const bantimeMs = threshold.bantimeSeconds < 0 ? -1 : threshold.bantimeSeconds * 1000;
    const attackers: (AttackerSeen & { acc: AddressFailures; rep?: Replay })[] = [];
    const detectors = new Set<string>();
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    let failures = 0;
    for (const acc of byAddress.values()) {
      for (const d of acc.detectors) detectors.add(d);
      const [lo, hi] = span(acc.times);
      if (lo !== undefined && lo < first) first = lo;
      if (hi !== undefined && hi > last) last = hi;
      failures += acc.times.length;
      const rep = replayed.get(acc.address);
      const bans = bansBy.get(acc.address) ?? [];
      attackers.push({
        acc,
        rep,
        address: acc.address,
        public: isPublicAddress(acc.address),
        failures: acc.times.length,
        userNames: acc.users.size,
        first: lo === undefined ? "" : c.iso(lo),
        last: hi === undefined ? "" : c.iso(hi),
        maxInFindtime: maxWithin(acc.times, findtimeMs),
        ...(rep?.reachedAt === undefined ? {} : { reachedThresholdAt: c.iso(rep.reachedAt) }),
        pastThreshold: rep?.pastThreshold ?? 0,
        bans: bans.length,
        afterBan: failuresAfterBans(acc.times, bans, bantimeMs),
      });
    }
    attackers.sort((a, b) => b.failures - a.failures || a.address.localeCompare(b.address));
    const past = attackers.filter((a) => a.pastThreshold > 0);
    out.push({
      service,
      detectors: [...detectors],
      failures,
      addressCount: attackers.length,
      first: Number.isFinite(first) ? c.iso(first) : "",
      last: Number.isFinite(last) ? c.iso(last) : "",
      maxPerAddressInFindtime: attackers.reduce((m, a) => Math.max(m, a.maxInFindtime), 0),
      threshold,
      continuedPastThreshold: past.length,
      failuresPastThreshold: past.reduce((s, a) => s + a.pastThreshold, 0),
      continuedUnbanned: past.filter((a) => a.bans === 0).length,
      bansSeen: attackers.reduce((s, a) => s + a.bans, 0),
      continuedAfterBan: attackers.filter((a) => a.afterBan > 0).length,
      attackers: attackers.slice(0, ATTACKERS_LISTED).map(({ acc: _acc, rep: _rep, ...a }) => a),
      samples: samplesOf(attackers, past),
    });
  }
  return out;
}

/** The campaign's first lines (its top attackers'), then the first lines past the threshold. */
function samplesOf(
  attackers: { acc: AddressFailures; rep?: Replay }[],
  past: { acc: AddressFailures; rep?: Replay }[],
): Origin[] {
  const out: Origin[] = [];
  const seen = new Set<string>();
  const add = (o: Origin | undefined) => {
    if (!o || out.length >= SAMPLES) return;
    const key = JSON.stringify(o);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(o);
  };
  for (const a of attackers.slice(0, 3)) add(a.acc.samples[0]?.at);
  for (const a of past.slice(0, 3)) {
    const i = a.rep?.pastIndices[0];
    add(a.acc.samples.find((s) => s.index === i)?.at);
  }
  return out;
}
