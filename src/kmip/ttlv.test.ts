/**
 * The JSON TTLV codec on its own: every type both ways, the leniencies of the two Cosmian
 * JSON generations and the Cosmian JS client (docs/wire-dialects.md), and the errors (each naming
 * the path of the bad node).
 */
import { describe, expect, test } from "vitest";
import {
  bigIntegerHex,
  canonicalTag,
  decodeNode,
  encodeNode,
  LargeBytes,
  parseTtlvJson,
  ttlvJsonBytes,
  type TtlvNode,
} from "./ttlv.ts";
import { KmipError } from "./error.ts";
import { decodeRequest, encodeBatchItem, encodeOperationResponse, encodeOperationResponseBody } from "./wire.ts";
import { fromTtlv } from "./struct.ts";

const node = (tag: string, type: string | undefined, value: unknown) =>
  type === undefined ? { tag, value } : { tag, type, value };

describe("decode", () => {
  test.each([
    ["Integer", 42, 42],
    ["Integer", "0x0000002A", 42],
    ["Integer", "0xFFFFFFFF", -1],
    ["LongInteger", "0x0000000000015180", 86400n],
    ["LongInteger", 86400, 86400n],
    ["BigInteger", "0x0000000000000100", 256n],
    ["BigInteger", "0xFF", -1n],
    ["BigInteger", "-12345678901234567890", -12345678901234567890n],
    ["Boolean", true, true],
    ["TextString", "héllo", "héllo"],
    ["Interval", 3600, 3600],
    ["DateTimeExtended", "0x0000000000000010", 16n],
  ])("%s %j", (type, value, expected) => {
    expect(decodeNode(node("Description", type, value)).value).toEqual(expected);
  });

  test("ByteString in either case; DateTime as ISO (offsets, fractions) or 0x seconds", () => {
    expect(decodeNode(node("Data", "ByteString", "aBcD")).value).toEqual(new Uint8Array([0xab, 0xcd]));
    expect(
      (decodeNode(node("ActivationDate", "DateTime", "2024-01-01T01:00:00+01:00")).value as Date).toISOString(),
    ).toBe("2024-01-01T00:00:00.000Z");
    expect((decodeNode(node("ActivationDate", "DateTime", "0x0000000065920080")).value as Date).toISOString()).toBe(
      "2024-01-01T00:00:00.000Z",
    );
  });

  test("enumerations by name, alias, number or 0x hex; CryptographicUsageMask as an Enumeration holding a number", () => {
    for (const v of ["AES", 3, "0x00000003"])
      expect(decodeNode(node("CryptographicAlgorithm", "Enumeration", v)).value).toBe("AES");
    expect(decodeNode(node("HashingAlgorithm", "Enumeration", "SHA_256")).value).toBe("SHA256");
    expect(decodeNode(node("CryptographicUsageMask", "Enumeration", 12)).value).toBe(12);
  });

  test("tags by name, alias or 0x42 hex; Structures with or without type", () => {
    expect(decodeNode(node("0x420094", "TextString", "id")).tag).toBe("UniqueIdentifier");
    expect(canonicalTag("IvCounterNonce")).toBe("IVCounterNonce");
    const v5 = decodeNode({ tag: "Get", value: [{ tag: "UniqueIdentifier", type: "TextString", value: "x" }] });
    expect(v5.type).toBe("Structure");
    expect(fromTtlv(v5)).toEqual({ UniqueIdentifier: "x" });
  });

  test("key order inside a node does not matter", () => {
    expect(parseTtlvJson('{"value":"x","type":"TextString","tag":"UniqueIdentifier"}').value).toBe("x");
  });

  test.each([
    [node("Frobnicate", "TextString", "x"), "Invalid_Field", "/Frobnicate: unknown tag"],
    [node("Data", "ByteString", "abc"), "Invalid_Message", "/Data: ByteString value must be an even-length hex string"],
    [node("Data", "ByteString", "zz"), "Invalid_Message", "even-length hex"],
    [node("CryptographicLength", "Integer", 2 ** 40), "Invalid_Message", "32-bit integer"],
    [node("CryptographicLength", "Integer", 1.5), "Invalid_Message", "32-bit integer"],
    [node("CryptographicAlgorithm", "Enumeration", "Rot13"), "Invalid_Field", "unknown CryptographicAlgorithm value"],
    [node("ReplaceExisting", "Boolean", "true"), "Invalid_Message", "true or false"],
    [node("ActivationDate", "DateTime", "yesterday"), "Invalid_Message", "ISO 8601"],
    [node("Get", "Structure", { not: "an array" }), "Invalid_Message", "an array of nodes"],
    [node("Get", "Nope", []), "Invalid_Message", "unknown TTLV type"],
    [{ tag: "Get", type: "Structure", value: [], extra: 1 }, "Invalid_Message", 'unexpected key "extra"'],
    [{ type: "Structure", value: [] }, "Invalid_Message", 'missing or non-string "tag"'],
    [
      { tag: "Get", type: "Structure", value: [node("Attributes", "Structure", [node("Data", "ByteString", "0")])] },
      "Invalid_Message",
      "/Get/Attributes/Data",
    ],
  ])("rejects %j", (bad, reason, message) => {
    let error: unknown;
    try {
      decodeNode(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KmipError);
    expect((error as KmipError).reason).toBe(reason);
    expect((error as KmipError).message).toContain(message);
  });

  test("nesting deeper than the limit is refused, not a stack overflow", () => {
    let deep: unknown = node("Data", "ByteString", "00");
    for (let i = 0; i < 100; i++) deep = node("Attributes", "Structure", [deep]);
    expect(() => decodeNode(deep)).toThrow(/nesting deeper than/);
    expect(() => parseTtlvJson("[".repeat(100000))).toThrow(KmipError);
  });
});

describe("encode", () => {
  test("Cosmian's output forms: upper-case hex, 0x LongInteger, sign-padded BigInteger, whole-second UTC DateTime", () => {
    const enc = (n: TtlvNode) => encodeNode(n).value;
    expect(enc({ tag: "Data", type: "ByteString", value: new Uint8Array([0xab, 0x01]) })).toBe("AB01");
    expect(enc({ tag: "Description", type: "LongInteger", value: 86400n })).toBe("0x0000000000015180");
    expect(bigIntegerHex(255n)).toBe("0x00000000000000FF");
    expect(bigIntegerHex(-1n)).toBe("0xFFFFFFFFFFFFFFFF");
    expect(bigIntegerHex(2n ** 64n)).toBe("0x00000000000000010000000000000000");
    expect(enc({ tag: "ActivationDate", type: "DateTime", value: new Date("2026-05-29T11:57:35.123Z") })).toBe(
      "2026-05-29T11:57:35Z",
    );
    expect(encodeNode({ tag: "Get", type: "Structure", value: [] }, { omitStructureType: true })).toEqual({
      tag: "Get",
      value: [],
    });
  });

  test("decode(encode(x)) = x for every type", () => {
    const nodes: TtlvNode[] = [
      { tag: "CryptographicLength", type: "Integer", value: -7 },
      { tag: "Description", type: "LongInteger", value: -2n },
      { tag: "Description", type: "BigInteger", value: 123456789012345678901234567890n },
      { tag: "CryptographicAlgorithm", type: "Enumeration", value: "ChaCha20" },
      { tag: "Sensitive", type: "Boolean", value: false },
      { tag: "Description", type: "TextString", value: "€" },
      { tag: "Data", type: "ByteString", value: new Uint8Array([0, 255]) },
      { tag: "ActivationDate", type: "DateTime", value: new Date("2030-01-02T03:04:05Z") },
      { tag: "LeaseTime", type: "Interval", value: 60 },
      { tag: "Description", type: "DateTimeExtended", value: 1700000000000000n },
    ];
    for (const n of nodes) expect(decodeNode(JSON.parse(JSON.stringify(encodeNode(n))))).toEqual(n);
  });
});

describe("wire dialects", () => {
  const clientEncrypt = {
    tag: "Encrypt",
    type: "Structure",
    value: [
      { tag: "IvCounterNonce", type: "ByteString", value: "000102030405060708090a0b" },
      { tag: "UniqueIdentifier", type: "TextString", value: "k" },
      { tag: "Data", type: "ByteString", value: "68656c6c6f" },
    ],
  };

  test("a JS-client request is the cosmian-js dialect and its replies use the client's spellings and list wrappers", () => {
    const r = decodeRequest(JSON.stringify(clientEncrypt));
    expect(r).toMatchObject({ kind: "operation", dialect: "cosmian-js", operation: "Encrypt" });
    const payload = (r as { payload: Record<string, unknown> }).payload;
    expect(payload.IVCounterNonce).toEqual(new Uint8Array(12).map((_, i) => i));
    const out = JSON.parse(
      encodeOperationResponse("Encrypt", { UniqueIdentifier: "k", IVCounterNonce: new Uint8Array(12) }, "cosmian-js"),
    );
    expect(out.type).toBe("Structure");
    expect(out.value.map((n: { tag: string }) => n.tag)).toEqual(["UniqueIdentifier", "IvCounterNonce"]);
    const located = JSON.parse(
      encodeOperationResponse("Locate", { LocatedItems: 2, UniqueIdentifier: ["a", "b"] }, "cosmian-js"),
    );
    expect(located.value[1]).toEqual({
      tag: "UniqueIdentifier",
      type: "Structure",
      value: [
        { tag: "UniqueIdentifier", type: "TextString", value: "a" },
        { tag: "UniqueIdentifier", type: "TextString", value: "b" },
      ],
    });
  });

  test("a Cosmian 5.x request (no Structure type) gets 5.x replies: repeated lists, objects under their type tag", () => {
    const r = decodeRequest(
      JSON.stringify({ tag: "Get", value: [{ tag: "UniqueIdentifier", type: "TextString", value: "k" }] }),
    );
    expect(r.dialect).toBe("kmip-v5");
    const located = JSON.parse(
      encodeOperationResponse("Locate", { LocatedItems: 2, UniqueIdentifier: ["a", "b"] }, "kmip-v5"),
    );
    expect(located).toEqual({
      tag: "LocateResponse",
      value: [
        { tag: "LocatedItems", type: "Integer", value: 2 },
        { tag: "UniqueIdentifier", type: "TextString", value: "a" },
        { tag: "UniqueIdentifier", type: "TextString", value: "b" },
      ],
    });
    const got = JSON.parse(
      encodeOperationResponse(
        "Get",
        { ObjectType: "SymmetricKey", UniqueIdentifier: "k", Object: { KeyBlock: { KeyFormatType: "Raw" } } },
        "kmip-v5",
      ),
    );
    expect(got.value.map((n: { tag: string }) => n.tag)).toEqual(["ObjectType", "UniqueIdentifier", "SymmetricKey"]);
  });

  test("a RequestMessage keeps its items, operations and batch ids", () => {
    const r = decodeRequest(
      JSON.stringify({
        tag: "RequestMessage",
        value: [
          {
            tag: "RequestHeader",
            value: [
              {
                tag: "ProtocolVersion",
                value: [
                  { tag: "ProtocolVersionMajor", type: "Integer", value: 2 },
                  { tag: "ProtocolVersionMinor", type: "Integer", value: 1 },
                ],
              },
              { tag: "BatchCount", type: "Integer", value: 1 },
            ],
          },
          {
            tag: "BatchItem",
            value: [
              { tag: "Operation", type: "Enumeration", value: "Query" },
              { tag: "UniqueBatchItemID", type: "ByteString", value: "01" },
              { tag: "RequestPayload", value: [] },
            ],
          },
        ],
      }),
    );
    expect(r).toMatchObject({
      kind: "message",
      protocolVersion: { major: 2, minor: 1 },
      items: [{ operation: "Query", uniqueBatchItemId: new Uint8Array([1]) }],
    });
  });
});

describe("large ByteStrings in JSON answers (written as bytes)", () => {
  const big = (n: number, offset = 0) => {
    const b = new Uint8Array(n + offset);
    for (let i = 0; i < b.length; i++) b[i] = (i * 131 + 7) & 0xff;
    return b.subarray(offset);
  };
  const text = (body: string | Uint8Array) => (typeof body === "string" ? body : Buffer.from(body).toString("utf8"));

  test.each(["cosmian-js", "kmip-v5"] as const)(
    "an answer with a large Data parses to the same JSON as the text encoder gives (%s)",
    (dialect) => {
      for (const offset of [0, 1, 2, 3]) {
        for (const id of ["k", "kk", "kkk", "kkkk", "clé-été"]) {
          const payload = {
            UniqueIdentifier: id,
            Data: big(20000, offset),
            IVCounterNonce: new Uint8Array(12).fill(1),
          };
          const body = encodeOperationResponseBody("Encrypt", payload, dialect);
          expect(body).toBeInstanceOf(Uint8Array);
          expect(JSON.parse(text(body))).toEqual(JSON.parse(encodeOperationResponse("Encrypt", payload, dialect)));
        }
      }
    },
  );

  test("small answers are the text encoder's output, unchanged", () => {
    const payload = { UniqueIdentifier: "k", Data: big(100) };
    expect(encodeOperationResponseBody("Encrypt", payload, "kmip-v5")).toBe(
      encodeOperationResponse("Encrypt", payload, "kmip-v5"),
    );
  });

  test("only whitespace before a large value's quote differs from JSON.stringify", () => {
    const json = {
      tag: 'X"y',
      value: [
        { tag: "A", type: "ByteString", value: new LargeBytes(big(40000, 1)) },
        { tag: "B", type: "TextString", value: 'quote " and \u00e9 and \u2028' },
        { tag: "C", type: "ByteString", value: new LargeBytes(big(40001)) },
      ],
    };
    const plain = JSON.stringify(json, (_, v) =>
      v instanceof LargeBytes ? Buffer.from(v.bytes).toString("hex").toUpperCase() : v,
    );
    expect(text(ttlvJsonBytes(json)).replace(/": +"/g, '":"')).toBe(plain);
  });

  test("a batch item with a large value is bytes; without, text", () => {
    const item = encodeBatchItem({ operation: "Encrypt", status: "Success", payload: { Data: big(70000) } }, "kmip-v5");
    expect(item).toBeInstanceOf(Uint8Array);
    expect(JSON.parse(text(item)).value[2].value[0].value).toBe(Buffer.from(big(70000)).toString("hex").toUpperCase());
    expect(
      typeof encodeBatchItem({ operation: "Encrypt", status: "Success", payload: { Data: big(7) } }, "kmip-v5"),
    ).toBe("string");
  });
});
