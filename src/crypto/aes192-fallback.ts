/**
 * AES-192 in CBC and GCM modes where node:crypto lacks them (Deno's node:crypto has AES-128/256
 * CBC and GCM, and AES-192 only in ECB): the same bytes through @noble/ciphers. aes-cbc.ts and
 * aes-gcm.ts use this only for 24-byte keys on such a runtime; everywhere else node:crypto serves.
 */
import { createCipheriv, timingSafeEqual } from "node:crypto";
import { cbc, gcm } from "@noble/ciphers/aes.js";
import { AuthenticationError, PaddingError } from "./cipher-errors.ts";
import { wipe } from "./bytes.ts";

function has(name: string, ivLength: number): boolean {
  try {
    createCipheriv(name, new Uint8Array(24), new Uint8Array(ivLength));
    return true;
  } catch {
    return false;
  }
}

/** True when node:crypto has aes-192-cbc / aes-192-gcm (Node, Bun); false under Deno. */
export const NODE_AES192_CBC = has("aes-192-cbc", 16);
export const NODE_AES192_GCM = has("aes-192-gcm", 12);

export function cbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, pkcs5: boolean): Uint8Array {
  return cbc(key, iv, { disablePadding: !pkcs5 }).encrypt(plaintext);
}

export function cbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, pkcs5: boolean): Uint8Array {
  try {
    return cbc(key, iv, { disablePadding: !pkcs5 }).decrypt(ciphertext);
  } catch {
    throw new PaddingError("AES-CBC: bad padding (wrong key or corrupted data)");
  }
}

/** @noble/ciphers' GCM takes nonces of 8 bytes or more; shorter ones are refused here. */
function checkNonce(nonce: Uint8Array): void {
  if (nonce.length < 8)
    throw new RangeError(
      `AES-GCM: AES-192 with a ${nonce.length}-byte IV/nonce is not available on this runtime (8 bytes or more)`,
    );
}

export function gcmEncrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array | undefined,
  tagLength: number,
): { ciphertext: Uint8Array; tag: Uint8Array } {
  checkNonce(nonce);
  const sealed = gcm(key, nonce, aad).encrypt(plaintext);
  return {
    ciphertext: sealed.subarray(0, plaintext.length),
    tag: sealed.slice(plaintext.length, plaintext.length + tagLength),
  };
}

/**
 * GCM decryption with a tag of 12 to 16 bytes: CTR is its own inverse, so the plaintext is
 * recomputed, re-encrypted for the full tag, and the given (possibly truncated) tag compared with
 * its prefix in constant time; nothing is released on a mismatch.
 */
export function gcmDecrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad: Uint8Array | undefined,
): Uint8Array {
  checkNonce(nonce);
  // Decrypting with a zero tag would fail its check: the keystream comes from encrypting the ciphertext (CTR).
  const keystreamed = gcm(key, nonce, aad).encrypt(ciphertext).subarray(0, ciphertext.length); // ciphertext XOR keystream = plaintext
  const plaintext = keystreamed.slice();
  const full = gcm(key, nonce, aad).encrypt(plaintext);
  const ok = timingSafeEqual(full.subarray(plaintext.length, plaintext.length + tag.length), tag);
  wipe(keystreamed, full);
  if (!ok) {
    wipe(plaintext);
    throw new AuthenticationError("AES-GCM: invalid tag, authentication failed");
  }
  return plaintext;
}
