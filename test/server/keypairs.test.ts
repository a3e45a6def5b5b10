/**
 * Elliptic-curve key pairs through real HTTP on a real SQLite file (src/operations/ec/):
 * CreateKeyPair for X25519, Ed25519, Ristretto255 and P-256/384/521; Get in every format, checked
 * against node:crypto; ECIES Encrypt/Decrypt (wrong key, tampered and truncated ciphertexts);
 * Sign / SignatureVerify (Ed25519, ECDSA) checked against node:crypto both ways; Import of
 * PKCS#8 / SEC1 / SPKI keys; wrapping with a public key and unwrapping on Import; revoke/destroy.
 */
import { beforeAll, describe, expect, test } from "vitest";
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify,
  type KeyObject,
} from "node:crypto";
import * as nist from "../../src/crypto/ecies/nist-curves.ts";
import { sodium } from "../../native/sodium.ts";
import {
  expectKmipError,
  fromHex,
  useTestServer,
  find,
  hex,
  postKmip,
  t,
  valueOf,
  type Node,
  type TestServer,
} from "../helpers/server.ts";

let server: TestServer;
useTestServer((s) => (server = s));

const kmip = (body: unknown) => postKmip(server.url, body);
const uidNode = (uid: string) => t.text("UniqueIdentifier", uid);

async function createPair(
  algorithm: string,
  curve?: string,
  extra: Node[] = [],
  privateExtra: Node[] = [],
): Promise<[string, string]> {
  const common = t.s(
    "CommonAttributes",
    t.e("CryptographicAlgorithm", algorithm),
    ...(curve ? [t.s("CryptographicDomainParameters", t.e("RecommendedCurve", curve))] : []),
    ...extra,
  );
  const r = await kmip(
    t.s("CreateKeyPair", common, ...(privateExtra.length ? [t.s("PrivateKeyAttributes", ...privateExtra)] : [])),
  );
  expect(r.status, r.text).toBe(200);
  return [
    valueOf(r.json, "PrivateKeyUniqueIdentifier") as string,
    valueOf(r.json, "PublicKeyUniqueIdentifier") as string,
  ];
}

async function get(uid: string, format?: string, op = "Get") {
  const r = await kmip(t.s(op, ...(format ? [t.e("KeyFormatType", format)] : []), uidNode(uid)));
  expect(r.status, r.text).toBe(200);
  return r.json!;
}

/** The KeyMaterial bytes of a Get answer (plain ByteString). */
async function material(uid: string, format: string): Promise<Uint8Array> {
  const m = find(await get(uid, format), "KeyMaterial")!;
  expect(m.type).toBe("ByteString");
  return fromHex(m.value);
}

async function encrypt(uid: string, data: Uint8Array, aad?: Uint8Array) {
  return kmip(
    t.s(
      "Encrypt",
      uidNode(uid),
      t.b("Data", hex(data)),
      ...(aad ? [t.b("AuthenticatedEncryptionAdditionalData", hex(aad))] : []),
    ),
  );
}
async function decrypt(uid: string, data: Uint8Array, aad?: Uint8Array) {
  return kmip(
    t.s(
      "Decrypt",
      uidNode(uid),
      t.b("Data", hex(data)),
      ...(aad ? [t.b("AuthenticatedEncryptionAdditionalData", hex(aad))] : []),
    ),
  );
}

const nodePublic = (spki: Uint8Array) => createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
const spkiOf = (k: KeyObject) => new Uint8Array(k.export({ type: "spki", format: "der" }));

// ---------------------------------------------------------------------------------------------

interface Case {
  name: string;
  algorithm: string;
  curve: string;
  privateLength: number;
  publicRawLength: number;
  bits: number;
  der: boolean; // has PKCS#8 / SPKI encodings
  nodeCurve?: string; // JWK crv / named curve for node:crypto checks
}

const CASES: Case[] = [
  {
    name: "X25519",
    algorithm: "ECDH",
    curve: "CURVE25519",
    privateLength: 32,
    publicRawLength: 32,
    bits: 256,
    der: true,
  },
  {
    name: "Ed25519 (ECDH, encrypts after conversion to X25519)",
    algorithm: "ECDH",
    curve: "CURVEED25519",
    privateLength: 32,
    publicRawLength: 32,
    bits: 256,
    der: true,
  },
  {
    name: "Ristretto255",
    algorithm: "ECDH",
    curve: "RISTRETTO255",
    privateLength: 32,
    publicRawLength: 32,
    bits: 256,
    der: false,
  },
  {
    name: "P-256",
    algorithm: "ECDH",
    curve: "P256",
    privateLength: 32,
    publicRawLength: 65,
    bits: 256,
    der: true,
    nodeCurve: "P-256",
  },
  {
    name: "P-384",
    algorithm: "ECDH",
    curve: "P384",
    privateLength: 48,
    publicRawLength: 97,
    bits: 384,
    der: true,
    nodeCurve: "P-384",
  },
  {
    name: "P-521",
    algorithm: "ECDH",
    curve: "P521",
    privateLength: 66,
    publicRawLength: 133,
    bits: 521,
    der: true,
    nodeCurve: "P-521",
  },
];

describe.each(CASES)("$name key pair", (c) => {
  let sk: string;
  let pk: string;
  beforeAll(async () => {
    [sk, pk] = await createPair(c.algorithm, c.curve);
  });

  test("CreateKeyPair: linked pair, Cosmian's TransparentEC storage, length, curve and ECDH usage masks", async () => {
    expect(pk).toBe(`${sk}_pk`);
    const attrs = async (uid: string) => {
      const r = await kmip(t.s("GetAttributes", uidNode(uid)));
      expect(r.status, r.text).toBe(200);
      return r.json!;
    };
    const a = await attrs(sk);
    expect(valueOf(a, "CryptographicLength")).toBe(c.bits);
    expect(valueOf(a, "RecommendedCurve")).toBe(c.curve);
    expect(valueOf(a, "KeyFormatType")).toBe("TransparentECPrivateKey");
    expect(valueOf(a, "CryptographicUsageMask")).toBe(0x8 | 0x20 | 0x800);
    expect(valueOf(find(a, "Link"), "LinkedObjectIdentifier")).toBe(pk);
    const b = await attrs(pk);
    expect(valueOf(b, "KeyFormatType")).toBe("TransparentECPublicKey");
    expect(valueOf(b, "CryptographicUsageMask")).toBe(0x4 | 0x10 | 0x800);
    expect(valueOf(find(b, "Link"), "LinkType")).toBe("PrivateKeyLink");
    expect(valueOf(find(b, "Link"), "LinkedObjectIdentifier")).toBe(sk);

    // Get without a format: as stored
    const g = await get(sk);
    const kb = find(g, "KeyBlock")!;
    expect(valueOf(kb, "KeyFormatType")).toBe("TransparentECPrivateKey");
    expect(valueOf(find(kb, "KeyMaterial"), "RecommendedCurve")).toBe(c.curve);
    expect(find(kb, "D")?.type).toBe("BigInteger");
    const q = fromHex(valueOf(find(await get(pk), "KeyMaterial"), "QString"));
    expect(q.length).toBe(c.nodeCurve ? c.privateLength + 1 : 32); // NIST: compressed point, as the KMS
  });

  test("Get in every format agrees: Raw, Transparent, PKCS8/SPKI (checked by node:crypto), SEC1", async () => {
    const rawSk = await material(sk, "Raw");
    const rawPk = await material(pk, "Raw");
    expect(rawSk.length).toBe(c.privateLength);
    expect(rawPk.length).toBe(c.publicRawLength);
    const d = BigInt(valueOf(find(await get(sk, "TransparentECPrivateKey"), "KeyMaterial"), "D") as string);
    const dBytes = c.curve === "RISTRETTO255" ? Buffer.from(rawSk).reverse() : Buffer.from(rawSk);
    expect(d).toBe(BigInt("0x" + dBytes.toString("hex")));
    if (!c.der) {
      expectKmipError(
        await kmip(t.s("Get", t.e("KeyFormatType", "PKCS8"), uidNode(sk))),
        422,
        "Key_Format_Type_Not_Supported",
      );
      return;
    }
    const pkcs8 = await material(sk, "PKCS8");
    const spki = await material(pk, "PKCS8");
    expect(Buffer.from(await material(pk, "X509")).equals(Buffer.from(spki))).toBe(true);
    const nodeSk = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
    // node:crypto derives the same public key from our PKCS#8 as our SubjectPublicKeyInfo
    expect(Buffer.from(spkiOf(createPublicKey(nodeSk))).toString("hex")).toBe(Buffer.from(spki).toString("hex"));
    const jwk = nodeSk.export({ format: "jwk" });
    expect(Buffer.from(jwk.d!, "base64url").toString("hex")).toBe(Buffer.from(rawSk).toString("hex"));
    if (c.nodeCurve) {
      const pub = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" }).export({ format: "jwk" });
      expect(
        Buffer.concat([Buffer.from([4]), Buffer.from(pub.x!, "base64url"), Buffer.from(pub.y!, "base64url")]).toString(
          "hex",
        ),
      ).toBe(Buffer.from(rawPk).toString("hex"));
      const sec1 = await material(sk, "ECPrivateKey");
      const fromSec1 = createPrivateKey({ key: Buffer.from(sec1), format: "der", type: "sec1" });
      expect(fromSec1.export({ format: "jwk" }).d).toBe(jwk.d);
    } else {
      expectKmipError(
        await kmip(t.s("Get", t.e("KeyFormatType", "ECPrivateKey"), uidNode(sk))),
        422,
        "Key_Format_Type_Not_Supported",
      );
    }
  });

  test("Encrypt with the public key, Decrypt with the private key; AAD only where it is authenticated", async () => {
    for (const msg of ["hello elliptic world", ""]) {
      const enc = await encrypt(pk, new TextEncoder().encode(msg));
      if (msg === "" && c.nodeCurve) {
        // the KMS cannot decrypt R ‖ tag alone, so an empty message is refused on NIST curves
        expectKmipError(enc, 422, "Invalid_Field", /does not encrypt an empty message/);
        const one = fromHex(valueOf((await encrypt(pk, new Uint8Array([7]))).json, "Data"));
        expectKmipError(await decrypt(sk, one.subarray(0, one.length - 1)), 422, "Cryptographic_Failure", /too short/);
        continue;
      }
      expect(enc.status, enc.text).toBe(200);
      const ct = fromHex(valueOf(enc.json, "Data"));
      expect(ct.length).toBeGreaterThan(msg.length);
      const dec = await decrypt(sk, ct);
      expect(dec.status, dec.text).toBe(200);
      expect(Buffer.from(fromHex(valueOf(dec.json, "Data"))).toString()).toBe(msg);
    }
    const aad = new TextEncoder().encode("context");
    const enc = await encrypt(pk, new TextEncoder().encode("m"), aad);
    if (c.curve !== "RISTRETTO255") {
      expectKmipError(enc, 422, "Invalid_Field", /associated data/);
      return;
    }
    expect(enc.status, enc.text).toBe(200);
    const ct = fromHex(valueOf(enc.json, "Data"));
    expect((await decrypt(sk, ct, aad)).status).toBe(200);
    expectKmipError(await decrypt(sk, ct, new TextEncoder().encode("other")), 422, "Cryptographic_Failure");
    expectKmipError(await decrypt(sk, ct), 422, "Cryptographic_Failure");
  });

  test("a wrong key, a tampered or a truncated ciphertext is a Cryptographic_Failure", async () => {
    const [otherSk] = await createPair(c.algorithm, c.curve);
    const ct = fromHex(valueOf((await encrypt(pk, new TextEncoder().encode("secret"))).json, "Data"));
    expectKmipError(await decrypt(otherSk, ct), 422, "Cryptographic_Failure");
    for (const i of [0, ct.length >> 1, ct.length - 1]) {
      const bad = ct.slice();
      bad[i] ^= 0x01;
      expectKmipError(await decrypt(sk, bad), 422, "Cryptographic_Failure");
    }
    expectKmipError(await decrypt(sk, ct.subarray(0, 20)), 422, "Cryptographic_Failure");
  });

  test("revoke then destroy the pair", async () => {
    const [s, p] = await createPair(c.algorithm, c.curve);
    const ct = fromHex(valueOf((await encrypt(p, new TextEncoder().encode("before"))).json, "Data"));
    const r = await kmip(t.s("Revoke", uidNode(s), t.text("RevocationReason", "rotated")));
    expect(r.status, r.text).toBe(200);
    expectKmipError(await encrypt(p, new Uint8Array([1])), 422, "Item_Not_Found", /Deactivated/); // the public half was revoked too
    const dec = await decrypt(s, ct); // decrypting with a Deactivated key is allowed
    expect(dec.status, dec.text).toBe(200);
    expectKmipError(await kmip(t.s("Get", uidNode(s))), 422, "Wrong_Key_Lifecycle_State");
    expect((await kmip(t.s("Export", uidNode(s)))).status).toBe(200);
    const d = await kmip(t.s("Destroy", uidNode(s)));
    expect(d.status, d.text).toBe(200);
    for (const uid of [s, p]) {
      expectKmipError(await kmip(t.s("Get", uidNode(uid))), 422, "Object_Destroyed");
      const a = await kmip(t.s("GetAttributes", uidNode(uid)));
      expect(valueOf(a.json, "State")).toBe("Destroyed");
    }
    expectKmipError(await decrypt(s, ct), 422, "Item_Not_Found");
  });
});

describe("ciphertexts interoperate with the reference implementations", () => {
  test("X25519: libsodium crypto_box_seal_open opens the server's box with the exported raw keys", async () => {
    const [sk, pk] = await createPair("ECDH", "CURVE25519");
    const ct = fromHex(valueOf((await encrypt(pk, new TextEncoder().encode("sealed"))).json, "Data"));
    const out = new Uint8Array(ct.length - 48);
    expect(sodium.crypto_box_seal_open(out, ct, await material(pk, "Raw"), await material(sk, "Raw"))).toBe(true);
    expect(Buffer.from(out).toString()).toBe("sealed");
    // and the server opens a box sealed by libsodium
    const box = new Uint8Array(48 + 3);
    sodium.crypto_box_seal(box, new TextEncoder().encode("abc"), await material(pk, "Raw"));
    expect(Buffer.from(fromHex(valueOf((await decrypt(sk, box)).json, "Data"))).toString()).toBe("abc");
  });

  test("P-256: a ciphertext made locally from the exported SPKI key is decrypted by the server", async () => {
    const [sk, pk] = await createPair("ECDH", "P256");
    const spki = await material(pk, "PKCS8");
    const jwk = nodePublic(spki).export({ format: "jwk" });
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
    const ct = nist.encrypt("P-256", new TextEncoder().encode("from outside"), point);
    expect(Buffer.from(fromHex(valueOf((await decrypt(sk, ct)).json, "Data"))).toString()).toBe("from outside");
  });
});

// ---------------------------------------------------------------------------------------------

describe("CreateKeyPair requests", () => {
  test("the Cosmian CLI's request (EC, KeyFormatType ECPrivateKey, ObjectType PrivateKey on both halves, Unrestricted)", async () => {
    const attrs = (mask: number) => [
      t.e("CryptographicAlgorithm", "EC"),
      t.s("CryptographicDomainParameters", t.e("RecommendedCurve", "P384")),
      t.int("CryptographicUsageMask", mask),
      t.e("KeyFormatType", "ECPrivateKey"),
      t.e("ObjectType", "PrivateKey"),
    ];
    const r = await kmip(
      t.s(
        "CreateKeyPair",
        t.s("CommonAttributes", ...attrs(0x200000)),
        t.s("PrivateKeyAttributes", ...attrs(0x200000)),
        t.s("PublicKeyAttributes", ...attrs(0x200000)),
      ),
    );
    expect(r.status, r.text).toBe(200);
    const pk = valueOf(r.json, "PublicKeyUniqueIdentifier") as string;
    const g = await get(pk);
    expect(valueOf(g, "ObjectType")).toBe("PublicKey");
    expect(valueOf(find(g, "KeyBlock"), "KeyFormatType")).toBe("TransparentECPublicKey");
    const sk = valueOf(r.json, "PrivateKeyUniqueIdentifier") as string;
    const sig = await kmip(t.s("Sign", uidNode(sk), t.b("Data", hex("cli"))));
    expect(sig.status, sig.text).toBe(200);
  });

  test("Ed25519 algorithm without a curve; ECDSA without a curve is P-256; EC without a curve is X25519", async () => {
    for (const [alg, curve] of [
      ["Ed25519", "CURVEED25519"],
      ["ECDSA", "P256"],
      ["EC", "CURVE25519"],
    ]) {
      const [sk] = await createPair(alg);
      const a = await kmip(t.s("GetAttributes", uidNode(sk)));
      expect(valueOf(a.json, "RecommendedCurve"), alg).toBe(curve);
      expect(valueOf(a.json, "CryptographicAlgorithm")).toBe(alg);
    }
  });

  test("requested usage masks and a client-chosen id are kept; tags go to both halves", async () => {
    const id = `ec-${crypto.randomUUID()}`;
    const tags = t.s(
      "VendorAttributes",
      t.s(
        "VendorAttributes",
        t.text("VendorIdentification", "cosmian"),
        t.text("AttributeName", "tag"),
        t.b("AttributeValue", hex(JSON.stringify(["ec-tag"]))),
      ),
    );
    const [sk, pk] = await createPair(
      "ECDH",
      "P256",
      [tags],
      [t.text("UniqueIdentifier", id), t.int("CryptographicUsageMask", 0x8)],
    );
    expect(sk).toBe(id);
    expect(valueOf((await kmip(t.s("GetAttributes", uidNode(sk)))).json, "CryptographicUsageMask")).toBe(8);
    const located = await kmip(t.s("Locate", t.s("Attributes", tags)));
    const ids = (find(located.json, "UniqueIdentifier")!.value as Node[]).map((n) => n.value);
    expect(ids).toEqual(expect.arrayContaining([sk, pk]));
  });

  test.each([
    ["an unsupported curve", "ECDH", "P192", "Operation_Not_Supported", /P192/],
    [
      "a curve the algorithm cannot use (Ed25519 on P256)",
      "Ed25519",
      "P256",
      "Invalid_Attribute_Value",
      /CURVEED25519/,
    ],
    ["ECDSA on X25519", "ECDSA", "CURVE25519", "Invalid_Attribute_Value", /cannot sign/],
  ])("refuses %s", async (_, alg, curve, reason, message) => {
    const r = await kmip(
      t.s(
        "CreateKeyPair",
        t.s(
          "CommonAttributes",
          t.e("CryptographicAlgorithm", alg),
          t.s("CryptographicDomainParameters", t.e("RecommendedCurve", curve)),
        ),
      ),
    );
    expectKmipError(r, 422, reason, message);
  });

  test("refuses different curves for the two halves, and an unknown curve name", async () => {
    const r = await kmip(
      t.s(
        "CreateKeyPair",
        t.s("CommonAttributes", t.e("CryptographicAlgorithm", "ECDH")),
        t.s("PrivateKeyAttributes", t.s("CryptographicDomainParameters", t.e("RecommendedCurve", "P256"))),
        t.s("PublicKeyAttributes", t.s("CryptographicDomainParameters", t.e("RecommendedCurve", "P384"))),
      ),
    );
    expectKmipError(r, 422, "Invalid_Field", /different curves/);
    const u = await kmip(
      t.s(
        "CreateKeyPair",
        t.s(
          "CommonAttributes",
          t.e("CryptographicAlgorithm", "ECDH"),
          t.s("CryptographicDomainParameters", t.e("RecommendedCurve", "Curve9999")),
        ),
      ),
    );
    expectKmipError(u, 422, "Invalid_Field");
  });

  test("Sensitive private key: Get refused, wrapped export allowed; the public key stays readable", async () => {
    const [sk, pk] = await createPair("ECDH", "P256", [t.bool("Sensitive", true)]);
    expectKmipError(await kmip(t.s("Get", uidNode(sk))), 422, "Sensitive");
    expect((await kmip(t.s("Get", uidNode(pk)))).status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------

async function signReq(uid: string, fields: Node[]) {
  return kmip(t.s("Sign", uidNode(uid), ...fields));
}
async function verifyReq(uid: string, fields: Node[]) {
  return kmip(t.s("SignatureVerify", uidNode(uid), ...fields));
}
const dsa = (name: string) => t.s("CryptographicParameters", t.e("DigitalSignatureAlgorithm", name));

describe("Sign and SignatureVerify", () => {
  const data = new TextEncoder().encode("the message to sign");

  test("Ed25519: the signature equals node:crypto's (RFC 8032 is deterministic) and verifies both ways", async () => {
    const [sk, pk] = await createPair("Ed25519");
    const r = await signReq(sk, [t.b("Data", hex(data))]);
    expect(r.status, r.text).toBe(200);
    const sig = fromHex(valueOf(r.json, "SignatureData"));
    expect(sig.length).toBe(64);
    const nodeSk = createPrivateKey({ key: Buffer.from(await material(sk, "PKCS8")), format: "der", type: "pkcs8" });
    expect(Buffer.from(nodeSign(null, data, nodeSk)).toString("hex")).toBe(Buffer.from(sig).toString("hex"));
    expect(nodeVerify(null, data, nodePublic(await material(pk, "PKCS8")), sig)).toBe(true);

    const ok = await verifyReq(pk, [t.b("Data", hex(data)), t.b("SignatureData", hex(sig))]);
    expect(ok.status, ok.text).toBe(200);
    expect(valueOf(ok.json, "ValidityIndicator")).toBe("Valid");
    const bad = sig.slice();
    bad[10] ^= 0x40;
    expect(
      valueOf(
        (await verifyReq(pk, [t.b("Data", hex(data)), t.b("SignatureData", hex(bad))])).json,
        "ValidityIndicator",
      ),
    ).toBe("Invalid");
    expect(
      valueOf(
        (await verifyReq(pk, [t.b("Data", hex("other")), t.b("SignatureData", hex(sig))])).json,
        "ValidityIndicator",
      ),
    ).toBe("Invalid");
    expect(
      valueOf((await verifyReq(pk, [t.b("Data", hex(data)), t.b("SignatureData", "00")])).json, "ValidityIndicator"),
    ).toBe("Invalid");
    // a private key verifies with its public half when its mask allows Verify (this one: Sign only)
    expectKmipError(
      await verifyReq(sk, [t.b("Data", hex(data)), t.b("SignatureData", hex(sig))]),
      422,
      "Incompatible_Cryptographic_Usage_Mask",
    );
    const [both] = await createPair("Ed25519", undefined, [t.int("CryptographicUsageMask", 0x1 | 0x2)]);
    const sig2 = valueOf((await signReq(both, [t.b("Data", hex(data))])).json, "SignatureData") as string;
    expect(
      valueOf((await verifyReq(both, [t.b("Data", hex(data)), t.b("SignatureData", sig2)])).json, "ValidityIndicator"),
    ).toBe("Valid");
  });

  test("ECDSA P-256: SHA-256 by default, DER, deterministic; DigestedData gives the same signature; node:crypto verifies", async () => {
    const [sk, pk] = await createPair("ECDSA", "P256");
    const r = await signReq(sk, [t.b("Data", hex(data))]);
    expect(r.status, r.text).toBe(200);
    const sig = fromHex(valueOf(r.json, "SignatureData"));
    expect(sig[0]).toBe(0x30); // DER SEQUENCE
    const spki = await material(pk, "PKCS8");
    expect(nodeVerify("sha256", data, nodePublic(spki), sig)).toBe(true);
    const digest = createHash("sha256").update(data).digest();
    const r2 = await signReq(sk, [t.b("DigestedData", digest.toString("hex"))]);
    expect(valueOf(r2.json, "SignatureData")).toBe(valueOf(r.json, "SignatureData"));
    for (const fields of [[t.b("Data", hex(data))], [t.b("DigestedData", digest.toString("hex"))]]) {
      const v = await verifyReq(pk, [...fields, t.b("SignatureData", hex(sig))]);
      expect(valueOf(v.json, "ValidityIndicator"), v.text).toBe("Valid");
    }
    const tampered = Buffer.from(data);
    tampered[0] ^= 1;
    expect(
      valueOf(
        (await verifyReq(pk, [t.b("Data", tampered.toString("hex")), t.b("SignatureData", hex(sig))])).json,
        "ValidityIndicator",
      ),
    ).toBe("Invalid");
  });

  test("ECDSA verifies node:crypto's signatures (random k, high S allowed), DER or r‖s", async () => {
    const [sk, pk] = await createPair("ECDSA", "P256");
    const nodeSk = createPrivateKey({ key: Buffer.from(await material(sk, "PKCS8")), format: "der", type: "pkcs8" });
    for (let i = 0; i < 8; i++) {
      const der = nodeSign("sha256", data, nodeSk);
      const v = await verifyReq(pk, [t.b("Data", hex(data)), t.b("SignatureData", der.toString("hex"))]);
      expect(valueOf(v.json, "ValidityIndicator")).toBe("Valid");
    }
    const p1363 = nodeSign("sha256", data, { key: nodeSk, dsaEncoding: "ieee-p1363" });
    expect(
      valueOf(
        (await verifyReq(pk, [t.b("Data", hex(data)), t.b("SignatureData", p1363.toString("hex"))])).json,
        "ValidityIndicator",
      ),
    ).toBe("Valid");
  });

  test("ECDSA P-384: SHA-256 by default (as the KMS), SHA-384 when asked; P-521 with SHA-512", async () => {
    const [sk, pk] = await createPair("ECDSA", "P384");
    const spki = await material(pk, "PKCS8");
    const def = fromHex(valueOf((await signReq(sk, [t.b("Data", hex(data))])).json, "SignatureData"));
    expect(nodeVerify("sha256", data, nodePublic(spki), def)).toBe(true);
    const s384 = fromHex(
      valueOf((await signReq(sk, [dsa("ECDSAWithSHA384"), t.b("Data", hex(data))])).json, "SignatureData"),
    );
    expect(nodeVerify("sha384", data, nodePublic(spki), s384)).toBe(true);
    expect(nodeVerify("sha256", data, nodePublic(spki), s384)).toBe(false);
    const withHash = await verifyReq(pk, [
      t.s("CryptographicParameters", t.e("HashingAlgorithm", "SHA384")),
      t.b("Data", hex(data)),
      t.b("SignatureData", hex(s384)),
    ]);
    expect(valueOf(withHash.json, "ValidityIndicator")).toBe("Valid");
    expect(
      valueOf(
        (await verifyReq(pk, [t.b("Data", hex(data)), t.b("SignatureData", hex(s384))])).json,
        "ValidityIndicator",
      ),
    ).toBe("Invalid");

    const [sk5, pk5] = await createPair("ECDSA", "P521");
    const s512 = fromHex(
      valueOf((await signReq(sk5, [dsa("ECDSAWithSHA512"), t.b("Data", hex(data))])).json, "SignatureData"),
    );
    expect(nodeVerify("sha512", data, nodePublic(await material(pk5, "PKCS8")), s512)).toBe(true);
  });

  test("streaming: Init / Final with CorrelationValue signs the concatenation", async () => {
    const [sk, pk] = await createPair("Ed25519");
    const one = await signReq(sk, [t.b("Data", hex("part one, part two"))]);
    const first = await signReq(sk, [t.bool("InitIndicator", true), t.b("Data", hex("part one, "))]);
    expect(first.status, first.text).toBe(200);
    expect(find(first.json, "SignatureData")).toBeUndefined();
    const last = await signReq(sk, [
      t.b("CorrelationValue", valueOf(first.json, "CorrelationValue") as string),
      t.bool("FinalIndicator", true),
      t.b("Data", hex("part two")),
    ]);
    expect(valueOf(last.json, "SignatureData")).toBe(valueOf(one.json, "SignatureData"));
    const v = await verifyReq(pk, [
      t.b("Data", hex("part one, part two")),
      t.b("SignatureData", valueOf(last.json, "SignatureData") as string),
    ]);
    expect(valueOf(v.json, "ValidityIndicator")).toBe("Valid");
  });

  test("lifecycle and usage: only Active private keys sign; revoked public keys still verify", async () => {
    const [sk, pk] = await createPair("ECDSA", "P256");
    const sig = valueOf((await signReq(sk, [t.b("Data", hex(data))])).json, "SignatureData") as string;
    expectKmipError(await signReq(pk, [t.b("Data", hex(data))]), 422, "Item_Not_Found", /private key/);
    expect((await kmip(t.s("Revoke", uidNode(sk), t.text("RevocationReason", "done")))).status).toBe(200);
    expectKmipError(await signReq(sk, [t.b("Data", hex(data))]), 422, "Item_Not_Found", /Deactivated/);
    const v = await verifyReq(pk, [t.b("Data", hex(data)), t.b("SignatureData", sig)]);
    expect(valueOf(v.json, "ValidityIndicator"), v.text).toBe("Valid");

    const [encSk] = await createPair("ECDH", "P256"); // mask: no Sign
    expectKmipError(await signReq(encSk, [t.b("Data", hex(data))]), 422, "Incompatible_Cryptographic_Usage_Mask");
    const [xSk] = await createPair("EC", "CURVE25519", [t.int("CryptographicUsageMask", 0x200000)]);
    expectKmipError(await signReq(xSk, [t.b("Data", hex(data))]), 422, "Operation_Not_Supported", /X25519/);
    const [signSk, signPk] = await createPair("ECDSA", "P256"); // mask: Sign / Verify only
    expectKmipError(await encrypt(signPk, data), 422, "Incompatible_Cryptographic_Usage_Mask");
    expectKmipError(await decrypt(signSk, data), 422, "Incompatible_Cryptographic_Usage_Mask");
  });

  test.each([
    [
      "both Data and DigestedData",
      [t.b("Data", "00"), t.b("DigestedData", "00".repeat(32))],
      "Invalid_Message",
      /not both/,
    ],
    ["neither Data nor DigestedData", [], "Invalid_Message", /missing/],
    ["a digest of the wrong length", [t.b("DigestedData", "00".repeat(20))], "Invalid_Field", /32 bytes/],
    ["a signature algorithm for another key type", [dsa("RSASSAPSS"), t.b("Data", "00")], "Invalid_Field", /ECDSA/],
    [
      "an unknown hashing algorithm name",
      [t.s("CryptographicParameters", t.e("HashingAlgorithm", "SHA999")), t.b("Data", "00")],
      "Invalid_Field",
      /HashingAlgorithm/,
    ],
    [
      "Init and Final together",
      [t.bool("InitIndicator", true), t.bool("FinalIndicator", true), t.b("Data", "00")],
      "Invalid_Field",
      /both be true/,
    ],
  ])("Sign refuses %s", async (_, fields, reason, message) => {
    const [sk] = await createPair("ECDSA", "P256");
    expectKmipError(await signReq(sk, fields as Node[]), 422, reason as string, message as RegExp);
  });

  test("SignatureVerify refuses a request without SignatureData, and an unknown key", async () => {
    const [, pk] = await createPair("Ed25519");
    expectKmipError(await verifyReq(pk, [t.b("Data", "00")]), 422, "Invalid_Message", /SignatureData/);
    expectKmipError(
      await verifyReq("no-such-key", [t.b("Data", "00"), t.b("SignatureData", "00")]),
      422,
      "Item_Not_Found",
    );
  });

  test("Query lists Sign and SignatureVerify", async () => {
    const q = await kmip(t.s("Query", t.e("QueryFunction", "QueryOperations")));
    const ops = (q.json!.value as Node[]).filter((n) => n.tag === "Operation").map((n) => n.value);
    expect(ops).toEqual(expect.arrayContaining(["Sign", "SignatureVerify"]));
  });
});

// ---------------------------------------------------------------------------------------------

function importKey(id: string, objectType: string, format: string, der: Uint8Array, extraAttrs: Node[] = []) {
  return kmip(
    t.s(
      "Import",
      t.bool("ReplaceExisting", true),
      uidNode(id),
      t.e("ObjectType", objectType),
      t.s("Attributes", t.e("ObjectType", objectType), ...extraAttrs),
      t.s(
        "Object",
        t.s(
          "KeyBlock",
          t.e("KeyFormatType", format),
          t.s("KeyValue", t.s("KeyMaterial", t.b("ByteString", hex(der)))),
          t.int("CryptographicLength", der.length * 8),
        ),
      ),
    ),
  );
}

describe("Import of DER keys", () => {
  test("PKCS#8 private + SPKI public (node:crypto P-384): returned byte for byte, usable for ECIES and ECDSA", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-384" });
    const pkcs8 = new Uint8Array(privateKey.export({ type: "pkcs8", format: "der" }));
    const spki = spkiOf(publicKey);
    const sk = `imp-sk-${crypto.randomUUID()}`,
      pk = `imp-pk-${crypto.randomUUID()}`;
    expect((await importKey(sk, "PrivateKey", "PKCS8", pkcs8)).status).toBe(200);
    expect((await importKey(pk, "PublicKey", "PKCS8", spki)).status).toBe(200);
    const g = await get(sk);
    expect(valueOf(find(g, "KeyBlock"), "KeyFormatType")).toBe("PKCS8");
    expect(find(g, "KeyMaterial")?.type).toBe("ByteString"); // plain, as the JS client needs
    expect(valueOf(g, "KeyMaterial")).toBe(hex(pkcs8).toUpperCase());
    expect(valueOf((await kmip(t.s("GetAttributes", uidNode(sk)))).json, "RecommendedCurve")).toBe("P384");
    const d = BigInt(valueOf(find(await get(sk, "TransparentECPrivateKey"), "KeyMaterial"), "D") as string);
    expect(d).toBe(BigInt("0x" + Buffer.from(privateKey.export({ format: "jwk" }).d!, "base64url").toString("hex")));

    const ct = fromHex(valueOf((await encrypt(pk, data())).json, "Data"));
    expect(Buffer.from(fromHex(valueOf((await decrypt(sk, ct)).json, "Data"))).toString()).toBe("imported");
    const sig = fromHex(valueOf((await signReq(sk, [t.b("Data", hex(data()))])).json, "SignatureData"));
    expect(nodeVerify("sha256", data(), publicKey, sig)).toBe(true);
  });

  test("SEC1 ECPrivateKey, and PKCS#8 under the ECPrivateKey label (what importPrivateKey sends)", async () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const sec1 = new Uint8Array(privateKey.export({ type: "sec1", format: "der" }));
    const id = `sec1-${crypto.randomUUID()}`;
    expect((await importKey(id, "PrivateKey", "ECPrivateKey", sec1)).status).toBe(200);
    const raw = await material(id, "Raw");
    expect(Buffer.from(raw).toString("base64url")).toBe(privateKey.export({ format: "jwk" }).d);

    const ed = generateKeyPairSync("ed25519");
    const edId = `ed-${crypto.randomUUID()}`;
    const edPkcs8 = new Uint8Array(ed.privateKey.export({ type: "pkcs8", format: "der" }));
    expect((await importKey(edId, "PrivateKey", "ECPrivateKey", edPkcs8)).status).toBe(200);
    expect(valueOf(await get(edId), "KeyMaterial")).toBe(hex(edPkcs8).toUpperCase()); // as given
    const sig = fromHex(valueOf((await signReq(edId, [t.b("Data", hex(data()))])).json, "SignatureData"));
    expect(nodeVerify(null, data(), ed.publicKey, sig)).toBe(true);
  });

  test("malformed EC keys are refused; keys of other algorithms are stored as given", async () => {
    expectKmipError(
      await importKey(
        `bad-${crypto.randomUUID()}`,
        "PrivateKey",
        "ECPrivateKey",
        new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]),
      ),
      422,
      "Invalid_Field",
    );
    expectKmipError(
      await importKey(`bad-${crypto.randomUUID()}`, "PublicKey", "PKCS8", new Uint8Array([1, 2, 3])),
      422,
      "Invalid_Field",
    );
    const offCurve = spkiOf(generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey);
    offCurve[offCurve.length - 1] ^= 1;
    expectKmipError(
      await importKey(`bad-${crypto.randomUUID()}`, "PublicKey", "PKCS8", offCurve),
      422,
      "Invalid_Field",
      /point/,
    );
    const rsa = new Uint8Array(
      generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "der" }),
    );
    const rsaId = `rsa-${crypto.randomUUID()}`;
    expect((await importKey(rsaId, "PrivateKey", "PKCS8", rsa)).status).toBe(200);
    expect(valueOf(await get(rsaId), "KeyMaterial")).toBe(hex(rsa).toUpperCase());
  });
});

const data = () => new TextEncoder().encode("imported");

// ---------------------------------------------------------------------------------------------

describe("key wrapping with elliptic-curve keys", () => {
  async function symmetricKey(): Promise<[string, string]> {
    const r = await kmip(
      t.s(
        "Create",
        t.e("ObjectType", "SymmetricKey"),
        t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 256)),
      ),
    );
    const uid = valueOf(r.json, "UniqueIdentifier") as string;
    return [uid, Buffer.from(await material(uid, "Raw")).toString("hex")];
  }
  const wrapSpec = (uid: string) =>
    t.s("KeyWrappingSpecification", t.e("WrappingMethod", "Encrypt"), t.s("EncryptionKeyInformation", uidNode(uid)));

  test.each([
    ["X25519", "CURVE25519", 48],
    ["Ed25519", "CURVEED25519", 48],
    ["P-256", "P256", 49],
    ["P-521", "P521", 83],
  ])(
    "%s: Get wrapped with the public key, Import unwrapped naming the public key (the server finds the private key)",
    async (_, curve, overhead) => {
      const [sk, pk] = await createPair("ECDH", curve);
      const [sym, original] = await symmetricKey();
      const w = await kmip(t.s("Get", wrapSpec(pk), uidNode(sym)));
      expect(w.status, w.text).toBe(200);
      const kb = find(w.json, "KeyBlock")!;
      const wrapped = fromHex(valueOf(kb, "KeyMaterial"));
      expect(wrapped.length).toBe(32 + overhead);
      expect(valueOf(find(kb, "EncryptionKeyInformation"), "UniqueIdentifier")).toBe(pk);
      // re-import the wrapped block as is, asking the server to unwrap it
      const id = `unwrapped-${crypto.randomUUID()}`;
      const imp = await kmip(
        t.s(
          "Import",
          uidNode(id),
          t.e("ObjectType", "SymmetricKey"),
          t.e("KeyWrapType", "NotWrapped"),
          t.s("Attributes"),
          t.s("Object", kb),
        ),
      );
      expect(imp.status, imp.text).toBe(200);
      expect(Buffer.from(await material(id, "Raw")).toString("hex")).toBe(original);
      // Get ... KeyWrapType NotWrapped on a key stored wrapped
      const kept = `kept-${crypto.randomUUID()}`;
      expect(
        (
          await kmip(
            t.s("Import", uidNode(kept), t.e("ObjectType", "SymmetricKey"), t.s("Attributes"), t.s("Object", kb)),
          )
        ).status,
      ).toBe(200);
      const plain = await kmip(t.s("Get", t.e("KeyWrapType", "NotWrapped"), uidNode(kept)));
      expect(plain.status, plain.text).toBe(200);
      expect(valueOf(find(plain.json, "KeyMaterial"), "Key")).toBe(original.toUpperCase());
      // a wrong private key cannot unwrap it
      const [otherSk] = await createPair("ECDH", curve);
      const kb2 = JSON.parse(JSON.stringify(kb).replace(`"${pk}"`, `"${otherSk}"`));
      expectKmipError(
        await kmip(
          t.s(
            "Import",
            uidNode(`x-${crypto.randomUUID()}`),
            t.e("ObjectType", "SymmetricKey"),
            t.e("KeyWrapType", "NotWrapped"),
            t.s("Attributes"),
            t.s("Object", kb2),
          ),
        ),
        422,
        "Cryptographic_Failure",
      );
      void sk;
    },
  );

  test("an EC private key wraps as PKCS#8 when asked, and comes back equal after unwrapping", async () => {
    const [wrapSk, wrapPk] = await createPair("ECDH", "P256");
    const [sk] = await createPair("ECDSA", "P384");
    const pkcs8 = await material(sk, "PKCS8");
    const w = await kmip(t.s("Get", wrapSpec(wrapPk), t.e("KeyFormatType", "PKCS8"), uidNode(sk)));
    expect(w.status, w.text).toBe(200);
    const kb = find(w.json, "KeyBlock")!;
    const id = `wrapped-sk-${crypto.randomUUID()}`;
    expect(
      (
        await kmip(
          t.s(
            "Import",
            uidNode(id),
            t.e("ObjectType", "PrivateKey"),
            t.e("KeyWrapType", "NotWrapped"),
            t.s("Attributes"),
            t.s("Object", kb),
          ),
        )
      ).status,
    ).toBe(200);
    expect(Buffer.from(await material(id, "PKCS8")).equals(Buffer.from(pkcs8))).toBe(true);
    void wrapSk;
  });

  test("the wrapping key's usage mask and state are checked", async () => {
    const [, signPk] = await createPair("ECDSA", "P256"); // Verify only
    const [sym] = await symmetricKey();
    expectKmipError(
      await kmip(t.s("Get", wrapSpec(signPk), uidNode(sym))),
      422,
      "Incompatible_Cryptographic_Usage_Mask",
    );
    const [sk, pk] = await createPair("ECDH", "P256");
    await kmip(t.s("Revoke", uidNode(sk), t.text("RevocationReason", "x")));
    expectKmipError(await kmip(t.s("Get", wrapSpec(pk), uidNode(sym))), 422, "Item_Not_Found");
  });
});
