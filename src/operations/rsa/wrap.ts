/**
 * Key wrapping with RSA keys (Cosmian
 * crate/crypto/src/crypto/wrap/{wrap_key,common}.rs): Get/Export with a KeyWrappingSpecification
 * naming an RSA public key, private key (its public half) or certificate encrypts the key material
 * with the scheme its CryptographicParameters choose (params.ts): OAEP (default, SHA-256), None =
 * CKM_RSA_AES_KEY_WRAP (any length: use it for private keys, too long for plain OAEP), PKCS1v15.
 * The parameters are written in KeyWrappingData, so Import with KeyWrapType NotWrapped finds the
 * private key (following the links from a public key or certificate) and the scheme again.
 *
 * Usage masks, when set: wrapping needs WrapKey or Encrypt, unwrapping UnwrapKey or Decrypt.
 */
import { KmipError } from "../../kmip/error.ts";
import { maskAllows, USAGE } from "../common/keys.ts";
import type { KeyWrapper } from "../scheme.ts";
import { privateKeyFor } from "../ec/certificates.ts";
import { rsaDecrypt, rsaEncrypt } from "./cipher.ts";
import { certificateRsaKey, privateRsaKey, publicRsaKey, tryRsaKeyOfObject } from "./key-material.ts";

export const rsaWrapper: KeyWrapper = {
  handles(k) {
    if (k.objectType === "Certificate") return certificateRsaKey(k) !== undefined;
    return (k.objectType === "PublicKey" || k.objectType === "PrivateKey") && tryRsaKeyOfObject(k) !== undefined;
  },
  async wrap(k, plaintext, _ctx, params) {
    if (!maskAllows(k.attributes.CryptographicUsageMask, USAGE.WrapKey | USAGE.Encrypt)) {
      throw new KmipError(
        "Incompatible_Cryptographic_Usage_Mask",
        `key wrapping: the usage mask of ${k.id} does not allow WrapKey`,
      );
    }
    try {
      return rsaEncrypt(publicRsaKey(k), plaintext, params, "Wrap");
    } catch (e) {
      if (e instanceof KmipError && e.reason === "Invalid_Field" && /data too large/.test(e.message)) {
        throw new KmipError(
          "Invalid_Field",
          `${e.message}; wrap keys this long with PaddingMethod None (CKM_RSA_AES_KEY_WRAP)`,
          "client",
          { cause: e },
        );
      }
      throw e;
    }
  },
  async unwrapKeyFor(k, ctx) {
    return privateKeyFor(ctx, k, "decrypt");
  },
  async unwrap(k, ciphertext, _ctx, params) {
    if (!maskAllows(k.attributes.CryptographicUsageMask, USAGE.UnwrapKey | USAGE.Decrypt)) {
      throw new KmipError(
        "Incompatible_Cryptographic_Usage_Mask",
        `key unwrapping: the usage mask of ${k.id} does not allow UnwrapKey`,
      );
    }
    return rsaDecrypt(privateRsaKey(k), ciphertext, params, "Unwrap");
  },
};
