/**
 * File access for the fail2ban reader: a small interface over paths relative to the configuration
 * root, with a disk implementation, an in-memory one (tests, extracted backups) and an overlay
 * (a vendor's files laid over the stock ones, as a package installs them).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, posix, resolve, sep } from "node:path";
import type { ConfigFs } from "./types.js";

/** `a/./b/../c` → `a/c`; undefined when the path leaves the root. Absolute paths stay absolute. */
export function normalizePath(path: string): string | undefined {
  if (path === "") return undefined;
  const norm = posix.normalize(path);
  if (norm === ".." || norm.startsWith("../")) return undefined;
  return norm.startsWith("./") ? norm.slice(2) : norm;
}

/** The configuration tree below `root` on disk. Paths that leave `root` (or absolute ones) read as absent. */
export function diskFs(root: string): ConfigFs {
  const base = resolve(root);
  const locate = (path: string): string | undefined => {
    if (isAbsolute(path)) return undefined;
    const norm = normalizePath(path);
    if (norm === undefined) return undefined;
    const full = norm === "." ? base : join(base, norm);
    return full === base || full.startsWith(base + sep) ? full : undefined;
  };
  return {
    read(path) {
      const full = locate(path);
      if (!full) return undefined;
      try {
        if (!statSync(full).isFile()) return undefined;
        return new TextDecoder("utf-8").decode(readFileSync(full));
      } catch {
        return undefined;
      }
    },
    list(dir) {
      const full = locate(dir === "" ? "." : dir);
      if (!full) return [];
      try {
        return readdirSync(full).sort();
      } catch {
        return [];
      }
    },
  };
}

/** A tree held in memory: `{ "jail.conf": "...", "filter.d/sshd.conf": "..." }`. */
export function memoryFs(files: Record<string, string>): ConfigFs {
  const map = new Map<string, string>();
  for (const [path, text] of Object.entries(files)) {
    const norm = normalizePath(path);
    if (norm !== undefined) map.set(norm, text);
  }
  return {
    read(path) {
      const norm = normalizePath(path);
      return norm === undefined ? undefined : map.get(norm);
    },
    list(dir) {
      const norm = dir === "" ? "." : normalizePath(dir);
      if (norm === undefined) return [];
      const prefix = norm === "." ? "" : `${norm}/`;
      const names = new Set<string>();
      for (const path of map.keys()) {
        if (!path.startsWith(prefix)) continue;
        const rest = path.slice(prefix.length);
        const name = rest.split("/")[0];
        if (name) names.add(name);
      }
      return [...names].sort();
    },
  };
}

/** Layers in order of precedence: a file in a later layer hides the same path in earlier ones. */
export function overlayFs(...layers: ConfigFs[]): ConfigFs {
  return {
    read(path) {
      for (let i = layers.length - 1; i >= 0; i--) {
        const text = layers[i]?.read(path);
        if (text !== undefined) return text;
      }
      return undefined;
    },
    list(dir) {
      const names = new Set<string>();
      for (const layer of layers) for (const name of layer.list(dir)) names.add(name);
      return [...names].sort();
    },
  };
}
