/**
 * MD5 (RFC 1321) in plain TypeScript, for md5-crypt only.
 *
 * Why not node:crypto? md5-crypt runs MD5 1,002 times on inputs of a few dozen bytes. With
 * `createHash` each call pays for a native object and a JS/C++ round trip (about 2.7 µs here),
 * so one md5-crypt costs ~2.7 ms; this in-place version needs ~0.3 ms. That matters when a
 * hash is tried against every default password (see isDefaultHash). The tests check this
 * implementation against node:crypto on random inputs.
 *
 * MD5 is broken as a general hash; it is here only because md5-crypt, which routers still use,
 * is built on it.
 */

/** K[i] = floor(|sin(i + 1)| * 2^32), RFC 1321 section 3.4, as signed 32-bit integers. */
const K = Int32Array.from([
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
  0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
  0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
  0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
  0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
  0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
  0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
  0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
]);

/** Per-round left-rotation amounts; they repeat with period 4 within each of the 4 rounds. */
const S1 = [7, 12, 17, 22];
const S2 = [5, 9, 14, 20];
const S3 = [4, 11, 16, 23];
const S4 = [6, 10, 15, 21];

/** The 16 little-endian 32-bit words of the block being compressed (reused, zeroed after use). */
const W = new Int32Array(16);
/** The running state (A, B, C, D). */
const H = new Int32Array(4);

/** Bytes needed to hold a `len`-byte message plus MD5 padding: a multiple of 64. */
export function md5PaddedSize(len: number): number {
  // 1 byte 0x80 + 8 bytes of bit length, rounded up to whole 64-byte blocks.
  return (Math.floor((len + 8) / 64) + 1) * 64;
}

/** Compress one 64-byte block at `off` into H. */
function compress(b: Uint8Array, off: number): void {
  for (let j = 0; j < 16; j++) {
    const p = off + j * 4;
    W[j] =
      (b[p] as number) |
      ((b[p + 1] as number) << 8) |
      ((b[p + 2] as number) << 16) |
      ((b[p + 3] as number) << 24);
  }
  let a = H[0] as number;
  let bb = H[1] as number;
  let c = H[2] as number;
  let d = H[3] as number;
  let f = 0;
  let s = 0;
  let t = 0;
  // Each step: f = a + F(b, c, d) + K[i] + W[g]; (a, b, c, d) = (d, b + rotl(f, s), b, c).
  // Round 1: F = (b & c) | (~b & d), word index g = i.
  for (let i = 0; i < 16; i++) {
    f = (a + ((bb & c) | (~bb & d)) + (K[i] as number) + (W[i] as number)) | 0;
    s = S1[i & 3] as number;
    t = d;
    d = c;
    c = bb;
    bb = (bb + ((f << s) | (f >>> (32 - s)))) | 0;
    a = t;
  }
  // Round 2: G = (b & d) | (c & ~d), g = (5i + 1) mod 16.
  for (let i = 16; i < 32; i++) {
    f = (a + ((d & bb) | (~d & c)) + (K[i] as number) + (W[(5 * i + 1) & 15] as number)) | 0;
    s = S2[i & 3] as number;
    t = d;
    d = c;
    c = bb;
    bb = (bb + ((f << s) | (f >>> (32 - s)))) | 0;
    a = t;
  }
  // Round 3: H = b ^ c ^ d, g = (3i + 5) mod 16.
  for (let i = 32; i < 48; i++) {
    f = (a + (bb ^ c ^ d) + (K[i] as number) + (W[(3 * i + 5) & 15] as number)) | 0;
    s = S3[i & 3] as number;
    t = d;
    d = c;
    c = bb;
    bb = (bb + ((f << s) | (f >>> (32 - s)))) | 0;
    a = t;
  }
  // Round 4: I = c ^ (b | ~d), g = 7i mod 16.
  for (let i = 48; i < 64; i++) {
    f = (a + (c ^ (bb | ~d)) + (K[i] as number) + (W[(7 * i) & 15] as number)) | 0;
    s = S4[i & 3] as number;
    t = d;
    d = c;
    c = bb;
    bb = (bb + ((f << s) | (f >>> (32 - s)))) | 0;
    a = t;
  }
  H[0] = ((H[0] as number) + a) | 0;
  H[1] = ((H[1] as number) + bb) | 0;
  H[2] = ((H[2] as number) + c) | 0;
  H[3] = ((H[3] as number) + d) | 0;
}

/**
 * MD5 of `buf[0..len)`, written as 16 bytes to `out[outOffset..]`.
 *
 * Works in place: `buf` must hold at least `md5PaddedSize(len)` bytes, and the bytes after
 * `len` are overwritten with the padding. No allocation, so the md5-crypt loop is cheap.
 */
export function md5Into(buf: Uint8Array, len: number, out: Uint8Array, outOffset = 0): void {
  const padded = md5PaddedSize(len);
  if (buf.length < padded) throw new RangeError("md5Into: buffer too small for padding");
  // Padding: 0x80, zeros, then the message length in bits as a 64-bit little-endian integer.
  buf[len] = 0x80;
  buf.fill(0, len + 1, padded);
  const bitsLow = (len * 8) >>> 0;
  const bitsHigh = Math.floor(len / 0x20000000) >>> 0; // len * 8 / 2^32
  for (let i = 0; i < 4; i++) {
    buf[padded - 8 + i] = (bitsLow >>> (8 * i)) & 0xff;
    buf[padded - 4 + i] = (bitsHigh >>> (8 * i)) & 0xff;
  }
  H[0] = 0x67452301;
  H[1] = 0xefcdab89 | 0;
  H[2] = 0x98badcfe | 0;
  H[3] = 0x10325476;
  for (let off = 0; off < padded; off += 64) compress(buf, off);
  for (let i = 0; i < 4; i++) {
    const v = H[i] as number;
    const o = outOffset + i * 4;
    out[o] = v & 0xff;
    out[o + 1] = (v >>> 8) & 0xff;
    out[o + 2] = (v >>> 16) & 0xff;
    out[o + 3] = (v >>> 24) & 0xff;
  }
  // W held message words (possibly password bytes): do not leave them behind.
  W.fill(0);
}

/** MD5 of a whole byte array (convenience, copies the input). */
export function md5(data: Uint8Array): Uint8Array {
  const buf = new Uint8Array(md5PaddedSize(data.length));
  buf.set(data);
  const out = new Uint8Array(16);
  md5Into(buf, data.length, out);
  buf.fill(0);
  return out;
}
