/**
 * Sign / SignatureVerify with ML-DSA and SLH-DSA keys (cosmian-kms-server.md §3; Cosmian
 * crate/server/src/core/operations/sign.rs and crypto/pqc/ml_dsa.rs): pure signatures with an
 * empty context over Data, or over DigestedData taken as the message (as the KMS does), hedged as
 * OpenSSL signs. CryptographicParameters do not apply and are ignored. The operation itself (key
 * type, state, usage mask, streaming) is ec/sign.ts; this registers the scheme it consults.
 * Verification takes the public key or the private key (its public half).
 */
import * as pqc from "../../crypto/pqc.ts";
import { wipe } from "../../crypto/bytes.ts";
import { signatureSchemes } from "../_hooks.ts";
import { cryptoError } from "../_symmetric.ts";
import { publicOf, requirePqcKey, pqcAlgorithmOfObject } from "./key-material.ts";

signatureSchemes.push({
  name: "ML-DSA / SLH-DSA",
  handles(key) {
    const a = pqcAlgorithmOfObject(key);
    return a !== undefined && pqc.isSignature(a);
  },
  sign(key, data) {
    const k = requirePqcKey(key);
    try {
      return pqc.sign(k.algorithm as pqc.SignatureAlgorithm, k.secretKey!, data);
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
});
