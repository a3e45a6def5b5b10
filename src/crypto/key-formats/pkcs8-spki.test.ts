import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ed448, x448 } from "@noble/curves/ed448.js";
import { hexToBytes } from "../bytes.ts";
import * as sealedBox from "../ecies/sealed-box.ts";
import * as keyFormats from "./pkcs8-spki.ts";
import { KeyFormatError, type KeyAlgorithm } from "./pkcs8-spki.ts";
import { hex } from "../../../test/helpers/bytes.ts";

const b64 = (s: string) => new Uint8Array(Buffer.from(s, "base64"));
const b64u = (s: string | undefined) => new Uint8Array(Buffer.from(s!, "base64url"));

function expectKeyFormatError(fn: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(KeyFormatError);
  expect((thrown as KeyFormatError).code).toBe(code);
}

function nodeKeyPair(alg: KeyAlgorithm): { publicKey: KeyObject; privateKey: KeyObject } {
  if (alg.startsWith("P-")) return generateKeyPairSync("ec", { namedCurve: alg });
  return generateKeyPairSync(alg.toLowerCase() as "x25519");
}

/** Raw keys from node's JWK export. */
function rawFromNode(alg: KeyAlgorithm, kp: { publicKey: KeyObject; privateKey: KeyObject }) {
  const jwk = kp.privateKey.export({ format: "jwk" });
  if (alg.startsWith("P-")) {
    return { privateKey: b64u(jwk.d), publicKey: new Uint8Array([4, ...b64u(jwk.x), ...b64u(jwk.y)]) };
  }
  return { privateKey: b64u(jwk.d), publicKey: b64u(jwk.x) };
}

// Bun's node:crypto (BoringSSL) has no X448/Ed448; Node's (OpenSSL) has. Cross-check what the
// runtime supports; the 448 curves are also pinned below by DER captured from Node 20 / OpenSSL 3.0.
function nodeSupports(alg: KeyAlgorithm): boolean {
  try {
    nodeKeyPair(alg);
    return true;
  } catch {
    return false;
  }
}

describe.each(keyFormats.ALGORITHMS.filter(nodeSupports))("%s key formats against node:crypto", (alg) => {
  it("encodes byte-identically to node's PKCS#8 / SPKI export, and parses node's DER back to the raw keys", () => {
    for (let i = 0; i < 5; i++) {
      const kp = nodeKeyPair(alg);
      const raw = rawFromNode(alg, kp);
      const nodePkcs8 = new Uint8Array(kp.privateKey.export({ format: "der", type: "pkcs8" }));
      const nodeSpki = new Uint8Array(kp.publicKey.export({ format: "der", type: "spki" }));
      expect(hex(keyFormats.privateKeyToPkcs8(alg, raw.privateKey))).toBe(hex(nodePkcs8));
      expect(hex(keyFormats.publicKeyToSpki(alg, raw.publicKey))).toBe(hex(nodeSpki));
      const parsed = keyFormats.privateKeyFromPkcs8(nodePkcs8);
      expect(parsed.algorithm).toBe(alg);
      expect(hex(parsed.privateKey)).toBe(hex(raw.privateKey));
      if (alg.startsWith("P-")) expect(hex(parsed.publicKey!)).toBe(hex(raw.publicKey));
      const pub = keyFormats.publicKeyFromSpki(nodeSpki);
      expect(pub.algorithm).toBe(alg);
      expect(hex(pub.publicKey)).toBe(hex(raw.publicKey));
    }
  });

  it("our DER is accepted by node and describes the same key", () => {
    const raw = rawFromNode(alg, nodeKeyPair(alg));
    const priv = createPrivateKey({
      key: Buffer.from(keyFormats.privateKeyToPkcs8(alg, raw.privateKey)),
      format: "der",
      type: "pkcs8",
    });
    const pub = createPublicKey({
      key: Buffer.from(keyFormats.publicKeyToSpki(alg, raw.publicKey)),
      format: "der",
      type: "spki",
    });
    expect(priv.asymmetricKeyType).toBe(alg.startsWith("P-") ? "ec" : alg.toLowerCase());
    // node derives the public key from our private key: it must equal the raw public key
    expect(hex(rawFromNode(alg, { privateKey: priv, publicKey: pub }).publicKey)).toBe(hex(raw.publicKey));
    expect(pub.export({ format: "jwk" }).x).toBe(priv.export({ format: "jwk" }).x);
  });
});

describe.each(["P-256", "P-384", "P-521"] as const)("%s SEC1 ECPrivateKey", (curve) => {
  it("matches node's sec1 export and parses it", () => {
    const kp = nodeKeyPair(curve);
    const raw = rawFromNode(curve, kp);
    const nodeSec1 = new Uint8Array(kp.privateKey.export({ format: "der", type: "sec1" }));
    expect(hex(keyFormats.ecPrivateKeyToSec1(curve, raw.privateKey))).toBe(hex(nodeSec1));
    const parsed = keyFormats.ecPrivateKeyFromSec1(nodeSec1);
    expect(parsed.algorithm).toBe(curve);
    expect(hex(parsed.privateKey)).toBe(hex(raw.privateKey));
    expect(hex(parsed.publicKey!)).toBe(hex(raw.publicKey));
  });

  it("accepts a compressed public key for SPKI and writes it uncompressed", () => {
    const raw = rawFromNode(curve, nodeKeyPair(curve));
    const compressed = new Uint8Array([
      2 + (raw.publicKey[raw.publicKey.length - 1] & 1),
      ...raw.publicKey.subarray(1, 1 + (raw.publicKey.length - 1) / 2),
    ]);
    expect(hex(keyFormats.publicKeyToSpki(curve, compressed))).toBe(
      hex(keyFormats.publicKeyToSpki(curve, raw.publicKey)),
    );
  });
});

describe("X448 / Ed448 against DER exported by Node 20 (OpenSSL 3.0.19)", () => {
  const cases = [
    {
      alg: "X448" as const,
      pkcs8:
        "3046020100300506032b656f043a0438387e36c1ed321397b44dfc502d50717a7fa8eb72c643e4fc0653da959154c8d015d72bacb55c5a6d5b06ef8a7283f96d32341c4c421dcb81",
      spki: "3042300506032b656f0339000daa6fcf5e6a081ccca39795c1ebaba34ae2b92721be592b29dbb69ec18999acb3d97b8734a6ee1adf31632377d94830ebd55997efb24e12",
      derive: (sk: Uint8Array) => x448.getPublicKey(sk),
    },
    {
      alg: "Ed448" as const,
      pkcs8:
        "3047020100300506032b6571043b0439e6febe7a991eb0ba14ce0f99058bf19bf541f3150a5b074d2bd9b38a2923c6b6217967753b354ea9825331420d55e5d730d252c7575a382f83",
      spki: "3043300506032b6571033a00e59a399634ce59f2106603ee6ab3e58d88f402b53b828faf91abd8a1151e087dbf3a98401734bf933fbaa7fcfc6fb2b4d6628fc7486c5d9580",
      derive: (sk: Uint8Array) => ed448.getPublicKey(sk),
    },
  ];
  it.each(cases)("$alg: parse, re-encode identically, and the pair is consistent", ({ alg, pkcs8, spki, derive }) => {
    const priv = keyFormats.privateKeyFromPkcs8(hexToBytes(pkcs8));
    const pub = keyFormats.publicKeyFromSpki(hexToBytes(spki));
    expect(priv.algorithm).toBe(alg);
    expect(pub.algorithm).toBe(alg);
    expect(hex(derive(priv.privateKey))).toBe(hex(pub.publicKey));
    expect(hex(keyFormats.privateKeyToPkcs8(alg, priv.privateKey))).toBe(pkcs8);
    expect(hex(keyFormats.publicKeyToSpki(alg, pub.publicKey))).toBe(spki);
  });
});

describe("RFC 8410 §10 examples (Ed25519)", () => {
  const seed = "d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842";
  const pk = "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1";

  it("RFC 8410 §10.1 public key", () => {
    const der = b64("MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=");
    expect(keyFormats.publicKeyFromSpki(der)).toEqual({ algorithm: "Ed25519", publicKey: hexToBytes(pk) });
    expect(hex(keyFormats.publicKeyToSpki("Ed25519", hexToBytes(pk)))).toBe(hex(der));
  });

  it("RFC 8410 §10.3 private key, v1 and v2 (attributes + public key)", () => {
    const v1 = b64("MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC");
    expect(hex(keyFormats.privateKeyFromPkcs8(v1).privateKey)).toBe(seed);
    expect(hex(keyFormats.privateKeyToPkcs8("Ed25519", hexToBytes(seed)))).toBe(hex(v1));
    const v2 = b64(
      "MHICAQEwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhCoB8wHQYKKoZIhvcNAQkJFDEPDA1DdXJkbGUgQ2hhaXJzgSEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=",
    );
    const parsed = keyFormats.privateKeyFromPkcs8(v2);
    expect(parsed.algorithm).toBe("Ed25519");
    expect(hex(parsed.privateKey)).toBe(seed);
    expect(hex(parsed.publicKey!)).toBe(pk);
  });
});

describe("key formats: the ECIES keys of this project", () => {
  it("a sealed-box X25519 key pair survives PKCS#8 / SPKI through node", () => {
    const { publicKey, privateKey } = sealedBox.generateKeyPair();
    const priv = createPrivateKey({
      key: Buffer.from(keyFormats.privateKeyToPkcs8("X25519", privateKey)),
      format: "der",
      type: "pkcs8",
    });
    expect(hex(b64u(priv.export({ format: "jwk" }).x))).toBe(hex(publicKey));
    const back = keyFormats.privateKeyFromPkcs8(new Uint8Array(priv.export({ format: "der", type: "pkcs8" })));
    expect(hex(back.privateKey)).toBe(hex(privateKey));
  });
});

describe("key formats: negative cases", () => {
  const x = new Uint8Array(32).fill(7);
  const good = keyFormats.privateKeyToPkcs8("X25519", x);
  const goodEc = keyFormats.privateKeyToPkcs8(
    "P-256",
    hexToBytes("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"),
  );

  it("rejects trailing data, truncation and non-minimal lengths", () => {
    expectKeyFormatError(() => keyFormats.privateKeyFromPkcs8(new Uint8Array([...good, 0])), "MALFORMED");
    expectKeyFormatError(() => keyFormats.privateKeyFromPkcs8(good.subarray(0, good.length - 1)), "MALFORMED");
    const longForm = new Uint8Array([0x30, 0x81, good[1], ...good.subarray(2)]); // 0x2e written in long form
    expectKeyFormatError(() => keyFormats.privateKeyFromPkcs8(longForm), "MALFORMED");
    expectKeyFormatError(() => keyFormats.publicKeyFromSpki(new Uint8Array(0)), "MALFORMED");
  });

  it("rejects unknown OIDs, OKP parameters and explicit EC parameters", () => {
    const unknown = good.slice();
    unknown[11] = 0x7f; // 1.3.101.127
    expectKeyFormatError(() => keyFormats.privateKeyFromPkcs8(unknown), "UNSUPPORTED");
    // X25519 with a NULL parameter: SEQ{ OID, NULL }
    const withNull = hexToBytes(
      "3030020100300706032b656e0500042204200707070707070707070707070707070707070707070707070707070707070707",
    );
    expectKeyFormatError(() => keyFormats.privateKeyFromPkcs8(withNull), "MALFORMED");
    // id-ecPublicKey with NULL instead of a named curve
    const ecNull = hexToBytes("3011300b06072a8648ce3d0201050003020000");
    expectKeyFormatError(() => keyFormats.publicKeyFromSpki(ecNull), "UNSUPPORTED");
  });

  it("rejects wrong raw lengths, invalid scalars and points, and a mismatched EC public key", () => {
    expectKeyFormatError(() => keyFormats.privateKeyToPkcs8("X25519", new Uint8Array(31)), "INVALID_KEY");
    expectKeyFormatError(() => keyFormats.publicKeyToSpki("Ed448", new Uint8Array(56)), "INVALID_KEY");
    expectKeyFormatError(() => keyFormats.privateKeyToPkcs8("P-256", new Uint8Array(32)), "INVALID_KEY");
    const pt = keyFormats.publicKeyFromSpki(
      keyFormats.publicKeyToSpki(
        "P-256",
        hexToBytes(
          "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb67903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299",
        ),
      ),
    ).publicKey;
    const off = pt.slice();
    off[64] ^= 1;
    expectKeyFormatError(() => keyFormats.publicKeyToSpki("P-256", off), "INVALID_KEY");
    const mismatched = goodEc.slice();
    mismatched[mismatched.length - 1] ^= 1; // last byte of the [1] public key
    expectKeyFormatError(() => keyFormats.privateKeyFromPkcs8(mismatched), "INVALID_KEY");
    expectKeyFormatError(() => keyFormats.privateKeyToPkcs8("RSA" as KeyAlgorithm, x), "UNSUPPORTED");
  });

  it("a SEC1 key without [0] parameters is refused (curve unknown)", () => {
    const sec1 = keyFormats.ecPrivateKeyToSec1(
      "P-256",
      hexToBytes("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"),
    );
    const inPkcs8 = keyFormats.privateKeyFromPkcs8(goodEc);
    expect(hex(keyFormats.ecPrivateKeyFromSec1(sec1).privateKey)).toBe(hex(inPkcs8.privateKey));
    // the ECPrivateKey inside our PKCS#8 has no [0]: bytes after the 26-byte PKCS#8 prefix
    expectKeyFormatError(() => keyFormats.ecPrivateKeyFromSec1(goodEc.subarray(26)), "MALFORMED");
  });
});
