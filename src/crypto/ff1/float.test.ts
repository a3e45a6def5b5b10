/** Float FPE (Integer(16, 16) over IEEE-754 bits) against the cloudproof_js float vectors. */
import { describe, expect, it } from "vitest";
import vectors from "../../../test/vectors/fpe/fpe-vectors.json";
import { hexToBytes } from "../bytes.ts";
import { randomBytes } from "../random.ts";
import { FpeError } from "./errors.ts";
import * as float from "./float.ts";

describe("float FPE: cloudproof_js vectors", () => {
  for (const v of vectors.float) {
    it(`${v.plaintext} -> ${v.ciphertext} (bits ${v.ciphertext_bits})`, () => {
      const key = hexToBytes(v.key);
      const tweak = hexToBytes(v.tweak);
      const pBits = BigInt(`0x${v.plaintext_bits}`);
      const cBits = BigInt(`0x${v.ciphertext_bits}`);
      expect(float.floatToBits(Number(v.plaintext))).toBe(pBits);
      // Bit level: exact in both directions, NaN payloads included.
      expect(float.encryptFloatBits(key, tweak, pBits)).toBe(cBits);
      expect(float.decryptFloatBits(key, tweak, cBits)).toBe(BigInt(`0x${v.decrypted_bits}`));
      // Number level.
      const c = float.encryptFloat(key, tweak, Number(v.plaintext));
      if (v.ciphertext === "NaN") {
        expect(Number.isNaN(c)).toBe(true);
      } else {
        expect(c).toBe(Number(v.ciphertext));
        expect(Object.is(float.decryptFloat(key, tweak, c), Number(v.plaintext))).toBe(true);
      }
    });
  }

  it("covers NaN ciphertexts, signed zeros, infinities and a subnormal", () => {
    const plain = vectors.float.map((v) => v.plaintext);
    for (const p of ["-0", "Infinity", "-Infinity", "NaN", "5e-324"]) expect(plain).toContain(p);
    expect(vectors.float.filter((v) => v.ciphertext === "NaN")).toHaveLength(3);
  });

  it("negative control: 10 rounds reproduces none", () => {
    const hits = vectors.float.filter(
      (v) =>
        float.encryptFloatBits(hexToBytes(v.key), hexToBytes(v.tweak), BigInt(`0x${v.plaintext_bits}`), {
          rounds: 10,
        }) === BigInt(`0x${v.ciphertext_bits}`),
    );
    expect(hits).toHaveLength(0);
  });

  it("random doubles round-trip through the bits", () => {
    const key = randomBytes(32);
    const tweak = randomBytes(7);
    for (let i = 0; i < 50; i++) {
      const bits = new DataView(randomBytes(8).buffer).getBigUint64(0);
      expect(float.decryptFloatBits(key, tweak, float.encryptFloatBits(key, tweak, bits))).toBe(bits);
    }
  });

  it("refuses bits outside u64 and non-numbers", () => {
    expect(() => float.encryptFloatBits(new Uint8Array(32), new Uint8Array(), 1n << 64n)).toThrow(FpeError);
    expect(() => float.encryptFloatBits(new Uint8Array(32), new Uint8Array(), -1n)).toThrow(FpeError);
    expect(() => float.encryptFloat(new Uint8Array(32), new Uint8Array(), "1" as unknown as number)).toThrow(TypeError);
    expect(() => float.encryptFloat(new Uint8Array(31), new Uint8Array(), 1)).toThrow(FpeError);
  });
});
