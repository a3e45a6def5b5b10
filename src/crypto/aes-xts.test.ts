import { describe, expect, it } from "vitest";
import * as crypto from "node:crypto";
import * as aesXts from "./aes-xts.ts";
import ieee from "../../test/vectors/symmetric/ieee1619-xts.json" with { type: "json" };
import cosmianKat from "../../test/vectors/symmetric/cosmian-kat.json" with { type: "json" };
import wycheproof from "../../test/vectors/symmetric/wycheproof/aes_xts_test.json" with { type: "json" };
import { h, hex } from "../../test/helpers/bytes.ts";
import { skipUnderBun } from "../../test/helpers/runtime.ts";

describe("AES-XTS known answers (IEEE 1619-2007 Annex B)", () => {
  for (const v of ieee.vectors) {
    it(v.name, () => {
      const key = h(v.key);
      if (v.key.slice(0, v.key.length / 2) === v.key.slice(v.key.length / 2)) {
        // Vector 1 has Key1 == Key2: decryption only, encryption is refused like OpenSSL 3 does.
        expect(() => aesXts.encrypt(key, h(v.tweak), h(v.plaintext))).toThrow(/must differ/);
      } else {
        expect(hex(aesXts.encrypt(key, h(v.tweak), h(v.plaintext)))).toBe(v.ciphertext);
      }
      expect(hex(aesXts.decrypt(key, h(v.tweak), h(v.ciphertext)))).toBe(v.plaintext);
    });
  }
  for (const v of ieee.prefix_vectors) {
    it(v.name, () => {
      const ct = aesXts.encrypt(h(v.key), h(v.tweak), h(v.plaintext));
      expect(hex(ct.subarray(0, 32))).toBe(v.ciphertext_prefix);
      expect(hex(aesXts.decrypt(h(v.key), h(v.tweak), ct))).toBe(v.plaintext);
    });
  }
  for (const v of cosmianKat.vectors.filter((x) => x.mode === "XTS")) {
    it(`Cosmian KAT ${v.scenario}`, () => {
      expect(hex(aesXts.encrypt(h(v.key), h(v.iv!), h(v.plaintext!)))).toBe(v.ciphertext);
      expect(hex(aesXts.decrypt(h(v.key), h(v.iv!), h(v.ciphertext!)))).toBe(v.plaintext);
    });
  }
});

describe("AES-XTS: Wycheproof aes_xts_test.json (8-byte IV = tweak, zero-extended)", () => {
  for (const group of wycheproof.testGroups) {
    it(`key ${group.keySize} bits, IV ${group.ivSize} bits (${group.tests.length} cases)`, () => {
      for (const t of group.tests) {
        const key = h(t.key),
          tweak = new Uint8Array(16),
          label = `tcId ${t.tcId} ${t.comment}`;
        tweak.set(h(t.iv));
        if (key.length === 48) {
          // AES-192-XTS: neither OpenSSL nor the KMS offers it.
          expect(() => aesXts.encrypt(key, tweak, h(t.msg)), label).toThrow(/invalid key length/);
          continue;
        }
        expect(hex(aesXts.encrypt(key, tweak, h(t.msg))), label).toBe(t.ct);
        expect(hex(aesXts.decrypt(key, tweak, h(t.ct))), label).toBe(t.msg);
      }
    });
  }
});

describe("AES-XTS errors and cross-checks", () => {
  const key = h("27182818284590452353602874713526" + "31415926535897932384626433832795");
  const tweak = new Uint8Array(16);
  it("rejects short data, bad key and tweak lengths", () => {
    for (const n of [0, 1, 15])
      expect(() => aesXts.encrypt(key, tweak, new Uint8Array(n)), `data ${n}`).toThrow(/too short/);
    for (const n of [16, 24, 48, 63])
      expect(
        () =>
          aesXts.encrypt(
            new Uint8Array(n).map((_, i) => i),
            tweak,
            new Uint8Array(16),
          ),
        `key ${n}`,
      ).toThrow(/invalid key length/);
    for (const n of [0, 8, 12, 17])
      expect(() => aesXts.decrypt(key, new Uint8Array(n), new Uint8Array(16)), `tweak ${n}`).toThrow(
        /invalid IV\/nonce length/,
      );
  });
  it("round-trips every length 16..100 and a 1 MiB unit, and the tweak matters", () => {
    for (let n = 16; n <= 100; n++) {
      const pt = new Uint8Array(n).map((_, i) => i * 31 + n);
      expect(hex(aesXts.decrypt(key, tweak, aesXts.encrypt(key, tweak, pt)))).toBe(hex(pt));
    }
    const big = new Uint8Array(1 << 20).map((_, i) => i);
    const ct = aesXts.encrypt(key, tweak, big);
    expect(hex(aesXts.decrypt(key, tweak, ct).subarray(-64))).toBe(hex(big.subarray(-64)));
    const t2 = tweak.slice();
    t2[0] = 1;
    expect(hex(aesXts.encrypt(key, t2, big.subarray(0, 32)))).not.toBe(hex(ct.subarray(0, 32)));
  });
  // Differential check against OpenSSL's own aes-*-xts (Node; Bun's node:crypto has no XTS).
  it.skipIf(skipUnderBun("OpenSSL aes-xts differential test"))(
    "agrees with OpenSSL aes-128/256-xts on random inputs (Node only)",
    () => {
      expect(crypto.getCiphers()).toContain("aes-256-xts");
      for (const keyLen of [32, 64]) {
        for (const n of [16, 17, 31, 32, 33, 47, 255, 512, 4097]) {
          const k = crypto.randomBytes(keyLen),
            tw = crypto.randomBytes(16),
            pt = crypto.randomBytes(n);
          const c = crypto.createCipheriv(keyLen === 32 ? "aes-128-xts" : "aes-256-xts", k, tw);
          expect(hex(aesXts.encrypt(k, tw, pt)), `${keyLen}/${n}`).toBe(hex(Buffer.concat([c.update(pt), c.final()])));
        }
      }
    },
  );
});
