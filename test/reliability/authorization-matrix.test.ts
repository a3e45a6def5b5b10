/**
 * Authorization matrix: three users (owner, grantee holding some rights, stranger) x every
 * operation x every object type, for two grant profiles (a few explicit rights; `get` alone, which
 * does not allow attribute writes). Exactly the allowed cells succeed (with the owner's answer), the
 * others fail and leave the owner's object exactly as it was: a stranger is told the object does not
 * exist (422, the operation's not-found reason, the very text a missing id gets), a grantee lacking
 * the right gets the same reason with HTTP 403. Locate and /access/* never reveal
 * objects a user may not see, and a revoked grant takes effect at once.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { findAll, hex, postKmip, startTestServer, t, valueOf, type Node, type TestServer } from "../helpers/server.ts";

const TOKENS = {
  owner: "owner-token-0123456789abcdef",
  grantee: "grantee-token-0123456789abcd",
  stranger: "stranger-token-0123456789ab",
};
type User = keyof typeof TOKENS;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ apiKeys: Object.entries(TOKENS).map(([user, token]) => ({ user, token })) });
});
afterAll(async () => server?.dispose());

const as = (user: User, body: unknown) => postKmip(server.url, body, { authorization: `Bearer ${TOKENS[user]}` });
const grant = (uid: string, user: string, ops: string[], path = "grant") =>
  fetch(`${server.url}/access/${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKENS.owner}` },
    body: JSON.stringify({ unique_identifier: uid, user_id: user, operation_types: ops }),
  });
const uidOf = (r: { json?: Node }, tag = "UniqueIdentifier") => valueOf(r.json, tag) as string;

/** Object types: each factory makes a fresh object owned by `owner` and returns the uid to act on. */
const TYPES: Record<string, () => Promise<string>> = {
  SymmetricKey: async () =>
    uidOf(
      await as(
        "owner",
        t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", t.e("CryptographicAlgorithm", "AES"))),
      ),
    ),
  SecretData: async () => uidOf(await as("owner", t.s("Create", t.e("ObjectType", "SecretData"), t.s("Attributes")))),
  PublicKey: async () =>
    uidOf(
      await as(
        "owner",
        t.s(
          "CreateKeyPair",
          t.s(
            "CommonAttributes",
            t.e("CryptographicAlgorithm", "ECDH"),
            t.s("CryptographicDomainParameters", t.e("RecommendedCurve", "CURVE25519")),
          ),
        ),
      ),
      "PublicKeyUniqueIdentifier",
    ),
  PrivateKey: async () =>
    uidOf(
      await as(
        "owner",
        t.s(
          "CreateKeyPair",
          t.s(
            "CommonAttributes",
            t.e("CryptographicAlgorithm", "ECDSA"),
            t.s("CryptographicDomainParameters", t.e("RecommendedCurve", "P256")),
          ),
        ),
      ),
      "PrivateKeyUniqueIdentifier",
    ),
};

/** Operations, with the right they need and a request builder. */
const OPS: { op: string; right: string; body: (uid: string) => Node }[] = [
  { op: "Get", right: "get", body: (uid) => t.s("Get", t.text("UniqueIdentifier", uid)) },
  { op: "Export", right: "export", body: (uid) => t.s("Export", t.text("UniqueIdentifier", uid)) },
  { op: "GetAttributes", right: "getattributes", body: (uid) => t.s("GetAttributes", t.text("UniqueIdentifier", uid)) },
  {
    op: "SetAttribute",
    right: "setattribute",
    body: (uid) =>
      t.s("SetAttribute", t.text("UniqueIdentifier", uid), t.s("NewAttribute", t.text("Description", "d"))),
  },
  {
    op: "AddAttribute",
    right: "addattribute",
    body: (uid) =>
      t.s(
        "AddAttribute",
        t.text("UniqueIdentifier", uid),
        t.s("NewAttribute", t.s("Name", t.text("NameValue", "n"), t.e("NameType", "UninterpretedTextString"))),
      ),
  },
  {
    op: "ModifyAttribute",
    right: "modifyattribute",
    body: (uid) =>
      t.s(
        "ModifyAttribute",
        t.text("UniqueIdentifier", uid),
        t.s("NewAttribute", t.int("CryptographicUsageMask", 0x200000)),
      ),
  },
  {
    op: "DeleteAttribute",
    right: "deleteattribute",
    body: (uid) =>
      t.s("DeleteAttribute", t.text("UniqueIdentifier", uid), t.text("AttributeReference", "CryptographicUsageMask")),
  },
  {
    op: "Encrypt",
    right: "encrypt",
    body: (uid) => t.s("Encrypt", t.text("UniqueIdentifier", uid), t.b("Data", hex("matrix"))),
  },
  {
    op: "Sign",
    right: "sign",
    body: (uid) => t.s("Sign", t.text("UniqueIdentifier", uid), t.b("Data", hex("matrix"))),
  },
  {
    op: "Revoke",
    right: "revoke",
    body: (uid) => t.s("Revoke", t.text("UniqueIdentifier", uid), t.text("RevocationReason", "matrix")),
  },
  { op: "Destroy", right: "destroy", body: (uid) => t.s("Destroy", t.text("UniqueIdentifier", uid)) },
  { op: "ReKey", right: "rekey", body: (uid) => t.s("ReKey", t.text("UniqueIdentifier", uid)) },
];

/**
 * What the grantee holds, per profile: some non-strict rights and one strict one; or `get` alone,
 * which implies the other non-strict operations but not the strict ones: revoke, destroy, rekey and
 * the attribute writes.
 */
const PROFILES: Record<string, string[]> = { some: ["getattributes", "encrypt", "revoke"], get: ["get"] };
const STRICT = ["revoke", "destroy", "rekey", "setattribute", "addattribute", "modifyattribute", "deleteattribute"];
const allowed = (user: User, right: string, granted: string[]) =>
  user === "owner" ||
  (user === "grantee" && (granted.includes(right) || (granted.includes("get") && !STRICT.includes(right))));

/** The owner's view of an object: its attributes and, for keys, the key material (what a denied call must leave as it was). */
async function snapshot(uid: string): Promise<string> {
  const attrs = await as("owner", t.s("GetAttributes", t.text("UniqueIdentifier", uid)));
  const got = await as("owner", t.s("Get", t.text("UniqueIdentifier", uid)));
  return `${attrs.status} ${attrs.text}\n${got.status} ${JSON.stringify(findAll(got.json, "KeyMaterial"))}`;
}

describe("every cell of users x operations x object types", () => {
  for (const [profile, granted] of Object.entries(PROFILES)) {
    for (const [type, make] of Object.entries(TYPES)) {
      test(`${type}, grantee holding ${granted.join("+")}`, async () => {
        const mismatches: string[] = [];
        for (const { op, right, body } of OPS) {
          // The owner's answer on a fresh object says what success looks like for this cell.
          const reference = await as("owner", body(await make()));
          for (const user of ["grantee", "stranger"] as const) {
            const uid = await make();
            await grant(uid, "grantee", granted);
            const before = await snapshot(uid);
            const r = await as(user, body(uid));
            const cell = `${type} ${op} by ${user} (${profile})`;
            if (allowed(user, right, granted)) {
              if (r.status !== reference.status)
                mismatches.push(
                  `${cell}: ${r.status} but the owner gets ${reference.status} (${r.text.slice(0, 120)})`,
                );
            } else {
              const expectedStatus = user === "stranger" ? 422 : 403;
              if (r.status !== expectedStatus)
                mismatches.push(`${cell}: expected ${expectedStatus}, got ${r.status} ${r.text.slice(0, 120)}`);
              else if (!/^(Item|Object)_Not_Found: /.test(r.text))
                mismatches.push(`${cell}: wrong reason ${r.text.slice(0, 120)}`);
              if (user === "stranger") {
                // exactly what a missing id gets
                const missing = crypto.randomUUID();
                const m = await as("stranger", body(missing));
                if (m.status !== r.status || m.text.split(missing).join("<id>") !== r.text.split(uid).join("<id>")) {
                  mismatches.push(
                    `${cell}: the stranger learns more than "not found": ${r.text} (a missing id: ${m.text})`,
                  );
                }
              }
              if ((await snapshot(uid)) !== before) mismatches.push(`${cell}: refused, yet the owner's object changed`);
            }
          }
        }
        expect(mismatches).toEqual([]);
      }, 120_000);
    }
  }
});

describe("visibility and revocation", () => {
  test("Locate and /access/* never reveal objects a user may not see; revoked grants act at once", async () => {
    const tag = `m-${crypto.randomUUID()}`;
    const tagAttr = t.s(
      "VendorAttributes",
      t.s(
        "VendorAttributes",
        t.text("VendorIdentification", "cosmian"),
        t.text("AttributeName", "tag"),
        t.b("AttributeValue", hex(JSON.stringify([tag]))),
      ),
    );
    const uid = uidOf(
      await as(
        "owner",
        t.s(
          "Create",
          t.e("ObjectType", "SymmetricKey"),
          t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), tagAttr),
        ),
      ),
    );
    const locate = async (user: User) =>
      findAll((await as(user, t.s("Locate", t.s("Attributes", tagAttr)))).json, "UniqueIdentifier")
        .filter((n) => n.type === "TextString")
        .map((n) => n.value);
    expect(await locate("owner")).toEqual([uid]);
    expect(await locate("grantee")).toEqual([]);
    expect(await locate("stranger")).toEqual([]);
    const list = (user: User) =>
      fetch(`${server.url}/access/list/${uid}`, { headers: { authorization: `Bearer ${TOKENS[user]}` } });
    const missing = crypto.randomUUID();
    const strangerList = await list("stranger");
    const missingList = await fetch(`${server.url}/access/list/${missing}`, {
      headers: { authorization: `Bearer ${TOKENS.stranger}` },
    });
    expect({ status: strangerList.status, text: (await strangerList.text()).replace(uid, "<id>") }).toEqual({
      status: missingList.status,
      text: (await missingList.text()).replace(missing, "<id>"),
    });
    const obtained = async (user: User) =>
      (await (
        await fetch(`${server.url}/access/obtained`, { headers: { authorization: `Bearer ${TOKENS[user]}` } })
      ).json()) as { object_id: string }[];
    const owned = async (user: User) =>
      (await (
        await fetch(`${server.url}/access/owned`, { headers: { authorization: `Bearer ${TOKENS[user]}` } })
      ).json()) as { object_id: string }[];
    expect((await obtained("grantee")).map((o) => o.object_id)).not.toContain(uid);
    expect((await owned("stranger")).map((o) => o.object_id)).not.toContain(uid);

    await grant(uid, "grantee", ["get"]);
    expect(await locate("grantee")).toEqual([uid]);
    expect((await obtained("grantee")).map((o) => o.object_id)).toContain(uid);
    expect((await as("grantee", t.s("Get", t.text("UniqueIdentifier", uid)))).status).toBe(200);
    expect(await locate("stranger")).toEqual([]);

    await grant(uid, "grantee", ["get"], "revoke");
    const after = await as("grantee", t.s("Get", t.text("UniqueIdentifier", uid)));
    expect(after.status).toBe(422);
    expect(await locate("grantee")).toEqual([]);
    expect((await obtained("grantee")).map((o) => o.object_id)).not.toContain(uid);

    // the wildcard user
    await grant(uid, "*", ["get"]);
    expect((await as("stranger", t.s("Get", t.text("UniqueIdentifier", uid)))).status).toBe(200);
    await grant(uid, "*", ["get"], "revoke");
    expect((await as("stranger", t.s("Get", t.text("UniqueIdentifier", uid)))).status).toBe(422);
  });
});
