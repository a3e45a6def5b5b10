/**
 * The hex helpers: upper-case hex as text (bytesToHex) and written straight into bytes
 * (writeHexUpper) at every alignment of input and output, against known answers and Node's codec.
 */
import { describe, expect, test } from "vitest";
import { bytesToHex, hexStartAlignment, hexToBytes, writeHexUpper } from "./bytes.ts";

const nodeHex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();
const random = (n: number) => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, Math.min(n, i + 65536)));
  return b;
};

describe("bytesToHex", () => {
  test("known answers, short and long", () => {
    expect(bytesToHex(new Uint8Array([0x00, 0x0f, 0xa5, 0xff]))).toBe("000FA5FF");
    const long = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    expect(bytesToHex(long)).toBe(nodeHex(long));
  });
});

describe("writeHexUpper", () => {
  test("a known answer", () => {
    const out = new Uint8Array(12).fill(0x2e);
    writeHexUpper(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x01]), out, 1);
    expect(Buffer.from(out).toString("latin1")).toBe(".DEADBEEF01.");
  });

  // lengths around the four-bytes-at-a-time threshold, every input and output alignment
  const cases: [number, number, number][] = [];
  for (const n of [0, 1, 2, 63, 64, 65, 66, 200, 4097])
    for (const inOffset of [0, 1, 2, 3]) for (const outOffset of [0, 1, 2, 3, 6]) cases.push([n, inOffset, outOffset]);
  test.each(cases)("%i bytes, input at +%i, output at +%i: Node's hex, nothing outside touched", (n, i, o) => {
    const input = random(n + 4).subarray(i, i + n);
    const out = new Uint8Array(2 * n + 10).fill(0x2e);
    writeHexUpper(input, out.subarray(1), o);
    const text = Buffer.from(out).toString("latin1");
    expect(text.slice(1 + o, 1 + o + 2 * n)).toBe(nodeHex(input));
    expect(text.slice(0, 1 + o)).toBe(".".repeat(1 + o));
    expect(text.slice(1 + o + 2 * n)).toBe(".".repeat(out.length - 1 - o - 2 * n));
  });

  test("a megabyte at the alignment hexStartAlignment asks for, from an odd and an even input address", () => {
    const backing = random(1024 * 1024 + 1);
    for (const input of [backing.subarray(0, 1024 * 1024), backing.subarray(1)]) {
      const start = 8 + hexStartAlignment(input);
      const out = new Uint8Array(start + 2 * input.length);
      writeHexUpper(input, out, start);
      expect(Buffer.from(hexToBytes(Buffer.from(out.subarray(start)).toString("latin1"))).equals(input)).toBe(true);
      expect(Buffer.from(out.subarray(start, start + 64)).toString("latin1")).toBe(nodeHex(input.subarray(0, 32)));
    }
  });

  test("refuses to write outside the output", () => {
    expect(() => writeHexUpper(new Uint8Array(4), new Uint8Array(8), 1)).toThrow(RangeError);
    expect(() => writeHexUpper(new Uint8Array(1), new Uint8Array(8), -1)).toThrow(RangeError);
  });
});
