/**
 * CoverCrypt through Cosmian's own client (cloudproof_kms_js 4.0.0) against our real server, and
 * interop with cloudproof_js 10.0.1's WASM (cosmian_cover_crypt 14.0.0): keys fetched from the KMS
 * used locally, KMS ciphertexts opened locally and local ciphertexts opened by the KMS.
 * Semantics as Cosmian's client tests assert them (docs/covercrypt-format.md, "Rekeying" and "In the KMS").
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  AccessPolicyKms,
  KMIPOperations,
  KmsClient,
  Link,
  LinkType,
  PolicyKms,
  PrivateKey,
  PublicKey,
} from "cloudproof_kms_js";
import { CoverCrypt } from "cloudproof_js";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { hex } from "../helpers/bytes.ts";

type C = Awaited<ReturnType<typeof CoverCrypt>>;
let C: C;
let server: TestServer;
let client: KmsClient;
const ALICE = "alice-token-0123456789abcdef";
const BOB = "bob-token-0123456789abcdefgh";

beforeAll(async () => {
  C = await CoverCrypt();
  server = await startTestServer({
    apiKeys: [
      { user: "alice", token: ALICE },
      { user: "bob", token: BOB },
    ],
  });
  client = new KmsClient(server.url, ALICE);
});
afterAll(async () => {
  await server?.dispose();
});

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** The demo policy of Cosmian's client tests (3 ordered levels, 3 departments). */
function demoPolicy() {
  return new C.Policy([
    new C.PolicyAxis(
      "Security Level",
      [
        { name: "Protected", isHybridized: false },
        { name: "Confidential", isHybridized: false },
        { name: "Top Secret", isHybridized: false },
      ],
      true,
    ),
    new C.PolicyAxis(
      "Department",
      [
        { name: "FIN", isHybridized: false },
        { name: "MKG", isHybridized: false },
        { name: "HR", isHybridized: false },
      ],
      false,
    ),
  ]);
}

/** Cosmian's rekey test policy (cloudproof_kms_js tests/covercrypt.test.ts). */
const SECURITY_POLICY =
  '{"version":"V2","last_attribute_value":2,"dimensions":{"Security":{"Unordered":{"Simple":{"id":1,"encryption_hint":"Classic","write_status":"EncryptDecrypt"},"TopSecret":{"id":2,"encryption_hint":"Classic","write_status":"EncryptDecrypt"}}}}}';

const USER_AP = "(Department::MKG || Department::FIN) && Security Level::Confidential";
const FIN_CONF = "Department::FIN && Security Level::Confidential";

async function rejects(p: Promise<unknown>, pattern?: RegExp): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  expect(e, "expected the call to fail").toBeInstanceOf(Error);
  expect(e!.message).toMatch(/^KMIP request failed \(\w+\): /);
  if (pattern) expect(e!.message).toMatch(pattern);
  return e!.message;
}

describe("master keys and user keys", () => {
  test("createCoverCryptMasterKeyPair + retrieve*: formats, policy echoed, tags on both keys", async () => {
    const policy = demoPolicy();
    const tag = `cc-${crypto.randomUUID()}`;
    const [mskId, mpkId] = await client.createCoverCryptMasterKeyPair(new PolicyKms(policy.toBytes()), [tag]);
    expect(mpkId).toBe(`${mskId}_pk`);

    const msk = await client.retrieveCoverCryptSecretMasterKey(mskId);
    const mpk = await client.retrieveCoverCryptPublicMasterKey(mpkId);
    expect(msk).toBeInstanceOf(PrivateKey);
    expect(mpk).toBeInstanceOf(PublicKey);
    expect(msk.keyBlock.cryptographicLength).toBe(msk.bytes().length * 8);
    // the policy comes back byte for byte on both keys
    expect(hex(PolicyKms.fromKey(msk).toBytes())).toBe(hex(policy.toBytes()));
    expect(hex(PolicyKms.fromKey(mpk).toBytes())).toBe(hex(policy.toBytes()));
    // the WASM accepts the key bytes
    const usk = C.generateUserSecretKey(msk.bytes(), USER_AP, policy);
    const ct = new C.CoverCryptHybridEncryption(policy, mpk.bytes()).encrypt(FIN_CONF, enc("local"));
    expect(dec(C.decrypt(usk, ct).plaintext)).toBe("local");

    const udkId = await client.createCoverCryptUserDecryptionKey(USER_AP, mskId, [tag]);
    const ids = await client.getUniqueIdentifiersByTags([tag]);
    expect(ids.sort()).toEqual([mskId, mpkId, udkId].sort());
    const objects = await client.getObjectsByTags([tag]);
    expect(objects.map((o) => o.type).sort()).toEqual(["PrivateKey", "PrivateKey", "PublicKey"]);
    expect(await client.getUniqueIdentifiersByTags([`${tag}-none`])).toEqual([]);
  });

  test("createCoverCryptUserDecryptionKey + retrieve: access policy echoed, key usable by the WASM", async () => {
    const policy = demoPolicy();
    const [mskId, mpkId] = await client.createCoverCryptMasterKeyPair(new PolicyKms(policy.toBytes()));
    const udkId = await client.createCoverCryptUserDecryptionKey(new AccessPolicyKms(USER_AP), mskId);
    const udk = await client.retrieveCoverCryptUserDecryptionKey(udkId);
    expect(AccessPolicyKms.fromKey(udk).booleanAccessPolicy).toBe(USER_AP);
    expect(udk.keyBlock.keyFormatType).toBeDefined();
    const links =
      udk.keyBlock.keyValue && "attributes" in udk.keyBlock.keyValue
        ? udk.keyBlock.keyValue.attributes?.link
        : undefined;
    expect(links?.some((l) => l.linkType === LinkType.ParentLink && l.linkedObjectIdentifier === mskId)).toBe(true);

    const ct = await client.coverCryptEncrypt(mpkId, FIN_CONF, enc("kms ciphertext"));
    expect(dec(C.decrypt(udk.bytes(), ct).plaintext)).toBe("kms ciphertext");
    expect(() => C.decrypt(udk.bytes(), ct, { authenticationData: enc("not the aad") })).toThrow();
  });

  test("retrieve* refuse the wrong kind of key", async () => {
    const [mskId, mpkId] = await client.createCoverCryptMasterKeyPair(new PolicyKms(demoPolicy().toBytes()));
    await expect(client.retrieveCoverCryptPublicMasterKey(mskId)).rejects.toThrow();
    await expect(client.retrieveCoverCryptSecretMasterKey(mpkId)).rejects.toThrow();
  });

  test("import*: fetched keys re-imported as they are, and {bytes, policy} forms; byte-exact round trips", async () => {
    const policy = demoPolicy();
    const [mskId, mpkId] = await client.createCoverCryptMasterKeyPair(new PolicyKms(policy.toBytes()));
    const udkId = await client.createCoverCryptUserDecryptionKey(USER_AP, mskId);
    const msk = await client.retrieveCoverCryptSecretMasterKey(mskId);
    const mpk = await client.retrieveCoverCryptPublicMasterKey(mpkId);
    const udk = await client.retrieveCoverCryptUserDecryptionKey(udkId);

    expect(await client.importCoverCryptSecretMasterKey(`${mskId}-imported`, msk)).toBe(`${mskId}-imported`);
    expect(await client.importCoverCryptPublicMasterKey(`${mpkId}-imported`, mpk)).toBe(`${mpkId}-imported`);
    expect(await client.importCoverCryptUserDecryptionKey(`${udkId}-imported`, udk)).toBe(`${udkId}-imported`);
    const mpk2 = await client.importCoverCryptPublicMasterKey(
      `${mpkId}-bytes`,
      { bytes: mpk.bytes(), policy: new PolicyKms(policy.toBytes()) },
      { replaceExisting: true, link: [new Link(LinkType.PrivateKeyLink, mskId)] },
    );
    const msk2 = await client.importCoverCryptSecretMasterKey(`${mskId}-bytes`, {
      bytes: msk.bytes(),
      policy: new PolicyKms(policy.toBytes()),
    });
    const udk2 = await client.importCoverCryptUserDecryptionKey(
      `${udkId}-bytes`,
      { bytes: udk.bytes(), policy: "Department::FIN" },
      { link: [new Link(LinkType.ParentLink, mskId)] },
    );

    for (const [id, original] of [
      [`${mskId}-imported`, msk],
      [msk2, msk],
    ] as const) {
      const back = await client.retrieveCoverCryptSecretMasterKey(id);
      expect(hex(back.bytes())).toBe(hex(original.bytes()));
      expect(hex(PolicyKms.fromKey(back).toBytes())).toBe(hex(policy.toBytes()));
    }
    for (const id of [`${mpkId}-imported`, mpk2]) {
      expect(hex((await client.retrieveCoverCryptPublicMasterKey(id)).bytes())).toBe(hex(mpk.bytes()));
    }
    const back = await client.retrieveCoverCryptUserDecryptionKey(`${udkId}-imported`);
    expect(hex(back.bytes())).toBe(hex(udk.bytes()));
    expect(AccessPolicyKms.fromKey(back).booleanAccessPolicy).toBe(USER_AP);
    const back2 = await client.retrieveCoverCryptUserDecryptionKey(udk2);
    expect(hex(back2.bytes())).toBe(hex(udk.bytes()));
    expect(AccessPolicyKms.fromKey(back2).booleanAccessPolicy).toBe("Department::FIN");
    // and a re-imported fetched key can be re-imported again (every field it needs is echoed)
    expect(await client.importCoverCryptUserDecryptionKey(`${udkId}-again`, back)).toBe(`${udkId}-again`);

    // the imported public key encrypts, the imported user key decrypts
    const ct = await client.coverCryptEncrypt(mpk2, FIN_CONF, enc("imported"));
    expect(dec((await client.coverCryptDecrypt(`${udkId}-imported`, ct)).plaintext)).toBe("imported");
  });

  test("master keys made by the WASM, imported with {bytes, policy}: the KMS issues user keys, encrypts and re-keys them", async () => {
    const policy = demoPolicy();
    const { secretKey, publicKey } = C.generateMasterKeys(policy);
    const id = `wasm-${crypto.randomUUID()}`;
    await client.importCoverCryptSecretMasterKey(
      id,
      { bytes: secretKey, policy: new PolicyKms(policy.toBytes()) },
      { link: [new Link(LinkType.PublicKeyLink, `${id}_pk`)] },
    );
    await client.importCoverCryptPublicMasterKey(
      `${id}_pk`,
      { bytes: publicKey, policy: new PolicyKms(policy.toBytes()) },
      { link: [new Link(LinkType.PrivateKeyLink, id)] },
    );
    const udkId = await client.createCoverCryptUserDecryptionKey(USER_AP, id);
    const local = C.encrypt(policy, publicKey, FIN_CONF, enc("wasm keys"));
    expect(dec((await client.coverCryptDecrypt(udkId, local)).plaintext)).toBe("wasm keys");
    const wasmUsk = C.generateUserSecretKey(secretKey, USER_AP, policy);
    expect(dec(C.decrypt(wasmUsk, await client.coverCryptEncrypt(`${id}_pk`, FIN_CONF, enc("kms"))).plaintext)).toBe(
      "kms",
    );
    expect(await client.rekeyCoverCryptAccessPolicy(id, "Department::FIN")).toEqual([id, `${id}_pk`]);
    const after = await client.coverCryptEncrypt(`${id}_pk`, FIN_CONF, enc("after"));
    expect(dec((await client.coverCryptDecrypt(udkId, after)).plaintext)).toBe("after");
    expect(() => C.decrypt(wasmUsk, after)).toThrow();
  });

  test("a user key for a master key the caller may not use is refused; with a get grant it works", async () => {
    const [mskId] = await client.createCoverCryptMasterKeyPair(new PolicyKms(demoPolicy().toBytes()));
    const bob = new KmsClient(server.url, BOB);
    await rejects(bob.createCoverCryptUserDecryptionKey(USER_AP, mskId), /Item_Not_Found|not found/i);
    await client.grantAccess(mskId, "bob", [KMIPOperations.get]);
    const udk = await bob.createCoverCryptUserDecryptionKey(USER_AP, mskId);
    expect(typeof udk).toBe("string");
  });

  test("revokeCoverCrypt*: a revoked user key still decrypts; a revoked master pair neither encrypts, issues keys nor re-keys", async () => {
    const [mskId, mpkId] = await client.createCoverCryptMasterKeyPair(new PolicyKms(demoPolicy().toBytes()));
    const udkId = await client.createCoverCryptUserDecryptionKey(USER_AP, mskId);
    const ct = await client.coverCryptEncrypt(mpkId, FIN_CONF, enc("before"));
    await client.revokeCoverCryptUserDecryptionKey(udkId, "bye");
    expect(dec((await client.coverCryptDecrypt(udkId, ct)).plaintext)).toBe("before");
    await rejects(client.retrieveCoverCryptUserDecryptionKey(udkId), /Wrong_Key_Lifecycle_State/);

    await client.revokeCoverCryptPublicMasterKey(mpkId, "retired");
    await rejects(client.coverCryptEncrypt(mpkId, FIN_CONF, enc("x")));
    await client.revokeCoverCryptSecretMasterKey(mskId, "retired");
    await rejects(client.createCoverCryptUserDecryptionKey(USER_AP, mskId), /Wrong_Key_Lifecycle_State/);
    await rejects(client.rekeyCoverCryptAccessPolicy(mskId, "Department::FIN"), /Wrong_Key_Lifecycle_State/);
  });

  test("a user key from a user key, or with a broken access policy, is refused", async () => {
    const [mskId, mpkId] = await client.createCoverCryptMasterKeyPair(new PolicyKms(demoPolicy().toBytes()));
    const udkId = await client.createCoverCryptUserDecryptionKey(USER_AP, mskId);
    await rejects(client.createCoverCryptUserDecryptionKey(USER_AP, udkId), /Invalid_Object_Type|not found/i);
    await rejects(client.createCoverCryptUserDecryptionKey(USER_AP, mpkId), /Invalid_Object_Type|not found/i);
    await rejects(
      client.createCoverCryptUserDecryptionKey("Department::NOPE", mskId),
      /^KMIP request failed \(Create\): Invalid_Attribute_Value: .*NOPE/,
    );
    await rejects(client.createCoverCryptUserDecryptionKey("Department::FIN &&", mskId), /Invalid_Attribute_Value/);
  });
});

describe("encrypt and decrypt", () => {
  let mskId: string, mpkId: string, udkId: string, hrId: string;
  const policy = () => demoPolicy();
  beforeAll(async () => {
    [mskId, mpkId] = await client.createCoverCryptMasterKeyPair(new PolicyKms(policy().toBytes()));
    udkId = await client.createCoverCryptUserDecryptionKey(USER_AP, mskId);
    hrId = await client.createCoverCryptUserDecryptionKey("Department::HR && Security Level::Protected", mskId);
  });

  test("with header metadata and authentication data", async () => {
    const ct = await client.coverCryptEncrypt(mpkId, FIN_CONF, enc("top data"), {
      headerMetadata: enc("hdr"),
      authenticationData: enc("aad"),
    });
    const r = await client.coverCryptDecrypt(udkId, ct, { authenticationData: enc("aad") });
    expect(dec(r.headerMetadata)).toBe("hdr");
    expect(dec(r.plaintext)).toBe("top data");
    await rejects(client.coverCryptDecrypt(udkId, ct, { authenticationData: enc("other") }), /Cryptographic_Failure/);
    await rejects(client.coverCryptDecrypt(udkId, ct), /Cryptographic_Failure/);
  });

  test("without options; an empty plaintext too", async () => {
    for (const text of ["x", ""]) {
      const ct = await client.coverCryptEncrypt(mpkId, "Department::MKG && Security Level::Protected", enc(text));
      const r = await client.coverCryptDecrypt(udkId, ct);
      expect(dec(r.plaintext)).toBe(text);
      expect(r.headerMetadata.length).toBe(0);
    }
  });

  test("a user key without access cannot decrypt (422), and encrypting for an unknown attribute fails", async () => {
    const ct = await client.coverCryptEncrypt(mpkId, FIN_CONF, enc("secret"));
    await rejects(client.coverCryptDecrypt(hrId, ct), /InsufficientAccessPolicy/);
    await rejects(
      client.coverCryptEncrypt(mpkId, "Department::NOPE", enc("x")),
      /^KMIP request failed \(Encrypt\): Invalid_Field: .*NOPE/,
    );
    await rejects(client.coverCryptEncrypt(mpkId, "Department::FIN &&", enc("x")), /Invalid_Field/);
  });

  test("the master secret key cannot decrypt, a user key cannot encrypt", async () => {
    const ct = await client.coverCryptEncrypt(mpkId, FIN_CONF, enc("x"));
    await rejects(client.coverCryptDecrypt(mskId, ct), /Invalid_Object_Type/);
    await rejects(client.coverCryptEncrypt(udkId, FIN_CONF, enc("x")));
  });

  test("local WASM ciphertexts open in the KMS, KMS ciphertexts open in the WASM", async () => {
    const mpk = await client.retrieveCoverCryptPublicMasterKey(mpkId);
    const udk = await client.retrieveCoverCryptUserDecryptionKey(udkId);
    const p = policy();
    const local = C.encrypt(p, mpk.bytes(), FIN_CONF, enc("from wasm"), {
      headerMetadata: enc("meta"),
      authenticationData: enc("ad"),
    });
    const r = await client.coverCryptDecrypt(udkId, local, { authenticationData: enc("ad") });
    expect([dec(r.headerMetadata), dec(r.plaintext)]).toEqual(["meta", "from wasm"]);
    const plain = new C.CoverCryptHybridEncryption(p, mpk.bytes()).encrypt(FIN_CONF, enc("local"));
    expect(dec((await client.coverCryptDecrypt(udkId, plain)).plaintext)).toBe("local");

    const kms = await client.coverCryptEncrypt(mpkId, FIN_CONF, enc("from kms"), {
      headerMetadata: enc("m2"),
      authenticationData: enc("ad2"),
    });
    const l = C.decrypt(udk.bytes(), kms, { authenticationData: enc("ad2") });
    expect([dec(l.headerMetadata), dec(l.plaintext)]).toEqual(["m2", "from kms"]);
    const l2 = new C.CoverCryptHybridDecryption(udk.bytes()).decrypt(
      await client.coverCryptEncrypt(mpkId, FIN_CONF, enc("no options")),
    );
    expect(dec(l2.plaintext)).toBe("no options");
  });

  test("bulk encrypt/decrypt, with and without options; each item is a standalone ciphertext", async () => {
    const chunks = ["abcdefgh", "azertyui", "qsdfghjk"].map(enc);
    const cts = await client.coverCryptBulkEncrypt(mpkId, FIN_CONF, chunks, {
      headerMetadata: enc("bulk-hdr"),
      authenticationData: enc("bulk-ad"),
    });
    expect(cts.length).toBe(3);
    const r = await client.coverCryptBulkDecrypt(udkId, cts, { authenticationData: enc("bulk-ad") });
    expect(dec(r.headerMetadata)).toBe("bulk-hdr");
    expect(r.plaintext.map(dec)).toEqual(["abcdefgh", "azertyui", "qsdfghjk"]);
    const udk = await client.retrieveCoverCryptUserDecryptionKey(udkId);
    cts.forEach((ct, i) => {
      expect(dec(C.decrypt(udk.bytes(), ct, { authenticationData: enc("bulk-ad") }).plaintext)).toBe(dec(chunks[i]));
    });
    await rejects(client.coverCryptBulkDecrypt(udkId, cts), /Cryptographic_Failure/);
    await rejects(
      client.coverCryptBulkDecrypt(hrId, cts, { authenticationData: enc("bulk-ad") }),
      /InsufficientAccessPolicy/,
    );

    const plain = await client.coverCryptBulkEncrypt(mpkId, FIN_CONF, [enc("one"), enc(""), enc("three")]);
    const r2 = await client.coverCryptBulkDecrypt(udkId, plain);
    expect(r2.headerMetadata.length).toBe(0);
    expect(r2.plaintext.map(dec)).toEqual(["one", "", "three"]);
    // ciphertexts made separately (different headers) in one bulk decrypt
    const mixed = [
      await client.coverCryptEncrypt(mpkId, FIN_CONF, enc("a")),
      C.encrypt(policy(), (await client.retrieveCoverCryptPublicMasterKey(mpkId)).bytes(), FIN_CONF, enc("b")),
    ];
    expect((await client.coverCryptBulkDecrypt(udkId, mixed)).plaintext.map(dec)).toEqual(["a", "b"]);
  });
});

describe("rekey family (Cosmian's semantics)", () => {
  test("Cosmian's client test: rekey, forged key, prune, add, rename, disable, remove", async () => {
    const [mskID, mpkID] = await client.createCoverCryptMasterKeyPair(new PolicyKms(enc(SECURITY_POLICY)));
    const topSecretData = Uint8Array.from([1, 2, 3]);
    const ciphertext = await client.coverCryptEncrypt(mpkID, "Security::TopSecret", topSecretData);
    const simpleUser = await client.createCoverCryptUserDecryptionKey("Security::Simple", mskID);
    const topSecretUser = await client.createCoverCryptUserDecryptionKey("Security::TopSecret", mskID);
    const simpleUserKey = await client.retrieveCoverCryptUserDecryptionKey(simpleUser);
    const tempered = await client.importCoverCryptUserDecryptionKey(
      `${simpleUser}-HACK`,
      { bytes: simpleUserKey.bytes(), policy: "Security::TopSecret" },
      { link: [new Link(LinkType.ParentLink, mskID)] },
    );
    expect(tempered).toBe(`${simpleUser}-HACK`);
    const msk0 = await client.retrieveCoverCryptSecretMasterKey(mskID);
    const mpk0 = await client.retrieveCoverCryptPublicMasterKey(mpkID);
    const topKey0 = await client.retrieveCoverCryptUserDecryptionKey(topSecretUser);

    expect((await client.coverCryptDecrypt(topSecretUser, ciphertext)).plaintext).toEqual(topSecretData);
    await rejects(client.coverCryptDecrypt(simpleUser, ciphertext));
    await rejects(client.coverCryptDecrypt(tempered, ciphertext));

    // 1 - rekey: same uids, new bytes; user keys refreshed from their content
    expect(await client.rekeyCoverCryptAccessPolicy(mskID, "Security::TopSecret")).toEqual([mskID, mpkID]);
    expect(hex((await client.retrieveCoverCryptSecretMasterKey(mskID)).bytes())).not.toBe(hex(msk0.bytes()));
    expect(hex((await client.retrieveCoverCryptPublicMasterKey(mpkID)).bytes())).not.toBe(hex(mpk0.bytes()));
    expect((await client.coverCryptDecrypt(topSecretUser, ciphertext)).plaintext).toEqual(topSecretData);
    await rejects(client.coverCryptDecrypt(simpleUser, ciphertext));
    await rejects(client.coverCryptDecrypt(tempered, ciphertext));
    const newTopSecretData = Uint8Array.from([4, 5, 6]);
    const newCiphertext = await client.coverCryptEncrypt(mpkID, "Security::TopSecret", newTopSecretData);
    expect((await client.coverCryptDecrypt(topSecretUser, newCiphertext)).plaintext).toEqual(newTopSecretData);
    await rejects(client.coverCryptDecrypt(simpleUser, newCiphertext));
    await rejects(client.coverCryptDecrypt(tempered, newCiphertext), /InsufficientAccessPolicy/);
    // the old local copy cannot open new ciphertexts; the refreshed one opens both
    expect(() => C.decrypt(topKey0.bytes(), newCiphertext)).toThrow();
    const topKey1 = await client.retrieveCoverCryptUserDecryptionKey(topSecretUser);
    expect(C.decrypt(topKey1.bytes(), newCiphertext).plaintext).toEqual(newTopSecretData);
    expect(C.decrypt(topKey1.bytes(), ciphertext).plaintext).toEqual(topSecretData);
    // the forged key is still the simple key's rights (its access-policy label is untouched)
    const forged = await client.retrieveCoverCryptUserDecryptionKey(tempered);
    expect(AccessPolicyKms.fromKey(forged).booleanAccessPolicy).toBe("Security::TopSecret");
    expect(() => C.decrypt(forged.bytes(), newCiphertext)).toThrow();

    // 2 - prune: old TopSecret ciphertexts are gone, new ones still open
    expect(await client.pruneCoverCryptAccessPolicy(mskID, "Security::TopSecret")).toEqual([mskID, mpkID]);
    await rejects(client.coverCryptDecrypt(topSecretUser, ciphertext));
    expect((await client.coverCryptDecrypt(topSecretUser, newCiphertext)).plaintext).toEqual(newTopSecretData);

    // 3 - add, 4 - rename (Cosmian's test passes a "Dim::Name" new name)
    await client.addCoverCryptAttribute(mskID, "Security::Confidential", false);
    await client.renameCoverCryptAttribute(mskID, "Security::Simple", "Security::Protected");
    const renamed = JSON.parse(dec(PolicyKms.fromKey(await client.retrieveCoverCryptPublicMasterKey(mpkID)).toBytes()));
    expect(Object.keys(renamed.dimensions.Security.Unordered)).toEqual([
      "Security::Protected",
      "TopSecret",
      "Confidential",
    ]);
    const conf = await client.coverCryptEncrypt(mpkID, "Security::Confidential", enc("conf"));
    const confUser = await client.createCoverCryptUserDecryptionKey("Security::Confidential", mskID);
    expect(dec((await client.coverCryptDecrypt(confUser, conf)).plaintext)).toBe("conf");

    // 5 - disable: encryption refused, decryption still works
    await client.disableCoverCryptAttribute(mskID, "Security::TopSecret");
    await rejects(
      client.coverCryptEncrypt(mpkID, "Security::TopSecret", Uint8Array.from([7, 8, 9])),
      /disabled attribute/,
    );
    expect((await client.coverCryptDecrypt(topSecretUser, newCiphertext)).plaintext).toEqual(newTopSecretData);

    // 6 - remove: that attribute's ciphertexts no longer open
    await client.removeCoverCryptAttribute(mskID, "Security::TopSecret");
    await rejects(client.coverCryptDecrypt(topSecretUser, newCiphertext));
    expect(
      JSON.parse(dec(PolicyKms.fromKey(await client.retrieveCoverCryptSecretMasterKey(mskID)).toBytes())).dimensions
        .Security.Unordered.TopSecret,
    ).toBeUndefined();
  });

  test("rekey on the demo policy: KMS decryption of old ciphertexts keeps working; local keys follow", async () => {
    const policy = demoPolicy();
    const [mskId, mpkId] = await client.createCoverCryptMasterKeyPair(new PolicyKms(policy.toBytes()));
    const udkId = await client.createCoverCryptUserDecryptionKey(USER_AP, mskId);
    const udk0 = await client.retrieveCoverCryptUserDecryptionKey(udkId);
    const mpk0 = await client.retrieveCoverCryptPublicMasterKey(mpkId);
    const oldKms = await client.coverCryptEncrypt(mpkId, FIN_CONF, enc("old kms"));
    const oldLocal = C.encrypt(policy, mpk0.bytes(), FIN_CONF, enc("old local"));

    await client.rekeyCoverCryptAccessPolicy(mskId, "Department::FIN");
    const mpk1 = await client.retrieveCoverCryptPublicMasterKey(mpkId);
    expect(hex(mpk1.bytes())).not.toBe(hex(mpk0.bytes()));
    const newKms = await client.coverCryptEncrypt(mpkId, FIN_CONF, enc("new kms"));
    const newLocal = C.encrypt(
      C.Policy.fromBytes(PolicyKms.fromKey(mpk1).toBytes()),
      mpk1.bytes(),
      FIN_CONF,
      enc("new local"),
    );
    const udk1 = await client.retrieveCoverCryptUserDecryptionKey(udkId);
    for (const [ct, text] of [
      [oldKms, "old kms"],
      [oldLocal, "old local"],
      [newKms, "new kms"],
      [newLocal, "new local"],
    ] as const) {
      expect(dec((await client.coverCryptDecrypt(udkId, ct)).plaintext)).toBe(text);
      expect(dec(C.decrypt(udk1.bytes(), ct).plaintext)).toBe(text);
    }
    expect(dec(C.decrypt(udk0.bytes(), oldKms).plaintext)).toBe("old kms");
    expect(() => C.decrypt(udk0.bytes(), newKms)).toThrow();
    expect(() => C.decrypt(udk0.bytes(), newLocal)).toThrow();
    // MKG was not re-keyed: the old local key still opens new MKG ciphertexts
    const mkg = await client.coverCryptEncrypt(mpkId, "Department::MKG && Security Level::Protected", enc("mkg"));
    expect(dec(C.decrypt(udk0.bytes(), mkg).plaintext)).toBe("mkg");
  });

  test("addCoverCryptAttribute hybridized: the new attribute is Kyber-hybridized and usable locally", async () => {
    const policy = demoPolicy();
    const [mskId, mpkId] = await client.createCoverCryptMasterKeyPair(new PolicyKms(policy.toBytes()));
    const mpkSize = (await client.retrieveCoverCryptPublicMasterKey(mpkId)).bytes().length;
    expect(await client.addCoverCryptAttribute(mskId, "Department::R&D", true)).toEqual([mskId, mpkId]);
    await client.addCoverCryptAttribute(mskId, "Department::OPS");
    const mpk = await client.retrieveCoverCryptPublicMasterKey(mpkId);
    const p = JSON.parse(dec(PolicyKms.fromKey(mpk).toBytes()));
    expect(p.dimensions.Department.Unordered["R&D"]).toEqual({
      id: 7,
      encryption_hint: "Hybridized",
      write_status: "EncryptDecrypt",
    });
    expect(p.dimensions.Department.Unordered.OPS.encryption_hint).toBe("Classic");
    expect(mpk.bytes().length).toBeGreaterThan(mpkSize + 3 * 1184);
    const udkId = await client.createCoverCryptUserDecryptionKey("Department::R&D && Security Level::Protected", mskId);
    const ct = C.encrypt(
      C.Policy.fromBytes(PolicyKms.fromKey(mpk).toBytes()),
      mpk.bytes(),
      "Department::R&D && Security Level::Protected",
      enc("hybrid"),
    );
    expect(dec((await client.coverCryptDecrypt(udkId, ct)).plaintext)).toBe("hybrid");
  });

  test("rekey errors are clean: unknown attribute, hierarchical add, the last attribute, a user key as master", async () => {
    const [mskId, mpkId] = await client.createCoverCryptMasterKeyPair(new PolicyKms(demoPolicy().toBytes()));
    const udkId = await client.createCoverCryptUserDecryptionKey(USER_AP, mskId);
    const mpk0 = hex((await client.retrieveCoverCryptPublicMasterKey(mpkId)).bytes());
    await rejects(
      client.rekeyCoverCryptAccessPolicy(mskId, "Department::NOPE"),
      /^KMIP request failed \(ReKeyKeyPair\): Invalid_Attribute_Value: .*NOPE/,
    );
    await rejects(client.removeCoverCryptAttribute(mskId, "Department::NOPE"), /AttributeNotFound/);
    await rejects(client.disableCoverCryptAttribute(mskId, "Nope::FIN"), /DimensionNotFound/);
    await rejects(client.addCoverCryptAttribute(mskId, "Security Level::Secret"), /Illegal_Operation: .*Hierarchical/);
    await rejects(client.addCoverCryptAttribute(mskId, "Department::FIN"), /Illegal_Operation/);
    await rejects(client.renameCoverCryptAttribute(mskId, "Department::FIN", "MKG"), /Illegal_Operation/);
    await rejects(client.rekeyCoverCryptAccessPolicy(udkId, "Department::FIN"), /Invalid_Object_Type/);
    // nothing changed
    expect(hex((await client.retrieveCoverCryptPublicMasterKey(mpkId)).bytes())).toBe(mpk0);
    // another user may not re-key (not even with get)
    await client.grantAccess(mskId, "bob", [KMIPOperations.get]);
    await rejects(new KmsClient(server.url, BOB).rekeyCoverCryptAccessPolicy(mskId, "Department::FIN"));
    expect(hex((await client.retrieveCoverCryptPublicMasterKey(mpkId)).bytes())).toBe(mpk0);
  });

  test("user keys of another owner linked to the master are refreshed too; a wrongly linked key is left alone", async () => {
    const [mskId, mpkId] = await client.createCoverCryptMasterKeyPair(new PolicyKms(demoPolicy().toBytes()));
    await client.grantAccess(mskId, "bob", [KMIPOperations.get]);
    const bob = new KmsClient(server.url, BOB);
    const bobKey = await bob.createCoverCryptUserDecryptionKey(FIN_CONF, mskId);
    // a key of another master, linked to this one
    const [otherMsk] = await client.createCoverCryptMasterKeyPair(new PolicyKms(demoPolicy().toBytes()));
    const stranger = await client.retrieveCoverCryptUserDecryptionKey(
      await client.createCoverCryptUserDecryptionKey(FIN_CONF, otherMsk),
    );
    const strangerId = await client.importCoverCryptUserDecryptionKey(
      `stranger-${crypto.randomUUID()}`,
      { bytes: stranger.bytes(), policy: FIN_CONF },
      { link: [new Link(LinkType.ParentLink, mskId)] },
    );

    await client.rekeyCoverCryptAccessPolicy(mskId, "Department::FIN");
    const ct = await client.coverCryptEncrypt(mpkId, FIN_CONF, enc("after"));
    expect(dec((await bob.coverCryptDecrypt(bobKey, ct)).plaintext)).toBe("after");
    expect(hex((await client.retrieveCoverCryptUserDecryptionKey(strangerId)).bytes())).toBe(hex(stranger.bytes()));
    await rejects(client.coverCryptDecrypt(strangerId, ct));
  });
});
