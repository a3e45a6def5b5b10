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

/** Upper-case hex, as Cosmian emits ByteStrings. */
export function bytesToHex(bytes: Uint8Array): string {
  if (NativeBuffer && bytes.length > 32) {
    return NativeBuffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length)
      .toString("hex")
      .toUpperCase();
  }
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += HEX_UPPER[bytes[i]];
  return s;
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
