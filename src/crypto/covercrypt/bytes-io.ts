/**
 * LEB128 byte reader/writer used by every CoverCrypt serialization (cosmian_crypto_core
 * `bytes_ser_de`): counts, lengths and option flags are unsigned LEB128 u64, `vec(x)` is
 * `LEB128(len) ‖ x`. Format: docs/covercrypt-format.md, "Building blocks".
 */
import { malformed } from "./errors.ts";

/** The length of LEB128(n), for writers that size their buffer first. */
export function leb128Length(n: number): number {
  let k = 1;
  for (; n >= 128; k++) n = Math.floor(n / 128);
  return k;
}

/** Writes LEB128(n) at `offset` of `out`; returns the offset after it. */
export function writeLeb128(out: Uint8Array, offset: number, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError("LEB128 value must be a non-negative safe integer");
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out[offset++] = byte;
  } while (n > 0);
  return offset;
}

export class ByteWriter {
  private parts: Uint8Array[] = [];
  private small: number[] = [];
  length = 0;

  private flush(): void {
    if (this.small.length) {
      this.parts.push(Uint8Array.from(this.small));
      this.small = [];
    }
  }

  leb128(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError("LEB128 value must be a non-negative safe integer");
    do {
      let byte = n % 128;
      n = Math.floor(n / 128);
      if (n > 0) byte |= 0x80;
      this.small.push(byte);
      this.length++;
    } while (n > 0);
    return this;
  }

  bytes(b: Uint8Array): this {
    this.flush();
    this.parts.push(b);
    this.length += b.length;
    return this;
  }

  vec(b: Uint8Array): this {
    return this.leb128(b.length).bytes(b);
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let off = 0;
    for (const p of this.parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }
}

export class ByteReader {
  offset = 0;
  constructor(readonly data: Uint8Array) {}

  get remaining(): number {
    return this.data.length - this.offset;
  }

  leb128(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (this.offset >= this.data.length) throw malformed("LEB128 value truncated");
      if (i >= 10) throw malformed("LEB128 value too long");
      const byte = this.data[this.offset++];
      result += (byte & 0x7f) * scale;
      if (!(byte & 0x80)) break;
      scale *= 128;
    }
    if (!Number.isSafeInteger(result)) throw malformed("LEB128 value too large");
    return result;
  }

  /** A view (no copy) of the next `n` bytes. */
  bytes(n: number): Uint8Array {
    if (n > this.remaining) throw malformed(`expected ${n} more bytes, ${this.remaining} left`);
    const out = this.data.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** A copy of the next `n` bytes (for secrets that we may wipe independently of the input). */
  copy(n: number): Uint8Array {
    return this.bytes(n).slice();
  }

  vec(): Uint8Array {
    return this.bytes(this.leb128());
  }

  end(): void {
    if (this.remaining !== 0) throw malformed(`${this.remaining} trailing bytes`);
  }
}
