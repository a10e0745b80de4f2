/**
 * The project's data files (data/*.json: firmware releases, default credentials...) live beside
 * src/ and dist/, so they can be updated without a rebuild and shipped in the npm package.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const cache = new Map<string, unknown>();

export function readDataFile<T>(name: string): T {
  let v = cache.get(name);
  if (v === undefined) {
    v = JSON.parse(readFileSync(join(ROOT, "data", name), "utf8"));
    cache.set(name, v);
  }
  return v as T;
}

export const VERSION: string = (
  JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }
).version;
