// Key management with Cosmian v14 semantics (docs/covercrypt-format.md, "Rekeying"):
// setup, rekey, prune, refresh (keep / drop old rights), update after policy edits, rekey actions.
import { describe, expect, it } from "vitest";
import { bytesToHex, equalBytes, utf8 } from "../bytes.ts";
import * as cc from "./index.ts";

const json = (id: number, hint = "Classic") =>
  `{"id":${id},"encryption_hint":"${hint}","write_status":"EncryptDecrypt"}`;
const POLICY = cc.policy.parse(
  `{"version":"V2","last_attribute_value":5,"dimensions":{"S":{"Ordered":{"Lo":${json(1)},"Hi":${json(2, "Hybridized")}}},"D":{"Unordered":{"HR":${json(3)},"FIN":${json(4)},"MKG":${json(5)}}}}}`,
);
const pt = utf8.encode("secret");
const enc = (p: cc.Policy, mpk: cc.MasterPublicKey, a: string) => cc.hybrid.encrypt(p, mpk, a, pt);
const opens = (usk: cc.UserSecretKey, ct: Uint8Array) => {
  try {
    return equalBytes(cc.hybrid.decrypt(usk, ct).plaintext, pt);
  } catch (e) {
    if ((e as cc.CoverCryptError).kind === "InsufficientAccessPolicy") return false;
    throw e;
  }
};
const hex = (b: Uint8Array) => bytesToHex(b);

describe("setup and serialization", () => {
  it("makes one subkey per partition, Kyber where hybridized, and round-trips", () => {
    const { msk, mpk } = cc.masterKeys.setup(POLICY);
    expect(msk.subkeys.size).toBe(6);
    expect([...mpk.subkeys.values()].filter((s) => s.kyberPk).length).toBe(3);
    const mskBytes = cc.serialize.serializeMasterSecretKey(msk);
    expect(mskBytes.length).toBe(96 + 1 + 6 * (1 + 2 + 1 + 33) + 3 * 1152 + 16);
    expect(hex(cc.serialize.serializeMasterSecretKey(cc.serialize.deserializeMasterSecretKey(mskBytes)))).toBe(
      hex(mskBytes),
    );
    expect(() => cc.serialize.deserializeMasterSecretKey(new Uint8Array([...mskBytes, 0]))).toThrow("trailing");
    const mpkBytes = cc.serialize.serializeMasterPublicKey(mpk);
    expect(() => cc.serialize.deserializeMasterPublicKey(mpkBytes.subarray(0, 100))).toThrow(cc.CoverCryptError);
    const bad = mpkBytes.slice();
    bad.fill(0xff, 0, 32);
    expect(() => cc.serialize.deserializeMasterPublicKey(bad)).toThrow("invalid ristretto255 point");
  });
});

describe("rekey, prune, refresh", () => {
  const { msk, mpk } = cc.masterKeys.setup(POLICY);
  const user = cc.userKey.keygen(POLICY, msk, "D::FIN && S::Hi"); // FIN×{Lo,Hi}
  const oldCt = enc(POLICY, mpk, "D::FIN && S::Lo");
  const rk = cc.masterKeys.rekey(POLICY, "D::FIN", msk, mpk);

  it("rekey pushes a new subkey to the targeted chains and replaces their public subkeys", () => {
    for (const k of ["0104", "0204"]) {
      expect(rk.msk.subkeys.get(k)!.chain.length).toBe(2);
      expect(hex(rk.msk.subkeys.get(k)!.chain[1].x)).toBe(hex(msk.subkeys.get(k)!.chain[0].x));
      expect(hex(rk.mpk.subkeys.get(k)!.h)).not.toBe(hex(mpk.subkeys.get(k)!.h));
    }
    expect(rk.msk.subkeys.get("0204")!.chain[0].kyberSk).toBeDefined(); // hybrid stays hybrid
    expect(rk.msk.subkeys.get("0104")!.chain[0].kyberSk).toBeUndefined();
    expect(rk.msk.subkeys.get("0103")!.chain.length).toBe(1);
    expect(msk.subkeys.get("0104")!.chain.length).toBe(1); // input untouched
  });

  it("an old user key cannot open new ciphertexts until refreshed; refreshed keys open both", () => {
    const newCt = enc(POLICY, rk.mpk, "D::FIN && S::Lo");
    expect(opens(user, oldCt)).toBe(true);
    expect(opens(user, newCt)).toBe(false);
    const kept = cc.userKey.refresh(rk.msk, user, true);
    expect(kept.subkeys.map((c) => c.chain.length)).toEqual([2, 2]);
    expect(opens(kept, oldCt) && opens(kept, newCt)).toBe(true);
    const dropped = cc.userKey.refresh(rk.msk, user, false);
    expect(dropped.subkeys.map((c) => c.chain.length)).toEqual([1, 1]);
    expect(opens(dropped, newCt)).toBe(true);
    expect(opens(dropped, oldCt)).toBe(false);
    // refreshing twice is stable, and the KMAC follows the content
    const again = cc.userKey.refresh(rk.msk, kept, true);
    expect(hex(cc.serialize.serializeUserSecretKey(again))).toBe(hex(cc.serialize.serializeUserSecretKey(kept)));
  });

  it("refresh never grants partitions the key did not have (forged labels gain nothing)", () => {
    const weak = cc.userKey.keygen(POLICY, msk, "D::HR && S::Lo");
    const refreshed = cc.userKey.refresh(rk.msk, weak, true);
    expect(refreshed.subkeys.map((c) => bytesToHex(c.partition))).toEqual(["0103"]);
    expect(opens(refreshed, enc(POLICY, rk.mpk, "D::FIN && S::Lo"))).toBe(false);
  });

  it("prune drops old subkeys: old ciphertexts become undecryptable after refresh", () => {
    const pruned = cc.masterKeys.prune(POLICY, "D::FIN", rk.msk);
    expect(pruned.subkeys.get("0104")!.chain.length).toBe(1);
    const kept = cc.userKey.refresh(pruned, cc.userKey.refresh(rk.msk, user, true), true);
    expect(opens(kept, oldCt)).toBe(false);
    expect(opens(kept, enc(POLICY, rk.mpk, "D::FIN && S::Lo"))).toBe(true);
  });
});

describe("policy edits + update", () => {
  const { msk, mpk } = cc.masterKeys.setup(POLICY);
  const hrUser = cc.userKey.keygen(POLICY, msk, "D::HR && S::Lo");
  const mkgCt = enc(POLICY, mpk, "D::MKG && S::Lo");
  const mkgUser = cc.userKey.keygen(POLICY, msk, "D::MKG");

  it("disable: encryption fails, decryption still works", () => {
    const r = cc.applyRekeyAction(POLICY, msk, mpk, cc.parseRekeyAction(`{"DisableAttribute":["D::MKG"]}`));
    expect(r.mpk.subkeys.has("0105")).toBe(false);
    expect(r.msk.subkeys.has("0105")).toBe(true);
    expect(() => enc(r.policy, r.mpk, "D::MKG")).toThrow("trying to encrypt for a disabled attribute");
    expect(opens(cc.userKey.refresh(r.msk, mkgUser, true), mkgCt)).toBe(true);
    expect(() => cc.masterKeys.update(POLICY, r.msk, r.mpk)).toThrow("re-enable");
  });

  it("remove: the partitions leave both keys and refreshed users lose them", () => {
    const r = cc.applyRekeyAction(POLICY, msk, mpk, { RemoveAttribute: ["D::MKG"] });
    expect(r.msk.subkeys.size).toBe(4);
    const refreshed = cc.userKey.refresh(r.msk, mkgUser, true);
    expect(refreshed.subkeys).toEqual([]);
    expect(opens(refreshed, mkgCt)).toBe(false);
  });

  it("add: new partitions with a new id, existing subkeys kept; rename changes no key", () => {
    const r = cc.applyRekeyAction(POLICY, msk, mpk, cc.parseRekeyAction(`{"AddAttribute":[["D::R&D","Hybridized"]]}`));
    expect([...r.msk.subkeys.keys()].filter((k) => !msk.subkeys.has(k)).sort()).toEqual(["0106", "0206"]);
    expect(r.mpk.subkeys.get("0106")!.kyberPk).toBeDefined();
    expect(hex(r.msk.subkeys.get("0103")!.chain[0].x)).toBe(hex(msk.subkeys.get("0103")!.chain[0].x));
    expect(opens(cc.userKey.refresh(r.msk, hrUser, true), enc(r.policy, r.mpk, "D::HR && S::Lo"))).toBe(true);
    const rn = cc.applyRekeyAction(
      r.policy,
      r.msk,
      r.mpk,
      cc.parseRekeyAction(`{"RenameAttribute":[["D::FIN","Finance"]]}`),
    );
    expect(hex(cc.serialize.serializeMasterPublicKey(rn.mpk))).toBe(hex(cc.serialize.serializeMasterPublicKey(r.mpk)));
    expect(
      opens(cc.userKey.keygen(rn.policy, rn.msk, "D::Finance"), enc(rn.policy, rn.mpk, "D::Finance && S::Lo")),
    ).toBe(true);
  });

  it("a partition that becomes Hybridized gets Kyber keys at update", () => {
    const p = cc.policy.clonePolicy(POLICY);
    p.dimensions.get("D")!.attributes.get("HR")!.encryptionHint = "Hybridized";
    const r = cc.masterKeys.update(p, msk, mpk);
    expect(r.mpk.subkeys.get("0103")!.kyberPk).toBeDefined();
    expect(r.msk.subkeys.get("0103")!.chain[0].kyberSk).toBeDefined();
    expect(opens(cc.userKey.keygen(p, r.msk, "D::HR"), enc(p, r.mpk, "D::HR && S::Lo"))).toBe(true);
  });

  it("parses the six KMS actions and refuses others", () => {
    expect(cc.parseRekeyAction(`{"RekeyAccessPolicy":"Department::FIN"}`)).toEqual({
      RekeyAccessPolicy: "Department::FIN",
    });
    expect(cc.parseRekeyAction(`{"PruneAccessPolicy":"Department::FIN"}`)).toEqual({
      PruneAccessPolicy: "Department::FIN",
    });
    expect(cc.parseRekeyAction(`{"RemoveAttribute":["Department::HR"]}`)).toEqual({
      RemoveAttribute: ["Department::HR"],
    });
    expect(() => cc.parseRekeyAction(`{"Nope":1}`)).toThrow("unknown variant");
    expect(() => cc.parseRekeyAction(`{"AddAttribute":[["D::x","Quantum"]]}`)).toThrow("invalid value");
  });
});
