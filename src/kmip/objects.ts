/**
 * KMIP managed objects (KMIP 2.1 §2): key blocks, key values, wrapping data, certificates.
 *
 * Requests carry the object under `Object` (Cosmian JS client, KMIP 1.x style) or under its
 * object-type tag (`SymmetricKey`, ... : Cosmian v5). KeyMaterial comes as plain bytes, as
 * `{ByteString}` (Cosmian), as `{Key}` (TransparentSymmetricKey) or as a transparent key structure.
 */
import * as v from "valibot";
import { AttributesSchema, type Attributes } from "./attributes.ts";
import { bytes, enumOf, int, text, type Schema } from "./schema.ts";
import type { KmipRecord } from "./struct.ts";

export const OBJECT_TYPES = [
  "Certificate",
  "CertificateRequest",
  "OpaqueObject",
  "PGPKey",
  "PrivateKey",
  "PublicKey",
  "SecretData",
  "SplitKey",
  "SymmetricKey",
] as const;

export const EncryptionKeyInformationSchema = v.looseObject({
  UniqueIdentifier: v.union([text, enumOf("UniqueIdentifier")]),
  CryptographicParameters: v.optional(v.looseObject({})),
});

export const KeyWrappingDataSchema = v.looseObject({
  WrappingMethod: enumOf("WrappingMethod"),
  EncryptionKeyInformation: v.optional(EncryptionKeyInformationSchema),
  MacOrSignatureKeyInformation: v.optional(v.looseObject({})),
  MacSignature: v.optional(bytes),
  IVCounterNonce: v.optional(bytes),
  EncodingOption: v.optional(enumOf("EncodingOption")),
});
export type KeyWrappingData = v.InferOutput<typeof KeyWrappingDataSchema>;

export const KeyWrappingSpecificationSchema = v.looseObject({
  WrappingMethod: enumOf("WrappingMethod"),
  EncryptionKeyInformation: v.optional(EncryptionKeyInformationSchema),
  MacOrSignatureKeyInformation: v.optional(v.looseObject({})),
  AttributeName: v.optional(v.unknown()),
  EncodingOption: v.optional(enumOf("EncodingOption")),
});
export type KeyWrappingSpecification = v.InferOutput<typeof KeyWrappingSpecificationSchema>;

const KeyMaterialSchema = v.union([bytes, v.looseObject({})]);

export const KeyValueSchema = v.union([
  bytes, // a wrapped key value
  v.looseObject({ KeyMaterial: KeyMaterialSchema, Attributes: v.optional(AttributesSchema) }),
]);

export const KeyBlockSchema = v.looseObject({
  KeyFormatType: enumOf("KeyFormatType"),
  KeyCompressionType: v.optional(enumOf("KeyCompressionType")),
  KeyValue: v.optional(KeyValueSchema),
  CryptographicAlgorithm: v.optional(enumOf("CryptographicAlgorithm")),
  CryptographicLength: v.optional(int),
  KeyWrappingData: v.optional(KeyWrappingDataSchema),
});

export interface KeyValue extends KmipRecord {
  KeyMaterial: Uint8Array | KmipRecord;
  Attributes?: Attributes;
}

export interface KeyBlock extends KmipRecord {
  KeyFormatType: string;
  KeyCompressionType?: string;
  KeyValue?: KeyValue | Uint8Array;
  CryptographicAlgorithm?: string;
  CryptographicLength?: number;
  KeyWrappingData?: KeyWrappingData & KmipRecord;
}

/** Object structures by type; key objects share `{KeyBlock}`. */
export const ObjectSchemas: Record<string, Schema<KmipRecord>> = {
  SymmetricKey: v.looseObject({ KeyBlock: KeyBlockSchema }) as Schema<KmipRecord>,
  PrivateKey: v.looseObject({ KeyBlock: KeyBlockSchema }) as Schema<KmipRecord>,
  PublicKey: v.looseObject({ KeyBlock: KeyBlockSchema }) as Schema<KmipRecord>,
  SplitKey: v.looseObject({ KeyBlock: KeyBlockSchema }) as Schema<KmipRecord>,
  PGPKey: v.looseObject({ KeyBlock: KeyBlockSchema }) as Schema<KmipRecord>,
  SecretData: v.looseObject({
    SecretDataType: enumOf("SecretDataType"),
    KeyBlock: KeyBlockSchema,
  }) as Schema<KmipRecord>,
  Certificate: v.looseObject({
    CertificateType: enumOf("CertificateType"),
    CertificateValue: bytes,
  }) as Schema<KmipRecord>,
  CertificateRequest: v.looseObject({
    CertificateRequestType: enumOf("CertificateRequestType"),
    CertificateRequestValue: bytes,
  }) as Schema<KmipRecord>,
  OpaqueObject: v.looseObject({
    OpaqueDataType: enumOf("OpaqueDataType"),
    OpaqueDataValue: bytes,
  }) as Schema<KmipRecord>,
};
