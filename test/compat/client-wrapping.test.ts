/**
 * Key wrapping with a SYMMETRIC wrapping key through the real Cosmian JS client:
 * getWrappedKey -> importKey(unwrap=true), importKey(unwrap=false)
 * keeps the wrapping data so the key can be re-imported or fetched unwrapped (Get KeyWrapType
 * NotWrapped). The client sends no CryptographicParameters, so the server picks RFC 5649 (AES key
 * wrap with padding); the wrapped bytes are checked against an independent RFC 5649 / RFC 3394
 * written here on node:crypto's AES-ECB (and checked against the RFCs' own vectors).
 */
import { describe, expect, test } from "vitest";
import { createCipheriv, createDecipheriv } from "node:crypto";
import {
  KeyFormatType,
  type KeyValue,
  type KmsClient,
  Link,
  LinkType,
  type SymmetricKey,
  SymmetricKeyAlgorithm,
  deserialize,
} from "cloudproof_kms_js";
import { find, postKmip, t, valueOf, type TestServer } from "../helpers/server.ts";
import { useServerWithClient, uniq, enc } from "../helpers/client.ts";

let server: TestServer;
let client: KmsClient;
useServerWithClient((s, c) => ((server = s), (client = c)));

const bytesOf = async (uid: string) => Buffer.from((await client.retrieveSymmetricKey(uid)).bytes());

// ---- independent AES key wrap (RFC 3394 §2.2.1 / RFC 5649 §4.1) on AES-ECB ----

function aesEcb(kek: Uint8Array, block: Uint8Array, decrypt = false): Buffer {
  const alg = `aes-${kek.length * 8}-ecb`;
  const c = decrypt ? createDecipheriv(alg, kek, null) : createCipheriv(alg, kek, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

function w(kek: Uint8Array, iv: Buffer, plain: Buffer): Buffer {
  const n = plain.length / 8;
  let a = Buffer.from(iv);
  const r = Array.from({ length: n }, (_, i) => plain.subarray(i * 8, i * 8 + 8));
  for (let j = 0; j < 6; j++) {
    for (let i = 0; i < n; i++) {
      const b = aesEcb(kek, Buffer.concat([a, r[i]]));
      const t = BigInt(n * j + i + 1);
      a = Buffer.from((b.readBigUInt64BE(0) ^ t).toString(16).padStart(16, "0"), "hex");
      r[i] = b.subarray(8);
    }
  }
  return Buffer.concat([a, ...r]);
}

function rfc3394(kek: Uint8Array, plain: Uint8Array): Buffer {
  return w(kek, Buffer.from("A6A6A6A6A6A6A6A6", "hex"), Buffer.from(plain));
}

function rfc5649(kek: Uint8Array, plain: Uint8Array): Buffer {
  const aiv = Buffer.alloc(8);
  aiv.write("A65959A6", "hex");
  aiv.writeUInt32BE(plain.length, 4);
  const padded = Buffer.concat([Buffer.from(plain), Buffer.alloc((8 - (plain.length % 8)) % 8)]);
  if (padded.length === 8) return aesEcb(kek, Buffer.concat([aiv, padded]));
  return w(kek, aiv, padded);
}

test("the reference key wrap reproduces RFC 3394 §4.6 and RFC 5649 §6", () => {
  const kek = Buffer.from("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", "hex");
  expect(
    rfc3394(kek, Buffer.from("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F", "hex"))
      .toString("hex")
      .toUpperCase(),
  ).toBe("28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21");
  const kek2 = Buffer.from("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8", "hex");
  expect(rfc5649(kek2, Buffer.from("c37b7e6492584340bed12207808941155068f738", "hex")).toString("hex")).toBe(
    "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a",
  );
  expect(rfc5649(kek2, Buffer.from("466f7250617369", "hex")).toString("hex")).toBe("afbeb0f07dfbf5419200f2ccb50bb24f");
});

// ---- through the client ----

async function keyWithLinksAndTags() {
  const parent = await client.createSymmetricKey();
  const tag = uniq("wrapped");
  const uid = await client.createSymmetricKey(
    SymmetricKeyAlgorithm.AES,
    256,
    [new Link(LinkType.ParentLink, parent)],
    [tag],
  );
  return { uid, parent, tag, bytes: await bytesOf(uid) };
}

describe("getWrappedKey with a symmetric key", () => {
  test("RFC 5649 by default: KeyMaterial = AES-KWP(kek, key) as a plain ByteString, with KeyWrappingData", async () => {
    const kek = await client.createSymmetricKey();
    const { uid, bytes } = await keyWithLinksAndTags();
    const wrapped = await client.getWrappedKey(uid, kek);
    expect(wrapped.type).toBe("SymmetricKey");
    const kb = (wrapped.value as SymmetricKey).keyBlock;
    expect(kb.keyFormatType).toBe(KeyFormatType.TransparentSymmetricKey);
    expect(kb.cryptographicLength).toBe(256);
    const material = (kb.keyValue as KeyValue).keyMaterial;
    expect(material).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(material as unknown as Uint8Array)).toEqual(rfc5649(await bytesOf(kek), bytes));
    expect(kb.keyWrappingData).not.toBeNull();
    expect(kb.keyWrappingData!.encryptionKeyInformation!.uniqueIdentifier).toBe(kek);
    // the attributes the client will echo on re-import
    expect((kb.keyValue as KeyValue).attributes).not.toBeNull();
  });

  test("a 128-bit key wrapped with a 128-bit KEK", async () => {
    const kek = await client.createSymmetricKey(SymmetricKeyAlgorithm.AES, 128);
    const uid = await client.createSymmetricKey(SymmetricKeyAlgorithm.AES, 128);
    const wrapped = await client.getWrappedKey(uid, kek);
    const material = ((wrapped.value as SymmetricKey).keyBlock.keyValue as KeyValue)
      .keyMaterial as unknown as Uint8Array;
    expect(Buffer.from(material)).toEqual(rfc5649(await bytesOf(kek), await bytesOf(uid)));
  });

  test("a key cannot wrap itself; an unknown wrapping key is not found", async () => {
    const uid = await client.createSymmetricKey();
    await expect(client.getWrappedKey(uid, uid)).rejects.toThrow(
      /^KMIP request failed \(Get\): Invalid_Field: .*itself/,
    );
    await expect(client.getWrappedKey(uid, "no-such-kek")).rejects.toThrow(
      "KMIP request failed (Get): Item_Not_Found: Item not found: no-such-kek",
    );
  });

  test("a revoked wrapping key cannot wrap any more", async () => {
    const kek = await client.createSymmetricKey();
    const uid = await client.createSymmetricKey();
    await client.revokeObject(kek, "retired");
    await expect(client.getWrappedKey(uid, kek)).rejects.toThrow(
      /^KMIP request failed \(Get\): Item_Not_Found: .*Deactivated/,
    );
  });
});

describe("importKey", () => {
  test("unwrap=true: the server unwraps with the KEK named in KeyWrappingData; same bytes, links and tags kept", async () => {
    const kek = await client.createSymmetricKey();
    const { uid, parent, tag, bytes } = await keyWithLinksAndTags();
    const wrapped = await client.getWrappedKey(uid, kek);
    const copy = uniq("unwrapped");
    expect(await client.importKey(copy, wrapped, true)).toBe(copy);
    const got = await client.retrieveSymmetricKey(copy);
    expect(Buffer.from(got.bytes())).toEqual(bytes);
    expect(got.keyBlock.keyWrappingData ?? null).toBeNull();
    const attrs = (got.keyBlock.keyValue as KeyValue).attributes!;
    expect(attrs.link[0].linkedObjectIdentifier).toBe(parent);
    expect((await client.getUniqueIdentifiersByTags([tag])).sort()).toEqual([uid, copy].sort());
    // the imported copy is usable
    const ct = await client.encrypt(copy, enc("usable"), {});
    expect(
      new TextDecoder().decode(
        await client.decrypt(uid, ct.data!, {
          ivCounterNonce: ct.ivCounterNonce!,
          authenticatedEncryptionTag: ct.authenticatedEncryptionTag!,
        }),
      ),
    ).toBe("usable");
  });

  test("unwrap=true with an overriding unwrapping key id: the right one works, a wrong one fails cleanly", async () => {
    const kek = await client.createSymmetricKey();
    const kekCopy = await client.importSymmetricKey(uniq("kek-copy"), await bytesOf(kek));
    const other = await client.createSymmetricKey();
    const uid = await client.createSymmetricKey();
    const ok = uniq("via-copy");
    await client.importKey(ok, await client.getWrappedKey(uid, kek), true, kekCopy, true);
    expect(await bytesOf(ok)).toEqual(await bytesOf(uid));
    const m = await client.importKey(uniq("bad"), await client.getWrappedKey(uid, kek), true, other).then(
      () => "",
      (e: Error) => e.message,
    );
    expect(m).toMatch(/^KMIP request failed \(Import\): Cryptographic_Failure: /);
  });

  test("unwrap=false keeps the wrapping data: Get returns it wrapped; KeyWrapType NotWrapped unwraps; re-import unwraps", async () => {
    const kek = await client.createSymmetricKey();
    const { uid, bytes } = await keyWithLinksAndTags();
    const wrapped = await client.getWrappedKey(uid, kek);
    const wrappedBytes = Buffer.from(
      ((wrapped.value as SymmetricKey).keyBlock.keyValue as KeyValue).keyMaterial as unknown as Uint8Array,
    );
    const still = uniq("still-wrapped");
    expect(await client.importKey(still, wrapped, false)).toBe(still);

    // as registered: the same wrapped bytes and wrapping data come back
    const back = await client.getObject(still);
    const bkb = (back.value as SymmetricKey).keyBlock;
    expect(Buffer.from((bkb.keyValue as KeyValue).keyMaterial as unknown as Uint8Array)).toEqual(wrappedBytes);
    expect(bkb.keyWrappingData!.encryptionKeyInformation!.uniqueIdentifier).toBe(kek);

    // a wrapped key cannot be used for encryption
    await expect(client.encrypt(still, enc("x"), {})).rejects.toThrow(
      /^KMIP request failed \(Encrypt\): Key_Wrap_Type_Not_Supported: /,
    );

    // Get with KeyWrapType NotWrapped (the client has no option for it: raw HTTP)
    const r = await postKmip(
      server.url,
      t.s("Get", t.e("KeyWrapType", "NotWrapped"), t.text("UniqueIdentifier", still)),
    );
    expect(r.status, r.text).toBe(200);
    expect(() => deserialize(r.text)).not.toThrow();
    expect(find(r.json, "KeyWrappingData")).toBeUndefined();
    expect(Buffer.from(valueOf(find(r.json, "KeyMaterial"), "Key") as string, "hex")).toEqual(bytes);

    // the stored wrapped object, fetched again, can be re-imported unwrapped
    const copy = uniq("rewrapped");
    await client.importKey(copy, back, true);
    expect(await bytesOf(copy)).toEqual(bytes);

    // listOwnedObjects marks it wrapped
    const owned = (await (await client.listOwnedObjects()).json()) as { object_id: string; is_wrapped: boolean }[];
    expect(owned.find((o) => o.object_id === still)?.is_wrapped).toBe(true);
    expect(owned.find((o) => o.object_id === copy)?.is_wrapped).toBe(false);
  });

  test("a stored wrapped key cannot be converted to another format, nor wrapped again", async () => {
    const kek = await client.createSymmetricKey();
    const uid = await client.createSymmetricKey();
    const still = uniq("wrapped-store");
    await client.importKey(still, await client.getWrappedKey(uid, kek), false);
    await expect(client.getObject(still, { keyFormatType: KeyFormatType.Raw })).rejects.toThrow(
      /Key_Format_Type_Not_Supported/,
    );
    await expect(client.getWrappedKey(still, kek)).rejects.toThrow(
      /^KMIP request failed \(Get\): Invalid_Field: .*already wrapped/,
    );
  });
});

describe("raw HTTP: the other symmetric wrapping modes", () => {
  async function wrapWith(uid: string, kek: string, mode?: string) {
    const info = t.s(
      "EncryptionKeyInformation",
      t.text("UniqueIdentifier", kek),
      ...(mode ? [t.s("CryptographicParameters", t.e("BlockCipherMode", mode))] : []),
    );
    const r = await postKmip(
      server.url,
      t.s(
        "Get",
        t.s("KeyWrappingSpecification", t.e("WrappingMethod", "Encrypt"), info),
        t.text("UniqueIdentifier", uid),
      ),
    );
    expect(r.status, r.text).toBe(200);
    return { json: r.json!, wrapped: Buffer.from(valueOf(find(r.json, "KeyValue"), "KeyMaterial") as string, "hex") };
  }

  test("NISTKeyWrap = RFC 3394; AESKeyWrapPadding = RFC 5649; GCM = nonce ‖ ct ‖ tag; each re-imports", async () => {
    const kek = await client.createSymmetricKey();
    const kekBytes = await bytesOf(kek);
    const uid = await client.createSymmetricKey();
    const bytes = await bytesOf(uid);
    const nist = await wrapWith(uid, kek, "NISTKeyWrap");
    expect(nist.wrapped).toEqual(rfc3394(kekBytes, bytes));
    // the JS client cannot name NISTKeyWrap / AESKeyWrapPadding: its dialect gets no mode (unwrap
    // tells them apart by the integrity check); Cosmian 5.x requests (no "type" on Structures) get it
    expect(
      find(nist.json, "KeyWrappingData") && valueOf(find(nist.json, "KeyWrappingData"), "BlockCipherMode"),
    ).toBeUndefined();
    const v5 = await postKmip(server.url, {
      tag: "Get",
      value: [
        {
          tag: "KeyWrappingSpecification",
          value: [
            t.e("WrappingMethod", "Encrypt"),
            {
              tag: "EncryptionKeyInformation",
              value: [
                t.text("UniqueIdentifier", kek),
                { tag: "CryptographicParameters", value: [t.e("BlockCipherMode", "NISTKeyWrap")] },
              ],
            },
          ],
        },
        t.text("UniqueIdentifier", uid),
      ],
    });
    expect(v5.status, v5.text).toBe(200);
    expect(valueOf(find(v5.json, "KeyWrappingData"), "BlockCipherMode")).toBe("NISTKeyWrap");
    const kwp = await wrapWith(uid, kek, "AESKeyWrapPadding");
    expect(kwp.wrapped).toEqual(rfc5649(kekBytes, bytes));
    const gcm = await wrapWith(uid, kek, "GCM");
    expect(gcm.wrapped.length).toBe(12 + 32 + 16);
    const d = createDecipheriv("aes-256-gcm", kekBytes, gcm.wrapped.subarray(0, 12));
    d.setAuthTag(gcm.wrapped.subarray(44));
    expect(Buffer.concat([d.update(gcm.wrapped.subarray(12, 44)), d.final()])).toEqual(bytes);

    // each reply parses in the client and re-imports with unwrap=true through it
    for (const { json } of [nist, kwp, gcm]) {
      const response = deserialize(JSON.stringify(json)) as { object: Parameters<KmsClient["importKey"]>[1] };
      const copy = uniq("mode");
      await client.importKey(copy, response.object, true);
      expect(await bytesOf(copy)).toEqual(bytes);
    }
  });

  test("TTLVEncoding is refused with Encoding_Option_Error; an unsupported mode with Invalid_Field", async () => {
    const kek = await client.createSymmetricKey();
    const uid = await client.createSymmetricKey();
    const spec = (extra: ReturnType<typeof t.e>[]) =>
      t.s(
        "Get",
        t.s(
          "KeyWrappingSpecification",
          t.e("WrappingMethod", "Encrypt"),
          t.s("EncryptionKeyInformation", t.text("UniqueIdentifier", kek)),
          ...extra,
        ),
        t.text("UniqueIdentifier", uid),
      );
    const r1 = await postKmip(server.url, spec([t.e("EncodingOption", "TTLVEncoding")]));
    expect(r1.status).toBe(422);
    expect(r1.text).toMatch(/^Encoding_Option_Error: /);
    const r2 = await postKmip(
      server.url,
      t.s(
        "Get",
        t.s(
          "KeyWrappingSpecification",
          t.e("WrappingMethod", "Encrypt"),
          t.s(
            "EncryptionKeyInformation",
            t.text("UniqueIdentifier", kek),
            t.s("CryptographicParameters", t.e("BlockCipherMode", "CBC")),
          ),
        ),
        t.text("UniqueIdentifier", uid),
      ),
    );
    expect(r2.status).toBe(422);
    expect(r2.text).toMatch(/^Invalid_Field: .*CBC/);
  });
});
