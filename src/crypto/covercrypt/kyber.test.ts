// Kyber768 IND-CPA against @noble/post-quantum's ML-KEM-768: its encapsulate() is
// K-PKE.Encrypt(ek, m, coins = SHA3-512(m ‖ SHA3-256(ek))[32:]) and dk[0:1152] is the K-PKE key,
// so our encrypt must reproduce its ciphertext byte for byte and our decrypt must recover m.
import { sha3_256, sha3_512 } from "@noble/hashes/sha3.js";
import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";
import { describe, expect, it } from "vitest";
import { concatBytes, equalBytes } from "../bytes.ts";
import { randomBytes } from "../random.ts";
import * as kyber from "./kyber.ts";

describe("kyber768 IND-CPA", () => {
  it("matches ML-KEM-768's K-PKE byte for byte (5 random keys)", () => {
    for (let i = 0; i < 5; i++) {
      const { publicKey, secretKey } = ml_kem768.keygen(randomBytes(64));
      const m = randomBytes(32);
      const { cipherText } = ml_kem768.encapsulate(publicKey, m);
      const coins = sha3_512(concatBytes(m, sha3_256(publicKey))).subarray(32);
      expect(equalBytes(kyber.encrypt(publicKey, m, coins), cipherText)).toBe(true);
      expect(equalBytes(kyber.encrypt(kyber.preparePublicKey(publicKey), m, coins), cipherText)).toBe(true);
      expect(equalBytes(kyber.decrypt(secretKey.subarray(0, 1152), cipherText), m)).toBe(true);
    }
  });

  it("keygen/encrypt/decrypt round trip, and the wrong key gives another message", () => {
    const a = kyber.keygen();
    const b = kyber.keygen();
    expect(a.publicKey.length).toBe(1184);
    expect(a.secretKey.length).toBe(1152);
    const m = randomBytes(32);
    const ct = kyber.encrypt(a.publicKey, m);
    expect(ct.length).toBe(1088);
    expect(equalBytes(kyber.decrypt(a.secretKey, ct), m)).toBe(true);
    expect(equalBytes(kyber.decrypt(b.secretKey, ct), m)).toBe(false);
  });

  it("keygen is deterministic in its seed ((ρ,σ) = SHA3-512(d), pqc_kyber style)", () => {
    const d = new Uint8Array(32).fill(1);
    expect(equalBytes(kyber.keygen(d).publicKey, kyber.keygen(d).publicKey)).toBe(true);
    expect(equalBytes(kyber.keygen(d).publicKey.subarray(1152), sha3_512(d).subarray(0, 32))).toBe(true);
  });

  it("rejects wrong lengths", () => {
    expect(() => kyber.encrypt(new Uint8Array(10), new Uint8Array(32))).toThrow(RangeError);
    expect(() => kyber.decrypt(new Uint8Array(1152), new Uint8Array(10))).toThrow(RangeError);
  });
});
