/**
 * Get/Export format conversion and Import validation for elliptic-curve keys (KMIP 2.1 §2.1.7,
 * as cloudproof_kms_js 4.0.0 reads them; formats listed in key-material.ts).
 *
 * Get/Export: without a KeyFormatType, or with the stored one, the key comes back as stored (an
 * imported PKCS#8 / SEC1 key byte for byte; a created key as TransparentEC*, like the KMS).
 * Otherwise:
 *   private key  Raw | PKCS8 | ECPrivateKey (NIST curves) | TransparentECPrivateKey
 *   public key   Raw (NIST: uncompressed point) | PKCS8 or X509 (both SubjectPublicKeyInfo DER) |
 *                TransparentECPublicKey (NIST: compressed point, as the KMS stores it)
 * DER and raw forms travel as a plain ByteString KeyMaterial: the only form the JS client parses
 * for PKCS8 / ECPrivateKey / X509 (docs/wire-dialects.md). Ristretto255 has no DER encoding.
 *
 * Import: DER key material sent as `{ByteString}` is stored as plain bytes (same bytes; the form
 * the KMS and the JS client use). EC key blocks are parsed (DER structure, curve points, scalar ranges) and refused with
 * Invalid_Field when malformed; they are then stored as given. The curve is recorded in
 * CryptographicDomainParameters when the request did not say it. Keys of other algorithms (RSA,
 * X448, CoverCrypt...) pass untouched.
 */
import type { Attributes } from "../../kmip/attributes.ts";
import type { KeyBlock } from "../../kmip/objects.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import { wipe } from "../../crypto/bytes.ts";
import type { KeyFormats } from "../scheme.ts";
import { convertAsymmetricKey } from "../common/key-conversion.ts";
import { CURVES } from "./curves.ts";
import { ecKeyOfObject, privateKeyMaterial, publicKeyMaterial, readEcKey, type EcKey } from "./key-material.ts";

const EC_CODEC = { read: ecKeyOfObject, privateMaterial: privateKeyMaterial, publicMaterial: publicKeyMaterial };

const PRIVATE_FORMATS = new Set(["TransparentECPrivateKey", "ECPrivateKey"]);
const PUBLIC_FORMATS = new Set(["TransparentECPublicKey", "X509"]);

const DER_FORMATS = new Set(["PKCS8", "PKCS1", "ECPrivateKey", "X509"]);

function importEcKey(kb: KeyBlock, attrs: Attributes): void {
  if (!kb.KeyValue || kb.KeyWrappingData || kb.KeyValue instanceof Uint8Array) return;
  // DER key material arrives as `{ByteString}` from the JS client's importPrivateKey; the KMS
  // returns it as a plain ByteString, the only form that client reads back for DER formats.
  const m = kb.KeyValue.KeyMaterial as KmipRecord;
  if (
    DER_FORMATS.has(kb.KeyFormatType) &&
    !(m instanceof Uint8Array) &&
    m.ByteString instanceof Uint8Array &&
    Object.keys(m).length === 1
  ) {
    kb.KeyValue = { ...kb.KeyValue, KeyMaterial: m.ByteString };
  }
  const declared = attrs.ObjectType;
  let k: EcKey | undefined;
  if (PRIVATE_FORMATS.has(kb.KeyFormatType) || declared === "PrivateKey") k = readEcKey(kb, true, attrs);
  else if (PUBLIC_FORMATS.has(kb.KeyFormatType) || declared === "PublicKey") k = readEcKey(kb, false, attrs);
  else if (kb.KeyFormatType === "PKCS8") {
    // The object type is not known here (importKey may omit it): PKCS#8, else SubjectPublicKeyInfo.
    try {
      k = readEcKey(kb, true, attrs);
    } catch {
      k = readEcKey(kb, false, attrs);
    }
  }
  if (!k) return;
  wipe(k.privateKey); // parsed only to validate it
  const params = (attrs.CryptographicDomainParameters ?? {}) as KmipRecord;
  if (params.RecommendedCurve === undefined)
    attrs.CryptographicDomainParameters = { ...params, RecommendedCurve: CURVES[k.type].curve };
}

export const ecFormats: KeyFormats = {
  exportKey: (o, kb, format) => convertAsymmetricKey(EC_CODEC, o, kb, format),
  importKey: importEcKey,
};
