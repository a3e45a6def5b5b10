/**
 * The AES-192 CBC/GCM path used where node:crypto lacks them (Deno): NIST known answers, and the
 * same bytes as node:crypto (which has them under Bun and Node) for random inputs, truncated tags
 * and both paddings; a wrong tag or padding is refused like node:crypto's.
 */
import { describe, expect, test } from "vitest";
import { createCipheriv, randomBytes } from "node:crypto";
import { cbcDecrypt, cbcEncrypt, gcmDecrypt, gcmEncrypt } from "./aes192-fallback.ts";
import { AuthenticationError, PaddingError } from "./cipher-errors.ts";
import { bytesToHex, hexToBytes } from "./bytes.ts";

const hex = (b: Uint8Array) => bytesToHex(b).toLowerCase();

describe("AES-192 through @noble/ciphers", () => {
  test("CBC: NIST SP 800-38A F.2.3 first block", () => {
    const key = hexToBytes("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b");
    const iv = hexToBytes("000102030405060708090a0b0c0d0e0f");
    const pt = hexToBytes("6bc1bee22e409f96e93d7e117393172a");
    expect(hex(cbcEncrypt(key, iv, pt, false))).toBe("4f021db243bc633d7178183a9fa071e8");
    expect(hex(cbcDecrypt(key, iv, hexToBytes("4f021db243bc633d7178183a9fa071e8"), false))).toBe(hex(pt));
  });

  test("GCM: NIST GCM test cases 7 and 8 (zero key and IV)", () => {
    const key = new Uint8Array(24),
      iv = new Uint8Array(12);
    expect(hex(gcmEncrypt(key, iv, new Uint8Array(0), undefined, 16).tag)).toBe("cd33b28ac773f74ba00ed1f312572435");
    const s = gcmEncrypt(key, iv, new Uint8Array(16), undefined, 16);
    expect(hex(s.ciphertext)).toBe("98e7247c07f0fe411c267e4384b0f600");
    expect(hex(s.tag)).toBe("2ff58d80033927ab8ef4d4587514f0fb");
    expect(hex(gcmDecrypt(key, iv, s.ciphertext, s.tag, undefined))).toBe("00".repeat(16));
  });

  test("the same bytes as node:crypto: CBC with and without padding, GCM with AAD, long nonces and truncated tags", () => {
    for (let i = 0; i < 20; i++) {
      const key = randomBytes(24),
        iv = randomBytes(16),
        pt = randomBytes(i * 7),
        aligned = randomBytes(16 * (i % 4));
      const c = createCipheriv("aes-192-cbc", key, iv);
      expect(hex(cbcEncrypt(key, iv, pt, true))).toBe(hex(Buffer.concat([c.update(pt), c.final()])));
      const n = createCipheriv("aes-192-cbc", key, iv).setAutoPadding(false);
      expect(hex(cbcEncrypt(key, iv, aligned, false))).toBe(hex(Buffer.concat([n.update(aligned), n.final()])));
      expect(hex(cbcDecrypt(key, iv, cbcEncrypt(key, iv, pt, true), true))).toBe(hex(pt));

      const nonce = randomBytes(8 + (i % 3) * 4 + (i % 2) * 20),
        aad = randomBytes(i),
        tagLength = 12 + (i % 5);
      const g = createCipheriv("aes-192-gcm", key, nonce, { authTagLength: tagLength }).setAAD(aad);
      const ct = Buffer.concat([g.update(pt), g.final()]);
      const ours = gcmEncrypt(key, nonce, pt, aad, tagLength);
      expect(hex(ours.ciphertext)).toBe(hex(ct));
      expect(hex(ours.tag)).toBe(hex(g.getAuthTag()));
      expect(hex(gcmDecrypt(key, nonce, ours.ciphertext, ours.tag, aad))).toBe(hex(pt));
    }
  });

  test("a wrong tag, AAD or padding is refused; a nonce under 8 bytes is refused with a clear message", () => {
    const key = randomBytes(24),
      nonce = randomBytes(12),
      pt = randomBytes(40);
    const s = gcmEncrypt(key, nonce, pt, new Uint8Array([1]), 16);
    const bad = s.tag.slice();
    bad[3] ^= 1;
    expect(() => gcmDecrypt(key, nonce, s.ciphertext, bad, new Uint8Array([1]))).toThrow(AuthenticationError);
    expect(() => gcmDecrypt(key, nonce, s.ciphertext, s.tag, new Uint8Array([2]))).toThrow(AuthenticationError);
    expect(() => gcmDecrypt(key, nonce, s.ciphertext, s.tag.subarray(0, 12), new Uint8Array([1]))).not.toThrow();
    expect(() => gcmEncrypt(key, randomBytes(4), pt, undefined, 16)).toThrow(
      /4-byte IV\/nonce is not available on this runtime/,
    );
    const iv = randomBytes(16);
    const ct = cbcEncrypt(key, iv, new Uint8Array(16), false); // decrypts to a last byte 0: no valid padding
    expect(() => cbcDecrypt(key, iv, ct, true)).toThrow(PaddingError);
  });
});
