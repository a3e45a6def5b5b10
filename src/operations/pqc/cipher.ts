/**
 * ML-KEM through Encrypt / Decrypt, as the Cosmian KMS serves it
 * (Cosmian crate/crypto/src/crypto/pqc/ml_kem.rs):
 *   Encrypt on the public key   = encapsulation: response Data = the 32-byte shared secret,
 *                                 IVCounterNonce = the encapsulation ciphertext (request Data ignored)
 *   Decrypt on the private key  = decapsulation: request Data = the ciphertext, response Data =
 *                                 the shared secret (a wrong ciphertext gives ML-KEM's implicit
 *                                 rejection secret, not an error: FIPS 203 §7.3)
 * A ciphertext of the wrong length, or a malformed key -> Invalid_Field.
 */
import { KmipError } from "../../kmip/error.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import * as pqc from "../../crypto/pqc.ts";
import { wipe } from "../../crypto/bytes.ts";
import type { Cipher } from "../scheme.ts";
import { cryptoError } from "../common/symmetric.ts";
import { publicOf, requirePqcKey, pqcAlgorithmOfObject } from "./key-material.ts";

export const mlKemCipher: Cipher = {
  handles(key, _req, op) {
    if (key.objectType !== (op === "Encrypt" ? "PublicKey" : "PrivateKey")) return false;
    const a = pqcAlgorithmOfObject(key);
    return a !== undefined && pqc.isKem(a);
  },
  async encrypt(key, req): Promise<KmipRecord> {
    const k = requirePqcKey(key);
    let e: pqc.Encapsulation;
    try {
      e = pqc.encapsulate(k.algorithm as pqc.KemAlgorithm, publicOf(k));
    } catch (err) {
      throw cryptoError("Encrypt", err);
    }
    return {
      UniqueIdentifier: key.id,
      Data: e.sharedSecret,
      IVCounterNonce: e.cipherText,
      ...(req.CorrelationValue ? { CorrelationValue: req.CorrelationValue } : {}),
    };
  },
  async decrypt(key, req): Promise<KmipRecord> {
    if (!req.Data)
      throw new KmipError("Invalid_Message", "Decrypt: Data (the ML-KEM encapsulation ciphertext) is missing");
    const k = requirePqcKey(key);
    try {
      const sharedSecret = pqc.decapsulate(k.algorithm as pqc.KemAlgorithm, k.secretKey!, req.Data);
      return {
        UniqueIdentifier: key.id,
        Data: sharedSecret,
        ...(req.CorrelationValue ? { CorrelationValue: req.CorrelationValue } : {}),
      };
    } catch (err) {
      throw cryptoError("Decrypt", err);
    } finally {
      wipe(k.secretKey, k.seed);
    }
  },
};
