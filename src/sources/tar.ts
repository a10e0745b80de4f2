/**
 * Reads a tar archive held in memory, synchronously: the regular files and their names, nothing
 * else. Configuration backups are small (tens of entries) and audited by the thousand, so this
 * avoids the stream machinery of general-purpose tar libraries (about 10x the cost per backup).
 *
 * Understands ustar (with the 155-byte name prefix), GNU long names ('L') and pax extended
 * headers ('x' path); verifies every header checksum; reports truncation. Links, devices and
 * directories are skipped: a backup's meaning is in its files.
 */

export interface TarFile {
  name: string;
  data: Buffer;
}

export class TarError extends Error {}

const BLOCK = 512;

function cstring(
  buf: Buffer,
  start: number,
  length: number,
  encoding: BufferEncoding = "utf8",
): string {
  let end = start;
  const max = start + length;
  while (end < max && buf[end] !== 0) end++;
  return buf.toString(encoding, start, end);
}

/** An octal number field, or GNU's base-256 form (high bit of the first byte set). */
function number(buf: Buffer, start: number, length: number): number {
  if ((buf[start] as number) & 0x80) {
    let n = (buf[start] as number) & 0x7f;
    for (let i = start + 1; i < start + length; i++) n = n * 256 + (buf[i] as number);
    return n;
  }
  const text = cstring(buf, start, length, "latin1").trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) return Number.NaN;
  return Number.parseInt(text, 8);
}

function checksumOk(buf: Buffer, offset: number): boolean {
  const stored = number(buf, offset + 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (buf[offset + i] as number);
  return sum === stored;
}

function isZeroBlock(buf: Buffer, offset: number): boolean {
  for (let i = offset; i < offset + BLOCK; i++) if (buf[i] !== 0) return false;
  return true;
}

/** The `path` record of a pax extended header ("<len> path=<value>\n" records). */
function paxPath(data: Buffer): string | undefined {
  let pos = 0;
  let path: string | undefined;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const len = Number.parseInt(data.toString("latin1", pos, space), 10);
    if (!Number.isFinite(len) || len <= 0 || pos + len > data.length) break;
    const record = data.toString("utf8", space + 1, pos + len - 1);
    const eq = record.indexOf("=");
    if (eq > 0 && record.slice(0, eq) === "path") path = record.slice(eq + 1);
    pos += len;
  }
  return path;
}

export function readTar(buf: Buffer): TarFile[] {
  const files: TarFile[] = [];
  let header = 0;
  let longName: string | undefined;
  for (;;) {
    if (header >= buf.length) break;
    if (header + BLOCK > buf.length)
      throw new TarError(`archive ends inside a header (byte ${header})`);
    if (isZeroBlock(buf, header)) break;
    if (!checksumOk(buf, header)) throw new TarError(`bad header checksum at byte ${header}`);
    const size = number(buf, header + 124, 12);
    if (!Number.isFinite(size) || size < 0) throw new TarError(`bad size field at byte ${header}`);
    const type = String.fromCharCode(buf[header + 156] as number);
    const dataStart = header + BLOCK;
    if (dataStart + size > buf.length)
      throw new TarError(`archive ends inside an entry (byte ${header})`);
    const data = buf.subarray(dataStart, dataStart + size);
    const current = header;
    header = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (type === "L") {
      longName = cstring(data, 0, data.length);
      continue;
    }
    if (type === "x") {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === "g") continue;
    const name = longName ?? headerName(buf, current);
    longName = undefined;
    // '0' and NUL are regular files, '7' contiguous files; everything else carries no content.
    if (type === "0" || type === "\0" || type === "7") files.push({ name, data });
  }
  return files;
}

/** The name field, with the ustar prefix in front when there is one. */
function headerName(buf: Buffer, header: number): string {
  const name = cstring(buf, header, 100);
  if (buf.toString("latin1", header + 257, header + 262) !== "ustar") return name;
  const prefix = cstring(buf, header + 345, 155);
  return prefix ? `${prefix}/${name}` : name;
}
