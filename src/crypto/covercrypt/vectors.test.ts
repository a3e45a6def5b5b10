// Every case of the cloudproof_js 10.0.1 vector file (test/vectors/covercrypt/README.md):
// policy and key round trips, KMAC, derived partitions, the decryption matrix and error cases.
import { describe, expect, it } from "vitest";
import vectors from "../../../test/vectors/covercrypt/covercrypt-vectors.json" with { type: "json" };
import { hexToBytes, utf8 } from "../bytes.ts";
import * as cc from "./index.ts";
import { bytesToScalar, L, Point, mul } from "./group.ts";
import * as kyber from "./kyber.ts";
import { hex } from "../../../test/helpers/bytes.ts";

const sorted = (it: Iterable<string>) => [...it].sort();
/** Our error message is the Debug part cloudproof_js prints after its "Error …: " prefix. */
const cosmianSuffix = (s: string) => s.replace(/^Error [a-z ]+: /, "");

interface Case {
  name: string;
  policyJson: string;
  masterSecretKey: string;
  masterPublicKey: string;
  attributeIds: Record<string, number>;
  userKeys: { accessPolicy: string; userSecretKey: string; derivedPartitions: string[] }[];
  ciphertexts: {
    encryptionPolicy: string;
    plaintext: string;
    headerMetadata: string;
    authenticationData: string;
    ciphertext: string;
    derivedPartitions: string[];
    decryptions: { userKey: number; success: boolean; plaintext?: string; headerMetadata?: string; error?: string }[];
    wrongAuthenticationData?: { userKey: number; success: boolean; error: string };
  }[];
  errors: {
    op: "userKey" | "encrypt";
    accessPolicy: string;
    success: boolean;
    error?: string;
    outputLength?: number;
  }[];
}

const cases = (vectors as unknown as { cases: Case[] }).cases;

describe.each(cases)("covercrypt vectors: $name", (c) => {
  const policy = cc.policy.parse(c.policyJson);
  const msk = cc.serialize.deserializeMasterSecretKey(hexToBytes(c.masterSecretKey));
  const mpk = cc.serialize.deserializeMasterPublicKey(hexToBytes(c.masterPublicKey));

  it("policy re-serializes byte for byte and has the annotated ids", () => {
    expect(cc.policy.serialize(policy)).toBe(c.policyJson);
    expect(cc.policy.serialize(cc.policy.parseV2(c.policyJson))).toBe(c.policyJson);
    for (const [attr, id] of Object.entries(c.attributeIds)) {
      const [d, n] = attr.split("::");
      expect(cc.policy.getAttribute(policy, d, n).id).toBe(id);
    }
  });

  it("MSK and MPK round-trip and are consistent", () => {
    expect(hex(cc.serialize.serializeMasterSecretKey(msk))).toBe(c.masterSecretKey);
    expect(hex(cc.serialize.serializeMasterPublicKey(mpk))).toBe(c.masterPublicKey);
    expect(msk.kmacKey?.length).toBe(16);
    expect(hex(mpk.g1)).toBe(hex(Point.BASE.multiply(bytesToScalar(msk.s1)).toBytes()));
    expect(hex(mpk.g2)).toBe(hex(Point.BASE.multiply(bytesToScalar(msk.s2)).toBytes()));
    const h = Point.BASE.multiply(bytesToScalar(msk.s));
    const universe = cc.policy.allPartitions(policy);
    expect(sorted(msk.subkeys.keys())).toEqual(sorted(universe.keys()));
    const encryptable = [...universe].filter(([, i]) => i.status === "EncryptDecrypt").map(([k]) => k);
    expect(sorted(mpk.subkeys.keys())).toEqual(sorted(encryptable));
    for (const [k, pub] of mpk.subkeys) {
      const sec = msk.subkeys.get(k)!.chain[0];
      expect(hex(pub.h)).toBe(hex(mul(h, bytesToScalar(sec.x)).toBytes()));
      expect(pub.kyberPk !== undefined).toBe(universe.get(k)!.hint === "Hybridized");
      if (pub.kyberPk) {
        // the Kyber pair is consistent: encrypt with the pk, decrypt with the sk
        const m = new Uint8Array(32).fill(7);
        expect(hex(kyber.decrypt(sec.kyberSk!, kyber.encrypt(pub.kyberPk, m)))).toBe(hex(m));
      }
    }
  });

  it.each(c.userKeys)("user key $accessPolicy: partitions, a·s1 + b·s2 = s, KMAC, round trip", (u) => {
    const bytes = hexToBytes(u.userSecretKey);
    const usk = cc.serialize.deserializeUserSecretKey(bytes);
    expect(hex(cc.serialize.serializeUserSecretKey(usk))).toBe(u.userSecretKey);
    expect(sorted(usk.subkeys.map((s) => hex(s.partition)))).toEqual(sorted(u.derivedPartitions));
    expect(sorted(cc.accessPolicy.toPartitions(u.accessPolicy, policy, true).keys())).toEqual(
      sorted(u.derivedPartitions),
    );
    const [a, b] = [bytesToScalar(usk.a), bytesToScalar(usk.b)];
    expect((a * bytesToScalar(msk.s1) + b * bytesToScalar(msk.s2)) % L).toBe(bytesToScalar(msk.s));
    expect(hex(cc.userKey.computeKmac(msk, usk)!)).toBe(hex(usk.kmac!));
    expect(() => cc.userKey.verifyKmac(msk, usk)).not.toThrow();
    for (const chain of usk.subkeys)
      expect(hex(chain.chain[0].x)).toBe(hex(msk.subkeys.get(hex(chain.partition))!.chain[0].x));
    // our own user key for the same policy has the same partitions, and its KMAC verifies
    const ours = cc.userKey.keygen(policy, msk, u.accessPolicy);
    expect(sorted(ours.subkeys.map((s) => hex(s.partition)))).toEqual(sorted(u.derivedPartitions));
    expect(() => cc.userKey.verifyKmac(msk, ours)).not.toThrow();
    // a tampered key is refused by refresh
    const tampered = cc.serialize.deserializeUserSecretKey(bytes);
    tampered.b[0] ^= 1;
    expect(() => cc.userKey.refresh(msk, tampered, true)).toThrow("The provided user key is corrupted.");
  });

  it.each(c.ciphertexts)("ciphertext $encryptionPolicy: partitions and decryption matrix", (ct) => {
    expect(sorted(cc.accessPolicy.toPartitions(ct.encryptionPolicy, policy, false).keys())).toEqual(
      sorted(ct.derivedPartitions),
    );
    const bytes = hexToBytes(ct.ciphertext);
    const { header } = cc.hybrid.parseCiphertext(bytes);
    expect(header.encapsulation.encs.length).toBe(ct.derivedPartitions.length);
    const hybridCount = ct.derivedPartitions.filter((p) => mpk.subkeys.get(p)!.kyberPk).length;
    expect(header.encapsulation.encs.filter((e) => e.hybrid).length).toBe(hybridCount);
    const opts = { authenticationData: hexToBytes(ct.authenticationData) };
    for (const d of ct.decryptions) {
      const usk = hexToBytes(c.userKeys[d.userKey].userSecretKey);
      if (d.success) {
        const r = cc.decrypt(usk, bytes, opts);
        expect(hex(r.plaintext)).toBe(d.plaintext);
        expect(hex(r.headerMetadata)).toBe(d.headerMetadata);
      } else {
        expect(() => cc.decrypt(usk, bytes, opts)).toThrow(cosmianSuffix(d.error!));
      }
    }
    if (ct.wrongAuthenticationData) {
      const w = ct.wrongAuthenticationData;
      expect(w.success).toBe(false);
      expect(() =>
        cc.decrypt(hexToBytes(c.userKeys[w.userKey].userSecretKey), bytes, {
          authenticationData: utf8.encode("wrong"),
        }),
      ).toThrow(cosmianSuffix(w.error));
    }
  });

  it.each(c.errors)("error case $op $accessPolicy", (e) => {
    const run = () =>
      e.op === "userKey"
        ? cc.generateUserSecretKey(hexToBytes(c.masterSecretKey), e.accessPolicy, c.policyJson)
        : cc.encrypt(c.policyJson, hexToBytes(c.masterPublicKey), e.accessPolicy, new Uint8Array(1));
    if (e.success) expect(run().length).toBe(e.outputLength);
    else {
      let err: unknown;
      try {
        run();
      } catch (x) {
        err = x;
      }
      expect(err).toBeInstanceOf(cc.CoverCryptError);
      expect((err as Error).message).toBe(cosmianSuffix(e.error!));
    }
  });

  it("our ciphertexts under the vector MPK open with the vector user keys as the matrix predicts", () => {
    for (const ct of c.ciphertexts) {
      const pt = utf8.encode("ours");
      const ours = cc.encrypt(c.policyJson, hexToBytes(c.masterPublicKey), ct.encryptionPolicy, pt, {
        headerMetadata: utf8.encode("md"),
      });
      for (const d of ct.decryptions) {
        const usk = hexToBytes(c.userKeys[d.userKey].userSecretKey);
        if (d.success) expect(hex(cc.decrypt(usk, ours).plaintext)).toBe(hex(pt));
        else expect(() => cc.decrypt(usk, ours)).toThrow("InsufficientAccessPolicy");
      }
    }
  });
});
