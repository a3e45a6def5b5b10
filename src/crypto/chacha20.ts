/**
 * ChaCha20 stream cipher, original variant (Bernstein: 32-byte key, 8-byte nonce, 64-bit block
 * counter), unauthenticated, through libsodium `crypto_stream_chacha20_xor_ic`. This is the KMS
 * `ChaCha20` algorithm (non-FIPS; IVCounterNonce of 8 bytes, counter 0), as the Cosmian KMS serves it.
 * Encryption and decryption are the same XOR.
 */
import { sodium } from "../../native/sodium.ts";
import { assertBytes } from "./cipher-errors.ts";

export const KEY_LENGTH = 32;
export const NONCE_LENGTH = 8;

type XorIc = (c: Uint8Array, m: Uint8Array, n: Uint8Array, ic: number, k: Uint8Array) => void;
const xorIc = sodium.crypto_stream_chacha20_xor_ic as XorIc;

/** XORs `data` with the keystream starting at block `counter` (default 0). */
export function encrypt(key: Uint8Array, nonce: Uint8Array, data: Uint8Array, counter = 0): Uint8Array {
  assertBytes(key, "ChaCha20 key");
  assertBytes(nonce, "ChaCha20 nonce");
  assertBytes(data, "ChaCha20 data");
  if (key.length !== KEY_LENGTH)
    throw new RangeError(`ChaCha20: invalid key length ${key.length} (expected ${KEY_LENGTH} bytes)`);
  if (nonce.length !== NONCE_LENGTH)
    throw new RangeError(`ChaCha20: invalid IV/nonce length ${nonce.length} (expected ${NONCE_LENGTH} bytes)`);
  if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError(`ChaCha20: invalid block counter ${counter}`);
  const out = new Uint8Array(data.length);
  if (data.length > 0) xorIc(out, data, nonce, counter, key);
  return out;
}

/** Same operation as encrypt (a stream cipher XOR). */
export const decrypt = encrypt;
