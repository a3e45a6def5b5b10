/**
 * Get/Export format conversion and Import validation for RSA keys (KMIP 2.1 §2.1.7;
 * Cosmian export_get.rs, formats in key-material.ts).
 *
 * Get/Export: without a KeyFormatType, or with the stored one, the key comes back as stored (an
 * imported PKCS#8 key byte for byte, which the JS client's round trips need; a created key as
 * TransparentRSA*). Cosmian 5.x answers PKCS#1 there; ask for PKCS1 to get that. Otherwise:
 *   private key  PKCS1 | PKCS8 | TransparentRSAPrivateKey
 *   public key   PKCS1 | PKCS8 or X509 (both SubjectPublicKeyInfo) | TransparentRSAPublicKey
 * Raw is refused (an RSA key has no raw form; the KMS refuses it too). DER forms travel as a plain
 * ByteString KeyMaterial. With a KeyWrappingSpecification the generic code asks for PKCS8.
 *
 * Import: RSA key blocks (TransparentRSA*, PKCS1, PKCS8 / X509 naming rsaEncryption) are parsed and
 * private keys checked for consistency (refused with Invalid_Field when malformed); they are then
 * stored as given. Other keys pass untouched.
 */
import type { Attributes } from "../../kmip/attributes.ts";
import type { KeyBlock } from "../../kmip/objects.ts";
import { KmipError } from "../../kmip/error.ts";
import * as rsa from "../../crypto/rsa.ts";
import type { KeyFormats } from "../scheme.ts";
import { convertAsymmetricKey } from "../common/key-conversion.ts";
import { privateKeyMaterial, publicKeyMaterial, readRsaKey, rsaKeyOfObject, type RsaKey } from "./key-material.ts";

const RSA_CODEC = {
  read: rsaKeyOfObject,
  privateMaterial: (k: RsaKey, format: string) => privateKeyMaterial(k.privateKey!, format),
  publicMaterial: (k: RsaKey, format: string) => publicKeyMaterial(k.publicKey, format),
};

const PRIVATE_ONLY = new Set(["TransparentRSAPrivateKey"]);

function importRsaKey(kb: KeyBlock, attrs: Attributes): void {
  if (!kb.KeyValue || kb.KeyWrappingData || kb.KeyValue instanceof Uint8Array) return;
  let k: RsaKey | undefined;
  if (PRIVATE_ONLY.has(kb.KeyFormatType) || attrs.ObjectType === "PrivateKey") k = readRsaKey(kb, true);
  else if (
    attrs.ObjectType === "PublicKey" ||
    kb.KeyFormatType === "TransparentRSAPublicKey" ||
    kb.KeyFormatType === "X509"
  )
    k = readRsaKey(kb, false);
  else {
    // The object type is not known here: a private key encoding, else a public one.
    try {
      k = readRsaKey(kb, true);
    } catch {
      k = readRsaKey(kb, false);
    }
  }
  if (!k?.privateKey) return;
  try {
    rsa.validatePrivateKey(k.privateKey);
  } catch (e) {
    throw new KmipError("Invalid_Field", `Import: ${(e as Error).message}`, "client", { cause: e });
  }
}

export const rsaFormats: KeyFormats = {
  exportKey: (o, kb, format) => convertAsymmetricKey(RSA_CODEC, o, kb, format),
  importKey: importRsaKey,
};
