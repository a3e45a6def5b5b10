/**
 * Shared body of the libsodium ChaCha20-Poly1305 AEADs (IETF 12-byte nonce and XChaCha 24-byte
 * nonce), detached form. Internal to chacha20-poly1305.ts and xchacha20-poly1305.ts.
 */
import { AuthenticationError, assertBytes } from "./cipher-errors.ts";
import { wipe } from "./bytes.ts";

export const KEY_LENGTH = 32;
export const TAG_LENGTH = 16;

type EncryptDetached = (
  c: Uint8Array,
  mac: Uint8Array,
  m: Uint8Array,
  ad: Uint8Array | null,
  nsec: null,
  npub: Uint8Array,
  k: Uint8Array,
) => number;
type DecryptDetached = (
  m: Uint8Array,
  nsec: null,
  c: Uint8Array,
  mac: Uint8Array,
  ad: Uint8Array | null,
  npub: Uint8Array,
  k: Uint8Array,
) => void;

export interface SodiumAead {
  name: string;
  nonceLength: number;
  encryptDetached: EncryptDetached;
  decryptDetached: DecryptDetached;
}

function check(aead: SodiumAead, key: Uint8Array, nonce: Uint8Array): void {
  assertBytes(key, `${aead.name} key`);
  assertBytes(nonce, `${aead.name} nonce`);
  if (key.length !== KEY_LENGTH)
    throw new RangeError(`${aead.name}: invalid key length ${key.length} (expected ${KEY_LENGTH} bytes)`);
  if (nonce.length !== aead.nonceLength) {
    throw new RangeError(`${aead.name}: invalid IV/nonce length ${nonce.length} (expected ${aead.nonceLength} bytes)`);
  }
}

export function seal(aead: SodiumAead, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array) {
  check(aead, key, nonce);
  assertBytes(plaintext, `${aead.name} plaintext`);
  const ciphertext = new Uint8Array(plaintext.length);
  const tag = new Uint8Array(TAG_LENGTH);
  aead.encryptDetached(ciphertext, tag, plaintext, aad ?? null, null, nonce, key);
  return { ciphertext, tag };
}

export function open(
  aead: SodiumAead,
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad?: Uint8Array,
): Uint8Array {
  check(aead, key, nonce);
  assertBytes(ciphertext, `${aead.name} ciphertext`);
  assertBytes(tag, `${aead.name} tag`);
  // The KMS requires TagLength 16 for ChaCha20-Poly1305 (Cosmian KMS behaviour): no truncation.
  if (tag.length !== TAG_LENGTH)
    throw new RangeError(`${aead.name}: invalid tag length ${tag.length} (expected ${TAG_LENGTH} bytes)`);
  const plaintext = new Uint8Array(ciphertext.length);
  try {
    // sodium-native throws on a bad tag (and has then written nothing we keep).
    aead.decryptDetached(plaintext, null, ciphertext, tag, aad ?? null, nonce, key);
  } catch {
    wipe(plaintext);
    throw new AuthenticationError(`${aead.name}: invalid tag, authentication failed`);
  }
  return plaintext;
}
