import { describe, expect, it } from "vitest";
import * as chacha from "./xchacha20-poly1305.ts";
import rfc from "../../test/vectors/symmetric/xchacha20-poly1305.json" with { type: "json" };
import wycheproof from "../../test/vectors/symmetric/wycheproof/xchacha20_poly1305_test.json" with { type: "json" };
import { h, hex } from "../../test/helpers/bytes.ts";
import { wycheproofAead } from "../../test/helpers/aead.ts";

describe("XChaCha20-Poly1305 known answers", () => {
  for (const v of rfc.vectors) {
    it(v.name, () => {
      const { ciphertext, tag } = chacha.encrypt(h(v.key), h(v.nonce), h(v.plaintext), h(v.aad));
      expect(hex(ciphertext)).toBe(v.ciphertext);
      expect(hex(tag)).toBe(v.tag);
      expect(hex(chacha.decrypt(h(v.key), h(v.nonce), h(v.ciphertext), h(v.tag), h(v.aad)))).toBe(v.plaintext);
    });
  }
});

wycheproofAead("XChaCha20-Poly1305: Wycheproof xchacha20_poly1305_test.json", wycheproof, chacha, (iv) => iv.length !== chacha.NONCE_LENGTH);

describe("XChaCha20-Poly1305 negative cases", () => {
  const v = rfc.vectors[0];
  const key = h(v.key), nonce = h(v.nonce), aad = h(v.aad), ct = h(v.ciphertext), tag = h(v.tag);
  const flip = (b: Uint8Array, i: number) => { const c = b.slice(); c[i] ^= 1; return c; };

  it("rejects a wrong key, nonce, AAD, ciphertext or tag with AuthenticationError", () => {
    const cases: [string, () => unknown][] = [
      ["key", () => chacha.decrypt(flip(key, 0), nonce, ct, tag, aad)],
      ["nonce", () => chacha.decrypt(key, flip(nonce, 23), ct, tag, aad)],
      ["aad", () => chacha.decrypt(key, nonce, ct, tag, flip(aad, 0))],
      ["missing aad", () => chacha.decrypt(key, nonce, ct, tag)],
      ["ciphertext", () => chacha.decrypt(key, nonce, flip(ct, 100), tag, aad)],
      ["truncated ciphertext", () => chacha.decrypt(key, nonce, ct.subarray(0, ct.length - 1), tag, aad)],
      ["tag", () => chacha.decrypt(key, nonce, ct, flip(tag, 15), aad)],
    ];
    for (const [what, f] of cases) expect(f, what).toThrow(chacha.AuthenticationError);
  });

  it("rejects bad key, nonce and tag lengths with RangeError", () => {
    for (const n of [0, 16, 31, 33]) expect(() => chacha.encrypt(new Uint8Array(n), nonce, ct), `key ${n}`).toThrow(RangeError);
    for (const n of [0, 8, 12, 23, 25]) expect(() => chacha.encrypt(key, new Uint8Array(n), ct), `nonce ${n}`).toThrow(/invalid IV\/nonce length/);
    for (const n of [0, 12, 15, 17]) expect(() => chacha.decrypt(key, nonce, ct, new Uint8Array(n), aad), `tag ${n}`).toThrow(/invalid tag length/);
  });

  it("round-trips the empty message, with and without AAD", () => {
    for (const a of [undefined, new Uint8Array(0), h("0102")]) {
      const s = chacha.encrypt(key, nonce, new Uint8Array(0), a);
      expect(s.ciphertext.length).toBe(0);
      expect(chacha.decrypt(key, nonce, s.ciphertext, s.tag, a).length).toBe(0);
    }
  });
});
