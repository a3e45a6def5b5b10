/**
 * CoverCrypt through HTTP with hand-built KMIP JSON: CreateKeyPair, user-key Create, Get/Import
 * formats, Encrypt/Decrypt framing (single and bulk), ReKeyKeyPair, in both wire dialects, and
 * every kind of bad input answered with a clean 422 (never a 500).
 */
import { beforeAll, describe, expect, test } from "vitest";
import {
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
import * as cc from "../../src/crypto/covercrypt/index.ts";

let server: TestServer;
const ALICE = "alice-token-0123456789abcdef";
const BOB = "bob-token-0123456789abcdefgh";
useTestServer((s) => (server = s), {
  apiKeys: [
    { user: "alice", token: ALICE },
    { user: "bob", token: BOB },
  ],
});

const kmip = (body: unknown, token = ALICE) => postKmip(server.url, body, { authorization: `Bearer ${token}` });
const text = (h: unknown) => Buffer.from(h as string, "hex").toString("utf8");

const attr = (id: number) => `{"id":${id},"encryption_hint":"Classic","write_status":"EncryptDecrypt"}`;
const POLICY =
  `{"version":"V2","last_attribute_value":5,"dimensions":{"Level":{"Ordered":{"Low":${attr(1)},"High":${attr(2)}}},` +
  `"Dept":{"Unordered":{"FIN":${attr(3)},"HR":${attr(4)},"MKG":${attr(5)}}}}}`;

const va = (name: string, value: Node) =>
  t.s("VendorAttributes", t.text("VendorIdentification", "cosmian"), t.text("AttributeName", name), value);
const vaBytes = (name: string, value: string) => va(name, t.b("AttributeValue", hex(value)));
const vendor = (...items: Node[]) => t.s("VendorAttributes", ...items);
const link = (type: string, id: string) =>
  t.s("Link", t.s("Link", t.e("LinkType", type), t.text("LinkedObjectIdentifier", id)));

async function ok(body: unknown, token = ALICE): Promise<Node> {
  const r = await kmip(body, token);
  expect(r.status, r.text).toBe(200);
  return r.json!;
}

async function refused(body: unknown, pattern: RegExp, token = ALICE): Promise<string> {
  const r = await kmip(body, token);
  expect(r.status, r.text).toBe(422);
  expect(r.text).toMatch(pattern);
  return r.text;
}

const createPairBody = (policy: string | Node, extra: Node[] = []) =>
  t.s(
    "CreateKeyPair",
    t.s(
      "CommonAttributes",
      t.e("ObjectType", "PrivateKey"),
      vendor(typeof policy === "string" ? vaBytes("cover_crypt_policy", policy) : policy),
      t.e("CryptographicAlgorithm", "CoverCrypt"),
      t.e("KeyFormatType", "CoverCryptSecretKey"),
      ...extra,
    ),
  );

async function createPair(policy = POLICY, extra: Node[] = []): Promise<[string, string]> {
  const r = await ok(createPairBody(policy, extra));
  return [valueOf(r, "PrivateKeyUniqueIdentifier") as string, valueOf(r, "PublicKeyUniqueIdentifier") as string];
}

const createUserKeyBody = (access: string, msk: string, extra: Node[] = []) =>
  t.s(
    "Create",
    t.e("ObjectType", "PrivateKey"),
    t.s(
      "Attributes",
      t.e("ObjectType", "PrivateKey"),
      link("ParentLink", msk),
      vendor(vaBytes("cover_crypt_access_policy", access)),
      t.e("CryptographicAlgorithm", "CoverCrypt"),
      t.e("CryptographicUsageMask", 8),
      t.e("KeyFormatType", "CoverCryptSecretKey"),
      ...extra,
    ),
  );

async function createUserKey(access: string, msk: string, token = ALICE): Promise<string> {
  return valueOf(await ok(createUserKeyBody(access, msk), token), "UniqueIdentifier") as string;
}

const get = (uid: string) => ok(t.s("Get", t.text("UniqueIdentifier", uid)));
const keyOf = async (uid: string) => fromHex(valueOf(find(await get(uid), "KeyValue"), "KeyMaterial"));

/** Cosmian's DataToEncrypt framing. */
function dataToEncrypt(ap: string, meta: string, ...plaintexts: string[]): string {
  const vec = (h: string) => leb(h.length / 2) + h;
  const leb = (n: number) => {
    let s = "";
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n) b |= 0x80;
      s += b.toString(16).padStart(2, "0");
    } while (n);
    return s;
  };
  const tail =
    plaintexts.length === 1 ? hex(plaintexts[0]) : leb(plaintexts.length) + plaintexts.map((p) => vec(hex(p))).join("");
  return vec(hex(ap)) + vec(hex(meta)) + tail;
}

const encryptBody = (mpk: string, data: string, extra: Node[] = []) =>
  t.s("Encrypt", ...extra, t.text("UniqueIdentifier", mpk), t.b("Data", data));
const decryptBody = (udk: string, data: string, extra: Node[] = []) =>
  t.s("Decrypt", ...extra, t.text("UniqueIdentifier", udk), t.b("Data", data));
const BULK = t.s("CryptographicParameters", t.e("CryptographicAlgorithm", "CoverCryptBulk"));

async function encryptHex(mpk: string, ap: string, pt: string, meta = "", extra: Node[] = []): Promise<string> {
  return valueOf(await ok(encryptBody(mpk, dataToEncrypt(ap, meta, pt), extra)), "Data") as string;
}

describe("CreateKeyPair", () => {
  test("makes the two master keys: formats, lengths, links, the policy on both, Get echoes it", async () => {
    const [msk, mpk] = await createPair();
    expect(mpk).toBe(`${msk}_pk`);
    for (const [uid, type, format] of [
      [msk, "PrivateKey", "CoverCryptSecretKey"],
      [mpk, "PublicKey", "CoverCryptPublicKey"],
    ]) {
      const r = await get(uid);
      expect(valueOf(r, "ObjectType")).toBe(type);
      const kb = find(r, "KeyBlock")!;
      expect(valueOf(kb, "KeyFormatType")).toBe(format);
      expect(valueOf(kb, "CryptographicAlgorithm")).toBe("CoverCrypt");
      const material = find(kb, "KeyMaterial")!;
      expect(material.type).toBe("ByteString");
      expect(valueOf(kb, "CryptographicLength")).toBe((material.value as string).length * 4);
      const inner = find(find(kb, "KeyValue"), "Attributes")!;
      expect(valueOf(inner, "KeyFormatType")).toBe(format);
      const policy = findAll(inner, "VendorAttributes").find(
        (n) => valueOf(n, "AttributeName") === "cover_crypt_policy",
      );
      expect(text(valueOf(policy, "AttributeValue"))).toBe(POLICY);
      expect(valueOf(find(inner, "Link"), "LinkedObjectIdentifier")).toBe(uid === msk ? mpk : msk);
      // nothing the JS client cannot parse
      expect(JSON.stringify(r)).not.toMatch(/"type":"(DateTime|Boolean|LongInteger)"/);
    }
    // the keys are a cover_crypt 14 pair for that policy
    const usk = cc.generateUserSecretKey(await keyOf(msk), "Dept::FIN && Level::Low", POLICY);
    const ct = cc.encrypt(POLICY, await keyOf(mpk), "Dept::FIN && Level::Low", new TextEncoder().encode("pair"));
    expect(new TextDecoder().decode(cc.decrypt(usk, ct).plaintext)).toBe("pair");
  });

  test("tags go to both keys; the policy may be a TextString; a V1 policy is stored converted to V2", async () => {
    const tag = `t-${crypto.randomUUID()}`;
    const v1 = `{"version":"V1","last_attribute_value":3,"max_attribute_creations":100,"axes":{"S":{"attribute_names":["Lo","Hi"],"is_hierarchical":true},"D":{"attribute_names":["HR"],"is_hierarchical":false}},"attributes":{"S::Hi":{"values":[2],"encryption_hint":"Classic"},"S::Lo":{"values":[1],"encryption_hint":"Classic"},"D::HR":{"values":[3],"encryption_hint":"Classic"}}}`;
    const r = await ok(
      createPairBody(va("cover_crypt_policy", t.text("AttributeValue", v1)), [
        vendor(vaBytes("tag", JSON.stringify([tag]))),
      ]),
    );
    const msk = valueOf(r, "PrivateKeyUniqueIdentifier") as string;
    const loc = await ok(t.s("Locate", t.s("Attributes", vendor(vaBytes("tag", JSON.stringify([tag]))))));
    expect(
      (
        findAll(loc, "UniqueIdentifier")
          .filter((n) => n.type === "TextString")
          .map((n) => n.value) as string[]
      ).sort(),
    ).toEqual([msk, `${msk}_pk`].sort());
    const stored = findAll(await get(msk), "VendorAttributes").find(
      (n) => valueOf(n, "AttributeName") === "cover_crypt_policy",
    );
    expect(text(valueOf(stored, "AttributeValue"))).toBe(
      `{"version":"V2","last_attribute_value":3,"dimensions":{"S":{"Ordered":{"Lo":${attr(1)},"Hi":${attr(2)}}},"D":{"Unordered":{"HR":${attr(3)}}}}}`,
    );
  });

  test.each([
    ["no policy", createPairBody(vaBytes("tag", '["x"]')), /^Invalid_Attribute_Value: .*cover_crypt_policy/],
    ["a policy that is not JSON", createPairBody("{not json"), /^Invalid_Attribute_Value: .*DeserializationError/],
    [
      "a policy that is JSON but not a policy",
      createPairBody('{"version":"V2"}'),
      /^Invalid_Attribute_Value: .*missing field/,
    ],
    [
      "a policy with no dimension",
      createPairBody('{"version":"V2","last_attribute_value":0,"dimensions":{}}'),
      /^Invalid_Attribute_Value: .*no dimension/,
    ],
    [
      "a policy in invalid UTF-8",
      createPairBody(va("cover_crypt_policy", t.b("AttributeValue", "ff"))),
      /^Invalid_Attribute_Value: .*UTF-8/,
    ],
  ])("refuses %s", async (_, body, pattern) => {
    await refused(body, pattern);
  });

  test("refuses a universe too large to set up", async () => {
    const dim = (k: number) =>
      `{"Unordered":{${Array.from({ length: 65 }, (_, i) => `"a${i}":${attr(k * 65 + i + 1)}`).join(",")}}}`;
    await refused(
      createPairBody(`{"version":"V2","last_attribute_value":130,"dimensions":{"A":${dim(0)},"B":${dim(1)}}}`),
      /too many partitions/,
    );
  });

  test("answers the Cosmian v5 dialect (keys under their type tag, vendor attributes as Attribute)", async () => {
    const body = {
      tag: "CreateKeyPair",
      value: [
        {
          tag: "CommonAttributes",
          value: [
            { tag: "CryptographicAlgorithm", type: "Enumeration", value: "CoverCrypt" },
            {
              tag: "Attribute",
              value: [
                { tag: "VendorIdentification", type: "TextString", value: "cosmian" },
                { tag: "AttributeName", type: "TextString", value: "cover_crypt_policy" },
                { tag: "AttributeValue", type: "ByteString", value: hex(POLICY) },
              ],
            },
          ],
        },
      ],
    };
    const r = await ok(body);
    const msk = valueOf(r, "PrivateKeyUniqueIdentifier") as string;
    const g = await ok({ tag: "Get", value: [{ tag: "UniqueIdentifier", type: "TextString", value: msk }] });
    const obj = (g.value as Node[]).find((n) => n.tag === "PrivateKey");
    expect(valueOf(obj, "KeyFormatType")).toBe("CoverCryptSecretKey");
  });
});

describe("user decryption keys (Create PrivateKey)", () => {
  let msk: string, mpk: string;
  beforeAll(async () => {
    [msk, mpk] = await createPair();
  });

  test("linked to the master, access policy kept as given, tag _uk, decrypts what it should", async () => {
    const ap = "Dept::FIN && Level::High";
    const uid = await createUserKey(ap, msk);
    const r = await get(uid);
    const inner = find(find(r, "KeyValue"), "Attributes")!;
    expect(valueOf(find(r, "KeyBlock"), "KeyFormatType")).toBe("CoverCryptSecretKey");
    expect(
      text(
        valueOf(
          findAll(inner, "VendorAttributes").find((n) => valueOf(n, "AttributeName") === "cover_crypt_access_policy"),
          "AttributeValue",
        ),
      ),
    ).toBe(ap);
    expect(valueOf(find(inner, "Link"), "LinkType")).toBe("ParentLink");
    expect(valueOf(find(inner, "Link"), "LinkedObjectIdentifier")).toBe(msk);
    const loc = await ok(t.s("Locate", t.s("Attributes", vendor(vaBytes("tag", '["_uk"]')))));
    expect(findAll(loc, "UniqueIdentifier").map((n) => n.value)).toContain(uid);
    const ct = await encryptHex(mpk, "Dept::FIN && Level::Low", "hello");
    expect(text(valueOf(await ok(decryptBody(uid, ct)), "Data"))).toBe("\x00hello");
    // the key itself: a cover_crypt user key that opens the same ciphertext locally
    expect(new TextDecoder().decode(cc.decrypt(await keyOf(uid), fromHex(ct)).plaintext)).toBe("hello");
  });

  test("the ParentLink may name the master key by its tags; the stored link is its id and rekey refreshes the key", async () => {
    const tag = `m-${crypto.randomUUID()}`;
    const [msk2, mpk2] = await createPair(POLICY, [vendor(vaBytes("tag", JSON.stringify([tag])))]);
    const uid = await createUserKey("Dept::FIN && Level::Low", JSON.stringify([tag]));
    expect(valueOf(find(find(await get(uid), "KeyValue"), "Link"), "LinkedObjectIdentifier")).toBe(msk2);
    await ok(
      t.s(
        "ReKeyKeyPair",
        t.s("PrivateKeyAttributes", vendor(vaBytes("cover_crypt_rekey_action", '{"RekeyAccessPolicy":"Dept::FIN"}'))),
        t.text("PrivateKeyUniqueIdentifier", msk2),
      ),
    );
    const ct = await encryptHex(mpk2, "Dept::FIN && Level::Low", "tagged");
    expect(text(valueOf(await ok(decryptBody(uid, ct)), "Data"))).toBe("\x00tagged");
  });

  test.each([
    [
      "an access policy naming an unknown attribute",
      () => createUserKeyBody("Dept::NOPE", msk),
      /^Invalid_Attribute_Value: .*AttributeNotFound/,
    ],
    [
      "an unknown dimension",
      () => createUserKeyBody("Nope::FIN", msk),
      /^Invalid_Attribute_Value: .*DimensionNotFound/,
    ],
    ["a broken boolean expression", () => createUserKeyBody("(Dept::FIN", msk), /^Invalid_Attribute_Value: /],
    ["an empty access policy", () => createUserKeyBody("  ", msk), /^Invalid_Attribute_Value: .*empty/],
    [
      "no access policy",
      () =>
        t.s(
          "Create",
          t.e("ObjectType", "PrivateKey"),
          t.s("Attributes", link("ParentLink", msk), t.e("CryptographicAlgorithm", "CoverCrypt")),
        ),
      /^Invalid_Attribute_Value: .*cover_crypt_access_policy/,
    ],
    [
      "no ParentLink",
      () =>
        t.s(
          "Create",
          t.e("ObjectType", "PrivateKey"),
          t.s(
            "Attributes",
            vendor(vaBytes("cover_crypt_access_policy", "Dept::FIN")),
            t.e("CryptographicAlgorithm", "CoverCrypt"),
          ),
        ),
      /^Invalid_Field: .*ParentLink/,
    ],
    ["a ParentLink to nothing", () => createUserKeyBody("Dept::FIN", "no-such-key"), /^Object_Not_Found: /],
    [
      "a ParentLink to the public key",
      () => createUserKeyBody("Dept::FIN", mpk),
      /^Invalid_Object_Type: .*master public key/,
    ],
    [
      "a non-CoverCrypt private key",
      () => t.s("Create", t.e("ObjectType", "PrivateKey"), t.s("Attributes", t.e("CryptographicAlgorithm", "ECDH"))),
      /^Invalid_Attribute_Value: .*CreateKeyPair/,
    ],
  ])("refuses %s", async (_, body, pattern) => {
    await refused(body(), pattern);
  });

  test("refuses a ParentLink to a symmetric key and to another user key", async () => {
    const sym = valueOf(
      await ok(
        t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", t.e("CryptographicAlgorithm", "AES"))),
      ),
      "UniqueIdentifier",
    ) as string;
    await refused(createUserKeyBody("Dept::FIN", sym), /^Invalid_Object_Type: .*not a CoverCrypt master secret key/);
    const udk = await createUserKey("Dept::FIN && Level::Low", msk);
    await refused(createUserKeyBody("Dept::FIN", udk), /^Invalid_Object_Type: .*user decryption key/);
  });

  test("the caller must be allowed to use the master key; a revoked master issues no key", async () => {
    await refused(createUserKeyBody("Dept::FIN", msk), /^Object_Not_Found: /, BOB);
    const [msk2] = await createPair();
    await ok(t.s("Revoke", t.text("UniqueIdentifier", msk2), t.text("RevocationReason", "retired")));
    await refused(createUserKeyBody("Dept::FIN", msk2), /^Wrong_Key_Lifecycle_State: /);
  });
});

describe("Import", () => {
  test("Cosmian's KeyMaterial{ByteString} form and a CryptographicLength in bytes are accepted; Get returns the bytes", async () => {
    const { secretKey } = cc.generateMasterKeys(POLICY);
    const usk = cc.generateUserSecretKey(secretKey, "Dept::HR && Level::Low", POLICY);
    const id = `imp-${crypto.randomUUID()}`;
    const attrs = t.s(
      "Attributes",
      t.e("ObjectType", "PrivateKey"),
      vendor(vaBytes("cover_crypt_access_policy", "Dept::HR && Level::Low")),
      t.e("CryptographicAlgorithm", "CoverCrypt"),
      t.e("KeyFormatType", "CoverCryptSecretKey"),
    );
    await ok(
      t.s(
        "Import",
        t.bool("ReplaceExisting", false),
        t.text("UniqueIdentifier", id),
        t.e("ObjectType", "PrivateKey"),
        attrs,
        t.s(
          "Object",
          t.s(
            "KeyBlock",
            t.s("KeyValue", attrs, t.s("KeyMaterial", t.b("ByteString", hex(usk)))),
            t.e("CryptographicAlgorithm", "CoverCrypt"),
            t.e("KeyFormatType", "CoverCryptSecretKey"),
            t.int("CryptographicLength", usk.length),
          ),
        ),
      ),
    );
    const r = await get(id);
    expect(valueOf(find(r, "KeyValue"), "KeyMaterial")).toBe(Buffer.from(usk).toString("hex").toUpperCase());
    expect(valueOf(find(r, "KeyBlock"), "CryptographicLength")).toBe(usk.length);
  });

  test("garbage labelled CoverCrypt is refused; a CoverCrypt format without the algorithm is stored as given", async () => {
    const body = (type: string, format: string, alg: Node[]) =>
      t.s(
        "Import",
        t.text("UniqueIdentifier", `imp-${crypto.randomUUID()}`),
        t.e("ObjectType", type),
        t.s("Attributes", ...alg),
        t.s(
          "Object",
          t.s("KeyBlock", t.e("KeyFormatType", format), t.s("KeyValue", t.b("KeyMaterial", "00".repeat(40))), ...alg),
        ),
      );
    await refused(
      body("PublicKey", "CoverCryptPublicKey", [t.e("CryptographicAlgorithm", "CoverCrypt")]),
      /^Invalid_Field: .*not a valid CoverCrypt master public key/,
    );
    await refused(
      body("PrivateKey", "CoverCryptSecretKey", [t.e("CryptographicAlgorithm", "CoverCrypt")]),
      /^Invalid_Field: .*not a valid CoverCrypt/,
    );
    await refused(
      body("PrivateKey", "CoverCryptPublicKey", [t.e("CryptographicAlgorithm", "CoverCrypt")]),
      /^Invalid_Field: .*not a valid CoverCrypt master public key/,
    );
    // cloudproof_kms_js's "bad format type" test imports a DER key labelled CoverCryptPublicKey
    await ok(body("PrivateKey", "CoverCryptPublicKey", []));
  });

  test("a master key imported with a broken policy is refused", async () => {
    const { publicKey } = cc.generateMasterKeys(POLICY);
    await refused(
      t.s(
        "Import",
        t.text("UniqueIdentifier", `imp-${crypto.randomUUID()}`),
        t.e("ObjectType", "PublicKey"),
        t.s("Attributes", vendor(vaBytes("cover_crypt_policy", "{oops")), t.e("CryptographicAlgorithm", "CoverCrypt")),
        t.s(
          "Object",
          t.s(
            "KeyBlock",
            t.e("KeyFormatType", "CoverCryptPublicKey"),
            t.s("KeyValue", t.b("KeyMaterial", hex(publicKey))),
            t.e("CryptographicAlgorithm", "CoverCrypt"),
          ),
        ),
      ),
      /^Invalid_Attribute_Value: .*cover_crypt_policy/,
    );
  });

  test("Get in another format is refused", async () => {
    const [msk] = await createPair();
    await refused(
      t.s("Get", t.e("KeyFormatType", "PKCS8"), t.text("UniqueIdentifier", msk)),
      /^Key_Format_Type_Not_Supported: /,
    );
    await ok(t.s("Get", t.e("KeyFormatType", "CoverCryptSecretKey"), t.text("UniqueIdentifier", msk)));
  });
});

describe("Encrypt and Decrypt", () => {
  let msk: string, mpk: string, fin: string, hr: string;
  beforeAll(async () => {
    [msk, mpk] = await createPair();
    fin = await createUserKey("Dept::FIN && Level::High", msk);
    hr = await createUserKey("Dept::HR && Level::Low", msk);
  });

  test("Data framing: the reply is a full ciphertext; Decrypt answers LEB128(len meta) ‖ meta ‖ plaintext", async () => {
    const aad = [t.b("AuthenticatedEncryptionAdditionalData", hex("aad"))];
    const ct = await encryptHex(mpk, "Dept::FIN && Level::Low", "top data", "hdr", aad);
    const local = cc.decrypt(await keyOf(fin), fromHex(ct), { authenticationData: new TextEncoder().encode("aad") });
    expect(new TextDecoder().decode(local.headerMetadata)).toBe("hdr");
    const r = await ok(decryptBody(fin, ct, aad));
    expect(valueOf(r, "Data")).toBe("03686472746F702064617461");
    expect(valueOf(r, "UniqueIdentifier")).toBe(fin);
  });

  test("a ciphertext made locally decrypts; its metadata comes back", async () => {
    const ct = cc.encrypt(POLICY, await keyOf(mpk), "Dept::FIN && Level::High", new TextEncoder().encode("local"), {
      headerMetadata: new TextEncoder().encode("m"),
    });
    expect(text(valueOf(await ok(decryptBody(fin, hex(ct))), "Data"))).toBe("\x01mlocal");
  });

  test("bulk: LEB128 lists in and out, each item standalone, metadata once", async () => {
    const r = await ok(encryptBody(mpk, dataToEncrypt("Dept::FIN && Level::Low", "bulk", "a", "bc", ""), [BULK]));
    const list = fromHex(valueOf(r, "Data"));
    expect(list[0]).toBe(3);
    const d = await ok(decryptBody(fin, valueOf(r, "Data") as string, [BULK]));
    expect(valueOf(d, "Data")).toBe(Buffer.from("\x04bulk\x03\x01a\x02bc\x00", "latin1").toString("hex").toUpperCase());
    const empty = await ok(encryptBody(mpk, dataToEncrypt("Dept::FIN", "", ...[]), [BULK]));
    expect(valueOf(empty, "Data")).toBe("00");
    expect(valueOf(await ok(decryptBody(fin, "00", [BULK])), "Data")).toBe("0000");
  });

  test("no access, wrong AAD, tampering: clean Cryptographic_Failure", async () => {
    const ct = await encryptHex(mpk, "Dept::FIN && Level::Low", "secret", "", [
      t.b("AuthenticatedEncryptionAdditionalData", hex("aad")),
    ]);
    await refused(
      decryptBody(hr, ct, [t.b("AuthenticatedEncryptionAdditionalData", hex("aad"))]),
      /^Cryptographic_Failure: .*InsufficientAccessPolicy/,
    );
    await refused(
      decryptBody(fin, ct, [t.b("AuthenticatedEncryptionAdditionalData", hex("bad"))]),
      /^Cryptographic_Failure: .*DecryptionError/,
    );
    const tampered = ct.slice(0, -2) + (ct.endsWith("00") ? "01" : "00");
    await refused(
      decryptBody(fin, tampered, [t.b("AuthenticatedEncryptionAdditionalData", hex("aad"))]),
      /^Cryptographic_Failure: /,
    );
  });

  test.each([
    ["no Data", () => t.s("Encrypt", t.text("UniqueIdentifier", mpk)), /^Invalid_Message: .*Data/],
    ["an empty Data", () => encryptBody(mpk, ""), /^Invalid_Field: .*LEB128/],
    ["a length beyond the data", () => encryptBody(mpk, "7f41"), /^Invalid_Field: .*announces 127 bytes/],
    ["an overlong LEB128", () => encryptBody(mpk, "ffffffffffffffffff01"), /^Invalid_Field: .*LEB128/],
    ["an access policy in invalid UTF-8", () => encryptBody(mpk, "01ff00"), /^Invalid_Field: .*UTF-8/],
    [
      "an unknown attribute",
      () => encryptBody(mpk, dataToEncrypt("Dept::NOPE", "", "x")),
      /^Invalid_Field: .*AttributeNotFound/,
    ],
    ["a broken expression", () => encryptBody(mpk, dataToEncrypt("Dept::FIN ||", "", "x")), /^Invalid_Field: /],
    [
      "a bulk list with a bad count",
      () => encryptBody(mpk, dataToEncrypt("Dept::FIN", "", "x") + "", [BULK]),
      /^Invalid_Field: .*list/,
    ],
  ])("Encrypt refuses %s", async (_, body, pattern) => {
    await refused(body(), pattern);
  });

  test.each([
    ["garbage", () => decryptBody(fin, "0011"), /^(Invalid_Field|Cryptographic_Failure): /],
    ["an empty ciphertext", () => decryptBody(fin, ""), /^(Invalid_Field|Cryptographic_Failure): /],
    ["a bulk list with trailing bytes", () => decryptBody(fin, "010100ff", [BULK]), /^Invalid_Field: .*trailing/],
    ["a bulk count larger than the data", () => decryptBody(fin, "05", [BULK]), /^Invalid_Field: .*5 items/],
  ])("Decrypt refuses %s", async (_, body, pattern) => {
    await refused(body(), pattern);
  });

  test("wrong key types: MSK or user key to Encrypt, MPK or MSK to Decrypt, CoverCryptBulk with an AES key", async () => {
    const data = dataToEncrypt("Dept::FIN", "", "x");
    await refused(encryptBody(msk, data), /^Invalid_Object_Type: .*master public key/);
    // the user key's usage mask (Decrypt) already forbids it
    await refused(encryptBody(fin, data), /^(Incompatible_Cryptographic_Usage_Mask|Invalid_Object_Type): /);
    const ct = await encryptHex(mpk, "Dept::FIN && Level::Low", "x");
    await refused(decryptBody(msk, ct), /^Invalid_Object_Type: .*user decryption key/);
    await refused(decryptBody(mpk, ct), /^(Invalid_Object_Type|Item_Not_Found|Operation_Not_Supported): /);
    const aes = valueOf(
      await ok(
        t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", t.e("CryptographicAlgorithm", "AES"))),
      ),
      "UniqueIdentifier",
    ) as string;
    await refused(encryptBody(aes, data, [BULK]), /^Invalid_Object_Type: /);
  });

  test("another user needs a grant; a revoked user key still decrypts; a revoked public key no longer encrypts", async () => {
    const ct = await encryptHex(mpk, "Dept::FIN && Level::Low", "shared");
    await refused(decryptBody(fin, ct), /^Item_Not_Found: /, BOB);
    const [msk2, mpk2] = await createPair();
    const udk = await createUserKey("Dept::FIN && Level::Low", msk2);
    const ct2 = await encryptHex(mpk2, "Dept::FIN && Level::Low", "still");
    await ok(t.s("Revoke", t.text("UniqueIdentifier", udk), t.text("RevocationReason", "bye")));
    expect(text(valueOf(await ok(decryptBody(udk, ct2)), "Data"))).toBe("\x00still");
    await ok(
      t.s("Revoke", t.text("UniqueIdentifier", mpk2), t.text("RevocationReason", "bye"), t.bool("Cascade", false)),
    );
    await refused(encryptBody(mpk2, dataToEncrypt("Dept::FIN", "", "x")), /^Item_Not_Found: .*Deactivated/);
  });
});

describe("ReKeyKeyPair", () => {
  const rekeyBody = (msk: string, action: string | undefined, where = "PrivateKeyAttributes") =>
    t.s(
      "ReKeyKeyPair",
      t.s(
        where,
        t.e("ObjectType", "PrivateKey"),
        link("ParentLink", msk),
        ...(action === undefined ? [] : [vendor(vaBytes("cover_crypt_rekey_action", action))]),
        t.e("CryptographicAlgorithm", "CoverCrypt"),
        t.e("KeyFormatType", "CoverCryptSecretKey"),
      ),
      t.text("PrivateKeyUniqueIdentifier", msk),
    );
  const policyOf = async (uid: string) =>
    JSON.parse(
      text(
        valueOf(
          findAll(await get(uid), "VendorAttributes").find((n) => valueOf(n, "AttributeName") === "cover_crypt_policy"),
          "AttributeValue",
        ),
      ),
    );

  test("keeps the ids, changes the bytes and the policy of both keys, refreshes the user keys", async () => {
    const [msk, mpk] = await createPair();
    const udk = await createUserKey("Dept::FIN && Level::Low", msk);
    const [m0, p0, u0] = [await keyOf(msk), await keyOf(mpk), await keyOf(udk)];
    const r = await ok(rekeyBody(msk, '{"RekeyAccessPolicy":"Dept::FIN"}'));
    expect(valueOf(r, "PrivateKeyUniqueIdentifier")).toBe(msk);
    expect(valueOf(r, "PublicKeyUniqueIdentifier")).toBe(mpk);
    expect(hex(await keyOf(msk))).not.toBe(hex(m0));
    expect(hex(await keyOf(mpk))).not.toBe(hex(p0));
    expect(hex(await keyOf(udk))).not.toBe(hex(u0));

    await ok(rekeyBody(msk, '{"AddAttribute":[["Dept::OPS","Classic"]]}', "CommonAttributes"));
    expect(Object.keys((await policyOf(msk)).dimensions.Dept.Unordered)).toEqual(["FIN", "HR", "MKG", "OPS"]);
    expect((await policyOf(mpk)).dimensions.Dept.Unordered.OPS.id).toBe(6);
    // Cosmian 5.x spells RemoveAttribute "DeleteAttribute"
    await ok(rekeyBody(msk, '{"DeleteAttribute":["Dept::OPS"]}'));
    expect((await policyOf(mpk)).dimensions.Dept.Unordered.OPS).toBeUndefined();
    await ok(rekeyBody(msk, '{"RenameAttribute":[["Dept::HR","People"]]}'));
    expect(Object.keys((await policyOf(msk)).dimensions.Dept.Unordered)).toEqual(["FIN", "People", "MKG"]);
    await ok(rekeyBody(msk, '{"DisableAttribute":["Dept::MKG"]}'));
    expect((await policyOf(msk)).dimensions.Dept.Unordered.MKG.write_status).toBe("DecryptOnly");
    await refused(
      encryptBody(mpk, dataToEncrypt("Dept::MKG", "", "x")),
      /^Cryptographic_Failure: .*disabled attribute/,
    );
  });

  test("prune drops old secrets: an old ciphertext no longer opens, a new one does", async () => {
    const [msk, mpk] = await createPair();
    const udk = await createUserKey("Dept::FIN && Level::Low", msk);
    const old = await encryptHex(mpk, "Dept::FIN && Level::Low", "old");
    await ok(rekeyBody(msk, '{"RekeyAccessPolicy":"Dept::FIN"}'));
    const fresh = await encryptHex(mpk, "Dept::FIN && Level::Low", "new");
    expect(text(valueOf(await ok(decryptBody(udk, old)), "Data"))).toBe("\x00old");
    await ok(rekeyBody(msk, '{"PruneAccessPolicy":"Dept::FIN"}'));
    await refused(decryptBody(udk, old), /^Cryptographic_Failure: .*InsufficientAccessPolicy/);
    expect(text(valueOf(await ok(decryptBody(udk, fresh)), "Data"))).toBe("\x00new");
  });

  test.each([
    ["no action", undefined, /^Invalid_Attribute_Value: .*cover_crypt_rekey_action/],
    ["an action that is not JSON", "RekeyAccessPolicy", /^Invalid_Attribute_Value: .*DeserializationError/],
    ["an unknown action", '{"Shuffle":"Dept::FIN"}', /^Invalid_Attribute_Value: .*unknown variant/],
    ["an action of the wrong shape", '{"RemoveAttribute":"Dept::FIN"}', /^Invalid_Attribute_Value: .*invalid value/],
    ["an unknown attribute", '{"DisableAttribute":["Dept::NOPE"]}', /^Invalid_Attribute_Value: .*AttributeNotFound/],
    [
      "an attribute with no dimension separator",
      '{"RemoveAttribute":["FIN"]}',
      /^Invalid_Attribute_Value: .*InvalidAttribute/,
    ],
    [
      "adding to a hierarchical dimension",
      '{"AddAttribute":[["Level::Mid","Classic"]]}',
      /^Illegal_Operation: .*Hierarchical/,
    ],
    ["an unknown encryption hint", '{"AddAttribute":[["Dept::X","Quantum"]]}', /^Invalid_Attribute_Value: /],
    [
      "growing the universe past the limit",
      `{"AddAttribute":[${Array.from({ length: 2100 }, (_, i) => `["Dept::n${i}","Classic"]`).join(",")}]}`,
      /too many partitions/,
    ],
  ])("refuses %s and changes nothing", async (_, action, pattern) => {
    const [msk, mpk] = await createPair();
    const p0 = hex(await keyOf(mpk));
    await refused(rekeyBody(msk, action), pattern);
    expect(hex(await keyOf(mpk))).toBe(p0);
  });

  test("refuses a user key, a public key, a revoked master, and a caller without the rekey right", async () => {
    const [msk, mpk] = await createPair();
    const udk = await createUserKey("Dept::FIN", msk);
    await refused(rekeyBody(udk, '{"RekeyAccessPolicy":"Dept::FIN"}'), /^Invalid_Object_Type: .*user decryption key/);
    await refused(rekeyBody(mpk, '{"RekeyAccessPolicy":"Dept::FIN"}'), /^Invalid_Object_Type: /);
    await refused(rekeyBody(msk, '{"RekeyAccessPolicy":"Dept::FIN"}'), /^Item_Not_Found: /, BOB);
    await ok(
      t.s("Revoke", t.text("UniqueIdentifier", msk), t.text("RevocationReason", "retired"), t.bool("Cascade", false)),
    );
    await refused(rekeyBody(msk, '{"RekeyAccessPolicy":"Dept::FIN"}'), /^Wrong_Key_Lifecycle_State: /);
  });
});
