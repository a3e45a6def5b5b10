import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import * as pqc from "./pqc.ts";
import { bytesToHex, hexToBytes, utf8 } from "./bytes.ts";

const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../test/vectors/pqc/${name}`, import.meta.url), "utf8"));
const kem = load("mlkem-wycheproof.json");
const dsa = load("mldsa-wycheproof.json");
const slhKeygen = load("slhdsa-acvp-keygen.json");

describe.each(pqc.KEM_ALGORITHMS)("%s (FIPS 203, Wycheproof vectors)", (alg) => {
  const set = kem.sets[alg];

  test.each(set.decaps as { tcId: number; seed: string; ek: string; c: string; K: string }[])(
    "keygen from seed and decapsulation, tcId $tcId",
    (t) => {
      const pair = pqc.keyPairFromSeed(alg, hexToBytes(t.seed));
      expect(bytesToHex(pair.publicKey)).toBe(t.ek.toUpperCase());
      expect(bytesToHex(pqc.decapsulate(alg, pair.secretKey, hexToBytes(t.c)))).toBe(t.K.toUpperCase());
      expect(bytesToHex(pqc.publicKeyOf(alg, pair.secretKey))).toBe(t.ek.toUpperCase());
    },
  );

  test.each(set.encaps as { tcId: number; m: string; ek: string; c: string; K: string }[])(
    "encapsulation with a fixed m, tcId $tcId",
    (t) => {
      const e = pqc.encapsulate(alg, hexToBytes(t.ek), hexToBytes(t.m));
      expect(bytesToHex(e.cipherText)).toBe(t.c.toUpperCase());
      expect(bytesToHex(e.sharedSecret)).toBe(t.K.toUpperCase());
    },
  );

  test.each(set.invalidEk as { tcId: number; m: string; ek: string }[])(
    "refuses an encapsulation key with coefficients >= q, tcId $tcId",
    (t) => {
      expect(() => pqc.encapsulate(alg, hexToBytes(t.ek), hexToBytes(t.m))).toThrow(pqc.PqcError);
    },
  );

  test("round trip; implicit rejection of a modified ciphertext; length checks", () => {
    const pair = pqc.generateKeyPair(alg);
    const e = pqc.encapsulate(alg, pair.publicKey);
    expect(pqc.decapsulate(alg, pair.secretKey, e.cipherText)).toEqual(e.sharedSecret);
    const bad = e.cipherText.slice();
    bad[0] ^= 1;
    const rejected = pqc.decapsulate(alg, pair.secretKey, bad);
    expect(rejected).toHaveLength(32);
    expect(rejected).not.toEqual(e.sharedSecret);
    expect(() => pqc.decapsulate(alg, pair.secretKey, e.cipherText.subarray(1))).toThrow(RangeError);
    expect(() => pqc.encapsulate(alg, pair.publicKey.subarray(1))).toThrow(RangeError);
  });
});

interface SignTest {
  tcId: number;
  msg: string;
  ctx?: string;
  sig: string;
  result: string;
}
interface VerifyTest {
  tcId: number;
  msg: string;
  ctx?: string;
  sig: string;
  result: string;
  comment: string;
}

describe.each(pqc.ML_DSA_ALGORITHMS)("%s (FIPS 204, Wycheproof vectors)", (alg) => {
  const set = dsa.sets[alg];
  const pair = pqc.keyPairFromSeed(alg, hexToBytes(set.privateSeed));

  test("keygen from the seed gives the vector's public key", () => {
    expect(bytesToHex(pair.publicKey)).toBe(set.publicKey.toUpperCase());
    expect(pqc.publicKeyOf(alg, pair.secretKey)).toEqual(pair.publicKey);
  });

  test.each(set.sign as SignTest[])("deterministic signature, tcId $tcId", (t) => {
    const ctx = t.ctx ? hexToBytes(t.ctx) : undefined;
    const sig = pqc.sign(alg, pair.secretKey, hexToBytes(t.msg), {
      deterministic: true,
      ...(ctx ? { context: ctx } : {}),
    });
    expect(bytesToHex(sig)).toBe(t.sig.toUpperCase());
  });

  test.each(set.verify as VerifyTest[])("verification: $comment (tcId $tcId)", (t) => {
    const ctx = t.ctx ? hexToBytes(t.ctx) : undefined;
    expect(pqc.verify(alg, pair.publicKey, hexToBytes(t.msg), hexToBytes(t.sig), ctx)).toBe(t.result === "valid");
  });

  test("hedged signatures differ and verify; context binds", () => {
    const msg = utf8.encode("The quick brown fox jumps over the lazy dog");
    const a = pqc.sign(alg, pair.secretKey, msg);
    const b = pqc.sign(alg, pair.secretKey, msg);
    expect(a).not.toEqual(b);
    expect(pqc.verify(alg, pair.publicKey, msg, a)).toBe(true);
    expect(pqc.verify(alg, pair.publicKey, msg, a, utf8.encode("ctx"))).toBe(false);
    expect(() => pqc.sign(alg, pair.secretKey, msg, { context: new Uint8Array(256) })).toThrow(RangeError);
  });
});

// SLH-DSA key generation and signing take up to seconds in JavaScript: more than the unit default
// of 5 s when the machine is busy.
describe("SLH-DSA (FIPS 205)", { timeout: 60_000 }, () => {
  test.each(
    slhKeygen.tests as {
      parameterSet: pqc.SlhDsaAlgorithm;
      skSeed: string;
      skPrf: string;
      pkSeed: string;
      sk: string;
      pk: string;
    }[],
  )("ACVP keyGen $parameterSet", (t) => {
    const pair = pqc.keyPairFromSeed(t.parameterSet, hexToBytes(t.skSeed + t.skPrf + t.pkSeed));
    expect(bytesToHex(pair.secretKey)).toBe(t.sk.toUpperCase());
    expect(bytesToHex(pair.publicKey)).toBe(t.pk.toUpperCase());
    expect(pqc.publicKeyOf(t.parameterSet, pair.secretKey)).toEqual(pair.publicKey);
  });

  // The fast variants only: the `s` variants take seconds per signature in JavaScript.
  test.each(["SLH-DSA-SHA2-128f", "SLH-DSA-SHAKE-128f"] as const)(
    "%s sign / verify round trip; tampering is detected",
    (alg) => {
      const pair = pqc.generateKeyPair(alg);
      const msg = utf8.encode("message");
      const sig = pqc.sign(alg, pair.secretKey, msg);
      expect(sig).toHaveLength(pqc.lengths(alg).signature!);
      expect(pqc.verify(alg, pair.publicKey, msg, sig)).toBe(true);
      expect(pqc.verify(alg, pair.publicKey, utf8.encode("messagE"), sig)).toBe(false);
      const bad = sig.slice();
      bad[100] ^= 1;
      expect(pqc.verify(alg, pair.publicKey, msg, bad)).toBe(false);
      expect(pqc.verify(alg, pair.publicKey, msg, sig.subarray(1))).toBe(false);
    },
  );
});

test("algorithm guards", () => {
  expect(pqc.isKem("ML-KEM-768")).toBe(true);
  expect(pqc.isSignature("ML-KEM-768")).toBe(false);
  expect(() => pqc.keyPairFromSeed("ML-DSA-44", new Uint8Array(31))).toThrow(RangeError);
  expect(() => pqc.encapsulate("ML-DSA-44" as pqc.KemAlgorithm, new Uint8Array(1312))).toThrow(pqc.PqcError);
});
