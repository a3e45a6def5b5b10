import { describe, expect, it } from "vitest";
import * as aesCbc from "./aes-cbc.ts";
import sp80038a from "../../test/vectors/symmetric/nist-sp800-38a.json" with { type: "json" };
import cosmianKat from "../../test/vectors/symmetric/cosmian-kat.json" with { type: "json" };
import wycheproof from "../../test/vectors/symmetric/wycheproof/aes_cbc_pkcs5_test.json" with { type: "json" };
import { h, hex } from "../../test/helpers/bytes.ts";

describe("AES-CBC known answers", () => {
  for (const v of sp80038a.vectors.filter((x) => x.cipher === "cbc")) {
    it(`NIST SP 800-38A ${v.name} (no padding)`, () => {
      const pt = v.blocks.map((b) => b.plaintext).join("");
      const ct = v.blocks.map((b) => b.ciphertext).join("");
      expect(hex(aesCbc.encrypt(h(v.key), h(v.iv!), h(pt), "none"))).toBe(ct);
      expect(hex(aesCbc.decrypt(h(v.key), h(v.iv!), h(ct), "none"))).toBe(pt);
    });
  }
  for (const v of cosmianKat.vectors.filter((x) => x.mode === "CBC")) {
    it(`Cosmian KAT ${v.scenario}`, () => {
      expect(v.padding).toBe("None");
      expect(hex(aesCbc.encrypt(h(v.key), h(v.iv!), h(v.plaintext!), "none"))).toBe(v.ciphertext);
      expect(hex(aesCbc.decrypt(h(v.key), h(v.iv!), h(v.ciphertext!), "none"))).toBe(v.plaintext);
    });
  }
});

describe("AES-CBC-PKCS5: Wycheproof aes_cbc_pkcs5_test.json", () => {
  for (const group of wycheproof.testGroups) {
    it(`key ${group.keySize} bits (${group.tests.length} cases)`, () => {
      for (const t of group.tests) {
        const key = h(t.key),
          iv = h(t.iv),
          label = `tcId ${t.tcId} ${t.comment}`;
        if (t.result === "valid") {
          expect(hex(aesCbc.encrypt(key, iv, h(t.msg))), label).toBe(t.ct);
          expect(hex(aesCbc.decrypt(key, iv, h(t.ct))), label).toBe(t.msg);
        } else {
          expect(() => aesCbc.decrypt(key, iv, h(t.ct)), label).toThrow(
            h(t.ct).length % 16 === 0 && t.ct.length > 0 ? aesCbc.PaddingError : RangeError,
          );
        }
      }
    });
  }
});

describe("AES-CBC negative cases", () => {
  const key = h("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
  const iv = h("000102030405060708090a0b0c0d0e0f");
  it("PKCS#5 pads a full block on block-aligned input and round-trips 0..40 bytes", () => {
    expect(aesCbc.encrypt(key, iv, new Uint8Array(16)).length).toBe(32);
    for (let n = 0; n <= 40; n++) {
      const pt = new Uint8Array(n).fill(n);
      const ct = aesCbc.encrypt(key, iv, pt);
      expect(ct.length).toBe((Math.floor(n / 16) + 1) * 16);
      expect(hex(aesCbc.decrypt(key, iv, ct))).toBe(hex(pt));
    }
  });
  it("rejects wrong lengths with RangeError (the KMS message names the IV length)", () => {
    expect(() => aesCbc.encrypt(key, h("0001020304050607"), new Uint8Array(16))).toThrow(/invalid IV\/nonce length/);
    expect(() => aesCbc.encrypt(key, iv, new Uint8Array(15), "none")).toThrow(/multiple of the block size/);
    expect(() => aesCbc.decrypt(key, iv, new Uint8Array(17))).toThrow(RangeError);
    expect(() => aesCbc.decrypt(key, iv, new Uint8Array(0))).toThrow(RangeError);
    expect(() => aesCbc.encrypt(new Uint8Array(20), iv, new Uint8Array(16))).toThrow(/invalid key length/);
    expect(() => aesCbc.encrypt(key, iv, new Uint8Array(16), "iso10126" as aesCbc.Padding)).toThrow(
      /unsupported padding/,
    );
  });
  it("a wrong key yields a PaddingError (or garbage, never the plaintext)", () => {
    const pt = new TextEncoder().encode("Hello, World!");
    const ct = aesCbc.encrypt(key, iv, pt);
    const other = key.slice();
    other[0] ^= 1;
    try {
      expect(hex(aesCbc.decrypt(other, iv, ct))).not.toBe(hex(pt));
    } catch (e) {
      expect(e).toBeInstanceOf(aesCbc.PaddingError);
    }
    const bad = ct.slice();
    bad[bad.length - 1] ^= 0xff; // the final block decrypts to random bytes: padding check fails
    expect(() => aesCbc.decrypt(key, iv, bad)).toThrow(aesCbc.PaddingError);
  });
});
