/**
 * ChaCha20-Poly1305 AEAD, IETF variant (RFC 8439: 32-byte key, 12-byte nonce, 16-byte tag), through
 * libsodium's `_detached` functions. KMIP algorithm `ChaCha20Poly1305` (as the Cosmian KMS serves it):
 * IV in IVCounterNonce, tag in AuthenticatedEncryptionTag, so the interface is detached.
 */
import { sodium } from "../../native/sodium.ts";
import { open, seal, type SodiumAead } from "./sodium-aead.ts";

export { AuthenticationError } from "./cipher-errors.ts";
export { KEY_LENGTH, TAG_LENGTH } from "./sodium-aead.ts";
export const NONCE_LENGTH = 12;

const AEAD: SodiumAead = {
  name: "ChaCha20-Poly1305",
  nonceLength: NONCE_LENGTH,
  encryptDetached: (c, mac, m, ad, nsec, npub, k) =>
    sodium.crypto_aead_chacha20poly1305_ietf_encrypt_detached(c, mac, m, ad, nsec, npub, k),
  decryptDetached: (m, nsec, c, mac, ad, npub, k) =>
    sodium.crypto_aead_chacha20poly1305_ietf_decrypt_detached(m, nsec, c, mac, ad, npub, k),
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
