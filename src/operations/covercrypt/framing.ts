/**
 * The binary framings CoverCrypt Encrypt/Decrypt carry in KMIP `Data` (docs/covercrypt-format.md, "In the KMS";
 * Cosmian `DataToEncrypt`, `DecryptedData`, bulk lists):
 *
 *   Encrypt in:   LEB128(len ap) ‖ ap ‖ LEB128(len meta) ‖ meta ‖ plaintext
 *   Decrypt out:  LEB128(len meta) ‖ meta ‖ plaintext
 *   Bulk:         the plaintext / ciphertext / reply tail is a list LEB128(n) ‖ (LEB128(len) ‖ item)*
 *
 * Malformed input is the caller's fault: KmipError Invalid_Field naming the expected layout.
 */
import { fail } from "../../kmip/error.ts";
import { concatBytes } from "../../crypto/bytes.ts";

/** The client's LEB128 uses 32-bit operations; we read up to 2^53 but never beyond the data. */
class Reader {
  offset = 0;
  constructor(
    private readonly data: Uint8Array,
    private readonly what: string,
  ) {}

  private bad(why: string): never {
    fail("Invalid_Field", `${this.what}: ${why}`);
  }

  leb128(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (this.offset >= this.data.length) this.bad("truncated LEB128 length");
      if (i >= 8) this.bad("LEB128 length too long");
      const byte = this.data[this.offset++];
      result += (byte & 0x7f) * scale;
      if (!(byte & 0x80)) return result;
      scale *= 128;
    }
  }

  bytes(n: number): Uint8Array {
    if (n > this.data.length - this.offset)
      this.bad(`announces ${n} bytes but only ${this.data.length - this.offset} remain`);
    const out = this.data.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  vec(): Uint8Array {
    return this.bytes(this.leb128());
  }

  rest(): Uint8Array {
    const out = this.data.subarray(this.offset);
    this.offset = this.data.length;
    return out;
  }

  list(): Uint8Array[] {
    const n = this.leb128();
    // each item takes at least one byte (its length), which bounds n before allocating anything
    if (n > this.data.length - this.offset)
      this.bad(`announces ${n} items but only ${this.data.length - this.offset} bytes remain`);
    const items: Uint8Array[] = [];
    for (let i = 0; i < n; i++) items.push(this.vec());
    if (this.offset !== this.data.length) this.bad(`${this.data.length - this.offset} trailing bytes after the list`);
    return items;
  }
}

export function leb128(n: number): Uint8Array {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Uint8Array.from(out);
}

const vec = (b: Uint8Array): Uint8Array[] => [leb128(b.length), b];

const textDecoder = new TextDecoder("utf-8", { fatal: true });

export interface DataToEncrypt {
  accessPolicy: string;
  /** Empty metadata is `undefined` (Cosmian: `None`, no encrypted metadata in the header). */
  headerMetadata?: Uint8Array;
  /** One plaintext, or the list of a bulk request. */
  plaintext: Uint8Array | Uint8Array[];
}

const ENCRYPT_LAYOUT =
  "Encrypt: CoverCrypt Data must be LEB128(len access policy) ‖ access policy ‖ LEB128(len metadata) ‖ metadata ‖ plaintext";

export function parseDataToEncrypt(data: Uint8Array, bulk: boolean): DataToEncrypt {
  const r = new Reader(data, bulk ? `${ENCRYPT_LAYOUT} list` : ENCRYPT_LAYOUT);
  const apBytes = r.vec();
  let accessPolicy: string;
  try {
    accessPolicy = textDecoder.decode(apBytes);
  } catch {
    fail("Invalid_Field", "Encrypt: the CoverCrypt access policy is not valid UTF-8");
  }
  const meta = r.vec();
  const plaintext = bulk ? r.list() : r.rest();
  return { accessPolicy, headerMetadata: meta.length > 0 ? meta : undefined, plaintext };
}

/** Bulk decrypt input: the LEB128 list of ciphertexts. */
export function parseList(data: Uint8Array, what: string): Uint8Array[] {
  return new Reader(data, `${what}: CoverCryptBulk Data must be LEB128(n) ‖ (LEB128(len) ‖ item)*`).list();
}

export function encodeList(items: Uint8Array[]): Uint8Array {
  return concatBytes(leb128(items.length), ...items.flatMap(vec));
}

/** Decrypt reply: LEB128(len meta) ‖ meta ‖ body (the plaintext, or the encoded bulk list). */
export function encodeDecrypted(headerMetadata: Uint8Array, body: Uint8Array): Uint8Array {
  return concatBytes(...vec(headerMetadata), body);
}
