import { readFileSync } from "node:fs";
import path from "node:path";
import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  privateDecrypt,
  publicEncrypt,
  sign as nodeSign,
  verify as nodeVerify,
} from "node:crypto";
import { describe, expect, it } from "vitest";
import { hexToBytes } from "./bytes.ts";
import * as aesKw from "./aes-key-wrap.ts";
import * as rsa from "./rsa.ts";
import { RsaError, type RsaHash } from "./rsa.ts";
import { hex } from "../../test/helpers/bytes.ts";

const VECTORS = path.join(import.meta.dirname, "../../test/vectors/rsa");
const load = (name: string) => JSON.parse(readFileSync(path.join(VECTORS, name), "utf8"));

const HASHES: Record<string, RsaHash> = {
  "SHA-1": "sha1",
  "SHA-256": "sha256",
  "SHA-384": "sha384",
  "SHA-512": "sha512",
};

interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  msg: string;
  ct?: string;
  sig?: string;
  label?: string;
  result: "valid" | "invalid" | "acceptable";
}
interface WycheproofGroup {
  tests: WycheproofTest[];
  [k: string]: unknown;
}

function privateFromWycheproof(k: Record<string, string>): rsa.RsaPrivateKey {
  return {
    n: hexToBytes(k.modulus),
    e: hexToBytes(k.publicExponent),
    d: hexToBytes(k.privateExponent),
    p: hexToBytes(k.prime1),
    q: hexToBytes(k.prime2),
    dp: hexToBytes(k.exponent1),
    dq: hexToBytes(k.exponent2),
    qi: hexToBytes(k.coefficient),
  };
}

function decryptOutcome(f: () => Uint8Array): string {
  try {
    return hex(f());
  } catch (e) {
    if (e instanceof RsaError && e.code === "DECRYPTION_FAILED") return "invalid";
    throw e;
  }
}

// A shared 2048-bit key for the round trips (generation takes ~100 ms).
const key = rsa.generate(2048);
const pub = rsa.publicOf(key);

describe("RSA keys", () => {
  it("generates keys of the requested size with e = 65537 and refuses sizes below 2048", () => {
    expect(rsa.modulusBits(pub)).toBe(2048);
    expect(hex(pub.e)).toBe("010001");
    expect(() => rsa.generate(1024)).toThrow(RangeError);
    expect(() => rsa.generate(2047)).toThrow(RangeError);
  });

  it("round-trips PKCS#1, PKCS#8 and SubjectPublicKeyInfo DER, byte-identical to node:crypto", () => {
    const pkcs8 = rsa.privateKeyToPkcs8(key);
    const pkcs1 = rsa.privateKeyToPkcs1(key);
    const ko = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
    expect(hex(pkcs1)).toBe(hex(new Uint8Array(ko.export({ format: "der", type: "pkcs1" }))));
    expect(rsa.privateKeyFromPkcs1(pkcs1)).toEqual(key);
    expect(rsa.privateKeyFromPkcs8(pkcs8)).toEqual(key);
    const spki = rsa.publicKeyToSpki(pub);
    expect(hex(spki)).toBe(hex(new Uint8Array(createPublicKey(ko).export({ format: "der", type: "spki" }))));
    expect(rsa.publicKeyFromSpki(spki)).toEqual(pub);
    expect(rsa.publicKeyFromPkcs1(rsa.publicKeyToPkcs1(pub))).toEqual(pub);
  });

  it("refuses malformed DER, non-RSA keys and inconsistent components", () => {
    expect(() => rsa.privateKeyFromPkcs8(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]))).toThrow(RsaError);
    const ec = createPrivateKey({
      key: "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgevZzL1gdAFr88hb2\nOF/2NxApJCzGCEDdfSp6VQO30hyhRANCAAQRWz+jn65BtOMvdyHKcvjBeBSDZH2r\n1RTwjmYSi9R/zpBnuQ4EiMnCqfMPWiZqB4QdbAd0E7oH50VpuZ1P087G\n-----END PRIVATE KEY-----",
      format: "pem",
    });
    const ecDer = new Uint8Array(ec.export({ format: "der", type: "pkcs8" }));
    expect(() => rsa.privateKeyFromPkcs8(ecDer)).toThrow(/not an RSA key/);
    const other = rsa.generate(2048);
    expect(() => rsa.validatePrivateKey({ ...key, n: other.n })).toThrow(RsaError);
    expect(() => rsa.validatePrivateKey({ ...other, dp: key.dp, dq: key.dq })).toThrow(RsaError);
    expect(() => rsa.validatePrivateKey(key)).not.toThrow();
  });
});

describe("RSAES-OAEP (Wycheproof)", () => {
  for (const file of [
    "rsa_oaep_2048_sha256_mgf1sha256_test.json",
    "rsa_oaep_2048_sha256_mgf1sha1_test.json",
    "rsa_oaep_2048_sha1_mgf1sha1_test.json",
  ]) {
    it(`decrypts ${file} as expected`, () => {
      const data = load(file);
      let checked = 0;
      for (const g of data.testGroups as WycheproofGroup[]) {
        const k = privateFromWycheproof(g.privateKey as Record<string, string>);
        const opts = { hash: HASHES[g.sha as string], mgf1Hash: HASHES[g.mgfSha as string] };
        for (const t of g.tests) {
          const got = decryptOutcome(() =>
            rsa.oaepDecrypt(k, hexToBytes(t.ct!), { ...opts, label: hexToBytes(t.label ?? "") }),
          );
          expect(got, `tcId ${t.tcId} ${t.comment}`).toBe(t.result === "valid" ? t.msg : "invalid");
          checked++;
        }
      }
      expect(checked).toBe(data.numberOfTests);
    });
  }

  it("round-trips with both MGF1 paths and interoperates with node:crypto", () => {
    const msg = new TextEncoder().encode("hello OAEP");
    for (const [hash, mgf1Hash] of [
      ["sha256", "sha256"],
      ["sha384", "sha1"],
      ["sha512", "sha512"],
      ["sha1", "sha1"],
    ] as [RsaHash, RsaHash][]) {
      const ct = rsa.oaepEncrypt(pub, msg, { hash, mgf1Hash, label: Uint8Array.of(1, 2) });
      expect(hex(rsa.oaepDecrypt(key, ct, { hash, mgf1Hash, label: Uint8Array.of(1, 2) }))).toBe(hex(msg));
      expect(() => rsa.oaepDecrypt(key, ct, { hash, mgf1Hash })).toThrow(RsaError); // label is bound
    }
    const ko = createPrivateKey({ key: Buffer.from(rsa.privateKeyToPkcs8(key)), format: "der", type: "pkcs8" });
    const ct = rsa.oaepEncrypt(pub, msg, { hash: "sha256", mgf1Hash: "sha1" });
    expect(() =>
      privateDecrypt({ key: ko, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, ct),
    ).toThrow(); // really a different MGF
    const fromNode = publicEncrypt(
      { key: createPublicKey(ko), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
      msg,
    );
    expect(hex(rsa.oaepDecrypt(key, new Uint8Array(fromNode), { hash: "sha256" }))).toBe(hex(msg));
  });

  it("refuses data too large for the key", () => {
    expect(() => rsa.oaepEncrypt(pub, new Uint8Array(191), { hash: "sha256" })).toThrow(/data too large/);
    expect(rsa.oaepEncrypt(pub, new Uint8Array(190), { hash: "sha256" }).length).toBe(256);
  });
});

describe("RSAES-PKCS1-v1_5 (Wycheproof)", () => {
  it("decrypts rsa_pkcs1_2048_test.json as expected", () => {
    const data = load("rsa_pkcs1_2048_test.json");
    let checked = 0;
    for (const g of data.testGroups as WycheproofGroup[]) {
      const k = rsa.privateKeyFromPkcs8(hexToBytes(g.privateKeyPkcs8 as string));
      for (const t of g.tests) {
        const got = decryptOutcome(() => rsa.pkcs1v15Decrypt(k, hexToBytes(t.ct!)));
        expect(got, `tcId ${t.tcId} ${t.comment}`).toBe(t.result === "valid" ? t.msg : "invalid");
        checked++;
      }
    }
    expect(checked).toBe(data.numberOfTests);
  });

  it("round-trips", () => {
    const msg = new TextEncoder().encode("legacy");
    expect(hex(rsa.pkcs1v15Decrypt(key, rsa.pkcs1v15Encrypt(pub, msg)))).toBe(hex(msg));
    expect(() => rsa.pkcs1v15Encrypt(pub, new Uint8Array(246))).toThrow(/data too large/);
  });
});

describe("RSASSA-PSS (Wycheproof)", () => {
  for (const file of ["rsa_pss_2048_sha256_mgf1_32_test.json", "rsa_pss_2048_sha256_mgf1sha1_20_test.json"]) {
    it(`verifies ${file} as expected`, () => {
      const data = load(file);
      let checked = 0;
      for (const g of data.testGroups as WycheproofGroup[]) {
        const k = rsa.publicKeyFromSpki(hexToBytes(g.publicKeyDer as string));
        const opts = {
          hash: HASHES[g.sha as string],
          mgf1Hash: HASHES[g.mgfSha as string],
          saltLength: g.sLen as number,
        };
        for (const t of g.tests) {
          const ok = rsa.pssVerify(k, hexToBytes(t.msg), hexToBytes(t.sig!), opts);
          expect(ok, `tcId ${t.tcId} ${t.comment}`).toBe(t.result === "valid");
          checked++;
        }
      }
      expect(checked).toBe(data.numberOfTests);
    });
  }

  it("signs data and digests that node:crypto verifies, and verifies node's signatures", () => {
    const ko = createPrivateKey({ key: Buffer.from(rsa.privateKeyToPkcs8(key)), format: "der", type: "pkcs8" });
    const msg = new TextEncoder().encode("The quick brown fox");
    for (const hash of ["sha1", "sha256", "sha384", "sha512", "md5", "sha3-256"] as RsaHash[]) {
      const sig = rsa.pssSign(key, msg, { hash });
      expect(
        nodeVerify(
          hash,
          msg,
          {
            key: createPublicKey(ko),
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: constants.RSA_PSS_SALTLEN_AUTO,
          },
          sig,
        ),
      ).toBe(true);
      const digest = new Uint8Array(createHash(hash).update(msg).digest());
      expect(
        rsa.pssVerify(pub, digest, rsa.pssSign(key, digest, { hash, prehashed: true }), { hash, prehashed: true }),
      ).toBe(true);
      const fromNode = nodeSign(hash, msg, {
        key: ko,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
      });
      expect(rsa.pssVerify(pub, msg, new Uint8Array(fromNode), { hash })).toBe(true);
    }
    const sig = rsa.pssSign(key, msg, { hash: "sha256" });
    sig[10] ^= 1;
    expect(rsa.pssVerify(pub, msg, sig, { hash: "sha256" })).toBe(false);
    expect(rsa.pssVerify(pub, msg, new Uint8Array(256), { hash: "sha256" })).toBe(false);
    expect(rsa.pssVerify(pub, msg, new Uint8Array(10), { hash: "sha256" })).toBe(false);
    expect(() => rsa.pssSign(key, new Uint8Array(31), { hash: "sha256", prehashed: true })).toThrow(RangeError);
  });
});

describe("RSASSA-PKCS1-v1_5 (Wycheproof)", () => {
  it("verifies rsa_signature_2048_sha256_test.json as expected", () => {
    const data = load("rsa_signature_2048_sha256_test.json");
    let checked = 0;
    for (const g of data.testGroups as WycheproofGroup[]) {
      const k = rsa.publicKeyFromSpki(hexToBytes(g.publicKeyDer as string));
      for (const t of g.tests) {
        const ok = rsa.pkcs1v15Verify(k, hexToBytes(t.msg), hexToBytes(t.sig!), { hash: "sha256" });
        // "acceptable" (a DigestInfo without the NULL parameter) is refused: we re-encode strictly.
        expect(ok, `tcId ${t.tcId} ${t.comment}`).toBe(t.result === "valid");
        checked++;
      }
    }
    expect(checked).toBe(data.numberOfTests);
  });

  it("signs deterministically, as node:crypto does, on data and on digests", () => {
    const ko = createPrivateKey({ key: Buffer.from(rsa.privateKeyToPkcs8(key)), format: "der", type: "pkcs8" });
    const msg = new TextEncoder().encode("pkcs1 v1.5");
    for (const hash of ["sha1", "sha256", "sha384", "sha512"] as RsaHash[]) {
      const sig = rsa.pkcs1v15Sign(key, msg, { hash });
      expect(hex(sig)).toBe(hex(new Uint8Array(nodeSign(hash, msg, ko))));
      const digest = new Uint8Array(createHash(hash).update(msg).digest());
      expect(rsa.pkcs1v15Verify(pub, digest, sig, { hash, prehashed: true })).toBe(true);
      expect(rsa.pkcs1v15Verify(pub, msg, sig, { hash: hash === "sha1" ? "sha256" : "sha1" })).toBe(false);
    }
  });
});

describe("CKM_RSA_AES_KEY_WRAP", () => {
  const v = load("ckm-rsa-aes-key-wrap.json");
  const k = rsa.privateKeyFromPkcs8(hexToBytes(v.privateKeyPkcs8));

  it("unwraps the openssl CLI known answer (OAEP-SHA256 encapsulation ‖ RFC 5649 wrap)", () => {
    expect(hex(aesKw.wrapWithPadding(hexToBytes(v.kek), hexToBytes(v.keyMaterial)))).toBe(v.aesKeyWrapPadding);
    const wrapped = hexToBytes(v.kekEncapsulation + v.aesKeyWrapPadding);
    expect(hex(rsa.aesKeyUnwrap(k, wrapped, { hash: "sha256" }))).toBe(v.keyMaterial);
  });

  it("round-trips, and refuses tampering and short input", () => {
    const material = hexToBytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    const wrapped = rsa.aesKeyWrap(rsa.publicOf(k), material, { hash: "sha256" });
    expect(wrapped.length).toBe(256 + 40);
    expect(hex(rsa.aesKeyUnwrap(k, wrapped, { hash: "sha256" }))).toBe(hex(material));
    const bad = wrapped.slice();
    bad[bad.length - 1] ^= 1;
    expect(() => rsa.aesKeyUnwrap(k, bad, { hash: "sha256" })).toThrow(RsaError);
    expect(() => rsa.aesKeyUnwrap(k, wrapped.subarray(0, 256), { hash: "sha256" })).toThrow(RsaError);
    expect(() => rsa.aesKeyUnwrap(k, wrapped, { hash: "sha1" })).toThrow(RsaError);
  });
});
