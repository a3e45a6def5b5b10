/**
 * CoverCrypt keys in Import and Get/Export, as cloudproof_kms_js 4.0.0 sends and parses them
 * (docs/covercrypt-format.md, "In the KMS").
 *
 * Import: the client sends KeyMaterial as `{ByteString}` (Cosmian's form) and, for
 * `import…Key({bytes})`, CryptographicLength in bytes; both are accepted. The material is stored
 * as raw bytes so that Get returns it byte for byte. Keys labelled CoverCrypt are checked to be
 * what they claim (a master public key, a master secret key or a user key, per cover_crypt 14's
 * serializations) and their policy attribute must parse. Keys merely carrying a CoverCrypt format
 * without the algorithm are stored as given (Cosmian accepts them; its client test imports a DER
 * private key labelled CoverCryptPublicKey).
 *
 * Get/Export: CoverCryptSecretKey / CoverCryptPublicKey with the KeyMaterial as a plain ByteString
 * (the form every client parses); the generic layer adds KeyValue.Attributes (KeyFormatType, the
 * policy or access-policy vendor attribute, links) and CryptographicLength.
 */
import { KmipError, fail } from "../../kmip/error.ts";
import { vendorAttributeBytes, type Attributes } from "../../kmip/attributes.ts";
import type { KeyBlock, KeyValue } from "../../kmip/objects.ts";
import type { StoredObject } from "../../store/store.ts";
import * as cc from "../../crypto/covercrypt/index.ts";
import { keyMaterialBytes } from "../common/keys.ts";
import { isWrapped } from "../common/wrap.ts";
import {
  ALGORITHM,
  POLICY,
  PUBLIC_FORMAT,
  SECRET_FORMAT,
  accessPolicyBytes,
  isCoverCryptKey,
  parsePolicy,
} from "./keys.ts";

const FORMATS = new Set([SECRET_FORMAT, PUBLIC_FORMAT]);

function parses(parse: (b: Uint8Array) => unknown, bytes: Uint8Array): boolean {
  try {
    parse(bytes);
    return true;
  } catch {
    return false;
  }
}

export function importCoverCryptKey(kb: KeyBlock, attrs: Attributes): void {
  if (!FORMATS.has(kb.KeyFormatType) || !kb.KeyValue || isWrapped(kb)) return;
  const bytes = keyMaterialBytes(kb, attrs.UniqueIdentifier ?? "");
  kb.KeyValue = { ...(kb.KeyValue as KeyValue), KeyMaterial: bytes };
  if ((attrs.CryptographicAlgorithm ?? kb.CryptographicAlgorithm) !== ALGORITHM) return;
  const op = "Import";
  const policyBytes = vendorAttributeBytes(attrs, POLICY);
  if (policyBytes) parsePolicy(policyBytes, op);
  if (attrs.ObjectType && attrs.ObjectType !== (kb.KeyFormatType === PUBLIC_FORMAT ? "PublicKey" : "PrivateKey")) {
    fail("Invalid_Field", `${op}: a ${kb.KeyFormatType} key cannot be a ${attrs.ObjectType}`);
  }
  let ok: boolean;
  let what: string;
  if (kb.KeyFormatType === PUBLIC_FORMAT) {
    what = "master public key";
    ok = parses((b) => cc.serialize.deserializeMasterPublicKey(b), bytes);
  } else if (accessPolicyBytes(attrs)) {
    what = "user decryption key";
    ok = parses((b) => cc.serialize.wipeUserSecretKey(cc.serialize.deserializeUserSecretKey(b)), bytes);
  } else if (policyBytes) {
    what = "master secret key";
    ok = parses((b) => cc.serialize.wipeMasterSecretKey(cc.serialize.deserializeMasterSecretKey(b)), bytes);
  } else {
    what = "master secret key or user decryption key";
    ok =
      parses((b) => cc.serialize.wipeUserSecretKey(cc.serialize.deserializeUserSecretKey(b)), bytes) ||
      parses((b) => cc.serialize.wipeMasterSecretKey(cc.serialize.deserializeMasterSecretKey(b)), bytes);
  }
  if (!ok) throw new KmipError("Invalid_Field", `${op}: the key material is not a valid CoverCrypt ${what}`);
}

/** Get/Export of CoverCrypt keys: their own format only, KeyMaterial as plain bytes. */
export function exportCoverCryptKey(o: StoredObject, kb: KeyBlock, format: string | undefined): KeyBlock | undefined {
  if (!FORMATS.has(kb.KeyFormatType) || !isCoverCryptKey(o)) return undefined;
  if (format !== undefined && format !== kb.KeyFormatType) {
    fail(
      "Key_Format_Type_Not_Supported",
      `the CoverCrypt key ${o.id} can only be exported as ${kb.KeyFormatType}, not ${format}`,
    );
  }
  return { ...kb, KeyValue: { KeyMaterial: keyMaterialBytes(kb, o.id) } };
}
