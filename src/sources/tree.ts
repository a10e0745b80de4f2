/**
 * A read-only view of a device's files, whatever they came in: a folder on disk (an extracted
 * root, an /etc, an /etc/config) or a backup archive read into memory. Paths are always relative
 * to the device's root, e.g. `etc/config/dropbear`, so extractors never care about the container.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";

export interface FileTree {
  /** What the user named, for reports. */
  readonly name: string;
  readonly kind: "backup" | "directory";
  /** Reads a file as UTF-8 text, or undefined when it is not there. */
  read(path: string): string | undefined;
  /** Names of the regular files directly inside `dir` (not recursive), sorted. */
  list(dir: string): string[];
  /** How a path is shown to the user: inside a backup `backup.tar.gz!etc/shadow`. */
  display(path: string): string;
}

/** Files held in memory, e.g. the entries of a backup archive. */
export class MemoryTree implements FileTree {
  readonly kind = "backup" as const;
  private readonly files = new Map<string, Buffer>();

  constructor(readonly name: string) {}

  add(path: string, content: Buffer | string): void {
    this.files.set(normalize(path), typeof content === "string" ? Buffer.from(content) : content);
  }

  get size(): number {
    return this.files.size;
  }

  read(path: string): string | undefined {
    return this.files.get(normalize(path))?.toString("utf8");
  }

  list(dir: string): string[] {
    const prefix = normalize(dir) === "" ? "" : `${normalize(dir)}/`;
    const out: string[] = [];
    for (const path of this.files.keys()) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      if (rest && !rest.includes("/")) out.push(rest);
    }
    return out.sort();
  }

  display(path: string): string {
    return `${basename(this.name)}!${normalize(path)}`;
  }
}

/**
 * A folder on disk, mapped onto device paths. `mount` says what the folder is on the device:
 * "" for a root, "etc" for an /etc, "etc/config" for an /etc/config.
 */
export class DiskTree implements FileTree {
  readonly kind = "directory" as const;

  constructor(
    readonly name: string,
    private readonly dir: string,
    private readonly mount: string,
  ) {}

  private local(path: string): string | undefined {
    const p = normalize(path);
    if (this.mount === "") return join(this.dir, p);
    if (p === this.mount) return this.dir;
    if (!p.startsWith(`${this.mount}/`)) return undefined;
    return join(this.dir, p.slice(this.mount.length + 1));
  }

  read(path: string): string | undefined {
    const local = this.local(path);
    if (!local) return undefined;
    try {
      return readFileSync(local, "utf8");
    } catch {
      return undefined;
    }
  }

  list(dir: string): string[] {
    const local = this.local(dir);
    if (!local || !existsSync(local)) return [];
    try {
      return readdirSync(local)
        .filter((n) => {
          try {
            return statSync(join(local, n)).isFile();
          } catch {
            return false;
          }
        })
        .sort();
    } catch {
      return [];
    }
  }

  display(path: string): string {
    return this.local(path) ?? path;
  }
}

function normalize(path: string): string {
  return path.replace(/^\.?\/+/, "").replace(/\/+$/, "");
}

/**
 * Several trees seen as one device: each is mounted at a device path ("" for the root, "etc/asterisk"
 * for an /etc/asterisk). The longest mount point that contains a path answers for it. Used to
 * audit a configuration kept in several places (a PBX's /etc/asterisk and /etc/fail2ban).
 */
export class MountTree implements FileTree {
  readonly kind = "directory" as const;
  private readonly mounts: { at: string; tree: FileTree }[];

  constructor(
    readonly name: string,
    mounts: { at: string; tree: FileTree }[],
  ) {
    this.mounts = mounts
      .map((m) => ({ at: normalize(m.at), tree: m.tree }))
      .sort((a, b) => b.at.length - a.at.length);
  }

  private route(path: string): { tree: FileTree; rest: string } | undefined {
    const p = normalize(path);
    for (const m of this.mounts) {
      if (m.at === "") return { tree: m.tree, rest: p };
      if (p === m.at) return { tree: m.tree, rest: "" };
      if (p.startsWith(`${m.at}/`)) return { tree: m.tree, rest: p.slice(m.at.length + 1) };
    }
    return undefined;
  }

  read(path: string): string | undefined {
    const r = this.route(path);
    return r ? r.tree.read(r.rest) : undefined;
  }

  list(dir: string): string[] {
    const r = this.route(dir);
    return r ? r.tree.list(r.rest) : [];
  }

  display(path: string): string {
    const r = this.route(path);
    return r ? r.tree.display(r.rest) : path;
  }
}
