import { createECDH, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hexToBytes, utf8 } from "../bytes.ts";
import { EciesError } from "./errors.ts";
import * as nist from "./nist-curves.ts";
import vectors from "../../../test/vectors/ecies/nist-curves-vectors.json" with { type: "json" };
import { hex } from "../../../test/helpers/bytes.ts";

type CurveVectors = (typeof vectors.curves)["P-256"];
const V = vectors.curves as Record<nist.NistCurve, CurveVectors>;

function expectEciesError(fn: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(EciesError);
  expect((thrown as EciesError).code).toBe(code);
}

const SIZES: Record<nist.NistCurve, { r: number; key: number; node: string }> = {
  "P-256": { r: 33, key: 16, node: "prime256v1" },
  "P-384": { r: 49, key: 32, node: "secp384r1" },
  "P-521": { r: 67, key: 32, node: "secp521r1" },
};

describe.each(nist.CURVES)("Cosmian NIST-curve ECIES on %s", (curve) => {
  const v = V[curve];
  const sk = (i: number) => hexToBytes(v.key_pairs[i].private_key);

  it("has the KMS's parameters (R length, AES key length, overhead)", () => {
    expect(nist.overhead(curve)).toBe(SIZES[curve].r + 16);
    expect(v.overhead).toBe(nist.overhead(curve));
    const e = v.encryption[0];
    const { key, iv } = nist.deriveKeyAndIv(
      curve,
      hexToBytes(e.shared_point_compressed),
      hexToBytes(e.ephemeral_public_key_compressed),
      hexToBytes(v.key_pairs[e.recipient].public_key_compressed),
    );
    expect(key.length).toBe(SIZES[curve].key);
    expect(iv.length).toBe(12);
  });

  it("key pairs: uncompressed and compressed public keys", () => {
    v.key_pairs.forEach((kp, i) => {
      expect(hex(nist.getPublicKey(curve, sk(i)))).toBe(kp.public_key);
      expect(hex(nist.getPublicKey(curve, sk(i), true))).toBe(kp.public_key_compressed);
    });
  });

  it("reproduces the OpenSSL-cross-computed vectors byte for byte, with intermediates", () => {
    expect(v.encryption.length).toBe(3);
    for (const e of v.encryption) {
      const Q = v.key_pairs[e.recipient];
      const { key, iv } = nist.deriveKeyAndIv(
        curve,
        hexToBytes(e.shared_point_compressed),
        hexToBytes(e.ephemeral_public_key_compressed),
        hexToBytes(Q.public_key_compressed),
      );
      expect(hex(key)).toBe(e.kdf_key);
      expect(hex(iv)).toBe(e.kdf_iv);
      const m = hexToBytes(e.plaintext);
      const eph = hexToBytes(e.ephemeral_private_key);
      // the recipient key may be given uncompressed or compressed
      expect(hex(nist.encryptWithEphemeralKey(curve, m, hexToBytes(Q.public_key), eph))).toBe(e.ciphertext);
      expect(hex(nist.encryptWithEphemeralKey(curve, m, hexToBytes(Q.public_key_compressed), eph))).toBe(e.ciphertext);
      expect(hex(nist.decrypt(curve, hexToBytes(e.ciphertext), sk(e.recipient)))).toBe(e.plaintext);
    }
  });

  it("fails every negative decryption vector with the stated error", () => {
    expect(v.decryption_failures.length).toBe(9);
    for (const f of v.decryption_failures)
      expectEciesError(() => nist.decrypt(curve, hexToBytes(f.ciphertext), sk(f.recipient)), f.error);
  });

  it("refuses invalid public and private keys", () => {
    for (const k of v.invalid_public_keys) {
      expectEciesError(() => nist.encrypt(curve, new Uint8Array(1), hexToBytes(k.public_key)), k.error);
      expectEciesError(() => nist.assertValidPublicKey(curve, hexToBytes(k.public_key)), k.error);
    }
    for (const k of v.invalid_private_keys) {
      expectEciesError(() => nist.getPublicKey(curve, hexToBytes(k.private_key)), k.error);
      expectEciesError(
        () => nist.decrypt(curve, hexToBytes(v.encryption[0].ciphertext), hexToBytes(k.private_key)),
        k.error,
      );
    }
  });

  it("round-trips random messages with generated keys, fresh R each time", () => {
    const { publicKey, privateKey } = nist.generateKeyPair(curve);
    expect(publicKey.length).toBe(2 * SIZES[curve].r - 1);
    for (const n of [1, 16, 1000]) {
      const m = Uint8Array.from({ length: n }, (_, i) => (i * 31) & 0xff);
      const c1 = nist.encrypt(curve, m, publicKey);
      const c2 = nist.encrypt(curve, m, publicKey);
      expect(c1.length).toBe(n + nist.overhead(curve));
      expect(hex(c1)).not.toBe(hex(c2));
      expect(hex(nist.decrypt(curve, c1, privateKey))).toBe(hex(m));
    }
  });

  it("works with keys made by node:crypto (OpenSSL) and refuses a key of another curve", () => {
    const ecdh = createECDH(SIZES[curve].node);
    ecdh.generateKeys();
    const priv = ecdh.getPrivateKey();
    const d = new Uint8Array(SIZES[curve].r - 1);
    d.set(priv, d.length - priv.length); // OpenSSL may drop leading zero bytes
    const ct = nist.encrypt(curve, utf8.encode("from OpenSSL keys"), ecdh.getPublicKey());
    expect(utf8.decode(nist.decrypt(curve, ct, d))).toBe("from OpenSSL keys");
    const other = curve === "P-256" ? "P-384" : "P-256";
    expectEciesError(() => nist.encrypt(curve, new Uint8Array(1), nist.generateKeyPair(other).publicKey), "KEY_LENGTH");
  });

  it("an empty message is refused at encryption, and R ‖ tag alone at decryption, as the KMS's decrypt does", () => {
    const { publicKey, privateKey } = nist.generateKeyPair(curve);
    expectEciesError(() => nist.encrypt(curve, new Uint8Array(0), publicKey), "EMPTY_PLAINTEXT");
    expect(() => nist.encrypt(curve, new Uint8Array(0), publicKey)).toThrow(/does not encrypt an empty message/);
    const one = nist.encrypt(curve, new Uint8Array(1), publicKey);
    expect(one.length).toBe(nist.overhead(curve) + 1);
    expectEciesError(() => nist.decrypt(curve, one.subarray(0, nist.overhead(curve)), privateKey), "CIPHERTEXT_LENGTH");
  });

  it("wrong key gives the clear uniform error", () => {
    const a = nist.generateKeyPair(curve);
    const b = nist.generateKeyPair(curve);
    expect(() => nist.decrypt(curve, nist.encrypt(curve, utf8.encode("x"), a.publicKey), b.privateKey)).toThrow(
      /ECIES decryption failed/,
    );
  });
});

describe("NIST-curve ECIES: curve checks", () => {
  it("refuses an unsupported curve name", () => {
    expectEciesError(() => nist.generateKeyPair("P-192" as nist.NistCurve), "UNSUPPORTED");
  });

  it("node:crypto generateKeyPairSync keys (JWK) work too", () => {
    const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwkPub = publicKey.export({ format: "jwk" });
    const jwkPriv = privateKey.export({ format: "jwk" });
    const q = new Uint8Array([4, ...Buffer.from(jwkPub.x!, "base64url"), ...Buffer.from(jwkPub.y!, "base64url")]);
    const d = new Uint8Array(Buffer.from(jwkPriv.d!, "base64url"));
    expect(utf8.decode(nist.decrypt("P-256", nist.encrypt("P-256", utf8.encode("jwk"), q), d))).toBe("jwk");
  });
});
