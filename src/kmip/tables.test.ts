/**
 * Tests of the KMIP tag and enumeration tables (tags.ts, enums.ts): exact values from KMIP 2.1 and
 * Cosmian, aliases and hex forms, internal consistency, the Cosmian JS client's own enum tables, and
 * coverage of Cosmian's conformance corpus (every tag and enumeration value its requests use).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  CLIENT_ENUM_NAMES,
  clientEnumName,
  ENUM_ALIASES,
  enumName,
  ENUMS,
  enumTypeOf,
  enumValue,
  looseEnumKey,
  MASKS,
  TAG_ENUM,
  USAGE_MASK,
} from "./enums.ts";
import { canonicalTagName, OPERATION_NAMES, PSEUDO_TAG_NAMES, TAG_ALIASES, tagCode, tagNameOf, TAGS } from "./tags.ts";

describe("tags", () => {
  it("has the KMIP 2.1 codes", () => {
    expect(tagCode("UniqueIdentifier")).toBe(0x420094);
    expect(tagCode("ActivationDate")).toBe(0x420001);
    expect(tagCode("Key")).toBe(0x42003f);
    expect(tagCode("KeyMaterial")).toBe(0x420043);
    expect(tagCode("Qlength")).toBe(0x420073);
    expect(tagCode("TagLength")).toBe(0x4200ce);
    expect(tagCode("PSource")).toBe(0x420103);
    expect(tagCode("Attributes")).toBe(0x420125);
    expect(tagCode("AttributeReference")).toBe(0x42013b);
    expect(tagCode("RotateLatest")).toBe(0x420172);
    expect(tagCode("RotateNameType")).toBe(0x420171);
    expect(tagCode("TemplateAttribute")).toBe(0x420091); // KMIP 1.x, used by the corpus
    expect(tagCode("CertificateAttributes")).toBe(0x540001); // Cosmian extension
    expect(TAGS.UniqueIdentifier).toEqual([0x420094, "TextString"]);
    expect(TAGS.CryptographicUsageMask).toEqual([0x42002c, "Integer"]);
    expect(TAGS.IVCounterNonce).toEqual([0x42003d, "ByteString"]);
  });

  it("uses Cosmian's JSON spellings as canonical names and accepts the KMIP ones", () => {
    expect(TAGS.IvLength).toEqual([0x4200cd, "Integer"]);
    expect(TAGS.RandomIv).toEqual([0x4200c5, "Boolean"]);
    expect(TAGS.CertificateSubjectCn).toEqual([0x420108, "TextString"]);
    expect(canonicalTagName("IVLength")).toBe("IvLength");
    expect(canonicalTagName("RandomIV")).toBe("RandomIv");
    expect(canonicalTagName("CertificateIssuerDNQualifier")).toBe("CertificateIssuerDnQualifier");
    expect(canonicalTagName("PKCS12FriendlyName")).toBe("Pkcs12FriendlyName");
    expect("IVLength" in TAGS).toBe(false);
  });

  it("decodes both IVCounterNonce spellings to one field", () => {
    expect(canonicalTagName("IVCounterNonce")).toBe("IVCounterNonce");
    expect(canonicalTagName("IvCounterNonce")).toBe("IVCounterNonce");
    expect(tagCode("IvCounterNonce")).toBe(0x42003d);
  });

  it("has the aliases of the JS client and of Cosmian's dispatcher", () => {
    expect(TAG_ALIASES.Mac).toBe("MAC");
    expect(TAG_ALIASES.MacVerify).toBe("MACVerify");
    expect(canonicalTagName("MacOrSignatureKeyInformation")).toBe("MacSignatureKeyInformation");
    expect(canonicalTagName("MACSignature")).toBe("MacSignature");
    expect(canonicalTagName("PgpKeyVersion")).toBe("PGPKeyVersion");
    expect(canonicalTagName("NoSuchTag")).toBeUndefined();
    expect(tagCode("NoSuchTag")).toBeUndefined();
  });

  it("maps codes back to names (hex tags in input)", () => {
    expect(tagNameOf(0x420094)).toBe("UniqueIdentifier");
    expect(tagNameOf(0x4200cd)).toBe("IvLength");
    expect(tagNameOf(0x42003d)).toBe("IVCounterNonce");
    expect(tagNameOf(0x420079)).toBe("RequestPayload"); // never an operation name
    expect(tagNameOf(0x42007c)).toBe("ResponsePayload");
    expect(tagNameOf(0x42013b)).toBe("AttributeReference"); // not the context name AttributeReferences
    expect(tagNameOf(0x540001)).toBe("CertificateAttributes");
    expect(tagNameOf(0x42013e)).toBeUndefined(); // reserved
    for (const [, [code]] of Object.entries(TAGS)) expect(tagCode(tagNameOf(code)!)).toBe(code);
  });

  it("has operation roots, responses, message tags and the pseudo-tags", () => {
    expect(OPERATION_NAMES).toHaveLength(59);
    for (const op of ["Create", "Get", "MAC", "ReKeyKeyPair", "Ping"]) {
      expect(TAGS[op]).toEqual([0x420079, "Structure"]);
      expect(TAGS[`${op}Response`]).toEqual([0x42007c, "Structure"]);
    }
    for (const t of ["RequestMessage", "ResponseMessage", "BatchItem", "RequestHeader", "ResponsePayload"])
      expect(TAGS[t]).toBeDefined();
    for (const t of ["Object", "ByteString", "VendorAttributes", "EchoedAttribute", "Cascade"]) {
      expect(PSEUDO_TAG_NAMES.has(t)).toBe(true);
      expect(TAGS[t][0] & 0xffff00).toBe(0x54ff00);
    }
    expect(TAGS.ByteString[1]).toBe("ByteString");
  });
});

describe("enumerations", () => {
  it("has the KMIP 2.1 and Cosmian values", () => {
    expect(enumValue("CryptographicAlgorithm", "AES")).toBe(3);
    expect(enumValue("CryptographicAlgorithm", "ChaCha20")).toBe(28);
    expect(enumValue("CryptographicAlgorithm", "ChaCha20Poly1305")).toBe(30);
    expect(enumValue("CryptographicAlgorithm", "CoverCrypt")).toBe(0x88800004);
    expect(enumValue("CryptographicAlgorithm", "CoverCryptBulk")).toBe(0x88800005);
    expect(enumValue("CryptographicAlgorithm", "FPE_FF1")).toBe(0x88800001);
    expect(enumValue("CryptographicAlgorithm", "SHA3256")).toBe(0x20);
    expect(enumValue("HashingAlgorithm", "SHA3256")).toBe(0x0f); // same name, other enumeration
    expect(enumValue("HashingAlgorithm", "SHA256")).toBe(6);
    expect(enumValue("KeyFormatType", "TransparentSymmetricKey")).toBe(7);
    expect(enumValue("KeyFormatType", "CoverCryptSecretKey")).toBe(0x8880000c);
    expect(enumValue("KeyFormatType", "CoverCryptPublicKey")).toBe(0x8880000d);
    expect(enumValue("ObjectType", "SymmetricKey")).toBe(2);
    expect(enumValue("ResultReason", "Item_Not_Found")).toBe(1);
    expect(enumValue("ResultReason", "General_Failure")).toBe(0x100);
    expect(enumValue("ResultStatus", "Success")).toBe(0);
    expect(enumValue("State", "PreActive")).toBe(1);
    expect(enumValue("State", "Destroyed_Compromised")).toBe(6);
    expect(enumValue("RecommendedCurve", "CURVEED25519")).toBe(0x80000001);
    expect(enumValue("LinkType", "ParentLink")).toBe(0x108);
    expect(enumValue("Operation", "MAC")).toBe(0x23);
    expect(enumValue("BlockCipherMode", "GCM")).toBe(9);
    expect(enumValue("UniqueIdentifier", "IDPlaceholder")).toBe(1);
    expect(enumValue("AttributeReference", "State")).toBe(0x42008d);
    expect(
      USAGE_MASK.Encrypt | USAGE_MASK.Decrypt | USAGE_MASK.WrapKey | USAGE_MASK.UnwrapKey | USAGE_MASK.KeyAgreement,
    ).toBe(2108);
    expect(MASKS.CryptographicUsageMask).toBe(USAGE_MASK);
  });

  it("accepts aliases, loose spellings, numbers and hex, and rejects unknown ones", () => {
    expect(enumValue("HashingAlgorithm", "SHA_256")).toBe(6);
    expect(ENUM_ALIASES.HashingAlgorithm.SHA_256).toBe("SHA256");
    expect(enumValue("CryptographicAlgorithm", "THREEDES")).toBe(2);
    expect(enumValue("CryptographicAlgorithm", "3DES")).toBe(2);
    expect(ENUM_ALIASES.CryptographicAlgorithm.THREEDES).toBe("THREE_DES");
    expect(enumValue("RecommendedCurve", "P-256")).toBe(7);
    expect(enumValue("MaskGenerator", "MGF1")).toBe(1);
    expect(enumValue("DigitalSignatureAlgorithm", "ECDSA_with_SHA256")).toBe(14);
    expect(enumValue("ResultReason", "ItemNotFound")).toBe(1);
    expect(enumValue("AttributeReference", "IvLength")).toBe(0x4200cd); // Cosmian spelling -> Tag enumeration
    expect(enumValue("CryptographicAlgorithm", "0x0000001C")).toBe(28);
    expect(enumValue("CryptographicAlgorithm", 28)).toBe(28);
    expect(enumValue("ResultStatus", "0x00000000")).toBe(0);
    expect(enumValue("CryptographicAlgorithm", 9999)).toBeUndefined();
    expect(enumValue("CryptographicAlgorithm", "0x00000000")).toBeUndefined();
    expect(enumValue("CryptographicAlgorithm", "SHA999")).toBeUndefined();
    expect(enumValue("CryptographicAlgorithm", "")).toBeUndefined();
    expect(enumValue("UniqueIdentifier", "toString")).toBeUndefined(); // no prototype leaks
    expect(enumValue("Data", "AES")).toBeUndefined(); // a tag with no enumeration
  });

  it("names values canonically, and in the JS client's spelling when it differs", () => {
    expect(enumName("HashingAlgorithm", 6)).toBe("SHA256");
    expect(enumName("CryptographicAlgorithm", 2)).toBe("THREE_DES");
    expect(enumName("ResultReason", 1)).toBe("Item_Not_Found");
    expect(enumName("AttributeReference", 0x4200cd)).toBe("IVLength"); // the Tag enumeration uses KMIP spellings
    expect(enumName("CryptographicAlgorithm", 9999)).toBeUndefined();
    expect(clientEnumName("HashingAlgorithm", "SHA256")).toBe("SHA_256");
    expect(clientEnumName("UniqueIdentifier", "IDPlaceholder")).toBe("ID_Placeholder");
    expect(clientEnumName("CryptographicAlgorithm", "AES")).toBeUndefined();
    expect(CLIENT_ENUM_NAMES.DigitalSignatureAlgorithm[14]).toBe("ECDSA_with_SHA256");
  });

  it("is consistent", () => {
    for (const [tag, type] of Object.entries(TAG_ENUM)) {
      expect(TAGS[tag], `TAG_ENUM tag ${tag}`).toBeDefined();
      expect(ENUMS[type], `TAG_ENUM type ${type}`).toBeDefined();
    }
    // every tag whose usual type is Enumeration says which enumeration it carries
    const missing = Object.entries(TAGS)
      .filter(([t, [, type]]) => type === "Enumeration" && !(t in TAG_ENUM))
      .map(([t]) => t);
    expect(missing).toEqual([]);
    for (const [type, variants] of Object.entries(ENUMS)) {
      const values = Object.values(variants);
      expect(new Set(values).size, `duplicate values in ${type}`).toBe(values.length);
      for (const v of values) expect(Number.isInteger(v) && v >= 0 && v <= 0xffffffff).toBe(true);
      // the loose match must never be ambiguous between two canonical names
      const keys = Object.keys(variants).map(looseEnumKey);
      expect(new Set(keys).size, `ambiguous loose names in ${type}`).toBe(keys.length);
      for (const [alias, canonical] of Object.entries(ENUM_ALIASES[type] ?? {}))
        expect(enumValue(type, alias)).toBe(variants[canonical]);
    }
    for (const [type, names] of Object.entries(CLIENT_ENUM_NAMES)) {
      for (const v of Object.keys(names)) expect(enumName(type, Number(v)), `${type} ${v}`).toBeDefined();
    }
  });
});

// The client is a dev dependency (pure JS, no WASM), always installed: these checks never skip.
const client = (await import("cloudproof_kms_js")) as unknown as Record<string, unknown>;

describe("the Cosmian JS client's tables (cloudproof_kms_js 4.0.0)", () => {
  const ours: Record<string, string> = {
    LinkedUniqueIdentifier: "UniqueIdentifierEnumeration",
    RevocationReasonEnumeration: "RevocationReasonCode",
  };
  const tables = [
    "LinkType",
    "LinkedUniqueIdentifier",
    "BlockCipherMode",
    "PaddingMethod",
    "HashingAlgorithm",
    "KeyRoleType",
    "DigitalSignatureAlgorithm",
    "MaskGenerator",
    "KeyFormatType",
    "KeyCompressionType",
    "CryptographicAlgorithm",
    "WrappingMethod",
    "EncodingOption",
    "RecommendedCurve",
    "CertificateType",
    "CertificateRequestType",
    "OpaqueDataType",
    "SecretDataType",
    "SplitKeyMethod",
    "KeyWrapType",
    "RevocationReasonEnumeration",
  ];

  it("reads every client name and gives back the client's own spelling", () => {
    for (const table of tables) {
      const type = ours[table] ?? table;
      const entries = Object.entries(client[table] as Record<string, unknown>).filter(([, v]) => typeof v === "number");
      expect(entries.length).toBeGreaterThan(0);
      for (const [name, value] of entries) {
        expect(enumValue(type, name), `${table}.${name}`).toBe(value);
        expect(CLIENT_ENUM_NAMES[type]?.[value as number] ?? enumName(type, value as number), `${table} ${value}`).toBe(
          name,
        );
      }
    }
  });

  it("knows every usage-mask bit the client has", () => {
    const mask = client.CryptographicUsageMask as Record<string, unknown>;
    const ourBits = new Set(Object.values(USAGE_MASK));
    for (const bit of Object.values(mask).filter((v) => typeof v === "number"))
      expect(ourBits.has(bit as number)).toBe(true);
  });

  it("knows every tag the client's classes serialise", () => {
    const skip = new Set([
      "KmsClient",
      "PolicyKms",
      "AccessPolicyKms",
      "RekeyActionKmsBuilder",
      "TtlvType",
      "KMIPOperations",
    ]);
    const unknown: string[] = [];
    for (const [name, ctor] of Object.entries(client)) {
      if (skip.has(name) || typeof ctor !== "function" || !/^class\b/.test(Function.prototype.toString.call(ctor)))
        continue;
      let instance: Record<string, unknown>;
      try {
        instance = new (ctor as new () => Record<string, unknown>)();
      } catch {
        continue;
      }
      const tags = Object.keys(instance)
        .filter((k) => k !== "tag")
        .map((k) => k.charAt(0).toUpperCase() + k.slice(1));
      // A class's own `tag` is emitted only for a root request; the Transparent*Key classes carry a
      // KeyFormatType name there, used to pick the class while decoding, never sent as a tag.
      if (typeof instance.tag === "string" && !instance.tag.startsWith("Transparent")) tags.push(instance.tag);
      for (const tag of tags) if (canonicalTagName(tag) === undefined) unknown.push(`${name}.${tag}`);
    }
    expect(unknown).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------
// Cosmian's conformance corpus: every tag and every enumeration value its requests use must be known.

// The corpus is part of the repository (test/conformance/vectors/, see its README.md).
const vectors = resolve(dirname(fileURLToPath(import.meta.url)), "../../test/conformance/vectors");
const CORPUS_DIRS = ["fips", "negative", "kat", "non-fips", "access_control"];

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsonFiles(join(dir, e.name)) : e.name.endsWith(".json") ? [join(dir, e.name)] : [],
  );
}

interface Node {
  tag?: unknown;
  type?: unknown;
  value?: unknown;
}

/** Lists tags and (tag, enumeration value) pairs the tables do not know. */
function corpusGaps(roots: Node[]): string[] {
  const gaps = new Set<string>();
  const visit = (node: Node, siblings: Node[]) => {
    if (typeof node !== "object" || node === null || typeof node.tag !== "string") return;
    const raw = node.tag;
    const tag = canonicalTagName(raw) ?? (/^0x[0-9a-fA-F]{6}$/.test(raw) ? tagNameOf(parseInt(raw, 16)) : undefined);
    if (tag === undefined) gaps.add(`tag ${raw}`);
    if (node.type === "Enumeration" && tag !== undefined) {
      let enumTag: string | undefined = tag;
      if (tag === "AttributeValue") {
        // KMIP 1.x attribute: the enumeration follows the sibling AttributeName ("Cryptographic Algorithm")
        const attributeName = siblings.find((s) => s.tag === "AttributeName")?.value;
        enumTag = typeof attributeName === "string" ? canonicalTagName(attributeName.replace(/\s+/g, "")) : undefined;
      }
      const value = node.value;
      if (enumTag === undefined || enumTypeOf(enumTag) === undefined)
        gaps.add(`enumeration on ${raw}: ${JSON.stringify(value)}`);
      else if ((typeof value !== "string" && typeof value !== "number") || enumValue(enumTag, value) === undefined) {
        gaps.add(`${enumTypeOf(enumTag)} value ${JSON.stringify(value)} (tag ${raw})`);
      }
    }
    if (Array.isArray(node.value)) for (const child of node.value as Node[]) visit(child, node.value as Node[]);
  };
  for (const root of roots) {
    if (typeof root?.tag !== "string") continue; // the corpus also holds plain JSON for /access routes, CRL helpers, `{}`
    visit(root, []);
    // Cosmian's runner sends a bare operation as a BatchItem whose Operation enumeration is the root tag
    const rootTag = typeof root.tag === "string" ? root.tag : "";
    if (!/^(RequestMessage|ResponseMessage)$/.test(rootTag) && !rootTag.endsWith("Response")) {
      if (enumValue("Operation", rootTag) === undefined) gaps.add(`operation ${rootTag}`);
    }
  }
  return [...gaps].sort();
}

describe("Cosmian conformance corpus coverage", () => {
  it("knows every tag and enumeration value in the request files", () => {
    for (const d of CORPUS_DIRS) expect(existsSync(join(vectors, d)), `${vectors}/${d}`).toBe(true);
    const files = CORPUS_DIRS.flatMap((d) => jsonFiles(join(vectors, d)));
    expect(files.length).toBeGreaterThan(1000);
    expect(corpusGaps(files.map((f) => JSON.parse(readFileSync(f, "utf8")) as Node))).toEqual([]);
  });
});

it("the corpus check itself reports unknown tags, values and operations", () => {
  const gaps = corpusGaps([
    {
      tag: "Create",
      value: [
        { tag: "NoSuchTag", type: "TextString", value: "x" },
        { tag: "CryptographicAlgorithm", type: "Enumeration", value: "NoSuchAlgorithm" },
        { tag: "0x420028", type: "Enumeration", value: "AES" },
        {
          tag: "Attribute",
          value: [
            { tag: "AttributeName", type: "TextString", value: "Cryptographic Algorithm" },
            { tag: "AttributeValue", type: "Enumeration", value: "AES" },
          ],
        },
        { tag: "AttributeValue", type: "Enumeration", value: "AES" },
      ],
    },
    { tag: "Frobnicate", value: [] },
  ]);
  expect(gaps).toEqual([
    'CryptographicAlgorithm value "NoSuchAlgorithm" (tag CryptographicAlgorithm)',
    'enumeration on AttributeValue: "AES"',
    "operation Frobnicate",
    "tag Frobnicate",
    "tag NoSuchTag",
  ]);
});
