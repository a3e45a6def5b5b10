/**
 * XChaCha20-Poly1305 AEAD (draft-irtf-cfrg-xchacha: 32-byte key, 24-byte nonce, 16-byte tag), through
 * libsodium's `_detached` functions. The Cosmian KMS does not support XChaCha20
 * in KMIP; it is here for internal use (random 24-byte nonces are safe), same detached interface.
 */
import { sodium } from "../../native/sodium.ts";
import { open, seal, type SodiumAead } from "./sodium-aead.ts";

export { AuthenticationError } from "./cipher-errors.ts";
export { KEY_LENGTH, TAG_LENGTH } from "./sodium-aead.ts";
export const NONCE_LENGTH = 24;

const AEAD: SodiumAead = {
  name: "XChaCha20-Poly1305",
  nonceLength: NONCE_LENGTH,
  encryptDetached: (c, mac, m, ad, nsec, npub, k) =>
    sodium.crypto_aead_xchacha20poly1305_ietf_encrypt_detached(c, mac, m, ad, nsec, npub, k),
  decryptDetached: (m, nsec, c, mac, ad, npub, k) =>
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt_detached(m, nsec, c, mac, ad, npub, k),
};

/** Encrypts; returns the ciphertext (same length as the plaintext) and the 16-byte tag. */
export function encrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad?: Uint8Array,
): { ciphertext: Uint8Array; tag: Uint8Array } {
  return seal(AEAD, key, nonce, plaintext, aad);
}

/** Decrypts and verifies; throws AuthenticationError on a wrong key, nonce, AAD, ciphertext or tag. */
export function decrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad?: Uint8Array,
): Uint8Array {
  return open(AEAD, key, nonce, ciphertext, tag, aad);
}
