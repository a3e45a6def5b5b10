import { describe, expect, it } from "vitest";
import * as chacha from "./chacha20-poly1305.ts";
import rfc from "../../test/vectors/symmetric/chacha20-poly1305.json" with { type: "json" };
import cosmianKat from "../../test/vectors/symmetric/cosmian-kat.json" with { type: "json" };
import wycheproof from "../../test/vectors/symmetric/wycheproof/chacha20_poly1305_test.json" with { type: "json" };
import { h, hex } from "../../test/helpers/bytes.ts";
import { aeadKnownAnswers, aeadMisuse, wycheproofAead } from "../../test/helpers/aead.ts";

aeadKnownAnswers("ChaCha20-Poly1305 known answers", rfc.vectors, chacha);

describe("ChaCha20-Poly1305: Cosmian known answers", () => {
  for (const v of cosmianKat.vectors.filter((x) => x.algorithm === "ChaCha20Poly1305")) {
    it(`Cosmian KAT ${v.scenario}`, () => {
      const { ciphertext, tag } = chacha.encrypt(h(v.key), h(v.iv!), h(v.plaintext!), h(v.aad!));
      expect(hex(ciphertext)).toBe(v.ciphertext);
      expect(hex(tag)).toBe(v.tag);
    });
  }
});

wycheproofAead(
  "ChaCha20-Poly1305: Wycheproof chacha20_poly1305_test.json",
  wycheproof,
  chacha,
  (iv) => iv.length !== chacha.NONCE_LENGTH,
);
aeadMisuse("ChaCha20-Poly1305 negative cases", rfc.vectors[0], chacha, [0, 8, 11, 13, 24]);
