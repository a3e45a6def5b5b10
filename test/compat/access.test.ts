/**
 * Ownership, grants and authentication through the real Cosmian JS client and through raw HTTP
 * with users authenticated by API keys (`--api-key user:token`):
 * - the creator owns; others need a grant per operation (`get` implies the non-strict operations;
 *   revoke, destroy, rekey and the attribute writes need their own); `*` grants to everyone; only the owner grants, revokes, lists;
 * - an object a caller has no right on is "not found" (422), one it holds some other grant on is 403;
 *   the /access/* routes answer 403 "not owned" for every id the caller does not own, missing ones too;
 * - Locate and getObjectsByTags only return what the caller may see;
 * - `--privileged-users`: only they may create or import (others 403);
 * - missing or bad credentials: 401 with a clear message; /version stays public.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { randomBytes } from "node:crypto";
import { KMIPOperations, KmsClient, type SymmetricKey, SymmetricKeyAlgorithm } from "cloudproof_kms_js";
import { postKmip, startTestServer, t, type TestServer } from "../helpers/server.ts";

const TOKENS = {
  alice: "alice-token-0123456789abcdef",
  bob: "bob-token-0123456789abcdefgh",
  carol: "carol-token-0123456789abcdef",
};
let server: TestServer;
let alice: KmsClient, bob: KmsClient, carol: KmsClient;

beforeAll(async () => {
  server = await startTestServer({ apiKeys: Object.entries(TOKENS).map(([user, token]) => ({ user, token })) });
  alice = new KmsClient(server.url, TOKENS.alice);
  bob = new KmsClient(server.url, TOKENS.bob);
  carol = new KmsClient(server.url, TOKENS.carol);
});
afterAll(async () => {
  await server?.dispose();
});

const uniq = (p: string) => `${p}-${crypto.randomUUID()}`;
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const keyBytes = async (c: KmsClient, uid: string) =>
  Buffer.from(((await c.getObject(uid)).value as SymmetricKey).bytes());
const message = (p: Promise<unknown>) =>
  p.then(
    () => "(no error)",
    (e: Error) => e.message,
  );

async function raw(path: string, token: string | undefined, init: RequestInit = {}) {
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(server.url + path, {
    ...init,
    headers: { ...headers, ...(init.headers as Record<string, string>) },
  });
  return { status: res.status, text: await res.text() };
}

describe("authentication (API keys)", () => {
  test("no credentials: 401 `No authentication provided.` through the client and raw HTTP", async () => {
    const anonymous = new KmsClient(server.url);
    expect(await message(anonymous.createSymmetricKey())).toBe(
      "KMIP request failed (Create): Authentication_Not_Successful: No authentication provided.",
    );
    const r = await raw("/kmip/2_1", undefined, {
      method: "POST",
      body: JSON.stringify(t.s("Locate", t.s("Attributes"))),
    });
    expect(r.status).toBe(401);
    expect(await message(anonymous.listOwnedObjects())).toBe("access/owned request failed (401)");
  });

  test("a wrong token or a non-Bearer scheme: 401 with a clear message", async () => {
    const wrong = new KmsClient(server.url, "not-a-valid-token-at-all");
    expect(await message(wrong.createSymmetricKey())).toBe(
      "KMIP request failed (Create): Authentication_Not_Successful: invalid credentials",
    );
    const basic = await raw("/kmip/2_1", undefined, {
      method: "POST",
      headers: { authorization: "Basic YWxpY2U6cHc=" },
      body: "{}",
    });
    expect(basic.status).toBe(401);
    expect(basic.text).toMatch(/^Authentication_Not_Successful: .*Bearer/);
  });

  test("/version and up() need no credentials", async () => {
    expect(await new KmsClient(server.url).up()).toBe(true);
    expect((await raw("/version", undefined)).status).toBe(200);
  });

  test("/me names the caller of each token", async () => {
    for (const [user, token] of Object.entries(TOKENS))
      expect(JSON.parse((await raw("/me", token)).text)).toEqual({ user });
  });
});

describe("ownership and grants through the client", () => {
  test("without a grant another user cannot see, use, revoke or destroy the object: it is not found", async () => {
    const tag = uniq("private");
    const uid = await alice.createSymmetricKey(SymmetricKeyAlgorithm.AES, 256, [], [tag]);
    expect(await message(bob.getObject(uid))).toBe(
      `KMIP request failed (Get): Object_Not_Found: Object not found: ${uid}`,
    );
    expect(await message(bob.encrypt(uid, enc("x"), {}))).toBe(
      `KMIP request failed (Encrypt): Item_Not_Found: Item not found: ${uid}`,
    );
    expect(await message(bob.revokeObject(uid, "nope"))).toBe(
      `KMIP request failed (Revoke): Item_Not_Found: Item not found: ${uid}`,
    );
    expect(await message(bob.destroyObject(uid))).toBe(
      `KMIP request failed (Destroy): Item_Not_Found: Item not found: ${uid}`,
    );
    expect(await bob.getUniqueIdentifiersByTags([tag])).toEqual([]);
    expect(await bob.getObjectsByTags([tag])).toEqual([]);
    expect(await alice.getUniqueIdentifiersByTags([tag])).toEqual([uid]);
    // the status behind it: 422, like a really unknown id
    const r = await raw("/kmip/2_1", TOKENS.bob, {
      method: "POST",
      body: JSON.stringify(t.s("Get", t.text("UniqueIdentifier", uid))),
    });
    expect(r.status).toBe(422);
  });

  test("grant get: the grantee gets the same key, sees it in Locate, and may encrypt/decrypt (get implies them); revoke/destroy stay forbidden (403)", async () => {
    const tag = uniq("shared");
    const uid = await alice.createSymmetricKey(SymmetricKeyAlgorithm.AES, 256, [], [tag]);
    const grant = await alice.grantAccess(uid, "bob", [KMIPOperations.get]);
    expect(await grant.json()).toEqual({ success: "Access for bob successfully added" });
    expect(await keyBytes(bob, uid)).toEqual(await keyBytes(alice, uid));
    expect(await bob.getUniqueIdentifiersByTags([tag])).toEqual([uid]);
    const ct = await bob.encrypt(uid, enc("from bob"), {});
    expect(
      dec(
        await alice.decrypt(uid, ct.data!, {
          ivCounterNonce: ct.ivCounterNonce!,
          authenticatedEncryptionTag: ct.authenticatedEncryptionTag!,
        }),
      ),
    ).toBe("from bob");
    expect(await message(bob.revokeObject(uid, "x"))).toBe(
      `KMIP request failed (Revoke): Item_Not_Found: Permission denied: bob may not revoke ${uid}`,
    );
    const r = await raw("/kmip/2_1", TOKENS.bob, {
      method: "POST",
      body: JSON.stringify(t.s("Destroy", t.text("UniqueIdentifier", uid))),
    });
    expect(r.status).toBe(403);
    expect(r.text).toBe(`Item_Not_Found: Permission denied: bob may not destroy ${uid}`);
    // carol still sees nothing
    expect(await carol.getUniqueIdentifiersByTags([tag])).toEqual([]);
  });

  test("a grant per operation: encrypt only lets bob encrypt but not get (403) nor decrypt (403)", async () => {
    const uid = await alice.createSymmetricKey();
    await alice.grantAccess(uid, "bob", [KMIPOperations.encrypt]);
    const ct = await bob.encrypt(uid, enc("enc only"), {});
    expect(
      dec(
        await alice.decrypt(uid, ct.data!, {
          ivCounterNonce: ct.ivCounterNonce!,
          authenticatedEncryptionTag: ct.authenticatedEncryptionTag!,
        }),
      ),
    ).toBe("enc only");
    expect(await message(bob.getObject(uid))).toBe(
      `KMIP request failed (Get): Object_Not_Found: Permission denied: bob may not get ${uid}`,
    );
    expect(
      await message(
        bob.decrypt(uid, ct.data!, {
          ivCounterNonce: ct.ivCounterNonce!,
          authenticatedEncryptionTag: ct.authenticatedEncryptionTag!,
        }),
      ),
    ).toMatch(/^KMIP request failed \(Decrypt\): Item_Not_Found: Permission denied/);
    await alice.grantAccess(uid, "bob", [KMIPOperations.decrypt]);
    expect(
      dec(
        await bob.decrypt(uid, ct.data!, {
          ivCounterNonce: ct.ivCounterNonce!,
          authenticatedEncryptionTag: ct.authenticatedEncryptionTag!,
        }),
      ),
    ).toBe("enc only");
  });

  test("revoke and destroy grants let the grantee revoke and destroy", async () => {
    const uid = await alice.createSymmetricKey();
    await alice.grantAccess(uid, "bob", [KMIPOperations.revoke, KMIPOperations.destroy]);
    await bob.revokeObject(uid, "bob retires it");
    await bob.destroyObject(uid);
    expect(await message(alice.getObject(uid))).toMatch(/^KMIP request failed \(Get\): Object_Destroyed: /);
  });

  test("revokeAccess removes the right again; listAccess shows the sorted grants (Cosmian's exact text)", async () => {
    const uid = await alice.createSymmetricKey();
    await alice.grantAccess(uid, "bob", [KMIPOperations.get, KMIPOperations.encrypt]);
    await alice.grantAccess(uid, "carol", [KMIPOperations.decrypt]);
    expect(await (await alice.listAccess(uid)).text()).toBe(
      '[{"user_id":"bob","operations":["encrypt","get"]},{"user_id":"carol","operations":["decrypt"]}]',
    );
    const revoked = await alice.revokeAccess(uid, "bob", [KMIPOperations.get]);
    expect(await revoked.json()).toEqual({ success: "Access for bob successfully deleted" });
    expect(await (await alice.listAccess(uid)).text()).toBe(
      '[{"user_id":"bob","operations":["encrypt"]},{"user_id":"carol","operations":["decrypt"]}]',
    );
    expect(await message(bob.getObject(uid))).toMatch(
      /^KMIP request failed \(Get\): Object_Not_Found: Permission denied/,
    );
    await alice.revokeAccess(uid, "bob", [KMIPOperations.encrypt]);
    expect(await message(bob.getObject(uid))).toBe(
      `KMIP request failed (Get): Object_Not_Found: Object not found: ${uid}`,
    );
    expect(await (await alice.listAccess(uid)).text()).toBe('[{"user_id":"carol","operations":["decrypt"]}]');
  });

  test("only the owner grants, revokes or lists; nobody grants themselves", async () => {
    const uid = await alice.createSymmetricKey();
    await alice.grantAccess(uid, "bob", [KMIPOperations.get]);
    expect(await message(bob.grantAccess(uid, "carol", [KMIPOperations.get]))).toBe(
      "access/grant request failed (403)",
    );
    expect(await message(bob.revokeAccess(uid, "bob", [KMIPOperations.get]))).toBe(
      "access/revoke request failed (403)",
    );
    expect(await message(bob.listAccess(uid))).toBe("list access request failed (403)");
    expect(await message(alice.grantAccess(uid, "alice", [KMIPOperations.get]))).toBe(
      "access/grant request failed (403)",
    );
    expect(await message(carol.getObject(uid))).toMatch(/Object not found/);
  });

  test("grant to `*`: every authenticated user may use the object and finds it by tag", async () => {
    const tag = uniq("public");
    const uid = await alice.createSymmetricKey(SymmetricKeyAlgorithm.AES, 128, [], [tag]);
    await alice.grantAccess(uid, "*", [KMIPOperations.get]);
    for (const c of [bob, carol]) {
      expect(await keyBytes(c, uid)).toEqual(await keyBytes(alice, uid));
      expect(await c.getUniqueIdentifiersByTags([tag])).toEqual([uid]);
    }
    await alice.revokeAccess(uid, "*", [KMIPOperations.get]);
    expect(await carol.getUniqueIdentifiersByTags([tag])).toEqual([]);
    expect(await message(carol.getObject(uid))).toMatch(/Object not found/);
  });

  test("listAccess does not escape the uid: an id with spaces still works (the server decodes the path)", async () => {
    const uid = await alice.importSymmetricKey(uniq("id with spaces"), randomBytes(32));
    await alice.grantAccess(uid, "bob", [KMIPOperations.get]);
    expect(await (await alice.listAccess(uid)).text()).toBe('[{"user_id":"bob","operations":["get"]}]');
    expect(await keyBytes(bob, uid)).toEqual(await keyBytes(alice, uid));
  });

  test("listOwnedObjects / listObtainedObjects: each user's own view, in Cosmian's JSON shapes", async () => {
    const uid = await alice.createSymmetricKey(SymmetricKeyAlgorithm.ChaCha20, 256);
    await alice.grantAccess(uid, "carol", [KMIPOperations.get, KMIPOperations.decrypt]);
    const owned = (await (await alice.listOwnedObjects()).json()) as {
      object_id: string;
      state: string;
      attributes: Record<string, unknown>;
      is_wrapped: boolean;
    }[];
    const mine = owned.find((o) => o.object_id === uid)!;
    expect(mine).toMatchObject({ state: "Active", is_wrapped: false });
    expect(mine.attributes).toMatchObject({
      ObjectType: "SymmetricKey",
      CryptographicAlgorithm: "ChaCha20",
      CryptographicLength: 256,
    });
    expect(mine.attributes.InitialDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/); // plain JSON: dates as ISO text
    const bobOwned = (await (await bob.listOwnedObjects()).json()) as { object_id: string }[];
    expect(bobOwned.map((o) => o.object_id)).not.toContain(uid);
    const obtained = (await (await carol.listObtainedObjects()).json()) as unknown[];
    expect(obtained).toContainEqual({
      object_id: uid,
      owner_id: "alice",
      state: "Active",
      operations: ["decrypt", "get"],
    });
    expect(
      ((await (await alice.listObtainedObjects()).json()) as { object_id: string }[]).map((o) => o.object_id),
    ).not.toContain(uid);
  });

  test("a grantee cannot replace the owner's object by re-importing it (403)", async () => {
    const uid = await alice.createSymmetricKey();
    await alice.grantAccess(uid, "bob", [KMIPOperations.get, KMIPOperations.import]);
    const before = await keyBytes(alice, uid);
    expect(await message(bob.importSymmetricKey(uid, randomBytes(32), true))).toMatch(
      /^KMIP request failed \(Import\): Permission_Denied: .*owner/,
    );
    expect(await keyBytes(alice, uid)).toEqual(before);
    // and without ReplaceExisting the id is simply taken
    expect(await message(bob.importSymmetricKey(uid, randomBytes(32)))).toMatch(
      /^KMIP request failed \(Import\): Object_Already_Exists: /,
    );
  });

  test("wrapping needs rights on both keys: get on the key, encrypt on the wrapping key", async () => {
    const kek = await alice.createSymmetricKey();
    const key = await bob.createSymmetricKey();
    expect(await message(bob.getWrappedKey(key, kek))).toBe(
      `KMIP request failed (Get): Item_Not_Found: Item not found: ${kek}`,
    );
    await alice.grantAccess(kek, "bob", [KMIPOperations.encrypt]);
    const wrapped = await bob.getWrappedKey(key, kek);
    // bob may wrap with alice's KEK but not unwrap with it
    expect(await message(bob.importKey(uniq("u"), wrapped, true))).toMatch(
      /^KMIP request failed \(Import\): Item_Not_Found: Permission denied: bob may not decrypt/,
    );
    // alice can unwrap bob's wrapped key into her own object
    const copy = uniq("alice-copy");
    await alice.importKey(copy, wrapped, true);
    expect(await keyBytes(alice, copy)).toEqual(await keyBytes(bob, key));
  });
});

describe("Locate over raw HTTP only returns what the caller may see", () => {
  const locateAll = async (token: string) => {
    const r = await postKmip(server.url, t.s("Locate", t.s("Attributes", t.e("ObjectType", "SymmetricKey"))), {
      authorization: `Bearer ${token}`,
    });
    expect(r.status, r.text).toBe(200);
    return JSON.stringify(r.json);
  };

  test("an object appears in another user's Locate only once granted, and disappears when revoked", async () => {
    const uid = await alice.createSymmetricKey();
    const own = await carol.createSymmetricKey();
    expect(await locateAll(TOKENS.alice)).toContain(uid);
    expect(await locateAll(TOKENS.carol)).not.toContain(uid);
    expect(await locateAll(TOKENS.carol)).toContain(own);
    expect(await locateAll(TOKENS.alice)).not.toContain(own);
    await alice.grantAccess(uid, "carol", [KMIPOperations.decrypt]);
    expect(await locateAll(TOKENS.carol)).toContain(uid);
    await alice.revokeAccess(uid, "carol", [KMIPOperations.decrypt]);
    expect(await locateAll(TOKENS.carol)).not.toContain(uid);
  });
});

describe("/access routes over raw HTTP (Cosmian's JSON bodies)", () => {
  test("grant, list, obtained, revoke with the exact bodies", async () => {
    const uid = await alice.createSymmetricKey();
    const body = (ops: string[]) => JSON.stringify({ unique_identifier: uid, user_id: "bob", operation_types: ops });
    const g = await raw("/access/grant", TOKENS.alice, { method: "POST", body: body(["get", "encrypt"]) });
    expect(g).toEqual({ status: 200, text: '{"success":"Access for bob successfully added"}' });
    expect(await raw(`/access/list/${uid}`, TOKENS.alice)).toEqual({
      status: 200,
      text: '[{"user_id":"bob","operations":["encrypt","get"]}]',
    });
    const o = await raw("/access/obtained", TOKENS.bob);
    expect(JSON.parse(o.text)).toContainEqual({
      object_id: uid,
      owner_id: "alice",
      state: "Active",
      operations: ["encrypt", "get"],
    });
    const r = await raw("/access/revoke", TOKENS.alice, { method: "POST", body: body(["get", "encrypt"]) });
    expect(r).toEqual({ status: 200, text: '{"success":"Access for bob successfully deleted"}' });
    expect(await raw(`/access/list/${uid}`, TOKENS.alice)).toEqual({ status: 200, text: "[]" });
  });

  test("Cosmian's other spellings of a right are accepted (get_attributes); unknown ones are refused (422)", async () => {
    const uid = await alice.createSymmetricKey();
    const ok = await raw("/access/grant", TOKENS.alice, {
      method: "POST",
      body: JSON.stringify({ unique_identifier: uid, user_id: "bob", operation_types: ["get_attributes"] }),
    });
    expect(ok.status).toBe(200);
    expect((await raw(`/access/list/${uid}`, TOKENS.alice)).text).toBe(
      '[{"user_id":"bob","operations":["getattributes"]}]',
    );
    const bad = await raw("/access/grant", TOKENS.alice, {
      method: "POST",
      body: JSON.stringify({ unique_identifier: uid, user_id: "bob", operation_types: ["fly"] }),
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toMatch(/^Invalid_Field: unknown operation type "fly"/);
  });

  test("malformed bodies, unknown objects, other owners, missing credentials", async () => {
    const uid = await alice.createSymmetricKey();
    const notJson = await raw("/access/grant", TOKENS.alice, { method: "POST", body: "not json" });
    expect(notJson.status).toBe(422);
    expect(notJson.text).toMatch(/^Invalid_Message: /);
    const missing = await raw("/access/grant", TOKENS.alice, {
      method: "POST",
      body: JSON.stringify({ unique_identifier: uid, operation_types: ["get"] }),
    });
    expect(missing.status).toBe(422);
    expect(missing.text).toMatch(/^Invalid_Field: user_id/);
    // an unknown id, another owner's object, and one bob holds a grant on: one answer (no existence oracle)
    const notOwned = (id: string, user: string) => ({
      status: 403,
      text: `Permission_Denied: Access denied: Object with uid \`${id}\` is not owned by owner \`${user}\``,
    });
    expect(await raw("/access/list/no-such-object", TOKENS.alice)).toEqual(notOwned("no-such-object", "alice"));
    expect(await raw(`/access/list/${uid}`, TOKENS.bob)).toEqual(notOwned(uid, "bob"));
    await alice.grantAccess(uid, "bob", [KMIPOperations.encrypt]);
    expect(await raw(`/access/list/${uid}`, TOKENS.bob)).toEqual(notOwned(uid, "bob"));
    expect((await raw("/access/owned", undefined)).status).toBe(401);
  });
});

describe("--privileged-users", () => {
  let priv: TestServer;
  beforeAll(async () => {
    priv = await startTestServer({
      apiKeys: Object.entries(TOKENS).map(([user, token]) => ({ user, token })),
      privilegedUsers: ["alice"],
    });
  });
  afterAll(async () => {
    await priv?.dispose();
  });

  test("only privileged users create or import; others get 403 but may use what they are granted", async () => {
    const a = new KmsClient(priv.url, TOKENS.alice),
      b = new KmsClient(priv.url, TOKENS.bob);
    const uid = await a.createSymmetricKey();
    expect(await a.importSymmetricKey(uniq("imp"), randomBytes(32))).toMatch(/^imp-/);
    expect(await message(b.createSymmetricKey())).toBe(
      "KMIP request failed (Create): Permission_Denied: Permission denied: bob may not create objects (not a privileged user)",
    );
    expect(await message(b.importSymmetricKey(uniq("imp"), randomBytes(32)))).toMatch(
      /^KMIP request failed \(Import\): Permission_Denied: /,
    );
    const r = await postKmip(
      priv.url,
      t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", t.e("CryptographicAlgorithm", "AES"))),
      { authorization: `Bearer ${TOKENS.bob}` },
    );
    expect(r.status).toBe(403);
    await a.grantAccess(uid, "bob", [KMIPOperations.get]);
    expect(await keyBytes(b, uid)).toEqual(await keyBytes(a, uid));
    // a non-privileged user cannot import even what he may get
    const fetched = await b.getObject(uid);
    expect(await message(b.importKey(uniq("copy"), fetched, false))).toMatch(
      /^KMIP request failed \(Import\): Permission_Denied: /,
    );
  });
});
