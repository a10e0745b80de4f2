/**
 * Where the parser gets files from. The parser only ever asks for paths relative to the root of
 * the system being audited (`etc/asterisk/pjsip.conf`), so the same code reads a directory on
 * disk, an unpacked backup held in memory, or several trees mounted together.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";

export interface ConfigSource {
  /**
   * The text of the regular file at `path`, or `undefined` when there is none (missing, or a
   * directory). Throws when the file exists but cannot be read; the parser reports that.
   */
  read(path: string): string | undefined;
  /** Names of the entries (files and directories) in directory `dir`; `[]` if it is not one. */
  list(dir: string): string[];
}

/**
 * Lexically normalizes a path to the root-relative form: `/etc//asterisk/./x/../y.conf` gives
 * `etc/asterisk/y.conf`. `..` never climbs above the root, as on a real system.
 */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return out.join("/");
}

/** Joins root-relative path parts and normalizes the result. */
export function joinPath(...parts: string[]): string {
  return normalizePath(parts.join("/"));
}

function errorCode(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

/**
 * A directory on disk as the root: `diskSource("/mnt/backup")` reads `etc/...` below it, and
 * `diskSource("/")` the live system. Symbolic links are followed only while they stay below the
 * root, so that an unpacked backup cannot make the audit read the auditor's own files.
 */
export function diskSource(root: string): ConfigSource {
  const base = resolve(root);
  let realBase: string | undefined;
  const inside = (full: string) => {
    realBase ??= realpathSync(base);
    const rel = relative(realBase, realpathSync(full));
    return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
  };
  const locate = (path: string): string => {
    const rel = normalizePath(path);
    return rel === "" ? base : join(base, ...rel.split("/"));
  };
  return {
    read(path) {
      const full = locate(path);
      try {
        if (!inside(full) || !statSync(full).isFile()) return undefined;
      } catch (err) {
        const code = errorCode(err);
        if (code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP") return undefined;
        throw err;
      }
      return readFileSync(full, "utf8");
    },
    list(dir) {
      try {
        const full = locate(dir);
        return inside(full) ? readdirSync(full) : [];
      } catch {
        return [];
      }
    },
  };
}

/** Files held in memory, keyed by root-relative path (e.g. the members of a backup archive). */
export function memorySource(
  files: Record<string, string> | ReadonlyMap<string, string>,
): ConfigSource {
  const byPath = new Map<string, string>();
  const entries = files instanceof Map ? files.entries() : Object.entries(files);
  for (const [path, text] of entries) byPath.set(normalizePath(path), text);
  // Directory listings derived from the file paths.
  const children = new Map<string, Set<string>>();
  for (const path of byPath.keys()) {
    const parts = path.split("/");
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      const names = children.get(dir) ?? new Set<string>();
      children.set(dir, names);
      names.add(parts[i] as string);
    }
  }
  return {
    read: (path) => byPath.get(normalizePath(path)),
    list: (dir) => [...(children.get(normalizePath(dir)) ?? [])],
  };
}

/**
 * Several sources mounted at root-relative points, the longest matching mount point winning, as
 * with a file system. Lets a test or an audit put a package's files where the device has them,
 * e.g. Wazo's dialplan library at `usr/share/wazo-asterisk-config/dialplan` next to `etc/asterisk`.
 */
export function mountedSource(mounts: Record<string, ConfigSource>): ConfigSource {
  const points = Object.entries(mounts)
    .map(([at, source]) => ({ at: normalizePath(at), source }))
    .sort((a, b) => b.at.length - a.at.length);
  const under = (path: string, at: string) => at === "" || path === at || path.startsWith(`${at}/`);
  const route = (path: string) => {
    const p = normalizePath(path);
    for (const m of points) {
      if (under(p, m.at))
        return { source: m.source, rel: m.at === "" ? p : p.slice(m.at.length + 1) };
    }
    return undefined;
  };
  return {
    read(path) {
      const r = route(path);
      return r ? r.source.read(r.rel) : undefined;
    },
    list(dir) {
      const d = normalizePath(dir);
      const names = new Set<string>();
      const r = route(d);
      if (r) for (const name of r.source.list(r.rel)) names.add(name);
      // Mount points below `dir` show up as directories in its listing.
      for (const m of points) {
        if (m.at !== d && under(m.at, d)) {
          const next = m.at.slice(d === "" ? 0 : d.length + 1).split("/")[0];
          if (next) names.add(next);
        }
      }
      return [...names];
    },
  };
}
