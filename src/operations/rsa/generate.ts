/**
 * CreateKeyPair for RSA (KMS crate/crypto/src/crypto/rsa/operation.rs):
 * CryptographicAlgorithm RSA and CryptographicLength 2048..8192 (3072 and 4096 the usual ones) in
 * the common, private or public attributes. Shorter keys are refused, as the KMS does in FIPS mode
 * (they are too weak for new keys); import still reads them.
 *
 * Stored as the KMS stores them: TransparentRSAPrivateKey {Modulus, PrivateExponent, PublicExponent,
 * P, Q, PrimeExponentP, PrimeExponentQ, CRTCoefficient} and TransparentRSAPublicKey {Modulus,
 * PublicExponent}; public exponent 65537.
 *
 * Usage masks, unless the request sets them (the KMS sets none):
 *   private Sign | Decrypt | UnwrapKey        public Verify | Encrypt | WrapKey
 * ReKeyKeyPair of RSA pairs: common/rekey-pair.ts.
 */
import { fail } from "../../kmip/error.ts";
import * as rsa from "../../crypto/rsa.ts";
import type { KeyPairGenerator } from "../scheme.ts";
import { USAGE } from "../common/keys.ts";
import { privateKeyMaterial, publicKeyMaterial } from "./key-material.ts";
import { runHeavy } from "../common/heavy.ts";

const MASKS = {
  privateKey: USAGE.Sign | USAGE.Decrypt | USAGE.UnwrapKey,
  publicKey: USAGE.Verify | USAGE.Encrypt | USAGE.WrapKey,
};

export const generateRsaKeyPair: KeyPairGenerator = async (_req, { privateKey: privateIn, publicKey: publicIn }) => {
  const bits = privateIn.CryptographicLength ?? publicIn.CryptographicLength;
  if (bits === undefined)
    fail("Invalid_Field", "CreateKeyPair: an RSA key pair needs a CryptographicLength (2048, 3072 or 4096)");
  if (
    privateIn.CryptographicLength !== undefined &&
    publicIn.CryptographicLength !== undefined &&
    privateIn.CryptographicLength !== publicIn.CryptographicLength
  ) {
    fail("Invalid_Field", "CreateKeyPair: the private and public key attributes ask for different RSA key sizes");
  }
  if (bits < rsa.MIN_BITS)
    fail(
      "Invalid_Attribute_Value",
      `CreateKeyPair: RSA keys must be at least ${rsa.MIN_BITS} bits (the FIPS 140 minimum key length); ${bits} is too weak`,
    );
  if (bits > rsa.MAX_BITS || bits % 8 !== 0)
    fail(
      "Invalid_Attribute_Value",
      `CreateKeyPair: the RSA key size must be a multiple of 8 up to ${rsa.MAX_BITS} bits, got ${bits}`,
    );
  const key = await runHeavy("rsaGenerate", bits);
  const block = (format: string, material: ReturnType<typeof privateKeyMaterial>) => ({
    KeyBlock: {
      KeyFormatType: format,
      KeyValue: { KeyMaterial: material },
      CryptographicAlgorithm: "RSA",
      CryptographicLength: bits,
    },
  });
  return {
    privateKey: {
      object: block("TransparentRSAPrivateKey", privateKeyMaterial(key, "TransparentRSAPrivateKey")),
      attributes: {
        CryptographicAlgorithm: "RSA",
        CryptographicLength: bits,
        KeyFormatType: "TransparentRSAPrivateKey",
        CryptographicUsageMask: privateIn.CryptographicUsageMask ?? MASKS.privateKey,
      },
    },
    publicKey: {
      object: block("TransparentRSAPublicKey", publicKeyMaterial(rsa.publicOf(key), "TransparentRSAPublicKey")),
      attributes: {
        CryptographicAlgorithm: "RSA",
        CryptographicLength: bits,
        KeyFormatType: "TransparentRSAPublicKey",
        CryptographicUsageMask: publicIn.CryptographicUsageMask ?? MASKS.publicKey,
        // `Sensitive` in the common attributes is meant for the private key: a public key is public.
        ...(publicIn.Sensitive ? { Sensitive: false } : {}),
      },
    },
  };
};
