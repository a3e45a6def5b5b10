// Two-way interop with Cosmian's cloudproof_js 10.0.1 WASM (cosmian_cover_crypt 14.0.0): keys made
// by either side used by the other, ciphertexts made by either side opened by the other, for a
// classic policy (built with PolicyAxis) and a hybridized one (hand-written V2 JSON), plus keys
// after our rekey / policy edits.
import { CoverCrypt } from "cloudproof_js";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesToHex, utf8 } from "../../src/crypto/bytes.ts";
import * as cc from "../../src/crypto/covercrypt/index.ts";

type C = Awaited<ReturnType<typeof CoverCrypt>>;
let C: C;
beforeAll(async () => {
  C = await CoverCrypt();
});

const attr = (id: number, hint: string) => `{"id":${id},"encryption_hint":"${hint}","write_status":"EncryptDecrypt"}`;
const HYBRID_JSON =
  `{"version":"V2","last_attribute_value":6,"dimensions":{"Security Level":{"Ordered":{"Protected":${attr(1, "Classic")},"Confidential":${attr(2, "Classic")},"Top Secret":${attr(3, "Hybridized")}}},` +
  `"Department":{"Unordered":{"FIN":${attr(4, "Hybridized")},"MKG":${attr(5, "Classic")},"HR":${attr(6, "Classic")}}}}}`;

const policies = () => ({
  classic: new C.Policy([
    new C.PolicyAxis(
      "Security Level",
      [
        { name: "Protected", isHybridized: false },
        { name: "Confidential", isHybridized: false },
        { name: "Top Secret", isHybridized: false },
      ],
      true,
    ),
    new C.PolicyAxis(
      "Department",
      [
        { name: "FIN", isHybridized: false },
        { name: "MKG", isHybridized: false },
        { name: "HR", isHybridized: false },
      ],
      false,
    ),
  ]),
  hybrid: C.Policy.fromBytes(utf8.encode(HYBRID_JSON)),
});

const USER = "(Department::MKG || Department::FIN) && Security Level::Confidential";
const TARGETS = [
  "Department::FIN && Security Level::Protected",
  "Department::MKG && Security Level::Confidential",
  "Department::HR",
];
const md = utf8.encode("header-meta");
const ad = utf8.encode("auth-data");
const pt = utf8.encode("interop plaintext");

function expectOpens(open: () => { headerMetadata: Uint8Array; plaintext: Uint8Array }, meta = md) {
  const r = open();
  expect(bytesToHex(r.plaintext)).toBe(bytesToHex(pt));
  expect(bytesToHex(r.headerMetadata)).toBe(bytesToHex(meta));
}

describe.each(["classic", "hybrid"] as const)("cloudproof_js interop (%s)", (kind) => {
  it("policy bytes: we re-serialize the WASM's policy byte for byte", () => {
    const p = policies()[kind];
    expect(cc.policy.serialize(cc.policy.parse(p.toBytes()))).toBe(utf8.decode(p.toBytes()));
  });

  it("WASM master keys → our user keys and ciphertexts, in both directions", () => {
    const policy = policies()[kind];
    const { secretKey, publicKey } = C.generateMasterKeys(policy);
    const ourUsk = cc.generateUserSecretKey(secretKey, USER, policy.toBytes());
    const wasmUsk = C.generateUserSecretKey(secretKey, USER, policy);
    // same partitions as the WASM's key, and the WASM accepts ours
    const parts = (b: Uint8Array) =>
      cc.serialize
        .deserializeUserSecretKey(b)
        .subkeys.map((c) => bytesToHex(c.partition))
        .sort();
    expect(parts(ourUsk)).toEqual(parts(wasmUsk));
    for (const target of TARGETS) {
      const allowed = target !== "Department::HR";
      const wasmCt = C.encrypt(policy, publicKey, target, pt, { headerMetadata: md, authenticationData: ad });
      const ourCt = cc.encrypt(policy.toBytes(), publicKey, target, pt, { headerMetadata: md, authenticationData: ad });
      for (const [usk, ct, who] of [
        [ourUsk, wasmCt, "ours"],
        [wasmUsk, ourCt, "wasm"],
        [ourUsk, ourCt, "wasm"],
      ] as const) {
        const open = () =>
          who === "ours"
            ? cc.decrypt(usk, ct, { authenticationData: ad })
            : C.decrypt(usk, ct, { authenticationData: ad });
        if (allowed) expectOpens(open);
        else expect(open).toThrow(/InsufficientAccessPolicy/);
      }
      if (allowed) {
        expect(() => C.decrypt(ourUsk, ourCt, { authenticationData: utf8.encode("x") })).toThrow(/DecryptionError/);
        expect(() => cc.decrypt(wasmUsk, wasmCt, { authenticationData: utf8.encode("x") })).toThrow(
          "CryptoCoreError(DecryptionError)",
        );
      }
    }
  });

  it("our master keys → WASM user keys and ciphertexts, in both directions", () => {
    const policy = policies()[kind];
    const { secretKey, publicKey } = cc.generateMasterKeys(policy.toBytes());
    const wasmUsk = C.generateUserSecretKey(secretKey, USER, policy);
    const ourUsk = cc.generateUserSecretKey(secretKey, USER, policy.toBytes());
    // the WASM's user key carries a KMAC made with our MSK's key: it must verify
    const msk = cc.serialize.deserializeMasterSecretKey(secretKey);
    expect(() => cc.userKey.verifyKmac(msk, cc.serialize.deserializeUserSecretKey(wasmUsk))).not.toThrow();
    for (const target of TARGETS.slice(0, 2)) {
      const wasmCt = C.encrypt(policy, publicKey, target, pt);
      const ourCt = cc.encrypt(policy.toBytes(), publicKey, target, pt, { headerMetadata: null });
      expectOpens(() => cc.decrypt(ourUsk, wasmCt), new Uint8Array(0));
      expectOpens(() => cc.decrypt(wasmUsk, wasmCt), new Uint8Array(0));
      expectOpens(() => C.decrypt(wasmUsk, ourCt), new Uint8Array(0)); // no metadata blob at all
      expectOpens(() => C.decrypt(ourUsk, ourCt), new Uint8Array(0));
    }
  });

  it("after our rekey and attribute edits, the WASM still works with our keys", () => {
    const policy = policies()[kind];
    const { secretKey, publicKey } = C.generateMasterKeys(policy);
    let p = cc.policy.parse(policy.toBytes());
    let msk = cc.serialize.deserializeMasterSecretKey(secretKey);
    let mpk = cc.serialize.deserializeMasterPublicKey(publicKey);
    const wasmUsk = C.generateUserSecretKey(secretKey, USER, policy);
    const oldCt = C.encrypt(policy, publicKey, TARGETS[0], pt);
    for (const action of [
      `{"RekeyAccessPolicy":"Department::FIN"}`,
      `{"AddAttribute":[["Department::R&D","Hybridized"]]}`,
      `{"RenameAttribute":[["Department::MKG","Marketing"]]}`,
    ]) {
      ({ policy: p, msk, mpk } = cc.applyRekeyAction(p, msk, mpk, cc.parseRekeyAction(action)));
    }
    const newPolicy = C.Policy.fromBytes(cc.policy.toBytes(p));
    const newMpk = cc.serialize.serializeMasterPublicKey(mpk);
    const newMsk = cc.serialize.serializeMasterSecretKey(msk);
    const newCt = C.encrypt(newPolicy, newMpk, "Department::FIN && Security Level::Protected", pt);
    expect(() => C.decrypt(wasmUsk, newCt)).toThrow(/InsufficientAccessPolicy/);
    const refreshed = cc.refreshUserSecretKey(newMsk, wasmUsk, true);
    expectOpens(() => C.decrypt(refreshed, newCt), new Uint8Array(0));
    expectOpens(() => C.decrypt(refreshed, oldCt), new Uint8Array(0));
    const rd = C.generateUserSecretKey(newMsk, "Department::R&D", newPolicy);
    expectOpens(() =>
      cc.decrypt(
        rd,
        cc.encrypt(p, newMpk, "Department::R&D && Security Level::Top Secret", pt, { headerMetadata: md }),
      ),
    );
    expectOpens(() => C.decrypt(rd, C.encrypt(newPolicy, newMpk, "Department::R&D", pt)), new Uint8Array(0));
    expectOpens(
      () =>
        C.decrypt(
          C.generateUserSecretKey(newMsk, "Department::Marketing", newPolicy),
          cc.encrypt(p, newMpk, "Department::Marketing", pt),
        ),
      new Uint8Array(0),
    );
  });
});
