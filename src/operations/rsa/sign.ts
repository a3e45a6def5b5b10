/**
 * Sign / SignatureVerify with RSA keys (KMIP 2.1 §6.1.46 / §6.1.47, as the Cosmian KMS):
 * RSASSA-PSS (the default) and RSASSA-PKCS1-v1_5, on Data or on DigestedData, chosen from the
 * CryptographicParameters as params.ts explains (the request's, else those stored on the key).
 * The operations (operations/sign.ts, signature-verify.ts) check the key type, state and usage mask
 * and handle streaming. Verification takes a public key, a private key or a certificate.
 */
import type { CryptographicParameters } from "../../kmip/attributes.ts";
import type { StoredObject } from "../../store/store.ts";
import * as rsa from "../../crypto/rsa.ts";
import { wipe } from "../../crypto/bytes.ts";
import type { Signer } from "../scheme.ts";
import { signatureOf } from "./params.ts";
import { certificateRsaKey, privateRsaKey, publicRsaKey, rsaError, tryRsaKeyOfObject } from "./key-material.ts";

const paramsOf = (key: StoredObject, p: CryptographicParameters | undefined) =>
  p ?? key.attributes.CryptographicParameters;

export const rsaSigner: Signer = {
  handles(key) {
    if (key.objectType === "Certificate") return certificateRsaKey(key) !== undefined;
    return tryRsaKeyOfObject(key) !== undefined;
  },
  sign(key, data, prehashed, params) {
    const s = signatureOf(paramsOf(key, params), data, prehashed, "Sign");
    const k = privateRsaKey(key);
    try {
      return s.kind === "pss" ? rsa.pssSign(k, data, s.options) : rsa.pkcs1v15Sign(k, data, s.options);
    } catch (e) {
      throw rsaError("Sign", e);
    } finally {
      wipe(k.d, k.p, k.q, k.dp, k.dq, k.qi);
    }
  },
  verify(key, data, signature, prehashed, params) {
    const s = signatureOf(paramsOf(key, params), data, prehashed, "SignatureVerify");
    const k = publicRsaKey(key);
    try {
      return s.kind === "pss"
        ? rsa.pssVerify(k, data, signature, s.options)
        : rsa.pkcs1v15Verify(k, data, signature, s.options);
    } catch (e) {
      throw rsaError("SignatureVerify", e);
    }
  },
};
