/**
 * Encrypt with an elliptic-curve public key (or a certificate), Decrypt with the private key,
 * through src/crypto/ecies/ecies.ts (the schemes and where they were checked: docs/ecies.md):
 *   X25519, Ed25519 (converted to X25519)  libsodium sealed box, as the KMS and cloudproof_js
 *   P-256 / P-384 / P-521                  the KMS's ECIES (SHAKE + AES-GCM); no empty message
 *   Ristretto255                           crypto_core's EciesR25519Aes128 (AAD authenticated)
 *   secp256k1, Ed448                       none: signature keys only (Operation_Not_Supported)
 * Data in = plaintext, Data out = the whole ciphertext (no separate IV or tag, as the KMS).
 * AuthenticatedEncryptionAdditionalData is authenticated by Ristretto255 only; the other schemes
 * cannot bind it, so a non-empty one is refused rather than silently ignored (the KMS ignores it).
 * Wrong key, modified or truncated ciphertext -> Cryptographic_Failure; a request the scheme
 * cannot serve (AAD, an empty message on a NIST curve) -> Invalid_Field.
 */
import { KmipError } from "../../kmip/error.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import * as ecies from "../../crypto/ecies/ecies.ts";
import { wipe } from "../../crypto/bytes.ts";
import { EciesError } from "../../crypto/ecies/errors.ts";
import type { Cipher } from "../scheme.ts";
import { certificatePublicKey, privateEcKey, tryCertificatePublicKey } from "./certificates.ts";
import { ecKeyOfObject, publicOf, tryEcKeyOfObject, type EcKey } from "./key-material.ts";
import type { StoredObject } from "../../store/store.ts";

/** EciesError -> KmipError (messages from the ECIES modules carry no key material). */
export function eciesError(op: string, e: unknown): KmipError {
  if (e instanceof KmipError) return e;
  if (e instanceof EciesError) {
    if (e.code === "UNSUPPORTED" || e.code === "EMPTY_PLAINTEXT")
      return new KmipError("Invalid_Field", `${op}: ${e.message}`, "client", { cause: e });
    return new KmipError("Cryptographic_Failure", `${op}: ${e.message}`, "client", { cause: e });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new KmipError("Cryptographic_Failure", `${op}: ${message}`, "client", { cause: e });
}

/** The public EC key of a public key or certificate object. */
export function publicEcKey(o: StoredObject): EcKey {
  if (o.objectType === "Certificate") return certificatePublicKey(o);
  const k = ecKeyOfObject(o);
  if (!k)
    throw new KmipError("Operation_Not_Supported", `the key ${o.id} is not an elliptic-curve key this server can use`);
  return k;
}

function eciesType(k: EcKey, op: string): ecies.EciesKeyType {
  if (!ecies.isEciesKeyType(k.type))
    throw new KmipError("Operation_Not_Supported", `${op}: ${k.type} keys only sign; they cannot encrypt`);
  return k.type;
}

export function eciesEncrypt(k: EcKey, plaintext: Uint8Array, aad: Uint8Array | undefined, op: string): Uint8Array {
  try {
    return ecies.encrypt(eciesType(k, op), publicOf(k), plaintext, aad);
  } catch (e) {
    throw eciesError(op, e);
  }
}

/** Decrypts with `k`'s private key, then wipes that key (callers pass a key read for this call). */
export function eciesDecrypt(k: EcKey, ciphertext: Uint8Array, aad: Uint8Array | undefined, op: string): Uint8Array {
  try {
    return ecies.decrypt(eciesType(k, op), k.privateKey!, ciphertext, aad);
  } catch (e) {
    throw eciesError(op, e);
  } finally {
    wipe(k.privateKey);
  }
}

export const eciesCipher: Cipher = {
  handles(key, _req, op) {
    if (op === "Encrypt") {
      if (key.objectType === "Certificate") return tryCertificatePublicKey(key) !== undefined;
      return key.objectType === "PublicKey" && ecies.isEciesKeyType(tryEcKeyOfObject(key)?.type);
    }
    return key.objectType === "PrivateKey" && ecies.isEciesKeyType(tryEcKeyOfObject(key)?.type);
  },
  async encrypt(key, req): Promise<KmipRecord> {
    const data = req.Data ?? new Uint8Array(0);
    const ciphertext = eciesEncrypt(publicEcKey(key), data, req.AuthenticatedEncryptionAdditionalData, "Encrypt");
    return {
      UniqueIdentifier: key.id,
      Data: ciphertext,
      ...(req.CorrelationValue ? { CorrelationValue: req.CorrelationValue } : {}),
    };
  },
  async decrypt(key, req): Promise<KmipRecord> {
    if (!req.Data) throw new KmipError("Invalid_Message", "Decrypt: Data (the ECIES ciphertext) is missing");
    const plaintext = eciesDecrypt(privateEcKey(key), req.Data, req.AuthenticatedEncryptionAdditionalData, "Decrypt");
    return {
      UniqueIdentifier: key.id,
      Data: plaintext,
      ...(req.CorrelationValue ? { CorrelationValue: req.CorrelationValue } : {}),
    };
  },
};
