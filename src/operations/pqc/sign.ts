/**
 * Sign / SignatureVerify with ML-DSA and SLH-DSA keys (as the Cosmian KMS:
 * crate/server/src/core/operations/sign.rs and crypto/pqc/ml_dsa.rs): pure signatures with an
 * empty context over Data, or over DigestedData taken as the message (as the KMS does), hedged as
 * OpenSSL signs. CryptographicParameters do not apply and are ignored. The operation itself (key
 * type, state, usage mask, streaming) is operations/sign.ts and signature-verify.ts.
 * Verification takes the public key or the private key (its public half).
 */
import * as pqc from "../../crypto/pqc.ts";
import { wipe } from "../../crypto/bytes.ts";
import type { Signer } from "../scheme.ts";
import { cryptoError } from "../common/symmetric.ts";
import { publicOf, requirePqcKey, pqcAlgorithmOfObject } from "./key-material.ts";
import { runHeavy } from "../common/heavy.ts";

export const pqcSigner: Signer = {
  handles(key) {
    const a = pqcAlgorithmOfObject(key);
    return a !== undefined && pqc.isSignature(a);
  },
  async sign(key, data) {
    const k = requirePqcKey(key);
    const algorithm = k.algorithm as pqc.SignatureAlgorithm;
    try {
      // ML-DSA takes 0.1-0.3 s and SLH-DSA up to 40 s: always on a worker thread (the task wipes its copy)
      return await runHeavy("pqcSign", algorithm, k.secretKey!.slice(), data);
    } catch (e) {
      throw cryptoError("Sign", e);
    } finally {
      wipe(k.secretKey, k.seed);
    }
  },
  verify(key, data, signature) {
    const k = requirePqcKey(key);
    const publicKey = publicOf(k);
    wipe(k.secretKey, k.seed);
    try {
      return pqc.verify(k.algorithm as pqc.SignatureAlgorithm, publicKey, data, signature);
    } catch (e) {
      throw cryptoError("SignatureVerify", e);
    }
  },
};
