import { describe, expect, test } from "vitest";
import { AesGcmMasterKey, Keyring } from "./sealed.ts";
import { KmipError } from "../kmip/error.ts";
import { h } from "../../test/helpers/bytes.ts";

describe("AesGcmMasterKey", () => {
  // AES-256-GCM, Test Case 16 of McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)".
  const key = h("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
  const iv = "cafebabefacedbaddecaf888";
  const pt =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
  const aad = h("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  const ct =
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662";
  const tag = "76fc6ece0f4e1768cddf8853bb2d551b";

  test("opens the known-answer vector laid out as version || nonce || ciphertext || tag", () => {
    const mk = new AesGcmMasterKey(key);
    expect(Buffer.from(mk.unseal(h("01" + iv + ct + tag), aad)).toString("hex")).toBe(pt);
  });

  test("seal: fresh nonce each time, round trip, and any change (data, tag, aad, key) is refused", () => {
    const mk = new AesGcmMasterKey(key);
    const a = mk.seal(h(pt), aad);
    const b = mk.seal(h(pt), aad);
    expect(a.length).toBe(1 + 12 + pt.length / 2 + 16);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(Buffer.from(mk.unseal(a, aad)).toString("hex")).toBe(pt);
    for (const i of [0, 5, 20, a.length - 1]) {
      const bad = Uint8Array.from(a);
      bad[i] ^= 1;
      expect(() => mk.unseal(bad, aad)).toThrow();
    }
    expect(() => mk.unseal(a, h("00"))).toThrow();
    expect(() => new AesGcmMasterKey(new Uint8Array(32)).unseal(a, aad)).toThrow();
    expect(() => mk.unseal(a.subarray(0, 20), aad)).toThrow(/not a sealed object/);
  });

  test("the key id is a stable fingerprint, different per key; keys must be 32 bytes", () => {
    expect(new AesGcmMasterKey(key).id).toBe(new AesGcmMasterKey(Uint8Array.from(key)).id);
    expect(new AesGcmMasterKey(key).id).toMatch(/^[0-9a-f]{16}$/);
    expect(new AesGcmMasterKey(new Uint8Array(32)).id).not.toBe(new AesGcmMasterKey(key).id);
    expect(() => new AesGcmMasterKey(new Uint8Array(16))).toThrow(/32 bytes/);
  });
});

describe("Keyring", () => {
  const oldKey = new AesGcmMasterKey(new Uint8Array(32).fill(1));
  const newKey = new AesGcmMasterKey(new Uint8Array(32).fill(2));

  test("seals with the current key, opens rows of any known key, passes plain rows through", () => {
    const ring = new Keyring(newKey, [oldKey]);
    const s = ring.seal("id-1", '{"a":1}');
    expect(s.sealedBy).toBe(newKey.id);
    expect(Buffer.from(s.text, "base64").includes(Buffer.from('{"a":1}'))).toBe(false);
    expect(ring.unseal("id-1", s)).toBe('{"a":1}');
    expect(ring.unseal("id-1", new Keyring(oldKey).seal("id-1", '{"b":2}'))).toBe('{"b":2}');
    expect(ring.unseal("id-1", { text: '{"c":3}', sealedBy: null })).toBe('{"c":3}');
  });

  test("a row moved to another id, or sealed by an unknown key, is a Cryptographic_Failure", () => {
    const ring = new Keyring(newKey);
    const s = ring.seal("id-1", '{"a":1}');
    const moved = (() => {
      try {
        ring.unseal("id-2", s);
      } catch (e) {
        return e;
      }
    })() as KmipError;
    expect(moved).toBeInstanceOf(KmipError);
    expect([moved.reason, moved.message]).toEqual([
      "Cryptographic_Failure",
      `object id-2 cannot be unsealed with master key ${newKey.id} (altered row?)`,
    ]);
    expect(() => ring.unseal("id-1", new Keyring(oldKey).seal("id-1", "{}"))).toThrow(
      `object id-1 is sealed under master key ${oldKey.id}, which this server does not hold`,
    );
  });
});
