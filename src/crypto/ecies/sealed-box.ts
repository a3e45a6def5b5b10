/**
 * X25519 sealed box: exactly libsodium `crypto_box_seal` / `crypto_box_seal_open`, which is what
 * cloudproof_js 10.0.1 calls `EciesSalsaSealBox` and what the Cosmian KMS uses for ECIES with X25519
 * and Ed25519 keys (docs/ecies.md).
 *
 *   esk   = 32 random bytes, epk = X25519(esk, 9)
 *   nonce = BLAKE2b-192(epk ‖ recipient_pk)          (a real 24-byte BLAKE2b output)
 *   k     = HSalsa20(X25519(esk, recipient_pk), 0^16)
 *   box   = epk(32) ‖ poly1305_tag(16) ‖ xsalsa20(m)  (overhead 48, empty m → 48 bytes)
 *
 * There is no associated data: cloudproof_js accepts an `authenticatedData` argument but ignores
 * it, and the KMS passes none, so it is not part of this API.
 *
 * Keys are raw 32 bytes. A private key is any 32 bytes (cloudproof_js does not clamp; X25519 clamps
 * at use). Public keys of small order are refused by libsodium (the shared secret would be all
 * zero); cloudproof_js would accept them, which only matters for a malicious key.
 *
 * Ed25519 key pairs encrypt as the KMS does (crypto_core `X25519PublicKey::from_ed25519_public_key`
 * and `X25519PrivateKey::from_ed25519_private_key`): public u = (1+y)/(1−y) mod p; private =
 * SHA-512(seed)[0..32], left unclamped (libsodium's sk_to_curve25519 clamps it; X25519 clamps
 * anyway, so both give the same shared secrets, but only the unclamped bytes equal the KMS's).
 *
 * All libsodium calls go through native/sodium.ts.
 */
import { createHash } from "node:crypto";
import { sodium } from "../../../native/sodium.ts";
import { concatBytes, wipe } from "../bytes.ts";
import { DECRYPTION_FAILED, EciesError } from "./errors.ts";

export const PUBLIC_KEY_LENGTH = 32;
export const PRIVATE_KEY_LENGTH = 32;
/** Ed25519 private keys are the 32-byte RFC 8032 seed (the KMS's raw Ed25519 private key). */
export const ED25519_SEED_LENGTH = 32;
/** epk(32) ‖ tag(16). */
export const OVERHEAD = 48;

export interface KeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

const na = sodium;

function checkLength(what: string, key: Uint8Array, expected: number): void {
  if (!(key instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  if (key.length !== expected) {
    throw new EciesError("KEY_LENGTH", `${what} length incorrect: expected ${expected}, got ${key.length}`);
  }
}

/** A fresh X25519 key pair (libsodium `crypto_box_keypair`: sk = 32 random bytes, pk = X25519(sk, 9)). */
export function generateKeyPair(): KeyPair {
  const publicKey = new Uint8Array(PUBLIC_KEY_LENGTH);
  const privateKey = new Uint8Array(PRIVATE_KEY_LENGTH);
  na.crypto_box_keypair(publicKey, privateKey);
  return { publicKey, privateKey };
}

/** pk = X25519(sk, 9). */
export function getPublicKey(privateKey: Uint8Array): Uint8Array {
  checkLength("X25519 private key", privateKey, PRIVATE_KEY_LENGTH);
  const publicKey = new Uint8Array(PUBLIC_KEY_LENGTH);
  na.crypto_scalarmult_base(publicKey, privateKey);
  return publicKey;
}

/** Encrypts to an X25519 public key. Output length = plaintext length + 48. */
export function seal(plaintext: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array {
  checkLength("X25519 public key", recipientPublicKey, PUBLIC_KEY_LENGTH);
  const out = new Uint8Array(plaintext.length + OVERHEAD);
  try {
    na.crypto_box_seal(out, plaintext, recipientPublicKey);
  } catch {
    // libsodium refuses a public key whose shared secret is all zero (small-order point)
    throw new EciesError("INVALID_KEY", "X25519 public key is of small order");
  }
  return out;
}

/**
 * Decrypts a sealed box. `recipientPublicKey` may be given to save one scalar multiplication;
 * otherwise it is recomputed from the private key.
 */
export function open(
  ciphertext: Uint8Array,
  recipientPrivateKey: Uint8Array,
  recipientPublicKey?: Uint8Array,
): Uint8Array {
  checkLength("X25519 private key", recipientPrivateKey, PRIVATE_KEY_LENGTH);
  if (ciphertext.length < OVERHEAD) {
    throw new EciesError("CIPHERTEXT_LENGTH", `sealed box too short: ${ciphertext.length} bytes, minimum ${OVERHEAD}`);
  }
  const publicKey = recipientPublicKey ?? getPublicKey(recipientPrivateKey);
  checkLength("X25519 public key", publicKey, PUBLIC_KEY_LENGTH);
  const out = new Uint8Array(ciphertext.length - OVERHEAD);
  if (!na.crypto_box_seal_open(out, ciphertext, publicKey, recipientPrivateKey)) {
    wipe(out);
    throw new EciesError("DECRYPTION", DECRYPTION_FAILED);
  }
  return out;
}

/**
 * Known-answer tests only: `crypto_box_seal` with a caller-chosen ephemeral private key, built the
 * way libsodium builds it (crypto_box_easy under nonce BLAKE2b-192(epk ‖ pk)). Reusing an ephemeral
 * key across messages breaks confidentiality; production code calls `seal`.
 */
export function sealWithEphemeralKey(
  plaintext: Uint8Array,
  recipientPublicKey: Uint8Array,
  ephemeralPrivateKey: Uint8Array,
): Uint8Array {
  checkLength("X25519 public key", recipientPublicKey, PUBLIC_KEY_LENGTH);
  const epk = getPublicKey(ephemeralPrivateKey);
  const nonce = new Uint8Array(24);
  na.crypto_generichash(nonce, concatBytes(epk, recipientPublicKey));
  const box = new Uint8Array(plaintext.length + 16);
  try {
    na.crypto_box_easy(box, plaintext, nonce, recipientPublicKey, ephemeralPrivateKey);
  } catch {
    throw new EciesError("INVALID_KEY", "X25519 public key is of small order");
  }
  return concatBytes(epk, box);
}

/** Ed25519 public key → X25519 public key (birational map u = (1+y)/(1−y)); refuses invalid and small-order points. */
export function ed25519PublicKeyToX25519(ed25519PublicKey: Uint8Array): Uint8Array {
  checkLength("Ed25519 public key", ed25519PublicKey, PUBLIC_KEY_LENGTH);
  const out = new Uint8Array(PUBLIC_KEY_LENGTH);
  try {
    na.crypto_sign_ed25519_pk_to_curve25519(out, ed25519PublicKey);
  } catch {
    throw new EciesError("INVALID_KEY", "Ed25519 public key is not a valid point of the prime-order subgroup");
  }
  return out;
}

/** Ed25519 seed (32 bytes) → X25519 private key SHA-512(seed)[0..32], unclamped as in the KMS. */
export function ed25519PrivateKeyToX25519(ed25519Seed: Uint8Array): Uint8Array {
  checkLength("Ed25519 private key", ed25519Seed, ED25519_SEED_LENGTH);
  const digest = createHash("sha512").update(ed25519Seed).digest();
  const out = new Uint8Array(digest.subarray(0, PRIVATE_KEY_LENGTH));
  digest.fill(0);
  return out;
}

/** `seal` to an Ed25519 public key (the KMS's ECIES path for Ed25519 keys). */
export function sealToEd25519(plaintext: Uint8Array, ed25519PublicKey: Uint8Array): Uint8Array {
  return seal(plaintext, ed25519PublicKeyToX25519(ed25519PublicKey));
}

/** `open` with an Ed25519 seed (the KMS's ECIES path for Ed25519 keys). */
export function openWithEd25519(ciphertext: Uint8Array, ed25519Seed: Uint8Array): Uint8Array {
  const sk = ed25519PrivateKeyToX25519(ed25519Seed);
  try {
    return open(ciphertext, sk);
  } finally {
    wipe(sk);
  }
}
