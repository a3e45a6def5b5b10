/**
 * The envelope file format's pieces without a server: header round trip and rejection of every
 * malformed header, chunk nonces (index and final flag), and ckms's CoverCrypt specification.
 */
import { describe, expect, test } from "vitest";
import { chunkNonce, decodeHeader, encodeHeader } from "./envelope.ts";
import { specificationToPolicy } from "./cc.ts";
import { CliError } from "./client.ts";

const fields = {
  chunkSize: 1 << 20,
  prefix: Uint8Array.from([1, 2, 3, 4, 5, 6, 7]),
  keyId: "clé-1",
  wrapIv: new Uint8Array(12).fill(9),
  wrapTag: new Uint8Array(16).fill(8),
  wrapped: new Uint8Array(32).fill(7),
};

describe("envelope header", () => {
  test("encodes the documented layout and decodes back", () => {
    const bytes = encodeHeader(fields);
    expect(Buffer.from(bytes.subarray(0, 12)).toString("hex")).toBe("4b4d53454e56" + "01" + "01" + "00100000");
    expect(Buffer.from(bytes.subarray(12, 19))).toEqual(Buffer.from(fields.prefix));
    expect((bytes[19] << 8) | bytes[20]).toBe(6); // "clé-1" is 6 UTF-8 bytes
    expect(bytes.length).toBe(21 + 6 + 1 + 12 + 1 + 16 + 2 + 32);
    const withBody = new Uint8Array([...bytes, 0xaa, 0xbb]);
    const h = decodeHeader(withBody, "f");
    expect(h).toEqual({ ...fields, bytes });
  });

  test.each([
    ["bad magic", (b: Uint8Array) => (b[0] = 0x58), /bad magic/],
    ["version", (b: Uint8Array) => (b[6] = 2), /unsupported version 2/],
    ["algorithm", (b: Uint8Array) => (b[7] = 9), /unsupported algorithm 9/],
    ["chunk size", (b: Uint8Array) => b.set([0, 0, 0, 1], 8), /chunk size 1 out of range/],
  ])("refuses a header with a bad %s", (_name, mutate, message) => {
    const b = encodeHeader(fields);
    mutate(b);
    expect(() => decodeHeader(b, "f")).toThrow(message);
  });

  test("a truncated header is refused at every length", () => {
    const b = encodeHeader(fields);
    for (let n = 0; n < b.length; n++) expect(() => decodeHeader(b.subarray(0, n), "f"), String(n)).toThrow(CliError);
  });

  test("chunk nonces: prefix, big-endian index, final flag", () => {
    expect(Buffer.from(chunkNonce(fields.prefix, 0x01020304, false)).toString("hex")).toBe(
      "01020304050607" + "01020304" + "00",
    );
    expect(Buffer.from(chunkNonce(fields.prefix, 0, true)).toString("hex")).toBe("01020304050607" + "00000000" + "01");
  });
});

describe("CoverCrypt specification (ckms)", () => {
  test("ordered (::< or ::+) and unordered dimensions, hybridized attributes, ids in order", () => {
    const p = JSON.parse(
      specificationToPolicy(JSON.stringify({ "Level::<": ["Low", "High::+"], Dept: ["HR", "FIN"] }), "s.json"),
    );
    expect(p).toEqual({
      version: "V2",
      last_attribute_value: 4,
      dimensions: {
        Level: {
          Ordered: {
            Low: { id: 1, encryption_hint: "Classic", write_status: "EncryptDecrypt" },
            High: { id: 2, encryption_hint: "Hybridized", write_status: "EncryptDecrypt" },
          },
        },
        Dept: {
          Unordered: {
            HR: { id: 3, encryption_hint: "Classic", write_status: "EncryptDecrypt" },
            FIN: { id: 4, encryption_hint: "Classic", write_status: "EncryptDecrypt" },
          },
        },
      },
    });
    const v2 = '{"version":"V2","last_attribute_value":0,"dimensions":{}}';
    expect(specificationToPolicy(v2, "p.json")).toBe(v2);
  });

  test.each([
    ["[]", /a specification is a JSON object/],
    ["{}", /has no dimension/],
    ['{"A": ["x", "x"]}', /appears twice/],
    ['{"A": [1]}', /non-empty strings/],
    ['{"::<": ["x"]}', /empty dimension name/],
  ])("refuses %s", (text, message) => {
    expect(() => specificationToPolicy(text, "s.json")).toThrow(message);
  });
});
