/**
 * RSA key pairs through real HTTP (src/operations/rsa/, src/crypto/rsa.ts): CreateKeyPair and its
 * limits; Get in every format checked against node:crypto; Import of DER and transparent keys;
 * Encrypt/Decrypt (OAEP, PKCS#1 v1.5, CKM_RSA_AES_KEY_WRAP) interoperating with node:crypto;
 * Sign/SignatureVerify (PSS, PKCS#1 v1.5, digests) both ways with node:crypto, bad signatures;
 * wrapping with RSA keys and unwrapping on Import; ReKeyKeyPair; bad input.
 */
import { beforeAll, describe, expect, test } from "vitest";
import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  sign as nodeSign,
  verify as nodeVerify,
  type KeyObject,
} from "node:crypto";
import {
  expectKmipError,
  fromHex,
  useTestServer,
  find,
  findAll,
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
const big = (tag: string, b64u: string | undefined) => ({
  tag,
  type: "BigInteger",
  value: `0x00${Buffer.from(b64u!, "base64url").toString("hex")}`,
});
const bigHex = (v: unknown) => BigInt(v as string).toString(16);
const jwkHex = (b64u: string | undefined) =>
  BigInt(`0x${Buffer.from(b64u!, "base64url").toString("hex")}`).toString(16);

async function createPair(
  bits: number | null,
  extra: Node[] = [],
  privateExtra: Node[] = [],
  publicExtra: Node[] = [],
) {
  const common = t.s(
    "CommonAttributes",
    t.e("CryptographicAlgorithm", "RSA"),
    ...(bits !== null ? [t.int("CryptographicLength", bits)] : []),
    ...extra,
  );
  return kmip(
    t.s(
      "CreateKeyPair",
      common,
      t.s("PrivateKeyAttributes", ...privateExtra),
      t.s("PublicKeyAttributes", ...publicExtra),
    ),
  );
}

async function pair(privateExtra: Node[] = [], publicExtra: Node[] = []): Promise<[string, string]> {
  const r = await createPair(2048, [], privateExtra, publicExtra);
  expect(r.status, r.text).toBe(200);
  return [
    valueOf(r.json, "PrivateKeyUniqueIdentifier") as string,
    valueOf(r.json, "PublicKeyUniqueIdentifier") as string,
  ];
}

async function get(uid: string, format?: string) {
  const r = await kmip(t.s("Get", ...(format ? [t.e("KeyFormatType", format)] : []), uidNode(uid)));
  expect(r.status, r.text).toBe(200);
  return r.json!;
}

async function der(uid: string, format: string): Promise<Uint8Array> {
  const m = find(await get(uid, format), "KeyMaterial")!;
  expect(m.type).toBe("ByteString");
  return fromHex(m.value);
}

const nodePrivate = async (uid: string) =>
  createPrivateKey({ key: Buffer.from(await der(uid, "PKCS8")), format: "der", type: "pkcs8" });
const params = (...p: Node[]) => t.s("CryptographicParameters", ...p);

async function encrypt(uid: string, data: Uint8Array, ...p: Node[]) {
  return kmip(t.s("Encrypt", uidNode(uid), ...(p.length ? [params(...p)] : []), t.b("Data", hex(data))));
}
async function decrypt(uid: string, data: Uint8Array, ...p: Node[]) {
  return kmip(t.s("Decrypt", uidNode(uid), ...(p.length ? [params(...p)] : []), t.b("Data", hex(data))));
}
async function sign(uid: string, data: Node, ...p: Node[]) {
  return kmip(t.s("Sign", uidNode(uid), ...(p.length ? [params(...p)] : []), data));
}
async function verify(uid: string, data: Node, signature: Uint8Array, ...p: Node[]) {
  return kmip(
    t.s(
      "SignatureVerify",
      uidNode(uid),
      ...(p.length ? [params(...p)] : []),
      data,
      t.b("SignatureData", hex(signature)),
    ),
  );
}

let sk: string;
let pk: string;
let node: KeyObject;
beforeAll(async () => {
  [sk, pk] = await pair();
  node = await nodePrivate(sk);
});

describe("CreateKeyPair RSA", () => {
  test("a 2048-bit pair: linked ids, attributes, default usage masks", async () => {
    expect(pk).toBe(`${sk}_pk`);
    const a = await kmip(t.s("GetAttributes", uidNode(sk)));
    expect(valueOf(a.json, "CryptographicAlgorithm")).toBe("RSA");
    expect(valueOf(a.json, "CryptographicLength")).toBe(2048);
    expect(valueOf(a.json, "CryptographicUsageMask")).toBe(0x1 | 0x8 | 0x20);
    expect(valueOf(a.json, "LinkedObjectIdentifier")).toBe(pk);
    const b = await kmip(t.s("GetAttributes", uidNode(pk)));
    expect(valueOf(b.json, "CryptographicUsageMask")).toBe(0x2 | 0x4 | 0x10);
    expect(node.asymmetricKeyDetails).toEqual({ modulusLength: 2048, publicExponent: 65537n });
  });

  test("3072 bits, and the request's masks", async () => {
    const r = await createPair(3072, [t.int("CryptographicUsageMask", 12)]);
    expect(r.status, r.text).toBe(200);
    const id = valueOf(r.json, "PrivateKeyUniqueIdentifier") as string;
    expect((await nodePrivate(id)).asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(valueOf((await kmip(t.s("GetAttributes", uidNode(id)))).json, "CryptographicUsageMask")).toBe(12);
  });

  test("refuses keys below 2048 bits, odd sizes and a missing length", async () => {
    expectKmipError(await createPair(1024), 422, "Invalid_Attribute_Value", /at least 2048/);
    expectKmipError(await createPair(2049), 422, "Invalid_Attribute_Value");
    expectKmipError(await createPair(16384), 422, "Invalid_Attribute_Value");
    expectKmipError(await createPair(null), 422, "Invalid_Field", /CryptographicLength/);
  });
});

describe("Get / Export formats", () => {
  test("private key: as stored (transparent), PKCS1, PKCS8, TransparentRSAPrivateKey match node:crypto", async () => {
    const jwk = node.export({ format: "jwk" });
    const stored = await get(sk);
    expect(valueOf(stored, "KeyFormatType")).toBe("TransparentRSAPrivateKey");
    const m = find(stored, "KeyMaterial")!;
    expect(bigHex(valueOf(m, "Modulus"))).toBe(jwkHex(jwk.n));
    expect(bigHex(valueOf(m, "PrivateExponent"))).toBe(jwkHex(jwk.d));
    expect(bigHex(valueOf(m, "CRTCoefficient"))).toBe(jwkHex(jwk.qi));
    expect(hex(await der(sk, "PKCS1"))).toBe(hex(node.export({ format: "der", type: "pkcs1" })));
    expect(valueOf(await get(sk, "TransparentRSAPrivateKey"), "KeyFormatType")).toBe("TransparentRSAPrivateKey");
  });

  test("public key: PKCS1, PKCS8 and X509 (SPKI), TransparentRSAPublicKey match node:crypto", async () => {
    const pub = createPublicKey(node);
    expect(hex(await der(pk, "PKCS1"))).toBe(hex(pub.export({ format: "der", type: "pkcs1" })));
    const spki = hex(pub.export({ format: "der", type: "spki" }));
    expect(hex(await der(pk, "PKCS8"))).toBe(spki);
    expect(hex(await der(pk, "X509"))).toBe(spki);
    const m = find(await get(pk, "TransparentRSAPublicKey"), "KeyMaterial")!;
    expect(bigHex(valueOf(m, "Modulus"))).toBe(jwkHex(pub.export({ format: "jwk" }).n));
    expect(bigHex(valueOf(m, "PublicExponent"))).toBe("10001");
  });

  test("Raw and symmetric formats are refused", async () => {
    for (const [uid, format] of [
      [sk, "Raw"],
      [pk, "Raw"],
      [sk, "TransparentSymmetricKey"],
      [pk, "ECPrivateKey"],
    ]) {
      expectKmipError(
        await kmip(t.s("Get", t.e("KeyFormatType", format), uidNode(uid))),
        422,
        "Key_Format_Type_Not_Supported",
      );
    }
  });
});

function importKey(id: string, objectType: string, format: string, material: Node[], attrs: Node[] = []) {
  return kmip(
    t.s(
      "Import",
      uidNode(id),
      t.bool("ReplaceExisting", true),
      t.e("ObjectType", objectType),
      t.s("Attributes", t.e("ObjectType", objectType), t.e("CryptographicAlgorithm", "RSA"), ...attrs),
      t.s(
        "Object",
        t.s(
          "KeyBlock",
          t.e("KeyFormatType", format),
          t.s("KeyValue", t.s("KeyMaterial", ...material)),
          t.e("CryptographicAlgorithm", "RSA"),
        ),
      ),
    ),
  );
}
const derMaterial = (b: Uint8Array | Buffer) => [t.b("ByteString", hex(new Uint8Array(b)))];

describe("Import", () => {
  const kp = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const msg = new TextEncoder().encode("imported RSA");

  test("PKCS#8, PKCS#1 and transparent private keys decrypt what node:crypto encrypted; SPKI public keys encrypt for node", async () => {
    const ct = publicEncrypt({ key: kp.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, msg);
    const jwk = kp.privateKey.export({ format: "jwk" });
    const transparent = [
      big("Modulus", jwk.n),
      big("PrivateExponent", jwk.d),
      big("PublicExponent", jwk.e),
      big("P", jwk.p),
      big("Q", jwk.q),
      big("PrimeExponentP", jwk.dp),
      big("PrimeExponentQ", jwk.dq),
      big("CRTCoefficient", jwk.qi),
    ] as Node[];
    for (const [format, material] of [
      ["PKCS8", derMaterial(kp.privateKey.export({ format: "der", type: "pkcs8" }))],
      ["PKCS1", derMaterial(kp.privateKey.export({ format: "der", type: "pkcs1" }))],
      ["TransparentRSAPrivateKey", transparent],
    ] as [string, Node[]][]) {
      const id = `imp-${format}-${crypto.randomUUID()}`;
      const r = await importKey(id, "PrivateKey", format, material);
      expect(r.status, r.text).toBe(200);
      const d = await decrypt(id, new Uint8Array(ct));
      expect(d.status, d.text).toBe(200);
      expect(valueOf(d.json, "Data")).toBe(hex(msg).toUpperCase());
      expect(hex(await der(id, "PKCS1"))).toBe(hex(kp.privateKey.export({ format: "der", type: "pkcs1" })));
    }
    const pubId = `imp-spki-${crypto.randomUUID()}`;
    expect(
      (await importKey(pubId, "PublicKey", "PKCS8", derMaterial(kp.publicKey.export({ format: "der", type: "spki" }))))
        .status,
    ).toBe(200);
    const e = await encrypt(pubId, msg);
    expect(e.status, e.text).toBe(200);
    expect(
      hex(
        privateDecrypt(
          { key: kp.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
          fromHex(valueOf(e.json, "Data")),
        ),
      ),
    ).toBe(hex(msg));
  });

  test("refuses malformed DER and inconsistent transparent keys", async () => {
    expectKmipError(
      await importKey(`bad-${crypto.randomUUID()}`, "PrivateKey", "PKCS1", [t.b("ByteString", "300302010a")]),
      422,
      "Invalid_Field",
    );
    const jwk = kp.privateKey.export({ format: "jwk" });
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
    const mixed = [
      big("Modulus", other.n),
      big("PrivateExponent", jwk.d),
      big("PublicExponent", jwk.e),
      big("P", jwk.p),
      big("Q", jwk.q),
      big("PrimeExponentP", jwk.dp),
      big("PrimeExponentQ", jwk.dq),
      big("CRTCoefficient", jwk.qi),
    ] as Node[];
    expectKmipError(
      await importKey(`bad-${crypto.randomUUID()}`, "PrivateKey", "TransparentRSAPrivateKey", mixed),
      422,
      "Invalid_Field",
      /inconsistent/,
    );
    expectKmipError(
      await importKey(`bad-${crypto.randomUUID()}`, "PrivateKey", "TransparentRSAPrivateKey", mixed.slice(0, 3)),
      422,
      "Invalid_Field",
      /missing/,
    );
  });
});

describe("Encrypt / Decrypt", () => {
  const msg = new TextEncoder().encode("attack at dawn");
  const oaepDecryptNode = (ct: Uint8Array, oaepHash: string) =>
    hex(privateDecrypt({ key: node, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, ct));

  test("OAEP-SHA256 by default, OAEP-SHA1/384, OAEP with another MGF1 hash: node:crypto agrees", async () => {
    const e = await encrypt(pk, msg);
    expect(e.status, e.text).toBe(200);
    const ct = fromHex(valueOf(e.json, "Data"));
    expect(ct.length).toBe(256);
    expect(oaepDecryptNode(ct, "sha256")).toBe(hex(msg));
    for (const h of ["SHA1", "SHA384"]) {
      const r = await encrypt(pk, msg, t.e("PaddingMethod", "OAEP"), t.e("HashingAlgorithm", h));
      expect(oaepDecryptNode(fromHex(valueOf(r.json, "Data")), h.toLowerCase())).toBe(hex(msg));
      const d = await decrypt(
        sk,
        fromHex(valueOf(r.json, "Data")),
        t.e("PaddingMethod", "OAEP"),
        t.e("HashingAlgorithm", h),
      );
      expect(valueOf(d.json, "Data")).toBe(hex(msg).toUpperCase());
    }
    const mgf = [
      t.e("PaddingMethod", "OAEP"),
      t.e("HashingAlgorithm", "SHA256"),
      t.e("MaskGeneratorHashingAlgorithm", "SHA1"),
    ];
    const r = await encrypt(pk, msg, ...mgf);
    expect(() => oaepDecryptNode(fromHex(valueOf(r.json, "Data")), "sha256")).toThrow();
    expect(valueOf((await decrypt(sk, fromHex(valueOf(r.json, "Data")), ...mgf)).json, "Data")).toBe(
      hex(msg).toUpperCase(),
    );
    // the server decrypts node's ciphertext
    const fromNode = publicEncrypt(
      { key: createPublicKey(node), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
      msg,
    );
    expect(valueOf((await decrypt(sk, new Uint8Array(fromNode))).json, "Data")).toBe(hex(msg).toUpperCase());
  });

  test("PKCS#1 v1.5 (legacy) and PaddingMethod None (CKM_RSA_AES_KEY_WRAP, any length)", async () => {
    const fromNode = publicEncrypt({ key: createPublicKey(node), padding: constants.RSA_PKCS1_PADDING }, msg);
    expect(valueOf((await decrypt(sk, new Uint8Array(fromNode), t.e("PaddingMethod", "PKCS1v15"))).json, "Data")).toBe(
      hex(msg).toUpperCase(),
    );
    const long = new Uint8Array(1000).map((_, i) => i);
    const e = await encrypt(pk, long, t.e("PaddingMethod", "None"));
    expect(e.status, e.text).toBe(200);
    expect(fromHex(valueOf(e.json, "Data")).length).toBe(256 + 1008);
    expect(
      valueOf((await decrypt(sk, fromHex(valueOf(e.json, "Data")), t.e("PaddingMethod", "None"))).json, "Data"),
    ).toBe(hex(long).toUpperCase());
  });

  test("bad input: data too large, garbage, another key, wrong key types, AAD, unknown padding", async () => {
    expectKmipError(await encrypt(pk, new Uint8Array(191)), 422, "Invalid_Field", /data too large/);
    expectKmipError(await decrypt(sk, new Uint8Array(256).fill(0xff)), 422, "Cryptographic_Failure", /decrypt/);
    expectKmipError(await decrypt(sk, new Uint8Array(10)), 422, "Cryptographic_Failure");
    const [otherSk] = await pair();
    const ct = fromHex(valueOf((await encrypt(pk, msg)).json, "Data"));
    expectKmipError(await decrypt(otherSk, ct), 422, "Cryptographic_Failure");
    expect((await decrypt(sk, ct)).status).toBe(200);
    expectKmipError(await decrypt(pk, ct), 422, "Incompatible_Cryptographic_Usage_Mask", /failed to retrieve the key/);
    expectKmipError(await encrypt(sk, msg), 422, "Incompatible_Cryptographic_Usage_Mask", /not found/);
    expectKmipError(
      await kmip(
        t.s("Encrypt", uidNode(pk), t.b("Data", hex(msg)), t.b("AuthenticatedEncryptionAdditionalData", "01")),
      ),
      422,
      "Invalid_Field",
      /PSource/,
    );
    expectKmipError(await encrypt(pk, msg, t.e("PaddingMethod", "PKCS5")), 422, "Invalid_Field", /padding method/);
  });
});

describe("Sign / SignatureVerify", () => {
  const data = new TextEncoder().encode("The quick brown fox jumps over the lazy dog");
  const dataNode = t.b("Data", hex(data));
  const pssNode = (h: string, sig: Uint8Array) =>
    nodeVerify(
      h,
      data,
      {
        key: createPublicKey(node),
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_AUTO,
      },
      sig,
    );

  test("RSASSA-PSS SHA-256 by default; PSS with SHA-1/384/512; node:crypto verifies them", async () => {
    const s = await sign(sk, dataNode);
    expect(s.status, s.text).toBe(200);
    const sig = fromHex(valueOf(s.json, "SignatureData"));
    expect(pssNode("sha256", sig)).toBe(true);
    expect(valueOf((await verify(pk, dataNode, sig)).json, "ValidityIndicator")).toBe("Valid");
    for (const h of ["SHA1", "SHA384", "SHA512"]) {
      const p = [t.e("PaddingMethod", "PSS"), t.e("HashingAlgorithm", h)];
      const r = await sign(sk, dataNode, ...p);
      const hs = fromHex(valueOf(r.json, "SignatureData"));
      expect(pssNode(h.toLowerCase(), hs)).toBe(true);
      expect(valueOf((await verify(pk, dataNode, hs, ...p)).json, "ValidityIndicator")).toBe("Valid");
    }
  });

  test("PKCS#1 v1.5 (SHA256WithRSAEncryption) is node's signature byte for byte; digests sign like data", async () => {
    const p = t.e("DigitalSignatureAlgorithm", "SHA256WithRSAEncryption");
    const sig = fromHex(valueOf((await sign(sk, dataNode, p)).json, "SignatureData"));
    expect(hex(sig)).toBe(hex(nodeSign("sha256", data, node)));
    const digest = createHash("sha256").update(data).digest();
    const fromDigest = fromHex(valueOf((await sign(sk, t.b("DigestedData", hex(digest)), p)).json, "SignatureData"));
    expect(hex(fromDigest)).toBe(hex(sig));
    expect(valueOf((await verify(pk, t.b("DigestedData", hex(digest)), sig, p)).json, "ValidityIndicator")).toBe(
      "Valid",
    );
    // a PSS signature on a digest, verified by node on the data
    const pss = fromHex(valueOf((await sign(sk, t.b("DigestedData", hex(digest)))).json, "SignatureData"));
    expect(pssNode("sha256", pss)).toBe(true);
  });

  test("node:crypto's signatures verify; bad signatures and other keys are Invalid", async () => {
    const fromNode = new Uint8Array(
      nodeSign("sha256", data, { key: node, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
    );
    expect(valueOf((await verify(pk, dataNode, fromNode)).json, "ValidityIndicator")).toBe("Valid");
    // a private key verifies too when its mask allows Verify (the default private mask does not)
    expectKmipError(await verify(sk, dataNode, fromNode), 422, "Incompatible_Cryptographic_Usage_Mask", /Verify/);
    const [anySk] = await pair([t.int("CryptographicUsageMask", 0x200000)]);
    const anySig = fromHex(valueOf((await sign(anySk, dataNode)).json, "SignatureData"));
    expect(valueOf((await verify(anySk, dataNode, anySig)).json, "ValidityIndicator")).toBe("Valid");
    const bad = fromNode.slice();
    bad[100] ^= 0x40;
    expect(valueOf((await verify(pk, dataNode, bad)).json, "ValidityIndicator")).toBe("Invalid");
    expect(valueOf((await verify(pk, dataNode, new Uint8Array(7))).json, "ValidityIndicator")).toBe("Invalid");
    expect(valueOf((await verify(pk, t.b("Data", "00"), fromNode)).json, "ValidityIndicator")).toBe("Invalid");
    const [, otherPk] = await pair();
    expect(valueOf((await verify(otherPk, dataNode, fromNode)).json, "ValidityIndicator")).toBe("Invalid");
  });

  test("refused: ECDSA algorithms, signing with the public key or an encrypt-only key, wrong digest length", async () => {
    expectKmipError(
      await sign(sk, dataNode, t.e("DigitalSignatureAlgorithm", "ECDSAWithSHA256")),
      422,
      "Invalid_Field",
      /not supported: ECDSAWithSHA256/,
    );
    expectKmipError(await sign(pk, dataNode), 422, "Item_Not_Found", /no valid key for id/);
    const [encSk] = await pair([t.int("CryptographicUsageMask", 8)]);
    expectKmipError(await sign(encSk, dataNode), 422, "Incompatible_Cryptographic_Usage_Mask", /no valid key for id/);
    expectKmipError(
      await sign(sk, t.b("DigestedData", "00".repeat(31)), t.e("HashingAlgorithm", "SHA256")),
      422,
      "Invalid_Field",
      /32 bytes/,
    );
  });
});

describe("key wrapping with RSA keys", () => {
  const wrapSpec = (uid: string, ...p: Node[]) =>
    t.s(
      "KeyWrappingSpecification",
      t.e("WrappingMethod", "Encrypt"),
      t.s("EncryptionKeyInformation", uidNode(uid), ...(p.length ? [params(...p)] : [])),
      t.e("EncodingOption", "NoEncoding"),
    );

  test("a symmetric key wrapped with OAEP (default) comes back equal after Import NotWrapped", async () => {
    const c = await kmip(
      t.s(
        "Create",
        t.e("ObjectType", "SymmetricKey"),
        t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 256)),
      ),
    );
    const sym = valueOf(c.json, "UniqueIdentifier") as string;
    const original = await der(sym, "Raw");
    const w = await kmip(t.s("Get", wrapSpec(pk), uidNode(sym)));
    expect(w.status, w.text).toBe(200);
    const kb = find(w.json, "KeyBlock")!;
    const wrapped = fromHex(valueOf(kb, "KeyMaterial") ?? valueOf(kb, "KeyValue"));
    expect(wrapped.length).toBe(256);
    expect(oaepOk(wrapped, original)).toBe(true);
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
    expect(hex(await der(id, "Raw"))).toBe(hex(original));
  });

  function oaepOk(wrapped: Uint8Array, original: Uint8Array): boolean {
    return (
      hex(privateDecrypt({ key: node, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, wrapped)) ===
      hex(original)
    );
  }

  test("an RSA private key wraps with CKM_RSA_AES_KEY_WRAP (PaddingMethod None); plain OAEP says why it cannot", async () => {
    const [other] = await pair();
    const pkcs8 = await der(other, "PKCS8");
    expectKmipError(await kmip(t.s("Get", wrapSpec(pk), uidNode(other))), 422, "Invalid_Field", /PaddingMethod None/);
    const w = await kmip(t.s("Get", wrapSpec(pk, t.e("PaddingMethod", "None")), uidNode(other)));
    expect(w.status, w.text).toBe(200);
    const kb = find(w.json, "KeyBlock")!;
    expect(findAll(kb, "PaddingMethod").map((n) => n.value)).toEqual(["None"]);
    const id = `unwrapped-sk-${crypto.randomUUID()}`;
    const imp = await kmip(
      t.s(
        "Import",
        uidNode(id),
        t.e("ObjectType", "PrivateKey"),
        t.e("KeyWrapType", "NotWrapped"),
        t.s("Attributes"),
        t.s("Object", kb),
      ),
    );
    expect(imp.status, imp.text).toBe(200);
    expect(hex(await der(id, "PKCS8"))).toBe(hex(pkcs8));
    // a key without WrapKey/Encrypt cannot wrap
    const [, signPk] = await pair([], [t.int("CryptographicUsageMask", 2)]);
    expectKmipError(
      await kmip(t.s("Get", wrapSpec(signPk, t.e("PaddingMethod", "None")), uidNode(other))),
      422,
      "Incompatible_Cryptographic_Usage_Mask",
    );
  });
});

describe("ReKeyKeyPair RSA", () => {
  test("a new pair of the same size, linked both ways; the old pair keeps working", async () => {
    const [oldSk, oldPk] = await pair([
      t.s("Name", t.text("NameValue", `rsa-rekey-${crypto.randomUUID()}`), t.e("NameType", "UninterpretedTextString")),
    ]);
    const r = await kmip(t.s("ReKeyKeyPair", t.text("PrivateKeyUniqueIdentifier", oldSk)));
    expect(r.status, r.text).toBe(200);
    const newSk = valueOf(r.json, "PrivateKeyUniqueIdentifier") as string;
    const newPk = valueOf(r.json, "PublicKeyUniqueIdentifier") as string;
    expect(newPk).toBe(`${newSk}_pk`);
    const links = async (uid: string) =>
      Object.fromEntries(
        findAll((await kmip(t.s("GetAttributes", uidNode(uid)))).json, "Link").map((l) => [
          valueOf(l, "LinkType"),
          valueOf(l, "LinkedObjectIdentifier"),
        ]),
      );
    expect(await links(oldSk)).toMatchObject({ ReplacementObjectLink: newSk, PublicKeyLink: oldPk });
    expect(await links(oldPk)).toMatchObject({ ReplacementObjectLink: newPk, PrivateKeyLink: oldSk });
    expect(await links(newSk)).toMatchObject({ ReplacedObjectLink: oldSk, PublicKeyLink: newPk });
    expect(await links(newPk)).toMatchObject({ ReplacedObjectLink: oldPk, PrivateKeyLink: newSk });
    const oldAttrs = (await kmip(t.s("GetAttributes", uidNode(oldSk)))).json;
    expect(valueOf(oldAttrs, "State")).toBe("Active");
    expect(find(oldAttrs, "Name")).toBeUndefined();
    expect(find((await kmip(t.s("GetAttributes", uidNode(newSk)))).json, "Name")).toBeDefined();
    expect(hex(await der(newSk, "PKCS1"))).not.toBe(hex(await der(oldSk, "PKCS1")));
    const msg = new TextEncoder().encode("rotated");
    const ct = fromHex(valueOf((await encrypt(newPk, msg)).json, "Data"));
    expect(valueOf((await decrypt(newSk, ct)).json, "Data")).toBe(hex(msg).toUpperCase());
    expectKmipError(await decrypt(oldSk, ct), 422, "Cryptographic_Failure");
  });

  test("refuses changing the algorithm or the length, and keys without a PublicKeyLink", async () => {
    const [oldSk, oldPk] = await pair();
    const rekey = (...n: Node[]) => kmip(t.s("ReKeyKeyPair", t.text("PrivateKeyUniqueIdentifier", oldSk), ...n));
    expectKmipError(
      await rekey(t.s("CommonAttributes", t.e("CryptographicAlgorithm", "ECDSA"))),
      422,
      "Constraint_Violation",
      /changing the cryptographic algorithm is not allowed/,
    );
    expectKmipError(
      await rekey(t.s("PrivateKeyAttributes", t.int("CryptographicLength", 4096))),
      422,
      "Constraint_Violation",
      /length/,
    );
    const del = await kmip(
      t.s(
        "DeleteAttribute",
        uidNode(oldSk),
        t.s("CurrentAttribute", t.s("Link", t.e("LinkType", "PublicKeyLink"), t.text("LinkedObjectIdentifier", oldPk))),
      ),
    );
    expect(del.status, del.text).toBe(200);
    expectKmipError(await rekey(), 422, "Invalid_Field", /no PublicKeyLink/);
  });
});
