/**
 * AES-GCM-SIV (RFC 8452): nonce-misuse-resistant AEAD, 16- or 32-byte keys, 12-byte nonce, 16-byte
 * tag. The KMS `GCMSIV` block cipher mode (non-FIPS in the Cosmian KMS). Detached interface
 * `{ ciphertext, tag }` like aes-gcm.ts, since KMIP carries the tag in its own field.
 *
 * node:crypto has no AES-GCM-SIV (neither OpenSSL 3 nor BoringSSL expose it), so this goes through
 * @noble/ciphers `gcmsiv` (audited, constant-time POLYVAL).
 */
import { gcmsiv } from "@noble/ciphers/aes.js";
import { AuthenticationError, assertBytes } from "./cipher-errors.ts";

export { AuthenticationError } from "./cipher-errors.ts";

export const NONCE_LENGTH = 12;
export const TAG_LENGTH = 16;

export interface Sealed {
  ciphertext: Uint8Array;
  tag: Uint8Array;
}

const EMPTY = new Uint8Array(0);

function check(key: Uint8Array, nonce: Uint8Array, data: Uint8Array, aad: Uint8Array | undefined): void {
  assertBytes(key, "AES-GCM-SIV key");
  assertBytes(nonce, "AES-GCM-SIV nonce");
  assertBytes(data, "AES-GCM-SIV data");
  if (aad !== undefined) assertBytes(aad, "AES-GCM-SIV additional data");
  if (key.length !== 16 && key.length !== 32)
    throw new RangeError(`AES-GCM-SIV: invalid key length ${key.length} (expected 16 or 32 bytes)`);
  if (nonce.length !== NONCE_LENGTH)
    throw new RangeError(`AES-GCM-SIV: invalid IV/nonce length ${nonce.length} (expected ${NONCE_LENGTH} bytes)`);
}

export function encrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Sealed {
  check(key, nonce, plaintext, aad);
  const sealed = gcmsiv(key, nonce, aad ?? EMPTY).encrypt(plaintext);
  const cut = sealed.length - TAG_LENGTH;
  return { ciphertext: sealed.subarray(0, cut), tag: sealed.subarray(cut) };
}

/** Throws AuthenticationError when the tag does not match. */
export function decrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad?: Uint8Array,
): Uint8Array {
  check(key, nonce, ciphertext, aad);
  assertBytes(tag, "AES-GCM-SIV tag");
  if (tag.length !== TAG_LENGTH)
    throw new AuthenticationError(`AES-GCM-SIV: invalid tag length ${tag.length} (expected ${TAG_LENGTH} bytes)`);
  const sealed = new Uint8Array(ciphertext.length + TAG_LENGTH);
  sealed.set(ciphertext);
  sealed.set(tag, ciphertext.length);
  try {
    return gcmsiv(key, nonce, aad ?? EMPTY).decrypt(sealed);
  } catch {
    throw new AuthenticationError("AES-GCM-SIV: invalid tag, authentication failed");
  }
}
