/**
 * Interop: our sealed box (src/crypto/ecies/sealed-box.ts, libsodium crypto_box_seal) against
 * cloudproof_js 10.0.1 `EciesSalsaSealBox` (WASM) in both directions, including Ed25519 keys
 * converted the KMS's way (docs/ecies.md).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ed25519 } from "@noble/curves/ed25519.js";
import { Ecies } from "cloudproof_js";
import { bytesToHex, utf8 } from "../../src/crypto/bytes.ts";
import { randomBytes } from "../../src/crypto/random.ts";
import * as sealedBox from "../../src/crypto/ecies/sealed-box.ts";

type SealBox = Awaited<ReturnType<typeof Ecies>>["EciesSalsaSealBox"];
let SB: SealBox;

beforeAll(async () => {
  SB = (await Ecies()).EciesSalsaSealBox;
});

const hex = (b: Uint8Array) => bytesToHex(b);
const sizes = [0, 1, 12, 32, 1000, 65_536];

describe("sealed box interop with cloudproof_js EciesSalsaSealBox", () => {
  it("cloudproof_js opens our boxes", () => {
    const { publicKey, privateKey } = sealedBox.generateKeyPair();
    for (const n of sizes) {
      const m = randomBytes(n);
      const ct = sealedBox.seal(m, publicKey);
      expect(hex(SB.decrypt(ct, privateKey, new Uint8Array(0)))).toBe(hex(m));
    }
  });

  it("we open cloudproof_js boxes sealed to our keys and to its own keys", () => {
    const ours = sealedBox.generateKeyPair();
    const [theirPk, theirSk] = SB.generateKeyPair();
    expect(hex(sealedBox.getPublicKey(theirSk))).toBe(hex(theirPk));
    for (const n of sizes) {
      const m = randomBytes(n);
      expect(hex(sealedBox.open(SB.encrypt(m, ours.publicKey, new Uint8Array(0)), ours.privateKey))).toBe(hex(m));
      expect(hex(sealedBox.open(SB.encrypt(m, theirPk, utf8.encode("ad")), theirSk))).toBe(hex(m));
    }
  });

  it("cloudproof_js opens our deterministic (fixed ephemeral key) boxes", () => {
    const { publicKey, privateKey } = sealedBox.generateKeyPair();
    const m = utf8.encode("deterministic");
    const ct = sealedBox.sealWithEphemeralKey(m, publicKey, randomBytes(32));
    expect(utf8.decode(SB.decrypt(ct, privateKey, new Uint8Array(0)))).toBe("deterministic");
  });

  it("Ed25519 key pairs: our KMS-style conversion interoperates", () => {
    const seed = randomBytes(32);
    const edPk = ed25519.getPublicKey(seed);
    const xPk = sealedBox.ed25519PublicKeyToX25519(edPk);
    const xSk = sealedBox.ed25519PrivateKeyToX25519(seed);
    const m = utf8.encode("key wrapped for an Ed25519 key");
    expect(utf8.decode(SB.decrypt(sealedBox.sealToEd25519(m, edPk), xSk, new Uint8Array(0)))).toBe(utf8.decode(m));
    expect(utf8.decode(sealedBox.openWithEd25519(SB.encrypt(m, xPk, new Uint8Array(0)), seed))).toBe(utf8.decode(m));
  });

  it("both refuse a tampered box and the wrong key", () => {
    const { publicKey, privateKey } = sealedBox.generateKeyPair();
    const other = sealedBox.generateKeyPair();
    const ct = sealedBox.seal(utf8.encode("hello"), publicKey);
    const bad = ct.slice();
    bad[40] ^= 0x80;
    expect(() => SB.decrypt(bad, privateKey, new Uint8Array(0))).toThrow(/DecryptionError/);
    expect(() => sealedBox.open(bad, privateKey)).toThrow(/ECIES decryption failed/);
    expect(() => SB.decrypt(ct, other.privateKey, new Uint8Array(0))).toThrow(/DecryptionError/);
    expect(() => sealedBox.open(ct, other.privateKey)).toThrow(/ECIES decryption failed/);
  });
});
