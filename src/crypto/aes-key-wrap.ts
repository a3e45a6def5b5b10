/**
 * AES key wrap: RFC 3394 (AES-KW, KMIP BlockCipherMode `NISTKeyWrap`, the KMS default for symmetric
 * wrapping keys) and RFC 5649 (AES-KWP, `AESKeyWrapPadding`), both served by the Cosmian KMS.
 *
 * Built on raw AES-ECB blocks because Bun's node:crypto has no `id-aes*-wrap*` ciphers; one ECB
 * context per call serves the 6n sequential block operations. Unwrap failures (tampered data or a
 * wrong KEK) throw AuthenticationError after wiping the partial result; the IV check is constant-time.
 */
import { AuthenticationError, assertBytes } from "./cipher-errors.ts";
import { ecbDecryptor, ecbEncryptor } from "./aes-block.ts";
import { wipe } from "./bytes.ts";

export { AuthenticationError } from "./cipher-errors.ts";

/** RFC 3394 §2.2.3.1 default initial value. */
const IV_3394 = new Uint8Array([0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6]);
/** RFC 5649 §3 alternative initial value prefix (followed by the 32-bit message length). */
const AIV_PREFIX = new Uint8Array([0xa6, 0x59, 0x59, 0xa6]);
/** RFC 5649 limits the key data length to a 32-bit MLI. */
const MAX_KWP_LENGTH = 0xffffffff;

/** A ^= t, t as a 64-bit big-endian integer (t < 2^53). */
function xorCounter(a: Uint8Array, t: number): void {
  let lo = t >>> 0;
  let hi = Math.floor(t / 0x100000000) >>> 0;
  for (let i = 7; i >= 4; i--, lo >>>= 8) a[i] ^= lo & 0xff;
  for (let i = 3; i >= 0; i--, hi >>>= 8) a[i] ^= hi & 0xff;
}

/** RFC 3394 §2.2.1 wrapping process W: returns A || R[1..n] for n = data.length / 8 >= 2. */
function wrapBlocks(kek: Uint8Array, iv: Uint8Array, data: Uint8Array, what: string): Uint8Array {
  const n = data.length / 8;
  const out = new Uint8Array(data.length + 8);
  out.set(iv, 0);
  out.set(data, 8);
  const enc = ecbEncryptor(kek, what);
  const block = new Uint8Array(16);
  const a = out.subarray(0, 8);
  for (let j = 0; j < 6; j++) {
    for (let i = 1; i <= n; i++) {
      const r = out.subarray(8 * i, 8 * i + 8);
      block.set(a, 0);
      block.set(r, 8);
      const b = enc.update(block);
      a.set(b.subarray(0, 8));
      xorCounter(a, n * j + i);
      r.set(b.subarray(8, 16));
      b.fill(0);
    }
  }
  wipe(block);
  return out;
}

/** RFC 3394 §2.2.2 unwrapping process W^-1: returns A (8 bytes) and R[1..n]. */
function unwrapBlocks(kek: Uint8Array, wrapped: Uint8Array, what: string): { a: Uint8Array; r: Uint8Array } {
  const n = wrapped.length / 8 - 1;
  const a = wrapped.slice(0, 8);
  const r = wrapped.slice(8);
  const dec = ecbDecryptor(kek, what);
  const block = new Uint8Array(16);
  for (let j = 5; j >= 0; j--) {
    for (let i = n; i >= 1; i--) {
      xorCounter(a, n * j + i);
      const ri = r.subarray(8 * (i - 1), 8 * i);
      block.set(a, 0);
      block.set(ri, 8);
      const b = dec.update(block);
      a.set(b.subarray(0, 8));
      ri.set(b.subarray(8, 16));
      b.fill(0);
    }
  }
  wipe(block);
  return { a, r };
}

/** RFC 3394 AES-KW wrap. Key data: a multiple of 8 bytes, at least 16. Output is 8 bytes longer. */
export function wrap(kek: Uint8Array, keyData: Uint8Array): Uint8Array {
  assertBytes(keyData, "AES-KW key data");
  if (keyData.length < 16 || keyData.length % 8 !== 0) {
    throw new RangeError(
      `AES-KW: invalid key data length ${keyData.length} (expected a multiple of 8 bytes, at least 16)`,
    );
  }
  return wrapBlocks(kek, IV_3394, keyData, "AES-KW");
}

/** RFC 3394 AES-KW unwrap; throws AuthenticationError when the integrity check fails. */
export function unwrap(kek: Uint8Array, wrapped: Uint8Array): Uint8Array {
  assertBytes(wrapped, "AES-KW wrapped key");
  if (wrapped.length < 24 || wrapped.length % 8 !== 0) {
    throw new RangeError(
      `AES-KW: invalid wrapped key length ${wrapped.length} (expected a multiple of 8 bytes, at least 24)`,
    );
  }
  const { a, r } = unwrapBlocks(kek, wrapped, "AES-KW");
  let diff = 0;
  for (let i = 0; i < 8; i++) diff |= a[i] ^ IV_3394[i];
  if (diff !== 0) {
    wipe(r);
    throw new AuthenticationError("AES-KW: unwrap integrity check failed (wrong key or tampered data)");
  }
  return r;
}

/** RFC 5649 AES-KWP wrap of 1..2^32-1 bytes. Output length: 8 + the input rounded up to 8 (min 16). */
export function wrapWithPadding(kek: Uint8Array, keyData: Uint8Array): Uint8Array {
  assertBytes(keyData, "AES-KWP key data");
  const mli = keyData.length;
  if (mli === 0 || mli > MAX_KWP_LENGTH)
    throw new RangeError(`AES-KWP: invalid key data length ${mli} (expected 1..2^32-1 bytes)`);
  const aiv = new Uint8Array(8);
  aiv.set(AIV_PREFIX, 0);
  new DataView(aiv.buffer).setUint32(4, mli, false);
  const padded = new Uint8Array(Math.ceil(mli / 8) * 8);
  padded.set(keyData);
  try {
    if (padded.length === 8) {
      // RFC 5649 §4.1: a single 64-bit block is encrypted as one AES block AIV || P.
      const block = new Uint8Array(16);
      block.set(aiv, 0);
      block.set(padded, 8);
      const out = new Uint8Array(ecbEncryptor(kek, "AES-KWP").update(block));
      wipe(block);
      return out;
    }
    return wrapBlocks(kek, aiv, padded, "AES-KWP");
  } finally {
    wipe(padded);
  }
}

/** RFC 5649 AES-KWP unwrap; throws AuthenticationError when the AIV, length or padding check fails. */
export function unwrapWithPadding(kek: Uint8Array, wrapped: Uint8Array): Uint8Array {
  assertBytes(wrapped, "AES-KWP wrapped key");
  if (wrapped.length < 16 || wrapped.length % 8 !== 0) {
    throw new RangeError(
      `AES-KWP: invalid wrapped key length ${wrapped.length} (expected a multiple of 8 bytes, at least 16)`,
    );
  }
  let a: Uint8Array;
  let p: Uint8Array;
  if (wrapped.length === 16) {
    const b = new Uint8Array(ecbDecryptor(kek, "AES-KWP").update(wrapped));
    a = b.slice(0, 8);
    p = b.slice(8);
    wipe(b);
  } else {
    ({ a, r: p } = unwrapBlocks(kek, wrapped, "AES-KWP"));
  }
  // RFC 5649 §3 checks: AIV prefix, 8*(n-1) < MLI <= 8*n, zero padding. Evaluated without early exit.
  const mli = new DataView(a.buffer, a.byteOffset, 8).getUint32(4, false);
  let bad = 0;
  for (let i = 0; i < 4; i++) bad |= a[i] ^ AIV_PREFIX[i];
  const lengthOk = mli > p.length - 8 && mli <= p.length;
  if (lengthOk) for (let i = mli; i < p.length; i++) bad |= p[i];
  if (bad !== 0 || !lengthOk) {
    wipe(p);
    throw new AuthenticationError("AES-KWP: unwrap integrity check failed (wrong key or tampered data)");
  }
  const out = p.slice(0, mli);
  wipe(p);
  return out;
}
