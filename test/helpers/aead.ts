/**
 * One runner for Wycheproof AEAD files (aes_gcm_test.json, chacha20_poly1305_test.json,
 * xchacha20_poly1305_test.json...): valid and acceptable cases must encrypt to the expected
 * ciphertext and tag and decrypt back; invalid ones must fail authentication; IV lengths the
 * implementation refuses must throw RangeError on both sides.
 */
import { describe, expect, it } from "vitest";
import { h, hex } from "./bytes.ts";

export interface Aead {
  encrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad?: Uint8Array,
    tagLength?: number,
  ): { ciphertext: Uint8Array; tag: Uint8Array };
  decrypt(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad?: Uint8Array): Uint8Array;
  AuthenticationError: abstract new (...args: never[]) => Error;
}

interface WycheproofAeadFile {
  testGroups: {
    keySize: number;
    ivSize: number;
    tagSize: number;
    tests: {
      tcId: number;
      comment: string;
      key: string;
      iv: string;
      aad: string;
      msg: string;
      ct: string;
      tag: string;
      result: string;
    }[];
  }[];
}

/** `refusesIv`: IV lengths the implementation does not take (it throws "invalid IV/nonce length"). */
export function wycheproofAead(
  title: string,
  file: WycheproofAeadFile,
  aead: Aead,
  refusesIv: (iv: Uint8Array) => boolean,
): void {
  describe(title, () => {
    for (const group of file.testGroups) {
      it(`key ${group.keySize} bits, IV ${group.ivSize} bits, tag ${group.tagSize} bits (${group.tests.length} cases)`, () => {
        for (const t of group.tests) {
          const key = h(t.key),
            iv = h(t.iv),
            aad = h(t.aad),
            msg = h(t.msg),
            ct = h(t.ct),
            tag = h(t.tag);
          const label = `tcId ${t.tcId} ${t.comment}`;
          if (refusesIv(iv)) {
            expect(() => aead.encrypt(key, iv, msg, aad, tag.length), label).toThrow(/invalid IV\/nonce length/);
            expect(() => aead.decrypt(key, iv, ct, tag, aad), label).toThrow(RangeError);
          } else if (t.result === "valid" || t.result === "acceptable") {
            const out = aead.encrypt(key, iv, msg, aad, tag.length);
            expect(hex(out.ciphertext), label).toBe(t.ct);
            expect(hex(out.tag), label).toBe(t.tag);
            expect(hex(aead.decrypt(key, iv, ct, tag, aad)), label).toBe(t.msg);
          } else {
            expect(() => aead.decrypt(key, iv, ct, tag, aad), label).toThrow(aead.AuthenticationError);
          }
        }
      });
    }
  });
}

export interface AeadVector {
  name: string;
  key: string;
  nonce: string;
  aad: string;
  plaintext: string;
  ciphertext: string;
  tag: string;
}

/** Known answers: each vector encrypts to its ciphertext and tag, and decrypts back. */
export function aeadKnownAnswers(title: string, vectors: AeadVector[], aead: Aead): void {
  describe(title, () => {
    for (const v of vectors) {
      it(v.name, () => {
        const { ciphertext, tag } = aead.encrypt(h(v.key), h(v.nonce), h(v.plaintext), h(v.aad));
        expect(hex(ciphertext)).toBe(v.ciphertext);
        expect(hex(tag)).toBe(v.tag);
        expect(hex(aead.decrypt(h(v.key), h(v.nonce), h(v.ciphertext), h(v.tag), h(v.aad)))).toBe(v.plaintext);
      });
    }
  });
}

/**
 * Misuse, on one vector (with AAD and a ciphertext over 100 bytes) of a 32-byte-key, 16-byte-tag AEAD:
 * every altered input fails authentication, bad lengths throw RangeError, the empty message round-trips.
 */
export function aeadMisuse(title: string, v: AeadVector, aead: Aead, badNonceLengths: number[]): void {
  describe(title, () => {
    const key = h(v.key),
      nonce = h(v.nonce),
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
        ["key", () => aead.decrypt(flip(key, 0), nonce, ct, tag, aad)],
        ["nonce", () => aead.decrypt(key, flip(nonce, nonce.length - 1), ct, tag, aad)],
        ["aad", () => aead.decrypt(key, nonce, ct, tag, flip(aad, 0))],
        ["missing aad", () => aead.decrypt(key, nonce, ct, tag)],
        ["ciphertext", () => aead.decrypt(key, nonce, flip(ct, 100), tag, aad)],
        ["truncated ciphertext", () => aead.decrypt(key, nonce, ct.subarray(0, ct.length - 1), tag, aad)],
        ["tag", () => aead.decrypt(key, nonce, ct, flip(tag, 15), aad)],
      ];
      for (const [what, f] of cases) expect(f, what).toThrow(aead.AuthenticationError);
    });

    it("rejects bad key, nonce and tag lengths with RangeError", () => {
      for (const n of [0, 16, 31, 33])
        expect(() => aead.encrypt(new Uint8Array(n), nonce, ct), `key ${n}`).toThrow(RangeError);
      for (const n of badNonceLengths)
        expect(() => aead.encrypt(key, new Uint8Array(n), ct), `nonce ${n}`).toThrow(/invalid IV\/nonce length/);
      for (const n of [0, 12, 15, 17])
        expect(() => aead.decrypt(key, nonce, ct, new Uint8Array(n), aad), `tag ${n}`).toThrow(/invalid tag length/);
    });

    it("round-trips the empty message, with and without AAD", () => {
      for (const a of [undefined, new Uint8Array(0), h("0102")]) {
        const s = aead.encrypt(key, nonce, new Uint8Array(0), a);
        expect(s.ciphertext.length).toBe(0);
        expect(aead.decrypt(key, nonce, s.ciphertext, s.tag, a).length).toBe(0);
      }
    });
  });
}
