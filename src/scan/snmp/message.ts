/**
 * SNMP v1/v2c messages (RFC 1157 §4, RFC 3416 §3): `SEQUENCE { version, community, PDU }` where
 * the PDU is `[tag] SEQUENCE { request-id, error-status, error-index, variable-bindings }`.
 * Only what the scanner sends (GetRequest) and reads back (Response) needs to be right; other PDU
 * types with the same shape decode too, so a peer's odd answer is described, not misread. The
 * v1 Trap PDU and SNMPv3 messages have other shapes and are refused as such.
 */
import {
  BerError,
  decodeInteger,
  decodeOid,
  encodeInteger,
  encodeOctetString,
  encodeOid,
  encodeSequence,
  expectTlv,
  readTlv,
  TAG,
  tlv,
} from "./ber.js";

/** The version field: 0 is SNMPv1, 1 is SNMPv2c. */
export const SNMP_V1 = 0;
export const SNMP_V2C = 1;

export const PDU = {
  GET_REQUEST: 0xa0,
  GET_NEXT_REQUEST: 0xa1,
  RESPONSE: 0xa2,
  SET_REQUEST: 0xa3,
  V1_TRAP: 0xa4,
  GET_BULK_REQUEST: 0xa5,
  INFORM_REQUEST: 0xa6,
  V2_TRAP: 0xa7,
  REPORT: 0xa8,
} as const;

/** error-status names (RFC 3416 §3; 0-5 are also v1's). */
export const ERROR_STATUS = [
  "noError",
  "tooBig",
  "noSuchName",
  "badValue",
  "readOnly",
  "genErr",
  "noAccess",
  "wrongType",
  "wrongLength",
  "wrongEncoding",
  "wrongValue",
  "noCreation",
  "inconsistentValue",
  "resourceUnavailable",
  "commitFailed",
  "undoFailed",
  "authorizationError",
  "notWritable",
  "inconsistentName",
];

export interface VarBind {
  oid: string;
  /** The value's BER tag (0x04 OCTET STRING, 0x05 NULL, 0x80-0x82 exceptions, ...). */
  type: number;
  /** The value's content octets. */
  value: Buffer;
}

export interface SnmpPdu {
  type: number;
  requestId: number;
  errorStatus: number;
  errorIndex: number;
  varbinds: VarBind[];
}

export interface SnmpMessage {
  version: number;
  /** Kept as bytes: a community is an OCTET STRING, not necessarily text. */
  community: Buffer;
  pdu: SnmpPdu;
}

export type DecodeResult = { ok: true; message: SnmpMessage } | { ok: false; error: string };

/** More variable bindings than any answer to our two-OID request could hold. */
export const MAX_VARBINDS = 64;

const SHAPED_PDUS = new Set<number>([
  PDU.GET_REQUEST,
  PDU.GET_NEXT_REQUEST,
  PDU.RESPONSE,
  PDU.SET_REQUEST,
  PDU.GET_BULK_REQUEST,
  PDU.INFORM_REQUEST,
  PDU.V2_TRAP,
  PDU.REPORT,
]);

/** Decodes one datagram. Never throws: anything malformed is `{ ok: false, error }`. */
export function decodeMessage(buf: Buffer): DecodeResult {
  try {
    return { ok: true, message: decode(buf) };
  } catch (err) {
    if (err instanceof BerError) return { ok: false, error: err.message };
    throw err;
  }
}

function decode(buf: Buffer): SnmpMessage {
  const outer = expectTlv(buf, 0, TAG.SEQUENCE, "message");
  if (outer.end !== buf.length)
    throw new BerError(`${buf.length - outer.end} trailing bytes after the message`);
  const body = outer.value;
  const ver = expectTlv(body, 0, TAG.INTEGER, "version");
  const version = decodeInteger(ver.value);
  if (version !== SNMP_V1 && version !== SNMP_V2C)
    throw new BerError(
      version === 3 ? "SNMPv3 message (not v1/v2c)" : `unknown SNMP version ${version}`,
    );
  const com = expectTlv(body, ver.end, TAG.OCTET_STRING, "community");
  const pduTlv = readTlv(body, com.end);
  if (pduTlv.end !== body.length) throw new BerError("bytes after the PDU");
  if (pduTlv.tag === PDU.V1_TRAP) throw new BerError("SNMPv1 Trap (not an answer)");
  if (!SHAPED_PDUS.has(pduTlv.tag))
    throw new BerError(`unknown PDU tag 0x${pduTlv.tag.toString(16)}`);
  const p = pduTlv.value;
  const rid = expectTlv(p, 0, TAG.INTEGER, "request-id");
  const es = expectTlv(p, rid.end, TAG.INTEGER, "error-status");
  const ei = expectTlv(p, es.end, TAG.INTEGER, "error-index");
  const list = expectTlv(p, ei.end, TAG.SEQUENCE, "variable-bindings");
  if (list.end !== p.length) throw new BerError("bytes after the variable bindings");
  const varbinds: VarBind[] = [];
  const vb = list.value;
  for (let off = 0; off < vb.length; ) {
    if (varbinds.length >= MAX_VARBINDS) throw new BerError("too many variable bindings");
    const pair = expectTlv(vb, off, TAG.SEQUENCE, "variable binding");
    const name = expectTlv(pair.value, 0, TAG.OID, "name");
    const value = readTlv(pair.value, name.end);
    if (value.end !== pair.value.length) throw new BerError("bytes after a binding's value");
    if (value.tag >= 0xa0 || value.tag === TAG.SEQUENCE)
      throw new BerError(`constructed value 0x${value.tag.toString(16)} in a binding`);
    varbinds.push({ oid: decodeOid(name.value), type: value.tag, value: value.value });
    off = pair.end;
  }
  return {
    version,
    community: Buffer.from(com.value),
    pdu: {
      type: pduTlv.tag,
      requestId: decodeInteger(rid.value),
      errorStatus: decodeInteger(es.value),
      errorIndex: decodeInteger(ei.value),
      varbinds: varbinds.map((v) => ({ ...v, value: Buffer.from(v.value) })),
    },
  };
}

/** Encodes a v1/v2c message (the probe's GetRequest; tests' fake agents' answers). */
export function encodeMessage(m: SnmpMessage): Buffer {
  const bindings = m.pdu.varbinds.map((v) =>
    encodeSequence(TAG.SEQUENCE, [encodeOid(v.oid), tlv(v.type, v.value)]),
  );
  return encodeSequence(TAG.SEQUENCE, [
    encodeInteger(m.version),
    encodeOctetString(m.community),
    encodeSequence(m.pdu.type, [
      encodeInteger(m.pdu.requestId),
      encodeInteger(m.pdu.errorStatus),
      encodeInteger(m.pdu.errorIndex),
      encodeSequence(TAG.SEQUENCE, bindings),
    ]),
  ]);
}

/** A GetRequest for `oids`, each bound to NULL as RFC 3416 asks. */
export function getRequest(
  version: number,
  community: string,
  requestId: number,
  oids: string[],
): Buffer {
  return encodeMessage({
    version,
    community: Buffer.from(community, "utf8"),
    pdu: {
      type: PDU.GET_REQUEST,
      requestId,
      errorStatus: 0,
      errorIndex: 0,
      varbinds: oids.map((oid) => ({ oid, type: TAG.NULL, value: Buffer.alloc(0) })),
    },
  });
}
