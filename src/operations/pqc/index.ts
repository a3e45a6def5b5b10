/**
 * Post-quantum key pairs in the KMS (primitives in src/crypto/pqc.ts and src/crypto/key-formats/pqc-der.ts):
 *  - keyPairs: CreateKeyPair and ReKeyKeyPair for ML-KEM, ML-DSA and SLH-DSA   -> generate.ts
 *  - cipher:   ML-KEM encapsulation / decapsulation through Encrypt / Decrypt  -> cipher.ts
 *  - signer:   ML-DSA / SLH-DSA Sign and SignatureVerify                       -> sign.ts
 *  - formats:  Get/Export format conversion and Import validation             -> formats.ts
 */
import { rotateWith } from "../common/rekey-pair.ts";
import type { Scheme } from "../scheme.ts";
import { PQC_ALGORITHMS, generatePqcKeyPair } from "./generate.ts";
import { mlKemCipher } from "./cipher.ts";
import { pqcSigner } from "./sign.ts";
import { pqcFormats } from "./formats.ts";

export const pqc: Scheme = {
  name: "Post-quantum (ML-KEM, ML-DSA, SLH-DSA)",
  keyPairs: { algorithms: PQC_ALGORITHMS, generate: generatePqcKeyPair, rekey: rotateWith(generatePqcKeyPair) },
  cipher: mlKemCipher,
  signer: pqcSigner,
  formats: pqcFormats,
};
