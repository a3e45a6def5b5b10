/**
 * HSM through PKCS#11 against a real SoftHSM2 token: keys made and used inside the HSM (hsm:: ids),
 * access rights on them, and the HSM key-encryption key sealing the database. Real servers over
 * HTTP, real SQLite files. Needs SoftHSM2 (see test/helpers/softhsm.ts).
 */
import { Database } from "bun:sqlite";
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  find,
  fromHex,
  hex,
  postKmip,
  startTestServer,
  t,
  valueOf,
  type Node,
  type TestServer,
} from "../helpers/server.ts";
import { createSoftHsmToken, requireSoftHsm, SOFTHSM_MODULE, type SoftHsmToken } from "../helpers/softhsm.ts";
import { Hsm } from "../../src/hsm/pkcs11.ts";
import { spawnSync } from "node:child_process";
import { DEFAULTS, loadConfig } from "../../src/server/config.ts";
import { startServer } from "../../src/server/main.ts";
import { createLogger } from "../../src/server/log.ts";

const run = requireSoftHsm("test/hsm/hsm.test.ts", test);
const root = path.resolve(import.meta.dirname, "../..");
const TOKENS = { admin: "admin-token-0123456789abcdef", user: "user-token-0123456789abcdef0" };
const apiKeys = Object.entries(TOKENS).map(([user, token]) => ({ user, token }));
const as = (who: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[who]}` });
const PLAIN = hex("attack at dawn, from the HSM");

async function kmip(server: TestServer, who: keyof typeof TOKENS, body: Node) {
  return postKmip(server.url, body, as(who));
}
function ok(r: { status: number; text: string }) {
  expect(r.status, r.text).toBe(200);
}
const createAes = (uid: string, bits = 256) =>
  t.s(
    "Create",
    t.e("ObjectType", "SymmetricKey"),
    t.s(
      "Attributes",
      t.e("CryptographicAlgorithm", "AES"),
      t.int("CryptographicLength", bits),
      t.int("CryptographicUsageMask", 12),
      t.text("UniqueIdentifier", uid),
    ),
  );
const encryptGcm = (uid: string, data = PLAIN) =>
  t.s(
    "Encrypt",
    t.text("UniqueIdentifier", uid),
    t.s("CryptographicParameters", t.e("BlockCipherMode", "GCM")),
    t.b("Data", data),
  );
const decryptGcm = (uid: string, enc: Node) =>
  t.s(
    "Decrypt",
    t.text("UniqueIdentifier", uid),
    t.s("CryptographicParameters", t.e("BlockCipherMode", "GCM")),
    t.b("Data", valueOf(enc, "Data") as string),
    t.b("IvCounterNonce", valueOf(enc, "IvCounterNonce") as string),
    t.b("AuthenticatedEncryptionTag", valueOf(enc, "AuthenticatedEncryptionTag") as string),
  );
const grant = (server: TestServer, who: keyof typeof TOKENS, uid: string, user: string, ops: string[]) =>
  fetch(`${server.url}/access/grant`, {
    method: "POST",
    headers: { "content-type": "application/json", ...as(who) },
    body: JSON.stringify({ unique_identifier: uid, user_id: user, operation_types: ops }),
  }).then(async (r) => ({ status: r.status, text: await r.text() }));

describe.runIf(run)("HSM-resident keys (SoftHSM2)", () => {
  let token: SoftHsmToken;
  let server: TestServer;
  let probe: Hsm;
  let k: (id: string) => string;
  beforeAll(async () => {
    token = createSoftHsmToken();
    k = (id) => `hsm::${token.slot}::${id}`;
    server = await startTestServer({ apiKeys, hsm: token.config(["admin"]) });
    probe = await Hsm.open({ model: "softhsm2", module: SOFTHSM_MODULE, slots: [token.slot], pin: token.pin });
  });
  afterAll(async () => {
    probe?.close();
    await server?.dispose();
    token?.dispose();
  });

  test("an AES key made in the HSM: sensitive, not extractable; GCM and CBC round trips run there; Get is refused", async () => {
    ok(await kmip(server, "admin", createAes(k("aes1"))));
    expect(probe.keyInfo(token.slot, "aes1")).toEqual({ class: "secret", keyType: "AES", bits: 256 });
    expect(probe.keyFlags(token.slot, "aes1")).toEqual({ sensitive: true, extractable: false });

    const enc = await kmip(server, "admin", encryptGcm(k("aes1")));
    ok(enc);
    expect(fromHex(valueOf(enc.json, "IvCounterNonce")).length).toBe(12);
    expect(fromHex(valueOf(enc.json, "AuthenticatedEncryptionTag")).length).toBe(16);
    expect(valueOf(enc.json, "Data")).not.toBe(PLAIN.toUpperCase());
    const dec = await kmip(server, "admin", decryptGcm(k("aes1"), enc.json!));
    ok(dec);
    expect((valueOf(dec.json, "Data") as string).toLowerCase()).toBe(PLAIN);

    // an altered tag is refused by the HSM
    const bad = structuredClone(enc.json!);
    const tag = find(bad, "AuthenticatedEncryptionTag")!;
    tag.value = ((tag.value as string).startsWith("0") ? "1" : "0") + (tag.value as string).slice(1);
    const tampered = await kmip(server, "admin", decryptGcm(k("aes1"), bad));
    expect(tampered.status).toBe(422);
    expect(tampered.text).toMatch(/^Cryptographic_Failure: /);

    const cbc = await kmip(
      server,
      "admin",
      t.s(
        "Encrypt",
        t.text("UniqueIdentifier", k("aes1")),
        t.s("CryptographicParameters", t.e("BlockCipherMode", "CBC")),
        t.b("Data", PLAIN),
      ),
    );
    ok(cbc);
    const back = await kmip(
      server,
      "admin",
      t.s(
        "Decrypt",
        t.text("UniqueIdentifier", k("aes1")),
        t.s("CryptographicParameters", t.e("BlockCipherMode", "CBC")),
        t.b("Data", valueOf(cbc.json, "Data") as string),
        t.b("IvCounterNonce", valueOf(cbc.json, "IvCounterNonce") as string),
      ),
    );
    ok(back);
    expect((valueOf(back.json, "Data") as string).toLowerCase()).toBe(PLAIN);

    const ecb = await kmip(
      server,
      "admin",
      t.s(
        "Encrypt",
        t.text("UniqueIdentifier", k("aes1")),
        t.s("CryptographicParameters", t.e("BlockCipherMode", "ECB")),
        t.b("Data", PLAIN),
      ),
    );
    expect(ecb.status).toBe(422);
    expect(ecb.text).toMatch(/^Operation_Not_Supported: .*ECB is not supported/);

    for (const op of ["Get", "Export"]) {
      const get = await kmip(server, "admin", t.s(op, t.text("UniqueIdentifier", k("aes1"))));
      expect(get.status).toBe(422);
      expect(get.text).toMatch(/^Sensitive: .*never leaves/);
    }
    const attrs = await kmip(server, "admin", t.s("GetAttributes", t.text("UniqueIdentifier", k("aes1"))));
    ok(attrs);
    expect(valueOf(attrs.json, "CryptographicLength")).toBe(256);
    expect(valueOf(attrs.json, "Sensitive")).toBe(true);
    const located = await kmip(server, "admin", t.s("Locate", t.s("Attributes", t.e("ObjectType", "SymmetricKey"))));
    expect(JSON.stringify(located.json)).toContain(k("aes1"));
  });

  test("concurrent requests share the pooled sessions: 24 parallel GCM round trips all succeed", async () => {
    ok(await kmip(server, "admin", createAes(k("busy"))));
    const results = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const data = hex(`message number ${i}`);
        const enc = await kmip(server, "admin", encryptGcm(k("busy"), data));
        ok(enc);
        const dec = await kmip(server, "admin", decryptGcm(k("busy"), enc.json!));
        ok(dec);
        return (valueOf(dec.json, "Data") as string).toLowerCase() === data;
      }),
    );
    expect(results.every(Boolean)).toBe(true);
  });

  test("only HSM admins create HSM keys; a refused Create leaves nothing in the HSM", async () => {
    const r = await kmip(server, "user", createAes(k("by-user")));
    expect(r.status).toBe(422);
    expect(r.text).toMatch(/^Permission_Denied: .*only an HSM Admin may create/);
    expect(probe.exists(token.slot, "by-user")).toBe(false);
    const pair = await kmip(
      server,
      "user",
      t.s(
        "CreateKeyPair",
        t.s("CommonAttributes", t.e("CryptographicAlgorithm", "RSA"), t.int("CryptographicLength", 2048)),
        t.s("PrivateKeyAttributes", t.text("UniqueIdentifier", k("rsa-by-user"))),
      ),
    );
    expect(pair.status).toBe(422);
    expect(pair.text).toMatch(/^Permission_Denied: /);
    expect(probe.exists(token.slot, "rsa-by-user")).toBe(false);
    // the user may still make ordinary keys
    ok(
      await kmip(
        server,
        "user",
        t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", t.e("CryptographicAlgorithm", "AES"))),
      ),
    );
  });

  test("refused shapes: non-AES, bad lengths, EC pairs, small RSA, an unknown slot, a taken id, Import of an hsm:: id", async () => {
    const cases: [Node, RegExp][] = [
      [
        t.s(
          "Create",
          t.e("ObjectType", "SymmetricKey"),
          t.s("Attributes", t.e("CryptographicAlgorithm", "ChaCha20"), t.text("UniqueIdentifier", k("chacha"))),
        ),
        /Only AES symmetric keys/,
      ],
      [createAes(k("aes-100"), 100), /invalid AES key length 100/],
      [
        t.s(
          "CreateKeyPair",
          t.s("CommonAttributes", t.e("CryptographicAlgorithm", "EC"), t.e("RecommendedCurve", "P256")),
          t.s("PrivateKeyAttributes", t.text("UniqueIdentifier", k("ec"))),
        ),
        /only support RSA keypair/,
      ],
      [
        t.s(
          "CreateKeyPair",
          t.s("CommonAttributes", t.e("CryptographicAlgorithm", "RSA"), t.int("CryptographicLength", 1024)),
          t.s("PrivateKeyAttributes", t.text("UniqueIdentifier", k("rsa1024"))),
        ),
        /minimum key length/,
      ],
      [createAes("hsm::99::nope"), /slot 99 is not accessible/],
      [encryptGcm("hsm::99::nope"), /slot 99 is not accessible/],
      [createAes(k("aes1")), /^Object_Already_Exists: /],
      [
        t.s(
          "Import",
          t.text("UniqueIdentifier", k("imported")),
          t.e("ObjectType", "SymmetricKey"),
          t.s("Attributes"),
          t.s(
            "Object",
            t.s(
              "KeyBlock",
              t.e("KeyFormatType", "Raw"),
              t.s("KeyValue", t.b("KeyMaterial", "00".repeat(32))),
              t.e("CryptographicAlgorithm", "AES"),
              t.int("CryptographicLength", 256),
            ),
          ),
        ),
        /names an HSM object/,
      ],
    ];
    for (const [body, message] of cases) {
      const r = await kmip(server, "admin", body);
      expect(r.status, r.text).toBe(422);
      expect(r.text).toMatch(message);
    }
    for (const id of ["chacha", "aes-100", "ec", "rsa1024", "imported"])
      expect(probe.exists(token.slot, id)).toBe(false);
  });

  test("rights: each right granted alone (Get does not imply Encrypt), Destroy never grantable, a user cannot destroy; the key stays usable", async () => {
    ok(await kmip(server, "admin", createAes(k("shared"))));
    const enc = await kmip(server, "admin", encryptGcm(k("shared")));
    ok(enc);
    // nothing granted: not found
    let r = await kmip(server, "user", encryptGcm(k("shared")));
    expect(r.status).toBe(422);
    expect(r.text).toMatch(/^Item_Not_Found: /);
    // Get alone does not allow Encrypt on an HSM key
    expect((await grant(server, "admin", k("shared"), "user", ["get"])).status).toBe(200);
    r = await kmip(server, "user", encryptGcm(k("shared")));
    expect(r.status).toBe(403);
    expect(r.text).toMatch(/^Item_Not_Found: .*may not encrypt/);
    // Encrypt / Decrypt granted: the user encrypts and decrypts the admin's ciphertext
    expect((await grant(server, "admin", k("shared"), "user", ["encrypt", "decrypt"])).status).toBe(200);
    ok(await kmip(server, "user", encryptGcm(k("shared"))));
    const dec = await kmip(server, "user", decryptGcm(k("shared"), enc.json!));
    ok(dec);
    expect((valueOf(dec.json, "Data") as string).toLowerCase()).toBe(PLAIN);
    // Destroy cannot be granted, the user cannot grant, the user cannot destroy
    const g = await grant(server, "admin", k("shared"), "user", ["destroy"]);
    expect(g.status).toBe(403);
    expect(g.text).toContain("reserved for HSM admins only");
    const selfGrant = await grant(server, "user", k("shared"), "someone", ["encrypt"]);
    expect(selfGrant.status).toBe(403);
    expect(selfGrant.text).toContain("is not owned by");
    const d = await kmip(server, "user", t.s("Destroy", t.text("UniqueIdentifier", k("shared"))));
    expect(d.status).toBe(422);
    expect(d.text).toMatch(/^Permission_Denied: .*HSM admins/);
    const dMissing = await kmip(server, "user", t.s("Destroy", t.text("UniqueIdentifier", k("no-such-key"))));
    expect(dMissing.text).toBe(d.text.replace(k("shared"), k("no-such-key"))); // says nothing about existence
    // the victim's key is unchanged: still in the HSM, still decrypting for its owner
    expect(probe.exists(token.slot, "shared")).toBe(true);
    ok(await kmip(server, "admin", decryptGcm(k("shared"), enc.json!)));
  });

  test("an RSA pair made in the HSM: Sign there, verify and encrypt with the public key, decrypt there", async () => {
    const pair = await kmip(
      server,
      "admin",
      t.s(
        "CreateKeyPair",
        t.s("CommonAttributes", t.e("CryptographicAlgorithm", "RSA"), t.int("CryptographicLength", 2048)),
        t.s("PrivateKeyAttributes", t.text("UniqueIdentifier", k("rsa"))),
      ),
    );
    ok(pair);
    expect(valueOf(pair.json, "PublicKeyUniqueIdentifier")).toBe(k("rsa_pk"));
    expect(probe.keyFlags(token.slot, "rsa")).toEqual({ sensitive: true, extractable: false });
    for (const dsa of ["SHA256WithRSAEncryption", "RSASSAPSS"]) {
      const sig = await kmip(
        server,
        "admin",
        t.s(
          "Sign",
          t.text("UniqueIdentifier", k("rsa")),
          t.s("CryptographicParameters", t.e("DigitalSignatureAlgorithm", dsa)),
          t.b("Data", PLAIN),
        ),
      );
      ok(sig);
      const v = await kmip(
        server,
        "admin",
        t.s(
          "SignatureVerify",
          t.text("UniqueIdentifier", k("rsa_pk")),
          t.s("CryptographicParameters", t.e("DigitalSignatureAlgorithm", dsa)),
          t.b("Data", PLAIN),
          t.b("SignatureData", valueOf(sig.json, "SignatureData") as string),
        ),
      );
      ok(v);
      expect(valueOf(v.json, "ValidityIndicator")).toBe("Valid");
    }
    const ecdsa = await kmip(
      server,
      "admin",
      t.s(
        "Sign",
        t.text("UniqueIdentifier", k("rsa")),
        t.s("CryptographicParameters", t.e("DigitalSignatureAlgorithm", "ECDSAWithSHA256")),
        t.b("Data", PLAIN),
      ),
    );
    expect(ecdsa.text).toMatch(/Unsupported digital signature algorithm for HSM signing/);
    const rsaParams = (padding: string, hash?: string) =>
      t.s("CryptographicParameters", t.e("PaddingMethod", padding), ...(hash ? [t.e("HashingAlgorithm", hash)] : []));
    for (const [padding, hash] of [
      ["OAEP", "SHA1"],
      ["PKCS1v15", undefined],
      ["OAEP", "SHA256"],
    ] as const) {
      const enc = await kmip(
        server,
        "admin",
        t.s("Encrypt", t.text("UniqueIdentifier", k("rsa_pk")), rsaParams(padding, hash), t.b("Data", PLAIN)),
      );
      if (hash === "SHA256" && enc.status === 422) {
        // SoftHSM2 2.6 implements RSA-OAEP with SHA-1 only: the refusal must be a clear KMIP error
        expect(enc.text).toMatch(
          /^Operation_Not_Supported: Encrypt: the HSM does not support these cryptographic parameters: Failed to initialize encryption: CKR_ARGUMENTS_BAD/,
        );
        continue;
      }
      ok(enc);
      const dec = await kmip(
        server,
        "admin",
        t.s(
          "Decrypt",
          t.text("UniqueIdentifier", k("rsa")),
          rsaParams(padding, hash),
          t.b("Data", valueOf(enc.json, "Data") as string),
        ),
      );
      ok(dec);
      expect((valueOf(dec.json, "Data") as string).toLowerCase()).toBe(PLAIN);
    }
    const rekeyPair = await kmip(server, "admin", t.s("ReKeyKeyPair", t.text("PrivateKeyUniqueIdentifier", k("rsa"))));
    expect(rekeyPair.text).toMatch(/^Operation_Not_Supported: ReKeyKeyPair: .* is an HSM key pair/);
    ok(await kmip(server, "admin", t.s("Get", t.text("UniqueIdentifier", k("rsa_pk")))));
    expect((await kmip(server, "admin", t.s("Get", t.text("UniqueIdentifier", k("rsa"))))).text).toMatch(
      /^Sensitive: /,
    );
  });

  test("ReKey makes the next generation in the HSM; a keyset name decrypts what older generations encrypted", async () => {
    ok(await kmip(server, "admin", createAes(k("rot"))));
    ok(
      await kmip(
        server,
        "admin",
        t.s("SetAttribute", t.text("UniqueIdentifier", k("rot")), t.s("NewAttribute", t.text("RotateName", "hsm-set"))),
      ),
    );
    const enc = await kmip(server, "admin", encryptGcm(k("rot")));
    ok(enc);
    const r1 = await kmip(server, "admin", t.s("ReKey", t.text("UniqueIdentifier", k("rot"))));
    ok(r1);
    expect(valueOf(r1.json, "UniqueIdentifier")).toBe(k("rot::1"));
    expect(probe.keyFlags(token.slot, "rot::1")).toEqual({ sensitive: true, extractable: false });
    const byName = await kmip(server, "admin", decryptGcm("hsm-set", enc.json!));
    ok(byName);
    expect((valueOf(byName.json, "Data") as string).toLowerCase()).toBe(PLAIN);
    // a user may not re-key (it would create an HSM key)
    const denied = await kmip(server, "user", t.s("ReKey", t.text("UniqueIdentifier", k("rot::1"))));
    expect(denied.text).toMatch(/^Permission_Denied: /);
    expect(probe.exists(token.slot, "rot::2")).toBe(false);
  });

  test("database keys wrapped under an HSM key (Get with KeyWrappingSpecification, Import of the wrapped key) in the three modes", async () => {
    ok(await kmip(server, "admin", createAes(k("wrapper"))));
    const KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    ok(
      await kmip(
        server,
        "admin",
        t.s(
          "Import",
          t.text("UniqueIdentifier", "plain-dek"),
          t.e("ObjectType", "SymmetricKey"),
          t.s(
            "Object",
            t.s(
              "KeyBlock",
              t.e("KeyFormatType", "Raw"),
              t.s("KeyValue", t.b("KeyMaterial", KEY)),
              t.e("CryptographicAlgorithm", "AES"),
              t.int("CryptographicLength", 256),
            ),
          ),
        ),
      ),
    );
    const enc = await kmip(server, "admin", encryptGcm("plain-dek"));
    ok(enc);
    for (const [mode, size] of [
      [undefined, 40],
      ["NISTKeyWrap", 40],
      ["GCM", 12 + 32 + 16],
    ] as const) {
      const params = mode ? [t.s("CryptographicParameters", t.e("BlockCipherMode", mode))] : [];
      const got = await kmip(
        server,
        "admin",
        t.s(
          "Get",
          t.text("UniqueIdentifier", "plain-dek"),
          t.e("KeyFormatType", "Raw"),
          t.s(
            "KeyWrappingSpecification",
            t.e("WrappingMethod", "Encrypt"),
            t.s("EncryptionKeyInformation", t.text("UniqueIdentifier", k("wrapper")), ...params),
          ),
        ),
      );
      ok(got);
      const wrapped = valueOf(got.json, "KeyMaterial") as string;
      expect(fromHex(wrapped).length).toBe(size);
      expect(wrapped.toLowerCase()).not.toContain(KEY.slice(0, 16));
      const id = `wrapped-dek-${mode ?? "default"}`;
      // imported with KeyWrapType NotWrapped: unwrapped by the HSM on the way in
      ok(
        await kmip(
          server,
          "admin",
          t.s(
            "Import",
            t.text("UniqueIdentifier", id),
            t.e("ObjectType", "SymmetricKey"),
            t.e("KeyWrapType", "NotWrapped"),
            t.s("Object", find(got.json, "KeyBlock")!),
          ),
        ),
      );
      const dec = await kmip(server, "admin", decryptGcm(id, enc.json!));
      ok(dec);
      expect((valueOf(dec.json, "Data") as string).toLowerCase()).toBe(PLAIN);
    }
  });

  test("a key provisioned in the HSM outside the server is adopted when an HSM admin first names it, not when a user does", async () => {
    probe.generateAesKey(token.slot, "outside", 128);
    const byUser = await kmip(server, "user", encryptGcm(k("outside")));
    expect(byUser.text).toMatch(/^Item_Not_Found: /);
    const enc = await kmip(server, "admin", encryptGcm(k("outside")));
    ok(enc);
    ok(await kmip(server, "admin", decryptGcm(k("outside"), enc.json!)));
    const attrs = await kmip(server, "admin", t.s("GetAttributes", t.text("UniqueIdentifier", k("outside"))));
    expect(valueOf(attrs.json, "CryptographicLength")).toBe(128);
    expect((await kmip(server, "admin", t.s("Get", t.text("UniqueIdentifier", k("outside"))))).text).toMatch(
      /^Sensitive: /,
    );
    // still not the user's
    expect((await kmip(server, "user", encryptGcm(k("outside")))).text).toMatch(/^Item_Not_Found: /);
  });

  test("Destroy deletes the key in the HSM and its row; the id can be used again", async () => {
    ok(await kmip(server, "admin", createAes(k("gone"))));
    ok(await kmip(server, "admin", t.s("Destroy", t.text("UniqueIdentifier", k("gone")))));
    expect(probe.exists(token.slot, "gone")).toBe(false);
    const r = await kmip(server, "admin", t.s("GetAttributes", t.text("UniqueIdentifier", k("gone"))));
    expect(r.text).toMatch(/^Object_Not_Found: /);
    ok(await kmip(server, "admin", createAes(k("gone"))));
  });
});

describe.runIf(run)("the key-encryption key in the HSM (SoftHSM2)", () => {
  let token: SoftHsmToken;
  let dataDir: string;
  beforeAll(() => {
    token = createSoftHsmToken();
    dataDir = mkdtempSync(path.join(tmpdir(), "kms-kek-"));
  });
  afterAll(() => {
    token?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("bootstrap: the server starts before the KEK exists, the admin creates it, rows are sealed by it, the database needs the HSM", async () => {
    const kek = `hsm::${token.slot}::kek`;
    let server = await startTestServer({ dataDir, hsm: token.config(["admin"]), keyEncryptionKey: kek });
    const early = await postKmip(
      server.url,
      t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", t.e("CryptographicAlgorithm", "AES"))),
    );
    expect(early.status).toBe(422);
    expect(early.text).toMatch(/^Cryptographic_Failure: .*key-encryption key .* does not exist in the HSM yet/);
    ok(await postKmip(server.url, createAes(kek)));
    const created = await postKmip(
      server.url,
      t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", t.e("CryptographicAlgorithm", "AES"))),
    );
    ok(created);
    const dek = valueOf(created.json, "UniqueIdentifier") as string;
    const enc = await postKmip(server.url, encryptGcm(dek));
    ok(enc);
    await server.stop();

    const db = new Database(path.join(dataDir, "kms.db"), { readonly: true });
    const rows = db.query("SELECT id, sealed_by FROM objects").all() as { id: string; sealed_by: string }[];
    db.close();
    expect(rows.length).toBe(2);
    for (const r of rows) expect(r.sealed_by).toBe(kek);

    // without the HSM: the database does not open
    await expect(startTestServer({ dataDir })).rejects.toThrow(
      /sealed under the HSM key-encryption key hsm::\d+::kek: configure the HSM/,
    );
    // with it: the data key works again
    server = await startTestServer({ dataDir, hsm: token.config(["admin"]), keyEncryptionKey: kek });
    const dec = await postKmip(server.url, decryptGcm(dek, enc.json!));
    ok(dec);
    expect((valueOf(dec.json, "Data") as string).toLowerCase()).toBe(PLAIN);
    // the KEK in use cannot be destroyed through the API
    const destroyKek = await postKmip(server.url, t.s("Destroy", t.text("UniqueIdentifier", kek)));
    expect(destroyKek.text).toMatch(/^Permission_Denied: .*key-encryption key sealing the database/);
    ok(await postKmip(server.url, decryptGcm(dek, enc.json!)));
    await server.stop();
  });
});

describe.runIf(run)("an HSM that goes away and comes back (SoftHSM2)", () => {
  test("requests fail with a clear error while the token is gone, and work again once it is back, without a restart", async () => {
    const token = createSoftHsmToken();
    const server = await startTestServer({ hsm: token.config(["admin"]) });
    try {
      const uid = `hsm::${token.slot}::flaky`;
      ok(await postKmip(server.url, createAes(uid)));
      const enc = await postKmip(server.url, encryptGcm(uid));
      ok(enc);
      // Pull the rug: finalize the library behind the server's back (every session is gone) and hide the token.
      const { PKCS11 } = (await import("pkcs11js")).default;
      const other = new PKCS11();
      other.load(SOFTHSM_MODULE);
      other.C_Finalize();
      const tokens = path.join(token.dir, "tokens");
      renameSync(tokens, `${tokens}.away`);
      mkdirSync(tokens);
      const down = await postKmip(server.url, encryptGcm(uid));
      expect(down.status).toBe(422);
      expect(down.text).toMatch(/^Cryptographic_Failure: Encrypt: HSM error: the HSM is unavailable/);
      expect((await fetch(`${server.url}/version`)).status).toBe(200); // the server itself is fine
      // The token is back: the next request reconnects and logs in again.
      rmSync(tokens, { recursive: true });
      renameSync(`${tokens}.away`, tokens);
      const dec = await postKmip(server.url, decryptGcm(uid, enc.json!));
      ok(dec);
      expect((valueOf(dec.json, "Data") as string).toLowerCase()).toBe(PLAIN);
    } finally {
      await server.dispose();
      token.dispose();
    }
  });
});

describe.runIf(run)("start-up failures say what is wrong", () => {
  let token: SoftHsmToken;
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(path.join(tmpdir(), "kms-hsm-start-"));
    dirs.push(d);
    return d;
  };
  beforeAll(() => {
    token = createSoftHsmToken();
  });
  afterAll(() => {
    token?.dispose();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test("wrong PIN, missing library, a slot without a token, an empty PIN file", async () => {
    const wrongPin = path.join(token.dir, "wrong-pin");
    writeFileSync(wrongPin, "not-the-pin\n");
    const empty = path.join(token.dir, "empty-pin");
    writeFileSync(empty, "");
    const cases: [Partial<ReturnType<SoftHsmToken["config"]>>, RegExp][] = [
      [{ passwordFile: wrongPin }, /HSM login to slot \d+ refused: wrong PIN/],
      [
        { module: "/nonexistent/libvendor-pkcs11.so" },
        /cannot load the PKCS#11 library \/nonexistent\/libvendor-pkcs11.so/,
      ],
      [{ slots: ["4242"] }, /HSM slot 4242 has no token/],
      [{ passwordFile: empty }, /password file .* is empty/],
    ];
    for (const [change, message] of cases) {
      const error = await startTestServer({ dataDir: dir(), hsm: { ...token.config(), ...change } }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(message);
      expect(error?.message).not.toContain(token.pin);
    }
  });

  test("the kms command refuses to start, exit status 1, saying why (wrong PIN, missing library)", () => {
    const wrongPin = path.join(token.dir, "wrong-pin-cli");
    writeFileSync(wrongPin, "wrong-cli-pin\n");
    const bun = process.versions.bun ? process.execPath : path.join(root, "node_modules/.bin/bun");
    const runKms = (...args: string[]) =>
      spawnSync(
        bun,
        [
          path.join(root, "src/server/main.ts"),
          "--port",
          "0",
          "--data-dir",
          dir(),
          "--hsm-model",
          "softhsm2",
          "--hsm-slot",
          token.slot,
          ...args,
        ],
        {
          encoding: "utf8",
          env: { ...process.env, SOFTHSM2_CONF: path.join(token.dir, "softhsm2.conf") },
          timeout: 30_000,
        },
      );
    const pin = runKms("--hsm-password-file", wrongPin);
    expect(pin.status).toBe(1);
    expect(pin.stderr).toMatch(/cannot start.*HSM login to slot \d+ refused: wrong PIN \(CKR_PIN_INCORRECT\)/);
    expect(pin.stderr).not.toContain("wrong-cli-pin");
    const lib = runKms("--hsm-password-file", token.pinFile, "--hsm-module", "/nonexistent/libpkcs11.so");
    expect(lib.status).toBe(1);
    expect(lib.stderr).toMatch(/cannot start.*cannot load the PKCS#11 library \/nonexistent\/libpkcs11.so/);
  });

  test("debug logs of a start, HSM operations and a wrong-PIN start never carry the PIN", async () => {
    const lines: string[] = [];
    const log = createLogger("debug", (l) => lines.push(l));
    const dataDir = dir();
    const server = await startServer(
      { ...structuredClone(DEFAULTS), port: 0, dataDir, logLevel: "debug", hsm: token.config(["admin"]) },
      log,
    );
    try {
      const uid = `hsm::${token.slot}::logged`;
      ok(await postKmip(server.url, createAes(uid)));
      ok(await postKmip(server.url, encryptGcm(uid)));
    } finally {
      await server.stop();
    }
    const wrongPin = path.join(token.dir, "wrong-pin-2");
    writeFileSync(wrongPin, "another-wrong-pin\n");
    await expect(
      startServer(
        {
          ...structuredClone(DEFAULTS),
          port: 0,
          dataDir: dir(),
          logLevel: "debug",
          hsm: { ...token.config(), passwordFile: wrongPin },
        },
        log,
      ),
    ).rejects.toThrow(/wrong PIN/);
    expect(lines.some((l) => l.includes("HSM ready"))).toBe(true);
    expect(lines.join("\n")).not.toContain(token.pin);
    expect(lines.join("\n")).not.toContain("another-wrong-pin");
  });

  test("configuration: flags, environment and TOML names; the PIN is never an option", () => {
    const parsed = loadConfig(
      [
        "--hsm-model",
        "softhsm2",
        "--hsm-slot",
        "7",
        "--hsm-password-file",
        "/p",
        "--hsm-admin",
        "alice,bob",
        "--key-encryption-key",
        "hsm::7::kek",
      ],
      {},
    );
    expect(parsed.kind === "run" && parsed.config.hsm).toEqual({
      model: "softhsm2",
      module: SOFTHSM_MODULE,
      slots: ["7"],
      passwordFile: "/p",
      admins: ["alice", "bob"],
    });
    expect(parsed.kind === "run" && parsed.config.keyEncryptionKey).toBe("hsm::7::kek");
    const env = loadConfig([], {
      KMS_HSM_MODEL: "generic",
      KMS_HSM_MODULE: "/lib/x.so",
      KMS_HSM_SLOT: "1,2",
      KMS_HSM_PASSWORD_FILE: "/p",
    });
    expect(env.kind === "run" && env.config.hsm).toEqual({
      model: "generic",
      module: "/lib/x.so",
      slots: ["1", "2"],
      passwordFile: "/p",
      admins: ["admin"],
    });
    const toml = path.join(token.dir, "kms.toml");
    writeFileSync(
      toml,
      `hsm_model = "softhsm2"\nhsm_slot = [3]\nhsm_password_file = "/p"\nhsm_admin = "root"\nkey_encryption_key = "hsm::3::k"\n`,
    );
    const fromToml = loadConfig(["-c", toml], {});
    expect(fromToml.kind === "run" && fromToml.config.hsm?.slots).toEqual(["3"]);
    expect(() => loadConfig(["--hsm-password", "1234"], {})).toThrow(/unknown option --hsm-password/);
    expect(() => loadConfig(["--hsm-model", "generic", "--hsm-slot", "1", "--hsm-password-file", "/p"], {})).toThrow(
      /needs --hsm-module/,
    );
    expect(() => loadConfig(["--hsm-model", "softhsm2", "--hsm-slot", "1"], {})).toThrow(/--hsm-password-file/);
    expect(() => loadConfig(["--key-encryption-key", "some-uuid"], {})).toThrow(/must name an HSM key/);
  });
});
