/**
 * AES-128/192/256-CBC (NIST SP 800-38A §6.2) through node:crypto, with PKCS#5 (PKCS#7) padding
 * (the KMS default) or none (`PaddingMethod=None`, input must be block-aligned). 16-byte IV.
 * as the Cosmian KMS serves it. Unauthenticated: a bad padding after decryption is a PaddingError.
 */
import { createCipheriv, createDecipheriv, type Decipheriv } from "node:crypto";
import { PaddingError, assertBytes } from "./cipher-errors.ts";
import { wipe } from "./bytes.ts";
import { NODE_AES192_CBC, cbcDecrypt, cbcEncrypt } from "./aes192-fallback.ts";

export { PaddingError } from "./cipher-errors.ts";

export type Padding = "pkcs5" | "none";
export const BLOCK_LENGTH = 16;
export const IV_LENGTH = 16;

function cipherName(key: Uint8Array): "aes-128-cbc" | "aes-192-cbc" | "aes-256-cbc" {
  assertBytes(key, "AES-CBC key");
  switch (key.length) {
    case 16:
      return "aes-128-cbc";
    case 24:
      return "aes-192-cbc";
    case 32:
      return "aes-256-cbc";
    default:
      throw new RangeError(`AES-CBC: invalid key length ${key.length} (expected 16, 24 or 32 bytes)`);
  }
}

function checkIv(iv: Uint8Array): void {
  assertBytes(iv, "AES-CBC IV");
  if (iv.length !== IV_LENGTH)
    throw new RangeError(`AES-CBC: invalid IV/nonce length ${iv.length} (expected ${IV_LENGTH} bytes)`);
}

function checkPadding(padding: Padding): void {
  if (padding !== "pkcs5" && padding !== "none")
    throw new RangeError(`AES-CBC: unsupported padding ${String(padding)}`);
}

/** Joins update() and final() outputs into one plain Uint8Array, wiping the intermediates. */
export function joinOutput(first: Uint8Array, last: Uint8Array): Uint8Array {
  const out = new Uint8Array(first.length + last.length);
  out.set(first, 0);
  out.set(last, first.length);
  wipe(first, last);
  return out;
}

export function encrypt(
  key: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
  padding: Padding = "pkcs5",
): Uint8Array {
  const name = cipherName(key);
  checkIv(iv);
  checkPadding(padding);
  assertBytes(plaintext, "AES-CBC plaintext");
  if (padding === "none" && plaintext.length % BLOCK_LENGTH !== 0) {
    throw new RangeError(
      `AES-CBC: plaintext length ${plaintext.length} must be a multiple of the block size (16) when no padding is used`,
    );
  }
  if (key.length === 24 && !NODE_AES192_CBC) return cbcEncrypt(key, iv, plaintext, padding === "pkcs5");
  const cipher = createCipheriv(name, key, iv);
  cipher.setAutoPadding(padding === "pkcs5");
  return joinOutput(cipher.update(plaintext), cipher.final());
}

export function decrypt(
  key: Uint8Array,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  padding: Padding = "pkcs5",
): Uint8Array {
  const name = cipherName(key);
  checkIv(iv);
  checkPadding(padding);
  assertBytes(ciphertext, "AES-CBC ciphertext");
  if (ciphertext.length % BLOCK_LENGTH !== 0 || (padding === "pkcs5" && ciphertext.length === 0)) {
    throw new RangeError(
      `AES-CBC: ciphertext length ${ciphertext.length} must be a non-zero multiple of the block size (16)`,
    );
  }
  if (key.length === 24 && !NODE_AES192_CBC) return cbcDecrypt(key, iv, ciphertext, padding === "pkcs5");
  return blockDecrypt(createDecipheriv(name, key, iv), ciphertext, padding, "AES-CBC");
}

/**
 * Runs a block-mode decipher (CBC or ECB) over the whole ciphertext; a padding failure wipes the
 * partial plaintext and throws PaddingError.
 */
export function blockDecrypt(decipher: Decipheriv, ciphertext: Uint8Array, padding: Padding, what: string): Uint8Array {
  decipher.setAutoPadding(padding === "pkcs5");
  const head = decipher.update(ciphertext);
  let tail: Uint8Array;
  try {
    tail = decipher.final();
  } catch {
    wipe(head);
    throw new PaddingError(`${what}: bad padding (wrong key or corrupted data)`);
  }
  return joinOutput(head, tail);
}
