/**
 * What the memory measurements share (the watch benchmark's and the jail memory test's): a forced
 * collection when V8 lets one be had, a reading of the heap, and distinct attacking addresses.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** V8's gc, exposed at run time; undefined where it cannot be (a reading is then an upper bound). */
export function exposedGc(): (() => void) | undefined {
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  } catch {
    return undefined;
  }
}

/** Heap and buffers in use, and the resident size (bytes), after two forced collections if any. */
export function heapReading(gc: (() => void) | undefined): {
  heap: number;
  buffers: number;
  rss: number;
} {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers, rss: m.rss };
}

/** The i-th of distinct public-looking IPv4 addresses, from 1.0.0.0 upward. */
export function distinctAddress(i: number): string {
  const n = 0x01000000 + i;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
