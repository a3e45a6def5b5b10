/**
 * A minimal DER (X.690) reader and writer: just the TLVs that PKCS#8 (RFC 5208 / 5958), SPKI
 * (RFC 5280), RFC 8410 and RFC 5915 key structures use. The reader is strict: definite lengths
 * only, minimal length encoding, no trailing bytes, single-byte tags (no high-tag-number form), so
 * that one key has exactly one accepted encoding. Internal to src/crypto/key-formats/.
 */
import { concatBytes } from "../bytes.ts";

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  CONTEXT_0: 0xa0, // [0] constructed
  CONTEXT_1: 0xa1, // [1] constructed
  CONTEXT_1_PRIMITIVE: 0x81, // [1] IMPLICIT BIT STRING (OneAsymmetricKey publicKey)
} as const;

export class DerError extends Error {
  constructor(message: string) {
    super(`DER: ${message}`);
    this.name = "DerError";
  }
}

export interface Tlv {
  tag: number;
  value: Uint8Array;
}

function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One TLV. */
export function encode(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const value = concatBytes(...contents);
  return concatBytes(Uint8Array.of(tag), encodeLength(value.length), value);
}

/** A small non-negative INTEGER (versions). */
export function encodeSmallInteger(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 127) throw new RangeError("DER small integer must be in 0..127");
  return encode(TAG.INTEGER, Uint8Array.of(n));
}

/** A BIT STRING with 0 unused bits. */
export function encodeBitString(bytes: Uint8Array): Uint8Array {
  return encode(TAG.BIT_STRING, Uint8Array.of(0), bytes);
}

/** Reads consecutive TLVs until `bytes` is exhausted. */
export function readAll(bytes: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const tag = bytes[offset++];
    if ((tag & 0x1f) === 0x1f) throw new DerError("high tag numbers are not supported");
    if (offset >= bytes.length) throw new DerError("truncated length");
    let length = bytes[offset++];
    if (length === 0x80) throw new DerError("indefinite length is not DER");
    if (length > 0x80) {
      const count = length & 0x7f;
      if (count > 4 || offset + count > bytes.length) throw new DerError("bad length");
      if (bytes[offset] === 0) throw new DerError("non-minimal length");
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + bytes[offset++];
      if (length < 0x80) throw new DerError("non-minimal length");
    }
    if (offset + length > bytes.length) throw new DerError("truncated value");
    out.push({ tag, value: bytes.subarray(offset, offset + length) });
    offset += length;
  }
  return out;
}

/** Reads exactly one TLV with the expected tag spanning all of `bytes`. */
export function readOne(bytes: Uint8Array, tag: number, what: string): Uint8Array {
  const tlvs = readAll(bytes);
  if (tlvs.length !== 1 || tlvs[0].tag !== tag) throw new DerError(`expected ${what}`);
  return tlvs[0].value;
}

/** The contents of a BIT STRING with 0 unused bits. */
export function bitStringBytes(value: Uint8Array, what: string): Uint8Array {
  if (value.length < 1 || value[0] !== 0) throw new DerError(`${what}: BIT STRING with unused bits`);
  return value.subarray(1);
}

/** A small INTEGER value (versions), strict DER. */
export function smallIntegerValue(value: Uint8Array, what: string): number {
  if (value.length !== 1 || value[0] > 127) throw new DerError(`${what}: unexpected INTEGER`);
  return value[0];
}
