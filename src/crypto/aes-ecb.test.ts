import { describe, expect, it } from "vitest";
import * as aesEcb from "./aes-ecb.ts";
import sp80038a from "../../test/vectors/symmetric/nist-sp800-38a.json" with { type: "json" };
import cosmianKat from "../../test/vectors/symmetric/cosmian-kat.json" with { type: "json" };
import { h, hex } from "../../test/helpers/bytes.ts";

describe("AES-ECB known answers", () => {
  for (const v of sp80038a.vectors.filter((x) => x.cipher === "ecb")) {
    it(`NIST SP 800-38A ${v.name}`, () => {
      const pt = v.blocks.map((b) => b.plaintext).join("");
      const ct = v.blocks.map((b) => b.ciphertext).join("");
      expect(hex(aesEcb.encrypt(h(v.key), h(pt)))).toBe(ct);
      expect(hex(aesEcb.decrypt(h(v.key), h(ct)))).toBe(pt);
    });
  }
  for (const v of cosmianKat.vectors.filter((x) => x.mode === "ECB")) {
    it(`Cosmian KAT ${v.scenario}`, () => {
      expect(hex(aesEcb.encrypt(h(v.key), h(v.plaintext!)))).toBe(v.ciphertext);
      expect(hex(aesEcb.decrypt(h(v.key), h(v.ciphertext!)))).toBe(v.plaintext);
    });
  }
});

describe("AES-ECB padding and errors", () => {
  const key = h("2b7e151628aed2a6abf7158809cf4f3c");
  it("PKCS#5: the first block equals the unpadded encryption, then a full pad block", () => {
    const pt = h("6bc1bee22e409f96e93d7e117393172a");
    const ct = aesEcb.encrypt(key, pt, "pkcs5");
    expect(hex(ct.subarray(0, 16))).toBe("3ad77bb40d7a3660a89ecaf32466ef97");
    expect(hex(aesEcb.decrypt(key, ct, "pkcs5"))).toBe(hex(pt));
    expect(hex(ct.subarray(16))).toBe(hex(aesEcb.encrypt(key, h("10".repeat(16)))));
    for (let n = 0; n < 33; n++)
      expect(aesEcb.decrypt(key, aesEcb.encrypt(key, new Uint8Array(n), "pkcs5"), "pkcs5").length).toBe(n);
  });
  it("rejects unaligned input without padding, bad padding and bad keys", () => {
    expect(() => aesEcb.encrypt(key, new Uint8Array(15))).toThrow(/multiple of the block size/);
    expect(() => aesEcb.decrypt(key, new Uint8Array(17))).toThrow(RangeError);
    const ct = aesEcb.encrypt(key, new Uint8Array(16).fill(0x42)); // no valid PKCS#5 padding inside
    expect(() => aesEcb.decrypt(key, ct, "pkcs5")).toThrow(aesEcb.PaddingError);
    expect(() => aesEcb.encrypt(new Uint8Array(8), new Uint8Array(16))).toThrow(/invalid key length/);
  });
});
