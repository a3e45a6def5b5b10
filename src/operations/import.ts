/**
 * Import (Cosmian's KMIP 1.4-style Import) and Register (KMIP 2.1 §6.1.39): store an object the
 * client supplies. A wrapped key is stored wrapped unless KeyWrapType is NotWrapped, in which case
 * it is unwrapped first. Symmetric keys are normalised to TransparentSymmetricKey; other objects are
 * stored as given, so they come back byte for byte (as cloudproof_kms_js 4.0.0 expects).
 */
import { KmipError, fail } from "../kmip/error.ts";
import type { Attributes } from "../kmip/attributes.ts";
import { ObjectSchemas, type KeyBlock, type KeyValue } from "../kmip/objects.ts";
import type { Import, Register } from "../kmip/requests.ts";
import { parseKmip } from "../kmip/schema.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { OperationContext } from "./context.ts";
import { initialState, now } from "./common/lifecycle.ts";
import {
  DEFAULT_SYMMETRIC_MASK,
  ensureMayCreate,
  keyMaterialBytes,
  newId,
  newObjectAttributes,
  storedObject,
  userTags,
} from "./common/keys.ts";
import { checkSymmetricLength } from "./symmetric/create.ts";
import { checkImportedKey } from "./schemes.ts";
import { isWrapped, unwrapKeyBlock } from "./common/wrap.ts";
import { sanitizeImportedAttributes } from "./common/attribute-edit.ts";
import { wrapAtRest, wrappingKeyIdOf } from "./common/at-rest.ts";

export async function importOp(req: Import, ctx: OperationContext): Promise<KmipRecord> {
  return store(req, req.UniqueIdentifier, req.ReplaceExisting ?? false, req.KeyWrapType, ctx, "Import");
}

export async function register(req: Register, ctx: OperationContext): Promise<KmipRecord> {
  if (req.ProtectionStorageMasks !== undefined)
    fail("Operation_Not_Supported", "Register: ProtectionStorageMasks are not supported");
  return store(req, req.Attributes.UniqueIdentifier, false, undefined, ctx, "Register");
}

async function store(
  req: Import | Register,
  requestedId: string | undefined,
  replace: boolean,
  keyWrapType: string | undefined,
  ctx: OperationContext,
  op: string,
): Promise<KmipRecord> {
  ensureMayCreate(ctx);
  const objectType = req.ObjectType;
  const schema = ObjectSchemas[objectType];
  if (!schema) throw new KmipError("Invalid_Object_Type", `${op}: objects of type ${objectType} cannot be imported`);
  const node = (req as Record<string, unknown>).Object ?? (req as Record<string, unknown>)[objectType];
  if (node === undefined) fail("Invalid_Message", `${op}: missing the object (Object or ${objectType})`);
  const object = parseKmip(schema, node, `${op}/Object`);
  const requested = req.Attributes;
  if (requested.ObjectType && requested.ObjectType !== objectType) {
    fail("Invalid_Field", `${op}: Attributes.ObjectType ${requested.ObjectType} differs from ObjectType ${objectType}`);
  }

  let kb = object.KeyBlock as KeyBlock | undefined;
  const inner = kb?.KeyValue instanceof Uint8Array ? undefined : (kb?.KeyValue as KeyValue | undefined)?.Attributes;
  // Top-level attributes win over those echoed inside the key value.
  const attrsIn: Attributes = { ...(inner ?? {}), ...requested };
  if (inner?.VendorAttributes && requested.VendorAttributes) {
    const names = new Set(requested.VendorAttributes.map((a) => a.AttributeName));
    attrsIn.VendorAttributes = [
      ...requested.VendorAttributes,
      ...inner.VendorAttributes.filter((a) => !names.has(a.AttributeName)),
    ];
  }
  sanitizeImportedAttributes(attrsIn);
  const tags = userTags(attrsIn);
  const fields: Partial<Attributes> = {};
  if (kb) {
    if (isWrapped(kb) && keyWrapType === "NotWrapped") kb = await unwrapKeyBlock(kb, ctx);
    kb = { ...kb };
    if (kb.KeyValue && !(kb.KeyValue instanceof Uint8Array))
      kb.KeyValue = { KeyMaterial: (kb.KeyValue as KeyValue).KeyMaterial };
    if (objectType === "SymmetricKey" && !isWrapped(kb)) {
      if (
        kb.KeyFormatType === "TransparentSymmetricKey" &&
        (kb.KeyValue as KeyValue | undefined)?.KeyMaterial instanceof Uint8Array
      ) {
        fail(
          "Invalid_Field",
          `${op}: invalid KeyMaterial: a TransparentSymmetricKey holds its bytes in KeyMaterial/Key, not directly in KeyMaterial`,
        );
      }
      const key = keyMaterialBytes(kb, requestedId ?? "");
      const algorithm = kb.CryptographicAlgorithm ?? attrsIn.CryptographicAlgorithm;
      if (algorithm)
        checkSymmetricLength(algorithm, algorithm === "THREE_DES" ? (key.length === 16 ? 112 : 168) : key.length * 8);
      kb = {
        KeyFormatType: "TransparentSymmetricKey",
        KeyValue: { KeyMaterial: { Key: key } },
        CryptographicAlgorithm: algorithm,
        CryptographicLength: key.length * 8,
      };
      fields.CryptographicUsageMask = attrsIn.CryptographicUsageMask ?? DEFAULT_SYMMETRIC_MASK;
    }
    fields.CryptographicAlgorithm = attrsIn.CryptographicAlgorithm ?? kb.CryptographicAlgorithm;
    fields.CryptographicLength = kb.CryptographicLength ?? attrsIn.CryptographicLength;
    fields.KeyFormatType = kb.KeyFormatType;
    checkImportedKey(kb, attrsIn, ctx); // each scheme validates (and may normalise) the keys it knows
    if (objectType === "SymmetricKey" || objectType === "SecretData")
      kb = await wrapAtRest(kb, newId(requestedId), wrappingKeyIdOf(attrsIn), ctx);
    object.KeyBlock = kb;
  }
  const attrs = newObjectAttributes(attrsIn, fields);
  for (const k of Object.keys(attrs) as (keyof Attributes)[]) if (attrs[k] === undefined) delete attrs[k];
  attrs.State = initialState(attrs, now(), ctx.wire);

  const id = newId(requestedId);
  const stored = storedObject(id, objectType, object, attrs, ctx.user, tags);
  await ctx.store.atomic(async () => {
    const existing = await ctx.store.get(id);
    if (existing) {
      const taken = new KmipError(
        "Object_Already_Exists",
        `${op}: an object with the unique identifier ${id} already exists; set ReplaceExisting to replace it`,
      );
      if (!replace) throw taken;
      if (existing.owner !== ctx.user) {
        // Ids are global, so that this one is taken cannot be hidden; but someone holding no right on
        // the object hears exactly what they would without ReplaceExisting, nothing about its owner.
        if ((await ctx.store.operationsOf(id, ctx.user)).size === 0) throw taken;
        throw new KmipError("Permission_Denied", `${op}: only the owner may replace ${id}`, "forbidden");
      }
      await ctx.store.update(stored);
    } else {
      await ctx.store.insert(stored);
    }
  });
  ctx.log.debug("imported", { op, id, type: objectType });
  return { UniqueIdentifier: id };
}
