/**
 * Raw AES block encryption/decryption (AES-ECB without padding) through node:crypto, the
 * building block for AES key wrap (RFC 3394/5649) and AES-XTS, which Bun's node:crypto lacks
 * (no `id-aes*-wrap`, no `aes-*-xts` ciphers under BoringSSL). Internal module.
 */
import { createCipheriv, createDecipheriv, type Cipheriv, type Decipheriv } from "node:crypto";
import { assertBytes } from "./cipher-errors.ts";

export function ecbName(key: Uint8Array, what: string): "aes-128-ecb" | "aes-192-ecb" | "aes-256-ecb" {
  assertBytes(key, `${what} key`);
  switch (key.length) {
    case 16:
      return "aes-128-ecb";
    case 24:
      return "aes-192-ecb";
    case 32:
      return "aes-256-ecb";
    default:
      throw new RangeError(`${what}: invalid key length ${key.length} (expected 16, 24 or 32 bytes)`);
  }
}

/** An ECB encryptor with padding off: update(n*16 bytes) returns n*16 bytes at once. */
export function ecbEncryptor(key: Uint8Array, what: string): Cipheriv {
  const c = createCipheriv(ecbName(key, what), key, null);
  c.setAutoPadding(false);
  return c;
}

/** An ECB decryptor with padding off (so update() never holds back a last block). */
export function ecbDecryptor(key: Uint8Array, what: string): Decipheriv {
  const d = createDecipheriv(ecbName(key, what), key, null);
  d.setAutoPadding(false);
  return d;
}
