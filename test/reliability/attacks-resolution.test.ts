/**
 * Attacks by one ordinary user (bob) on another (alice), over HTTP against a real server:
 * - keyset hijack: bob's keys named like alice's keyset (by RotateName, by a tag list, or by an
 *   object whose id is alice's keyset name), shared with `*`, must never be picked when alice uses a
 *   name; server-managed attributes (RotateGeneration, key-pair links, ...) cannot be set by clients;
 * - link forgery: a `get` grant does not allow attribute writes, and a cascading Revoke/Destroy never
 *   reaches a key that is not the other half of the pair;
 * - existence oracle: a foreign id bob holds no right on answers exactly as a missing one.
 * Each test compares the whole outcome: who can decrypt what, and that alice's keys are unchanged.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  findAll,
  hex,
  postKmip,
  startTestServer,
  t,
  valueOf,
  type KmipResult,
  type Node,
  type TestServer,
} from "../helpers/server.ts";

const TOKENS = { alice: "alice-token-0123456789abcdef", bob: "bob-token-0123456789abcdefgh" };
type User = keyof typeof TOKENS;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ apiKeys: Object.entries(TOKENS).map(([user, token]) => ({ user, token })) });
});
afterAll(async () => server?.dispose());

const as = (user: User, body: unknown) => postKmip(server.url, body, { authorization: `Bearer ${TOKENS[user]}` });
const access = (user: User, path: string, body?: unknown) =>
  fetch(`${server.url}/access/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${TOKENS[user]}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, text: await r.text() }));
const share = (owner: User, uid: string, userId: string, ops: string[]) =>
  access(owner, "grant", { unique_identifier: uid, user_id: userId, operation_types: ops });
const uidOf = (r: { json?: Node }, tag = "UniqueIdentifier") => valueOf(r.json, tag) as string;
const ok = (r: KmipResult) => {
  expect(r.status, r.text).toBe(200);
  return r;
};
const uniq = (p: string) => `${p}-${crypto.randomUUID().slice(0, 8)}`;
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

async function createKey(user: User, ...attrs: Node[]): Promise<string> {
  return uidOf(
    ok(
      await as(
        user,
        t.s(
          "Create",
          t.e("ObjectType", "SymmetricKey"),
          t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 256), ...attrs),
        ),
      ),
    ),
  );
}
const setAttr = (user: User, uid: string, attr: Node) =>
  as(user, t.s("SetAttribute", t.text("UniqueIdentifier", uid), t.s("NewAttribute", attr)));
const keyBytes = async (user: User, uid: string) =>
  JSON.stringify(findAll(ok(await as(user, t.s("Get", t.text("UniqueIdentifier", uid)))).json, "KeyMaterial"));
const attributesOf = async (user: User, uid: string) =>
  ok(await as(user, t.s("GetAttributes", t.text("UniqueIdentifier", uid)))).text;

interface Ciphertext {
  data: string;
  nonce: string;
  tag: string;
}
async function encrypt(user: User, uid: string, plaintext: string): Promise<KmipResult & { ct?: Ciphertext }> {
  const r = await as(user, t.s("Encrypt", t.text("UniqueIdentifier", uid), t.b("Data", hex(plaintext))));
  if (r.status !== 200) return r;
  return {
    ...r,
    ct: {
      data: valueOf(r.json, "Data") as string,
      nonce: valueOf(r.json, "IvCounterNonce") as string,
      tag: valueOf(r.json, "AuthenticatedEncryptionTag") as string,
    },
  };
}
async function decrypt(user: User, uid: string, ct: Ciphertext): Promise<string | undefined> {
  const r = await as(
    user,
    t.s(
      "Decrypt",
      t.text("UniqueIdentifier", uid),
      t.b("Data", ct.data),
      t.b("IvCounterNonce", ct.nonce),
      t.b("AuthenticatedEncryptionTag", ct.tag),
    ),
  );
  return r.status === 200 ? Buffer.from(valueOf(r.json, "Data") as string, "hex").toString() : undefined;
}
const ALL_USE = ["get", "encrypt", "decrypt", "getattributes"];

/** alice's keyset `name` (generation 0 via SetAttribute RotateName, as Cosmian clients do). */
async function aliceKeyset(name: string): Promise<string> {
  const uid = await createKey("alice");
  ok(await setAttr("alice", uid, t.text("RotateName", name)));
  return uid;
}

describe("keyset hijack", () => {
  test("bob cannot give himself a higher RotateGeneration (Create, SetAttribute, AddAttribute, ReKey)", async () => {
    const name = uniq("payroll");
    await aliceKeyset(name);
    const created = await as(
      "bob",
      t.s(
        "Create",
        t.e("ObjectType", "SymmetricKey"),
        t.s(
          "Attributes",
          t.e("CryptographicAlgorithm", "AES"),
          t.text("RotateName", name),
          t.int("RotateGeneration", 99),
        ),
      ),
    );
    expect(created.status).toBe(422);
    expect(created.text).toMatch(/^(Invalid_Field|Attribute_Read_Only): .*RotateGeneration/);
    const bobKey = await createKey("bob", t.text("RotateName", name));
    for (const op of ["SetAttribute", "AddAttribute"]) {
      const r = await as(
        "bob",
        t.s(op, t.text("UniqueIdentifier", bobKey), t.s("NewAttribute", t.int("RotateGeneration", 99))),
      );
      expect(r.status, r.text).toBe(422);
      expect(r.text).toMatch(/^(Invalid_Field|Attribute_Read_Only): .*RotateGeneration/);
    }
    const rekeyed = await as(
      "bob",
      t.s("ReKey", t.text("UniqueIdentifier", bobKey), t.s("Attributes", t.int("RotateGeneration", 99))),
    );
    expect(rekeyed.status, rekeyed.text).toBe(422);
    expect(rekeyed.text).toMatch(/^Invalid_Field: .*RotateGeneration/);
    expect(await attributesOf("bob", bobKey)).not.toContain("RotateGeneration");
  });

  test("bob's `*`-shared key with alice's RotateName and a higher generation is never picked by alice's name", async () => {
    const name = uniq("payroll");
    const aliceKey = await aliceKeyset(name);
    // bob builds his own keyset with the same name and rotates it past alice's generation (legitimately)
    let bobKey = await createKey("bob", t.text("RotateName", name));
    for (let i = 0; i < 2; i++) bobKey = uidOf(ok(await as("bob", t.s("ReKey", t.text("UniqueIdentifier", bobKey)))));
    ok((await share("bob", bobKey, "*", ALL_USE)) as unknown as KmipResult);

    const enc = await encrypt("alice", name, "salaries");
    expect(enc.status, enc.text).toBe(200);
    expect(await decrypt("alice", aliceKey, enc.ct!)).toBe("salaries"); // made under alice's key
    expect(await decrypt("bob", bobKey, enc.ct!)).toBeUndefined(); // bob cannot read it
    expect(await decrypt("alice", name, enc.ct!)).toBe("salaries");

    // ciphertext bob forged under his key is not accepted when alice decrypts by her keyset name
    const forged = await encrypt("bob", bobKey, "forged");
    expect(await decrypt("alice", name, forged.ct!)).toBeUndefined();
    expect(await decrypt("alice", `${name}@latest`, forged.ct!)).toBeUndefined();

    // alice may still rotate her keyset; the new generation is hers and is what the name means
    const rekeyed = await as("alice", t.s("ReKey", t.text("UniqueIdentifier", aliceKey)));
    expect(rekeyed.status, rekeyed.text).toBe(200);
    const gen1 = uidOf(rekeyed);
    const after = await encrypt("alice", name, "more");
    expect(await decrypt("alice", gen1, after.ct!)).toBe("more");
    expect(await decrypt("bob", bobKey, after.ct!)).toBeUndefined();
    expect(await decrypt("alice", name, enc.ct!)).toBe("salaries"); // older generations still decrypt
  });

  test("a tag list resolves among alice's own objects only (bob's `*`-shared key with the same tag is never used)", async () => {
    const tag = uniq("hr");
    const aliceKey = await createKey("alice", tagAttr([tag]));
    const bobKey = await createKey("bob", tagAttr([tag]));
    ok((await share("bob", bobKey, "*", ALL_USE)) as unknown as KmipResult);
    ok(
      await as(
        "alice",
        t.s(
          "Revoke",
          t.text("UniqueIdentifier", aliceKey),
          t.s("RevocationReason", t.e("RevocationReasonCode", "Unspecified")),
        ),
      ),
    );
    const enc = await encrypt("alice", JSON.stringify([tag]), "by tag");
    expect(enc.status).toBe(422); // alice's only key carrying the tag is revoked
    expect(enc.ct).toBeUndefined();
    // and a live key of alice's is what the tag list means
    const fresh = await createKey("alice", tagAttr([tag]));
    const enc2 = await encrypt("alice", JSON.stringify([tag]), "by tag");
    expect(enc2.status, enc2.text).toBe(200);
    expect(await decrypt("alice", fresh, enc2.ct!)).toBe("by tag");
    expect(await decrypt("bob", bobKey, enc2.ct!)).toBeUndefined();
  });

  test("id squatting: bob's `*`-shared object whose id is alice's keyset name never shadows her keyset", async () => {
    const name = uniq("squat");
    const squat = await as(
      "bob",
      t.s(
        "Import",
        t.text("UniqueIdentifier", name),
        t.e("ObjectType", "SymmetricKey"),
        t.s("Attributes", t.e("CryptographicAlgorithm", "AES")),
        t.s(
          "Object",
          t.s(
            "KeyBlock",
            t.e("KeyFormatType", "Raw"),
            t.s("KeyValue", t.b("KeyMaterial", "ab".repeat(32))),
            t.e("CryptographicAlgorithm", "AES"),
          ),
        ),
      ),
    );
    expect(uidOf(ok(squat))).toBe(name);
    ok((await share("bob", name, "*", ALL_USE)) as unknown as KmipResult);
    // before alice has a keyset of that name, the name is simply unknown to her (no fallback to bob's object)
    const missing = await encrypt("alice", uniq("no-such-name"), "x");
    const early = await encrypt("alice", name, "x");
    expect({ status: early.status, text: early.text.replace(name, "<id>") }).toEqual({
      status: missing.status,
      text: missing.text.replace(/no-such-name-[0-9a-f]+/, "<id>"),
    });

    const aliceKey = await aliceKeyset(name);
    const enc = await encrypt("alice", name, "payslips");
    expect(enc.status, enc.text).toBe(200);
    expect(await decrypt("alice", aliceKey, enc.ct!)).toBe("payslips");
    expect(await decrypt("bob", name, enc.ct!)).toBeUndefined();
    const forged = await encrypt("bob", name, "forged");
    expect(await decrypt("alice", name, forged.ct!)).toBeUndefined();
  });
});

describe("link forgery", () => {
  const pair = async () => {
    const r = ok(
      await as(
        "alice",
        t.s(
          "CreateKeyPair",
          t.s(
            "CommonAttributes",
            t.e("CryptographicAlgorithm", "ECDSA"),
            t.s("CryptographicDomainParameters", t.e("RecommendedCurve", "P256")),
          ),
        ),
      ),
    );
    return { sk: uidOf(r, "PrivateKeyUniqueIdentifier"), pk: uidOf(r, "PublicKeyUniqueIdentifier") };
  };
  const link = (type: string, target: string) =>
    t.s("Link", t.e("LinkType", type), t.text("LinkedObjectIdentifier", target));
  const sign = (uid: string) =>
    as("alice", t.s("Sign", t.text("UniqueIdentifier", uid), t.b("Data", hex("still mine"))));

  test("bob holding only `get` (via `*`) on alice's public key cannot relink it; her cascade never destroys an unrelated key", async () => {
    const one = await pair();
    const other = await pair();
    ok((await share("alice", one.pk, "*", ["get"])) as unknown as KmipResult);
    const before = await attributesOf("alice", one.pk);

    for (const op of ["SetAttribute", "AddAttribute"]) {
      const r = await as(
        "bob",
        t.s(op, t.text("UniqueIdentifier", one.pk), t.s("NewAttribute", link("PrivateKeyLink", other.sk))),
      );
      expect(r.status, r.text).toBe(403);
      expect(r.text).toBe(`Object_Not_Found: Permission denied: bob may not ${op.toLowerCase()} ${one.pk}`);
    }
    for (const attr of [t.bool("Sensitive", false), t.int("CryptographicUsageMask", 0x200000)]) {
      expect(
        (await as("bob", t.s("SetAttribute", t.text("UniqueIdentifier", one.pk), t.s("NewAttribute", attr)))).status,
      ).toBe(403);
    }
    expect(await attributesOf("alice", one.pk)).toBe(before);

    ok(
      await as(
        "alice",
        t.s(
          "Revoke",
          t.text("UniqueIdentifier", one.pk),
          t.s("RevocationReason", t.e("RevocationReasonCode", "Unspecified")),
        ),
      ),
    );
    ok(await as("alice", t.s("Destroy", t.text("UniqueIdentifier", one.pk))));
    expect((await sign(other.sk)).status).toBe(200); // the unrelated private key still exists and works
    expect(await attributesOf("alice", other.sk)).toContain('"Active"');
    expect((await sign(one.sk)).status).not.toBe(200); // its own half went with it
  });

  test("key-pair and replacement links are server-managed, and client links may only point at the caller's own objects", async () => {
    const one = await pair();
    const other = await pair();
    const bobKey = await createKey("bob");
    ok((await share("alice", other.sk, "*", ["get"])) as unknown as KmipResult);
    for (const type of ["PrivateKeyLink", "PublicKeyLink", "ReplacementObjectLink", "ReplacedObjectLink"]) {
      const r = await as(
        "alice",
        t.s("AddAttribute", t.text("UniqueIdentifier", one.pk), t.s("NewAttribute", link(type, other.sk))),
      );
      expect(r.status, r.text).toBe(422);
      expect(r.text).toMatch(new RegExp(`^(Invalid_Field|Attribute_Read_Only): .*${type}`));
    }
    // bob links his own key to alice's objects: refused, the same way for a foreign and a missing target
    const foreign = await as(
      "bob",
      t.s("AddAttribute", t.text("UniqueIdentifier", bobKey), t.s("NewAttribute", link("CertificateLink", other.sk))),
    );
    const missing = await as(
      "bob",
      t.s(
        "AddAttribute",
        t.text("UniqueIdentifier", bobKey),
        t.s("NewAttribute", link("CertificateLink", crypto.randomUUID())),
      ),
    );
    expect(foreign.status).toBe(422);
    expect({ status: foreign.status, text: foreign.text.replace(other.sk, "<id>") }).toEqual({
      status: missing.status,
      text: missing.text.replace(/[0-9a-f-]{36}/, "<id>"),
    });
    const created = await as(
      "bob",
      t.s(
        "Create",
        t.e("ObjectType", "SymmetricKey"),
        t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), link("CertificateLink", other.sk)),
      ),
    );
    expect(created.status).toBe(422);
    // alice may link her own objects
    ok(
      await as(
        "alice",
        t.s("AddAttribute", t.text("UniqueIdentifier", one.pk), t.s("NewAttribute", link("CertificateLink", other.sk))),
      ),
    );
  });

  test("a grantee with an explicit setattribute right still cannot forge a key-pair link", async () => {
    const one = await pair();
    const other = await pair();
    ok((await share("alice", one.pk, "bob", ["setattribute", "get"])) as unknown as KmipResult);
    const before = await attributesOf("alice", one.pk);
    const r = await as(
      "bob",
      t.s("SetAttribute", t.text("UniqueIdentifier", one.pk), t.s("NewAttribute", link("PrivateKeyLink", other.sk))),
    );
    expect(r.status).toBe(422);
    expect(await attributesOf("alice", one.pk)).toBe(before);
    ok(
      await as(
        "bob",
        t.s("SetAttribute", t.text("UniqueIdentifier", one.pk), t.s("NewAttribute", t.text("Description", "granted"))),
      ),
    );
  });
});

describe("no existence oracle", () => {
  const shape = (r: { status: number; text: string }, id: string) => ({
    status: r.status,
    text: r.text.split(id).join("<id>"),
  });

  test("/access/* answer a foreign id exactly as a missing one", async () => {
    const foreign = await createKey("alice");
    const named = uniq("alice-named");
    ok(
      await as(
        "alice",
        t.s(
          "Import",
          t.text("UniqueIdentifier", named),
          t.e("ObjectType", "SymmetricKey"),
          t.s("Attributes", t.e("CryptographicAlgorithm", "AES")),
          t.s(
            "Object",
            t.s(
              "KeyBlock",
              t.e("KeyFormatType", "Raw"),
              t.s("KeyValue", t.b("KeyMaterial", "cd".repeat(32))),
              t.e("CryptographicAlgorithm", "AES"),
            ),
          ),
        ),
      ),
    );
    for (const [id, missing] of [
      [foreign, crypto.randomUUID()],
      [named, uniq("alice-named")],
    ]) {
      expect(shape(await access("bob", `list/${id}`), id)).toEqual(
        shape(await access("bob", `list/${missing}`), missing),
      );
      for (const path of ["grant", "revoke"]) {
        const body = (uid: string) => ({ unique_identifier: uid, user_id: "bob", operation_types: ["get"] });
        const a = await access("bob", path, body(id));
        expect(a.status).toBe(403);
        expect(shape(a, id)).toEqual(shape(await access("bob", path, body(missing)), missing));
      }
    }
    expect(await access("alice", `list/${foreign}`)).toEqual({ status: 200, text: "[]" });
  });

  test("KMIP operations and Import ReplaceExisting: a foreign id answers as a missing one, and the victim's key is unchanged", async () => {
    const named = uniq("alice-import");
    const importBody = (id: string, replace: boolean, byte: string) =>
      t.s(
        "Import",
        t.text("UniqueIdentifier", id),
        t.bool("ReplaceExisting", replace),
        t.e("ObjectType", "SymmetricKey"),
        t.s("Attributes", t.e("CryptographicAlgorithm", "AES")),
        t.s(
          "Object",
          t.s(
            "KeyBlock",
            t.e("KeyFormatType", "Raw"),
            t.s("KeyValue", t.b("KeyMaterial", byte.repeat(32))),
            t.e("CryptographicAlgorithm", "AES"),
          ),
        ),
      );
    ok(await as("alice", importBody(named, false, "11")));
    const before = await keyBytes("alice", named);
    const missing = uniq("nobody");
    for (const body of [
      (id: string) => t.s("Get", t.text("UniqueIdentifier", id)),
      (id: string) => t.s("Encrypt", t.text("UniqueIdentifier", id), t.b("Data", "00")),
      (id: string) =>
        t.s("SetAttribute", t.text("UniqueIdentifier", id), t.s("NewAttribute", t.text("Description", "x"))),
      (id: string) => t.s("Destroy", t.text("UniqueIdentifier", id)),
    ]) {
      expect(shape(await as("bob", body(named)), named)).toEqual(shape(await as("bob", body(missing)), missing));
    }
    // replacing: a foreign id is refused without saying whose it is (the same answer as any taken id)
    const replace = await as("bob", importBody(named, true, "22"));
    const plain = await as("bob", importBody(named, false, "22"));
    expect(replace.status).toBe(422);
    expect(replace.text).not.toMatch(/owner|Permission/i);
    expect(shape(replace, named)).toEqual(shape(plain, named));
    expect(await keyBytes("alice", named)).toBe(before);
  });
});
