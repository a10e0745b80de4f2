/**
 * The shared corpus of real, externally written files lives beside the project, in
 * ../shared/corpus (CI always has it). A user's clone does not: tests that need it are skipped
 * there, and say so plainly rather than passing silently.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "vitest";

export const CORPUS_DIR = resolve(
  process.env.BULWARK_CORPUS ?? join(import.meta.dirname, "..", "..", "..", "shared", "corpus"),
);

export const hasCorpus = existsSync(CORPUS_DIR);

let announced = false;

/** `describe` that runs only when the shared corpus is present, and announces the skip otherwise. */
export function describeCorpus(name: string, fn: () => void): void {
  if (!hasCorpus && !announced) {
    announced = true;
    process.stderr.write(
      `\n[bulwark] SKIPPED corpus tests: ${CORPUS_DIR} not found (it ships with CI, not with a clone; set BULWARK_CORPUS to point at it)\n`,
    );
  }
  if (hasCorpus) {
    describe(`${name} [corpus]`, fn);
    return;
  }
  // describe.skip would still run `fn` to collect its tests, and a body that reads the corpus
  // (to list its files) would fail; so without the corpus the body is not run at all.
  describe.skip(`${name} [corpus]`, () => {
    it(`needs the shared corpus at ${CORPUS_DIR}`, () => {});
  });
}

export function corpusPath(...parts: string[]): string {
  return join(CORPUS_DIR, ...parts);
}

/** Every regular file below `dir` (relative to the corpus), recursively, sorted. */
export function corpusFiles(dir: string, filter: (path: string) => boolean = () => true): string[] {
  const root = corpusPath(dir);
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (filter(p)) out.push(p);
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}
