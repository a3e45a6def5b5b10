/**
 * Get/Export format conversion and Import validation for post-quantum keys (formats in
 * key-material.ts). Without a KeyFormatType, or with the stored one, the key comes back as stored
 * (PKCS#8 / SPKI DER for created keys). Import: post-quantum key blocks (PKCS8 / X509 naming a PQC
 * OID, or Raw with a PQC algorithm) are parsed, refused with Invalid_Field when malformed, and
 * stored as given; DER sent as `{ByteString}` is stored as plain bytes (as ec/formats.ts does).
 */
import type { Attributes } from "../../kmip/attributes.ts";
import type { KeyBlock } from "../../kmip/objects.ts";
import type { StoredObject } from "../../store/store.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import { wipe } from "../../crypto/bytes.ts";
import type { KeyFormats } from "../scheme.ts";
import { pqcKeyOfObject, privateKeyMaterial, publicKeyMaterial, readPqcKey, type PqcKey } from "./key-material.ts";

function exportPqcKey(o: StoredObject, kb: KeyBlock, format: string | undefined): KeyBlock | undefined {
  if (format === undefined || format === kb.KeyFormatType) return undefined;
  if (o.objectType !== "PrivateKey" && o.objectType !== "PublicKey") return undefined;
  const k = pqcKeyOfObject({ ...o, object: { ...o.object, KeyBlock: kb } });
  if (!k) return undefined;
  const material = o.objectType === "PrivateKey" ? privateKeyMaterial(k, format) : publicKeyMaterial(k, format);
  const { KeyCompressionType: _, ...rest } = kb;
  return { ...rest, KeyFormatType: format, KeyValue: { KeyMaterial: material } } as KeyBlock;
}

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

export const pqcFormats: KeyFormats = { exportKey: exportPqcKey, importKey: importPqcKey };
