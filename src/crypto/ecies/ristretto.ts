/**
 * ECIES on Ristretto255 (RFC 9496), byte-compatible with Cosmian's crypto_core `EciesR25519Aes128`
 * (the generic `EciesAes128` instantiated with the Ristretto group; unchanged from crypto_core 8.0
 * to 11.0).
 *
 * Keys (the crypto_core `R25519PrivateKey` / `R25519PublicKey` byte forms)
 *   private key  sk: 32 bytes, little-endian scalar, canonical: 0 < sk < ℓ
 *                (ℓ = 2^252 + 27742317777372353535851937790883648493). Anything else is refused
 *                (crypto_core also refuses non-canonical scalars; it would accept 0, we do not).
 *   public key   Q = sk·B: 32-byte canonical Ristretto255 encoding (RFC 9496 §4.3.2). Non-canonical
 *                encodings are refused by the decoder, and the identity (32 zero bytes) is refused.
 *   generation   sk = (64 random bytes, little-endian) mod ℓ, redrawn if 0 (bias < 2^-250).
 *
 * Encryption of m to Q, with optional associated data ad:
 *   r  = fresh random scalar (as above);  R = r·B;  S = r·Q      (R, S, Q as 32-byte encodings)
 *   key   = SHAKE128(S)[0..16]
 *   nonce = SHAKE128(R ‖ Q)[0..12]                (derived on both sides, never sent)
 *   c ‖ tag = AES-128-GCM(key, nonce, m, aad = ad)  (absent ad = empty ad, as in GCM itself)
 *   output  = R (32) ‖ c (|m|) ‖ tag (16)          overhead 48 bytes; an empty m is allowed
 *
 * Decryption: |ct| ≥ 48, R decoded canonically and ≠ identity, S = sk·R, the same KDF, GCM open.
 * Every failure after the length check (bad R, wrong key, bad tag, wrong ad) gives the one
 * DECRYPTION error. crypto_core accepts R = identity (then S is the identity and the key is public);
 * an honest sender never produces it, so refusing it costs no interoperability.
 *
 * Curve arithmetic: @noble/curves ristretto255; SHAKE128 and AES-GCM: node:crypto (aes-gcm.ts).
 * The known-answer vectors come from a separate implementation (test/vectors/ecies/).
 * Scalars live briefly as bigints, which cannot be wiped; byte buffers are.
 */
import { ristretto255 } from "@noble/curves/ed25519.js";
import { createHash } from "node:crypto";
import { concatBytes, wipe } from "../bytes.ts";
import { randomBytes } from "../random.ts";
import { gcmDecrypt, gcmEncrypt } from "./aes-gcm.ts";
import { DECRYPTION_FAILED, EciesError } from "./errors.ts";

const Point = ristretto255.Point;
type RistrettoPoint = InstanceType<typeof Point>;
const ORDER = Point.Fn.ORDER;

export const PUBLIC_KEY_LENGTH = 32;
export const PRIVATE_KEY_LENGTH = 32;
/** AES-128-GCM key length. */
export const KEY_LENGTH = 16;
export const NONCE_LENGTH = 12;
export const TAG_LENGTH = 16;
/** R(32) ‖ tag(16). */
export const OVERHEAD = PUBLIC_KEY_LENGTH + TAG_LENGTH;

export interface KeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

function bytesToScalarLE(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

function scalarToBytesLE(n: bigint): Uint8Array {
  const out = new Uint8Array(PRIVATE_KEY_LENGTH);
  for (let i = 0; i < out.length; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

/** A uniform scalar in [1, ℓ): 64 random bytes reduced mod ℓ. */
function randomScalar(): bigint {
  for (;;) {
    const wide = randomBytes(64);
    const s = bytesToScalarLE(wide) % ORDER;
    wipe(wide);
    if (s !== 0n) return s;
  }
}

/** Parses a private key: exactly 32 bytes, canonical little-endian, 0 < sk < ℓ. */
function decodePrivateKey(privateKey: Uint8Array): bigint {
  if (!(privateKey instanceof Uint8Array)) throw new TypeError("Ristretto255 private key must be a Uint8Array");
  if (privateKey.length !== PRIVATE_KEY_LENGTH) {
    throw new EciesError(
      "KEY_LENGTH",
      `Ristretto255 private key length incorrect: expected ${PRIVATE_KEY_LENGTH}, got ${privateKey.length}`,
    );
  }
  const s = bytesToScalarLE(privateKey);
  if (s === 0n || s >= ORDER)
    throw new EciesError("INVALID_KEY", "Ristretto255 private key is not a canonical non-zero scalar");
  return s;
}

/** Parses a point: exactly 32 bytes, canonical encoding, not the identity. Returns null if invalid. */
function decodePoint(bytes: Uint8Array): RistrettoPoint | null {
  if (bytes.length !== PUBLIC_KEY_LENGTH) return null;
  let p: RistrettoPoint;
  try {
    p = Point.fromBytes(bytes);
  } catch {
    return null;
  }
  return p.is0() ? null : p;
}

function decodePublicKey(publicKey: Uint8Array): RistrettoPoint {
  if (!(publicKey instanceof Uint8Array)) throw new TypeError("Ristretto255 public key must be a Uint8Array");
  if (publicKey.length !== PUBLIC_KEY_LENGTH) {
    throw new EciesError(
      "KEY_LENGTH",
      `Ristretto255 public key length incorrect: expected ${PUBLIC_KEY_LENGTH}, got ${publicKey.length}`,
    );
  }
  const p = decodePoint(publicKey);
  if (p === null)
    throw new EciesError("INVALID_KEY", "Ristretto255 public key is not a canonical non-identity point encoding");
  return p;
}

function shake128(length: number, ...parts: Uint8Array[]): Uint8Array {
  const h = createHash("shake128", { outputLength: length });
  for (const part of parts) h.update(part);
  const out = h.digest();
  const copy = new Uint8Array(out);
  out.fill(0);
  return copy;
}

/**
 * The KDF of the module header: key = SHAKE128(S)[0..16], nonce = SHAKE128(R ‖ Q)[0..12].
 * Exported for the vector tests.
 */
export function deriveKeyAndNonce(R: Uint8Array, S: Uint8Array, Q: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
  return { key: shake128(KEY_LENGTH, S), nonce: shake128(NONCE_LENGTH, R, Q) };
}

/** A fresh key pair. */
export function generateKeyPair(): KeyPair {
  const s = randomScalar();
  return { privateKey: scalarToBytesLE(s), publicKey: Point.BASE.multiply(s).toBytes() };
}

/** Q = sk·B, after validating sk. */
export function getPublicKey(privateKey: Uint8Array): Uint8Array {
  return Point.BASE.multiply(decodePrivateKey(privateKey)).toBytes();
}

/** Throws EciesError unless `privateKey` is a valid serialized private key. */
export function assertValidPrivateKey(privateKey: Uint8Array): void {
  decodePrivateKey(privateKey);
}

/** Throws EciesError unless `publicKey` is a valid serialized public key. */
export function assertValidPublicKey(publicKey: Uint8Array): void {
  decodePublicKey(publicKey);
}

function encryptWithScalar(plaintext: Uint8Array, Q: RistrettoPoint, r: bigint, aad?: Uint8Array): Uint8Array {
  const R = Point.BASE.multiply(r).toBytes();
  const S = Q.multiply(r).toBytes();
  const { key, nonce } = deriveKeyAndNonce(R, S, Q.toBytes());
  wipe(S);
  const body = gcmEncrypt(key, nonce, plaintext, aad);
  wipe(key, nonce);
  return concatBytes(R, body);
}

/** Encrypts to a Ristretto255 public key. Output: R(32) ‖ ciphertext ‖ tag(16). */
export function encrypt(plaintext: Uint8Array, recipientPublicKey: Uint8Array, aad?: Uint8Array): Uint8Array {
  return encryptWithScalar(plaintext, decodePublicKey(recipientPublicKey), randomScalar(), aad);
}

/**
 * Known-answer tests only: `encrypt` with a caller-chosen ephemeral scalar (32-byte canonical
 * little-endian, non-zero). Reusing an ephemeral scalar reuses (key, nonce): never in production.
 */
export function encryptWithEphemeralKey(
  plaintext: Uint8Array,
  recipientPublicKey: Uint8Array,
  ephemeralPrivateKey: Uint8Array,
  aad?: Uint8Array,
): Uint8Array {
  return encryptWithScalar(plaintext, decodePublicKey(recipientPublicKey), decodePrivateKey(ephemeralPrivateKey), aad);
}

/** Decrypts R ‖ ciphertext ‖ tag with the recipient's private key and the same associated data. */
export function decrypt(ciphertext: Uint8Array, recipientPrivateKey: Uint8Array, aad?: Uint8Array): Uint8Array {
  const sk = decodePrivateKey(recipientPrivateKey);
  if (ciphertext.length < OVERHEAD) {
    throw new EciesError(
      "CIPHERTEXT_LENGTH",
      `Ristretto255 ECIES ciphertext too short: ${ciphertext.length} bytes, minimum ${OVERHEAD}`,
    );
  }
  const Rbytes = ciphertext.subarray(0, PUBLIC_KEY_LENGTH);
  const R = decodePoint(Rbytes);
  if (R === null) throw new EciesError("DECRYPTION", DECRYPTION_FAILED);
  const S = R.multiply(sk).toBytes();
  const Q = Point.BASE.multiply(sk).toBytes();
  const { key, nonce } = deriveKeyAndNonce(Rbytes, S, Q);
  wipe(S);
  try {
    return gcmDecrypt(key, nonce, ciphertext.subarray(PUBLIC_KEY_LENGTH), aad);
  } finally {
    wipe(key, nonce);
  }
}
