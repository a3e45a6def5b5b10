import { describe, expect, it } from "vitest";
import { hexToBytes, utf8 } from "../bytes.ts";
import { EciesError } from "./errors.ts";
import * as ristretto from "./ristretto.ts";
import * as reference from "../../../test/vectors/ecies/ristretto-reference.ts";
import vectors from "../../../test/vectors/ecies/ristretto-vectors.json" with { type: "json" };
import { hex } from "../../../test/helpers/bytes.ts";

const sk = (i: number) => hexToBytes(vectors.key_pairs[i].private_key);
const pk = (i: number) => hexToBytes(vectors.key_pairs[i].public_key);

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

// RFC 9496 Appendix A.1: encodings of 1·B .. 15·B
const SMALL_MULTIPLES = [
  "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
  "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
  "94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259",
  "da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57",
  "e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e",
  "f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403",
  "44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d",
  "903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c",
  "02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031",
  "20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f",
  "bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42",
  "e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460",
  "aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f",
  "46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e",
  "e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e",
];

// RFC 9496 Appendix A.2: every bad encoding
const BAD_ENCODINGS = [
  "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "0100000000000000000000000000000000000000000000000000000000000000",
  "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
  "c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562",
  "c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78",
  "47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24",
  "f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72",
  "87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309",
  "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
  "4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
  "de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b",
  "bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042",
  "2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08",
  "f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22",
  "8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731",
  "2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b",
  "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
  "a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
  "d483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e",
  "8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32",
  "32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b",
  "227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165",
  "5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e",
  "445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
];

describe("ristretto255 keys (RFC 9496 vectors)", () => {
  it("public key of scalar k is the RFC 9496 encoding of k·B, k = 1..15", () => {
    SMALL_MULTIPLES.forEach((enc, i) => {
      const k = new Uint8Array(32);
      k[0] = i + 1;
      expect(hex(ristretto.getPublicKey(k))).toBe(enc);
      expect(() => ristretto.assertValidPublicKey(hexToBytes(enc))).not.toThrow();
    });
  });

  it("the independent reference implementation agrees on RFC 9496 A.1 and A.2", () => {
    SMALL_MULTIPLES.forEach((enc, i) => {
      const k = new Uint8Array(32);
      k[0] = i + 1;
      expect(hex(reference.publicKeyOf(k))).toBe(enc);
      expect(hex(reference.encode(reference.decode(hexToBytes(enc))!))).toBe(enc);
    });
    for (const bad of BAD_ENCODINGS) expect(reference.decode(hexToBytes(bad))).toBeNull();
  });

  it("refuses all 29 RFC 9496 bad encodings and the identity as public keys", () => {
    for (const bad of [...BAD_ENCODINGS, "00".repeat(32)]) {
      expectEciesError(() => ristretto.assertValidPublicKey(hexToBytes(bad)), "INVALID_KEY");
      expectEciesError(() => ristretto.encrypt(new Uint8Array(1), hexToBytes(bad)), "INVALID_KEY");
    }
  });
});

describe("ristretto255 ECIES (crypto_core EciesR25519Aes128): known-answer vectors", () => {
  it("key pairs", () => {
    vectors.key_pairs.forEach((_, i) => {
      expect(hex(ristretto.getPublicKey(sk(i)))).toBe(vectors.key_pairs[i].public_key);
    });
  });

  it("reproduces every encryption vector byte for byte, with its intermediates, and decrypts it", () => {
    expect(vectors.encryption.length).toBe(9);
    for (const v of vectors.encryption) {
      const esk = hexToBytes(v.ephemeral_private_key);
      const m = hexToBytes(v.plaintext);
      const aad = hexToBytes(v.aad);
      expect(hex(ristretto.getPublicKey(esk))).toBe(v.ephemeral_public_key);
      const { key, nonce } = ristretto.deriveKeyAndNonce(
        hexToBytes(v.ephemeral_public_key),
        hexToBytes(v.shared_point),
        pk(v.recipient),
      );
      expect(key.length).toBe(16);
      expect(hex(key)).toBe(v.kdf_key);
      expect(hex(nonce)).toBe(v.kdf_nonce);
      const ct = ristretto.encryptWithEphemeralKey(m, pk(v.recipient), esk, aad);
      expect(hex(ct)).toBe(v.ciphertext);
      expect(ct.length).toBe(m.length + ristretto.OVERHEAD);
      expect(hex(ristretto.decrypt(hexToBytes(v.ciphertext), sk(v.recipient), aad))).toBe(v.plaintext);
    }
  });

  it("fails every negative decryption vector with the stated error", () => {
    expect(vectors.decryption_failures.length).toBeGreaterThanOrEqual(10);
    for (const v of vectors.decryption_failures) {
      expectEciesError(() => ristretto.decrypt(hexToBytes(v.ciphertext), sk(v.recipient), hexToBytes(v.aad)), v.error);
    }
  });

  it("refuses every invalid private key vector", () => {
    for (const v of vectors.invalid_private_keys) {
      const bad = hexToBytes(v.private_key);
      expectEciesError(() => ristretto.getPublicKey(bad), v.error);
      expectEciesError(() => ristretto.decrypt(hexToBytes(vectors.encryption[1].ciphertext), bad), v.error);
      expectEciesError(() => ristretto.encryptWithEphemeralKey(new Uint8Array(1), pk(0), bad), v.error);
    }
  });

  it("refuses every invalid public key vector", () => {
    for (const v of vectors.invalid_public_keys) {
      expectEciesError(() => ristretto.encrypt(new Uint8Array(1), hexToBytes(v.public_key)), v.error);
    }
  });
});

describe("ristretto255 ECIES: production module against the independent reference", () => {
  it("same bytes for fixed ephemeral scalars; each decrypts the other's random ciphertexts, with and without aad", () => {
    for (const n of [0, 1, 16, 33, 300]) {
      const { publicKey, privateKey } = ristretto.generateKeyPair();
      const eph = ristretto.generateKeyPair().privateKey;
      const m = Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff);
      for (const aad of [undefined, utf8.encode("associated data " + n)]) {
        expect(hex(ristretto.encryptWithEphemeralKey(m, publicKey, eph, aad))).toBe(
          hex(reference.encrypt(m, publicKey, eph, aad)),
        );
        expect(hex(reference.decrypt(ristretto.encrypt(m, publicKey, aad), privateKey, aad))).toBe(hex(m));
        expect(
          hex(
            ristretto.decrypt(
              reference.encrypt(m, publicKey, ristretto.generateKeyPair().privateKey, aad),
              privateKey,
              aad,
            ),
          ),
        ).toBe(hex(m));
      }
    }
  });

  it("the key is SHAKE128(S) and the nonce SHAKE128(R ‖ Q), not SHAKE128 of any other arrangement", () => {
    const [R, S, Q] = [1, 2, 3].map((i) => new Uint8Array(32).fill(i));
    const { key, nonce } = ristretto.deriveKeyAndNonce(R, S, Q);
    expect(hex(key)).toBe(hex(reference.kdf(R, S, Q).key));
    expect(hex(nonce)).toBe(hex(reference.kdf(R, S, Q).nonce));
    expect(hex(nonce)).not.toBe(hex(reference.kdf(Q, S, R).nonce));
  });
});

describe("ristretto255 ECIES: round trips", () => {
  it("generated key pairs are canonical and consistent", () => {
    for (let i = 0; i < 20; i++) {
      const { publicKey, privateKey } = ristretto.generateKeyPair();
      expect(() => ristretto.assertValidPrivateKey(privateKey)).not.toThrow();
      expect(hex(ristretto.getPublicKey(privateKey))).toBe(hex(publicKey));
    }
  });

  it("encrypts and decrypts 0..4096 bytes with and without aad, randomized", () => {
    const { publicKey, privateKey } = ristretto.generateKeyPair();
    for (const n of [0, 1, 15, 16, 17, 4096]) {
      const m = Uint8Array.from({ length: n }, (_, i) => (i * 13) & 0xff);
      const aad = n % 2 === 0 ? utf8.encode("aad") : undefined;
      const c1 = ristretto.encrypt(m, publicKey, aad);
      const c2 = ristretto.encrypt(m, publicKey, aad);
      expect(hex(c1.subarray(0, 32))).not.toBe(hex(c2.subarray(0, 32)));
      expect(hex(ristretto.decrypt(c1, privateKey, aad))).toBe(hex(m));
      expect(hex(ristretto.decrypt(c2, privateKey, aad))).toBe(hex(m));
    }
  });

  it("empty aad and absent aad are the same", () => {
    const { publicKey, privateKey } = ristretto.generateKeyPair();
    const ct = ristretto.encrypt(utf8.encode("x"), publicKey, new Uint8Array(0));
    expect(utf8.decode(ristretto.decrypt(ct, privateKey))).toBe("x");
  });

  it("the wrong key gives the clear uniform error", () => {
    const a = ristretto.generateKeyPair();
    const b = ristretto.generateKeyPair();
    expect(() => ristretto.decrypt(ristretto.encrypt(utf8.encode("x"), a.publicKey), b.privateKey)).toThrow(
      /ECIES decryption failed: wrong key or corrupted ciphertext/,
    );
  });
});
