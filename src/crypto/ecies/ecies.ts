/**
 * ECIES entry point for the operation layer: one encrypt/decrypt pair dispatched on the key type,
 * the way the Cosmian KMS's `ecies_encrypt` / `ecies_decrypt` dispatch on the OpenSSL key id
 * (KMS crate/crypto/src/crypto/elliptic_curves/ecies/mod.rs); docs/ecies.md has the full table:
 *
 *   X25519        sealed box (libsodium crypto_box_seal)                     sealed-box.ts
 *   Ed25519       converted to X25519, then the sealed box                   sealed-box.ts
 *   P-256/384/521 Cosmian KMS ECIES (SHAKE + AES-GCM, R ‖ ct ‖ tag)          nist-curves.ts
 *   Ristretto255  Cosmian crypto_core EciesR25519Aes128 (SHAKE128, AES-128-GCM) ristretto.ts
 *
 * Keys are raw bytes (see each module; key-formats/pkcs8-spki.ts converts PKCS#8 / SPKI DER).
 * Associated data is authenticated only by Ristretto255 (crypto_core's EciesAes128 passes it to
 * AES-GCM). For the KMS schemes, which have none, a non-empty `aad` is refused with
 * EciesError("UNSUPPORTED") rather than silently ignored (the KMS ignores it).
 * Empty messages: sealed box and Ristretto255 encrypt them (Cosmian opens the result); NIST-curve
 * ECIES refuses them (EMPTY_PLAINTEXT), because the KMS cannot decrypt R ‖ tag alone.
 */
import { EciesError } from "./errors.ts";
import * as nist from "./nist-curves.ts";
import * as ristretto from "./ristretto.ts";
import * as sealedBox from "./sealed-box.ts";

export type EciesKeyType = "X25519" | "Ed25519" | nist.NistCurve | "Ristretto255";
export const KEY_TYPES: readonly EciesKeyType[] = ["X25519", "Ed25519", ...nist.CURVES, "Ristretto255"];

export function isEciesKeyType(value: unknown): value is EciesKeyType {
  return typeof value === "string" && (KEY_TYPES as readonly string[]).includes(value);
}

function noAad(keyType: EciesKeyType, aad: Uint8Array | undefined): void {
  if (aad !== undefined && aad.length > 0) {
    throw new EciesError("UNSUPPORTED", `ECIES with ${keyType} keys does not authenticate associated data`);
  }
}

function checkType(keyType: EciesKeyType): void {
  if (!isEciesKeyType(keyType)) throw new EciesError("UNSUPPORTED", `ECIES: unsupported key type ${String(keyType)}`);
}

/** Ciphertext length minus plaintext length. */
export function overhead(keyType: EciesKeyType): number {
  checkType(keyType);
  if (keyType === "X25519" || keyType === "Ed25519") return sealedBox.OVERHEAD;
  if (keyType === "Ristretto255") return ristretto.OVERHEAD;
  return nist.overhead(keyType);
}

/** Encrypts `plaintext` to a raw public key of type `keyType`. */
export function encrypt(
  keyType: EciesKeyType,
  publicKey: Uint8Array,
  plaintext: Uint8Array,
  aad?: Uint8Array,
): Uint8Array {
  checkType(keyType);
  switch (keyType) {
    case "Ristretto255":
      return ristretto.encrypt(plaintext, publicKey, aad);
    case "X25519":
      noAad(keyType, aad);
      return sealedBox.seal(plaintext, publicKey);
    case "Ed25519":
      noAad(keyType, aad);
      return sealedBox.sealToEd25519(plaintext, publicKey);
    default:
      noAad(keyType, aad);
      return nist.encrypt(keyType, plaintext, publicKey);
  }
}

/** Decrypts with a raw private key of type `keyType` (Ed25519: the 32-byte seed). */
export function decrypt(
  keyType: EciesKeyType,
  privateKey: Uint8Array,
  ciphertext: Uint8Array,
  aad?: Uint8Array,
): Uint8Array {
  checkType(keyType);
  switch (keyType) {
    case "Ristretto255":
      return ristretto.decrypt(ciphertext, privateKey, aad);
    case "X25519":
      noAad(keyType, aad);
      return sealedBox.open(ciphertext, privateKey);
    case "Ed25519":
      noAad(keyType, aad);
      return sealedBox.openWithEd25519(ciphertext, privateKey);
    default:
      noAad(keyType, aad);
      return nist.decrypt(keyType, ciphertext, privateKey);
  }
}
