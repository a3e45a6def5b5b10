/**
 * The signature primitives behind Sign / SignatureVerify (KMS
 * crate/crypto/src/crypto/elliptic_curves/{sign,verify}.rs), on @noble/curves and node:crypto hashes.
 *
 *   Ed25519  RFC 8032 pure EdDSA over the given bytes (Data, or DigestedData taken as the message,
 *            as the KMS does); 64-byte signatures; verification is RFC 8032 strict (no ZIP-215).
 *   Ed448    RFC 8032 pure Ed448 (empty context), 114-byte signatures, as Ed25519.
 *   ECDSA    P-256 / P-384 / P-521 / secp256k1; the message is hashed with the chosen hash, or DigestedData is
 *            the hash already (its length must match); RFC 6979 deterministic nonces; signatures
 *            are DER (as OpenSSL); verification also takes the fixed-size r ‖ s form, and high-S
 *            signatures (OpenSSL makes them).
 * Hash choice: DigitalSignatureAlgorithm ECDSAWithSHA224/256/384/512, else HashingAlgorithm, else
 * SHA-256 for every curve (the KMS's default, ECDSAWithSHA256, even on P-384 / P-521).
 */
import { lookupTable } from "../../crypto/lookup.ts";
import { createHash } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { ed448 } from "@noble/curves/ed448.js";
import { fail } from "../../kmip/error.ts";
import type { CryptographicParameters } from "../../kmip/attributes.ts";
import { ECDSA_CURVES, isWeierstrass } from "./curves.ts";
import { publicOf, type EcKey } from "./key-material.ts";

const DSA_HASH: Record<string, string> = lookupTable({
  ECDSAWithSHA224: "sha224",
  ECDSAWithSHA256: "sha256",
  ECDSAWithSHA384: "sha384",
  ECDSAWithSHA512: "sha512",
});
const HASH: Record<string, string> = lookupTable({
  SHA224: "sha224",
  SHA256: "sha256",
  SHA384: "sha384",
  SHA512: "sha512",
  SHA3224: "sha3-224",
  SHA3256: "sha3-256",
  SHA3384: "sha3-384",
  SHA3512: "sha3-512",
});
const HASH_LENGTH: Record<string, number> = lookupTable({
  sha224: 28,
  sha256: 32,
  sha384: 48,
  sha512: 64,
  "sha3-224": 28,
  "sha3-256": 32,
  "sha3-384": 48,
  "sha3-512": 64,
});

/** The node:crypto hash name for ECDSA, from the request's parameters merged over the key's. */
export function ecdsaHash(params: CryptographicParameters | undefined, op: string): string {
  const dsa = params?.DigitalSignatureAlgorithm;
  if (dsa !== undefined) {
    const h = DSA_HASH[dsa];
    if (!h)
      fail(
        "Invalid_Field",
        `${op}: the digital signature algorithm ${dsa} does not apply to ECDSA keys (use ECDSAWithSHA256, ECDSAWithSHA384 or ECDSAWithSHA512)`,
      );
    return h;
  }
  const name = params?.HashingAlgorithm ?? "SHA256";
  const h = HASH[name];
  if (!h) fail("Invalid_Field", `${op}: the hashing algorithm ${name} is not supported for ECDSA`);
  return h;
}

function digestOf(hash: string, data: Uint8Array, prehashed: boolean, op: string): Uint8Array {
  if (!prehashed) return new Uint8Array(createHash(hash).update(data).digest());
  if (data.length !== HASH_LENGTH[hash]) {
    fail(
      "Invalid_Field",
      `${op}: DigestedData must be a ${hash.toUpperCase()} digest of ${HASH_LENGTH[hash]} bytes, got ${data.length}`,
    );
  }
  return data;
}

function cannotSign(k: EcKey, op: string): never {
  return fail(
    "Operation_Not_Supported",
    `${op}: ${k.type} keys cannot sign or verify (use Ed25519, Ed448 or ECDSA on P256, P384, P521, SECP256K1)`,
  );
}

/** Signs `data` (or the digest `data` when `prehashed`) with a private EC key. */
export function sign(
  k: EcKey,
  data: Uint8Array,
  prehashed: boolean,
  params: CryptographicParameters | undefined,
): Uint8Array {
  const sk = k.privateKey;
  if (!sk) fail("Key_Value_Not_Present", "Sign: the key has no private key material");
  if (k.type === "Ed25519") return ed25519.sign(data, sk);
  if (k.type === "Ed448") return ed448.sign(data, sk);
  if (!isWeierstrass(k.type)) cannotSign(k, "Sign");
  const digest = digestOf(ecdsaHash(params, "Sign"), data, prehashed, "Sign");
  return ECDSA_CURVES[k.type].sign(digest, sk, { prehash: false, format: "der", lowS: false });
}

/** true when `signature` is valid for `data` (or the digest `data`) under the EC key's public half. */
export function verify(
  k: EcKey,
  data: Uint8Array,
  signature: Uint8Array,
  prehashed: boolean,
  params: CryptographicParameters | undefined,
): boolean {
  const pk = publicOf(k);
  if (k.type === "Ed25519") {
    try {
      return ed25519.verify(signature, data, pk, { zip215: false });
    } catch {
      return false;
    }
  }
  if (k.type === "Ed448") {
    try {
      return ed448.verify(signature, data, pk);
    } catch {
      return false;
    }
  }
  if (!isWeierstrass(k.type)) cannotSign(k, "SignatureVerify");
  const digest = digestOf(ecdsaHash(params, "SignatureVerify"), data, prehashed, "SignatureVerify");
  const ec = ECDSA_CURVES[k.type];
  const compactLength = 2 * Math.ceil(ec.Point.Fn.BITS / 8);
  for (const format of signature.length === compactLength ? (["der", "compact"] as const) : (["der"] as const)) {
    try {
      if (ec.verify(signature, digest, pk, { prehash: false, format, lowS: false })) return true;
    } catch {
      // malformed in this format: try the next, else invalid
    }
  }
  return false;
}
