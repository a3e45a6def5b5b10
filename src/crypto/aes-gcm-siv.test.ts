import { describe, expect, it } from "vitest";
import * as siv from "./aes-gcm-siv.ts";
import { hexToBytes } from "./bytes.ts";
import vectors from "../../test/vectors/symmetric/aes-gcm-siv.json" with { type: "json" };
import { hex } from "../../test/helpers/bytes.ts";

describe("AES-GCM-SIV known answers (RFC 8452 Appendix C, Cosmian KAT)", () => {
  for (const v of vectors.vectors) {
    it(v.name, () => {
      const key = hexToBytes(v.key),
        nonce = hexToBytes(v.nonce),
        aad = hexToBytes(v.aad),
        pt = hexToBytes(v.plaintext);
      const { ciphertext, tag } = siv.encrypt(key, nonce, pt, aad);
      expect(hex(ciphertext) + hex(tag)).toBe(v.result);
      const result = hexToBytes(v.result);
      const ct = result.subarray(0, result.length - 16),
        t = result.subarray(result.length - 16);
      expect(hex(siv.decrypt(key, nonce, ct, t, aad))).toBe(v.plaintext);
    });
  }
});

describe("AES-GCM-SIV refusals", () => {
  const v = vectors.vectors[3];
  const key = hexToBytes(v.key),
    nonce = hexToBytes(v.nonce),
    aad = hexToBytes(v.aad);
  const result = hexToBytes(v.result);
  const ct = result.subarray(0, result.length - 16),
    tag = result.subarray(result.length - 16);

  it("a flipped tag, ciphertext, AAD or nonce bit fails authentication", () => {
    const flip = (b: Uint8Array, i = 0) => {
      const c = Uint8Array.from(b);
      c[i] ^= 1;
      return c;
    };
    expect(() => siv.decrypt(key, nonce, ct, flip(tag), aad)).toThrow(siv.AuthenticationError);
    expect(() => siv.decrypt(key, nonce, flip(ct), tag, aad)).toThrow(siv.AuthenticationError);
    expect(() => siv.decrypt(key, nonce, ct, tag, flip(aad))).toThrow(siv.AuthenticationError);
    expect(() => siv.decrypt(key, flip(nonce), ct, tag, aad)).toThrow(siv.AuthenticationError);
    expect(() => siv.decrypt(key, nonce, ct, tag.subarray(0, 12), aad)).toThrow(siv.AuthenticationError);
  });

  it("refuses 24-byte keys and nonces other than 12 bytes", () => {
    expect(() => siv.encrypt(new Uint8Array(24), nonce, ct)).toThrow(RangeError);
    expect(() => siv.encrypt(key, new Uint8Array(16), ct)).toThrow(/IV\/nonce length 16/);
  });
});
