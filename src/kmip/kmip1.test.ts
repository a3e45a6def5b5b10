/**
 * KMIP 1.x forms <-> the 2.x attribute model (kmip1.ts), and binary messages through wire-binary.ts.
 */
import { describe, expect, test } from "vitest";
import {
  attributesFrom1x,
  attributesTo1x,
  kmip1Name,
  reasonFor1x,
  requestFrom1x,
  responseForVersion,
  tagOfKmip1Name,
} from "./kmip1.ts";
import { rawNode, type KmipRecord } from "./struct.ts";
import { KmipError } from "./error.ts";
import { decodeBinaryRequest, encodeBinaryResponse } from "./wire-binary.ts";
import { decodeTtlvBinary, encodeTtlvBinary } from "./ttlv-binary.ts";
import { decodeNode, type TtlvNode } from "./ttlv.ts";

const value = (node: TtlvNode) => rawNode({ ...node, tag: "AttributeValue" } as TtlvNode);
const attr = (AttributeName: string, node: TtlvNode): KmipRecord => ({ AttributeName, AttributeValue: value(node) });
const ALG_AES: TtlvNode = { tag: "X", type: "Enumeration", value: 3 };
const NAME: TtlvNode = {
  tag: "X",
  type: "Structure",
  value: [
    { tag: "NameValue", type: "TextString", value: "k1" },
    { tag: "NameType", type: "Enumeration", value: "UninterpretedTextString" },
  ],
};

describe("names", () => {
  test.each([
    ["CryptographicAlgorithm", "Cryptographic Algorithm"],
    ["UniqueIdentifier", "Unique Identifier"],
    ["X509CertificateIdentifier", "X.509 Certificate Identifier"],
    ["OriginalCreationDate", "Original Creation Date"],
  ])("%s <-> %s", (tag, name) => {
    expect(kmip1Name(tag)).toBe(name);
    expect(tagOfKmip1Name(name)).toBe(tag);
  });
});

describe("requests in 1.x form", () => {
  test("Attributes: enumerations by number, structures, custom x- attributes, repeated names", () => {
    const out = attributesFrom1x([
      attr("Cryptographic Algorithm", ALG_AES),
      attr("Cryptographic Length", { tag: "X", type: "Integer", value: 256 }),
      attr("Name", NAME),
      attr("Name", {
        ...NAME,
        value: [
          { tag: "NameValue", type: "TextString", value: "k2" },
          { tag: "NameType", type: "Enumeration", value: "URI" },
        ],
      }),
      attr("x-owner-team", { tag: "X", type: "TextString", value: "payments" }),
    ]);
    expect(out.CryptographicAlgorithm).toBe("AES");
    expect(out.CryptographicLength).toBe(256);
    expect(out.Name).toEqual([
      { NameValue: "k1", NameType: "UninterpretedTextString" },
      { NameValue: "k2", NameType: "URI" },
    ]);
    expect(out.VendorAttributes).toHaveLength(1);
    expect(out.VendorAttributes[0]).toMatchObject({ VendorIdentification: "x", AttributeName: "x-owner-team" });
  });

  test("an unknown attribute name or a missing value is Invalid_Field", () => {
    expect(() => attributesFrom1x([attr("Colour", ALG_AES)])).toThrow(/unknown attribute name "Colour"/);
    expect(() => attributesFrom1x([{ AttributeName: "State" }])).toThrow(KmipError);
    for (const name of ["__proto__", "constructor", "toString"])
      expect(() => attributesFrom1x([attr(name, ALG_AES)])).toThrow(/unknown attribute name/);
  });

  test("TemplateAttribute, the three key-pair templates, Locate's Attributes, GetAttributes' names, AddAttribute", () => {
    const t = (...attrs: KmipRecord[]) => ({ Attribute: attrs });
    expect(
      requestFrom1x("Create", {
        ObjectType: "SymmetricKey",
        TemplateAttribute: t(attr("Cryptographic Algorithm", ALG_AES)),
      }),
    ).toEqual({ ObjectType: "SymmetricKey", Attributes: { CryptographicAlgorithm: "AES" } });
    const pair = requestFrom1x("CreateKeyPair", {
      CommonTemplateAttribute: t(attr("Cryptographic Algorithm", { tag: "X", type: "Enumeration", value: 4 })),
      PrivateKeyTemplateAttribute: t(attr("Cryptographic Usage Mask", { tag: "X", type: "Integer", value: 1 })),
      PublicKeyTemplateAttribute: t(attr("Cryptographic Usage Mask", { tag: "X", type: "Integer", value: 2 })),
    });
    expect(pair).toEqual({
      CommonAttributes: { CryptographicAlgorithm: "RSA" },
      PrivateKeyAttributes: { CryptographicUsageMask: 1 },
      PublicKeyAttributes: { CryptographicUsageMask: 2 },
    });
    expect(requestFrom1x("Locate", { Attribute: [attr("Name", NAME)] })).toEqual({
      Attributes: { Name: [{ NameValue: "k1", NameType: "UninterpretedTextString" }] },
    });
    expect(requestFrom1x("GetAttributes", { UniqueIdentifier: "u", AttributeName: ["State", "x-a"] })).toEqual({
      UniqueIdentifier: "u",
      AttributeReference: ["State", { VendorIdentification: "x", AttributeName: "x-a" }],
    });
    expect(requestFrom1x("AddAttribute", { UniqueIdentifier: "u", Attribute: attr("Name", NAME) })).toEqual({
      UniqueIdentifier: "u",
      NewAttribute: { Name: [{ NameValue: "k1", NameType: "UninterpretedTextString" }] },
    });
  });

  test("named templates (KMIP 1.x Template objects) are refused", () => {
    expect(() =>
      requestFrom1x("Create", { ObjectType: "SymmetricKey", TemplateAttribute: { Name: { NameValue: "t" } } }),
    ).toThrow(/templates/);
  });
});

describe("responses for 1.x and 2.0 clients", () => {
  const stored: KmipRecord = {
    UniqueIdentifier: "u",
    ObjectType: "SymmetricKey",
    CryptographicAlgorithm: "AES",
    CryptographicLength: 256,
    State: "Active",
    Name: [
      { NameValue: "a", NameType: "UninterpretedTextString" },
      { NameValue: "b", NameType: "UninterpretedTextString" },
    ],
    OriginalCreationDate: new Date("2024-01-01T00:00:00Z"),
    VendorAttributes: [
      {
        VendorIdentification: "cosmian",
        AttributeName: "tag",
        AttributeValue: rawNode({ tag: "AttributeValue", type: "TextString", value: "[]" }),
      },
      {
        VendorIdentification: "x",
        AttributeName: "x-team",
        AttributeValue: rawNode({ tag: "AttributeValue", type: "TextString", value: "p" }),
      },
    ],
  };

  test("Attributes -> Attribute list: numbered enumerations, AttributeIndex on repeats, custom attributes, standard names only", () => {
    const list = attributesTo1x(stored);
    expect(list.map((a) => a.AttributeName)).toEqual([
      "Unique Identifier",
      "Object Type",
      "Cryptographic Algorithm",
      "Cryptographic Length",
      "State",
      "Name",
      "Name",
      "x-team",
    ]);
    expect(list[2]!.AttributeValue).toMatchObject({ tag: "AttributeValue", type: "Enumeration", value: 3 });
    expect(list[4]!.AttributeValue).toMatchObject({ type: "Enumeration", value: 2 });
    expect(list[6]).toMatchObject({ AttributeIndex: 1 });
    expect(attributesTo1x(stored, new Set(["OriginalCreationDate"])).map((a) => a.AttributeName)).toEqual([
      "Original Creation Date",
      "x-team",
    ]);
  });

  test("GetAttributes, GetAttributeList, Query and KeyValue per version", () => {
    const v12 = { major: 1, minor: 2 },
      v20 = { major: 2, minor: 0 };
    const ga = responseForVersion("GetAttributes", { UniqueIdentifier: "u", Attributes: stored }, v12, {
      AttributeReference: ["State"],
    });
    expect(ga.Attribute.map((a: KmipRecord) => a.AttributeName)).toEqual(["State", "x-team"]);
    expect(
      Object.keys(responseForVersion("GetAttributes", { UniqueIdentifier: "u", Attributes: stored }, v20).Attributes),
    ).not.toContain("VendorAttributes");
    expect(
      responseForVersion(
        "GetAttributeList",
        { UniqueIdentifier: "u", AttributeReference: ["State", "OriginalCreationDate", "Name"] },
        v12,
      ),
    ).toEqual({ UniqueIdentifier: "u", AttributeName: ["State", "Name"] });
    expect(responseForVersion("Query", { Operation: ["Create", "SetAttribute", "Check"] }, v12).Operation).toEqual([
      "Create",
      "Check",
    ]);
    const get = responseForVersion(
      "Get",
      {
        ObjectType: "SymmetricKey",
        SymmetricKey: {
          KeyBlock: { KeyFormatType: "Raw", KeyValue: { KeyMaterial: new Uint8Array(2), Attributes: stored } },
        },
      },
      v20,
    );
    expect(get.SymmetricKey.KeyBlock.KeyValue).toEqual({ KeyMaterial: new Uint8Array(2) });
  });

  test.each([
    ["Item_Not_Found", "Item_Not_Found"],
    ["Object_Already_Exists", "Object_Already_Exists"],
    ["Object_Not_Found", "Item_Not_Found"],
    ["Wrong_Key_Lifecycle_State", "Permission_Denied"],
    ["Invalid_Attribute_Value", "Invalid_Field"],
    ["Server_Limit_Exceeded", "General_Failure"],
  ])("reason %s is %s in KMIP 1.x", (reason, expected) => expect(reasonFor1x(reason)).toBe(expected));
});

describe("binary messages in 1.x", () => {
  const message = (major: number, minor: number, payload: unknown[]) =>
    encodeTtlvBinary(
      decodeNode({
        tag: "RequestMessage",
        type: "Structure",
        value: [
          {
            tag: "RequestHeader",
            type: "Structure",
            value: [
              {
                tag: "ProtocolVersion",
                type: "Structure",
                value: [
                  { tag: "ProtocolVersionMajor", type: "Integer", value: major },
                  { tag: "ProtocolVersionMinor", type: "Integer", value: minor },
                ],
              },
              { tag: "BatchCount", type: "Integer", value: 1 },
            ],
          },
          {
            tag: "BatchItem",
            type: "Structure",
            value: [
              { tag: "Operation", type: "Enumeration", value: "Create" },
              { tag: "RequestPayload", type: "Structure", value: payload },
            ],
          },
        ],
      }),
    );

  test("a 1.4 Create comes out in the 2.x form; the reply is in 1.4 with a 1.x reason", () => {
    const request = decodeBinaryRequest(
      message(1, 4, [
        { tag: "ObjectType", type: "Enumeration", value: "SymmetricKey" },
        {
          tag: "TemplateAttribute",
          type: "Structure",
          value: [
            {
              tag: "Attribute",
              type: "Structure",
              value: [
                { tag: "AttributeName", type: "TextString", value: "Cryptographic Algorithm" },
                { tag: "AttributeValue", type: "Enumeration", value: 3 },
              ],
            },
          ],
        },
      ]),
    );
    expect(request.protocolVersion).toEqual({ major: 1, minor: 4 });
    expect(request.items[0]).toMatchObject({
      operation: "Create",
      payload: { ObjectType: "SymmetricKey", Attributes: { CryptographicAlgorithm: "AES" } },
    });
    const reply = decodeTtlvBinary(
      encodeBinaryResponse({ major: 1, minor: 4 }, [
        { operation: "Create", status: "OperationFailed", reason: "Object_Not_Found", message: "no such key" },
      ]),
    );
    const text = JSON.stringify(reply, (_k, v) => (typeof v === "bigint" ? String(v) : v));
    expect(text).toContain('"ProtocolVersionMinor","type":"Integer","value":4');
    expect(text).toContain('"ResultReason","type":"Enumeration","value":"Item_Not_Found"');
    expect(text).toContain('"Object_Not_Found: no such key"');
  });
});
