/**
 * The binary TTLV codec: the encoding examples of the KMIP specification (KMIP 1.4 §9.1.2,
 * KMIP 2.1 §9.1.2) byte for byte, a real client's RequestMessage, JSON <-> binary round trips on
 * every type, and the errors (each naming the byte offset).
 */
import { describe, expect, test } from "vitest";
import {
  binaryMessageLength,
  concatParts,
  decodeTtlvBinary,
  encodeTtlvBinary,
  encodeTtlvBinaryParts,
} from "./ttlv-binary.ts";
import { decodeNode, encodeNode, type TtlvNode } from "./ttlv.ts";
import { KmipError } from "./error.ts";

const bytes = (spaced: string) => new Uint8Array(Buffer.from(spaced.replace(/[\s|]/g, ""), "hex"));
const hexOf = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

// Tag 0x420020 is CompromiseDate; the specification's examples use it with every type.
describe("the specification's TTLV encoding examples", () => {
  const examples: [string, TtlvNode, string][] = [
    [
      "Integer 8",
      { tag: "CompromiseDate", type: "Integer", value: 8 },
      "42 00 20 | 02 | 00 00 00 04 | 00 00 00 08 00 00 00 00",
    ],
    [
      "Long Integer 123456789000000000",
      { tag: "CompromiseDate", type: "LongInteger", value: 123456789000000000n },
      "42 00 20 | 03 | 00 00 00 08 | 01 B6 9B 4B A5 74 92 00",
    ],
    [
      "Big Integer 1234567890000000000000000000",
      { tag: "CompromiseDate", type: "BigInteger", value: 1234567890000000000000000000n },
      "42 00 20 | 04 | 00 00 00 10 | 00 00 00 00 03 FD 35 EB 6B C2 DF 46 18 08 00 00",
    ],
    [
      "Enumeration 255",
      { tag: "CompromiseDate", type: "Enumeration", value: 255 },
      "42 00 20 | 05 | 00 00 00 04 | 00 00 00 FF 00 00 00 00",
    ],
    [
      "Boolean True",
      { tag: "CompromiseDate", type: "Boolean", value: true },
      "42 00 20 | 06 | 00 00 00 08 | 00 00 00 00 00 00 00 01",
    ],
    [
      "Text String Hello World",
      { tag: "CompromiseDate", type: "TextString", value: "Hello World" },
      "42 00 20 | 07 | 00 00 00 0B | 48 65 6C 6C 6F 20 57 6F 72 6C 64 00 00 00 00 00",
    ],
    [
      "Byte String 01 02 03",
      { tag: "CompromiseDate", type: "ByteString", value: new Uint8Array([1, 2, 3]) },
      "42 00 20 | 08 | 00 00 00 03 | 01 02 03 00 00 00 00 00",
    ],
    [
      "Date-Time Friday, March 14, 2008, 11:56:40 GMT",
      { tag: "CompromiseDate", type: "DateTime", value: new Date("2008-03-14T11:56:40Z") },
      "42 00 20 | 09 | 00 00 00 08 | 00 00 00 00 47 DA 67 F8",
    ],
    [
      "Interval 10 days",
      { tag: "CompromiseDate", type: "Interval", value: 864000 },
      "42 00 20 | 0A | 00 00 00 04 | 00 0D 2F 00 00 00 00 00",
    ],
    [
      "Structure of Enumeration 254 (tag 0x420004) and Integer 255 (tag 0x420005)",
      {
        tag: "CompromiseDate",
        type: "Structure",
        value: [
          { tag: "ApplicationSpecificInformation", type: "Enumeration", value: 254 },
          { tag: "ArchiveDate", type: "Integer", value: 255 },
        ],
      },
      "42 00 20 | 01 | 00 00 00 20 | 42 00 04 | 05 | 00 00 00 04 | 00 00 00 FE 00 00 00 00 | 42 00 05 | 02 | 00 00 00 04 | 00 00 00 FF 00 00 00 00",
    ],
  ];
  test.each(examples)("%s", (_name, node, encoded) => {
    expect(hexOf(encodeTtlvBinary(node))).toBe(hexOf(bytes(encoded)));
    expect(decodeTtlvBinary(bytes(encoded))).toEqual(node);
  });
});

describe("a real client's message", () => {
  // A KMIP 1.0 Get request with a username/password Credential, as a storage client sent it.
  const GET_REQUEST =
    "42007801000001084200770100000088420069010000002042006a0200000004000000010000000042006b0200000004000000000000000042000c01000000484200230100000040420024050000000400000001000000004200250100000028420099070000000d69647261632d4c4844343436310000004200a1070000000864656c6c3132333442000d0200000004000000010000000042000f010000007042005c05000000040000000a00000000420079010000005842009407000000403939463430383239373839433138394536373637393942454146353430333535323732333033324642444336414234384537434442394546373542363142334142004205000000040000000100000000";

  test("decodes to the expected tree and re-encodes to the same bytes", () => {
    const raw = bytes(GET_REQUEST);
    expect(binaryMessageLength(raw.subarray(0, 8))).toBe(raw.length);
    const root = decodeTtlvBinary(raw);
    expect(root.tag).toBe("RequestMessage");
    const json = JSON.stringify(encodeNode(root));
    expect(json).toContain('"tag":"Operation","type":"Enumeration","value":"Get"');
    expect(json).toContain('"tag":"Username","type":"TextString","value":"idrac-LHD4461"');
    expect(json).toContain('"tag":"RequestPayload","type":"Structure"');
    expect(json).toContain('"tag":"KeyFormatType","type":"Enumeration","value":"Raw"');
    expect(hexOf(encodeTtlvBinary(root))).toBe(GET_REQUEST.toUpperCase());
  });
});

describe("JSON <-> binary round trips", () => {
  const every = {
    tag: "RequestMessage",
    type: "Structure",
    value: [
      { tag: "BatchCount", type: "Integer", value: -5 },
      { tag: "BatchCount", type: "Integer", value: 2147483647 },
      { tag: "UsageLimitsTotal", type: "LongInteger", value: "0xFFFFFFFFFFFFFFFF" },
      { tag: "UsageLimitsTotal", type: "LongInteger", value: "0x7FFFFFFFFFFFFFFF" },
      { tag: "D", type: "BigInteger", value: "0xFF" },
      { tag: "D", type: "BigInteger", value: "0x00FFFFFFFFFFFFFFFF" },
      { tag: "D", type: "BigInteger", value: "-123456789012345678901234567890" },
      { tag: "CryptographicAlgorithm", type: "Enumeration", value: "AES" },
      { tag: "CryptographicUsageMask", type: "Enumeration", value: 12 },
      { tag: "Sensitive", type: "Boolean", value: false },
      { tag: "Description", type: "TextString", value: "héllo wörld ✓ 12345678" },
      { tag: "Description", type: "TextString", value: "" },
      { tag: "KeyMaterial", type: "ByteString", value: "00112233445566778899" },
      { tag: "KeyMaterial", type: "ByteString", value: "" },
      { tag: "ActivationDate", type: "DateTime", value: "2024-01-01T00:00:00Z" },
      { tag: "ActivationDate", type: "DateTime", value: "1960-06-30T12:00:00Z" },
      { tag: "LeaseTime", type: "Interval", value: 4294967295 },
      { tag: "LastChangeDate", type: "DateTimeExtended", value: "0x0005F5E10000ABCD" },
      { tag: "Attributes", type: "Structure", value: [] },
      {
        tag: "BatchItem",
        type: "Structure",
        value: [
          { tag: "Operation", type: "Enumeration", value: "Create" },
          {
            tag: "RequestPayload",
            type: "Structure",
            value: [{ tag: "ObjectType", type: "Enumeration", value: "SymmetricKey" }],
          },
        ],
      },
    ],
  };

  test("every type survives JSON -> binary -> JSON unchanged", () => {
    const node = decodeNode(every);
    const encoded = encodeTtlvBinary(node);
    expect(encoded.length % 8).toBe(0);
    const back = decodeTtlvBinary(encoded);
    expect(back).toEqual(node);
    expect(encodeNode(back)).toEqual(encodeNode(node));
    expect(hexOf(encodeTtlvBinary(back))).toBe(hexOf(encoded));
  });

  test("an operation name tag is written with the payload code", () => {
    const b = encodeTtlvBinary({ tag: "CreateResponse", type: "Structure", value: [] });
    expect(hexOf(b)).toBe("42007C0100000000");
    expect(decodeTtlvBinary(b).tag).toBe("ResponsePayload");
  });
});

describe("errors name the byte offset", () => {
  const expectError = (
    input: string | Uint8Array,
    reason: string,
    message: RegExp,
    options?: { maxBytes?: number; maxDepth?: number },
  ) => {
    try {
      decodeTtlvBinary(typeof input === "string" ? bytes(input) : input, options);
    } catch (e) {
      expect(e).toBeInstanceOf(KmipError);
      expect((e as KmipError).reason).toBe(reason);
      expect((e as KmipError).message).toMatch(message);
      return;
    }
    throw new Error("no error");
  };
  test.each([
    ["too short", "42 00 20 02 00 00", /byte 0: .*at least 8 bytes/],
    ["unknown type byte", "42 00 20 0C 00 00 00 04 00 00 00 08 00 00 00 00", /byte 3: unknown item type 0x0C/],
    [
      "wrong fixed length",
      "42 00 20 02 00 00 00 08 00 00 00 08 00 00 00 00",
      /byte 4: Integer CompromiseDate must have length 4, got 8/,
    ],
    ["value overruns the buffer", "42 00 20 07 00 00 00 10 41 41 41 41 41 41 41 41", /byte 4: .*overruns/],
    ["non-zero padding", "42 00 20 02 00 00 00 04 00 00 00 08 00 00 00 01", /byte 15: non-zero padding/],
    ["Boolean other than 0 or 1", "42 00 20 06 00 00 00 08 00 00 00 00 00 00 00 02", /byte 8: Boolean .* 0 or 1/],
    ["invalid UTF-8", "42 00 20 07 00 00 00 02 C3 28 00 00 00 00 00 00", /byte 8: .*not valid UTF-8/],
    [
      "BigInteger length not a multiple of 8",
      "42 00 20 04 00 00 00 04 00 00 00 08 00 00 00 00",
      /byte 4: BigInteger .* multiple of 8/,
    ],
    [
      "trailing bytes",
      "42 00 20 02 00 00 00 04 00 00 00 08 00 00 00 00 00 00 00 00 00 00 00 00",
      /byte 16: 8 trailing bytes/,
    ],
    [
      "child overruns its Structure",
      "42 00 20 01 00 00 00 08 42 00 20 02 00 00 00 04 00 00 00 08 00 00 00 00",
      /byte 8: truncated|byte 12: .*overruns/,
    ],
  ])("%s", (_name, input, message) => expectError(input, "Invalid_Message", message));

  test("a root that is no KMIP tag is Invalid_Message; an unknown tag inside, Invalid_Field", () => {
    expectError(
      "4F 00 20 02 00 00 00 04 00 00 00 08 00 00 00 00",
      "Invalid_Message",
      /byte 0: tag 0x4F0020 is not a KMIP tag/,
    );
    expectError(
      "42 00 20 01 00 00 00 10 42 FF FE 02 00 00 00 04 00 00 00 08 00 00 00 00",
      "Invalid_Field",
      /byte 8: unknown tag 0x42FFFE/,
    );
  });

  test("depth and size limits", () => {
    let node: TtlvNode = { tag: "Attributes", type: "Structure", value: [] };
    for (let i = 0; i < 40; i++) node = { tag: "Attributes", type: "Structure", value: [node] };
    expectError(encodeTtlvBinary(node), "Invalid_Message", /nesting deeper than 32 levels/);
    expectError(encodeTtlvBinary(node), "Invalid_Message", /nesting deeper than 4 levels/, { maxDepth: 4 });
    const big = encodeTtlvBinary({ tag: "KeyMaterial", type: "ByteString", value: new Uint8Array(2000) });
    expectError(big, "Invalid_Message", /more than the limit of 1024/, { maxBytes: 1024 });
  });

  test("a large BigInteger decodes in linear time", () => {
    const big = new Uint8Array(8 + 512 * 1024);
    big.set([0x42, 0x00, 0x2e, 0x04]);
    new DataView(big.buffer).setUint32(4, 512 * 1024);
    big[8] = 0x01;
    const started = performance.now();
    const node = decodeTtlvBinary(big);
    expect(node.type === "BigInteger" && node.value > 0n).toBe(true);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test("binaryMessageLength frames a stream and refuses what cannot start a message", () => {
    expect(binaryMessageLength(bytes("42 00 78 01 00 00 01 08"))).toBe(0x110);
    expect(() => binaryMessageLength(bytes("47 45 54 20 2F 20 48 54"))).toThrow(/not a KMIP tag/); // "GET / HT"
    expect(() => binaryMessageLength(bytes("42 00 78 02 00 00 00 04"))).toThrow(/is a Structure/);
    expect(() => binaryMessageLength(bytes("42 00 78 01 7F 00 00 00"), 1 << 20)).toThrow(/more than the limit/);
  });
});

describe("large ByteStrings", () => {
  const message = (data: Uint8Array, nonce = new Uint8Array(12).fill(9)): TtlvNode => ({
    tag: "ResponsePayload",
    type: "Structure",
    value: [
      { tag: "UniqueIdentifier", type: "TextString", value: "k" },
      { tag: "Data", type: "ByteString", value: data },
      { tag: "IVCounterNonce", type: "ByteString", value: nonce },
    ],
  });
  const big = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 1) & 0xff);

  test("a large value is its own part, sent as it is; the parts joined are the message", () => {
    const data = big(20003);
    const parts = encodeTtlvBinaryParts(message(data));
    expect(parts).toHaveLength(3);
    expect(parts[1]).toBe(data); // the value itself, no copy
    expect(concatParts(parts)).toEqual(encodeTtlvBinary(message(data)));
    expect(decodeTtlvBinary(concatParts(parts))).toEqual(message(data));
    // header + UniqueIdentifier + Data's header before; padding + IVCounterNonce after
    expect(parts[0].length).toBe(8 + 16 + 8);
    expect(parts[2].length).toBe(5 + 8 + 16);
  });

  test("a small answer is one part", () => {
    const parts = encodeTtlvBinaryParts(message(big(100)));
    expect(parts).toHaveLength(1);
    expect(parts[0]).toEqual(encodeTtlvBinary(message(big(100))));
  });

  test("decoding: a large value is a view of the message, a small one a copy", () => {
    const encoded = encodeTtlvBinary(message(big(20003), big(16)));
    const decoded = decodeTtlvBinary(encoded) as Extract<TtlvNode, { type: "Structure" }>;
    const [, data, nonce] = decoded.value as Extract<TtlvNode, { type: "ByteString" }>[];
    expect(Buffer.from(data.value).equals(big(20003))).toBe(true);
    expect(data.value.buffer).toBe(encoded.buffer);
    expect(nonce.value.buffer).not.toBe(encoded.buffer);
    expect(nonce.value).toEqual(big(16));
  });
});
