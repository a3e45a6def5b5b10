/**
 * Byte helpers shared by every crypto module. Bytes are always Uint8Array.
 * Secrets are compared in constant time and wiped after use (docs/design-decisions.md, "Safety").
 */

/** Constant-time equality: the time depends only on the lengths, never on the contents. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Overwrites a secret buffer with zeros. */
export function wipe(...buffers: (Uint8Array | undefined)[]): void {
  for (const b of buffers) b?.fill(0);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

const HEX_UPPER = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, "0"));
/** The two ASCII digits of byte b at 2b and 2b+1. */
const HEX_CODES = Uint8Array.from(HEX_UPPER.join(""), (c) => c.charCodeAt(0));

// Node's and Bun's Buffer hex codec is native and ~10x faster than a JS loop on large inputs;
// the JS loops below serve runtimes without it (Deno, browsers).
type BufferLike = {
  from(
    data: ArrayBufferLike | string,
    offsetOrEncoding?: number | string,
    length?: number,
  ): Uint8Array & { toString(enc: string): string };
};
const NativeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;
/** Uint8Array.prototype.toHex (ES2026; Bun has it): native, lower-case. */
const nativeToHex = (Uint8Array.prototype as { toHex?: () => string }).toHex;

/** Upper-case hex, as Cosmian emits ByteStrings. */
export function bytesToHex(bytes: Uint8Array): string {
  if (bytes.length > 32) {
    if (nativeToHex) return nativeToHex.call(bytes).toUpperCase();
    if (NativeBuffer)
      return NativeBuffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length)
        .toString("hex")
        .toUpperCase();
  }
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += HEX_UPPER[bytes[i]];
  return s;
}

/**
 * Four ASCII upper-case hex digits for every two bytes, indexed by those two bytes read as one
 * Uint16 in the platform's byte order (built on first use: 256 KiB).
 */
let hexPairs: Uint32Array | undefined;
function hexPairTable(): Uint32Array {
  if (hexPairs) return hexPairs;
  const table = new Uint32Array(65536);
  const out = new Uint8Array(table.buffer);
  const pair = new Uint8Array(new Uint16Array(Array.from({ length: 65536 }, (_, i) => i)).buffer);
  for (let i = 0; i < 65536; i++) {
    const a = HEX_UPPER[pair[2 * i]],
      b = HEX_UPPER[pair[2 * i + 1]];
    out[4 * i] = a.charCodeAt(0);
    out[4 * i + 1] = a.charCodeAt(1);
    out[4 * i + 2] = b.charCodeAt(0);
    out[4 * i + 3] = b.charCodeAt(1);
  }
  return (hexPairs = table);
}

/**
 * Writes the upper-case hex of `bytes` as ASCII into `out` at `offset` (2 bytes per input byte),
 * without building a string: how a large ByteString goes into a JSON answer. Two input bytes become
 * four output bytes per step (several times faster than hex text then encoding it) when the output
 * position is aligned as `hexStartAlignment` says; otherwise one byte at a time.
 */
export function writeHexUpper(bytes: Uint8Array, out: Uint8Array, offset: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + 2 * bytes.length > out.length)
    throw new RangeError("writeHexUpper: out of bounds");
  let i = 0;
  let at = offset;
  if (bytes.byteOffset % 2 === 1 && bytes.length > 0) {
    // the pairs are read as Uint16: one byte first puts the rest on an even address
    out[at] = HEX_CODES[2 * bytes[0]];
    out[at + 1] = HEX_CODES[2 * bytes[0] + 1];
    i = 1;
    at = offset + 2;
  }
  const pairs = (bytes.length - i) >> 1;
  if (pairs >= 32 && (out.byteOffset + at) % 4 === 0) {
    const table = hexPairTable();
    const src = new Uint16Array(bytes.buffer, bytes.byteOffset + i, pairs);
    const dst = new Uint32Array(out.buffer, out.byteOffset + at, pairs);
    for (let k = 0; k < pairs; k++) dst[k] = table[src[k]];
    i += 2 * pairs;
    at += 4 * pairs;
  }
  for (; i < bytes.length; i++, at += 2) {
    out[at] = HEX_CODES[2 * bytes[i]];
    out[at + 1] = HEX_CODES[2 * bytes[i] + 1];
  }
}

/**
 * Where (modulo 4, counted from the start of the output's ArrayBuffer) the hex of `bytes` should
 * start for writeHexUpper's fast path.
 */
export function hexStartAlignment(bytes: Uint8Array): number {
  return bytes.byteOffset % 2 === 1 ? 2 : 0;
}

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

/** Parses hex of either case; throws RangeError on odd length or a non-hex character. */
export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new RangeError("invalid hex string");
  if (NativeBuffer) {
    // Buffer.from stops at the first invalid pair: a short result means bad input.
    const decoded = NativeBuffer.from(hex, "hex");
    if (decoded.length * 2 !== hex.length) throw new RangeError("invalid hex string");
    return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.length);
  }
  if (!HEX_RE.test(hex)) throw new RangeError("invalid hex string");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export const utf8 = {
  encode: (s: string): Uint8Array => encoder.encode(s),
  /** Throws TypeError on invalid UTF-8. */
  decode: (b: Uint8Array): string => decoder.decode(b),
};
