/**
 * FF1 format-preserving encryption in the KMS (GitHub issue 5, part 2; fpe-ecies.md §1.7,
 * cosmian-kms-server.md §3 and §8). Registers, at import time, the FPE_FF1 Encrypt/Decrypt scheme
 * (cipher.ts). Create of a 256-bit FPE_FF1 SymmetricKey, with Cosmian's `fpe-ff1` tag, is done by
 * operations/create.ts. The cryptography is src/crypto/ff1/ (FF1 with 18 rounds, as cloudproof_js).
 */
import { cipherSchemes } from "../common/hooks.ts";
import { fpeScheme } from "./cipher.ts";

cipherSchemes.push(fpeScheme);
