import { describe, expect, it } from "vitest";
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { hexToBytes, utf8 } from "../bytes.ts";
import { EciesError } from "./errors.ts";
import * as sealedBox from "./sealed-box.ts";
import vectors from "../../../test/vectors/ecies/ecies-vectors.json" with { type: "json" };
import { hex } from "../../../test/helpers/bytes.ts";

const V = vectors.ecies;
const keyPair = (i: number) => ({ sk: hexToBytes(V.key_pairs[i].sk), pk: hexToBytes(V.key_pairs[i].pk) });

function expectEciesError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EciesError);
    expect((e as EciesError).code).toBe(code);
    return;
  }
  throw new Error("expected an EciesError");
}

describe("sealed box: cloudproof_js vectors", () => {
  it("derives every vector public key from its private key", () => {
    expect(V.key_pairs.length).toBe(5);
    for (const kp of V.key_pairs) expect(hex(sealedBox.getPublicKey(hexToBytes(kp.sk)))).toBe(kp.pk);
  });

  it("opens all 20 boxes sealed by cloudproof_js", () => {
    expect(V.sealed_boxes.length).toBe(20);
    for (const box of V.sealed_boxes) {
      const { sk, pk } = keyPair(box.key_pair);
      const ct = hexToBytes(box.ciphertext);
      expect(ct.length).toBe(box.plaintext.length / 2 + sealedBox.OVERHEAD);
      expect(hex(ct.subarray(0, 32))).toBe(box.ephemeral_public_key);
      expect(hex(sealedBox.open(ct, sk))).toBe(box.plaintext);
      expect(hex(sealedBox.open(ct, sk, pk))).toBe(box.plaintext);
    }
  });

  it("reproduces the 6 deterministic boxes byte for byte (fixed ephemeral key)", () => {
    expect(V.deterministic_sealed_boxes.length).toBe(6);
    for (const box of V.deterministic_sealed_boxes) {
      const { sk, pk } = keyPair(box.key_pair);
      const esk = hexToBytes(box.ephemeral_sk);
      expect(hex(sealedBox.getPublicKey(esk))).toBe(box.ephemeral_pk);
      const ct = sealedBox.sealWithEphemeralKey(hexToBytes(box.plaintext), pk, esk);
      expect(hex(ct)).toBe(box.ciphertext);
      expect(hex(sealedBox.open(ct, sk))).toBe(box.plaintext);
    }
  });

  it("converts Ed25519 keys as the KMS does and opens the converted-key boxes", () => {
    expect(V.ed25519_converted.length).toBe(2);
    for (const v of V.ed25519_converted) {
      const seed = hexToBytes(v.ed25519_seed);
      const edPk = hexToBytes(v.ed25519_public_key);
      expect(hex(ed25519.getPublicKey(seed))).toBe(v.ed25519_public_key);
      const xPk = sealedBox.ed25519PublicKeyToX25519(edPk);
      const xSk = sealedBox.ed25519PrivateKeyToX25519(seed);
      expect(hex(xPk)).toBe(v.x25519_pk);
      expect(hex(xSk)).toBe(v.x25519_sk);
      expect(hex(sealedBox.getPublicKey(xSk))).toBe(v.x25519_pk);
      // independent implementation: noble's conversion (it clamps the secret; X25519 result is the same)
      expect(hex(ed25519.utils.toMontgomery(edPk))).toBe(v.x25519_pk);
      expect(hex(x25519.getPublicKey(ed25519.utils.toMontgomerySecret(seed)))).toBe(v.x25519_pk);
      const ct = hexToBytes(v.ciphertext);
      expect(hex(sealedBox.open(ct, xSk))).toBe(v.plaintext);
      expect(hex(sealedBox.openWithEd25519(ct, seed))).toBe(v.plaintext);
    }
  });
});

describe("sealed box: round trips", () => {
  it("generates a key pair whose public key is X25519(sk, 9)", () => {
    const { publicKey, privateKey } = sealedBox.generateKeyPair();
    expect(publicKey.length).toBe(32);
    expect(privateKey.length).toBe(32);
    expect(hex(publicKey)).toBe(hex(x25519.getPublicKey(privateKey)));
    expect(hex(sealedBox.generateKeyPair().privateKey)).not.toBe(hex(privateKey));
  });

  it("seals and opens 0, 1, 32 and 10000 bytes, with fresh randomness each time", () => {
    const { publicKey, privateKey } = sealedBox.generateKeyPair();
    for (const n of [0, 1, 32, 10_000]) {
      const m = new Uint8Array(n).map((_, i) => (i * 7 + 3) & 0xff);
      const c1 = sealedBox.seal(m, publicKey);
      const c2 = sealedBox.seal(m, publicKey);
      expect(c1.length).toBe(n + 48);
      expect(hex(c1)).not.toBe(hex(c2));
      expect(hex(sealedBox.open(c1, privateKey))).toBe(hex(m));
      expect(hex(sealedBox.open(c2, privateKey, publicKey))).toBe(hex(m));
    }
  });

  it("encrypts to an Ed25519 key pair", () => {
    const seed = hexToBytes("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"); // RFC 8032 test 1
    const edPk = ed25519.getPublicKey(seed);
    const ct = sealedBox.sealToEd25519(utf8.encode("wrapped key"), edPk);
    expect(utf8.decode(sealedBox.openWithEd25519(ct, seed))).toBe("wrapped key");
  });
});

describe("sealed box: negative cases", () => {
  const box = V.sealed_boxes[1]; // "Hello World!" to key pair 0
  const { sk } = keyPair(box.key_pair);
  const ct = hexToBytes(box.ciphertext);

  it("refuses a flipped bit anywhere (epk, tag, body)", () => {
    for (const i of [0, 31, 32, 47, 48, ct.length - 1]) {
      const bad = ct.slice();
      bad[i] ^= 0x01;
      expectEciesError(() => sealedBox.open(bad, sk), "DECRYPTION");
    }
  });

  it("refuses the wrong private key with a clear error", () => {
    expect(() => sealedBox.open(ct, keyPair(1).sk)).toThrow(
      /ECIES decryption failed: wrong key or corrupted ciphertext/,
    );
    expectEciesError(() => sealedBox.open(ct, keyPair(1).sk), "DECRYPTION");
    // the right private key with a mismatched public key also fails (the nonce hashes pk)
    expectEciesError(() => sealedBox.open(ct, sk, keyPair(1).pk), "DECRYPTION");
  });

  it("refuses truncated input (47 bytes) and an appended byte", () => {
    expectEciesError(() => sealedBox.open(ct.subarray(0, 47), sk), "CIPHERTEXT_LENGTH");
    expectEciesError(() => sealedBox.open(ct.subarray(0, ct.length - 1), sk), "DECRYPTION");
    const longer = new Uint8Array(ct.length + 1);
    longer.set(ct);
    expectEciesError(() => sealedBox.open(longer, sk), "DECRYPTION");
  });

  it("refuses bad key lengths like cloudproof_js", () => {
    expect(() => sealedBox.seal(new Uint8Array(1), new Uint8Array(31))).toThrow(
      /public key length incorrect: expected 32/,
    );
    expect(() => sealedBox.open(ct, new Uint8Array(33))).toThrow(/private key length incorrect: expected 32/);
    expectEciesError(() => sealedBox.getPublicKey(new Uint8Array(31)), "KEY_LENGTH");
    expectEciesError(() => sealedBox.ed25519PrivateKeyToX25519(new Uint8Array(64)), "KEY_LENGTH");
  });

  it("refuses small-order X25519 public keys and invalid Ed25519 public keys", () => {
    expectEciesError(() => sealedBox.seal(new Uint8Array(4), new Uint8Array(32)), "INVALID_KEY");
    const one = new Uint8Array(32);
    one[0] = 1; // u = 1: order 4
    expectEciesError(() => sealedBox.seal(new Uint8Array(4), one), "INVALID_KEY");
    // Ed25519 identity (y = 1) is small order; y = 2 is not on the curve
    expectEciesError(() => sealedBox.ed25519PublicKeyToX25519(one), "INVALID_KEY");
    const two = new Uint8Array(32);
    two[0] = 2;
    expectEciesError(() => sealedBox.ed25519PublicKeyToX25519(two), "INVALID_KEY");
  });
});
