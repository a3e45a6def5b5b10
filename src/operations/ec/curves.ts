/**
 * The elliptic-curve key types the KMS serves and how KMIP names them (Cosmian's
 * CreateKeyPair; KMS crate/crypto/src/crypto/elliptic_curves/operation.rs).
 *
 *   key type      RecommendedCurve   raw private               raw public          length
 *   X25519        CURVE25519         32 bytes                  32 bytes (u)        256
 *   Ed25519       CURVEED25519       32-byte RFC 8032 seed     32 bytes            256
 *   P-256/384/521 P256 / P384 / P521 big-endian d (32/48/66)   SEC1 point          256/384/521
 *   Ristretto255  RISTRETTO255 (*)   32-byte LE scalar         32-byte encoding    256
 *   secp256k1     SECP256K1          big-endian d (32)         SEC1 point          256
 *   Ed448         CURVEED448         57-byte RFC 8032 seed     57 bytes            448
 *
 * (*) RISTRETTO255 = 0x88800001 is this project's RecommendedCurve extension: KMIP and Cosmian have
 * no Ristretto255 curve. Ristretto255 key pairs are created with CryptographicAlgorithm EC or ECDH
 * and this curve; they only encrypt (ECIES, src/crypto/ecies/ristretto.ts).
 * secp256k1 (ECDSA) and Ed448 (EdDSA) keys only sign: the KMS's ECIES does not cover them.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { ed448 } from "@noble/curves/ed448.js";
import * as sealedBox from "../../crypto/ecies/sealed-box.ts";
import * as nist from "../../crypto/ecies/nist-curves.ts";
import * as ristretto from "../../crypto/ecies/ristretto.ts";
import { randomBytes } from "../../crypto/random.ts";
import type { EciesKeyType } from "../../crypto/ecies/ecies.ts";

export type EcKeyType = EciesKeyType | "secp256k1" | "Ed448";

export interface CurveInfo {
  curve: string; // RecommendedCurve name
  privateLength: number; // raw private key bytes
  bits: number; // CryptographicLength / Qlength
  canSign: boolean;
}

export const CURVES: Record<EcKeyType, CurveInfo> = {
  X25519: { curve: "CURVE25519", privateLength: 32, bits: 256, canSign: false },
  Ed25519: { curve: "CURVEED25519", privateLength: 32, bits: 256, canSign: true },
  "P-256": { curve: "P256", privateLength: 32, bits: 256, canSign: true },
  "P-384": { curve: "P384", privateLength: 48, bits: 384, canSign: true },
  "P-521": { curve: "P521", privateLength: 66, bits: 521, canSign: true },
  Ristretto255: { curve: "RISTRETTO255", privateLength: 32, bits: 256, canSign: false },
  secp256k1: { curve: "SECP256K1", privateLength: 32, bits: 256, canSign: true },
  Ed448: { curve: "CURVEED448", privateLength: 57, bits: 448, canSign: true },
};

const BY_CURVE: Record<string, EcKeyType> = Object.fromEntries(
  (Object.keys(CURVES) as EcKeyType[]).map((t) => [CURVES[t].curve, t]),
);

/** The key type of a RecommendedCurve name, or undefined when we do not serve that curve. */
export function keyTypeOfCurve(curve: string | undefined): EcKeyType | undefined {
  return curve === undefined ? undefined : BY_CURVE[curve];
}

export const isNist = (t: EcKeyType): t is nist.NistCurve => t === "P-256" || t === "P-384" || t === "P-521";
/** The short-Weierstrass curves: ECDSA signatures, SEC1 points (NIST curves and secp256k1). */
export const isWeierstrass = (t: EcKeyType): t is nist.NistCurve | "secp256k1" => isNist(t) || t === "secp256k1";

export interface RawKeyPair {
  privateKey: Uint8Array;
  /** X25519/Ed25519/Ristretto255: 32 bytes; NIST: compressed SEC1 point (as the KMS stores it). */
  publicKey: Uint8Array;
}

export function generate(type: EcKeyType): RawKeyPair {
  switch (type) {
    case "X25519":
      return sealedBox.generateKeyPair();
    case "Ed25519": {
      const seed = randomBytes(32);
      return { privateKey: seed, publicKey: ed25519.getPublicKey(seed) };
    }
    case "Ristretto255":
      return ristretto.generateKeyPair();
    case "secp256k1": {
      const { secretKey } = secp256k1.keygen(randomBytes(48));
      return { privateKey: secretKey, publicKey: secp256k1.getPublicKey(secretKey, true) };
    }
    case "Ed448": {
      const seed = randomBytes(57);
      return { privateKey: seed, publicKey: ed448.getPublicKey(seed) };
    }
    default: {
      const { privateKey } = nist.generateKeyPair(type);
      return { privateKey, publicKey: nist.getPublicKey(type, privateKey, true) };
    }
  }
}

/** The public key of a raw private key (NIST: compressed unless `uncompressed`). */
export function publicKeyOf(type: EcKeyType, privateKey: Uint8Array, uncompressed = false): Uint8Array {
  switch (type) {
    case "X25519":
      return sealedBox.getPublicKey(privateKey);
    case "Ed25519":
      return ed25519.getPublicKey(privateKey);
    case "Ristretto255":
      return ristretto.getPublicKey(privateKey);
    case "secp256k1":
      return secp256k1.getPublicKey(privateKey, !uncompressed);
    case "Ed448":
      return ed448.getPublicKey(privateKey);
    default:
      return nist.getPublicKey(type, privateKey, !uncompressed);
  }
}

/** A NIST / secp256k1 public key as SEC1 (uncompressed or compressed); other types are returned unchanged. */
export function reencodePublicKey(type: EcKeyType, publicKey: Uint8Array, compressed: boolean): Uint8Array {
  if (!isWeierstrass(type)) return publicKey;
  return ECDSA_CURVES[type].Point.fromBytes(publicKey).toBytes(compressed);
}

/** The @noble/curves ECDSA object of a NIST curve (signatures, point decoding). */
export const NIST_EC = { "P-256": p256, "P-384": p384, "P-521": p521 } as const;
/** NIST_EC and secp256k1. */
export const ECDSA_CURVES = { ...NIST_EC, secp256k1: secp256k1 as unknown as typeof p256 };
