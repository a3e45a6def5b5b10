import { describe, expect, it } from "vitest";
import { ed25519 } from "@noble/curves/ed25519.js";
import { hexToBytes, utf8 } from "../bytes.ts";
import * as ecies from "./ecies.ts";
import { EciesError } from "./errors.ts";
import * as nist from "./nist-curves.ts";
import * as ristretto from "./ristretto.ts";
import * as sealedBox from "./sealed-box.ts";
import cloudproof from "../../../test/vectors/ecies/ecies-vectors.json" with { type: "json" };
import { hex } from "../../../test/helpers/bytes.ts";

function keyPair(t: ecies.EciesKeyType): { publicKey: Uint8Array; privateKey: Uint8Array } {
  if (t === "X25519") return sealedBox.generateKeyPair();
  if (t === "Ristretto255") return ristretto.generateKeyPair();
  if (t === "Ed25519") {
    const seed = ed25519.utils.randomSecretKey();
    return { privateKey: seed, publicKey: ed25519.getPublicKey(seed) };
  }
  return nist.generateKeyPair(t);
}

describe("ecies dispatcher", () => {
  it.each(ecies.KEY_TYPES)("%s: round trip with the stated overhead; the wrong key fails", (t) => {
    const a = keyPair(t);
    const b = keyPair(t);
    const m = utf8.encode("dispatch me");
    const ct = ecies.encrypt(t, a.publicKey, m);
    expect(ct.length).toBe(m.length + ecies.overhead(t));
    expect(utf8.decode(ecies.decrypt(t, a.privateKey, ct))).toBe("dispatch me");
    expect(() => ecies.decrypt(t, b.privateKey, ct)).toThrow(EciesError);
  });

  it("opens the cloudproof_js Ed25519-converted vectors with the Ed25519 seed", () => {
    for (const v of cloudproof.ecies.ed25519_converted) {
      expect(hex(ecies.decrypt("Ed25519", hexToBytes(v.ed25519_seed), hexToBytes(v.ciphertext)))).toBe(v.plaintext);
    }
  });

  it("authenticates aad for Ristretto255 only, and refuses aad elsewhere", () => {
    const r = keyPair("Ristretto255");
    const ct = ecies.encrypt("Ristretto255", r.publicKey, utf8.encode("m"), utf8.encode("ad"));
    expect(() => ecies.decrypt("Ristretto255", r.privateKey, ct, utf8.encode("AD"))).toThrow(/decryption failed/);
    const x = keyPair("X25519");
    expect(() => ecies.encrypt("X25519", x.publicKey, utf8.encode("m"), utf8.encode("ad"))).toThrow(
      /does not authenticate associated data/,
    );
    expect(
      utf8.decode(
        ecies.decrypt(
          "X25519",
          x.privateKey,
          ecies.encrypt("X25519", x.publicKey, utf8.encode("m"), new Uint8Array(0)),
        ),
      ),
    ).toBe("m");
  });

  it.each(ecies.KEY_TYPES)("%s: an empty message round-trips, except on NIST curves (EMPTY_PLAINTEXT)", (t) => {
    const a = keyPair(t);
    if (t.startsWith("P-")) {
      expect(() => ecies.encrypt(t, a.publicKey, new Uint8Array(0))).toThrow(
        expect.objectContaining({ code: "EMPTY_PLAINTEXT" }),
      );
      return;
    }
    const ct = ecies.encrypt(t, a.publicKey, new Uint8Array(0));
    expect(ct.length).toBe(ecies.overhead(t));
    expect(ecies.decrypt(t, a.privateKey, ct).length).toBe(0);
  });

  it("refuses unknown key types", () => {
    expect(ecies.isEciesKeyType("secp256k1")).toBe(false);
    expect(() => ecies.encrypt("RSA" as ecies.EciesKeyType, new Uint8Array(32), new Uint8Array(1))).toThrow(
      /unsupported key type/,
    );
  });
});
