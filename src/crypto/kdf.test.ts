import { describe, expect, it } from "vitest";
import { hkdfSync, randomBytes } from "node:crypto";
import { hkdf as nobleHkdf } from "@noble/hashes/hkdf.js";
import * as kdf from "./kdf.ts";
import { fromKmipName, hasNative, hashNames, hmacHash, type HashName } from "./hash.ts";
import * as mac from "./mac.ts";
import rfc from "../../test/vectors/symmetric/kdf.json" with { type: "json" };
import cosmianKat from "../../test/vectors/symmetric/cosmian-kat.json" with { type: "json" };
import wpHkdf1 from "../../test/vectors/symmetric/wycheproof/hkdf_sha1_test.json" with { type: "json" };
import wpHkdf256 from "../../test/vectors/symmetric/wycheproof/hkdf_sha256_test.json" with { type: "json" };
import wpHkdf384 from "../../test/vectors/symmetric/wycheproof/hkdf_sha384_test.json" with { type: "json" };
import wpHkdf512 from "../../test/vectors/symmetric/wycheproof/hkdf_sha512_test.json" with { type: "json" };
import wpPb1 from "../../test/vectors/symmetric/wycheproof/pbkdf2_hmacsha1_test.json" with { type: "json" };
import wpPb224 from "../../test/vectors/symmetric/wycheproof/pbkdf2_hmacsha224_test.json" with { type: "json" };
import wpPb256 from "../../test/vectors/symmetric/wycheproof/pbkdf2_hmacsha256_test.json" with { type: "json" };
import wpPb384 from "../../test/vectors/symmetric/wycheproof/pbkdf2_hmacsha384_test.json" with { type: "json" };
import wpPb512 from "../../test/vectors/symmetric/wycheproof/pbkdf2_hmacsha512_test.json" with { type: "json" };
import { h, hex } from "../../test/helpers/bytes.ts";

describe("PBKDF2 known answers (RFC 6070, RFC 7914 §11)", () => {
  for (const v of rfc.pbkdf2.filter((x) => !("slow" in x))) {
    it(v.name, () => {
      expect(hex(kdf.pbkdf2(v.hash as kdf.HashName, h(v.password), h(v.salt), v.iterations, v.dkLen))).toBe(v.dk);
    });
  }
  for (const v of cosmianKat.vectors.filter((x) => x.method === "PBKDF2")) {
    it(`Cosmian KAT ${v.scenario}`, () => {
      expect(hex(kdf.pbkdf2(fromKmipName(v.hashing!)!, h(v.key!), h(v.salt!), v.iterations!, v.length!))).toBe(
        v.derived,
      );
    });
  }
});

describe("PBKDF2: Wycheproof pbkdf2_hmacsha*_test.json (iteration counts up to 10^5)", () => {
  interface PbkdfFile {
    testGroups: {
      tests: {
        tcId: number;
        password: string;
        salt: string;
        iterationCount: number;
        dkLen: number;
        dk: string;
        result: string;
      }[];
    }[];
  }
  const files: [kdf.HashName, PbkdfFile][] = [
    ["SHA-1", wpPb1],
    ["SHA-224", wpPb224],
    ["SHA-256", wpPb256],
    ["SHA-384", wpPb384],
    ["SHA-512", wpPb512],
  ];
  for (const [name, file] of files) {
    it(`PBKDF2-HMAC-${name}`, () => {
      let n = 0;
      for (const group of file.testGroups) {
        for (const t of group.tests) {
          if (t.iterationCount > 100_000) continue; // the 2^24-iteration cases take seconds each
          expect(t.result).toBe("valid");
          expect(hex(kdf.pbkdf2(name, h(t.password), h(t.salt), t.iterationCount, t.dkLen)), `tcId ${t.tcId}`).toBe(
            t.dk,
          );
          n++;
        }
      }
      expect(n).toBeGreaterThan(20);
    });
  }
});

describe("HKDF known answers (RFC 5869 Appendix A)", () => {
  for (const v of rfc.hkdf) {
    it(v.name, () => {
      const hash = v.hash as kdf.HashName;
      if ("prk" in v) expect(hex(kdf.hkdfExtract(hash, h(v.ikm), h(v.salt)))).toBe(v.prk);
      expect(hex(kdf.hkdf(hash, h(v.ikm), h(v.salt), h(v.info), v.length))).toBe(v.okm);
    });
  }
  it("RFC 5869 A.3/A.7: an absent salt equals an empty salt (HashLen zeros)", () => {
    const a3 = rfc.hkdf.find((v) => v.name === "RFC 5869 A.3")!;
    expect(hex(kdf.hkdf("SHA-256", h(a3.ikm), undefined, undefined, a3.length))).toBe(a3.okm);
  });
  for (const v of cosmianKat.vectors.filter((x) => x.method === "HKDF")) {
    it(`Cosmian KAT ${v.scenario}`, () => {
      expect(hex(kdf.hkdf(fromKmipName(v.hashing!)!, h(v.key!), h(v.salt!), h(v.info!), v.length!))).toBe(v.derived);
    });
  }
});

describe("HKDF: Wycheproof hkdf_sha*_test.json", () => {
  interface HkdfFile {
    testGroups: {
      tests: { tcId: number; ikm: string; salt: string; info: string; size: number; okm: string; result: string }[];
    }[];
  }
  const files: [kdf.HashName, HkdfFile][] = [
    ["SHA-1", wpHkdf1],
    ["SHA-256", wpHkdf256],
    ["SHA-384", wpHkdf384],
    ["SHA-512", wpHkdf512],
  ];
  for (const [name, file] of files) {
    it(`HKDF-${name}`, () => {
      for (const group of file.testGroups) {
        for (const t of group.tests) {
          const run = () => kdf.hkdf(name, h(t.ikm), h(t.salt), h(t.info), t.size);
          if (t.result === "valid") expect(hex(run()), `tcId ${t.tcId}`).toBe(t.okm);
          else expect(run, `tcId ${t.tcId}`).toThrow(RangeError);
        }
      }
    });
  }
});

describe("KDF errors", () => {
  const pw = new Uint8Array(32),
    salt = new Uint8Array(8);
  it("PBKDF2 rejects a negative, zero or fractional iteration count, bad lengths and hashes", () => {
    for (const c of [-1, 0, 1.5, kdf.MAX_ITERATIONS + 1])
      expect(() => kdf.pbkdf2("SHA-256", pw, salt, c, 32), `c=${c}`).toThrow(/iteration/);
    for (const n of [0, -1, kdf.MAX_OUTPUT_LENGTH + 1])
      expect(() => kdf.pbkdf2("SHA-256", pw, salt, 1, n), `len ${n}`).toThrow(RangeError);
    expect(() => kdf.pbkdf2("SHAKE128", pw, salt, 1, 32)).toThrow(/unsupported/);
  });
  it("HKDF rejects L > 255 * HashLen", () => {
    expect(kdf.hkdf("SHA-256", pw, salt, undefined, 255 * 32).length).toBe(255 * 32);
    expect(() => kdf.hkdf("SHA-256", pw, salt, undefined, 255 * 32 + 1)).toThrow(RangeError);
  });
  it("PBKDF2 and HKDF with SHA3 reduce to their one-block HMAC definitions", () => {
    // No published PBKDF2/HKDF-SHA3 vectors: check the definitions against HMAC-SHA3 (itself KAT-tested).
    const p = h("0b".repeat(32)),
      s = h("73616c74");
    // PBKDF2, c = 1, dkLen <= hLen: DK = HMAC(P, S || INT_32_BE(1)).
    expect(hex(kdf.pbkdf2("SHA3-256", p, s, 1, 32))).toBe(hex(mac.compute("SHA3-256", p, h("73616c7400000001"))));
    // HKDF-Expand, L <= HashLen: OKM = HMAC(PRK, info || 0x01).
    expect(hex(kdf.hkdfExpand("SHA3-512", p, s, 64))).toBe(hex(mac.compute("SHA3-512", p, h("73616c7401"))));
  });
});

describe("HKDF agrees with node:crypto hkdfSync and @noble/hashes hkdf", () => {
  const hmacHashes = hashNames.filter((n): n is HashName => !n.startsWith("SHAKE"));

  it("on random inputs, every HMAC hash, with and without salt and info", () => {
    for (const hash of hmacHashes) {
      for (const [saltLen, infoLen, length] of [
        [0, 0, 1],
        [16, 0, 32],
        [0, 10, 42],
        [13, 77, 100],
        [64, 3, 255],
      ]) {
        const ikm = new Uint8Array(randomBytes(22));
        const salt = new Uint8Array(randomBytes(saltLen));
        const info = new Uint8Array(randomBytes(infoLen));
        const ours = hex(kdf.hkdf(hash, ikm, salt, info, length));
        const what = `${hash} salt ${saltLen} info ${infoLen} L ${length}`;
        expect(ours, what).toBe(hex(nobleHkdf(hmacHash(hash, "test").noble, ikm, salt, info, length)));
        if (hasNative(hash))
          expect(ours, what).toBe(
            hex(new Uint8Array(hkdfSync(hmacHash(hash, "test").native, ikm, salt, info, length))),
          );
      }
    }
  });

  it("at the RFC 5869 maximum length, 255 * HashLen", () => {
    const ikm = new Uint8Array(randomBytes(32));
    expect(hex(kdf.hkdf("SHA-256", ikm, undefined, undefined, 255 * 32))).toBe(
      hex(new Uint8Array(hkdfSync("sha256", ikm, new Uint8Array(0), new Uint8Array(0), 255 * 32))),
    );
    expect(() => kdf.hkdf("SHA-256", ikm, undefined, undefined, 255 * 32 + 1)).toThrow(RangeError);
  });
});
