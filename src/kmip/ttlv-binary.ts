/**
 * The binary TTLV codec (KMIP 2.1 §9.1; KMIP 1.x §9.1): the same TtlvNode model as the JSON codec
 * (ttlv.ts), so a message read from either form goes through the same decoding into records.
 *
 * An item is a 3-byte tag, a 1-byte type, a 4-byte big-endian length and the value, padded with
 * zeros to a multiple of 8 bytes. A Structure's length is the exact sum of its padded children.
 * Every malformed input is a KmipError (`Invalid_Message`, or `Invalid_Field` for an unknown tag)
 * naming the byte offset of the offending item; nesting and total size are bounded.
 */
import { KmipError } from "./error.ts";
import { enumName, enumValue } from "./enums.ts";
import { tagCode, tagNameOf, type TtlvType } from "./tags.ts";
import { MAX_DEPTH, type TtlvNode } from "./ttlv.ts";
import { bytesToHex } from "../crypto/bytes.ts";

/** Type byte <-> TTLV type (KMIP 2.1 §9.1.1.2). */
const TYPE_CODES: Readonly<Record<TtlvType, number>> = {
  Structure: 0x01,
  Integer: 0x02,
  LongInteger: 0x03,
  BigInteger: 0x04,
  Enumeration: 0x05,
  Boolean: 0x06,
  TextString: 0x07,
  ByteString: 0x08,
  DateTime: 0x09,
  Interval: 0x0a,
  DateTimeExtended: 0x0b,
};
const TYPE_NAMES: readonly (TtlvType | undefined)[] = (() => {
  const names: (TtlvType | undefined)[] = [];
  for (const [name, code] of Object.entries(TYPE_CODES)) names[code] = name as TtlvType;
  return names;
})();
/** Fixed value lengths; the others (Structure, BigInteger, TextString, ByteString) vary. */
const FIXED_LENGTH: Partial<Record<TtlvType, number>> = {
  Integer: 4,
  Enumeration: 4,
  Interval: 4,
  LongInteger: 8,
  Boolean: 8,
  DateTime: 8,
  DateTimeExtended: 8,
};

/** Default bound on one binary message (the socket server and the HTTP route pass their own). */
export const DEFAULT_MAX_BINARY_BYTES = 16 * 1024 * 1024;

export interface BinaryDecodeOptions {
  /** Largest accepted message in bytes (header included). */
  maxBytes?: number;
  /** Deepest accepted nesting of Structures. */
  maxDepth?: number;
}

const padded = (length: number) => (length + 7) & ~7;

/** ByteStrings from this size on are decoded as views of the message, not copies. */
const VIEW_BYTES = 16 * 1024;

function invalid(offset: number, message: string): KmipError {
  return new KmipError("Invalid_Message", `binary TTLV at byte ${offset}: ${message}`);
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });
const UTF8_ENCODER = new TextEncoder();

// ----------------------------------------------------------------------------------------------
// Decoding

/**
 * Total length (header included) of the TTLV item whose first 8 bytes are given: what a stream
 * reader needs to frame one message. Throws Invalid_Message when the header cannot start a message.
 */
export function binaryMessageLength(header: Uint8Array, maxBytes = DEFAULT_MAX_BINARY_BYTES): number {
  if (header.length < 8) throw invalid(0, "a TTLV item header is 8 bytes");
  if (header[0] !== 0x42 && header[0] !== 0x54)
    throw invalid(0, `tag 0x${hex(header, 0, 3)} is not a KMIP tag (0x42xxxx or 0x54xxxx)`);
  if (header[3] !== TYPE_CODES.Structure) throw invalid(3, "a KMIP message is a Structure");
  const length = new DataView(header.buffer, header.byteOffset, 8).getUint32(4);
  if (length % 8 !== 0) throw invalid(4, `a Structure length must be a multiple of 8, got ${length}`);
  if (length + 8 > maxBytes) throw invalid(4, `the message is ${length + 8} bytes, more than the limit of ${maxBytes}`);
  return length + 8;
}

/** Decodes exactly one TTLV item covering all of `bytes`. */
export function decodeTtlvBinary(bytes: Uint8Array, options: BinaryDecodeOptions = {}): TtlvNode {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BINARY_BYTES;
  const maxDepth = options.maxDepth ?? MAX_DEPTH;
  if (bytes.length > maxBytes)
    throw invalid(0, `the message is ${bytes.length} bytes, more than the limit of ${maxBytes}`);
  if (bytes.length < 8) throw invalid(0, `a TTLV item is at least 8 bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [node, end] = readItem(bytes, view, 0, bytes.length, 0, maxDepth);
  if (end !== bytes.length) throw invalid(end, `${bytes.length - end} trailing bytes after the message`);
  return node;
}

function readItem(
  bytes: Uint8Array,
  view: DataView,
  offset: number,
  limit: number,
  depth: number,
  maxDepth: number,
): [TtlvNode, number] {
  if (limit - offset < 8) throw invalid(offset, `truncated item header (${limit - offset} of 8 bytes)`);
  const code = (bytes[offset]! << 16) | (bytes[offset + 1]! << 8) | bytes[offset + 2]!;
  const type = TYPE_NAMES[bytes[offset + 3]!];
  const length = view.getUint32(offset + 4);
  const start = offset + 8;
  if (type === undefined) throw invalid(offset + 3, `unknown item type 0x${hex(bytes, offset + 3, 1)}`);
  if (depth === 0 && bytes[offset] !== 0x42 && bytes[offset] !== 0x54)
    throw invalid(offset, `tag 0x${hex(bytes, offset, 3)} is not a KMIP tag (0x42xxxx or 0x54xxxx)`);
  const tag = tagNameOf(code);
  if (tag === undefined)
    throw new KmipError(
      "Invalid_Field",
      `binary TTLV at byte ${offset}: unknown tag 0x${code.toString(16).toUpperCase().padStart(6, "0")}`,
    );
  const fixed = FIXED_LENGTH[type];
  if (fixed !== undefined && length !== fixed)
    throw invalid(offset + 4, `${type} ${tag} must have length ${fixed}, got ${length}`);
  const end = start + padded(length);
  if (end > limit || end < start)
    throw invalid(
      offset + 4,
      `${type} ${tag} of length ${length} overruns its container (${limit - start} bytes left)`,
    );
  for (let i = start + length; i < end; i++) {
    if (bytes[i] !== 0) throw invalid(i, `non-zero padding after ${type} ${tag}`);
  }
  switch (type) {
    case "Structure": {
      if (depth >= maxDepth) throw invalid(offset, `nesting deeper than ${maxDepth} levels`);
      const children: TtlvNode[] = [];
      let at = start;
      while (at < start + length) {
        const [child, next] = readItem(bytes, view, at, start + length, depth + 1, maxDepth);
        children.push(child);
        at = next;
      }
      return [{ tag, type, value: children }, end];
    }
    case "Integer":
      return [{ tag, type, value: view.getInt32(start) }, end];
    case "Interval":
      return [{ tag, type, value: view.getUint32(start) }, end];
    case "Enumeration": {
      const n = view.getUint32(start);
      return [{ tag, type, value: enumName(tag, n) ?? n }, end];
    }
    case "LongInteger":
      return [{ tag, type, value: view.getBigInt64(start) }, end];
    case "DateTimeExtended":
      return [{ tag, type, value: view.getBigInt64(start) }, end];
    case "DateTime": {
      const seconds = view.getBigInt64(start);
      const date = new Date(Number(seconds) * 1000);
      if (Number.isNaN(date.getTime())) throw invalid(start, `DateTime ${tag} out of range (${seconds} s)`);
      return [{ tag, type, value: date }, end];
    }
    case "Boolean": {
      const b = view.getBigUint64(start);
      if (b > 1n) throw invalid(start, `Boolean ${tag} must be 0 or 1, got ${b}`);
      return [{ tag, type, value: b === 1n }, end];
    }
    case "BigInteger": {
      if (length === 0 || length % 8 !== 0)
        throw invalid(offset + 4, `BigInteger ${tag} length must be a non-zero multiple of 8, got ${length}`);
      // via hex: linear in the length (a byte-by-byte shift would be quadratic)
      const n = BigInt(`0x${bytesToHex(bytes.subarray(start, start + length))}`);
      return [{ tag, type, value: BigInt.asIntN(length * 8, n) }, end];
    }
    case "TextString": {
      try {
        return [{ tag, type, value: UTF8.decode(bytes.subarray(start, start + length)) }, end];
      } catch {
        throw invalid(start, `TextString ${tag} is not valid UTF-8`);
      }
    }
    case "ByteString":
      // A large value is a view of the message (a copy would be one more pass over megabytes and
      // as much memory again); a small one is copied, so that it never pins a large message.
      return [
        {
          tag,
          type,
          value: length >= VIEW_BYTES ? bytes.subarray(start, start + length) : bytes.slice(start, start + length),
        },
        end,
      ];
  }
}

function hex(bytes: Uint8Array, offset: number, n: number): string {
  return Array.from(bytes.subarray(offset, offset + n), (b) => b.toString(16).toUpperCase().padStart(2, "0")).join("");
}

// ----------------------------------------------------------------------------------------------
// Encoding

/** Encodes a node. Our own output: a tag or enumeration we cannot number is an internal fault. */
export function encodeTtlvBinary(node: TtlvNode): Uint8Array {
  return concatParts(encodeTtlvBinaryParts(node));
}

/**
 * Encodes a node as consecutive parts whose concatenation is the message: ByteStrings of
 * VIEW_BYTES or more are parts of their own (the value itself, not a copy), everything between
 * them is gathered into one part. A large answer is thus sent without copying its payload into a
 * message buffer first.
 */
export function encodeTtlvBinaryParts(node: TtlvNode): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  writeItem(node, chunks);
  const parts: Uint8Array[] = [];
  let run: Uint8Array[] = [];
  for (const c of chunks) {
    if (c.length < VIEW_BYTES) run.push(c);
    else {
      if (run.length > 0) parts.push(concatParts(run));
      parts.push(c);
      run = [];
    }
  }
  if (run.length > 0 || parts.length === 0) parts.push(concatParts(run));
  return parts;
}

/** The parts one after the other (a single part is returned as is). */
export function concatParts(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function codeOf(tag: string): number {
  if (/^0x[0-9a-fA-F]{6}$/.test(tag)) return parseInt(tag, 16);
  const code = tagCode(tag);
  if (code === undefined) throw new KmipError("General_Failure", `binary TTLV: no tag code for ${tag}`);
  return code;
}

function header(code: number, type: TtlvType, length: number): Uint8Array {
  const h = new Uint8Array(8);
  h[0] = code >> 16;
  h[1] = (code >> 8) & 0xff;
  h[2] = code & 0xff;
  h[3] = TYPE_CODES[type];
  new DataView(h.buffer).setUint32(4, length);
  return h;
}

/** Appends the item's chunks; returns its padded length. */
function writeItem(node: TtlvNode, chunks: Uint8Array[]): number {
  const code = codeOf(node.tag);
  if (node.type === "Structure") {
    const h = header(code, "Structure", 0);
    chunks.push(h);
    let length = 0;
    for (const child of node.value) length += writeItem(child, chunks);
    new DataView(h.buffer).setUint32(4, length);
    return 8 + length;
  }
  const value = scalarBytes(node);
  // header, the value itself (not copied here: encodeTtlvBinaryParts copies small ones once), padding
  chunks.push(header(code, node.type, value.length), value);
  const pad = padded(value.length) - value.length;
  if (pad > 0) chunks.push(PADDING.subarray(0, pad));
  return 8 + value.length + pad;
}

const PADDING = new Uint8Array(8);

function scalarBytes(node: Exclude<TtlvNode, { type: "Structure" }>): Uint8Array {
  const fixed = (n: number, write: (v: DataView) => void) => {
    const b = new Uint8Array(n);
    write(new DataView(b.buffer));
    return b;
  };
  switch (node.type) {
    case "Integer":
      return fixed(4, (v) => v.setInt32(0, node.value));
    case "Interval":
      return fixed(4, (v) => v.setUint32(0, node.value));
    case "Enumeration": {
      const n = typeof node.value === "number" ? node.value : enumValue(node.tag, node.value);
      if (n === undefined)
        throw new KmipError("General_Failure", `binary TTLV: no value for enumeration ${node.tag} ${node.value}`);
      return fixed(4, (v) => v.setUint32(0, n));
    }
    case "LongInteger":
    case "DateTimeExtended":
      return fixed(8, (v) => v.setBigInt64(0, BigInt.asIntN(64, node.value)));
    case "DateTime":
      return fixed(8, (v) => v.setBigInt64(0, BigInt(Math.floor(node.value.getTime() / 1000))));
    case "Boolean":
      return fixed(8, (v) => v.setBigUint64(0, node.value ? 1n : 0n));
    case "BigInteger":
      return bigIntegerBytes(node.value);
    case "TextString":
      return UTF8_ENCODER.encode(node.value);
    case "ByteString":
      return node.value;
  }
}

/** Big-endian two's complement, sign-extended to a multiple of 8 bytes (KMIP 2.1 §9.1.1.4). */
export function bigIntegerBytes(n: bigint): Uint8Array {
  let size = 8;
  while (n < -(1n << BigInt(size * 8 - 1)) || n >= 1n << BigInt(size * 8 - 1)) size += 8;
  let u = BigInt.asUintN(size * 8, n);
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(u & 0xffn);
    u >>= 8n;
  }
  return out;
}
