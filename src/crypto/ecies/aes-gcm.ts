/**
 * AES-GCM with a 12-byte nonce and a 16-byte tag on node:crypto, the DEM shared by the ECIES
 * schemes of this folder (ristretto.ts, nist-curves.ts). Output layout `ct ‖ tag(16)`: the nonce is
 * derived by the caller's KDF and never travels. Internal to src/crypto/ecies/.
 */
import { createCipheriv, createDecipheriv } from "node:crypto";
import { concatBytes } from "../bytes.ts";
import { DECRYPTION_FAILED, EciesError } from "./errors.ts";

export const GCM_NONCE_LENGTH = 12;
export const GCM_TAG_LENGTH = 16;

function algorithm(key: Uint8Array): "aes-128-gcm" | "aes-256-gcm" {
  if (key.length === 16) return "aes-128-gcm";
  if (key.length === 32) return "aes-256-gcm";
  throw new RangeError(`AES-GCM key must be 16 or 32 bytes, got ${key.length}`);
}

/** Returns `ciphertext ‖ tag(16)`. */
export function gcmEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  const cipher = createCipheriv(algorithm(key), key, nonce, { authTagLength: GCM_TAG_LENGTH });
  if (aad !== undefined && aad.length > 0) cipher.setAAD(aad);
  const head = cipher.update(plaintext);
  const tail = cipher.final();
  return concatBytes(head, tail, cipher.getAuthTag());
}

/** Opens `ciphertext ‖ tag(16)`; throws EciesError("DECRYPTION") on any authentication failure. */
export function gcmDecrypt(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array {
  if (sealed.length < GCM_TAG_LENGTH) throw new EciesError("CIPHERTEXT_LENGTH", "ECIES ciphertext too short");
  const split = sealed.length - GCM_TAG_LENGTH;
  const decipher = createDecipheriv(algorithm(key), key, nonce, { authTagLength: GCM_TAG_LENGTH });
  decipher.setAuthTag(sealed.subarray(split));
  if (aad !== undefined && aad.length > 0) decipher.setAAD(aad);
  const head = decipher.update(sealed.subarray(0, split));
  let tail: Uint8Array;
  try {
    tail = decipher.final();
  } catch {
    head.fill(0); // unauthenticated plaintext must not escape
    throw new EciesError("DECRYPTION", DECRYPTION_FAILED);
  }
  const out = concatBytes(head, tail);
  head.fill(0);
  return out;
}
