/**
 * HSM-resident keys (hsm:: ids): Create makes the key in the HSM; Encrypt / Decrypt and Sign run
 * inside it (keys.ts), and so does wrapping database keys under an HSM AES key (wrap.ts). CreateKeyPair, ReKey and Destroy of hsm:: ids are routed here by their
 * operations (the id, not the algorithm, decides). First in the scheme list (schemes.ts): an hsm:: id is the HSM's
 * whatever its algorithm.
 */
import { KmipError } from "../../kmip/error.ts";
import type { Scheme } from "../scheme.ts";
import { createInHsm, hsmDecrypt, hsmEncrypt, hsmSign, isHsmResident } from "./keys.ts";
import { isHsmUid } from "./uid.ts";
import { hsmKeyWrapper } from "./wrap.ts";

export const hsm: Scheme = {
  name: "HSM (PKCS#11)",
  create: { handles: (req) => isHsmUid(req.Attributes.UniqueIdentifier), create: createInHsm },
  // public keys of HSM pairs encrypt in the HSM too
  cipher: { handles: (key) => isHsmUid(key.id), encrypt: hsmEncrypt, decrypt: hsmDecrypt },
  signer: {
    handles: (key) => isHsmResident(key),
    sign: (key, data, prehashed, params, ctx) => hsmSign(key, data, prehashed, params, ctx),
    verify: (key) => {
      throw new KmipError(
        "Operation_Not_Supported",
        `SignatureVerify: ${key.id} is held in the HSM: verify with its public key (${key.id}_pk)`,
      );
    },
  },
  wrapper: hsmKeyWrapper,
};
