import { describe, expect, it } from "vitest";
import * as chacha20 from "./chacha20.ts";
import rfc from "../../test/vectors/symmetric/chacha20.json" with { type: "json" };
import cosmianKat from "../../test/vectors/symmetric/cosmian-kat.json" with { type: "json" };
import { h, hex } from "../../test/helpers/bytes.ts";

describe("ChaCha20 (original 64-bit nonce) known answers", () => {
  for (const v of rfc.vectors) {
    it(`${v.name} (counter ${v.counter})`, () => {
      expect(hex(chacha20.encrypt(h(v.key), h(v.nonce), h(v.plaintext), v.counter))).toBe(v.ciphertext);
      expect(hex(chacha20.decrypt(h(v.key), h(v.nonce), h(v.ciphertext), v.counter))).toBe(v.plaintext);
    });
  }
  for (const v of cosmianKat.vectors.filter((x) => x.algorithm === "ChaCha20")) {
    it(`Cosmian KAT ${v.scenario}`, () => {
      expect(hex(chacha20.encrypt(h(v.key), h(v.iv!), h(v.plaintext!)))).toBe(v.ciphertext);
    });
  }
  it("the counter is a block offset into the same keystream", () => {
    const key = h(rfc.vectors[2].key),
      nonce = h("0001020304050607");
    const stream = chacha20.encrypt(key, nonce, new Uint8Array(192));
    expect(hex(chacha20.encrypt(key, nonce, new Uint8Array(64), 2))).toBe(hex(stream.subarray(128)));
  });
});

describe("ChaCha20 errors", () => {
  it("rejects bad key, nonce and counter", () => {
    const key = new Uint8Array(32);
    expect(() => chacha20.encrypt(new Uint8Array(16), new Uint8Array(8), new Uint8Array(1))).toThrow(
      /invalid key length/,
    );
    for (const n of [0, 7, 12, 24])
      expect(() => chacha20.encrypt(key, new Uint8Array(n), new Uint8Array(1)), `nonce ${n}`).toThrow(
        /invalid IV\/nonce length/,
      );
    for (const c of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1])
      expect(() => chacha20.encrypt(key, new Uint8Array(8), new Uint8Array(1), c), `counter ${c}`).toThrow(RangeError);
    expect(chacha20.encrypt(key, new Uint8Array(8), new Uint8Array(0)).length).toBe(0);
  });
});
