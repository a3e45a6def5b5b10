/**
 * CreateKeyPair and ReKeyKeyPair for post-quantum key pairs (Cosmian
 * crate/crypto/src/crypto/pqc/{ml_kem,ml_dsa,slh_dsa,mod}.rs): CryptographicAlgorithm MLKEM_512/768/1024,
 * MLDSA_44/65/87 or SLHDSA_*; nothing else is needed (no length, no curve).
 *
 * Stored as the KMS stores them: KeyFormatType PKCS8 on both halves, the private key a PKCS#8 DER
 * (ML-KEM / ML-DSA in the seed + expanded key form OpenSSL writes), the public key a
 * SubjectPublicKeyInfo DER. CryptographicLength as OpenSSL's EVP_PKEY_bits reports it: ML-KEM
 * 512/768/1024, ML-DSA and SLH-DSA 8 × the public key length.
 * Usage masks, unless the request sets them (as the KMS): ML-KEM Unrestricted on both halves;
 * ML-DSA / SLH-DSA private Sign, public Verify.
 * ReKeyKeyPair: a new pair of the same algorithm through common/rekey-pair.ts.
 */
import * as pqc from "../../crypto/pqc.ts";
import * as der from "../../crypto/key-formats/pqc-der.ts";
import { wipe } from "../../crypto/bytes.ts";
import type { KeyPairGenerator } from "../scheme.ts";
import { USAGE } from "../common/keys.ts";
import { kmipAlgorithm } from "./key-material.ts";
import { runHeavy } from "../common/heavy.ts";

function bits(a: pqc.PqcAlgorithm): number {
  return pqc.isKem(a) ? Number(a.slice("ML-KEM-".length)) : 8 * pqc.lengths(a).publicKey;
}

function generatorFor(a: pqc.PqcAlgorithm): KeyPairGenerator {
  const algorithm = kmipAlgorithm(a);
  const masks = pqc.isKem(a)
    ? { privateKey: USAGE.Unrestricted, publicKey: USAGE.Unrestricted }
    : { privateKey: USAGE.Sign, publicKey: USAGE.Verify };
  return async (_req, { privateKey: privateIn, publicKey: publicIn }) => {
    // ML-KEM takes milliseconds; ML-DSA tens of ms and SLH-DSA up to seconds: those go to a worker
    const pair = pqc.isKem(a) ? pqc.generateKeyPair(a) : await runHeavy("pqcGenerate", a);
    const privateDer = der.privateKeyToPkcs8(a, pair.secretKey, pqc.isSlhDsa(a) ? undefined : pair.seed);
    const publicDer = der.publicKeyToSpki(a, pair.publicKey);
    wipe(pair.secretKey, pair.seed);
    const length = bits(a);
    const block = (material: Uint8Array) => ({
      KeyBlock: {
        KeyFormatType: "PKCS8",
        KeyValue: { KeyMaterial: material },
        CryptographicAlgorithm: algorithm,
        CryptographicLength: length,
      },
    });
    const common = { CryptographicAlgorithm: algorithm, CryptographicLength: length, KeyFormatType: "PKCS8" };
    return {
      privateKey: {
        object: block(privateDer),
        attributes: { ...common, CryptographicUsageMask: privateIn.CryptographicUsageMask ?? masks.privateKey },
      },
      publicKey: {
        object: block(publicDer),
        attributes: {
          ...common,
          CryptographicUsageMask: publicIn.CryptographicUsageMask ?? masks.publicKey,
          // `Sensitive` in the common attributes is meant for the private key: a public key is public.
          ...(publicIn.Sensitive ? { Sensitive: false } : {}),
        },
      },
    };
  };
}

/** The CryptographicAlgorithm values of post-quantum key pairs (MLKEM_512, MLDSA_44, SLHDSA_*...). */
export const PQC_ALGORITHMS: readonly string[] = pqc.ALGORITHMS.map(kmipAlgorithm);

const GENERATORS = new Map(pqc.ALGORITHMS.map((a) => [kmipAlgorithm(a), generatorFor(a)]));

/** Generates a pair of the request's algorithm (one of PQC_ALGORITHMS). */
export const generatePqcKeyPair: KeyPairGenerator = (req, merged, ctx) => {
  const algorithm = (merged.privateKey.CryptographicAlgorithm ?? merged.publicKey.CryptographicAlgorithm)!;
  return GENERATORS.get(algorithm)!(req, merged, ctx);
};
