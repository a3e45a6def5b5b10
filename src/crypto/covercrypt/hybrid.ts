/**
 * The full CoverCrypt ciphertext of cloudproof_js 10.0.1 `encrypt`/`decrypt`
 * (cloudproof_rust `webassembly_hybrid_encrypt/decrypt`, cover_crypt `EncryptedHeader`):
 *
 *   Encapsulation ‖ vec(encrypted_metadata) ‖ nonce(12) ‖ AES-256-GCM_K(plaintext, AAD) ‖ tag(16)
 *   encrypted_metadata = nonce'(12) ‖ AES-256-GCM_K(header_metadata, AAD) ‖ tag(16), or empty
 *
 * Format: docs/covercrypt-format.md, "Ciphertext". AES-256-GCM comes from node:crypto.
 */
import { createCipheriv, createDecipheriv } from "node:crypto";
import { concatBytes, wipe } from "../bytes.ts";
import { randomBytes } from "../random.ts";
import type { AccessPolicy } from "./access-policy.ts";
import { ByteReader, ByteWriter } from "./bytes-io.ts";
import { decaps, encaps, readEncapsulation, writeEncapsulation, type Encapsulation } from "./encaps.ts";
import { decryptionError } from "./errors.ts";
import type { Policy } from "./policy.ts";
import type { MasterPublicKey, UserSecretKey } from "./serialize.ts";

export const NONCE_LENGTH = 12;
export const GCM_TAG_LENGTH = 16;

/** DEM block: nonce ‖ ciphertext ‖ tag (cloudproof_js `encryptBlock`). */
export function demEncrypt(key: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE_LENGTH);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  if (aad?.length) cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const fin = cipher.final();
  return concatBytes(nonce, body, fin, cipher.getAuthTag());
}

export function demDecrypt(key: Uint8Array, block: Uint8Array, aad?: Uint8Array): Uint8Array {
  if (block.length < NONCE_LENGTH + GCM_TAG_LENGTH) throw decryptionError();
  const decipher = createDecipheriv("aes-256-gcm", key, block.subarray(0, NONCE_LENGTH));
  if (aad?.length) decipher.setAAD(aad);
  decipher.setAuthTag(block.subarray(block.length - GCM_TAG_LENGTH));
  const body = decipher.update(block.subarray(NONCE_LENGTH, block.length - GCM_TAG_LENGTH));
  try {
    return concatBytes(body, decipher.final());
  } catch {
    body.fill(0);
    throw decryptionError();
  }
}

export interface EncryptOptions {
  /**
   * Encrypted into the header. Default: an empty array, which (like cloudproof_js) still writes a
   * 28-byte encrypted empty blob; `null` writes no blob (length 0), as Rust's `None`.
   */
  headerMetadata?: Uint8Array | null;
  /** AES-GCM additional data for both the metadata and the body (empty = none). */
  authenticationData?: Uint8Array;
}

export interface EncryptedHeader {
  encapsulation: Encapsulation;
  encryptedMetadata?: Uint8Array;
}

/** `EncryptedHeader::generate`: encapsulation + encrypted metadata; returns the key for the body. */
export function encryptHeader(
  policy: Policy,
  mpk: MasterPublicKey,
  access: string | AccessPolicy,
  options: EncryptOptions = {},
): { key: Uint8Array; header: Uint8Array } {
  const { key, encapsulation } = encaps(policy, mpk, access);
  const md = options.headerMetadata === undefined ? new Uint8Array(0) : options.headerMetadata;
  const w = writeEncapsulation(new ByteWriter(), encapsulation);
  w.vec(md === null ? new Uint8Array(0) : demEncrypt(key, md, options.authenticationData));
  return { key, header: w.finish() };
}

/** cloudproof_js `encrypt(policy, publicKey, accessPolicy, plaintext, options)`. */
export function encrypt(
  policy: Policy,
  mpk: MasterPublicKey,
  access: string | AccessPolicy,
  plaintext: Uint8Array,
  options: EncryptOptions = {},
): Uint8Array {
  const { key, header } = encryptHeader(policy, mpk, access, options);
  const body = demEncrypt(key, plaintext, options.authenticationData);
  wipe(key);
  return concatBytes(header, body);
}

/** Splits a ciphertext into its header (parsed) and the DEM block that follows. */
export function parseCiphertext(ciphertext: Uint8Array): {
  header: EncryptedHeader;
  headerLength: number;
  body: Uint8Array;
} {
  const r = new ByteReader(ciphertext);
  const encapsulation = readEncapsulation(r);
  const md = r.vec();
  return {
    header: { encapsulation, encryptedMetadata: md.length ? md : undefined },
    headerLength: r.offset,
    body: ciphertext.subarray(r.offset),
  };
}

/** Opens a header: the body key and the (possibly empty) metadata. */
export function decryptHeader(
  usk: UserSecretKey,
  header: EncryptedHeader,
  authenticationData?: Uint8Array,
): { key: Uint8Array; headerMetadata: Uint8Array } {
  const key = decaps(usk, header.encapsulation);
  try {
    const headerMetadata = header.encryptedMetadata
      ? demDecrypt(key, header.encryptedMetadata, authenticationData)
      : new Uint8Array(0);
    return { key, headerMetadata };
  } catch (e) {
    wipe(key);
    throw e;
  }
}

/**
 * cloudproof_js `decrypt(usk, ciphertext, {authenticationData})`. Errors: InsufficientAccessPolicy
 * (no matching subkey), CryptoCoreError(DecryptionError) (wrong AAD or tampering).
 */
export function decrypt(
  usk: UserSecretKey,
  ciphertext: Uint8Array,
  options: { authenticationData?: Uint8Array } = {},
): { headerMetadata: Uint8Array; plaintext: Uint8Array } {
  const { header, body } = parseCiphertext(ciphertext);
  const { key, headerMetadata } = decryptHeader(usk, header, options.authenticationData);
  try {
    return { headerMetadata, plaintext: demDecrypt(key, body, options.authenticationData) };
  } finally {
    wipe(key);
  }
}
