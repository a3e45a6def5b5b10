/**
 * AES-128/192/256-ECB (NIST SP 800-38A §6.1) through node:crypto. The KMS defaults ECB to no
 * padding (block-aligned input) and allows PKCS#5 (Cosmian KMS behaviour). Deterministic and
 * unauthenticated: for KMIP conformance and legacy interop only.
 */
import { createCipheriv, createDecipheriv } from "node:crypto";
import { assertBytes } from "./cipher-errors.ts";
import { ecbName } from "./aes-block.ts";
import { blockDecrypt, joinOutput, type Padding } from "./aes-cbc.ts";

export { PaddingError } from "./cipher-errors.ts";
export type { Padding } from "./aes-cbc.ts";
export const BLOCK_LENGTH = 16;

function checkPadding(padding: Padding): void {
  if (padding !== "pkcs5" && padding !== "none")
    throw new RangeError(`AES-ECB: unsupported padding ${String(padding)}`);
}

export function encrypt(key: Uint8Array, plaintext: Uint8Array, padding: Padding = "none"): Uint8Array {
  const name = ecbName(key, "AES-ECB");
  checkPadding(padding);
  assertBytes(plaintext, "AES-ECB plaintext");
  if (padding === "none" && plaintext.length % BLOCK_LENGTH !== 0) {
    throw new RangeError(
      `AES-ECB: plaintext length ${plaintext.length} must be a multiple of the block size (16) when no padding is used`,
    );
  }
  const cipher = createCipheriv(name, key, null);
  cipher.setAutoPadding(padding === "pkcs5");
  return joinOutput(cipher.update(plaintext), cipher.final());
}

export function decrypt(key: Uint8Array, ciphertext: Uint8Array, padding: Padding = "none"): Uint8Array {
  const name = ecbName(key, "AES-ECB");
  checkPadding(padding);
  assertBytes(ciphertext, "AES-ECB ciphertext");
  if (ciphertext.length % BLOCK_LENGTH !== 0 || (padding === "pkcs5" && ciphertext.length === 0)) {
    throw new RangeError(
      `AES-ECB: ciphertext length ${ciphertext.length} must be a non-zero multiple of the block size (16)`,
    );
  }
  return blockDecrypt(createDecipheriv(name, key, null), ciphertext, padding, "AES-ECB");
}
