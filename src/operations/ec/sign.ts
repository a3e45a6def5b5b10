/**
 * Sign / SignatureVerify with elliptic-curve keys (KMIP 2.1 §6.1.46 / §6.1.47; the Cosmian KMS's
 * sign and signature_verify operations): Ed25519, Ed448 and ECDSA (signature.ts for the
 * algorithms and defaults). The operations (operations/sign.ts, signature-verify.ts) check the
 * key's type, state and usage mask and handle streaming. CryptographicParameters: the request's
 * when they name an algorithm or hash, else those stored on the key.
 *
 * Claimed: EC private and public keys, certificates holding an EC key, and keys in an EC format
 * whose bytes are malformed (so that the client learns why: Invalid_Field). Verification takes a
 * public key, a private key (its public half) or a certificate.
 */
import { KmipError } from "../../kmip/error.ts";
import type { CryptographicParameters } from "../../kmip/attributes.ts";
import type { StoredObject } from "../../store/store.ts";
import { wipe } from "../../crypto/bytes.ts";
import type { Signer } from "../scheme.ts";
import { certificateKind, certificatePublicKey, privateEcKey } from "./certificates.ts";
import { publicEcKey } from "./cipher.ts";
import * as signature from "./signature.ts";
import { ecKeyOfObject, publicOf, type EcKey } from "./key-material.ts";

/** The request's parameters when they name an algorithm or hash, else the key's stored ones. */
function parameters(p: CryptographicParameters | undefined, o: StoredObject): CryptographicParameters | undefined {
  if (p?.DigitalSignatureAlgorithm !== undefined || p?.HashingAlgorithm !== undefined) return p;
  return o.attributes.CryptographicParameters ?? p;
}

function verificationKey(o: StoredObject): EcKey {
  if (o.objectType === "Certificate") return certificatePublicKey(o);
  if (o.objectType === "PrivateKey") {
    const k = privateEcKey(o);
    const publicKey = publicOf(k);
    wipe(k.privateKey);
    return { type: k.type, publicKey };
  }
  return publicEcKey(o);
}

function isEcLike(o: StoredObject): boolean {
  if (o.objectType === "Certificate") return certificateKind(o) !== "other";
  try {
    return ecKeyOfObject(o) !== undefined;
  } catch (e) {
    return e instanceof KmipError; // an EC key with malformed bytes
  }
}

export const ecSigner: Signer = {
  handles: isEcLike,
  sign(o, data, prehashed, params) {
    const key = privateEcKey(o);
    try {
      return signature.sign(key, data, prehashed, parameters(params, o));
    } finally {
      wipe(key.privateKey);
    }
  },
  verify(o, data, sig, prehashed, params) {
    return signature.verify(verificationKey(o), data, sig, prehashed, parameters(params, o));
  },
};
