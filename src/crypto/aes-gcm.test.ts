import { describe, expect, it } from "vitest";
import * as aesGcm from "./aes-gcm.ts";
import { concatBytes } from "./bytes.ts";
import gcmSpec from "../../test/vectors/symmetric/gcm-spec.json" with { type: "json" };
import cosmianKat from "../../test/vectors/symmetric/cosmian-kat.json" with { type: "json" };
import cloudproof from "../../test/vectors/symmetric/cloudproof-aes256gcm.json" with { type: "json" };
import wycheproof from "../../test/vectors/symmetric/wycheproof/aes_gcm_test.json" with { type: "json" };
import { h, hex } from "../../test/helpers/bytes.ts";
import { wycheproofAead } from "../../test/helpers/aead.ts";

describe("AES-GCM known answers: McGrew-Viega GCM spec test cases 1-18", () => {
  for (const v of gcmSpec.vectors) {
    it(`${v.name} (IV ${v.iv.length / 2} bytes)`, () => {
      const { ciphertext, tag } = aesGcm.encrypt(h(v.key), h(v.iv), h(v.plaintext), h(v.aad));
      expect(hex(ciphertext)).toBe(v.ciphertext);
      expect(hex(tag)).toBe(v.tag);
      expect(hex(aesGcm.decrypt(h(v.key), h(v.iv), h(v.ciphertext), h(v.tag), h(v.aad)))).toBe(v.plaintext);
    });
  }

  it("a 12..15-byte tag is the truncated 16-byte tag, and decrypts", () => {
    const v = gcmSpec.vectors[15]; // test case 16
    for (let t = 12; t <= 16; t++) {
      const { tag } = aesGcm.encrypt(h(v.key), h(v.iv), h(v.plaintext), h(v.aad), t);
      expect(hex(tag)).toBe(v.tag.slice(0, 2 * t));
      expect(hex(aesGcm.decrypt(h(v.key), h(v.iv), h(v.ciphertext), tag, h(v.aad)))).toBe(v.plaintext);
    }
  });
});

describe("AES-GCM: Cosmian KMS KAT corpus and cloudproof_js outputs", () => {
  for (const v of cosmianKat.vectors.filter((x) => x.mode === "GCM")) {
    it(v.scenario, () => {
      const { ciphertext, tag } = aesGcm.encrypt(h(v.key), h(v.iv!), h(v.plaintext!), h(v.aad!));
      expect(hex(ciphertext)).toBe(v.ciphertext);
      expect(hex(tag)).toBe(v.tag);
    });
  }
  for (const v of cloudproof.vectors) {
    it(`cloudproof_js Aes256Gcm: ${v.label}`, () => {
      const { ciphertext, tag } = aesGcm.encrypt(h(v.key), h(v.nonce), h(v.plaintext), h(v.aad));
      expect(hex(concatBytes(ciphertext, tag))).toBe(v.output);
    });
  }
});

// 257-byte IVs are valid GCM but over the portable cap (BoringSSL refuses them); empty IVs are not GCM.
wycheproofAead(
  "AES-GCM: Wycheproof aes_gcm_test.json",
  wycheproof,
  aesGcm,
  (iv) => iv.length === 0 || iv.length > aesGcm.MAX_NONCE_LENGTH,
);

describe("AES-GCM negative cases", () => {
  const v = gcmSpec.vectors[15]; // test case 16, AES-256 with AAD
  const key = h(v.key),
    iv = h(v.iv),
    aad = h(v.aad),
    ct = h(v.ciphertext),
    tag = h(v.tag);
  const flip = (b: Uint8Array, i: number) => {
    const c = b.slice();
    c[i] ^= 1;
    return c;
  };

  it("rejects a wrong key, nonce, AAD, ciphertext or tag with AuthenticationError", () => {
    const cases: [string, () => unknown][] = [
      ["key", () => aesGcm.decrypt(flip(key, 0), iv, ct, tag, aad)],
      ["nonce", () => aesGcm.decrypt(key, flip(iv, 11), ct, tag, aad)],
      ["aad", () => aesGcm.decrypt(key, iv, ct, tag, flip(aad, 3))],
      ["missing aad", () => aesGcm.decrypt(key, iv, ct, tag)],
      ["ciphertext", () => aesGcm.decrypt(key, iv, flip(ct, 30), tag, aad)],
      ["truncated ciphertext", () => aesGcm.decrypt(key, iv, ct.subarray(1), tag, aad)],
      ["tag", () => aesGcm.decrypt(key, iv, ct, flip(tag, 15), aad)],
      ["truncated tag, wrong", () => aesGcm.decrypt(key, iv, ct, flip(tag.subarray(0, 12), 0), aad)],
    ];
    for (const [what, f] of cases) {
      expect(f, what).toThrow(aesGcm.AuthenticationError);
      expect(f, what).toThrow(/invalid tag/);
    }
  });

  it("rejects bad key, nonce and tag lengths with RangeError", () => {
    for (const n of [0, 8, 15, 17, 31, 33, 64]) {
      expect(() => aesGcm.encrypt(new Uint8Array(n), iv, ct), `key ${n}`).toThrow(RangeError);
      expect(() => aesGcm.decrypt(new Uint8Array(n), iv, ct, tag), `key ${n}`).toThrow(RangeError);
    }
    expect(() => aesGcm.encrypt(key, new Uint8Array(0), ct)).toThrow(/invalid IV\/nonce length/);
    expect(() => aesGcm.decrypt(key, new Uint8Array(129), ct, tag)).toThrow(/invalid IV\/nonce length/);
    for (const t of [0, 1, 4, 8, 11, 17, 12.5]) {
      expect(() => aesGcm.encrypt(key, iv, ct, aad, t), `tagLength ${t}`).toThrow(RangeError);
    }
    for (const t of [0, 1, 11, 17]) {
      expect(() => aesGcm.decrypt(key, iv, ct, new Uint8Array(t), aad), `tag ${t}`).toThrow(/invalid tag length/);
    }
    expect(() => aesGcm.encrypt("key" as unknown as Uint8Array, iv, ct)).toThrow(TypeError);
  });

  it("accepts nonces of any non-empty length and round-trips the empty plaintext", () => {
    for (const n of [1, 8, 12, 16, 60, 128]) {
      const nonce = new Uint8Array(n).fill(7);
      const sealed = aesGcm.encrypt(key, nonce, new Uint8Array(0));
      expect(sealed.ciphertext.length).toBe(0);
      expect(aesGcm.decrypt(key, nonce, sealed.ciphertext, sealed.tag).length).toBe(0);
    }
  });
});

describe("AES-GCM packed form nonce || ciphertext || tag", () => {
  const key = h("72689fde60cc0ae99c014dca80393ef25bb00a05ad7f8eb314df9eadef3864cb");
  it("round-trips with a fresh random nonce each time", () => {
    const pt = new TextEncoder().encode("wrapped key material");
    const a = aesGcm.encryptPacked(key, pt, h("aa"));
    const b = aesGcm.encryptPacked(key, pt, h("aa"));
    expect(a.length).toBe(12 + pt.length + 16);
    expect(hex(a.subarray(0, 12))).not.toBe(hex(b.subarray(0, 12)));
    expect(hex(aesGcm.decryptPacked(key, a, h("aa")))).toBe(hex(pt));
    // the layout is the detached one, concatenated
    const { ciphertext, tag } = aesGcm.encrypt(key, a.subarray(0, 12), pt, h("aa"));
    expect(hex(a)).toBe(hex(concatBytes(a.subarray(0, 12), ciphertext, tag)));
    const tampered = a.slice();
    tampered[5] ^= 0x80;
    expect(() => aesGcm.decryptPacked(key, tampered, h("aa"))).toThrow(aesGcm.AuthenticationError);
    expect(() => aesGcm.decryptPacked(key, a.subarray(0, 27))).toThrow(RangeError);
  });
});
