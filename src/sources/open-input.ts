/**
 * Turns what the user names on the command line into a FileTree: a backup archive
 * (`sysupgrade -b` .tar.gz, a plain .tar), an extracted root, an /etc or an /etc/config folder.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { InputError } from "./input-error.js";
import { readTar as readTarFiles, TarError } from "./tar.js";
import { DiskTree, type FileTree, MemoryTree } from "./tree.js";

/** A backup larger than this is not a router configuration backup; refuse rather than fill memory. */
const MAX_BACKUP_BYTES = 256 * 1024 * 1024;

/** UCI package names that tell a folder of config files apart from any other folder. */
const KNOWN_UCI_FILES = [
  "system",
  "network",
  "firewall",
  "dropbear",
  "uhttpd",
  "wireless",
  "dhcp",
  "rpcd",
];
/** What an /etc holds that no other folder does (a router's, a PBX's or any Linux host's). */
const ETC_FILES = ["passwd", "shadow", "os-release", "openwrt_release"];
const ETC_DIRS = ["config", "asterisk", "ssh", "fail2ban"];
/** Files only an /etc/asterisk holds. */
const ASTERISK_MARKERS = [
  "asterisk.conf",
  "pjsip.conf",
  "sip.conf",
  "extensions.conf",
  "manager.conf",
  "modules.conf",
];

export async function openInput(path: string): Promise<FileTree> {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new InputError(`no such file or directory`, path);
  const st = statSync(abs);
  if (st.isDirectory()) return openDirectory(path, abs);
  const data = readFileSync(abs);
  return openArchive(path, data);
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** A regular file that reads as UCI: some line starts a `config` section. */
function isUciFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    return /^\s*config\s+\S/m.test(readFileSync(p, "utf8").slice(0, 64 * 1024));
  } catch {
    return false;
  }
}

/**
 * Which device path a folder is: a root (it has etc/), an /etc, an /etc/config or an
 * /etc/asterisk. Decided by what the entries are, not only their names (Debian's /etc/network is
 * a folder, OpenWrt's /etc/config/network a UCI file).
 */
function openDirectory(name: string, abs: string): FileTree {
  if (isDir(join(abs, "etc"))) return new DiskTree(name, abs, "");
  const isEtc =
    ETC_FILES.some((f) => isFile(join(abs, f))) || ETC_DIRS.some((d) => isDir(join(abs, d)));
  if (isEtc) return new DiskTree(name, abs, "etc");
  if (KNOWN_UCI_FILES.some((f) => isUciFile(join(abs, f))))
    return new DiskTree(name, abs, "etc/config");
  if (ASTERISK_MARKERS.some((f) => isFile(join(abs, f))))
    return new DiskTree(name, abs, "etc/asterisk");
  // Not a layout we recognise; read it as a root so nothing is invented, and let the audit say
  // which configuration it could not find.
  return new DiskTree(name, abs, "");
}

/** Recognises the archive by its bytes, not its name, and reads it into memory. */
export async function openArchive(name: string, data: Buffer): Promise<FileTree> {
  if (data.length > MAX_BACKUP_BYTES) {
    throw new InputError(
      `file is ${data.length} bytes; a configuration backup is far smaller`,
      name,
    );
  }
  const lower = basename(name).toLowerCase();
  if (isZip(data) || lower.endsWith(".zip")) {
    throw new InputError(
      "this is a password-protected (zip) backup; Bulwark cannot open it without the password. " +
        "Extract it first (unzip -P PASSWORD FILE, then tar -xzf the inner .tar.gz) and audit the extracted folder or archive.",
      name,
    );
  }
  if (is7z(data) || lower.endsWith(".7z")) {
    throw new InputError(
      "this is a password-protected (7z) backup; Bulwark cannot open it without the password. " +
        "Extract it first (7z x -pPASSWORD FILE) and audit the extracted archive or folder.",
      name,
    );
  }
  let tar = data;
  if (data[0] === 0x1f && data[1] === 0x8b) {
    try {
      tar = gunzipSync(data);
    } catch (err) {
      throw new InputError(`corrupt gzip data (${(err as Error).message})`, name);
    }
  }
  if (!looksLikeTar(tar)) {
    throw new InputError(
      "not a backup archive, nor a folder (expected a sysupgrade .tar.gz, an extracted root, /etc or /etc/config)",
      name,
    );
  }
  const tree = new MemoryTree(name);
  readTar(tar, tree, name);
  if (tree.size === 0) throw new InputError("the archive holds no files", name);
  return tree;
}

function isZip(data: Buffer): boolean {
  return data.length >= 4 && data.readUInt32LE(0) === 0x04034b50;
}

function is7z(data: Buffer): boolean {
  return (
    data.length >= 6 &&
    data[0] === 0x37 &&
    data[1] === 0x7a &&
    data[2] === 0xbc &&
    data[3] === 0xaf &&
    data[4] === 0x27 &&
    data[5] === 0x1c
  );
}

/** ustar magic at offset 257, or an old-style header whose checksum adds up. */
function looksLikeTar(data: Buffer): boolean {
  if (data.length < 512) return false;
  if (data.toString("latin1", 257, 262) === "ustar") return true;
  const stored = Number.parseInt(data.toString("latin1", 148, 156).replace(/\0.*$/, "").trim(), 8);
  if (Number.isNaN(stored)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (data[i] as number);
  return sum === stored;
}

function readTar(data: Buffer, tree: MemoryTree, name: string): void {
  try {
    for (const file of readTarFiles(data)) tree.add(file.name, file.data);
  } catch (err) {
    if (err instanceof TarError) throw new InputError(`corrupt tar archive (${err.message})`, name);
    throw err;
  }
}
