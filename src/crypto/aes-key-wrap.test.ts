import { describe, expect, it } from "vitest";
import * as crypto from "node:crypto";
import { aeskw, aeskwp } from "@noble/ciphers/aes.js";
import * as keyWrap from "./aes-key-wrap.ts";
import { skipUnderBun } from "../../test/helpers/runtime.ts";
import rfc from "../../test/vectors/symmetric/aes-kw.json" with { type: "json" };
import cosmianKat from "../../test/vectors/symmetric/cosmian-kat.json" with { type: "json" };
import wpKw from "../../test/vectors/symmetric/wycheproof/aes_wrap_test.json" with { type: "json" };
import wpKwp from "../../test/vectors/symmetric/wycheproof/aes_kwp_test.json" with { type: "json" };
import { h, hex } from "../../test/helpers/bytes.ts";

type Wrap = (kek: Uint8Array, data: Uint8Array) => Uint8Array;

describe("AES-KW (RFC 3394) and AES-KWP (RFC 5649) known answers", () => {
  for (const v of rfc.kw) {
    it(v.name, () => {
      expect(hex(keyWrap.wrap(h(v.kek), h(v.key)))).toBe(v.wrapped);
      expect(hex(keyWrap.unwrap(h(v.kek), h(v.wrapped)))).toBe(v.key);
    });
  }
  for (const v of rfc.kwp) {
    it(v.name, () => {
      expect(hex(keyWrap.wrapWithPadding(h(v.kek), h(v.key)))).toBe(v.wrapped);
      expect(hex(keyWrap.unwrapWithPadding(h(v.kek), h(v.wrapped)))).toBe(v.key);
    });
  }
  for (const v of cosmianKat.vectors.filter((x) => x.mode === "NISTKeyWrap" || x.mode === "AESKeyWrapPadding")) {
    it(`Cosmian KAT ${v.scenario}`, () => {
      const [w, u] =
        v.mode === "NISTKeyWrap"
          ? [keyWrap.wrap, keyWrap.unwrap]
          : [keyWrap.wrapWithPadding, keyWrap.unwrapWithPadding];
      expect(hex(w(h(v.key), h(v.plaintext!)))).toBe(v.ciphertext);
      expect(hex(u(h(v.key), h(v.ciphertext!)))).toBe(v.plaintext);
    });
  }
});

function wycheproof(name: string, file: typeof wpKw, wrap: Wrap, unwrap: Wrap) {
  describe(`Wycheproof ${name}`, () => {
    for (const group of file.testGroups) {
      it(`KEK ${group.keySize} bits (${group.tests.length} cases)`, () => {
        for (const t of group.tests) {
          const key = h(t.key),
            msg = h(t.msg),
            ct = h(t.ct);
          const label = `tcId ${t.tcId} ${t.comment} ${t.flags.join(",")}`;
          if (t.result === "valid") {
            expect(hex(wrap(key, msg)), label).toBe(t.ct);
            expect(hex(unwrap(key, ct)), label).toBe(t.msg);
          } else if (t.result === "acceptable") {
            // 8-byte key data for RFC 3394: we follow the RFC (n >= 2) and refuse it, as OpenSSL does.
            expect(() => wrap(key, msg), label).toThrow(RangeError);
            expect(() => unwrap(key, ct), label).toThrow(RangeError);
          } else {
            expect(() => unwrap(key, ct), label).toThrow(
              ct.length % 8 === 0 && ct.length >= 16 ? /integrity check failed|invalid wrapped key length/ : RangeError,
            );
          }
        }
      });
    }
  });
}
wycheproof("aes_wrap_test.json", wpKw, keyWrap.wrap, keyWrap.unwrap);
wycheproof("aes_kwp_test.json", wpKwp as unknown as typeof wpKw, keyWrap.wrapWithPadding, keyWrap.unwrapWithPadding);

describe("AES key wrap: tampering and misuse", () => {
  const kek = h("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const key32 = h("00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f");

  it("every flipped bit of a wrapped key fails the integrity check (KW and KWP)", () => {
    for (const [w, u] of [
      [keyWrap.wrap, keyWrap.unwrap],
      [keyWrap.wrapWithPadding, keyWrap.unwrapWithPadding],
    ] as [Wrap, Wrap][]) {
      const wrapped = w(kek, key32);
      for (let i = 0; i < wrapped.length; i++) {
        const t = wrapped.slice();
        t[i] ^= 1 << (i % 8);
        expect(() => u(kek, t), `byte ${i}`).toThrow(keyWrap.AuthenticationError);
      }
      const wrongKek = kek.slice();
      wrongKek[0] ^= 1;
      expect(() => u(wrongKek, wrapped)).toThrow(/integrity check failed/);
    }
  });

  it("KWP round-trips every length 1..72 and refuses a KW ciphertext", () => {
    for (let n = 1; n <= 72; n++) {
      const data = new Uint8Array(n).map((_, i) => i * 7 + n);
      const wrapped = keyWrap.wrapWithPadding(kek, data);
      expect(wrapped.length).toBe(Math.max(16, Math.ceil(n / 8) * 8 + 8));
      expect(hex(keyWrap.unwrapWithPadding(kek, wrapped))).toBe(hex(data));
    }
    expect(() => keyWrap.unwrapWithPadding(kek, keyWrap.wrap(kek, key32))).toThrow(keyWrap.AuthenticationError);
    expect(() => keyWrap.unwrap(kek, keyWrap.wrapWithPadding(kek, key32))).toThrow(keyWrap.AuthenticationError);
  });

  it("rejects bad lengths with RangeError", () => {
    for (const n of [0, 8, 15, 17, 20])
      expect(() => keyWrap.wrap(kek, new Uint8Array(n)), `KW data ${n}`).toThrow(RangeError);
    for (const n of [0, 16, 23, 25, 33])
      expect(() => keyWrap.unwrap(kek, new Uint8Array(n)), `KW wrapped ${n}`).toThrow(RangeError);
    expect(() => keyWrap.wrapWithPadding(kek, new Uint8Array(0))).toThrow(RangeError);
    for (const n of [0, 8, 15, 17, 23])
      expect(() => keyWrap.unwrapWithPadding(kek, new Uint8Array(n)), `KWP wrapped ${n}`).toThrow(RangeError);
    for (const n of [0, 8, 15, 33, 64])
      expect(() => keyWrap.wrap(new Uint8Array(n), key32), `KEK ${n}`).toThrow(/invalid key length/);
  });

  // Differential check against OpenSSL's own id-aes*-wrap(-pad) (Node; Bun's node:crypto has no key wrap).
  it.skipIf(skipUnderBun("OpenSSL id-aes*-wrap differential test"))(
    "agrees with OpenSSL id-aes*-wrap / id-aes*-wrap-pad (Node only)",
    () => {
      expect(crypto.getCiphers()).toContain("id-aes256-wrap-pad");
      for (const kekLen of [16, 24, 32]) {
        const k = new Uint8Array(kekLen).map((_, i) => i * 13 + kekLen);
        for (const n of [1, 7, 8, 9, 16, 24, 32, 40, 64, 100]) {
          const data = new Uint8Array(n).map((_, i) => i ^ 0x5a);
          const pad = crypto.createCipheriv(`id-aes${kekLen * 8}-wrap-pad`, k, h("a65959a6"));
          expect(hex(keyWrap.wrapWithPadding(k, data))).toBe(hex(Buffer.concat([pad.update(data), pad.final()])));
          if (n >= 16 && n % 8 === 0) {
            const kw = crypto.createCipheriv(`id-aes${kekLen * 8}-wrap`, k, h("a6a6a6a6a6a6a6a6"));
            expect(hex(keyWrap.wrap(k, data))).toBe(hex(Buffer.concat([kw.update(data), kw.final()])));
          }
        }
      }
    },
  );
});

describe("AES-KW / AES-KWP agree with @noble/ciphers aeskw / aeskwp", () => {
  it("wraps to the same bytes and unwraps each other's output, for every KEK size and many lengths", () => {
    for (const kekLen of [16, 24, 32]) {
      const k = crypto.randomBytes(kekLen);
      for (let n = 1; n <= 72; n++) {
        const data = new Uint8Array(crypto.randomBytes(n));
        const ours = keyWrap.wrapWithPadding(k, data);
        expect(hex(ours), `KWP ${kekLen}/${n}`).toBe(hex(aeskwp(k).encrypt(data)));
        expect(hex(keyWrap.unwrapWithPadding(k, aeskwp(k).encrypt(data)))).toBe(hex(data));
        expect(hex(aeskwp(k).decrypt(ours))).toBe(hex(data));
        if (n >= 16 && n % 8 === 0) {
          const kw = keyWrap.wrap(k, data);
          expect(hex(kw), `KW ${kekLen}/${n}`).toBe(hex(aeskw(k).encrypt(data)));
          expect(hex(keyWrap.unwrap(k, aeskw(k).encrypt(data)))).toBe(hex(data));
          expect(hex(aeskw(k).decrypt(kw))).toBe(hex(data));
        }
      }
    }
  });

  it("both refuse the same tampered inputs", () => {
    const k = new Uint8Array(crypto.randomBytes(32));
    const data = new Uint8Array(crypto.randomBytes(32));
    for (const [ours, theirs, wrapped] of [
      [keyWrap.unwrap, (w: Uint8Array) => aeskw(k).decrypt(w), keyWrap.wrap(k, data)],
      [keyWrap.unwrapWithPadding, (w: Uint8Array) => aeskwp(k).decrypt(w), keyWrap.wrapWithPadding(k, data)],
    ] as const) {
      for (let i = 0; i < wrapped.length; i += 7) {
        const bad = wrapped.slice();
        bad[i] ^= 0x01;
        expect(() => ours(k, bad), `byte ${i}`).toThrow(keyWrap.AuthenticationError);
        expect(() => theirs(bad), `byte ${i}`).toThrow();
      }
    }
  });
});
