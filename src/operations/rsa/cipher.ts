/**
 * Encrypt with an RSA public key (or a certificate holding one), Decrypt with the private key
 * (as the Cosmian KMS does it): RSAES-OAEP (default), RSAES-PKCS1-v1_5 (legacy), or
 * CKM_RSA_AES_KEY_WRAP for PaddingMethod None (any data length); parameters in params.ts, from the
 * request, else those stored on the key. Data in = plaintext, Data out = the ciphertext. RSA binds
 * no associated data: a non-empty AuthenticatedEncryptionAdditionalData is refused (an OAEP label
 * goes in PSource). Bad ciphertexts -> Cryptographic_Failure, data too long -> Invalid_Field.
 */
import { KmipError } from "../../kmip/error.ts";
import type { CryptographicParameters } from "../../kmip/attributes.ts";
import type { Decrypt, Encrypt } from "../../kmip/requests.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import type { StoredObject } from "../../store/store.ts";
import * as rsa from "../../crypto/rsa.ts";
import { wipe } from "../../crypto/bytes.ts";
import type { Cipher } from "../scheme.ts";
import { cipherOf } from "./params.ts";
import { certificateRsaKey, privateRsaKey, publicRsaKey, rsaError, tryRsaKeyOfObject } from "./key-material.ts";

export function rsaEncrypt(
  key: rsa.RsaPublicKey,
  data: Uint8Array,
  params: CryptographicParameters | undefined,
  op: string,
): Uint8Array {
  const c = cipherOf(params, op);
  try {
    if (c.kind === "pkcs1v15") return rsa.pkcs1v15Encrypt(key, data);
    if (c.kind === "aes-key-wrap") return rsa.aesKeyWrap(key, data, c.oaep);
    return rsa.oaepEncrypt(key, data, c.oaep);
  } catch (e) {
    throw rsaError(op, e);
  }
}

/** Decrypts, then wipes the private key (callers pass a key read for this call). */
export function rsaDecrypt(
  key: rsa.RsaPrivateKey,
  data: Uint8Array,
  params: CryptographicParameters | undefined,
  op: string,
): Uint8Array {
  const c = cipherOf(params, op);
  try {
    if (c.kind === "pkcs1v15") return rsa.pkcs1v15Decrypt(key, data);
    if (c.kind === "aes-key-wrap") return rsa.aesKeyUnwrap(key, data, c.oaep);
    return rsa.oaepDecrypt(key, data, c.oaep);
  } catch (e) {
    throw rsaError(op, e);
  } finally {
    wipe(key.d, key.p, key.q, key.dp, key.dq, key.qi);
  }
}

const paramsOf = (key: StoredObject, req: Encrypt | Decrypt) =>
  req.CryptographicParameters ?? key.attributes.CryptographicParameters;

function refuseAad(req: Encrypt | Decrypt, op: string): void {
  if (req.AuthenticatedEncryptionAdditionalData?.length) {
    throw new KmipError(
      "Invalid_Field",
      `${op}: RSA encryption binds no associated data; give an OAEP label in CryptographicParameters.PSource instead`,
    );
  }
}

export const rsaCipher: Cipher = {
  handles(key, _req, op) {
    if (op === "Encrypt") {
      if (key.objectType === "Certificate") return certificateRsaKey(key) !== undefined;
      return key.objectType === "PublicKey" && tryRsaKeyOfObject(key) !== undefined;
    }
    return key.objectType === "PrivateKey" && tryRsaKeyOfObject(key)?.privateKey !== undefined;
  },
  async encrypt(key, req): Promise<KmipRecord> {
    refuseAad(req, "Encrypt");
    const data = rsaEncrypt(publicRsaKey(key), req.Data ?? new Uint8Array(0), paramsOf(key, req), "Encrypt");
    return {
      UniqueIdentifier: key.id,
      Data: data,
      ...(req.CorrelationValue ? { CorrelationValue: req.CorrelationValue } : {}),
    };
  },
  async decrypt(key, req): Promise<KmipRecord> {
    refuseAad(req, "Decrypt");
    if (!req.Data) throw new KmipError("Invalid_Message", "Decrypt: Data (the RSA ciphertext) is missing");
    const data = rsaDecrypt(privateRsaKey(key), req.Data, paramsOf(key, req), "Decrypt");
    return {
      UniqueIdentifier: key.id,
      Data: data,
      ...(req.CorrelationValue ? { CorrelationValue: req.CorrelationValue } : {}),
    };
  },
};
