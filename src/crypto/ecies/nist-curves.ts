/**
 * The Cosmian KMS ECIES for NIST curves (Cosmian KMS 5.26
 * crate/crypto/src/crypto/elliptic_curves/ecies/standard_curves.rs, non-FIPS build; the same in
 * KMS 4.19), on @noble/curves.
 *
 *   r random, R = r·G, S = r·Q                       (Q = recipient public key)
 *   key = XOF(S_compressed)[0..keyLen]                the SEC1 *compressed* shared point 02/03 ‖ x
 *   iv  = XOF(R_compressed ‖ Q_compressed)[0..12]     ephemeral first, both compressed
 *   ct ‖ tag = AES-GCM(key, iv, m), no AAD
 *   output = R_compressed ‖ ct ‖ tag(16)
 *
 *   curve   XOF       AES          |R_compressed|  overhead
 *   P-256   SHAKE128  AES-128-GCM  33              49
 *   P-384   SHAKE256  AES-256-GCM  49              65
 *   P-521   SHAKE256  AES-256-GCM  67              83
 *
 * (The KMS also maps P-192 and P-224 to SHAKE128/AES-128; @noble/curves has neither, so they are
 * not offered here.) There is no associated data in this scheme: the KMS passes none.
 *
 * Keys: a private key is the big-endian scalar d, exactly the field-order length (32 / 48 / 66
 * bytes), 1 ≤ d < n. A public key is a SEC1 point, compressed or uncompressed, validated on the
 * curve; `getPublicKey` and `generateKeyPair` return the uncompressed form (the KMS's
 * TransparentECPublicKey Q string). Decryption reads R only in compressed form, as the KMS
 * (it slices exactly ceil(bits/8)+1 bytes).
 *
 * Empty plaintext: the KMS's decrypt refuses a ciphertext of |R| + 16 bytes or fewer
 * (`ciphertext.len() <= R + tag` bails), although its encrypt produces exactly that for an empty
 * message. We refuse both sides: `encrypt` of an empty message throws EMPTY_PLAINTEXT (rather than
 * hand out a ciphertext the KMS cannot open) and `decrypt` of |R| + 16 bytes throws
 * CIPHERTEXT_LENGTH, as the KMS does.
 */
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { shake128, shake256 } from "@noble/hashes/sha3.js";
import { concatBytes, wipe } from "../bytes.ts";
import { randomBytes } from "../random.ts";
import { gcmDecrypt, gcmEncrypt, GCM_NONCE_LENGTH, GCM_TAG_LENGTH } from "./aes-gcm.ts";
import { DECRYPTION_FAILED, EciesError } from "./errors.ts";

export type NistCurve = "P-256" | "P-384" | "P-521";
export const CURVES: readonly NistCurve[] = ["P-256", "P-384", "P-521"];

export interface KeyPair {
  /** SEC1 uncompressed point 04 ‖ x ‖ y. */
  publicKey: Uint8Array;
  /** Big-endian scalar, field-order length. */
  privateKey: Uint8Array;
}

type Ecdsa = typeof p256;
interface Params {
  ec: Ecdsa;
  xof: typeof shake128;
  aesKeyLength: 16 | 32;
  scalarLength: number;
  compressedLength: number;
}

const PARAMS: Record<NistCurve, Params> = {
  "P-256": { ec: p256, xof: shake128, aesKeyLength: 16, scalarLength: 32, compressedLength: 33 },
  "P-384": { ec: p384, xof: shake256, aesKeyLength: 32, scalarLength: 48, compressedLength: 49 },
  "P-521": { ec: p521, xof: shake256, aesKeyLength: 32, scalarLength: 66, compressedLength: 67 },
};

/** A uniform scalar in [1, n), from random.ts (noble reduces a seed of ceil(bits/8)+8 bytes, FIPS 186-5 A.4.1). */
function randomScalar(p: Params): Uint8Array {
  const seed = randomBytes(p.ec.lengths.seed!);
  try {
    return p.ec.utils.randomSecretKey(seed);
  } finally {
    wipe(seed);
  }
}

function params(curve: NistCurve): Params {
  const p = PARAMS[curve];
  if (p === undefined) throw new EciesError("UNSUPPORTED", `ECIES: unsupported curve ${String(curve)}`);
  return p;
}

/** R_compressed ‖ tag: ciphertext length minus plaintext length. */
export function overhead(curve: NistCurve): number {
  return params(curve).compressedLength + GCM_TAG_LENGTH;
}

function checkPrivateKey(curve: NistCurve, p: Params, privateKey: Uint8Array): void {
  if (!(privateKey instanceof Uint8Array)) throw new TypeError(`${curve} private key must be a Uint8Array`);
  if (privateKey.length !== p.scalarLength) {
    throw new EciesError(
      "KEY_LENGTH",
      `${curve} private key length incorrect: expected ${p.scalarLength}, got ${privateKey.length}`,
    );
  }
  if (!p.ec.utils.isValidSecretKey(privateKey))
    throw new EciesError("INVALID_KEY", `${curve} private key is not a scalar in [1, n)`);
}

/** Validates a SEC1 public key (compressed or uncompressed) and returns it compressed. */
function compressPublicKey(curve: NistCurve, p: Params, publicKey: Uint8Array): Uint8Array {
  if (!(publicKey instanceof Uint8Array)) throw new TypeError(`${curve} public key must be a Uint8Array`);
  const uncompressedLength = 2 * p.compressedLength - 1;
  if (publicKey.length !== p.compressedLength && publicKey.length !== uncompressedLength) {
    throw new EciesError(
      "KEY_LENGTH",
      `${curve} public key length incorrect: expected ${p.compressedLength} or ${uncompressedLength}, got ${publicKey.length}`,
    );
  }
  try {
    return p.ec.Point.fromBytes(publicKey).toBytes(true);
  } catch {
    throw new EciesError("INVALID_KEY", `${curve} public key is not a valid SEC1 point on the curve`);
  }
}

/** A fresh key pair: uncompressed public key, big-endian private scalar. */
export function generateKeyPair(curve: NistCurve): KeyPair {
  const p = params(curve);
  const privateKey = randomScalar(p);
  return { privateKey, publicKey: p.ec.getPublicKey(privateKey, false) };
}

/** Q = d·G as SEC1, uncompressed unless `compressed`. */
export function getPublicKey(curve: NistCurve, privateKey: Uint8Array, compressed = false): Uint8Array {
  const p = params(curve);
  checkPrivateKey(curve, p, privateKey);
  return p.ec.getPublicKey(privateKey, compressed);
}

/** Throws EciesError unless `publicKey` is a SEC1 point on `curve`. */
export function assertValidPublicKey(curve: NistCurve, publicKey: Uint8Array): void {
  compressPublicKey(curve, params(curve), publicKey);
}

/** The KDF: key = XOF(S)[0..keyLen], iv = XOF(R ‖ Q)[0..12], all points compressed. Exported for vector tests. */
export function deriveKeyAndIv(
  curve: NistCurve,
  sharedCompressed: Uint8Array,
  ephemeralCompressed: Uint8Array,
  recipientCompressed: Uint8Array,
): { key: Uint8Array; iv: Uint8Array } {
  const p = params(curve);
  return {
    key: p.xof(sharedCompressed, { dkLen: p.aesKeyLength }),
    iv: p.xof(concatBytes(ephemeralCompressed, recipientCompressed), { dkLen: GCM_NONCE_LENGTH }),
  };
}

function encryptWith(curve: NistCurve, p: Params, plaintext: Uint8Array, Qc: Uint8Array, r: Uint8Array): Uint8Array {
  if (plaintext.length === 0) {
    throw new EciesError(
      "EMPTY_PLAINTEXT",
      `${curve} ECIES does not encrypt an empty message: its ciphertext (R ‖ tag alone) is refused at decryption by the Cosmian KMS`,
    );
  }
  const R = p.ec.getPublicKey(r, true);
  const S = p.ec.getSharedSecret(r, Qc, true);
  const { key, iv } = deriveKeyAndIv(curve, S, R, Qc);
  wipe(S);
  const body = gcmEncrypt(key, iv, plaintext);
  wipe(key);
  return concatBytes(R, body);
}

/** Encrypts to a SEC1 public key. Output: R_compressed ‖ ct ‖ tag(16). */
export function encrypt(curve: NistCurve, plaintext: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array {
  const p = params(curve);
  const Qc = compressPublicKey(curve, p, recipientPublicKey);
  const r = randomScalar(p);
  try {
    return encryptWith(curve, p, plaintext, Qc, r);
  } finally {
    wipe(r);
  }
}

/** Known-answer tests only: `encrypt` with a fixed ephemeral private scalar. Never reuse one in production. */
export function encryptWithEphemeralKey(
  curve: NistCurve,
  plaintext: Uint8Array,
  recipientPublicKey: Uint8Array,
  ephemeralPrivateKey: Uint8Array,
): Uint8Array {
  const p = params(curve);
  const Qc = compressPublicKey(curve, p, recipientPublicKey);
  checkPrivateKey(curve, p, ephemeralPrivateKey);
  return encryptWith(curve, p, plaintext, Qc, ephemeralPrivateKey);
}

/** Decrypts R_compressed ‖ ct ‖ tag with the recipient's private scalar. */
export function decrypt(curve: NistCurve, ciphertext: Uint8Array, recipientPrivateKey: Uint8Array): Uint8Array {
  const p = params(curve);
  checkPrivateKey(curve, p, recipientPrivateKey);
  if (ciphertext.length <= p.compressedLength + GCM_TAG_LENGTH) {
    throw new EciesError(
      "CIPHERTEXT_LENGTH",
      `${curve} ECIES ciphertext too short: ${ciphertext.length} bytes, minimum ${p.compressedLength + GCM_TAG_LENGTH + 1} (R, at least one byte, tag)`,
    );
  }
  const R = ciphertext.subarray(0, p.compressedLength);
  if (R[0] !== 0x02 && R[0] !== 0x03) throw new EciesError("DECRYPTION", DECRYPTION_FAILED);
  let S: Uint8Array;
  try {
    S = p.ec.getSharedSecret(recipientPrivateKey, R, true); // validates R on the curve
  } catch {
    throw new EciesError("DECRYPTION", DECRYPTION_FAILED);
  }
  const Qc = p.ec.getPublicKey(recipientPrivateKey, true);
  const { key, iv } = deriveKeyAndIv(curve, S, R, Qc);
  wipe(S);
  try {
    return gcmDecrypt(key, iv, ciphertext.subarray(p.compressedLength));
  } finally {
    wipe(key);
  }
}
