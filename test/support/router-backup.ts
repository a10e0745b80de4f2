import { MemoryTree } from "../../src/sources/tree.js";

/**
 * A router backup holding `files` (etc/config/<name> unless a path is given). A complete one (the
 * default) also holds etc/passwd and the `base` files (system, network...), which is what tells an
 * extractor that a missing package is not installed rather than unknown.
 */
export function routerBackup(
  files: Record<string, string>,
  opts: { complete?: boolean; base: Record<string, string> },
): MemoryTree {
  const t = new MemoryTree("backup.tar.gz");
  const all: Record<string, string> =
    (opts.complete ?? true)
      ? { "etc/passwd": "root:x:0:0:root:/root:/bin/ash\n", ...opts.base, ...files }
      : files;
  for (const [name, text] of Object.entries(all)) {
    t.add(name.includes("/") ? name : `etc/config/${name}`, text);
  }
  return t;
}
