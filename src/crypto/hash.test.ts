import { describe, expect, it } from "vitest";
import * as hash from "./hash.ts";
import kat from "../../test/vectors/symmetric/hash.json" with { type: "json" };
import cosmianKat from "../../test/vectors/symmetric/cosmian-kat.json" with { type: "json" };
import { h, hex } from "../../test/helpers/bytes.ts";

describe("hash known answers (FIPS 180-4 / FIPS 202 examples, Keccak ShortMsgKAT)", () => {
  for (const backend of ["digest", "nobleDigest"] as const) {
    it(`${backend}: ${kat.vectors.length} vectors`, () => {
      for (const v of kat.vectors) {
        const out = hash[backend](v.algorithm as hash.HashName, h(v.message), v.outputLength);
        expect(hex(out), v.name).toBe(v.digest);
      }
    });
  }
  it("covers every algorithm", () => {
    expect(new Set(kat.vectors.map((v) => v.algorithm))).toEqual(new Set(hash.hashNames));
  });
  for (const v of cosmianKat.vectors.filter((x) => x.digest !== undefined)) {
    it(`Cosmian KAT ${v.scenario}`, () => {
      const name = hash.fromKmipName(v.hashing!);
      expect(name).toBeDefined();
      expect(hex(hash.digest(name!, h(v.data!)))).toBe(v.digest);
    });
  }
});

describe("hash errors and metadata", () => {
  it("maps KMIP names and rejects unknown ones", () => {
    expect(hash.fromKmipName("SHA3256")).toBe("SHA3-256");
    expect(hash.fromKmipName("SHA512224")).toBe("SHA-512/224");
    expect(hash.fromKmipName("MD5")).toBeUndefined();
    expect(() => hash.digest("MD5" as hash.HashName, new Uint8Array(0))).toThrow(/unsupported hash algorithm/);
  });
  it("output lengths: fixed for SHA-*, free for SHAKE", () => {
    for (const name of hash.hashNames)
      expect(hash.digest(name, new Uint8Array(3)).length).toBe(hash.outputLength(name));
    expect(() => hash.digest("SHA-256", new Uint8Array(0), 16)).toThrow(/fixed/);
    expect(hash.digest("SHAKE128", new Uint8Array(0), 100).length).toBe(100);
    expect(() => hash.digest("SHAKE256", new Uint8Array(0), 0)).toThrow(RangeError);
    expect(() => hash.blockLength("SHAKE128")).toThrow(/no HMAC/);
    expect(() => hash.digest("SHA-256", "abc" as unknown as Uint8Array)).toThrow(TypeError);
  });
  it("node:crypto implements every algorithm on this runtime (no fallback in use)", () => {
    for (const name of hash.hashNames) expect(hash.hasNative(name), name).toBe(true);
  });
});
