/**
 * Key material in and out of KMIP key blocks, and the attribute bookkeeping shared by the
 * operations that make objects (Create, Import, Register, ReKey, CreateKeyPair).
 */
import { lookupTable } from "../../crypto/lookup.ts";
import { KmipError, fail } from "../../kmip/error.ts";
import { checkTagLimits, removeVendorAttribute, vendorAttributeBytes, type Attributes } from "../../kmip/attributes.ts";
import type { KeyBlock, KeyValue } from "../../kmip/objects.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import type { StoredObject } from "../../store/store.ts";
import { utf8 } from "../../crypto/bytes.ts";
import type { OperationContext } from "../context.ts";
import { now } from "./lifecycle.ts";
import { checkMayCreate } from "../../auth/access.ts";

/** Encrypt | Decrypt | WrapKey | UnwrapKey | KeyAgreement: Cosmian's default for symmetric keys. */
export const DEFAULT_SYMMETRIC_MASK = 0x4 | 0x8 | 0x10 | 0x20 | 0x800;
export const USAGE = {
  Sign: 0x1,
  Verify: 0x2,
  Encrypt: 0x4,
  Decrypt: 0x8,
  WrapKey: 0x10,
  UnwrapKey: 0x20,
  MACGenerate: 0x80,
  MACVerify: 0x100,
  DeriveKey: 0x200,
  KeyAgreement: 0x800,
  Unrestricted: 0x200000,
} as const;

/** Does a usage mask allow any of `bits`? No mask (or 0) allows everything; Unrestricted too. */
export function maskAllows(mask: number | undefined, bits: number): boolean {
  return !mask || (mask & (bits | USAGE.Unrestricted)) !== 0;
}

/** System tags Cosmian adds per object type. */
export const SYSTEM_TAG: Record<string, string> = lookupTable({
  SymmetricKey: "_kk",
  PrivateKey: "_sk",
  PublicKey: "_pk",
  Certificate: "_cert",
  SecretData: "_sd",
  OpaqueObject: "_oo",
});

export function keyBlockOf(o: { object: KmipRecord }): KeyBlock | undefined {
  return o.object.KeyBlock as KeyBlock | undefined;
}

/**
 * Raw bytes of an unwrapped key: KeyMaterial as bytes, `{ByteString}`, `{Key}` (transparent
 * symmetric) or `{D}`/`{QString}` is not handled here (asymmetric keys have their own module).
 */
export function keyMaterialBytes(kb: KeyBlock | undefined, uid: string): Uint8Array {
  if (!kb?.KeyValue) throw new KmipError("Key_Value_Not_Present", `the object ${uid} has no key material`);
  if (kb.KeyValue instanceof Uint8Array || kb.KeyWrappingData) {
    throw new KmipError("Key_Wrap_Type_Not_Supported", `the key ${uid} is wrapped; unwrap it first`);
  }
  const material = (kb.KeyValue as KeyValue).KeyMaterial;
  if (material instanceof Uint8Array) return material;
  for (const field of ["Key", "ByteString"]) {
    const b = (material as KmipRecord)[field];
    if (b instanceof Uint8Array) return b;
  }
  throw new KmipError(
    "Key_Format_Type_Not_Supported",
    `the key ${uid} in format ${kb.KeyFormatType} has no raw key bytes`,
  );
}

/** The stored form of a symmetric key: TransparentSymmetricKey, as Cosmian stores it. */
export function symmetricKeyObject(key: Uint8Array, algorithm: string): KmipRecord {
  return {
    KeyBlock: {
      KeyFormatType: "TransparentSymmetricKey",
      KeyValue: { KeyMaterial: { Key: key } },
      CryptographicAlgorithm: algorithm,
      CryptographicLength: key.length * 8,
    },
  };
}

/** Tags from the `tag` vendor attribute: a JSON array of strings (hex ByteString or TextString). */
export function tagsOf(attrs: Attributes | undefined): string[] {
  const raw = vendorAttributeBytes(attrs, "tag");
  if (!raw) return [];
  let tags: unknown;
  try {
    tags = JSON.parse(utf8.decode(raw));
  } catch {
    fail("Invalid_Attribute_Value", "the tag vendor attribute must be a JSON array of strings");
  }
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === "string")) {
    fail("Invalid_Attribute_Value", "the tag vendor attribute must be a JSON array of strings");
  }
  for (const t of tags as string[]) {
    if (t === "") fail("Invalid_Attribute_Value", "tags must not be empty strings");
  }
  const unique = [...new Set(tags as string[])];
  checkTagLimits(unique);
  return unique;
}

/** User tags must not use the `_` prefix reserved for system tags. */
export function userTags(attrs: Attributes | undefined): string[] {
  const tags = tagsOf(attrs);
  for (const t of tags)
    if (t.startsWith("_"))
      fail("Invalid_Attribute_Value", `the tag "${t}" is reserved: user tags must not start with _`);
  return tags;
}

/** Attributes of a new object: request attributes (without tags) plus what the server manages. */
export function newObjectAttributes(requested: Attributes, fields: Partial<Attributes>): Attributes {
  const attrs: Attributes = { ...requested, ...fields };
  removeVendorAttribute(attrs, "tag");
  const t = now();
  attrs.InitialDate = t;
  attrs.LastChangeDate = t;
  attrs.OriginalCreationDate ??= t;
  return attrs;
}

/** Only privileged users may create when privileged users are configured. */
export function ensureMayCreate(ctx: OperationContext): void {
  checkMayCreate(ctx.user, ctx.settings.privilegedUsers); // the rule lives with the other access rules
}

export function newId(requested: string | undefined): string {
  if (requested === undefined || requested === "") return crypto.randomUUID();
  if (requested.startsWith("["))
    fail("Invalid_Field", "a UniqueIdentifier must not start with [ (reserved for tag queries)");
  if (requested.startsWith("hsm::"))
    fail(
      "Invalid_Field",
      `the UniqueIdentifier ${requested} names an HSM object (hsm:: prefix): only Create and CreateKeyPair make HSM objects, and only when an HSM is configured`,
    );
  if (requested.length > 255) fail("Invalid_Field", "a UniqueIdentifier must be at most 255 characters");
  return requested;
}

export function storedObject(
  id: string,
  objectType: string,
  object: KmipRecord,
  attributes: Attributes,
  owner: string,
  tags: string[],
): StoredObject {
  attributes.UniqueIdentifier = id;
  attributes.ObjectType = objectType;
  const state = attributes.State as StoredObject["state"];
  const system = SYSTEM_TAG[objectType];
  return { id, objectType, object, attributes, state, owner, tags: system ? [...tags, system] : tags };
}
