/**
 * The symmetric key lifecycle through real HTTP on a real SQLite file: Create, Encrypt/Decrypt,
 * Get/Export formats, Import, Locate, attributes, Revoke, Destroy, ReKey, Activate.
 */
import { describe, expect, test } from "vitest";
import { createCipheriv, createDecipheriv } from "node:crypto";
import {
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

async function createKey(alg = "AES", bits?: number, extra: Node[] = []): Promise<string> {
  const attrs: Node[] = [
    t.e("CryptographicAlgorithm", alg),
    ...(bits ? [t.int("CryptographicLength", bits)] : []),
    ...extra,
  ];
  const r = await kmip(t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", ...attrs)));
  expect(r.status, r.text).toBe(200);
  expect(r.json?.tag).toBe("CreateResponse");
  return valueOf(r.json, "UniqueIdentifier") as string;
}

async function getKeyBytes(uid: string, format = "Raw"): Promise<Buffer> {
  const r = await kmip(t.s("Get", t.e("KeyFormatType", format), t.text("UniqueIdentifier", uid)));
  expect(r.status, r.text).toBe(200);
  const material = find(r.json, "KeyMaterial")!;
  const value = material.type === "ByteString" ? material.value : valueOf(material, "Key");
  return Buffer.from(value as string, "hex");
}

describe("Create", () => {
  test.each([
    ["AES", 128],
    ["AES", 192],
    ["AES", 256],
    ["ChaCha20", 256],
  ])("%s-%i makes a key of the right length", async (alg, bits) => {
    const uid = await createKey(alg, bits);
    expect((await getKeyBytes(uid)).length).toBe(bits / 8);
  });

  test("defaults to 256 bits and TransparentSymmetricKey for the JS client", async () => {
    const uid = await createKey("AES");
    const r = await kmip(t.s("Get", t.text("UniqueIdentifier", uid)));
    expect(valueOf(find(r.json, "KeyBlock"), "KeyFormatType")).toBe("TransparentSymmetricKey");
    expect(valueOf(find(r.json, "KeyBlock"), "CryptographicLength")).toBe(256);
    expect(valueOf(r.json, "ObjectType")).toBe("SymmetricKey");
    expect((valueOf(find(r.json, "KeyMaterial"), "Key") as string).length).toBe(64);
  });

  test("keeps a client-chosen unique identifier and refuses a duplicate", async () => {
    const id = `my-key-${crypto.randomUUID()}`;
    const uid = await createKey("AES", 256, [t.text("UniqueIdentifier", id)]);
    expect(uid).toBe(id);
    const again = await kmip(
      t.s(
        "Create",
        t.e("ObjectType", "SymmetricKey"),
        t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.text("UniqueIdentifier", id)),
      ),
    );
    expect(again.status).toBe(422);
    expect(again.text).toMatch(/^Object_Already_Exists: /);
  });

  test.each([
    [
      "an AES length that does not exist",
      [t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 100)],
      /Invalid_Attribute_Value: .*length/,
    ],
    ["no algorithm", [t.int("CryptographicLength", 256)], /cryptographic algorithm must be specified/],
    ["an unknown algorithm name", [t.e("CryptographicAlgorithm", "Rot13")], /^Invalid_Field: .*CryptographicAlgorithm/],
    ["an unsupported algorithm", [t.e("CryptographicAlgorithm", "Blowfish")], /Blowfish/],
  ])("refuses %s", async (_, attrs, message) => {
    const r = await kmip(t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", ...(attrs as Node[]))));
    expect(r.status).toBe(422);
    expect(r.text).toMatch(message as RegExp);
  });
});

describe("Encrypt and Decrypt", () => {
  test("AES-256-GCM round trip; the answer is what node:crypto computes with the same key and nonce", async () => {
    const uid = await createKey("AES", 256);
    const key = await getKeyBytes(uid);
    const plaintext = "hello world";
    const enc = await kmip(t.s("Encrypt", t.text("UniqueIdentifier", uid), t.b("Data", hex(plaintext))));
    expect(enc.status, enc.text).toBe(200);
    const nonce = Buffer.from(valueOf(enc.json, "IvCounterNonce") as string, "hex");
    const tag = Buffer.from(valueOf(enc.json, "AuthenticatedEncryptionTag") as string, "hex");
    const data = Buffer.from(valueOf(enc.json, "Data") as string, "hex");
    expect(nonce.length).toBe(12);
    expect(tag.length).toBe(16);
    expect(data.length).toBe(plaintext.length);
    const d = createDecipheriv("aes-256-gcm", key, nonce);
    d.setAuthTag(tag);
    expect(Buffer.concat([d.update(data), d.final()]).toString()).toBe(plaintext);

    const dec = await kmip(
      t.s(
        "Decrypt",
        t.b("IvCounterNonce", nonce.toString("hex")),
        t.b("AuthenticatedEncryptionTag", tag.toString("hex")),
        t.text("UniqueIdentifier", uid),
        t.b("Data", data.toString("hex")),
      ),
    );
    expect(dec.status, dec.text).toBe(200);
    expect(Buffer.from(valueOf(dec.json, "Data") as string, "hex").toString()).toBe(plaintext);
  });

  test("a fresh nonce for every encryption", async () => {
    const uid = await createKey("AES", 256);
    const nonces = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const enc = await kmip(t.s("Encrypt", t.text("UniqueIdentifier", uid), t.b("Data", "00")));
      nonces.add(valueOf(enc.json, "IvCounterNonce") as string);
    }
    expect(nonces.size).toBe(5);
  });

  test("AAD and a caller nonce: node:crypto decrypts it; wrong AAD, tag or nonce is a Cryptographic_Failure", async () => {
    const uid = await createKey("AES", 128);
    const key = await getKeyBytes(uid);
    const nonce = "000102030405060708090a0b";
    const aad = hex("header");
    const enc = await kmip(
      t.s(
        "Encrypt",
        t.text("UniqueIdentifier", uid),
        t.b("Data", hex("secret")),
        t.b("IvCounterNonce", nonce),
        t.b("AuthenticatedEncryptionAdditionalData", aad),
      ),
    );
    expect(enc.status, enc.text).toBe(200);
    expect(find(enc.json, "IvCounterNonce")).toBeUndefined(); // the caller knows it
    const tag = valueOf(enc.json, "AuthenticatedEncryptionTag") as string;
    const data = valueOf(enc.json, "Data") as string;
    const c = createCipheriv("aes-128-gcm", key, Buffer.from(nonce, "hex"));
    c.setAAD(Buffer.from(aad, "hex"));
    expect(
      Buffer.concat([c.update(Buffer.from("secret")), c.final()])
        .toString("hex")
        .toUpperCase(),
    ).toBe(data);
    expect(c.getAuthTag().toString("hex").toUpperCase()).toBe(tag);

    const decrypt = (n: string, tg: string, a: string) =>
      kmip(
        t.s(
          "Decrypt",
          t.text("UniqueIdentifier", uid),
          t.b("Data", data),
          t.b("IvCounterNonce", n),
          t.b("AuthenticatedEncryptionTag", tg),
          t.b("AuthenticatedEncryptionAdditionalData", a),
        ),
      );
    expect((await decrypt(nonce, tag, aad)).status).toBe(200);
    for (const bad of [
      await decrypt(nonce, tag, hex("other")),
      await decrypt(nonce, "00".repeat(16), aad),
      await decrypt("ff" + nonce.slice(2), tag, aad),
    ]) {
      expect(bad.status).toBe(422);
      expect(bad.text).toMatch(/^Cryptographic_Failure: /);
    }
  });

  test("ChaCha20-Poly1305 and XChaCha20-Poly1305 (24-byte nonce) round trips", async () => {
    const uid = await createKey("ChaCha20", 256);
    for (const nonce of [undefined, "11".repeat(24)]) {
      const enc = await kmip(
        t.s(
          "Encrypt",
          t.text("UniqueIdentifier", uid),
          t.b("Data", hex("chacha")),
          ...(nonce ? [t.b("IvCounterNonce", nonce)] : []),
        ),
      );
      expect(enc.status, enc.text).toBe(200);
      const n = nonce ?? (valueOf(enc.json, "IvCounterNonce") as string);
      expect(n.length).toBe(nonce ? 48 : 24);
      const dec = await kmip(
        t.s(
          "Decrypt",
          t.text("UniqueIdentifier", uid),
          t.b("Data", valueOf(enc.json, "Data") as string),
          t.b("IvCounterNonce", n),
          t.b("AuthenticatedEncryptionTag", valueOf(enc.json, "AuthenticatedEncryptionTag") as string),
        ),
      );
      expect(dec.status, dec.text).toBe(200);
      expect(Buffer.from(valueOf(dec.json, "Data") as string, "hex").toString()).toBe("chacha");
    }
  });

  test("Decrypt without a nonce is refused (missing-iv)", async () => {
    const uid = await createKey("AES", 256);
    const r = await kmip(
      t.s(
        "Decrypt",
        t.text("UniqueIdentifier", uid),
        t.b("Data", "00112233"),
        t.b("AuthenticatedEncryptionTag", "00".repeat(16)),
      ),
    );
    expect(r.status).toBe(422);
    expect(r.text).toMatch(/missing-iv/);
  });

  test("an unknown key is Item_Not_Found", async () => {
    const r = await kmip(t.s("Encrypt", t.text("UniqueIdentifier", "no-such-key"), t.b("Data", "00")));
    expect(r.status).toBe(422);
    expect(r.text).toBe("Item_Not_Found: Item not found: no-such-key");
  });
});

describe("Import, Get and Export", () => {
  test("Import a raw key (TransparentSymmetricKey), Get it back in both formats, encrypt with it", async () => {
    const id = `imported-${crypto.randomUUID()}`;
    const key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    const attrs = t.s(
      "Attributes",
      t.e("CryptographicAlgorithm", "AES"),
      t.int("CryptographicLength", 256),
      t.e("CryptographicUsageMask", 12),
      t.e("KeyFormatType", "TransparentSymmetricKey"),
    );
    const r = await kmip(
      t.s(
        "Import",
        t.bool("ReplaceExisting", false),
        t.text("UniqueIdentifier", id),
        t.e("ObjectType", "SymmetricKey"),
        attrs,
        t.s(
          "Object",
          t.s(
            "KeyBlock",
            t.s("KeyValue", attrs, t.s("KeyMaterial", t.b("Key", key))),
            t.e("CryptographicAlgorithm", "AES"),
            t.e("KeyFormatType", "TransparentSymmetricKey"),
            t.int("CryptographicLength", 256),
          ),
        ),
      ),
    );
    expect(r.status, r.text).toBe(200);
    expect(valueOf(r.json, "UniqueIdentifier")).toBe(id);
    expect((await getKeyBytes(id, "Raw")).toString("hex")).toBe(key);
    expect((await getKeyBytes(id, "TransparentSymmetricKey")).toString("hex")).toBe(key);

    const again = await kmip(
      t.s(
        "Import",
        t.text("UniqueIdentifier", id),
        t.e("ObjectType", "SymmetricKey"),
        t.s(
          "Object",
          t.s("KeyBlock", t.e("KeyFormatType", "Raw"), t.s("KeyValue", t.b("KeyMaterial", "ff".repeat(32)))),
        ),
      ),
    );
    expect(again.status).toBe(422);
    expect(again.text).toMatch(/^Object_Already_Exists/);
    const replaced = await kmip(
      t.s(
        "Import",
        t.bool("ReplaceExisting", true),
        t.text("UniqueIdentifier", id),
        t.e("ObjectType", "SymmetricKey"),
        t.s(
          "Object",
          t.s(
            "KeyBlock",
            t.e("KeyFormatType", "Raw"),
            t.s("KeyValue", t.b("KeyMaterial", "ff".repeat(32))),
            t.e("CryptographicAlgorithm", "AES"),
          ),
        ),
      ),
    );
    expect(replaced.status, replaced.text).toBe(200);
    expect((await getKeyBytes(id)).toString("hex")).toBe("ff".repeat(32));
  });

  test("Import in the Cosmian v5 form (object under its type tag, no Structure type)", async () => {
    const id = `v5-${crypto.randomUUID()}`;
    const body = {
      tag: "Import",
      value: [
        { tag: "UniqueIdentifier", type: "TextString", value: id },
        { tag: "ObjectType", type: "Enumeration", value: "SymmetricKey" },
        { tag: "Attributes", value: [{ tag: "CryptographicAlgorithm", type: "Enumeration", value: "AES" }] },
        {
          tag: "SymmetricKey",
          value: [
            {
              tag: "KeyBlock",
              value: [
                { tag: "KeyFormatType", type: "Enumeration", value: "TransparentSymmetricKey" },
                {
                  tag: "KeyValue",
                  value: [{ tag: "KeyMaterial", value: [{ tag: "Key", type: "ByteString", value: "AB".repeat(16) }] }],
                },
                { tag: "CryptographicAlgorithm", type: "Enumeration", value: "AES" },
                { tag: "CryptographicLength", type: "Integer", value: 128 },
              ],
            },
          ],
        },
      ],
    };
    const r = await kmip(body);
    expect(r.status, r.text).toBe(200);
    expect(r.json?.type).toBeUndefined(); // answered in the v5 form
    const g = await kmip({ tag: "Get", value: [{ tag: "UniqueIdentifier", type: "TextString", value: id }] });
    expect(g.status, g.text).toBe(200);
    const obj = ((g.json?.value ?? []) as Node[]).find((n) => n.tag === "SymmetricKey");
    expect(obj).toBeDefined();
    expect(valueOf(obj, "KeyFormatType")).toBe("Raw");
    expect(valueOf(obj, "KeyMaterial")).toBe("AB".repeat(16));
  });

  test("Export carries the attributes; Get of a Deactivated key is refused but Export works", async () => {
    const uid = await createKey("AES", 256);
    const rev = await kmip(t.s("Revoke", t.text("UniqueIdentifier", uid), t.text("RevocationReason", "rotated")));
    expect(rev.status, rev.text).toBe(200);
    const g = await kmip(t.s("Get", t.text("UniqueIdentifier", uid)));
    expect(g.status).toBe(422);
    expect(g.text).toMatch(/^Wrong_Key_Lifecycle_State: .*DENIED/);
    const x = await kmip(t.s("Export", t.text("UniqueIdentifier", uid)));
    expect(x.status, x.text).toBe(200);
    expect(valueOf(find(x.json, "Attributes"), "State")).toBe("Deactivated");
  });
});

describe("Locate", () => {
  test("finds exactly the objects carrying all the tags, pages with MaximumItems/OffsetItems", async () => {
    const tag = `t-${crypto.randomUUID()}`;
    const tagAttr = (tags: string[]) =>
      t.s(
        "VendorAttributes",
        t.s(
          "VendorAttributes",
          t.text("VendorIdentification", "cosmian"),
          t.text("AttributeName", "tag"),
          t.b("AttributeValue", hex(JSON.stringify(tags))),
        ),
      );
    const a = await createKey("AES", 256, [tagAttr([tag, "x"])]);
    const b = await createKey("AES", 128, [tagAttr([tag])]);
    const locate = async (tags: string[], extra: Node[] = [], top: Node[] = []) => {
      const r = await kmip(t.s("Locate", ...top, t.s("Attributes", tagAttr(tags), ...extra)));
      expect(r.status, r.text).toBe(200);
      return findAll(find(r.json, "UniqueIdentifier"), "UniqueIdentifier")
        .filter((n) => n.type === "TextString")
        .map((n) => n.value);
    };
    expect(await locate([tag])).toEqual([a, b]);
    expect(await locate([tag, "x"])).toEqual([a]);
    expect(await locate([tag, "nope"])).toEqual([]);
    expect(await locate([tag], [t.int("CryptographicLength", 128)])).toEqual([b]);
    expect(await locate([tag], [], [t.int("MaximumItems", 1)])).toEqual([a]);
    expect(await locate([tag], [], [t.int("OffsetItems", 1)])).toEqual([b]);
  });
});

describe("lifecycle", () => {
  test("Revoke (compromise) then Decrypt still works, Encrypt does not; Destroy erases; Get fails", async () => {
    const uid = await createKey("AES", 256);
    const enc = await kmip(t.s("Encrypt", t.text("UniqueIdentifier", uid), t.b("Data", hex("keep me"))));
    const rev = await kmip(t.s("Revoke", t.text("UniqueIdentifier", uid), t.int("RevocationReason", 2)));
    expect(rev.status, rev.text).toBe(200);
    const attrs = await kmip(t.s("GetAttributes", t.text("UniqueIdentifier", uid)));
    expect(valueOf(attrs.json, "State")).toBe("Compromised");
    const enc2 = await kmip(t.s("Encrypt", t.text("UniqueIdentifier", uid), t.b("Data", "00")));
    expect(enc2.status).toBe(422);
    const dec = await kmip(
      t.s(
        "Decrypt",
        t.text("UniqueIdentifier", uid),
        t.b("Data", valueOf(enc.json, "Data") as string),
        t.b("IvCounterNonce", valueOf(enc.json, "IvCounterNonce") as string),
        t.b("AuthenticatedEncryptionTag", valueOf(enc.json, "AuthenticatedEncryptionTag") as string),
      ),
    );
    expect(dec.status, dec.text).toBe(200);
    const des = await kmip(t.s("Destroy", t.text("UniqueIdentifier", uid)));
    expect(des.status, des.text).toBe(200);
    const g = await kmip(t.s("Get", t.text("UniqueIdentifier", uid)));
    expect(g.status).toBe(422);
    expect(g.text).toMatch(/^Object_Destroyed/);
    const after = await kmip(t.s("GetAttributes", t.text("UniqueIdentifier", uid)));
    expect(valueOf(after.json, "State")).toBe("Destroyed_Compromised");
  });

  test("a key with a future ActivationDate is PreActive until Activate", async () => {
    const uid = await createKey("AES", 256, [t.date("ActivationDate", "2099-01-01T00:00:00Z")]);
    const attrs = await kmip(t.s("GetAttributes", t.text("UniqueIdentifier", uid)));
    expect(valueOf(attrs.json, "State")).toBe("PreActive");
    expect((await kmip(t.s("Encrypt", t.text("UniqueIdentifier", uid), t.b("Data", "00")))).status).toBe(422);
    const act = await kmip(t.s("Activate", t.text("UniqueIdentifier", uid)));
    expect(act.status, act.text).toBe(200);
    expect((await kmip(t.s("Encrypt", t.text("UniqueIdentifier", uid), t.b("Data", "00")))).status).toBe(200);
    const again = await kmip(t.s("Activate", t.text("UniqueIdentifier", uid)));
    expect(again.text).toMatch(/already/);
    // Active with an ActivationDate: revoke first
    const des = await kmip(t.s("Destroy", t.text("UniqueIdentifier", uid)));
    expect(des.status).toBe(422);
    expect(des.text).toMatch(/DENIED/);
  });

  test("ReKey makes a new key linked both ways; the old one stays Active until revoked (KMIP, Cosmian corpus)", async () => {
    const uid = await createKey("AES", 192);
    const r = await kmip(t.s("ReKey", t.text("UniqueIdentifier", uid)));
    expect(r.status, r.text).toBe(200);
    const fresh = valueOf(r.json, "UniqueIdentifier") as string;
    expect(fresh).not.toBe(uid);
    expect((await getKeyBytes(fresh)).length).toBe(24);
    expect(
      (await getKeyBytes(fresh)).equals(
        await (async () => {
          const x = await kmip(t.s("Export", t.e("KeyFormatType", "Raw"), t.text("UniqueIdentifier", uid)));
          return Buffer.from(valueOf(x.json, "KeyMaterial") as string, "hex");
        })(),
      ),
    ).toBe(false);
    const oldAttrs = await kmip(t.s("GetAttributes", t.text("UniqueIdentifier", uid)));
    expect(valueOf(oldAttrs.json, "State")).toBe("Active"); // test/conformance: fips/kmip_operations/rekey_locate_by_name
    const link = findAll(oldAttrs.json, "Link").find((l) => valueOf(l, "LinkType") === "ReplacementObjectLink");
    expect(valueOf(link, "LinkedObjectIdentifier")).toBe(fresh);
    const newAttrs = await kmip(t.s("GetAttributes", t.text("UniqueIdentifier", fresh)));
    const back = findAll(newAttrs.json, "Link").find((l) => valueOf(l, "LinkType") === "ReplacedObjectLink");
    expect(valueOf(back, "LinkedObjectIdentifier")).toBe(uid);
  });
});

describe("attributes", () => {
  test("Set, Add, Modify and Delete attributes; server-managed ones are read-only", async () => {
    const uid = await createKey("AES", 256);
    const set = await kmip(
      t.s("SetAttribute", t.text("UniqueIdentifier", uid), t.s("NewAttribute", t.text("Description", "payments key"))),
    );
    expect(set.status, set.text).toBe(200);
    const add = await kmip(
      t.s(
        "AddAttribute",
        t.text("UniqueIdentifier", uid),
        t.s("NewAttribute", t.s("Name", t.text("NameValue", "pay"), t.e("NameType", "UninterpretedTextString"))),
      ),
    );
    expect(add.status, add.text).toBe(200);
    const mod = await kmip(
      t.s(
        "ModifyAttribute",
        t.text("UniqueIdentifier", uid),
        t.s("NewAttribute", t.text("Description", "billing key")),
      ),
    );
    expect(mod.status, mod.text).toBe(200);
    let attrs = await kmip(t.s("GetAttributes", t.text("UniqueIdentifier", uid)));
    expect(valueOf(attrs.json, "Description")).toBe("billing key");
    expect(valueOf(find(attrs.json, "Name"), "NameValue")).toBe("pay");
    const del = await kmip(
      t.s("DeleteAttribute", t.text("UniqueIdentifier", uid), t.e("AttributeReference", "Description")),
    );
    expect(del.status, del.text).toBe(200);
    attrs = await kmip(
      t.s(
        "GetAttributes",
        t.text("UniqueIdentifier", uid),
        t.e("AttributeReference", "Description"),
        t.e("AttributeReference", "CryptographicLength"),
      ),
    );
    expect(valueOf(attrs.json, "Description")).toBeUndefined();
    expect(valueOf(attrs.json, "CryptographicLength")).toBe(256);
    const ro = await kmip(
      t.s("SetAttribute", t.text("UniqueIdentifier", uid), t.s("NewAttribute", t.e("State", "Active"))),
    );
    expect(ro.status).toBe(422);
    expect(ro.text).toMatch(/server-managed/);
  });
});

describe("server operations", () => {
  test("Query, DiscoverVersions, RNGRetrieve", async () => {
    const q = await kmip(
      t.s("Query", t.e("QueryFunction", "QueryOperations"), t.e("QueryFunction", "QueryServerInformation")),
    );
    expect(q.status, q.text).toBe(200);
    expect(findAll(q.json, "Operation").map((n) => n.value)).toEqual(
      expect.arrayContaining(["Create", "Encrypt", "Locate"]),
    );
    expect(valueOf(q.json, "VendorIdentification")).toBe("cosmian");
    const d = await kmip(
      t.s(
        "DiscoverVersions",
        t.s("ProtocolVersion", t.int("ProtocolVersionMajor", 1), t.int("ProtocolVersionMinor", 4)),
        t.s("ProtocolVersion", t.int("ProtocolVersionMajor", 9), t.int("ProtocolVersionMinor", 9)),
      ),
    );
    expect(findAll(d.json, "ProtocolVersionMajor").map((n) => n.value)).toEqual([1]);
    const r = await kmip(t.s("RNGRetrieve", t.int("DataLength", 32)));
    expect((valueOf(r.json, "Data") as string).length).toBe(64);
    const r2 = await kmip(t.s("RNGRetrieve", t.int("DataLength", 32)));
    expect(valueOf(r2.json, "Data")).not.toBe(valueOf(r.json, "Data"));
  });
});
