import { describe, expect, it } from "vitest";
import * as mac from "./mac.ts";
import { fromKmipName } from "./hash.ts";
import rfc from "../../test/vectors/symmetric/hmac.json" with { type: "json" };
import cosmianKat from "../../test/vectors/symmetric/cosmian-kat.json" with { type: "json" };
import wpSha1 from "../../test/vectors/symmetric/wycheproof/hmac_sha1_test.json" with { type: "json" };
import wpSha224 from "../../test/vectors/symmetric/wycheproof/hmac_sha224_test.json" with { type: "json" };
import wpSha256 from "../../test/vectors/symmetric/wycheproof/hmac_sha256_test.json" with { type: "json" };
import wpSha384 from "../../test/vectors/symmetric/wycheproof/hmac_sha384_test.json" with { type: "json" };
import wpSha512 from "../../test/vectors/symmetric/wycheproof/hmac_sha512_test.json" with { type: "json" };
import wpSha3_224 from "../../test/vectors/symmetric/wycheproof/hmac_sha3_224_test.json" with { type: "json" };
import wpSha3_256 from "../../test/vectors/symmetric/wycheproof/hmac_sha3_256_test.json" with { type: "json" };
import wpSha3_384 from "../../test/vectors/symmetric/wycheproof/hmac_sha3_384_test.json" with { type: "json" };
import wpSha3_512 from "../../test/vectors/symmetric/wycheproof/hmac_sha3_512_test.json" with { type: "json" };
import { h, hex } from "../../test/helpers/bytes.ts";

describe("HMAC known answers (RFC 4231, RFC 2202)", () => {
  for (const backend of ["compute", "nobleCompute"] as const) {
    it(`${backend}: ${rfc.vectors.length} vectors`, () => {
      for (const v of rfc.vectors) {
        const out = mac[backend](v.algorithm as mac.HashName, h(v.key), h(v.message));
        expect(hex(out.subarray(0, v.mac.length / 2)), v.name).toBe(v.mac);
        expect(mac.verify(v.algorithm as mac.HashName, h(v.key), h(v.message), h(v.mac)), v.name).toBe(true);
      }
    });
  }
  for (const v of cosmianKat.vectors.filter((x) => x.mac !== undefined)) {
    it(`Cosmian KAT ${v.scenario}`, () => {
      expect(hex(mac.compute(fromKmipName(v.hashing!)!, h(v.key!), h(v.data!)))).toBe(v.mac);
    });
  }
});

const WYCHEPROOF: [mac.HashName, typeof wpSha256][] = [
  ["SHA-1", wpSha1],
  ["SHA-224", wpSha224],
  ["SHA-256", wpSha256],
  ["SHA-384", wpSha384],
  ["SHA-512", wpSha512],
  ["SHA3-224", wpSha3_224],
  ["SHA3-256", wpSha3_256],
  ["SHA3-384", wpSha3_384],
  ["SHA3-512", wpSha3_512],
];
describe("HMAC: Wycheproof hmac_*_test.json", () => {
  for (const [name, file] of WYCHEPROOF) {
    it(`HMAC-${name} (${file.numberOfTests} cases)`, () => {
      for (const group of file.testGroups) {
        for (const t of group.tests) {
          const label = `tcId ${t.tcId} ${t.comment}`;
          const full = mac.compute(name, h(t.key), h(t.msg));
          const tag = h(t.tag);
          if (t.result === "valid") expect(hex(full.subarray(0, tag.length)), label).toBe(t.tag);
          // verify() refuses tags below max(10, min(16, L/2)) bytes, whatever Wycheproof says of them.
          const acceptable = tag.length >= mac.minimumLength(name);
          expect(mac.verify(name, h(t.key), h(t.msg), tag), label).toBe(t.result === "valid" && acceptable);
        }
      }
    });
  }
});

describe("HMAC errors", () => {
  it("rejects SHAKE and unknown hashes, and wrong or too-short MACs", () => {
    expect(() => mac.compute("SHAKE128", new Uint8Array(16), new Uint8Array(0))).toThrow(/unsupported/);
    expect(() => mac.compute("MD5" as mac.HashName, new Uint8Array(16), new Uint8Array(0))).toThrow(/unsupported/);
    const key = h("0b".repeat(20)),
      msg = new TextEncoder().encode("Hi There");
    const full = mac.compute("SHA-256", key, msg);
    const bad = full.slice();
    bad[31] ^= 1;
    expect(mac.verify("SHA-256", key, msg, bad)).toBe(false);
    expect(mac.verify("SHA-256", key, msg, full.subarray(0, 15))).toBe(false);
    expect(mac.verify("SHA-256", key, msg, full.subarray(0, 16))).toBe(true);
    expect(mac.verify("SHA-256", key, msg, new Uint8Array(33))).toBe(false);
  });
});
