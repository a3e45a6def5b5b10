/**
 * KMIP tag table, as data (KMIP 2.1 §11.56 Tag Enumeration, KMIP 1.4 §9.1.3.1, plus the names the
 * Cosmian JSON dialect uses: its spellings of tag names, its extension tags and the tags the
 * cloudproof_kms_js client serialises). The logic that turns these rows into look-up maps is in tags.ts.
 *
 * Sources of the facts: the OASIS KMIP 2.1 and 1.4 specifications (codes, types) and the `Tag`
 * enums of Cosmian KMS 5.26 (`crate/kmip/src/kmip_2_1/kmip_types.rs`, `kmip_1_4/kmip_types.rs`), whose
 * variant spellings are the names below. The "usual type" is what KMIP 2.1 defines, except where the
 * comment says Cosmian emits another type on the wire (we follow Cosmian there, being its drop-in).
 */
import type { TtlvType } from "./tags.ts";

export type TagRow = readonly [name: string, code: number, type: TtlvType];

/** Every KMIP tag: [KMIP name as spelled in Cosmian's `Tag` enum, code, usual TTLV type]. */
export const KMIP_TAGS: readonly TagRow[] = [
  ["ActivationDate", 0x420001, "DateTime"],
  ["ApplicationData", 0x420002, "TextString"],
  ["ApplicationNamespace", 0x420003, "TextString"],
  ["ApplicationSpecificInformation", 0x420004, "Structure"],
  ["ArchiveDate", 0x420005, "DateTime"],
  ["AsynchronousCorrelationValue", 0x420006, "ByteString"],
  ["AsynchronousIndicator", 0x420007, "Enumeration"], // KMIP 1.x: Boolean
  ["Attribute", 0x420008, "Structure"],
  ["AttributeIndex", 0x420009, "Integer"], // KMIP 1.x only
  ["AttributeName", 0x42000a, "TextString"],
  ["AttributeValue", 0x42000b, "TextString"], // type varies with the attribute
  ["Authentication", 0x42000c, "Structure"],
  ["BatchCount", 0x42000d, "Integer"],
  ["BatchErrorContinuationOption", 0x42000e, "Enumeration"],
  ["BatchItem", 0x42000f, "Structure"],
  ["BatchOrderOption", 0x420010, "Boolean"],
  ["BlockCipherMode", 0x420011, "Enumeration"],
  ["CancellationResult", 0x420012, "Enumeration"],
  ["Certificate", 0x420013, "Structure"],
  ["CertificateIdentifier", 0x420014, "Structure"], // KMIP 1.x only
  ["CertificateIssuer", 0x420015, "Structure"], // KMIP 1.x only
  ["CertificateIssuerAlternativeName", 0x420016, "TextString"], // KMIP 1.x only
  ["CertificateIssuerDistinguishedName", 0x420017, "TextString"], // KMIP 1.x only
  ["CertificateRequest", 0x420018, "Structure"], // KMIP 1.x Certify: ByteString
  ["CertificateRequestType", 0x420019, "Enumeration"],
  ["CertificateSubject", 0x42001a, "Structure"], // KMIP 1.x only
  ["CertificateSubjectAlternativeName", 0x42001b, "TextString"], // KMIP 1.x only
  ["CertificateSubjectDistinguishedName", 0x42001c, "TextString"], // KMIP 1.x only
  ["CertificateType", 0x42001d, "Enumeration"],
  ["CertificateValue", 0x42001e, "ByteString"],
  ["CommonTemplateAttribute", 0x42001f, "Structure"], // KMIP 1.x only
  ["CompromiseDate", 0x420020, "DateTime"],
  ["CompromiseOccurrenceDate", 0x420021, "DateTime"],
  ["ContactInformation", 0x420022, "TextString"],
  ["Credential", 0x420023, "Structure"],
  ["CredentialType", 0x420024, "Enumeration"],
  ["CredentialValue", 0x420025, "Structure"], // ByteString for some credential types
  ["CriticalityIndicator", 0x420026, "Boolean"],
  ["CRTCoefficient", 0x420027, "BigInteger"],
  ["CryptographicAlgorithm", 0x420028, "Enumeration"],
  ["CryptographicDomainParameters", 0x420029, "Structure"],
  ["CryptographicLength", 0x42002a, "Integer"],
  ["CryptographicParameters", 0x42002b, "Structure"],
  ["CryptographicUsageMask", 0x42002c, "Integer"],
  ["CustomAttribute", 0x42002d, "TextString"], // KMIP 1.x only
  ["D", 0x42002e, "BigInteger"],
  ["DeactivationDate", 0x42002f, "DateTime"],
  ["DerivationData", 0x420030, "ByteString"],
  ["DerivationMethod", 0x420031, "Enumeration"],
  ["DerivationParameters", 0x420032, "Structure"],
  ["DestroyDate", 0x420033, "DateTime"],
  ["Digest", 0x420034, "Structure"],
  ["DigestValue", 0x420035, "ByteString"],
  ["EncryptionKeyInformation", 0x420036, "Structure"],
  ["G", 0x420037, "BigInteger"],
  ["HashingAlgorithm", 0x420038, "Enumeration"],
  ["InitialDate", 0x420039, "DateTime"],
  ["InitializationVector", 0x42003a, "ByteString"],
  ["Issuer", 0x42003b, "TextString"], // KMIP 1.x only
  ["IterationCount", 0x42003c, "Integer"],
  ["IVCounterNonce", 0x42003d, "ByteString"], // Cosmian JS client: IvCounterNonce
  ["J", 0x42003e, "BigInteger"],
  ["Key", 0x42003f, "ByteString"],
  ["KeyBlock", 0x420040, "Structure"],
  ["KeyCompressionType", 0x420041, "Enumeration"],
  ["KeyFormatType", 0x420042, "Enumeration"],
  ["KeyMaterial", 0x420043, "ByteString"], // Structure for transparent key formats
  ["KeyPartIdentifier", 0x420044, "Integer"],
  ["KeyValue", 0x420045, "Structure"], // ByteString when the key is wrapped
  ["KeyWrappingData", 0x420046, "Structure"],
  ["KeyWrappingSpecification", 0x420047, "Structure"],
  ["LastChangeDate", 0x420048, "DateTime"],
  ["LeaseTime", 0x420049, "Interval"],
  ["Link", 0x42004a, "Structure"],
  ["LinkType", 0x42004b, "Enumeration"],
  ["LinkedObjectIdentifier", 0x42004c, "TextString"],
  ["MACSignature", 0x42004d, "ByteString"],
  ["MACSignatureKeyInformation", 0x42004e, "Structure"],
  ["MaximumItems", 0x42004f, "Integer"],
  ["MaximumResponseSize", 0x420050, "Integer"],
  ["MessageExtension", 0x420051, "Structure"],
  ["Modulus", 0x420052, "BigInteger"],
  ["Name", 0x420053, "Structure"],
  ["NameType", 0x420054, "Enumeration"],
  ["NameValue", 0x420055, "TextString"],
  ["ObjectGroup", 0x420056, "TextString"],
  ["ObjectType", 0x420057, "Enumeration"],
  ["Offset", 0x420058, "Interval"],
  ["OpaqueDataType", 0x420059, "Enumeration"],
  ["OpaqueDataValue", 0x42005a, "ByteString"],
  ["OpaqueObject", 0x42005b, "Structure"],
  ["Operation", 0x42005c, "Enumeration"],
  ["OperationPolicyName", 0x42005d, "TextString"], // KMIP 1.x only
  ["P", 0x42005e, "BigInteger"],
  ["PaddingMethod", 0x42005f, "Enumeration"],
  ["PrimeExponentP", 0x420060, "BigInteger"],
  ["PrimeExponentQ", 0x420061, "BigInteger"],
  ["PrimeFieldSize", 0x420062, "BigInteger"],
  ["PrivateExponent", 0x420063, "BigInteger"],
  ["PrivateKey", 0x420064, "Structure"],
  ["PrivateKeyTemplateAttribute", 0x420065, "Structure"], // KMIP 1.x only
  ["PrivateKeyUniqueIdentifier", 0x420066, "TextString"],
  ["ProcessStartDate", 0x420067, "DateTime"],
  ["ProtectStopDate", 0x420068, "DateTime"],
  ["ProtocolVersion", 0x420069, "Structure"],
  ["ProtocolVersionMajor", 0x42006a, "Integer"],
  ["ProtocolVersionMinor", 0x42006b, "Integer"],
  ["PublicExponent", 0x42006c, "BigInteger"],
  ["PublicKey", 0x42006d, "Structure"],
  ["PublicKeyTemplateAttribute", 0x42006e, "Structure"], // KMIP 1.x only
  ["PublicKeyUniqueIdentifier", 0x42006f, "TextString"],
  ["PutFunction", 0x420070, "Enumeration"],
  ["Q", 0x420071, "BigInteger"],
  ["QString", 0x420072, "ByteString"],
  ["Qlength", 0x420073, "Integer"],
  ["QueryFunction", 0x420074, "Enumeration"],
  ["RecommendedCurve", 0x420075, "Enumeration"],
  ["ReplacedUniqueIdentifier", 0x420076, "TextString"],
  ["RequestHeader", 0x420077, "Structure"],
  ["RequestMessage", 0x420078, "Structure"],
  ["RequestPayload", 0x420079, "Structure"],
  ["ResponseHeader", 0x42007a, "Structure"],
  ["ResponseMessage", 0x42007b, "Structure"],
  ["ResponsePayload", 0x42007c, "Structure"],
  ["ResultMessage", 0x42007d, "TextString"],
  ["ResultReason", 0x42007e, "Enumeration"],
  ["ResultStatus", 0x42007f, "Enumeration"],
  ["RevocationMessage", 0x420080, "TextString"],
  ["RevocationReason", 0x420081, "Structure"],
  ["RevocationReasonCode", 0x420082, "Enumeration"],
  ["KeyRoleType", 0x420083, "Enumeration"],
  ["Salt", 0x420084, "ByteString"],
  ["SecretData", 0x420085, "Structure"],
  ["SecretDataType", 0x420086, "Enumeration"],
  ["SerialNumber", 0x420087, "TextString"], // KMIP 1.x only
  ["ServerInformation", 0x420088, "Structure"],
  ["SplitKey", 0x420089, "Structure"],
  ["SplitKeyMethod", 0x42008a, "Enumeration"],
  ["SplitKeyParts", 0x42008b, "Integer"],
  ["SplitKeyThreshold", 0x42008c, "Integer"],
  ["State", 0x42008d, "Enumeration"],
  ["StorageStatusMask", 0x42008e, "Integer"],
  ["SymmetricKey", 0x42008f, "Structure"],
  ["Template", 0x420090, "Structure"], // KMIP 1.x only
  ["TemplateAttribute", 0x420091, "Structure"], // KMIP 1.x only
  ["TimeStamp", 0x420092, "DateTime"],
  ["UniqueBatchItemID", 0x420093, "ByteString"],
  ["UniqueIdentifier", 0x420094, "TextString"],
  ["UsageLimits", 0x420095, "Structure"],
  ["UsageLimitsCount", 0x420096, "LongInteger"],
  ["UsageLimitsTotal", 0x420097, "LongInteger"],
  ["UsageLimitsUnit", 0x420098, "Enumeration"],
  ["Username", 0x420099, "TextString"],
  ["ValidityDate", 0x42009a, "DateTime"],
  ["ValidityIndicator", 0x42009b, "Enumeration"],
  ["VendorExtension", 0x42009c, "Structure"],
  ["VendorIdentification", 0x42009d, "TextString"],
  ["WrappingMethod", 0x42009e, "Enumeration"],
  ["X", 0x42009f, "BigInteger"],
  ["Y", 0x4200a0, "BigInteger"],
  ["Password", 0x4200a1, "TextString"],
  ["DeviceIdentifier", 0x4200a2, "TextString"],
  ["EncodingOption", 0x4200a3, "Enumeration"],
  ["ExtensionInformation", 0x4200a4, "Structure"],
  ["ExtensionName", 0x4200a5, "TextString"],
  ["ExtensionTag", 0x4200a6, "Integer"],
  ["ExtensionType", 0x4200a7, "Integer"],
  ["Fresh", 0x4200a8, "Boolean"],
  ["MachineIdentifier", 0x4200a9, "TextString"],
  ["MediaIdentifier", 0x4200aa, "TextString"],
  ["NetworkIdentifier", 0x4200ab, "TextString"],
  ["ObjectGroupMember", 0x4200ac, "Enumeration"],
  ["CertificateLength", 0x4200ad, "Integer"],
  ["DigitalSignatureAlgorithm", 0x4200ae, "Enumeration"],
  ["CertificateSerialNumber", 0x4200af, "ByteString"],
  ["DeviceSerialNumber", 0x4200b0, "TextString"],
  ["IssuerAlternativeName", 0x4200b1, "ByteString"],
  ["IssuerDistinguishedName", 0x4200b2, "ByteString"],
  ["SubjectAlternativeName", 0x4200b3, "ByteString"],
  ["SubjectDistinguishedName", 0x4200b4, "ByteString"],
  ["X509CertificateIdentifier", 0x4200b5, "Structure"],
  ["X509CertificateIssuer", 0x4200b6, "Structure"],
  ["X509CertificateSubject", 0x4200b7, "Structure"],
  ["KeyValueLocation", 0x4200b8, "Structure"], // Cosmian puts a KeyValueLocationType Enumeration here
  ["KeyValueLocationValue", 0x4200b9, "TextString"],
  ["KeyValueLocationType", 0x4200ba, "Enumeration"],
  ["KeyValuePresent", 0x4200bb, "Boolean"],
  ["OriginalCreationDate", 0x4200bc, "DateTime"],
  ["PGPKey", 0x4200bd, "Structure"],
  ["PGPKeyVersion", 0x4200be, "Integer"],
  ["AlternativeName", 0x4200bf, "Structure"],
  ["AlternativeNameValue", 0x4200c0, "TextString"],
  ["AlternativeNameType", 0x4200c1, "Enumeration"],
  ["Data", 0x4200c2, "ByteString"],
  ["SignatureData", 0x4200c3, "ByteString"],
  ["DataLength", 0x4200c4, "Integer"],
  ["RandomIV", 0x4200c5, "Boolean"],
  ["MACData", 0x4200c6, "ByteString"],
  ["AttestationType", 0x4200c7, "Enumeration"],
  ["Nonce", 0x4200c8, "Structure"],
  ["NonceID", 0x4200c9, "ByteString"],
  ["NonceValue", 0x4200ca, "ByteString"],
  ["AttestationMeasurement", 0x4200cb, "ByteString"],
  ["AttestationAssertion", 0x4200cc, "ByteString"],
  ["IVLength", 0x4200cd, "Integer"],
  ["TagLength", 0x4200ce, "Integer"],
  ["FixedFieldLength", 0x4200cf, "Integer"],
  ["CounterLength", 0x4200d0, "Integer"],
  ["InitialCounterValue", 0x4200d1, "Integer"],
  ["InvocationFieldLength", 0x4200d2, "Integer"],
  ["AttestationCapableIndicator", 0x4200d3, "Boolean"],
  ["OffsetItems", 0x4200d4, "Integer"],
  ["LocatedItems", 0x4200d5, "Integer"],
  ["CorrelationValue", 0x4200d6, "ByteString"],
  ["InitIndicator", 0x4200d7, "Boolean"],
  ["FinalIndicator", 0x4200d8, "Boolean"],
  ["RNGParameters", 0x4200d9, "Structure"],
  ["RNGAlgorithm", 0x4200da, "Enumeration"],
  ["DRBGAlgorithm", 0x4200db, "Enumeration"],
  ["FIPS186Variation", 0x4200dc, "Enumeration"],
  ["PredictionResistance", 0x4200dd, "Boolean"],
  ["RandomNumberGenerator", 0x4200de, "Structure"],
  ["ValidationInformation", 0x4200df, "Structure"],
  ["ValidationAuthorityType", 0x4200e0, "Enumeration"],
  ["ValidationAuthorityCountry", 0x4200e1, "TextString"],
  ["ValidationAuthorityURI", 0x4200e2, "TextString"],
  ["ValidationVersionMajor", 0x4200e3, "Integer"],
  ["ValidationVersionMinor", 0x4200e4, "Integer"],
  ["ValidationType", 0x4200e5, "Enumeration"],
  ["ValidationLevel", 0x4200e6, "Integer"],
  ["ValidationCertificateIdentifier", 0x4200e7, "TextString"],
  ["ValidationCertificateURI", 0x4200e8, "TextString"],
  ["ValidationVendorURI", 0x4200e9, "TextString"],
  ["ValidationProfile", 0x4200ea, "TextString"],
  ["ProfileInformation", 0x4200eb, "Structure"],
  ["ProfileName", 0x4200ec, "Enumeration"],
  ["ServerURI", 0x4200ed, "TextString"],
  ["ServerPort", 0x4200ee, "Integer"],
  ["StreamingCapability", 0x4200ef, "Boolean"],
  ["AsynchronousCapability", 0x4200f0, "Boolean"],
  ["AttestationCapability", 0x4200f1, "Boolean"],
  ["UnwrapMode", 0x4200f2, "Enumeration"],
  ["DestroyAction", 0x4200f3, "Enumeration"],
  ["ShreddingAlgorithm", 0x4200f4, "Enumeration"],
  ["RNGMode", 0x4200f5, "Enumeration"],
  ["ClientRegistrationMethod", 0x4200f6, "Enumeration"],
  ["CapabilityInformation", 0x4200f7, "Structure"],
  ["KeyWrapType", 0x4200f8, "Enumeration"],
  ["BatchUndoCapability", 0x4200f9, "Boolean"],
  ["BatchContinueCapability", 0x4200fa, "Boolean"],
  ["PKCS12FriendlyName", 0x4200fb, "TextString"],
  ["Description", 0x4200fc, "TextString"],
  ["Comment", 0x4200fd, "TextString"],
  ["AuthenticatedEncryptionAdditionalData", 0x4200fe, "ByteString"],
  ["AuthenticatedEncryptionTag", 0x4200ff, "ByteString"],
  ["SaltLength", 0x420100, "Integer"],
  ["MaskGenerator", 0x420101, "Enumeration"],
  ["MaskGeneratorHashingAlgorithm", 0x420102, "Enumeration"],
  ["PSource", 0x420103, "ByteString"],
  ["TrailerField", 0x420104, "Integer"],
  ["ClientCorrelationValue", 0x420105, "TextString"],
  ["ServerCorrelationValue", 0x420106, "TextString"],
  ["DigestedData", 0x420107, "ByteString"],
  ["CertificateSubjectCN", 0x420108, "TextString"],
  ["CertificateSubjectO", 0x420109, "TextString"],
  ["CertificateSubjectOU", 0x42010a, "TextString"],
  ["CertificateSubjectEmail", 0x42010b, "TextString"],
  ["CertificateSubjectC", 0x42010c, "TextString"],
  ["CertificateSubjectST", 0x42010d, "TextString"],
  ["CertificateSubjectL", 0x42010e, "TextString"],
  ["CertificateSubjectUID", 0x42010f, "TextString"],
  ["CertificateSubjectSerialNumber", 0x420110, "TextString"],
  ["CertificateSubjectTitle", 0x420111, "TextString"],
  ["CertificateSubjectDC", 0x420112, "TextString"],
  ["CertificateSubjectDNQualifier", 0x420113, "TextString"],
  ["CertificateIssuerCN", 0x420114, "TextString"],
  ["CertificateIssuerO", 0x420115, "TextString"],
  ["CertificateIssuerOU", 0x420116, "TextString"],
  ["CertificateIssuerEmail", 0x420117, "TextString"],
  ["CertificateIssuerC", 0x420118, "TextString"],
  ["CertificateIssuerST", 0x420119, "TextString"],
  ["CertificateIssuerL", 0x42011a, "TextString"],
  ["CertificateIssuerUID", 0x42011b, "TextString"],
  ["CertificateIssuerSerialNumber", 0x42011c, "TextString"],
  ["CertificateIssuerTitle", 0x42011d, "TextString"],
  ["CertificateIssuerDC", 0x42011e, "TextString"],
  ["CertificateIssuerDNQualifier", 0x42011f, "TextString"],
  ["Sensitive", 0x420120, "Boolean"],
  ["AlwaysSensitive", 0x420121, "Boolean"],
  ["Extractable", 0x420122, "Boolean"],
  ["NeverExtractable", 0x420123, "Boolean"],
  ["ReplaceExisting", 0x420124, "Boolean"],
  ["Attributes", 0x420125, "Structure"],
  ["CommonAttributes", 0x420126, "Structure"],
  ["PrivateKeyAttributes", 0x420127, "Structure"],
  ["PublicKeyAttributes", 0x420128, "Structure"],
  ["ExtensionEnumeration", 0x420129, "Integer"],
  ["ExtensionAttribute", 0x42012a, "Boolean"],
  ["ExtensionParentStructureTag", 0x42012b, "Integer"],
  ["ExtensionDescription", 0x42012c, "TextString"],
  ["ServerName", 0x42012d, "TextString"],
  ["ServerSerialNumber", 0x42012e, "TextString"],
  ["ServerVersion", 0x42012f, "TextString"],
  ["ServerLoad", 0x420130, "TextString"],
  ["ProductName", 0x420131, "TextString"],
  ["BuildLevel", 0x420132, "TextString"],
  ["BuildDate", 0x420133, "TextString"],
  ["ClusterInfo", 0x420134, "TextString"],
  ["AlternateFailoverEndpoints", 0x420135, "TextString"],
  ["ShortUniqueIdentifier", 0x420136, "ByteString"],
  ["Reserved", 0x420137, "Structure"], // reserved by KMIP
  ["Tag", 0x420138, "Enumeration"],
  ["CertificateRequestUniqueIdentifier", 0x420139, "TextString"],
  ["NISTKeyType", 0x42013a, "Enumeration"],
  ["AttributeReference", 0x42013b, "Enumeration"], // Structure for a vendor attribute reference
  ["CurrentAttribute", 0x42013c, "Structure"],
  ["NewAttribute", 0x42013d, "Structure"],
  ["CertificateRequestValue", 0x420140, "ByteString"],
  ["LogMessage", 0x420141, "TextString"],
  ["ProfileVersion", 0x420142, "Structure"],
  ["ProfileVersionMajor", 0x420143, "Integer"],
  ["ProfileVersionMinor", 0x420144, "Integer"],
  ["ProtectionLevel", 0x420145, "Enumeration"],
  ["ProtectionPeriod", 0x420146, "LongInteger"], // KMIP: Interval; Cosmian emits LongInteger
  ["QuantumSafe", 0x420147, "Boolean"],
  ["QuantumSafeCapability", 0x420148, "Boolean"],
  ["Ticket", 0x420149, "Structure"],
  ["TicketType", 0x42014a, "Enumeration"],
  ["TicketValue", 0x42014b, "ByteString"],
  ["RequestCount", 0x42014c, "Integer"],
  ["Rights", 0x42014d, "Structure"],
  ["Objects", 0x42014e, "Structure"],
  ["Operations", 0x42014f, "Structure"],
  ["Right", 0x420150, "Structure"],
  ["EndpointRole", 0x420151, "Enumeration"],
  ["DefaultsInformation", 0x420152, "Structure"],
  ["ObjectDefaults", 0x420153, "Structure"],
  ["Ephemeral", 0x420154, "Boolean"],
  ["ServerHashedPassword", 0x420155, "ByteString"],
  ["OneTimePassword", 0x420156, "TextString"],
  ["HashedPassword", 0x420157, "ByteString"],
  ["AdjustmentType", 0x420158, "Enumeration"],
  ["PKCS11Interface", 0x420159, "TextString"],
  ["PKCS11Function", 0x42015a, "Enumeration"],
  ["PKCS11InputParameters", 0x42015b, "ByteString"],
  ["PKCS11OutputParameters", 0x42015c, "ByteString"],
  ["PKCS11ReturnCode", 0x42015d, "Enumeration"],
  ["ProtectionStorageMask", 0x42015e, "Integer"],
  ["ProtectionStorageMasks", 0x42015f, "Integer"], // KMIP: Structure of ProtectionStorageMask; Cosmian: Integer mask
  ["InteropFunction", 0x420160, "Enumeration"],
  ["InteropIdentifier", 0x420161, "TextString"],
  ["AdjustmentValue", 0x420162, "Integer"], // type varies (Integer, LongInteger, BigInteger, DateTime, Interval)
  ["CommonProtectionStorageMasks", 0x420163, "Integer"], // KMIP: Structure; Cosmian: Integer mask
  ["PrivateProtectionStorageMasks", 0x420164, "Integer"], // KMIP: Structure; Cosmian: Integer mask
  ["PublicProtectionStorageMasks", 0x420165, "Integer"], // KMIP: Structure; Cosmian: Integer mask
  ["ObjectGroups", 0x420166, "Structure"],
  ["ObjectTypes", 0x420167, "Structure"],
  ["Constraints", 0x420168, "Structure"],
  ["Constraint", 0x420169, "Structure"],
  ["RotateInterval", 0x42016a, "LongInteger"], // KMIP: Interval; Cosmian emits LongInteger
  ["RotateAutomatic", 0x42016b, "Boolean"],
  ["RotateOffset", 0x42016c, "LongInteger"], // KMIP: Interval; Cosmian emits LongInteger
  ["RotateDate", 0x42016d, "DateTime"],
  ["RotateGeneration", 0x42016e, "Integer"],
  ["RotateName", 0x42016f, "TextString"],
  ["RotateNameValue", 0x420170, "TextString"],
  ["RotateNameType", 0x420171, "Enumeration"],
  ["RotateLatest", 0x420172, "Boolean"],
  ["CertificateAttributes", 0x540001, "Structure"], // Cosmian extension (KMIP extension range 0x54xxxx)
];

/**
 * Where Cosmian's JSON field name differs from the KMIP tag name (serde PascalCase of the Rust field),
 * the Cosmian spelling is the canonical one: we decode it, and we emit it, because Cosmian's
 * typed deserializer matches field names exactly. The KMIP spelling stays accepted as an alias, and
 * is still the name used inside the `Tag` enumeration (AttributeReference), as Cosmian does.
 */
export const COSMIAN_SPELLINGS: Readonly<Record<string, string>> = {
  IVLength: "IvLength", // CryptographicParameters.iv_length
  RandomIV: "RandomIv", // CryptographicParameters.random_iv
  PKCS12FriendlyName: "Pkcs12FriendlyName",
  NISTKeyType: "NistKeyType",
  MACSignature: "MacSignature", // KeyWrappingData.mac_signature
  MACSignatureKeyInformation: "MacSignatureKeyInformation", // KeyWrappingData
  DRBGAlgorithm: "DrbgAlgorithm",
  FIPS186Variation: "Fips186Variation",
  RNGParameters: "RngParameters", // QueryResponse.rng_parameters
  RNGMode: "RngMode", // CapabilityInformation.rng_mode
  ServerURI: "ServerUri",
  ValidationAuthorityURI: "ValidationAuthorityUri",
  ValidationCertificateURI: "ValidationCertificateUri",
  ValidationVendorURI: "ValidationVendorUri",
  NonceID: "NonceId",
  AlternateFailoverEndpoints: "AlternativeFailoverEndpoints", // ServerInformation
  CertificateSubjectCN: "CertificateSubjectCn", // CertificateAttributes (0x540001) fields
  CertificateSubjectOU: "CertificateSubjectOu",
  CertificateSubjectST: "CertificateSubjectSt",
  CertificateSubjectUID: "CertificateSubjectUid",
  CertificateSubjectDC: "CertificateSubjectDc",
  CertificateSubjectDNQualifier: "CertificateSubjectDnQualifier",
  CertificateIssuerCN: "CertificateIssuerCn",
  CertificateIssuerOU: "CertificateIssuerOu",
  CertificateIssuerST: "CertificateIssuerSt",
  CertificateIssuerUID: "CertificateIssuerUid",
  CertificateIssuerDC: "CertificateIssuerDc",
  CertificateIssuerDNQualifier: "CertificateIssuerDnQualifier",
};

/**
 * Further spellings accepted on input, mapped to the canonical name. They name the same field.
 *
 * IVCounterNonce: the canonical name is the KMIP one, `IVCounterNonce`, because Cosmian 5.x both
 * emits and requires it (Rust field `i_v_counter_nonce`, and the conformance corpus uses it 78 times);
 * `IvCounterNonce` is what the Cosmian JS client (cloudproof_kms_js 4.0.0, made for Cosmian 4.x)
 * sends and, more importantly, the only spelling it reads back (it lower-cases the first letter of a
 * tag to find the property `ivCounterNonce`). Both decode to `IVCounterNonce`; replies to that client
 * must rename it, see CLIENT_TAG_NAMES in tags.ts.
 */
export const EXTRA_TAG_ALIASES: Readonly<Record<string, string>> = {
  IvCounterNonce: "IVCounterNonce", // Cosmian JS client, Cosmian 4.x
  MacOrSignature: "MacSignature", // Cosmian JS client KeyWrappingData
  MacOrSignatureKeyInformation: "MacSignatureKeyInformation", // Cosmian KeyWrappingSpecification, JS client
  PgpKeyVersion: "PGPKeyVersion", // Cosmian JS client PGPKey
  QLength: "Qlength", // KMIP "Q Length"; Cosmian and the JS client spell Qlength
  RngAlgorithm: "RNGAlgorithm", // Cosmian RNGParameters (RandomNumberGenerator renames it to RNGAlgorithm)
  MacData: "MACData",
  // Operation roots: Cosmian's dispatcher and vector runner accept "Mac" for MAC
  Mac: "MAC",
  MacResponse: "MACResponse",
  MacVerify: "MACVerify",
  MacVerifyResponse: "MACVerifyResponse",
};

/**
 * Field names that Cosmian uses in one structure for a KMIP tag of another name (mostly list fields).
 * They are distinct names (not aliases), sharing the KMIP code; tagNameOf(code) gives the KMIP one.
 */
export const CONTEXT_TAGS: readonly TagRow[] = [
  ["ApplicationNamespaces", 0x420003, "TextString"], // QueryResponse.application_namespaces
  ["AttestationTypes", 0x4200c7, "Enumeration"], // QueryResponse.attestation_types
  ["ProfilesInformation", 0x4200eb, "Structure"], // QueryResponse.profiles_information
  ["AttributeReferences", 0x42013b, "Enumeration"], // DeleteAttribute.attribute_references
  ["AmountOfSeedData", 0x4200c4, "Integer"], // RNGSeedResponse (KMIP: Data Length)
  ["ValidityTime", 0x42009a, "TextString"], // Validate.validity_time, a TextString (KMIP: Validity Date)
];

/**
 * Names with no KMIP tag at all: Cosmian extensions, and the pseudo-tags of Cosmian 4.x and of its JS
 * client. They get private codes 0x54FF01... (inside the KMIP extension range 0x54xxxx, far from
 * Cosmian's 0x540001) so that every name has a code; these codes mean nothing to another implementation.
 */
export const PSEUDO_TAG_BASE = 0x54ff00;
export const PSEUDO_TAGS: readonly (readonly [name: string, type: TtlvType])[] = [
  ["Object", "Structure"], // v4 and JS client: managed object, its type given by the sibling ObjectType
  ["ByteString", "ByteString"], // JS client: KeyMaterial{ByteString} for Raw / CoverCrypt key formats
  ["VendorAttributes", "Structure"], // v4 and JS client: wrapper and items of vendor attributes
  ["EchoedAttribute", "Structure"], // Cosmian DeleteAttributeResponse / ModifyAttributeResponse
  ["ObjectUniqueIdentifier", "TextString"], // Cosmian DeriveKey
  ["Cascade", "Boolean"], // Cosmian Destroy / Revoke
  ["Remove", "Boolean"], // Cosmian Destroy
  ["ExpectedObjectType", "Enumeration"], // Cosmian Destroy
  ["Critical", "Boolean"], // Cosmian Attributes
  ["Signature", "ByteString"], // seen in Cosmian's negative vectors (SignatureVerify); Cosmian ignores it
];
