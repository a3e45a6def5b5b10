// The fast group paths against @noble's ristretto255 (the reference): field25519 (RFC 9496
// decode/encode, 4·P bridge), fixed-base tables, the libsodium bridge, and decapsulation and
// user-key generation on the native addon, on sodium-native and on @noble (same keys, same
// errors), including inputs libsodium refuses.
import { ed25519, ristretto255 } from "@noble/curves/ed25519.js";
import { afterEach, describe, expect, it } from "vitest";
import vectors from "../../../test/vectors/covercrypt/covercrypt-vectors.json" with { type: "json" };
import { hexToBytes, utf8 } from "../bytes.ts";
import { randomBytes } from "../random.ts";
import * as field from "./field25519.ts";
import { mulToBytes } from "./fixed-base.ts";
import { bytesToScalar, L, randomScalar, scalarToBytes } from "./group.ts";
import * as cc from "./index.ts";
import * as nativeGroup from "./native-group.ts";
import { nativeModes } from "./native-modes.test-helper.ts";
import * as sodiumGroup from "./sodium-group.ts";
import { hex } from "../../../test/helpers/bytes.ts";

const RP = ristretto255.Point;
const randomPoint = () => RP.BASE.multiply(bytesToScalar(randomScalar()) || 1n);

// RFC 9496 Appendix A.2: encodings every decoder must reject
const BAD = [
  "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "0100000000000000000000000000000000000000000000000000000000000000",
  "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
  "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
  "4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
  "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
  "a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
];

afterEach(() => {
  sodiumGroup.setEnabled(true);
  nativeGroup.setEnabled(true);
});

describe("field25519", () => {
  it("decodes like @noble (same representative) and rejects the RFC 9496 bad encodings", () => {
    for (let i = 0; i < 20; i++) {
      const p = randomPoint();
      const a = field.decodeRistretto(p.toBytes());
      const n = RP.fromBytes(p.toBytes());
      expect([a.x, a.y]).toEqual([n.x, n.y]);
    }
    expect(field.decodeRistretto(new Uint8Array(32))).toEqual({ x: 0n, y: 1n });
    for (const b of BAD) {
      expect(() => RP.fromBytes(hexToBytes(b))).toThrow();
      expect(() => field.decodeRistretto(hexToBytes(b)), b).toThrow("invalid ristretto255 point encoding");
    }
    // random strings: accepted and rejected exactly as @noble does
    for (let i = 0; i < 200; i++) {
      const b = randomBytes(32);
      b[31] &= 0x7f;
      b[0] &= 0xfe;
      let ref: string | undefined;
      try {
        ref = hex(RP.fromBytes(b).toBytes());
      } catch {}
      let ours: string | undefined;
      try {
        ours = hex(RP.fromAffine(field.decodeRistretto(b)).toBytes());
      } catch {}
      expect(ours).toBe(ref);
    }
  });

  it("quadrupledEdwards gives the Ed25519 encodings of 4·P", () => {
    const pts = [randomPoint(), randomPoint(), RP.ZERO, RP.BASE];
    const aff = pts.map((p) => field.decodeRistretto(p.toBytes()));
    const out = field.quadrupledEdwards(aff);
    aff.forEach((a, i) => {
      expect(hex(out[i])).toBe(hex(ed25519.Point.fromAffine(a).double().double().toBytes()));
    });
  });

  it("edwardsToRistretto encodes torsion-free Edwards points as ristretto255 elements", () => {
    for (const k of [1n, 2n, 3n, L - 1n, bytesToScalar(randomScalar()), bytesToScalar(randomScalar())]) {
      expect(hex(field.edwardsToRistretto(ed25519.Point.BASE.multiply(k).toBytes()))).toBe(
        hex(RP.BASE.multiply(k).toBytes()),
      );
    }
    expect(hex(field.edwardsToRistretto(ed25519.Point.ZERO.toBytes()))).toBe("00".repeat(32));
  });
});

describe("fixed-base tables", () => {
  it("k·P matches @noble for edge and random scalars", () => {
    const p = randomPoint();
    const enc = p.toBytes();
    const ks = [0n, 1n, 2n, 255n, 256n, 257n, 65535n, L - 1n, L - 256n, (1n << 252n) - 1n];
    for (let i = 0; i < 10; i++) ks.push(bytesToScalar(randomScalar()));
    for (const k of ks)
      expect(hex(mulToBytes(enc, k)), String(k)).toBe(hex(k === 0n ? RP.ZERO.toBytes() : p.multiply(k).toBytes()));
    expect(hex(mulToBytes(RP.ZERO.toBytes(), 12345n))).toBe("00".repeat(32));
  });
});

// sodium-native is a dependency: in CI its absence is a failure; elsewhere one line says why it is skipped.
const skipSodium = !sodiumGroup.available && process.env.CI !== "true";
if (skipSodium) console.log("skip: libsodium bridge tests: sodium-native cannot be loaded in this runtime");
describe.skipIf(skipSodium)("libsodium bridge", () => {
  it("is available", () => expect(sodiumGroup.available).toBe(true));

  it("(k/4)·(4·P) is k·P; refusals are reported, not thrown", () => {
    for (let i = 0; i < 10; i++) {
      const p = randomPoint();
      const k = bytesToScalar(randomScalar());
      const [e4] = field.quadrupledEdwards([field.decodeRistretto(p.toBytes())]);
      const e = sodiumGroup.mulEd((k * sodiumGroup.INV4) % L, e4)!;
      expect(hex(field.edwardsToRistretto(e))).toBe(hex(p.multiply(k).toBytes()));
      const sum = sodiumGroup.addEd(e, e)!;
      expect(hex(field.edwardsToRistretto(sum))).toBe(hex(p.multiply(k).double().toBytes()));
    }
    const [e4, id4] = field.quadrupledEdwards([field.decodeRistretto(randomPoint().toBytes()), { x: 0n, y: 1n }]);
    expect(sodiumGroup.mulEd(0n, e4)).toBeUndefined();
    expect(sodiumGroup.mulEd(L, e4)).toBeUndefined();
    expect(sodiumGroup.mulEd(5n, id4)).toBeUndefined();
    expect(sodiumGroup.baseMulEd(0n)).toBeUndefined();
  });

  it("X25519 on u(R) gives ±k·R; the pair holds k·R's encoding", () => {
    for (let i = 0; i < 10; i++) {
      const r = bytesToScalar(randomScalar());
      const k = i === 0 ? 1n : i === 1 ? L - 1n : bytesToScalar(randomScalar());
      const e = ed25519.Point.BASE.multiply(r).toBytes();
      const u = field.edwardsToMontgomery(e)!;
      expect(hex(u)).toBe(hex(ed25519.utils.toMontgomery(e)));
      const pair = field.ristrettoPairFromMontgomery(sodiumGroup.montgomeryMul(k, u)!)!;
      const kr = RP.BASE.multiply((k * r) % L);
      expect(pair.map(hex).sort()).toEqual([hex(kr.toBytes()), hex(kr.negate().toBytes())].sort());
    }
    expect(field.edwardsToMontgomery(ed25519.Point.ZERO.toBytes())).toBeUndefined();
    const x = bytesToScalar(randomScalar());
    expect((field.invert(x) * x) % field.P).toBe(1n);
  });

  it("baseMulToBytes is the same on both paths", () => {
    for (const k of [0n, 1n, L - 1n, bytesToScalar(randomScalar())]) {
      const native = sodiumGroup.baseMulToBytes(k);
      sodiumGroup.setEnabled(false);
      const noble = sodiumGroup.baseMulToBytes(k);
      sodiumGroup.setEnabled(true);
      expect(hex(native)).toBe(hex(noble));
      expect(hex(noble)).toBe(hex(k === 0n ? RP.ZERO.toBytes() : RP.BASE.multiply(k).toBytes()));
    }
  });
});

/**
 * decrypt on one path: the plaintext (hex) or the error kind/message. `true` is the fastest path
 * available (the addon, else sodium-native), `false` is @noble alone.
 */
function outcome(native: boolean, usk: Uint8Array, ct: Uint8Array, aad?: Uint8Array): string {
  sodiumGroup.setEnabled(native);
  nativeGroup.setEnabled(native);
  try {
    return "ok:" + hex(cc.decrypt(usk, ct, { authenticationData: aad }).plaintext);
  } catch (e) {
    return `err:${(e as cc.CoverCryptError).kind}:${(e as Error).message}`;
  } finally {
    sodiumGroup.setEnabled(true);
    nativeGroup.setEnabled(true);
  }
}

/** The same on sodium-native alone (the addon off), where it differs from `outcome(true, …)`. */
function sodiumOutcome(usk: Uint8Array, ct: Uint8Array, aad?: Uint8Array): string {
  nativeGroup.setEnabled(false);
  try {
    return outcome(true, usk, ct, aad);
  } finally {
    nativeGroup.setEnabled(true);
  }
}

describe("decapsulation: the addon, libsodium and @noble paths agree", () => {
  const cases = (
    vectors as unknown as {
      cases: {
        userKeys: { userSecretKey: string }[];
        ciphertexts: { ciphertext: string; authenticationData: string }[];
      }[];
    }
  ).cases;

  it("on the whole cloudproof_js decryption matrix", () => {
    let ok = 0;
    for (const c of cases) {
      for (const ct of c.ciphertexts) {
        for (const u of c.userKeys) {
          const args = [
            hexToBytes(u.userSecretKey),
            hexToBytes(ct.ciphertext),
            hexToBytes(ct.authenticationData),
          ] as const;
          const native = outcome(true, ...args);
          expect(native).toBe(outcome(false, ...args));
          expect(sodiumOutcome(...args)).toBe(native);
          if (native.startsWith("ok:")) ok++;
        }
      }
    }
    expect(ok).toBeGreaterThan(10);
  });

  const attr = (id: number, hint: string) => `{"id":${id},"encryption_hint":"${hint}","write_status":"EncryptDecrypt"}`;
  const policy = `{"version":"V2","last_attribute_value":6,"dimensions":{"L":{"Ordered":{"Lo":${attr(1, "Classic")},"Mid":${attr(2, "Classic")},"Hi":${attr(3, "Hybridized")}}},"D":{"Unordered":{"HR":${attr(4, "Classic")},"FIN":${attr(5, "Hybridized")},"MKG":${attr(6, "Classic")}}}}}`;
  const pt = utf8.encode("fast paths");

  it("for every subkey position, old subkeys after a rekey, and refused inputs", () => {
    const { secretKey, publicKey } = cc.generateMasterKeys(policy);
    const usk = cc.generateUserSecretKey(secretKey, "L::Hi", policy);
    const targets = ["L::Lo && D::HR", "L::Mid && D::FIN", "L::Hi && D::MKG", "L::Hi && D::FIN", "D::MKG", "L::Lo"];
    const cts = targets.map((t) => cc.encrypt(policy, publicKey, t, pt));
    for (const ct of cts) {
      expect(outcome(true, usk, ct)).toBe("ok:" + hex(pt));
      expect(outcome(false, usk, ct)).toBe("ok:" + hex(pt));
      expect(sodiumOutcome(usk, ct)).toBe("ok:" + hex(pt));
    }
    // a rekey then refresh keeping old rights: an old ciphertext opens with a second-generation subkey
    const p = cc.policy.parse(policy);
    const msk = cc.serialize.deserializeMasterSecretKey(secretKey);
    const mpk = cc.serialize.deserializeMasterPublicKey(publicKey);
    const next = cc.applyRekeyAction(p, msk, mpk, { RekeyAccessPolicy: "L::Lo" });
    const fresh = cc.refreshUserSecretKey(cc.serialize.serializeMasterSecretKey(next.msk), usk, true);
    for (const ct of cts) expect(outcome(true, fresh, ct)).toBe(outcome(false, fresh, ct));
    for (const ct of cts) expect(sodiumOutcome(fresh, ct)).toBe(outcome(false, fresh, ct));
    expect(outcome(true, fresh, cts[0])).toBe("ok:" + hex(pt));
    // c1 = identity (a valid encoding libsodium refuses): both paths conclude the same
    const idCt = cts[0].slice();
    idCt.fill(0, 0, 32);
    expect(outcome(true, usk, idCt)).toBe(outcome(false, usk, idCt));
    expect(outcome(true, usk, idCt)).toContain("InsufficientAccessPolicy");
    // a user key whose a, or one subkey x, is zero (crafted; libsodium refuses a zero scalar)
    const zeroA = usk.slice();
    zeroA.fill(0, 0, 32);
    expect(outcome(true, zeroA, cts[0])).toBe(outcome(false, zeroA, cts[0]));
    const parsed = cc.serialize.deserializeUserSecretKey(usk);
    parsed.subkeys[0].chain[0].x.fill(0);
    const zeroX = cc.serialize.serializeUserSecretKey(parsed);
    for (const ct of cts) expect(outcome(true, zeroX, ct)).toBe(outcome(false, zeroX, ct));
    for (const ct of cts) expect(sodiumOutcome(zeroX, ct)).toBe(outcome(false, zeroX, ct));
    // an invalid c1 is rejected at parse time on both paths
    const bad = cts[0].slice();
    bad.set(hexToBytes(BAD[6]), 0);
    expect(outcome(true, usk, bad)).toBe(outcome(false, usk, bad));
    expect(outcome(true, usk, bad)).toContain("invalid ristretto255 point encoding");
  });

  it("scalar helpers round-trip", () => {
    for (let i = 0; i < 20; i++) {
      const b = randomScalar();
      expect(hex(scalarToBytes(bytesToScalar(b)))).toBe(hex(b));
    }
    const wide = randomBytes(64);
    let ref = 0n;
    for (let i = 63; i >= 0; i--) ref = (ref << 8n) | BigInt(wide[i]);
    expect(bytesToScalar(wide)).toBe(ref);
    expect(bytesToScalar(new Uint8Array([1, 2, 3]))).toBe(0x030201n);
  });
});

describe.each(nativeModes())("user keys ($name)", ({ native }) => {
  type Case = {
    name: string;
    policyJson: string;
    masterSecretKey: string;
    masterPublicKey: string;
    attributeIds: Record<string, number>;
    userKeys: { accessPolicy: string; userSecretKey: string }[];
  };
  const all = (vectors as unknown as { cases: Case[] }).cases;
  const cases = all.filter((c) => "Security Level::High" in c.attributeIds);
  const withMode = (fn: () => void) => () => {
    const prev = nativeGroup.setEnabled(native);
    try {
      fn();
    } finally {
      nativeGroup.setEnabled(prev);
    }
  };

  it(
    "writes every cloudproof_js vector user key byte for byte from its a and partition order (b, subkeys, KMAC)",
    withMode(() => {
      let n = 0;
      for (const c of all) {
        const msk = cc.serialize.deserializeMasterSecretKey(hexToBytes(c.masterSecretKey));
        for (const u of c.userKeys) {
          const ref = cc.serialize.deserializeUserSecretKey(hexToBytes(u.userSecretKey));
          const order = new Map(ref.subkeys.map((s) => [cc.policy.partitionKey(s.partition), s.partition]));
          const ours = cc.userKey.userKeyBytes(msk, order, ref.a);
          expect(hex(ours), `${c.name} ${u.accessPolicy}`).toBe(hex(hexToBytes(u.userSecretKey)));
          n++;
        }
      }
      expect(n).toBeGreaterThanOrEqual(12);
    }),
  );

  it(
    "generateUserSecretKey gives the bytes of the parsed key re-serialized, its KMAC as computed on the other path",
    withMode(() => {
      for (const c of cases) {
        const mskBytes = hexToBytes(c.masterSecretKey);
        const msk = cc.serialize.deserializeMasterSecretKey(mskBytes);
        for (const access of ["Security Level::High", "Department::FIN", "Department::HR && Security Level::Low"]) {
          const usk = cc.generateUserSecretKey(mskBytes, access, c.policyJson);
          const parsed = cc.serialize.deserializeUserSecretKey(usk);
          expect(hex(cc.serialize.serializeUserSecretKey(parsed))).toBe(hex(usk));
          nativeGroup.setEnabled(!native);
          expect(hex(cc.userKey.computeKmac(msk, parsed)!)).toBe(hex(parsed.kmac!));
          nativeGroup.setEnabled(native);
          // the object-level keygen is the same construction
          const obj = cc.userKey.keygen(cc.policy.parse(c.policyJson), msk, access);
          expect(obj.subkeys.map((s) => hex(s.partition))).toEqual(parsed.subkeys.map((s) => hex(s.partition)));
          expect(() => cc.userKey.verifyKmac(msk, obj)).not.toThrow();
        }
        // an MSK out of sync with the policy: Cosmian's error, nothing returned
        const policy = cc.policy.parse(c.policyJson);
        const partial = cc.serialize.deserializeMasterSecretKey(mskBytes);
        partial.subkeys.delete(partial.subkeys.keys().next().value!);
        expect(() => cc.userKey.keygenBytes(policy, partial, "Security Level::High")).toThrow(
          "Master secret key and Policy are not in sync.",
        );
      }
    }),
  );

  it(
    "an MSK with the same scalars and length but other bytes is not served from the cache of parsed keys",
    withMode(() => {
      const c = cases[0];
      const mskBytes = hexToBytes(c.masterSecretKey);
      const first = cc.serialize.deserializeUserSecretKey(
        cc.generateUserSecretKey(mskBytes, "Security Level::High", c.policyJson),
      );
      // another KMAC key (the last 16 bytes), everything else equal
      const other = mskBytes.slice();
      for (let i = other.length - 16; i < other.length; i++) other[i] ^= 0x5a;
      const otherMsk = cc.serialize.deserializeMasterSecretKey(other);
      const second = cc.serialize.deserializeUserSecretKey(
        cc.generateUserSecretKey(other, "Security Level::High", c.policyJson),
      );
      expect(() => cc.userKey.verifyKmac(otherMsk, second)).not.toThrow();
      expect(() => cc.userKey.verifyKmac(otherMsk, first)).toThrow("The provided user key is corrupted.");
      // and back: the first MSK again, under its own KMAC key
      const third = cc.serialize.deserializeUserSecretKey(
        cc.generateUserSecretKey(mskBytes, "Security Level::High", c.policyJson),
      );
      expect(() => cc.userKey.verifyKmac(cc.serialize.deserializeMasterSecretKey(mskBytes), third)).not.toThrow();
    }),
  );

  it(
    "random scalars are canonical and the native wide reduction equals the bigint one",
    withMode(() => {
      for (let i = 0; i < 50; i++) expect(bytesToScalar(randomScalar()) < L).toBe(true);
      const r = nativeGroup.native();
      if (!r) return; // the TypeScript mode reduces with bigints itself
      const wides = [
        new Uint8Array(64),
        new Uint8Array(64).fill(0xff),
        ...Array.from({ length: 50 }, () => randomBytes(64)),
      ];
      for (const w of wides) {
        const out = new Uint8Array(32);
        expect(r.scalarReduce(out, w)).toBe(true);
        expect(hex(out)).toBe(hex(scalarToBytes(bytesToScalar(w) % L)));
      }
      expect(() => r.scalarReduce(new Uint8Array(32), new Uint8Array(63))).toThrow(TypeError);
    }),
  );

  it.each(cases)(
    "from the $name vector MSK: b = (s − a·s1)/s2, opens what the vector MPK encrypts, KMAC checked on the other path",
    (c) => {
      const prev = nativeGroup.setEnabled(native);
      try {
        const msk = hexToBytes(c.masterSecretKey);
        const usk = cc.generateUserSecretKey(msk, "Security Level::High", c.policyJson);
        const u = cc.serialize.deserializeUserSecretKey(usk);
        const m = cc.serialize.deserializeMasterSecretKey(msk);
        expect((bytesToScalar(u.a) * bytesToScalar(m.s1) + bytesToScalar(u.b) * bytesToScalar(m.s2)) % L).toBe(
          bytesToScalar(m.s),
        );
        const ct = cc.encrypt(
          c.policyJson,
          hexToBytes(c.masterPublicKey),
          "Department::HR && Security Level::Low",
          utf8.encode("addon"),
        );
        expect(utf8.decode(cc.decrypt(usk, ct).plaintext)).toBe("addon");
        // refresh verifies the KMAC, here computed on the other path
        nativeGroup.setEnabled(!native);
        expect(cc.serialize.deserializeUserSecretKey(cc.refreshUserSecretKey(msk, usk, true)).kmac).toEqual(u.kmac);
      } finally {
        nativeGroup.setEnabled(prev);
      }
    },
  );
});
