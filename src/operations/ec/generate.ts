/**
 * CreateKeyPair for elliptic curves (KMS create_key_pair.rs and
 * elliptic_curves/operation.rs).
 *
 * Request: CryptographicAlgorithm EC, ECDH, ECDSA, Ed25519 or Ed448, and
 * CryptographicDomainParameters.RecommendedCurve in the common, private or public attributes:
 *   CURVE25519 -> X25519        CURVEED25519 -> Ed25519     P256 / P384 / P521 -> NIST curves
 *   RISTRETTO255 (our extension) -> Ristretto255     SECP256K1 -> secp256k1     CURVEED448 -> Ed448
 * Without a curve: Ed25519 / Ed448 for those algorithms, P256 for ECDSA, CURVE25519 otherwise (the
 * KMS's non-FIPS default). Unlike the latest KMS, ECDH/ECDSA/EC with CURVEED25519 is accepted (older
 * KMS versions did so); those Ed25519 keys encrypt after conversion to X25519, as the KMS does.
 *
 * Stored like the KMS stores them: TransparentECPrivateKey {RecommendedCurve, D} and
 * TransparentECPublicKey {RecommendedCurve, QString} (NIST public keys compressed),
 * CryptographicLength = the curve size, CryptographicDomainParameters {RecommendedCurve, Qlength}.
 *
 * Usage masks, unless the request sets them (the KMS sets none; its CLI sends Unrestricted):
 *   ECDSA, Ed25519, Ed448      private Sign                              public Verify
 *   secp256k1, Ed448 curves    the same whatever the algorithm (ECIES does not cover them)
 *   ECDH                       private Decrypt|UnwrapKey|KeyAgreement    public Encrypt|WrapKey|KeyAgreement
 *   EC                         both sets (only the ECDH set for X25519 and Ristretto255, which cannot sign)
 */
import { KmipError, fail } from "../../kmip/error.ts";
import type { Attributes } from "../../kmip/attributes.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import { wipe } from "../../crypto/bytes.ts";
import type { KeyPairGenerator } from "../scheme.ts";
import { USAGE } from "../common/keys.ts";
import { isEciesKeyType } from "../../crypto/ecies/ecies.ts";
import { CURVES, generate, keyTypeOfCurve, type EcKeyType } from "./curves.ts";
import { bytesToD } from "./key-material.ts";

const SIGN = { privateKey: USAGE.Sign, publicKey: USAGE.Verify };
const ENCRYPT = {
  privateKey: USAGE.Decrypt | USAGE.UnwrapKey | USAGE.KeyAgreement,
  publicKey: USAGE.Encrypt | USAGE.WrapKey | USAGE.KeyAgreement,
};

function curveOf(a: Attributes): string | undefined {
  const c = (a.CryptographicDomainParameters as KmipRecord | undefined)?.RecommendedCurve;
  return typeof c === "string" ? c : undefined;
}

/** The key type a request asks for. */
export function requestedKeyType(algorithm: string, privateIn: Attributes, publicIn: Attributes): EcKeyType {
  const asked = [curveOf(privateIn), curveOf(publicIn)].filter((c): c is string => c !== undefined);
  if (asked.length === 2 && asked[0] !== asked[1]) {
    fail(
      "Invalid_Field",
      `CreateKeyPair: the private and public key attributes name different curves (${asked[0]}, ${asked[1]})`,
    );
  }
  const curve =
    asked[0] ??
    (algorithm === "Ed25519"
      ? "CURVEED25519"
      : algorithm === "Ed448"
        ? "CURVEED448"
        : algorithm === "ECDSA"
          ? "P256"
          : "CURVE25519");
  const type = keyTypeOfCurve(curve);
  if (!type)
    throw new KmipError(
      "Operation_Not_Supported",
      `CreateKeyPair: key pairs on the curve ${curve} are not supported (use CURVE25519, CURVEED25519, CURVEED448, P256, P384, P521, SECP256K1 or RISTRETTO255)`,
    );
  if ((algorithm === "Ed25519" || algorithm === "Ed448") && type !== algorithm) {
    fail(
      "Invalid_Attribute_Value",
      `CreateKeyPair: the ${algorithm} algorithm needs the ${CURVES[algorithm].curve} curve, not ${curve}`,
    );
  }
  if (algorithm === "ECDSA" && !CURVES[type].canSign) {
    fail(
      "Invalid_Attribute_Value",
      `CreateKeyPair: ${type} keys cannot sign; use ECDSA with P256, P384 or P521, or the Ed25519 algorithm`,
    );
  }
  return type;
}

function defaultMasks(algorithm: string, type: EcKeyType): { privateKey: number; publicKey: number } {
  if (algorithm === "ECDSA" || algorithm === "Ed25519" || algorithm === "Ed448" || !isEciesKeyType(type)) return SIGN;
  if (algorithm === "ECDH" || !CURVES[type].canSign) return ENCRYPT;
  return { privateKey: SIGN.privateKey | ENCRYPT.privateKey, publicKey: SIGN.publicKey | ENCRYPT.publicKey };
}

/** The CryptographicAlgorithm values of elliptic-curve key pairs. */
export const EC_ALGORITHMS = ["EC", "ECDH", "ECDSA", "Ed25519", "Ed448"] as const;

export const generateEcKeyPair: KeyPairGenerator = async (_req, { privateKey: privateIn, publicKey: publicIn }) => {
  const algorithm = (privateIn.CryptographicAlgorithm ?? publicIn.CryptographicAlgorithm)!;
  const type = requestedKeyType(algorithm, privateIn, publicIn);
  const { curve, bits } = CURVES[type];
  const masks = defaultMasks(algorithm, type);
  const pair = generate(type);
  const d = bytesToD(type, pair.privateKey);
  wipe(pair.privateKey);

  const common = {
    CryptographicAlgorithm: algorithm,
    CryptographicLength: bits,
    CryptographicDomainParameters: { RecommendedCurve: curve, Qlength: bits },
  };
  const block = (format: string, material: KmipRecord) => ({
    KeyBlock: {
      KeyFormatType: format,
      KeyValue: { KeyMaterial: material },
      CryptographicAlgorithm: algorithm,
      CryptographicLength: bits,
    },
  });
  return {
    privateKey: {
      object: block("TransparentECPrivateKey", { RecommendedCurve: curve, D: d }),
      attributes: {
        ...common,
        KeyFormatType: "TransparentECPrivateKey",
        CryptographicUsageMask: privateIn.CryptographicUsageMask ?? masks.privateKey,
      },
    },
    publicKey: {
      object: block("TransparentECPublicKey", { RecommendedCurve: curve, QString: pair.publicKey }),
      attributes: {
        ...common,
        KeyFormatType: "TransparentECPublicKey",
        CryptographicUsageMask: publicIn.CryptographicUsageMask ?? masks.publicKey,
        // `Sensitive` in the common attributes is meant for the private key: a public key is public.
        ...(publicIn.Sensitive ? { Sensitive: false } : {}),
      },
    },
  };
};
