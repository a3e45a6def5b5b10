/**
 * Request payload schemas, one per operation (KMIP 2.1 §6.1), with the leniencies the
 * Cosmian JS client needs (docs/wire-dialects.md: RevocationReason as bare text or integer,
 * booleans as JSON booleans, ...).
 * Each schema is the type: `Create = InferOutput<typeof CreateSchema>`.
 */
import * as v from "valibot";
import { AttributesSchema, CryptographicParametersSchema } from "./attributes.ts";
import { KeyWrappingSpecificationSchema } from "./objects.ts";
import { bool, bytes, date, enumOf, int, optionalList, single, text, uint } from "./schema.ts";

/** A UID: text, an ID placeholder enumeration, or an integer (KMIP 2.1 §7.14). Placeholders resolve to undefined. */
export const Uid = v.pipe(
  v.union([v.string(), v.number()]),
  v.transform((x) => (typeof x === "number" ? String(x) : x)),
);
const optionalUid = v.optional(single(Uid));

const objectNodes = {
  Object: v.optional(v.unknown()),
  SymmetricKey: v.optional(v.unknown()),
  PrivateKey: v.optional(v.unknown()),
  PublicKey: v.optional(v.unknown()),
  SecretData: v.optional(v.unknown()),
  Certificate: v.optional(v.unknown()),
  CertificateRequest: v.optional(v.unknown()),
  OpaqueObject: v.optional(v.unknown()),
  SplitKey: v.optional(v.unknown()),
  PGPKey: v.optional(v.unknown()),
};

export const CreateSchema = v.looseObject({
  ObjectType: enumOf("ObjectType"),
  Attributes: v.optional(AttributesSchema, {}),
  ProtectionStorageMasks: v.optional(v.unknown()),
});

export const CreateKeyPairSchema = v.looseObject({
  CommonAttributes: v.optional(AttributesSchema),
  PrivateKeyAttributes: v.optional(AttributesSchema),
  PublicKeyAttributes: v.optional(AttributesSchema),
  CommonProtectionStorageMasks: v.optional(v.unknown()),
  PrivateProtectionStorageMasks: v.optional(v.unknown()),
  PublicProtectionStorageMasks: v.optional(v.unknown()),
});

export const ImportSchema = v.looseObject({
  UniqueIdentifier: v.optional(Uid, ""),
  ObjectType: enumOf("ObjectType"),
  ReplaceExisting: v.optional(bool),
  KeyWrapType: v.optional(enumOf("KeyWrapType")),
  Attributes: v.optional(AttributesSchema, {}),
  ...objectNodes,
});

export const RegisterSchema = v.looseObject({
  ObjectType: enumOf("ObjectType"),
  Attributes: v.optional(AttributesSchema, {}),
  ProtectionStorageMasks: v.optional(v.unknown()),
  ...objectNodes,
});

export const GetSchema = v.looseObject({
  UniqueIdentifier: optionalUid,
  KeyFormatType: v.optional(enumOf("KeyFormatType")),
  KeyWrapType: v.optional(enumOf("KeyWrapType")),
  KeyCompressionType: v.optional(enumOf("KeyCompressionType")),
  KeyWrappingSpecification: v.optional(KeyWrappingSpecificationSchema),
});

/** AttributeReference: a tag name (Enumeration or text) or a vendor reference {VendorIdentification, AttributeName}. */
const AttributeReference = v.union([v.string(), v.looseObject({ VendorIdentification: text, AttributeName: text })]);

export const GetAttributesSchema = v.looseObject({
  UniqueIdentifier: optionalUid,
  AttributeReference: optionalList("AttributeReference", AttributeReference),
});

export const GetAttributeListSchema = v.looseObject({ UniqueIdentifier: optionalUid });

/** NewAttribute / CurrentAttribute: a wrapper holding one attribute node (or KMIP 1.x AttributeName/Value). */
const AttributeHolder = v.looseObject({});

export const SetAttributeSchema = v.looseObject({ UniqueIdentifier: optionalUid, NewAttribute: AttributeHolder });
export const AddAttributeSchema = SetAttributeSchema;
export const ModifyAttributeSchema = v.looseObject({
  UniqueIdentifier: optionalUid,
  CurrentAttribute: v.optional(AttributeHolder),
  NewAttribute: AttributeHolder,
});
export const DeleteAttributeSchema = v.looseObject({
  UniqueIdentifier: optionalUid,
  CurrentAttribute: v.optional(AttributeHolder),
  AttributeReference: optionalList("AttributeReference", AttributeReference),
  AttributeReferences: optionalList("AttributeReferences", AttributeReference),
});

export const LocateSchema = v.looseObject({
  MaximumItems: v.optional(single(uint)),
  OffsetItems: v.optional(single(uint)),
  StorageStatusMask: v.optional(single(int)),
  ObjectGroupMember: v.optional(v.unknown()),
  Attributes: v.optional(AttributesSchema, {}),
});

const cryptoRequest = {
  UniqueIdentifier: optionalUid,
  CryptographicParameters: v.optional(CryptographicParametersSchema),
  Data: v.optional(bytes),
  IVCounterNonce: v.optional(bytes),
  CorrelationValue: v.optional(bytes),
  InitIndicator: v.optional(bool),
  FinalIndicator: v.optional(bool),
  AuthenticatedEncryptionAdditionalData: v.optional(bytes),
};
export const EncryptSchema = v.looseObject(cryptoRequest);
export const DecryptSchema = v.looseObject({ ...cryptoRequest, AuthenticatedEncryptionTag: v.optional(bytes) });

/** RevocationReason: the KMIP structure, or (Cosmian JS client) a bare text or a bare code. */
const RevocationReason = v.union([
  v.looseObject({ RevocationReasonCode: enumOf("RevocationReasonCode"), RevocationMessage: v.optional(text) }),
  v.pipe(
    v.number(),
    v.transform((n) => ({
      RevocationReasonCode: n as number | string,
      RevocationMessage: undefined as string | undefined,
    })),
  ),
  v.pipe(
    v.string(),
    v.transform((s) => ({
      RevocationReasonCode: "Unspecified" as number | string,
      RevocationMessage: s as string | undefined,
    })),
  ),
]);

export const RevokeSchema = v.looseObject({
  UniqueIdentifier: optionalUid,
  RevocationReason: v.optional(RevocationReason),
  CompromiseOccurrenceDate: v.optional(date),
  Cascade: v.optional(bool),
});

export const DestroySchema = v.looseObject({
  UniqueIdentifier: optionalUid,
  Remove: v.optional(bool),
  Cascade: v.optional(bool),
  ExpectedObjectType: v.optional(enumOf("ObjectType")),
});

export const ReKeySchema = v.looseObject({
  UniqueIdentifier: optionalUid,
  Offset: v.optional(v.union([int, v.bigint()])),
  Attributes: v.optional(AttributesSchema),
});

export const ReKeyKeyPairSchema = v.looseObject({
  PrivateKeyUniqueIdentifier: optionalUid,
  Offset: v.optional(v.union([int, v.bigint()])),
  CommonAttributes: v.optional(AttributesSchema),
  PrivateKeyAttributes: v.optional(AttributesSchema),
  PublicKeyAttributes: v.optional(AttributesSchema),
});

export const ActivateSchema = v.looseObject({ UniqueIdentifier: optionalUid });

export const QuerySchema = v.looseObject({ QueryFunction: optionalList("QueryFunction", enumOf("QueryFunction")) });

const ProtocolVersion = v.object({ ProtocolVersionMajor: int, ProtocolVersionMinor: int });
export const DiscoverVersionsSchema = v.looseObject({
  ProtocolVersion: optionalList("ProtocolVersion", ProtocolVersion),
});

export const RNGRetrieveSchema = v.looseObject({ DataLength: single(int) });

export type Create = v.InferOutput<typeof CreateSchema>;
export type CreateKeyPair = v.InferOutput<typeof CreateKeyPairSchema>;
export type Import = v.InferOutput<typeof ImportSchema>;
export type Register = v.InferOutput<typeof RegisterSchema>;
export type Get = v.InferOutput<typeof GetSchema>;
export type GetAttributes = v.InferOutput<typeof GetAttributesSchema>;
export type GetAttributeList = v.InferOutput<typeof GetAttributeListSchema>;
export type SetAttribute = v.InferOutput<typeof SetAttributeSchema>;
export type ModifyAttribute = v.InferOutput<typeof ModifyAttributeSchema>;
export type DeleteAttribute = v.InferOutput<typeof DeleteAttributeSchema>;
export type Locate = v.InferOutput<typeof LocateSchema>;
export type Encrypt = v.InferOutput<typeof EncryptSchema>;
export type Decrypt = v.InferOutput<typeof DecryptSchema>;
export type Revoke = v.InferOutput<typeof RevokeSchema>;
export type Destroy = v.InferOutput<typeof DestroySchema>;
export type ReKey = v.InferOutput<typeof ReKeySchema>;
export type ReKeyKeyPair = v.InferOutput<typeof ReKeyKeyPairSchema>;
export type Activate = v.InferOutput<typeof ActivateSchema>;
export type Query = v.InferOutput<typeof QuerySchema>;
export type DiscoverVersions = v.InferOutput<typeof DiscoverVersionsSchema>;
export type RNGRetrieve = v.InferOutput<typeof RNGRetrieveSchema>;
