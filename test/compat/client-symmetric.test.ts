/**
 * The real Cosmian JS client (cloudproof_kms_js 4.0.0) against our real server: every KmsClient
 * method that needs neither CoverCrypt, FF1 nor public-key crypto (docs/wire-dialects.md). Results are checked against node:crypto (AES-GCM,
 * ChaCha20-Poly1305) and the bytes we imported, not only for the absence of an exception.
 *
 * Error format pinned here: a failed KMIP call throws
 * `KMIP request failed (<Op>): <Reason>: <message>` (our 422 text body; docs/wire-dialects.md).
 */
import { describe, expect, test } from "vitest";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import {
  Attributes,
  BlockCipherMode,
  CryptographicAlgorithm,
  CryptographicParameters,
  HashingAlgorithm,
  KeyBlock,
  KeyFormatType,
  KeyValue,
  KeyWrapType,
  KmsClient,
  Link,
  LinkType,
  PaddingMethod,
  RevocationReasonEnumeration,
  SymmetricKey,
  SymmetricKeyAlgorithm,
  TransparentSymmetricKey,
  VendorAttributes,
  deserialize,
} from "cloudproof_kms_js";
import { sodium } from "../../native/sodium.ts";
import { postKmip, t, valueOf, type TestServer } from "../helpers/server.ts";
import { useServerWithClient, uniq, enc, dec } from "../helpers/client.ts";

let server: TestServer;
let client: KmsClient;
useServerWithClient((s, c) => ((server = s), (client = c)));

/** The message a failed KmsClient KMIP call throws. */
async function failure(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  expect(e, "expected the call to fail").toBeInstanceOf(Error);
  return e!.message;
}

function tagsOfAttributes(a: Attributes | null | undefined): string[] | undefined {
  const va = a?.vendorAttributes?.find((v) => v.attributeName === "tag");
  return va ? JSON.parse(dec(va.attributeValue)) : undefined;
}

describe("version and up", () => {
  test("version() answers 200 with our version as a JSON string", async () => {
    const r = await client.version();
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(JSON.parse(text)).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)? /);
    expect(text.startsWith('"')).toBe(true);
  });

  test("up() is true for our server and false for a closed port", async () => {
    expect(await client.up()).toBe(true);
    expect(await new KmsClient("http://127.0.0.1:1").up()).toBe(false);
  });
});

describe("transport", () => {
  test("a base URL with a path and no trailing slash: the client drops the path (WHATWG resolution) and still reaches us", async () => {
    const c = new KmsClient(`${server.url}/prefix`);
    const uid = await c.createSymmetricKey();
    expect((await c.retrieveSymmetricKey(uid)).bytes().length).toBe(32);
  });

  test("setEncryption (JWE request bodies) is not supported: a clear 422, not a crash", async () => {
    const { generateKeyPair, exportJWK } = await import("jose");
    const { publicKey } = await generateKeyPair("ECDH-ES", { crv: "P-256" });
    const c = new KmsClient(server.url);
    c.setEncryption({ ...(await exportJWK(publicKey)), kid: "kms-jwe-key-1", alg: "ECDH-ES" });
    expect(await failure(c.createSymmetricKey())).toBe(
      "KMIP request failed (Create): Invalid_Message: the body must be a JSON TTLV object (JWE-encrypted bodies are not supported)",
    );
    expect(await c.up()).toBe(true); // version is never encrypted
  });
});

describe("createSymmetricKey and retrieveSymmetricKey", () => {
  test("default: AES-256, TransparentSymmetricKey, 32 bytes", async () => {
    const uid = await client.createSymmetricKey();
    expect(uid).toMatch(/^[0-9a-f-]{36}$/); // URL-safe ids (listAccess does not escape them)
    const key = await client.retrieveSymmetricKey(uid);
    expect(key).toBeInstanceOf(SymmetricKey);
    expect(key.keyBlock.keyFormatType).toBe(KeyFormatType.TransparentSymmetricKey);
    expect(key.keyBlock.cryptographicAlgorithm).toBe(CryptographicAlgorithm.AES);
    expect(key.keyBlock.cryptographicLength).toBe(256);
    expect((key.keyBlock.keyValue as KeyValue).keyMaterial).toBeInstanceOf(TransparentSymmetricKey);
    expect(key.bytes().length).toBe(32);
  });

  test.each([[128], [192], [256]])("AES-%i has the requested length", async (bits) => {
    const uid = await client.createSymmetricKey(SymmetricKeyAlgorithm.AES, bits);
    const key = await client.retrieveSymmetricKey(uid);
    expect(key.bytes().length).toBe(bits / 8);
    expect(key.keyBlock.cryptographicLength).toBe(bits);
  });

  test("ChaCha20-256", async () => {
    const uid = await client.createSymmetricKey(SymmetricKeyAlgorithm.ChaCha20, 256);
    const key = await client.retrieveSymmetricKey(uid);
    expect(key.keyBlock.cryptographicAlgorithm).toBe(CryptographicAlgorithm.ChaCha20);
    expect(key.bytes().length).toBe(32);
  });

  test("an AES length that does not exist is refused with the reason in the message", async () => {
    const m = await failure(client.createSymmetricKey(SymmetricKeyAlgorithm.AES, 100));
    expect(m).toMatch(/^KMIP request failed \(Create\): Invalid_Attribute_Value: .*100/);
  });

  test("links and tags are stored and echoed in the key value attributes", async () => {
    const parent = await client.createSymmetricKey();
    const tag = uniq("tag");
    const uid = await client.createSymmetricKey(
      SymmetricKeyAlgorithm.AES,
      256,
      [new Link(LinkType.ParentLink, parent)],
      [tag, "shared-x"],
    );
    const key = await client.retrieveSymmetricKey(uid);
    const attrs = (key.keyBlock.keyValue as KeyValue).attributes!;
    expect(attrs.link.map((l) => [l.linkType, l.linkedObjectIdentifier])).toEqual([[LinkType.ParentLink, parent]]);
    expect(tagsOfAttributes(attrs)?.sort()).toEqual([tag, "shared-x"].sort());
    expect(await client.getUniqueIdentifiersByTags([tag])).toEqual([uid]);
  });

  test("retrieveSymmetricKey of a certificate id fails on the client side (type check)", async () => {
    const uid = uniq("cert");
    await client.importCertificate(uid, new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]));
    const m = await failure(client.retrieveSymmetricKey(uid));
    expect(m).toMatch(/returned a Certificate instead of a SymmetricKey/);
  });
});

describe("getObject formats", () => {
  test("no format: TransparentSymmetricKey with {Key}; Raw: plain bytes; both the same key", async () => {
    const uid = await client.createSymmetricKey();
    const plain = await client.getObject(uid);
    expect(plain.type).toBe("SymmetricKey");
    const kb = (plain.value as SymmetricKey).keyBlock;
    expect(kb.keyFormatType).toBe(KeyFormatType.TransparentSymmetricKey);
    const raw = await client.getObject(uid, { keyFormatType: KeyFormatType.Raw });
    const rkb = (raw.value as SymmetricKey).keyBlock;
    expect(rkb.keyFormatType).toBe(KeyFormatType.Raw);
    expect((rkb.keyValue as KeyValue).keyMaterial).toBeInstanceOf(Uint8Array);
    expect(Buffer.from((raw.value as SymmetricKey).bytes())).toEqual(
      Buffer.from((plain.value as SymmetricKey).bytes()),
    );
  });

  test("a format a symmetric key cannot take is refused", async () => {
    const uid = await client.createSymmetricKey();
    const m = await failure(client.getObject(uid, { keyFormatType: KeyFormatType.PKCS8 }));
    expect(m).toMatch(/^KMIP request failed \(Get\): Key_Format_Type_Not_Supported: .*PKCS8/);
  });

  test("getObject of an unknown id: the pinned error format", async () => {
    const m = await failure(client.getObject("does-not-exist"));
    expect(m).toBe("KMIP request failed (Get): Object_Not_Found: Object not found: does-not-exist");
  });

  test("every reply passes the client's own strict parser (no DateTime/Boolean/State anywhere)", async () => {
    const uid = await client.createSymmetricKey(SymmetricKeyAlgorithm.AES, 256, [], ["parser-check"]);
    const r = await postKmip(server.url, t.s("Get", t.text("UniqueIdentifier", uid)));
    expect(r.status).toBe(200);
    expect(() => deserialize(r.text)).not.toThrow();
    expect(r.text).not.toMatch(/"type":"(DateTime|Boolean|LongInteger|Interval)"/);
  });
});

describe("importSymmetricKey", () => {
  test("bytes come back identical; ReplaceExisting replaces; without it a duplicate fails", async () => {
    const uid = uniq("my-sym");
    const k1 = randomBytes(32),
      k2 = randomBytes(32);
    expect(await client.importSymmetricKey(uid, k1)).toBe(uid);
    expect(Buffer.from((await client.retrieveSymmetricKey(uid)).bytes())).toEqual(k1);
    const m = await failure(client.importSymmetricKey(uid, k2));
    expect(m).toMatch(/^KMIP request failed \(Import\): Object_Already_Exists: /);
    expect(await client.importSymmetricKey(uid, k2, true)).toBe(uid);
    expect(Buffer.from((await client.retrieveSymmetricKey(uid)).bytes())).toEqual(k2);
  });

  test("ChaCha20 with a link; usage mask 12 (Encrypt|Decrypt) is kept", async () => {
    const parent = await client.createSymmetricKey();
    const uid = uniq("my-chacha");
    const key = randomBytes(32);
    await client.importSymmetricKey(uid, key, false, SymmetricKeyAlgorithm.ChaCha20, [
      new Link(LinkType.ParentLink, parent),
    ]);
    const got = await client.retrieveSymmetricKey(uid);
    expect(Buffer.from(got.bytes())).toEqual(key);
    const attrs = (got.keyBlock.keyValue as KeyValue).attributes!;
    expect(attrs.cryptographicAlgorithm).toBe(CryptographicAlgorithm.ChaCha20);
    expect(attrs.cryptographicUsageMask).toBe(12);
    expect(attrs.link[0].linkedObjectIdentifier).toBe(parent);
  });

  test("a 24-byte AES key is accepted, a 20-byte one is not", async () => {
    const k = randomBytes(24);
    const uid = await client.importSymmetricKey(uniq("aes192"), k);
    expect(Buffer.from((await client.retrieveSymmetricKey(uid)).bytes())).toEqual(k);
    const m = await failure(client.importSymmetricKey(uniq("bad"), randomBytes(20)));
    expect(m).toMatch(/^KMIP request failed \(Import\): Invalid_Attribute_Value: .*160/);
  });
});

describe("importObject", () => {
  test("re-import of an object fetched with getObject: attributes echoed back, same bytes, same tags and links", async () => {
    const parent = await client.createSymmetricKey();
    const tag = uniq("reimport");
    const uid = await client.createSymmetricKey(
      SymmetricKeyAlgorithm.AES,
      256,
      [new Link(LinkType.ParentLink, parent)],
      [tag],
    );
    const fetched = await client.getObject(uid);
    const attrs = ((fetched.value as SymmetricKey).keyBlock.keyValue as KeyValue).attributes!;
    const copy = uniq("copy");
    expect(await client.importObject(copy, attrs, "SymmetricKey", fetched)).toBe(copy);
    const again = await client.retrieveSymmetricKey(copy);
    expect(Buffer.from(again.bytes())).toEqual(Buffer.from((fetched.value as SymmetricKey).bytes()));
    const a2 = (again.keyBlock.keyValue as KeyValue).attributes!;
    expect(a2.link[0].linkedObjectIdentifier).toBe(parent);
    expect(tagsOfAttributes(a2)).toEqual([tag]);
    expect((await client.getUniqueIdentifiersByTags([tag])).sort()).toEqual([uid, copy].sort());
    // the copy encrypts exactly like the original
    const ct = await client.encrypt(uid, enc("same key"), {});
    expect(
      dec(
        await client.decrypt(copy, ct.data!, {
          ivCounterNonce: ct.ivCounterNonce!,
          authenticatedEncryptionTag: ct.authenticatedEncryptionTag!,
        }),
      ),
    ).toBe("same key");
  });

  test("Raw key material in Cosmian's {ByteString} form, KeyWrapType AsRegistered, usage mask 28", async () => {
    const uid = uniq("raw-sym");
    const bytes = randomBytes(32);
    const attributes = new Attributes("SymmetricKey");
    attributes.cryptographicAlgorithm = CryptographicAlgorithm.AES;
    attributes.cryptographicUsageMask = 28;
    attributes.keyFormatType = KeyFormatType.Raw;
    const { ByteString } = await import("cloudproof_kms_js");
    const key = new SymmetricKey(
      new KeyBlock(KeyFormatType.Raw, new KeyValue(new ByteString(bytes), attributes), CryptographicAlgorithm.AES, 256),
    );
    expect(
      await client.importObject(
        uid,
        attributes,
        "SymmetricKey",
        { type: "SymmetricKey", value: key },
        true,
        KeyWrapType.AsRegistered,
      ),
    ).toBe(uid);
    const got = await client.retrieveSymmetricKey(uid);
    expect(Buffer.from(got.bytes())).toEqual(bytes);
    expect((got.keyBlock.keyValue as KeyValue).attributes!.cryptographicUsageMask).toBe(28);
  });

  test("attributes whose ObjectType differs from the object's are refused by the client itself", async () => {
    const key = new SymmetricKey(
      new KeyBlock(
        KeyFormatType.TransparentSymmetricKey,
        new KeyValue(new TransparentSymmetricKey(randomBytes(32))),
        CryptographicAlgorithm.AES,
        256,
      ),
    );
    await expect(
      client.importObject(uniq("x"), new Attributes("PrivateKey"), "SymmetricKey", {
        type: "SymmetricKey",
        value: key,
      }),
    ).rejects.toThrow();
  });
});

describe("tags: getUniqueIdentifiersByTags / getObjectsByTags", () => {
  test("Locate returns exactly the objects carrying every requested tag", async () => {
    const a = uniq("ta"),
      b = uniq("tb");
    const ab = await client.createSymmetricKey(SymmetricKeyAlgorithm.AES, 256, [], [a, b]);
    const onlyA = await client.createSymmetricKey(SymmetricKeyAlgorithm.AES, 128, [], [a]);
    const onlyB = await client.createSymmetricKey(SymmetricKeyAlgorithm.ChaCha20, 256, [], [b]);
    const imported = await client.importSymmetricKey(uniq("imp"), randomBytes(32));
    expect((await client.getUniqueIdentifiersByTags([a])).sort()).toEqual([ab, onlyA].sort());
    expect((await client.getUniqueIdentifiersByTags([b])).sort()).toEqual([ab, onlyB].sort());
    expect(await client.getUniqueIdentifiersByTags([a, b])).toEqual([ab]);
    expect(await client.getUniqueIdentifiersByTags([b, a])).toEqual([ab]);
    expect(await client.getUniqueIdentifiersByTags([uniq("none")])).toEqual([]);
    expect(await client.getUniqueIdentifiersByTags([a, uniq("none")])).toEqual([]);
    expect(await client.getUniqueIdentifiersByTags([a])).not.toContain(imported);
  });

  test("getObjectsByTags returns the objects themselves", async () => {
    const tag = uniq("objs");
    const k1 = randomBytes(32),
      k2 = randomBytes(16);
    const id1 = await client.importSymmetricKey(uniq("o1"), k1);
    const id2 = await client.importSymmetricKey(uniq("o2"), k2);
    // importSymmetricKey has no tags parameter: tag them by re-importing with the tag attribute
    for (const [id, k] of [
      [id1, k1],
      [id2, k2],
    ] as const) {
      const attributes = new Attributes("SymmetricKey");
      attributes.cryptographicAlgorithm = CryptographicAlgorithm.AES;
      attributes.keyFormatType = KeyFormatType.TransparentSymmetricKey;
      attributes.vendorAttributes.push(
        new VendorAttributes(VendorAttributes.VENDOR_ID_COSMIAN, VendorAttributes.TAG, enc(JSON.stringify([tag]))),
      );
      const key = new SymmetricKey(
        new KeyBlock(
          KeyFormatType.TransparentSymmetricKey,
          new KeyValue(new TransparentSymmetricKey(k), attributes),
          CryptographicAlgorithm.AES,
          k.length * 8,
        ),
      );
      await client.importObject(id, attributes, "SymmetricKey", { type: "SymmetricKey", value: key }, true);
    }
    const objects = await client.getObjectsByTags([tag]);
    expect(objects.map((o) => o.type)).toEqual(["SymmetricKey", "SymmetricKey"]);
    const bytes = objects.map((o) => Buffer.from((o.value as SymmetricKey).bytes()).toString("hex")).sort();
    expect(bytes).toEqual([k1.toString("hex"), k2.toString("hex")].sort());
    expect(await client.getObjectsByTags([uniq("nothing")])).toEqual([]);
  });
});

describe("encrypt / decrypt", () => {
  const gcm = (key: Uint8Array, nonce: Uint8Array, data: Uint8Array, aad?: Uint8Array) => {
    const c = createCipheriv("aes-256-gcm", key, nonce);
    if (aad) c.setAAD(aad);
    const ct = Buffer.concat([c.update(data), c.final()]);
    return { ct, tag: c.getAuthTag() };
  };

  test("encrypt(uid, data, {}): ciphertext alone in Data, 12-byte nonce, 16-byte tag, as node:crypto computes", async () => {
    const uid = await client.createSymmetricKey();
    const key = (await client.retrieveSymmetricKey(uid)).bytes();
    const r = await client.encrypt(uid, enc("hello world"), {});
    expect(r.uniqueIdentifier).toBe(uid);
    expect(r.data!.length).toBe(11);
    expect(r.ivCounterNonce!.length).toBe(12);
    expect(r.authenticatedEncryptionTag!.length).toBe(16);
    const ref = gcm(key, r.ivCounterNonce!, enc("hello world"));
    expect(Buffer.from(r.data!)).toEqual(ref.ct);
    expect(Buffer.from(r.authenticatedEncryptionTag!)).toEqual(ref.tag);
    const pt = await client.decrypt(uid, r.data!, {
      ivCounterNonce: r.ivCounterNonce!,
      authenticatedEncryptionTag: r.authenticatedEncryptionTag!,
    });
    expect(dec(pt)).toBe("hello world");
  });

  test("caller's nonce and AAD: used as given; wrong AAD or tag fails with Cryptographic_Failure", async () => {
    const uid = await client.createSymmetricKey();
    const key = (await client.retrieveSymmetricKey(uid)).bytes();
    const nonce = new Uint8Array(12).fill(9);
    const aad = enc("aad");
    const r = await client.encrypt(uid, enc("with aad"), {
      authenticatedEncryptionAdditionalData: aad,
      ivCounterNonce: nonce,
    });
    const ref = gcm(key, nonce, enc("with aad"), aad);
    expect(Buffer.from(r.data!)).toEqual(ref.ct);
    expect(Buffer.from(r.authenticatedEncryptionTag!)).toEqual(ref.tag);
    const opts = {
      ivCounterNonce: nonce,
      authenticatedEncryptionTag: r.authenticatedEncryptionTag!,
      authenticatedEncryptionAdditionalData: aad,
    };
    expect(dec(await client.decrypt(uid, r.data!, opts))).toBe("with aad");
    const m = await failure(
      client.decrypt(uid, r.data!, { ...opts, authenticatedEncryptionAdditionalData: enc("AAD") }),
    );
    expect(m).toMatch(/^KMIP request failed \(Decrypt\): Cryptographic_Failure: /);
    const badTag = Uint8Array.from(r.authenticatedEncryptionTag!);
    badTag[0] ^= 1;
    expect(await failure(client.decrypt(uid, r.data!, { ...opts, authenticatedEncryptionTag: badTag }))).toMatch(
      /Cryptographic_Failure/,
    );
  });

  test("every option: CryptographicParameters (GCM, None, SHA_256, AES, RandomIv, IvLength 96, TagLength 16), correlation value, init/final indicators", async () => {
    const uid = await client.createSymmetricKey();
    const key = (await client.retrieveSymmetricKey(uid)).bytes();
    const params = new CryptographicParameters();
    params.blockCipherMode = BlockCipherMode.GCM;
    params.paddingMethod = PaddingMethod.None;
    params.hashingAlgorithm = HashingAlgorithm.SHA_256;
    params.cryptographicAlgorithm = CryptographicAlgorithm.AES;
    params.randomIv = true;
    params.ivLength = 96;
    params.tagLength = 16;
    const options = {
      cryptographicParameters: params,
      correlationValue: enc("corr"),
      initIndicator: true,
      finalIndicator: false,
    };
    const r = await client.encrypt(uid, enc("x"), options);
    const ref = gcm(key, r.ivCounterNonce!, enc("x"));
    expect(Buffer.from(r.data!)).toEqual(ref.ct);
    expect(Buffer.from(r.authenticatedEncryptionTag!)).toEqual(ref.tag);
    const pt = await client.decrypt(uid, r.data!, {
      ...options,
      ivCounterNonce: r.ivCounterNonce!,
      authenticatedEncryptionTag: r.authenticatedEncryptionTag!,
    });
    expect(dec(pt)).toBe("x");
  });

  test("TagLength 12 gives a 12-byte tag that decrypts", async () => {
    const uid = await client.createSymmetricKey();
    const params = new CryptographicParameters();
    params.tagLength = 12;
    const r = await client.encrypt(uid, enc("short tag"), { cryptographicParameters: params });
    expect(r.authenticatedEncryptionTag!.length).toBe(12);
    expect(
      dec(
        await client.decrypt(uid, r.data!, {
          cryptographicParameters: params,
          ivCounterNonce: r.ivCounterNonce!,
          authenticatedEncryptionTag: r.authenticatedEncryptionTag!,
        }),
      ),
    ).toBe("short tag");
  });

  test("AES-CBC with PKCS5 padding via CryptographicParameters", async () => {
    const uid = await client.createSymmetricKey();
    const key = (await client.retrieveSymmetricKey(uid)).bytes();
    const params = new CryptographicParameters();
    params.blockCipherMode = BlockCipherMode.CBC;
    params.paddingMethod = PaddingMethod.PKCS5;
    const r = await client.encrypt(uid, enc("sixteen+ bytes of text"), { cryptographicParameters: params });
    expect(r.ivCounterNonce!.length).toBe(16);
    const d = createDecipheriv("aes-256-cbc", key, r.ivCounterNonce!);
    expect(Buffer.concat([d.update(r.data!), d.final()]).toString()).toBe("sixteen+ bytes of text");
    expect(
      dec(await client.decrypt(uid, r.data!, { cryptographicParameters: params, ivCounterNonce: r.ivCounterNonce! })),
    ).toBe("sixteen+ bytes of text");
  });

  test("ChaCha20 keys use ChaCha20-Poly1305 (libsodium agrees)", async () => {
    const uid = await client.createSymmetricKey(SymmetricKeyAlgorithm.ChaCha20, 256);
    const key = (await client.retrieveSymmetricKey(uid)).bytes();
    const r = await client.encrypt(uid, enc("chacha"), { authenticatedEncryptionAdditionalData: enc("ad") });
    // libsodium (Bun's node:crypto has no chacha20-poly1305) as the independent reference
    const plain = new Uint8Array(r.data!.length);
    sodium.crypto_aead_chacha20poly1305_ietf_decrypt_detached(
      plain,
      null,
      r.data!,
      r.authenticatedEncryptionTag!,
      enc("ad"),
      r.ivCounterNonce!,
      key,
    );
    expect(dec(plain)).toBe("chacha");
    expect(
      dec(
        await client.decrypt(uid, r.data!, {
          ivCounterNonce: r.ivCounterNonce!,
          authenticatedEncryptionTag: r.authenticatedEncryptionTag!,
          authenticatedEncryptionAdditionalData: enc("ad"),
        }),
      ),
    ).toBe("chacha");
  });

  test("empty plaintext round-trips; decrypt without nonce is refused", async () => {
    const uid = await client.createSymmetricKey();
    const r = await client.encrypt(uid, new Uint8Array(0), {});
    expect(r.data!.length).toBe(0);
    expect(
      (
        await client.decrypt(uid, r.data!, {
          ivCounterNonce: r.ivCounterNonce!,
          authenticatedEncryptionTag: r.authenticatedEncryptionTag!,
        })
      ).length,
    ).toBe(0);
    const m = await failure(
      client.decrypt(uid, enc("abc"), { authenticatedEncryptionTag: r.authenticatedEncryptionTag! }),
    );
    expect(m).toMatch(/^KMIP request failed \(Decrypt\): Invalid_Message: .*IVCounterNonce/);
  });

  test("encrypt with an unknown key id fails with Item_Not_Found", async () => {
    expect(await failure(client.encrypt("no-such-key", enc("x"), {}))).toBe(
      "KMIP request failed (Encrypt): Item_Not_Found: Item not found: no-such-key",
    );
  });
});

describe("revoke and destroy", () => {
  test("revokeObject with a text reason: the key no longer encrypts but still decrypts and is Deactivated", async () => {
    const uid = await client.createSymmetricKey();
    const r = await client.encrypt(uid, enc("before"), {});
    await expect(client.revokeObject(uid, "reason text")).resolves.toBeUndefined();
    const m = await failure(client.encrypt(uid, enc("after"), {}));
    // Cosmian: a key not in the Active state is no candidate for encryption at all -> Item_Not_Found
    expect(m).toMatch(/^KMIP request failed \(Encrypt\): Item_Not_Found: .*Deactivated/);
    expect(
      dec(
        await client.decrypt(uid, r.data!, {
          ivCounterNonce: r.ivCounterNonce!,
          authenticatedEncryptionTag: r.authenticatedEncryptionTag!,
        }),
      ),
    ).toBe("before");
    const attrs = await postKmip(server.url, t.s("GetAttributes", t.text("UniqueIdentifier", uid)));
    expect(attrs.text).toContain('"Deactivated"');
    expect(attrs.text).toContain("reason text");
  });

  test("revokeObject with RevocationReasonEnumeration.KeyCompromise (sent as a bare Integer): Compromised", async () => {
    const uid = await client.createSymmetricKey();
    await client.revokeObject(uid, RevocationReasonEnumeration.KeyCompromise);
    const attrs = await postKmip(server.url, t.s("GetAttributes", t.text("UniqueIdentifier", uid)));
    expect(attrs.text).toContain('"Compromised"');
    expect(attrs.text).toContain("KeyCompromise");
  });

  test("revokeSymmetricKey then destroySymmetricKey: Get then fails; destroying twice is harmless; unknown id fails", async () => {
    const uid = await client.createSymmetricKey();
    await client.revokeSymmetricKey(uid, "revoked");
    await expect(client.destroySymmetricKey(uid)).resolves.toBeUndefined();
    const m = await failure(client.getObject(uid));
    expect(m).toMatch(/^KMIP request failed \(Get\): Object_Destroyed: /);
    await expect(client.destroyObject(uid)).resolves.toBeUndefined();
    expect(await failure(client.destroySymmetricKey("my-chacha-unknown"))).toBe(
      "KMIP request failed (Destroy): Item_Not_Found: Item not found: my-chacha-unknown",
    );
  });

  test("a key created by the client (no activation date) can be destroyed directly; its material is gone", async () => {
    const uid = await client.createSymmetricKey();
    await client.destroyObject(uid);
    const r = await postKmip(server.url, t.s("Get", t.text("UniqueIdentifier", uid)));
    expect(r.status).toBe(422);
    expect(valueOf(r.json, "KeyMaterial")).toBeUndefined();
  });
});
