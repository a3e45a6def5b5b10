import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import * as pqc from "../pqc.ts";
import * as der from "./pqc-der.ts";
import { bytesToHex, hexToBytes } from "../bytes.ts";

const dsa = JSON.parse(
  readFileSync(new URL("../../../test/vectors/pqc/mldsa-wycheproof.json", import.meta.url), "utf8"),
);

describe.each(pqc.ML_DSA_ALGORITHMS)("%s DER (Wycheproof encodings)", (alg) => {
  const set = dsa.sets[alg];

  test("reads the seed-only PKCS#8 and the SPKI of the vectors", () => {
    const sk = der.privateKeyFromPkcs8(hexToBytes(set.privateKeyPkcs8));
    expect(sk.algorithm).toBe(alg);
    expect(bytesToHex(sk.seed!)).toBe(set.privateSeed.toUpperCase());
    expect(pqc.publicKeyOf(alg, sk.secretKey)).toEqual(hexToBytes(set.publicKey));
    const pk = der.publicKeyFromSpki(hexToBytes(set.publicKeyDer));
    expect(pk).toEqual({ algorithm: alg, publicKey: hexToBytes(set.publicKey) });
    expect(bytesToHex(der.publicKeyToSpki(alg, pk.publicKey))).toBe(set.publicKeyDer.toUpperCase());
    expect(der.algorithmOf(hexToBytes(set.privateKeyPkcs8))).toBe(alg);
    expect(der.algorithmOf(hexToBytes(set.publicKeyDer))).toBe(alg);
  });
});

describe.each([
  ...pqc.KEM_ALGORITHMS,
  ...pqc.ML_DSA_ALGORITHMS,
  "SLH-DSA-SHA2-128f",
  "SLH-DSA-SHAKE-256s",
] as pqc.PqcAlgorithm[])("%s PKCS#8 round trips", (alg) => {
  const pair = pqc.generateKeyPair(alg);

  test("both / expandedKey / raw forms read back", () => {
    const both = der.privateKeyFromPkcs8(der.privateKeyToPkcs8(alg, pair.secretKey, pair.seed));
    expect(both.algorithm).toBe(alg);
    expect(both.secretKey).toEqual(pair.secretKey);
    if (!pqc.isSlhDsa(alg)) expect(both.seed).toEqual(pair.seed);
    const expanded = der.privateKeyFromPkcs8(der.privateKeyToPkcs8(alg, pair.secretKey));
    expect(expanded.secretKey).toEqual(pair.secretKey);
    expect(der.publicKeyFromSpki(der.publicKeyToSpki(alg, pair.publicKey)).publicKey).toEqual(pair.publicKey);
  });

  test("a `both` key whose expanded key does not match its seed is refused", () => {
    if (pqc.isSlhDsa(alg)) return;
    const other = pqc.generateKeyPair(alg);
    expect(() => der.privateKeyFromPkcs8(der.privateKeyToPkcs8(alg, other.secretKey, pair.seed))).toThrow(
      /does not match/,
    );
  });
});

test("non-PQC and malformed DER", () => {
  // An Ed25519 PKCS#8 (RFC 8410 §10.3): not ours.
  const ed = hexToBytes(
    "302e020100300506032b657004220420d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842",
  );
  expect(der.algorithmOf(ed)).toBeUndefined();
  expect(() => der.privateKeyFromPkcs8(ed)).toThrow(der.PqcDerError);
  expect(der.algorithmOf(new Uint8Array([1, 2, 3]))).toBeUndefined();
  const good = der.publicKeyToSpki("ML-KEM-512", pqc.generateKeyPair("ML-KEM-512").publicKey);
  expect(() => der.publicKeyFromSpki(good.subarray(0, good.length - 1))).toThrow(der.PqcDerError);
});
