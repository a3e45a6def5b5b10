/**
 * KMIP enumerations: which tag carries which enumeration, accepted spellings, and name <-> value look-ups
 * (KMIP 2.1 §11; Cosmian's JSON rules and the Cosmian JS client's spellings, docs/wire-dialects.md).
 * The tables themselves are in enums-data.ts.
 *
 * Canonical names are Cosmian 5.x's (`SHA256`, `Item_Not_Found`, `TransparentSymmetricKey`...). On input
 * we accept, in this order: the canonical name, an alias (ENUM_ALIASES: the JS client's and KMIP XML
 * spellings such as `SHA_256`, `THREEDES`, `MGF1`), then a loose match that ignores case and the
 * separators `_ - . / space` (so `P-256`, `ECDSA_with_SHA256`, `ItemNotFound` resolve); a number or
 * `0x0000000C` hex is accepted when it is a known value. Cosmian itself is stricter (exact names);
 * accepting more is harmless, and the names we emit are always canonical (or the JS client's, through
 * clientEnumName).
 */
import { lookupTable } from "../crypto/lookup.ts";
import { CLIENT_ENUM_NAMES, ENUMS as DATA_ENUMS } from "./enums-data.ts";
import { canonicalTagName, kmipTagNames, tagCode, tagEnumSpelling, TAG_ALIASES, TAGS } from "./tags.ts";

export { CLIENT_ENUM_NAMES };

/** The `Tag` enumeration (AttributeReference): KMIP spellings, as in Cosmian's `Tag` enum. */
const TAG_ENUMERATION: Record<string, number> = Object.create(null);
const TAG_ENUMERATION_ALIASES: Record<string, string> = Object.create(null);
for (const name of kmipTagNames()) {
  const spelled = tagEnumSpelling(name)!;
  TAG_ENUMERATION[spelled] = tagCode(name)!;
  if (spelled !== name) TAG_ENUMERATION_ALIASES[name] = spelled;
}
for (const [alias, canonical] of Object.entries(TAG_ALIASES)) {
  const spelled = tagEnumSpelling(canonical);
  if (spelled !== undefined && spelled !== alias && TAGS[canonical][0] === TAG_ENUMERATION[spelled]) {
    TAG_ENUMERATION_ALIASES[alias] = spelled;
  }
}

/** enumeration type name -> variant name -> value */
export const ENUMS: Readonly<Record<string, Readonly<Record<string, number>>>> = lookupTable(
  Object.fromEntries(
    Object.entries({ ...DATA_ENUMS, Tag: TAG_ENUMERATION }).map(([type, variants]) => [type, lookupTable(variants)]),
  ),
);

/** which enumeration type a tag carries (only tags that may hold an Enumeration) */
export const TAG_ENUM: Readonly<Record<string, string>> = lookupTable({
  AdjustmentType: "AdjustmentType",
  AlternativeNameType: "AlternativeNameType",
  AsynchronousIndicator: "AsynchronousIndicator",
  AttestationType: "AttestationType",
  AttestationTypes: "AttestationType",
  AttributeReference: "Tag",
  AttributeReferences: "Tag",
  BatchErrorContinuationOption: "BatchErrorContinuationOption",
  BlockCipherMode: "BlockCipherMode",
  CancellationResult: "CancellationResult",
  CertificateRequestType: "CertificateRequestType",
  CertificateRequestUniqueIdentifier: "UniqueIdentifierEnumeration",
  CertificateType: "CertificateType",
  ClientRegistrationMethod: "ClientRegistrationMethod",
  CredentialType: "CredentialType",
  CryptographicAlgorithm: "CryptographicAlgorithm",
  DerivationMethod: "DerivationMethod",
  DestroyAction: "DestroyAction",
  DigitalSignatureAlgorithm: "DigitalSignatureAlgorithm",
  DrbgAlgorithm: "DRBGAlgorithm",
  EncodingOption: "EncodingOption",
  EndpointRole: "EndpointRole",
  ExpectedObjectType: "ObjectType",
  Fips186Variation: "FIPS186Variation",
  HashingAlgorithm: "HashingAlgorithm",
  InteropFunction: "InteropFunction",
  KeyCompressionType: "KeyCompressionType",
  KeyFormatType: "KeyFormatType",
  KeyRoleType: "KeyRoleType",
  KeyValueLocation: "KeyValueLocationType", // Cosmian's Attributes carry the enumeration directly
  KeyValueLocationType: "KeyValueLocationType",
  KeyWrapType: "KeyWrapType",
  LinkType: "LinkType",
  LinkedObjectIdentifier: "UniqueIdentifierEnumeration",
  MaskGenerator: "MaskGenerator",
  MaskGeneratorHashingAlgorithm: "HashingAlgorithm",
  NameType: "NameType",
  NistKeyType: "NISTKeyType",
  ObjectGroupMember: "ObjectGroupMember",
  ObjectType: "ObjectType",
  ObjectUniqueIdentifier: "UniqueIdentifierEnumeration",
  OpaqueDataType: "OpaqueDataType",
  Operation: "Operation",
  PaddingMethod: "PaddingMethod",
  PKCS11Function: "PKCS11Function",
  PKCS11ReturnCode: "PKCS11ReturnCode",
  PrivateKeyUniqueIdentifier: "UniqueIdentifierEnumeration",
  ProfileName: "ProfileName",
  ProtectionLevel: "ProtectionLevel",
  PublicKeyUniqueIdentifier: "UniqueIdentifierEnumeration",
  PutFunction: "PutFunction",
  QueryFunction: "QueryFunction",
  RecommendedCurve: "RecommendedCurve",
  ReplacedUniqueIdentifier: "UniqueIdentifierEnumeration",
  ResultReason: "ResultReason",
  ResultStatus: "ResultStatus",
  RevocationReason: "RevocationReasonCode", // tolerated bare form (the JS client sends an Integer or a TextString)
  RevocationReasonCode: "RevocationReasonCode",
  RNGAlgorithm: "RNGAlgorithm",
  RngMode: "RNGMode",
  RotateNameType: "RotateNameType",
  SecretDataType: "SecretDataType",
  ShreddingAlgorithm: "ShreddingAlgorithm",
  SplitKeyMethod: "SplitKeyMethod",
  State: "State",
  Tag: "Tag",
  TicketType: "TicketType",
  UniqueIdentifier: "UniqueIdentifierEnumeration",
  UnwrapMode: "UnwrapMode",
  UsageLimitsUnit: "UsageLimitsUnit",
  ValidationAuthorityType: "ValidationAuthorityType",
  ValidationType: "ValidationType",
  ValidityIndicator: "ValidityIndicator",
  WrappingMethod: "WrappingMethod",
});

/** Explicit aliases (KMIP XML / Cosmian enum_lookup.rs spellings and Cosmian 1.x names). */
const EXPLICIT_ALIASES: Record<string, Record<string, string>> = {
  CryptographicAlgorithm: { THREEDES: "THREE_DES", "3DES": "THREE_DES", DES3: "THREE_DES", TRIPLE_DES: "THREE_DES" },
  HashingAlgorithm: {
    "SHA-1": "SHA1",
    "SHA-224": "SHA224",
    "SHA-256": "SHA256",
    "SHA-384": "SHA384",
    "SHA-512": "SHA512",
  },
  KeyFormatType: { PKCS_1: "PKCS1", PKCS_8: "PKCS8", X_509: "X509", PKCS_12: "PKCS12", PKCS_10: "PKCS10" },
  CertificateType: { X_509: "X509" },
  MaskGenerator: { MGF1: "MFG1" },
  ResultStatus: { Pending: "OperationPending", Undo: "OperationUndone" },
  RNGAlgorithm: { ANSIX9_31: "ANSI_X931", ANSI_X9_62: "ANSI_X962", FIPS_186_2: "FIPS186_2" },
  PaddingMethod: { ANSIX9_23: "ANSI_X923", PKCS1v1_5: "PKCS1v15" },
  DerivationMethod: {
    NIST800_108_C: "NIST800_108C",
    NIST800_108_F: "NIST800_108F",
    NIST800_108_DPI: "NIST800_108DPI",
    ASYMMETRIC_KEY: "Asymmetric_Key",
  },
  ObjectGroupMember: { GroupMemberFresh: "Group_Member_Fresh", GroupMemberDefault: "Group_Member_Default" },
  KeyCompressionType: { ECPublicKeyTypeX962Compressed: "ECPublicKeyTypeX962CompressedPrime" },
};

function buildAliases(): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = Object.create(null);
  const put = (type: string, alias: string, canonical: string) => {
    if (!(canonical in ENUMS[type])) throw new Error(`enums: alias ${type}.${alias} targets unknown ${canonical}`);
    if (alias !== canonical) (out[type] ??= Object.create(null))[alias] = canonical;
  };
  for (const [type, map] of Object.entries(EXPLICIT_ALIASES)) for (const [a, c] of Object.entries(map)) put(type, a, c);
  // The JS client's spellings are accepted on input too.
  for (const [type, map] of Object.entries(CLIENT_ENUM_NAMES)) {
    for (const [value, clientName] of Object.entries(map)) put(type, clientName, nameByValue(type).get(Number(value))!);
  }
  for (const [a, c] of Object.entries(TAG_ENUMERATION_ALIASES)) put("Tag", a, c);
  return out;
}

const reverse = new Map<string, Map<number, string>>();
function nameByValue(type: string): Map<number, string> {
  let m = reverse.get(type);
  if (!m) {
    m = new Map();
    for (const [name, value] of Object.entries(ENUMS[type] ?? {})) if (!m.has(value)) m.set(value, name);
    reverse.set(type, m);
  }
  return m;
}

/** other accepted variant spellings -> canonical, per enumeration type (SHA_256 -> SHA256, THREEDES -> THREE_DES) */
export const ENUM_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = buildAliases();

const loose = new Map<string, Map<string, string>>();
/** Loose key: case-insensitive, without `_ - . / space`. */
export function looseEnumKey(name: string): string {
  return name.replace(/[\s_\-./]/g, "").toUpperCase();
}
function looseIndex(type: string): Map<string, string> {
  let m = loose.get(type);
  if (!m) {
    m = new Map();
    for (const name of Object.keys(ENUMS[type] ?? {})) if (!m.has(looseEnumKey(name))) m.set(looseEnumKey(name), name);
    for (const [alias, name] of Object.entries(ENUM_ALIASES[type] ?? {})) {
      if (!m.has(looseEnumKey(alias))) m.set(looseEnumKey(alias), name);
    }
    loose.set(type, m);
  }
  return m;
}

/** The enumeration type of a tag (name or alias); an enumeration type name is accepted as well. */
export function enumTypeOf(tag: string): string | undefined {
  const canonical = canonicalTagName(tag) ?? tag;
  return TAG_ENUM[canonical] ?? (canonical in ENUMS ? canonical : undefined);
}

/** The value of an enumeration under `tag`: accepts name, alias, loose spelling, "0x0000000C" hex, number. */
export function enumValue(tag: string, nameOrValue: string | number): number | undefined {
  const type = enumTypeOf(tag);
  if (type === undefined) return undefined;
  const variants = ENUMS[type];
  let n: number | undefined;
  if (typeof nameOrValue === "number") n = nameOrValue;
  else if (/^0x[0-9a-fA-F]{1,8}$/.test(nameOrValue)) n = parseInt(nameOrValue, 16);
  if (n !== undefined) return Number.isInteger(n) && nameByValue(type).has(n) ? n : undefined;
  const name = nameOrValue as string;
  if (Object.hasOwn(variants, name)) return variants[name];
  const alias = ENUM_ALIASES[type]?.[name];
  if (alias !== undefined) return variants[alias];
  const found = looseIndex(type).get(looseEnumKey(name));
  return found === undefined ? undefined : variants[found];
}

/** The canonical (Cosmian 5.x) name of a value under `tag`; undefined when unknown. */
export function enumName(tag: string, value: number): string | undefined {
  const type = enumTypeOf(tag);
  return type === undefined ? undefined : nameByValue(type).get(value);
}

/**
 * The Cosmian JS client's spelling of an enumeration under `tag`, when it differs from ours (else
 * undefined). Fits ttlv.ts EncodeOptions.enumSpelling for replies to that client.
 */
export function clientEnumName(tag: string, name: string): string | undefined {
  const type = enumTypeOf(tag);
  const value = enumValue(tag, name);
  return type === undefined || value === undefined ? undefined : CLIENT_ENUM_NAMES[type]?.[value];
}

// ------------------------------------------------------------------------------------------------
// Bit masks (sent as Integer numbers; the JS client sends CryptographicUsageMask as an Enumeration number)

/** Cryptographic Usage Mask bits (KMIP 2.1; the 1.x-only bits are marked) */
export const USAGE_MASK: Readonly<Record<string, number>> = {
  Sign: 0x0000_0001,
  Verify: 0x0000_0002,
  Encrypt: 0x0000_0004,
  Decrypt: 0x0000_0008,
  WrapKey: 0x0000_0010,
  UnwrapKey: 0x0000_0020,
  Export: 0x0000_0040, // KMIP 1.x
  MACGenerate: 0x0000_0080,
  MACVerify: 0x0000_0100,
  DeriveKey: 0x0000_0200,
  ContentCommitment: 0x0000_0400, // KMIP 1.x
  KeyAgreement: 0x0000_0800,
  CertificateSign: 0x0000_1000,
  CRLSign: 0x0000_2000,
  GenerateCryptogram: 0x0000_4000, // KMIP 1.x
  ValidateCryptogram: 0x0000_8000, // KMIP 1.x
  TranslateEncrypt: 0x0001_0000, // KMIP 1.x
  TranslateDecrypt: 0x0002_0000, // KMIP 1.x
  TranslateWrap: 0x0004_0000, // KMIP 1.x
  TranslateUnwrap: 0x0008_0000, // KMIP 1.x
  Authenticate: 0x0010_0000,
  Unrestricted: 0x0020_0000,
  FPEEncrypt: 0x0040_0000, // the JS client's FPE_Encrypt (not in Cosmian 5.x)
  FPEDecrypt: 0x0080_0000, // the JS client's FPE_Decrypt (not in Cosmian 5.x)
};

/** Storage Status Mask bits (KMIP 2.1 §11; Cosmian StorageStatusMask) */
export const STORAGE_STATUS_MASK: Readonly<Record<string, number>> = {
  OnlineStorage: 0x01,
  ArchivalStorage: 0x02,
  DestroyedStorage: 0x04,
};

/** Protection Storage Mask bits (KMIP 2.1; Cosmian ProtectionStorageMasks) */
export const PROTECTION_STORAGE_MASK: Readonly<Record<string, number>> = {
  Software: 0x0000_0001,
  Hardware: 0x0000_0002,
  OnProcessor: 0x0000_0004,
  OnSystem: 0x0000_0008,
  OffSystem: 0x0000_0010,
  Hypervisor: 0x0000_0020,
  OperatingSystem: 0x0000_0040,
  Container: 0x0000_0080,
  OnPremises: 0x0000_0100,
  OffPremises: 0x0000_0200,
  SelfManaged: 0x0000_0400,
  Outsourced: 0x0000_0800,
  Validated: 0x0000_1000,
  SameJurisdiction: 0x0000_2000,
};

/** mask tag -> its bit table */
export const MASKS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  CryptographicUsageMask: USAGE_MASK,
  StorageStatusMask: STORAGE_STATUS_MASK,
  ProtectionStorageMask: PROTECTION_STORAGE_MASK,
  ProtectionStorageMasks: PROTECTION_STORAGE_MASK,
  CommonProtectionStorageMasks: PROTECTION_STORAGE_MASK,
  PrivateProtectionStorageMasks: PROTECTION_STORAGE_MASK,
  PublicProtectionStorageMasks: PROTECTION_STORAGE_MASK,
};
