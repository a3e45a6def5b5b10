/**
 * FF1 format-preserving encryption in the KMS: Encrypt/Decrypt with FPE_FF1 keys, or with any
 * symmetric key whose request names FPE_FF1 (cipher.ts). Create of a 256-bit FPE_FF1 SymmetricKey,
 * with Cosmian's `fpe-ff1` tag, is done by the symmetric scheme. The cryptography is src/crypto/ff1/
 * (FF1 with 18 rounds, as cloudproof_js).
 */
import type { Scheme } from "../scheme.ts";
import { fpeCipher } from "./cipher.ts";

export const fpe: Scheme = { name: "FPE_FF1", cipher: fpeCipher };
