/**
 * One runner for Wycheproof AEAD files (aes_gcm_test.json, chacha20_poly1305_test.json,
 * xchacha20_poly1305_test.json...): valid and acceptable cases must encrypt to the expected
 * ciphertext and tag and decrypt back; invalid ones must fail authentication; IV lengths the
 * implementation refuses must throw RangeError on both sides.
 */
import { describe, expect, it } from "vitest";
import { h, hex } from "./bytes.ts";

export interface Aead {
  encrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array, tagLength?: number): { ciphertext: Uint8Array; tag: Uint8Array };
  decrypt(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad?: Uint8Array): Uint8Array;
  AuthenticationError: abstract new (...args: never[]) => Error;
}

interface WycheproofAeadFile {
  testGroups: {
    keySize: number;
    ivSize: number;
    tagSize: number;
    tests: { tcId: number; comment: string; key: string; iv: string; aad: string; msg: string; ct: string; tag: string; result: string }[];
  }[];
}

/** `refusesIv`: IV lengths the implementation does not take (it throws "invalid IV/nonce length"). */
export function wycheproofAead(title: string, file: WycheproofAeadFile, aead: Aead, refusesIv: (iv: Uint8Array) => boolean): void {
  describe(title, () => {
    for (const group of file.testGroups) {
      it(`key ${group.keySize} bits, IV ${group.ivSize} bits, tag ${group.tagSize} bits (${group.tests.length} cases)`, () => {
        for (const t of group.tests) {
          const key = h(t.key), iv = h(t.iv), aad = h(t.aad), msg = h(t.msg), ct = h(t.ct), tag = h(t.tag);
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
