/**
 * Memory with 1,000,000 distinct attacking addresses tracked at once in one jail (the issue's
 * bound: under 500 MB), and the time to count them. Every 100th address goes on to be banned, so
 * the expiry heap and the history hold 10,000 bans too. The figures are printed.
 *
 * A collection is forced before each reading when it can be (V8's gc exposed at run time);
 * without it the reading includes garbage and is only an upper bound.
 */
import { expect, it } from "vitest";
import { distinctAddress, exposedGc, heapReading } from "../src/bench/heap.js";
import { createJailEngine } from "../src/watch/jails/index.js";

const MB = 1024 * 1024;

it("tracks 1,000,000 distinct attackers in under 500 MB", { timeout: 120_000 }, async () => {
  const gc = exposedGc();
  let now = Date.UTC(2026, 0, 1);
  const clock = { now: () => now };
  const before = heapReading(gc);
  const engine = await createJailEngine({
    jails: [{ name: "sshd", maxretry: 5, findtime: 3600, bantime: 600, increment: true }],
    clock,
    env: {},
    selfAddresses: [],
    lookup: async () => [],
  });
  const N = 1_000_000;
  const match = { regexIndex: 0, users: [] as string[], fields: {}, host: "" };
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    match.host = distinctAddress(i);
    engine.observe("sshd", match);
    if (i % 100 === 0) for (let k = 0; k < 4; k++) engine.observe("sshd", match);
    if ((i & 1023) === 0) now += 1;
  }
  const elapsed = performance.now() - t0;
  const after = heapReading(gc);
  const stats = engine.stats()[0];
  expect(stats?.tracked).toBe(N - N / 100);
  expect(stats?.banned).toBe(N / 100);
  const heapDelta = (after.heap - before.heap + after.buffers - before.buffers) / MB;
  const perAddress = ((after.heap - before.heap + after.buffers - before.buffers) / N).toFixed(0);
  process.stdout.write(
    `\n[bulwark] jail memory, 1,000,000 distinct addresses (${N / 100} of them banned): ` +
      `+${heapDelta.toFixed(1)} MB heap and buffers (${perAddress} bytes/address), ` +
      `rss ${(after.rss / MB).toFixed(0)} MB (was ${(before.rss / MB).toFixed(0)} MB), ` +
      `${(elapsed / 1000).toFixed(2)} s to count ${(N + (N / 100) * 4).toLocaleString("en")} failures ` +
      `(${Math.round((N * 1.04) / (elapsed / 1000)).toLocaleString("en")}/s)` +
      `${gc ? "" : " [no forced gc: upper bound]"}\n`,
  );
  expect(heapDelta).toBeLessThan(500);
  expect(after.rss / MB).toBeLessThan(500 + before.rss / MB);

  // all of it expires after findtime: the periodic sweep gives the memory back
  now += 3_601_000;
  while (engine.stats()[0]?.tracked) engine.tick(now);
  expect(engine.stats()[0]?.banned).toBe(0);
});
