/**
 * Get and Export share everything but their lifecycle rules (docs/lifecycle.md):
 * Get refuses Deactivated objects, Export allows them; both refuse Destroyed ones.
 *
 * The key block returned always carries KeyFormatType and CryptographicLength, and its KeyValue
 * carries the attributes the Cosmian JS client echoes back on re-import (docs/wire-dialects.md),
 * restricted to the types that client's parser accepts (no dates, states or booleans).
 */
import { KmipError, fail } from "../../kmip/error.ts";
import { setVendorAttribute, type Attributes } from "../../kmip/attributes.ts";
import type { KeyBlock, KeyValue } from "../../kmip/objects.ts";
import type { Get } from "../../kmip/requests.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import type { StoredObject } from "../../store/store.ts";
import type { OperationContext } from "../context.ts";
import { isDestroyed } from "./lifecycle.ts";
import { retrieve } from "./retrieve.ts";
import { keyBlockOf } from "./keys.ts";
import { exportKey } from "../schemes.ts";
import { isWrapped, unwrapKeyBlock, wrapKeyBlock } from "./wrap.ts";

/** The attributes placed inside KeyValue (what the JS client parses and echoes back). */
export function keyValueAttributes(o: StoredObject, keyFormatType: string): Attributes {
  const a = o.attributes;
  const out: Attributes = { ObjectType: o.objectType };
  if (a.CryptographicAlgorithm) out.CryptographicAlgorithm = a.CryptographicAlgorithm;
  if (a.CryptographicLength !== undefined) out.CryptographicLength = a.CryptographicLength;
  if (a.CryptographicUsageMask !== undefined) out.CryptographicUsageMask = a.CryptographicUsageMask;
  out.KeyFormatType = keyFormatType;
  if (a.Link?.length) out.Link = a.Link;
  if (a.VendorAttributes?.length) out.VendorAttributes = [...a.VendorAttributes];
  const tags = o.tags.filter((t) => !t.startsWith("_"));
  if (tags.length) setVendorAttribute(out, "tag", new TextEncoder().encode(JSON.stringify(tags)));
  return out;
}

export async function exportObject(req: Get, ctx: OperationContext, op: "Get" | "Export"): Promise<KmipRecord> {
  const o = await retrieve(ctx, req.UniqueIdentifier, op === "Get" ? "get" : "export");
  if (isDestroyed(o)) throw new KmipError("Object_Destroyed", `${op}: DENIED: the object ${o.id} has been destroyed`);
  if (op === "Get" && o.state === "Deactivated") {
    throw new KmipError("Wrong_Key_Lifecycle_State", `${op}: DENIED: the object ${o.id} is Deactivated; use Export`);
  }
  const wrap = req.KeyWrappingSpecification;
  if (o.id.startsWith("hsm::") && o.objectType !== "PublicKey") {
    throw new KmipError(
      "Sensitive",
      `${op}: Sensitive: DENIED: the key ${o.id} is held in the HSM and never leaves it`,
    );
  }
  if (o.attributes.Sensitive && !wrap)
    throw new KmipError("Sensitive", `${op}: Sensitive: DENIED: the key ${o.id} may only leave wrapped`);
  const response: KmipRecord = { ObjectType: o.objectType, UniqueIdentifier: o.id };
  if (op === "Export") response.Attributes = exportAttributes(o);

  let kb = keyBlockOf(o);
  if (!kb) {
    // Certificates, opaque objects...: returned as stored
    if (wrap) fail("Invalid_Field", `${op}: objects of type ${o.objectType} cannot be wrapped`);
    response.Object = o.object;
    return response;
  }
  if (isWrapped(kb) && req.KeyWrapType === "NotWrapped") kb = await unwrapKeyBlock(kb, ctx);
  // Wrapping needs bytes: transparent asymmetric keys are wrapped as PKCS#8 / SPKI DER (Cosmian's NoEncoding).
  const format =
    req.KeyFormatType ??
    (wrap && o.objectType !== "SymmetricKey" && kb.KeyFormatType.startsWith("Transparent")
      ? "PKCS8"
      : standardFormat(o, kb, ctx));
  if (!isWrapped(kb)) {
    const converted = exportKey(o, kb, format, ctx.wire); // the key's scheme, in the format asked
    if (!converted) {
      if (req.KeyFormatType && req.KeyFormatType !== kb.KeyFormatType) {
        fail(
          "Key_Format_Type_Not_Supported",
          `${op}: unsupported key format: the ${o.objectType} ${o.id} cannot be exported as ${req.KeyFormatType}`,
        );
      }
    } else kb = converted;
  } else if (req.KeyFormatType && req.KeyFormatType !== kb.KeyFormatType) {
    fail("Key_Format_Type_Not_Supported", `${op}: the key ${o.id} is stored wrapped; its format cannot be changed`);
  }
  kb = withValueAttributes(o, kb);
  if (wrap) {
    if (isWrapped(kb)) fail("Invalid_Field", `${op}: the key ${o.id} is already wrapped`);
    kb = await wrapKeyBlock(kb, o.id, wrap, ctx);
  }
  kb.CryptographicLength ??= o.attributes.CryptographicLength ?? 0;
  response.Object = { ...o.object, KeyBlock: orderKeyBlock(kb) };
  return response;
}

/** The DER format a standard client gets by default for a Transparent asymmetric key (see OperationContext). */
function standardFormat(o: StoredObject, kb: KeyBlock, ctx: OperationContext): string | undefined {
  if (!ctx.byteKeyFormats || !kb.KeyFormatType.startsWith("Transparent")) return undefined;
  if (o.objectType === "PrivateKey") return "PKCS8";
  if (o.objectType === "PublicKey") return kb.KeyFormatType === "TransparentRSAPublicKey" ? "PKCS1" : "X509";
  return undefined;
}

function withValueAttributes(o: StoredObject, kb: KeyBlock): KeyBlock {
  if (kb.KeyValue instanceof Uint8Array || !kb.KeyValue) return kb;
  const kv = kb.KeyValue as KeyValue;
  return { ...kb, KeyValue: { KeyMaterial: kv.KeyMaterial, Attributes: keyValueAttributes(o, kb.KeyFormatType) } };
}

/** Cosmian's field order (KeyFormatType first, which its KeyBlock parser needs). */
function orderKeyBlock(kb: KeyBlock): KeyBlock {
  const {
    KeyFormatType,
    KeyCompressionType,
    KeyValue,
    CryptographicAlgorithm,
    CryptographicLength,
    KeyWrappingData,
    ...rest
  } = kb;
  return {
    KeyFormatType,
    KeyCompressionType,
    KeyValue,
    CryptographicAlgorithm,
    CryptographicLength,
    KeyWrappingData,
    ...rest,
  } as KeyBlock;
}

/** Attributes returned by Export and GetAttributes: everything stored, plus the current state. */
export function exportAttributes(o: StoredObject): Attributes {
  return { ...o.attributes, State: o.state, UniqueIdentifier: o.id, ObjectType: o.objectType };
}
