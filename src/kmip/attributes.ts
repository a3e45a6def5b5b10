/**
 * The KMIP 2.1 Attributes structure (§4), with the Cosmian vendor attributes.
 *
 * Vendor attributes arrive in three spellings: the JS client's `VendorAttributes` wrapper of
 * `VendorAttributes` items, Cosmian v5's repeated `Attribute` nodes, and KMIP's `VendorAttribute`.
 * All are normalised to `VendorAttributes: VendorAttribute[]`. Unknown attributes are kept as
 * they came (looseObject), so they are stored and echoed back.
 */
import * as v from "valibot";
import { bool, bytes, date, enumOf, int, optionalList, rawValue, single, text, type Schema } from "./schema.ts";
import type { KmipRecord } from "./struct.ts";
import { rawNode } from "./struct.ts";
import type { TtlvNode } from "./ttlv.ts";
import { utf8 } from "../crypto/bytes.ts";
import { KmipError } from "./error.ts";

export const VENDOR_ID = "cosmian";

export const LinkSchema = v.object({
  LinkType: enumOf("LinkType"),
  LinkedObjectIdentifier: v.union([text, int, enumOf("LinkedObjectIdentifier")]),
});
export type Link = { LinkType: string; LinkedObjectIdentifier: string | number };

export const NameSchema = v.object({
  NameValue: text,
  NameType: v.optional(enumOf("NameType"), "UninterpretedTextString"),
});
export type Name = v.InferOutput<typeof NameSchema>;

export const VendorAttributeSchema = v.object({
  VendorIdentification: text,
  AttributeName: text,
  AttributeValue: rawValue,
});
export type VendorAttribute = { VendorIdentification: string; AttributeName: string; AttributeValue: TtlvNode };

export const CryptographicParametersSchema = v.looseObject({
  BlockCipherMode: v.optional(enumOf("BlockCipherMode")),
  PaddingMethod: v.optional(enumOf("PaddingMethod")),
  HashingAlgorithm: v.optional(enumOf("HashingAlgorithm")),
  KeyRoleType: v.optional(enumOf("KeyRoleType")),
  DigitalSignatureAlgorithm: v.optional(enumOf("DigitalSignatureAlgorithm")),
  CryptographicAlgorithm: v.optional(enumOf("CryptographicAlgorithm")),
  RandomIv: v.optional(bool),
  IvLength: v.optional(int),
  TagLength: v.optional(int),
  FixedFieldLength: v.optional(int),
  InvocationFieldLength: v.optional(int),
  CounterLength: v.optional(int),
  InitialCounterValue: v.optional(int),
  SaltLength: v.optional(int),
  MaskGenerator: v.optional(enumOf("MaskGenerator")),
  MaskGeneratorHashingAlgorithm: v.optional(enumOf("MaskGeneratorHashingAlgorithm")),
  PSource: v.optional(bytes),
  TrailerField: v.optional(int),
});
export type CryptographicParameters = v.InferOutput<typeof CryptographicParametersSchema>;

export const CryptographicDomainParametersSchema = v.looseObject({
  Qlength: v.optional(int),
  RecommendedCurve: v.optional(enumOf("RecommendedCurve")),
});

const DATE_FIELDS = [
  "ActivationDate",
  "ArchiveDate",
  "CompromiseDate",
  "CompromiseOccurrenceDate",
  "DeactivationDate",
  "DestroyDate",
  "InitialDate",
  "LastChangeDate",
  "OriginalCreationDate",
  "ProcessStartDate",
  "ProtectStopDate",
] as const;

const AttributesObject = v.looseObject({
  ...Object.fromEntries(DATE_FIELDS.map((f) => [f, v.optional(single(date))])),
  CryptographicAlgorithm: v.optional(single(enumOf("CryptographicAlgorithm"))),
  CryptographicLength: v.optional(single(int)),
  CryptographicUsageMask: v.optional(single(int)),
  CryptographicParameters: v.optional(single(CryptographicParametersSchema)),
  CryptographicDomainParameters: v.optional(single(CryptographicDomainParametersSchema)),
  KeyFormatType: v.optional(single(enumOf("KeyFormatType"))),
  ObjectType: v.optional(single(enumOf("ObjectType"))),
  State: v.optional(single(enumOf("State"))),
  UniqueIdentifier: v.optional(single(text)),
  Sensitive: v.optional(single(bool)),
  Extractable: v.optional(single(bool)),
  Description: v.optional(single(text)),
  Comment: v.optional(single(text)),
  ObjectGroup: v.optional(single(text)),
  Link: optionalList("Link", LinkSchema),
  Name: optionalList("Name", NameSchema),
  VendorAttributes: optionalList("VendorAttributes", VendorAttributeSchema),
  Attribute: optionalList("Attribute", VendorAttributeSchema),
  VendorAttribute: optionalList("VendorAttribute", VendorAttributeSchema),
});

export interface Attributes extends KmipRecord {
  ActivationDate?: Date;
  DeactivationDate?: Date;
  CompromiseDate?: Date;
  CompromiseOccurrenceDate?: Date;
  DestroyDate?: Date;
  InitialDate?: Date;
  LastChangeDate?: Date;
  OriginalCreationDate?: Date;
  CryptographicAlgorithm?: string;
  CryptographicLength?: number;
  CryptographicUsageMask?: number;
  CryptographicParameters?: CryptographicParameters;
  CryptographicDomainParameters?: KmipRecord;
  KeyFormatType?: string;
  ObjectType?: string;
  State?: string;
  UniqueIdentifier?: string;
  Sensitive?: boolean;
  Extractable?: boolean;
  Link?: Link[];
  Name?: Name[];
  VendorAttributes?: VendorAttribute[];
}

/** Attributes with the three vendor-attribute spellings merged into `VendorAttributes`. */
export const AttributesSchema: Schema<Attributes> = v.pipe(
  AttributesObject,
  v.transform((a) => {
    const { Attribute, VendorAttribute, VendorAttributes, Link, Name, ...rest } = a as Record<string, unknown> & {
      Attribute?: VendorAttribute[];
      VendorAttribute?: VendorAttribute[];
      VendorAttributes?: VendorAttribute[];
      Link?: Link[];
      Name?: Name[];
    };
    const vendor = [...(VendorAttributes ?? []), ...(Attribute ?? []), ...(VendorAttribute ?? [])];
    const out = { ...rest } as Attributes;
    if (Link?.length) out.Link = Link;
    if (Name?.length) out.Name = Name;
    if (vendor.length) out.VendorAttributes = vendor;
    checkAttributeLimits(out);
    return out;
  }),
);

// ----------------------------------------------------------------------------------------------
// Limits: what one object (or one Locate) may carry. No real client comes near them; they keep a
// single request from filling the database or the memory of the server.

export const ATTRIBUTE_LIMITS = {
  /** Distinct attributes of one object. */
  attributes: 256,
  /** Values of one multi-valued attribute (Name, Link, VendorAttributes...). */
  values: 256,
  /** Characters of a name, a vendor attribute name or identification, a text attribute. */
  text: 4096,
  /** Bytes (or characters) of one vendor attribute value. */
  vendorValue: 1 << 20,
  /** Tags of one object or one Locate. */
  tags: 256,
  /** Characters of one tag. */
  tagLength: 1024,
} as const;

const limitError = (message: string) => new KmipError("Server_Limit_Exceeded", message);

/** Throws Server_Limit_Exceeded when `attrs` exceeds ATTRIBUTE_LIMITS (counts, sizes). */
export function checkAttributeLimits(attrs: KmipRecord): void {
  const L = ATTRIBUTE_LIMITS;
  const names = Object.keys(attrs);
  if (names.length > L.attributes) throw limitError(`too many attributes: ${names.length} (at most ${L.attributes})`);
  for (const name of names) {
    const value = attrs[name];
    if (Array.isArray(value) && value.length > L.values)
      throw limitError(`too many ${name} values: ${value.length} (at most ${L.values})`);
    if (typeof value === "string" && value.length > L.text)
      throw limitError(`${name} is too long: ${value.length} characters (at most ${L.text})`);
  }
  for (const n of (attrs.Name ?? []) as Name[]) {
    if (n.NameValue.length > L.text)
      throw limitError(`a Name is too long: ${n.NameValue.length} characters (at most ${L.text})`);
  }
  for (const va of (attrs.VendorAttributes ?? []) as VendorAttribute[]) {
    if (va.AttributeName.length > L.text || va.VendorIdentification.length > L.text) {
      throw limitError(`a vendor attribute name or identification is too long (at most ${L.text} characters)`);
    }
    const raw = va.AttributeValue.value;
    const size = raw instanceof Uint8Array || typeof raw === "string" ? raw.length : JSON.stringify(raw ?? null).length;
    if (size > L.vendorValue)
      throw limitError(`the vendor attribute ${va.AttributeName} is too large: ${size} (at most ${L.vendorValue})`);
  }
}

/** Throws Server_Limit_Exceeded when a list of tags exceeds ATTRIBUTE_LIMITS. */
export function checkTagLimits(tags: readonly string[]): void {
  const L = ATTRIBUTE_LIMITS;
  if (tags.length > L.tags) throw limitError(`too many tags: ${tags.length} (at most ${L.tags})`);
  for (const t of tags)
    if (t.length > L.tagLength) throw limitError(`a tag is too long: ${t.length} characters (at most ${L.tagLength})`);
}

// ----------------------------------------------------------------------------------------------
// Vendor attributes

export function vendorAttribute(attrs: Attributes | undefined, name: string): VendorAttribute | undefined {
  return attrs?.VendorAttributes?.find((a) => a.AttributeName === name);
}

/** The value of a vendor attribute as bytes (a TextString is taken as UTF-8). */
export function vendorAttributeBytes(attrs: Attributes | undefined, name: string): Uint8Array | undefined {
  const value = vendorAttribute(attrs, name)?.AttributeValue;
  if (!value) return undefined;
  if (value.type === "ByteString") return value.value;
  if (value.type === "TextString") return utf8.encode(value.value);
  return undefined;
}

export function setVendorAttribute(attrs: Attributes, name: string, value: Uint8Array | string): void {
  const node = rawNode(
    typeof value === "string"
      ? { tag: "AttributeValue", type: "TextString", value }
      : { tag: "AttributeValue", type: "ByteString", value },
  );
  const others = (attrs.VendorAttributes ?? []).filter((a) => a.AttributeName !== name);
  attrs.VendorAttributes = [...others, { VendorIdentification: VENDOR_ID, AttributeName: name, AttributeValue: node }];
}

export function removeVendorAttribute(attrs: Attributes, name: string): void {
  if (!attrs.VendorAttributes) return;
  attrs.VendorAttributes = attrs.VendorAttributes.filter((a) => a.AttributeName !== name);
  if (attrs.VendorAttributes.length === 0) delete attrs.VendorAttributes;
}
