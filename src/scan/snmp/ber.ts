/**
 * The subset of ASN.1 BER (X.690) that SNMP v1/v2c messages use (RFC 1157, RFC 3416): single-byte
 * tags, definite lengths, INTEGER, OCTET STRING, NULL, OBJECT IDENTIFIER, SEQUENCE and the
 * context-specific PDU and exception tags. Written by hand (rather than with net-snmp) because the
 * probe needs only two PDUs and must read them from hostile peers: every read is bounds-checked
 * and every malformed input ends in a BerError, never another exception, never a hang.
 */

export class BerError extends Error {}

export const TAG = {
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
} as const;

/** One decoded tag-length-value. `value` is a view into the input buffer. */
export interface Tlv {
  tag: number;
  value: Buffer;
  /** Offset just past this TLV. */
  end: number;
}

/** Longest length field accepted: 4 bytes (SNMP messages are far smaller than 4 GiB). */
const MAX_LENGTH_BYTES = 4;
/** An INTEGER wider than 6 bytes is not one SNMP uses in a request id or status. */
const MAX_INTEGER_BYTES = 6;
/** Arcs beyond 2^53 cannot be held exactly; SNMP arcs are 32-bit. */
const MAX_ARC = Number.MAX_SAFE_INTEGER;
const MAX_OID_ARCS = 128;

/** Reads the TLV at `offset`, which must end within `limit` (default: the buffer's end). */
export function readTlv(buf: Buffer, offset: number, limit = buf.length): Tlv {
  if (offset >= limit) throw new BerError(`truncated: no tag at offset ${offset}`);
  const tag = buf[offset] as number;
  // High tag numbers (0x1f) never occur in SNMP.
  if ((tag & 0x1f) === 0x1f) throw new BerError(`multi-byte tag 0x${tag.toString(16)}`);
  let pos = offset + 1;
  if (pos >= limit) throw new BerError("truncated: no length");
  const first = buf[pos++] as number;
  let length: number;
  if (first < 0x80) length = first;
  else if (first === 0x80) throw new BerError("indefinite length (not allowed in SNMP)");
  else {
    const n = first & 0x7f;
    if (n > MAX_LENGTH_BYTES) throw new BerError(`length field of ${n} bytes`);
    if (pos + n > limit) throw new BerError("truncated: length field");
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + (buf[pos++] as number);
  }
  if (length > limit - pos)
    throw new BerError(`length ${length} runs past the end (${limit - pos} bytes left)`);
  return { tag, value: buf.subarray(pos, pos + length), end: pos + length };
}

/** Reads a TLV and checks its tag. */
export function expectTlv(buf: Buffer, offset: number, tag: number, what: string): Tlv {
  const got = buf[offset];
  // The tag first: "not SNMP at all" reads better than a complaint about its length.
  if (got !== undefined && got !== tag)
    throw new BerError(
      `${what}: expected tag 0x${tag.toString(16)}, got 0x${got.toString(16)} at offset ${offset}`,
    );
  return readTlv(buf, offset);
}

/** A two's-complement INTEGER of 1 to 6 bytes. */
export function decodeInteger(v: Buffer): number {
  if (v.length === 0) throw new BerError("empty INTEGER");
  if (v.length > MAX_INTEGER_BYTES) throw new BerError(`INTEGER of ${v.length} bytes`);
  return v.readIntBE(0, v.length);
}

/** Dotted OBJECT IDENTIFIER ("1.3.6.1.2.1.1.1.0"). */
export function decodeOid(v: Buffer): string {
  if (v.length === 0) throw new BerError("empty OBJECT IDENTIFIER");
  const arcs: number[] = [];
  let arc = 0;
  let inArc = false;
  for (const byte of v) {
    if (!inArc && byte === 0x80) throw new BerError("OBJECT IDENTIFIER arc with a leading 0x80");
    arc = arc * 128 + (byte & 0x7f);
    if (arc > MAX_ARC) throw new BerError("OBJECT IDENTIFIER arc too large");
    inArc = true;
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) {
        // The first subidentifier packs the first two arcs: 40 * X + Y (X is 0, 1 or 2).
        const x = arc < 40 ? 0 : arc < 80 ? 1 : 2;
        arcs.push(x, arc - 40 * x);
      } else arcs.push(arc);
      if (arcs.length > MAX_OID_ARCS) throw new BerError("OBJECT IDENTIFIER with too many arcs");
      arc = 0;
      inArc = false;
    }
  }
  if (inArc) throw new BerError("truncated OBJECT IDENTIFIER arc");
  return arcs.join(".");
}

// ---------------------------------------------------------------------------------------------
// Encoding

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(value.length), value]);
}

/** Minimal two's-complement encoding of a safe integer that fits in 6 bytes. */
export function encodeInteger(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < -(2 ** 47) || n >= 2 ** 47)
    throw new RangeError(`INTEGER out of range: ${n}`);
  let len = 1;
  while (len < MAX_INTEGER_BYTES && (n < -(2 ** (8 * len - 1)) || n >= 2 ** (8 * len - 1))) len++;
  const b = Buffer.alloc(len);
  b.writeIntBE(n, 0, len);
  return tlv(TAG.INTEGER, b);
}

export function encodeOctetString(s: Buffer | string): Buffer {
  return tlv(TAG.OCTET_STRING, typeof s === "string" ? Buffer.from(s, "utf8") : s);
}

export function encodeOid(oid: string): Buffer {
  const arcs = oid.split(".").map((a) => {
    if (!/^\d+$/.test(a)) throw new RangeError(`bad OBJECT IDENTIFIER ${oid}`);
    return Number(a);
  });
  const [x, y] = arcs;
  if (x === undefined || y === undefined || x > 2 || (x < 2 && y >= 40))
    throw new RangeError(`bad OBJECT IDENTIFIER ${oid}`);
  const out: number[] = [];
  for (const arc of [40 * x + y, ...arcs.slice(2)]) {
    if (!Number.isSafeInteger(arc)) throw new RangeError(`bad OBJECT IDENTIFIER ${oid}`);
    const groups: number[] = [arc % 128];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) groups.unshift(v % 128);
    groups.forEach((g, i) => {
      out.push(i < groups.length - 1 ? g | 0x80 : g);
    });
  }
  return tlv(TAG.OID, Buffer.from(out));
}

export function encodeSequence(tag: number, parts: Buffer[]): Buffer {
  return tlv(tag, Buffer.concat(parts));
}
