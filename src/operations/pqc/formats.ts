/**
 * Get/Export format conversion and Import validation for post-quantum keys (formats in
 * key-material.ts). Without a KeyFormatType, or with the stored one, the key comes back as stored
 * (PKCS#8 / SPKI DER for created keys). Import: post-quantum key blocks (PKCS8 / X509 naming a PQC
 * OID, or Raw with a PQC algorithm) are parsed, refused with Invalid_Field when malformed, and
 * stored as given; DER sent as `{ByteString}` is stored as plain bytes (as ec/formats.ts does).
 */
import type { Attributes } from "../../kmip/attributes.ts";
import type { KeyBlock } from "../../kmip/objects.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import { wipe } from "../../crypto/bytes.ts";
import type { KeyFormats } from "../scheme.ts";
import { convertAsymmetricKey } from "../common/key-conversion.ts";
import { pqcKeyOfObject, privateKeyMaterial, publicKeyMaterial, readPqcKey, type PqcKey } from "./key-material.ts";

const PQC_CODEC = { read: pqcKeyOfObject, privateMaterial: privateKeyMaterial, publicMaterial: publicKeyMaterial };

function importPqcKey(kb: KeyBlock, attrs: Attributes): void {
  if (!kb.KeyValue || kb.KeyWrappingData || kb.KeyValue instanceof Uint8Array) return;
  const m = kb.KeyValue.KeyMaterial as KmipRecord;
  let k: PqcKey | undefined;
  if (attrs.ObjectType === "PrivateKey") k = readPqcKey(kb, true, attrs);
  else if (attrs.ObjectType === "PublicKey" || kb.KeyFormatType === "X509") k = readPqcKey(kb, false, attrs);
  else {
    try {
      k = readPqcKey(kb, true, attrs);
    } catch {
      k = readPqcKey(kb, false, attrs);
    }
  }
  if (!k) return;
  wipe(k.secretKey, k.seed); // parsed only to validate it
  if (!(m instanceof Uint8Array) && m.ByteString instanceof Uint8Array && Object.keys(m).length === 1) {
    kb.KeyValue = { ...kb.KeyValue, KeyMaterial: m.ByteString };
  }
}

export const pqcFormats: KeyFormats = {
  exportKey: (o, kb, format) => convertAsymmetricKey(PQC_CODEC, o, kb, format),
  importKey: importPqcKey,
};
