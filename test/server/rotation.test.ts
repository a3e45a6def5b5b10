/**
 * Automatic key rotation (KMIP 2.1 rotation attributes) on a real server and SQLite file, with time
 * driven through the scheduler's `runOnce(at)` (the background timer is off): symmetric keys, key
 * pairs and CoverCrypt master keys; due times (interval, offset, floor); links, generations and
 * RotateLatest; Locate and Encrypt by the rotate name; the old key still decrypting; two servers on
 * one database rotating each key exactly once; a failed rotation leaving the key as it was.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execFile } from "node:child_process";
import path from "node:path";
import { openStore } from "../../src/server/storage.ts";
import { silentLogger } from "../../src/server/log.ts";
import { RotationScheduler } from "../../src/server/rotation.ts";
import { VERSION_STRING } from "../../src/server/version.ts";
import {
  find,
  findAll,
  fromHex,
  hex,
  postKmip,
  startTestServer,
  t,
  valueOf,
  type Node,
  type TestServer,
} from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ rotationCheckSeconds: 0, metrics: true });
});
afterAll(async () => {
  await server?.dispose();
});

const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

async function ok(body: unknown): Promise<Node> {
  const r = await postKmip(server.url, body);
  expect(r.status, r.text).toBe(200);
  return r.json!;
}

const policy = (interval: number, extra: Node[] = []) => [
  t.bool("RotateAutomatic", true),
  { tag: "RotateInterval", type: "LongInteger", value: interval } as Node,
  ...extra,
];

async function createKey(extra: Node[]): Promise<string> {
  const r = await ok(
    t.s(
      "Create",
      t.e("ObjectType", "SymmetricKey"),
      t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 256), ...extra),
    ),
  );
  return valueOf(r, "UniqueIdentifier") as string;
}

async function attributes(uid: string): Promise<Node> {
  return ok(t.s("GetAttributes", t.text("UniqueIdentifier", uid)));
}

/** `LinkType:target` of each Link item (the items hold LinkType directly; a list wrapper does not). */
const links = (attrs: Node) =>
  findAll(attrs, "Link")
    .filter((l) => Array.isArray(l.value) && (l.value as Node[]).some((c) => c.tag === "LinkType"))
    .map((l) => `${valueOf(l, "LinkType")}:${valueOf(l, "LinkedObjectIdentifier")}`);

async function encrypt(uid: string, text: string) {
  const r = await ok(t.s("Encrypt", t.text("UniqueIdentifier", uid), t.b("Data", hex(text))));
  return {
    uid: valueOf(r, "UniqueIdentifier") as string,
    data: valueOf(r, "Data") as string,
    iv: valueOf(r, "IvCounterNonce") as string,
    tag: valueOf(r, "AuthenticatedEncryptionTag") as string,
  };
}

async function decrypt(uid: string, c: { data: string; iv: string; tag: string }) {
  return postKmip(
    server.url,
    t.s(
      "Decrypt",
      t.text("UniqueIdentifier", uid),
      t.b("Data", c.data),
      t.b("IvCounterNonce", c.iv),
      t.b("AuthenticatedEncryptionTag", c.tag),
    ),
  );
}

async function locate(...attrs: Node[]): Promise<string[]> {
  const r = await ok(t.s("Locate", t.s("Attributes", ...attrs)));
  return findAll(r, "UniqueIdentifier")
    .filter((n) => n.type === "TextString")
    .map((n) => n.value as string);
}

describe("symmetric keys", () => {
  test("rotated when due: linked successor, same RotateName, generation + 1, RotateLatest moved; the old key still decrypts", async () => {
    const name = `ks-${crypto.randomUUID()}`;
    const k0 = await createKey(policy(60, [t.text("RotateName", name)]));
    const before = await encrypt(k0, "before rotation");
    expect((await server.rotation.runOnce(later(30))).rotated).toEqual([]);
    const r = await server.rotation.runOnce(later(61));
    expect(r.failed).toEqual([]);
    const rotated = r.rotated.filter((x) => x.old === k0);
    expect(rotated).toHaveLength(1);
    const k1 = rotated[0].new;
    expect(k1).not.toBe(k0);
    const a0 = await attributes(k0),
      a1 = await attributes(k1);
    expect(links(a0)).toContain(`ReplacementObjectLink:${k1}`);
    expect(links(a1)).toContain(`ReplacedObjectLink:${k0}`);
    expect([valueOf(a0, "RotateName"), valueOf(a1, "RotateName")]).toEqual([name, name]);
    expect([valueOf(a0, "RotateGeneration") ?? 0, valueOf(a1, "RotateGeneration")]).toEqual([0, 1]);
    expect([valueOf(a0, "RotateLatest"), valueOf(a1, "RotateLatest")]).toEqual([false, true]);
    expect(valueOf(a1, "RotateAutomatic")).toBe(true);
    expect(valueOf(a1, "RotateDate")).toEqual(expect.any(String));
    expect(valueOf(a0, "State")).toBe("Active");
    // Locate by RotateName + RotateLatest finds the current key; Encrypt by the name uses it
    expect(await locate(t.text("RotateName", name), t.bool("RotateLatest", true))).toEqual([k1]);
    expect((await locate(t.text("RotateName", name))).sort()).toEqual([k0, k1].sort());
    const after = await encrypt(name, "after rotation");
    expect(after.uid).toBe(k1);
    // the old key decrypts what it encrypted; the bare name finds the right generation
    for (const uid of [k0, name]) {
      const d = await decrypt(uid, before);
      expect(d.status, d.text).toBe(200);
      expect(Buffer.from(fromHex(valueOf(d.json, "Data"))).toString()).toBe("before rotation");
    }
    // the successor is due one interval after its own RotateDate
    const rotatedAt = new Date(valueOf(a1, "RotateDate") as string).getTime();
    expect((await server.rotation.due(new Date(rotatedAt + 30_000))).map((d) => d.id)).not.toContain(k1);
    const second = await server.rotation.runOnce(new Date(rotatedAt + 61_000));
    const k2 = second.rotated.find((x) => x.old === k1)?.new;
    expect(k2).toBeDefined();
    expect(valueOf(await attributes(k2!), "RotateGeneration")).toBe(2);
    expect(await locate(t.text("RotateName", name), t.bool("RotateLatest", true))).toEqual([k2]);
  });

  test("RotateOffset delays the first rotation; intervals under the floor (5 s) count as the floor", async () => {
    const offset = await createKey(policy(60, [{ tag: "RotateOffset", type: "LongInteger", value: 3600 }]));
    const tiny = await createKey(policy(1));
    const due = async (s: number) => (await server.rotation.due(later(s))).map((d) => d.id);
    expect(await due(61)).not.toContain(offset);
    expect(await due(3601)).toContain(offset);
    expect(await due(2)).not.toContain(tiny);
    expect(await due(6)).toContain(tiny);
  });

  test("not rotated: RotateAutomatic false or absent, interval 0, revoked, or re-keyed by hand (its successor carries on)", async () => {
    const off = await createKey([
      t.bool("RotateAutomatic", false),
      { tag: "RotateInterval", type: "LongInteger", value: 60 } as Node,
    ]);
    const zero = await createKey(policy(0));
    const revoked = await createKey(policy(60));
    await ok(
      t.s(
        "Revoke",
        t.text("UniqueIdentifier", revoked),
        t.s("RevocationReason", t.e("RevocationReasonCode", "Unspecified")),
      ),
    );
    const manual = await createKey(policy(60));
    const successor = valueOf(await ok(t.s("ReKey", t.text("UniqueIdentifier", manual))), "UniqueIdentifier") as string;
    const due = (await server.rotation.due(later(3600))).map((d) => d.id);
    for (const id of [off, zero, revoked, manual]) expect(due).not.toContain(id);
    expect(due).toContain(successor);
  });

  test("SetAttribute RotateAutomatic/RotateInterval on an existing key enrols it", async () => {
    const k = await createKey([]);
    expect((await server.rotation.due(later(3600))).map((d) => d.id)).not.toContain(k);
    await ok(
      t.s(
        "SetAttribute",
        t.text("UniqueIdentifier", k),
        t.s("NewAttribute", { tag: "RotateInterval", type: "LongInteger", value: 30 } as Node),
      ),
    );
    await ok(t.s("SetAttribute", t.text("UniqueIdentifier", k), t.s("NewAttribute", t.bool("RotateAutomatic", true))));
    expect((await server.rotation.due(later(3600))).map((d) => d.id)).toContain(k);
  });
});

describe("key pairs and CoverCrypt", () => {
  test("an EC key pair: a new linked pair; the old private key still decrypts; the old public key is no longer latest", async () => {
    const r = await ok(
      t.s(
        "CreateKeyPair",
        t.s(
          "CommonAttributes",
          t.e("CryptographicAlgorithm", "ECDH"),
          t.s("CryptographicDomainParameters", t.e("RecommendedCurve", "P256")),
          ...policy(60),
        ),
      ),
    );
    const sk = valueOf(r, "PrivateKeyUniqueIdentifier") as string;
    const pk = valueOf(r, "PublicKeyUniqueIdentifier") as string;
    const c = await ok(t.s("Encrypt", t.text("UniqueIdentifier", pk), t.b("Data", hex("pair"))));
    const res = await server.rotation.runOnce(later(61));
    const sk1 = res.rotated.find((x) => x.old === sk)?.new;
    expect(sk1, JSON.stringify(res)).toBeDefined();
    expect(res.rotated.some((x) => x.old === pk)).toBe(false); // the public key follows its private key
    const a1 = await attributes(sk1!);
    expect(links(a1)).toContain(`ReplacedObjectLink:${sk}`);
    expect(links(a1)).toContain(`PublicKeyLink:${sk1}_pk`);
    expect(valueOf(await attributes(`${sk1}_pk`), "RotateLatest")).toBe(true);
    expect(valueOf(await attributes(pk), "RotateLatest")).toBe(false);
    expect(valueOf(a1, "RotateGeneration")).toBe(1);
    const d = await postKmip(
      server.url,
      t.s("Decrypt", t.text("UniqueIdentifier", sk), t.b("Data", valueOf(c, "Data") as string)),
    );
    expect(d.status, d.text).toBe(200);
    expect(Buffer.from(fromHex(valueOf(d.json, "Data"))).toString()).toBe("pair");
  });

  test("a CoverCrypt master key pair is re-keyed in place: same ids, next generation, user keys refreshed", async () => {
    const attr = (id: number) => `{"id":${id},"encryption_hint":"Classic","write_status":"EncryptDecrypt"}`;
    const POLICY = `{"version":"V2","last_attribute_value":3,"dimensions":{"Dept":{"Unordered":{"FIN":${attr(1)},"HR":${attr(2)}}},"Level":{"Ordered":{"Low":${attr(3)}}}}}`;
    const va = (name: string, value: string) =>
      t.s(
        "VendorAttributes",
        t.s(
          "VendorAttributes",
          t.text("VendorIdentification", "cosmian"),
          t.text("AttributeName", name),
          t.b("AttributeValue", hex(value)),
        ),
      );
    const r = await ok(
      t.s(
        "CreateKeyPair",
        t.s(
          "CommonAttributes",
          t.e("ObjectType", "PrivateKey"),
          va("cover_crypt_policy", POLICY),
          t.e("CryptographicAlgorithm", "CoverCrypt"),
          t.e("KeyFormatType", "CoverCryptSecretKey"),
          ...policy(60),
        ),
      ),
    );
    const msk = valueOf(r, "PrivateKeyUniqueIdentifier") as string;
    const mpk = valueOf(r, "PublicKeyUniqueIdentifier") as string;
    const uk = valueOf(
      await ok(
        t.s(
          "Create",
          t.e("ObjectType", "PrivateKey"),
          t.s(
            "Attributes",
            t.e("ObjectType", "PrivateKey"),
            t.s("Link", t.s("Link", t.e("LinkType", "ParentLink"), t.text("LinkedObjectIdentifier", msk))),
            va("cover_crypt_access_policy", "Dept::HR && Level::Low"),
            t.e("CryptographicAlgorithm", "CoverCrypt"),
            t.e("CryptographicUsageMask", 8),
            t.e("KeyFormatType", "CoverCryptSecretKey"),
          ),
        ),
      ),
      "UniqueIdentifier",
    ) as string;
    const mpkBefore = valueOf(find(await ok(t.s("Get", t.text("UniqueIdentifier", mpk))), "KeyValue"), "KeyMaterial");
    const frame = (ap: string, pt: string) => `${ap.length.toString(16).padStart(2, "0")}${hex(ap)}00${hex(pt)}`;
    const old = valueOf(
      await ok(t.s("Encrypt", t.text("UniqueIdentifier", mpk), t.b("Data", frame("Dept::HR && Level::Low", "old")))),
      "Data",
    ) as string;
    const res = await server.rotation.runOnce(later(61));
    expect(res.rotated, JSON.stringify(res)).toContainEqual({ old: msk, new: msk });
    expect(res.failed.filter((f) => f.id === uk || f.id === msk)).toEqual([]);
    const mpkAfter = valueOf(find(await ok(t.s("Get", t.text("UniqueIdentifier", mpk))), "KeyValue"), "KeyMaterial");
    expect(mpkAfter).not.toBe(mpkBefore);
    expect(valueOf(await attributes(msk), "RotateGeneration")).toBe(1);
    expect(valueOf(await attributes(mpk), "RotateGeneration")).toBe(1);
    const fresh = valueOf(
      await ok(t.s("Encrypt", t.text("UniqueIdentifier", mpk), t.b("Data", frame("Dept::HR && Level::Low", "new")))),
      "Data",
    ) as string;
    for (const [ct, pt] of [
      [old, "old"],
      [fresh, "new"],
    ]) {
      const d = await postKmip(server.url, t.s("Decrypt", t.text("UniqueIdentifier", uk), t.b("Data", ct)));
      expect(d.status, d.text).toBe(200);
      expect(
        Buffer.from(fromHex(valueOf(d.json, "Data")))
          .subarray(1)
          .toString(),
      ).toBe(pt);
    }
  });

  test("a rotation that fails leaves the key as it was (the claim is rolled back) and is retried later, not at every pass", async () => {
    // a CoverCrypt user key cannot be re-keyed like a master key
    const attr = (id: number) => `{"id":${id},"encryption_hint":"Classic","write_status":"EncryptDecrypt"}`;
    const POLICY = `{"version":"V2","last_attribute_value":1,"dimensions":{"D":{"Unordered":{"A":${attr(1)}}}}}`;
    const va = (name: string, value: string) =>
      t.s(
        "VendorAttributes",
        t.s(
          "VendorAttributes",
          t.text("VendorIdentification", "cosmian"),
          t.text("AttributeName", name),
          t.b("AttributeValue", hex(value)),
        ),
      );
    const msk = valueOf(
      await ok(
        t.s(
          "CreateKeyPair",
          t.s(
            "CommonAttributes",
            t.e("ObjectType", "PrivateKey"),
            va("cover_crypt_policy", POLICY),
            t.e("CryptographicAlgorithm", "CoverCrypt"),
            t.e("KeyFormatType", "CoverCryptSecretKey"),
          ),
        ),
      ),
      "PrivateKeyUniqueIdentifier",
    ) as string;
    const uk = valueOf(
      await ok(
        t.s(
          "Create",
          t.e("ObjectType", "PrivateKey"),
          t.s(
            "Attributes",
            t.e("ObjectType", "PrivateKey"),
            t.s("Link", t.s("Link", t.e("LinkType", "ParentLink"), t.text("LinkedObjectIdentifier", msk))),
            va("cover_crypt_access_policy", "D::A"),
            t.e("CryptographicAlgorithm", "CoverCrypt"),
            t.e("KeyFormatType", "CoverCryptSecretKey"),
            ...policy(60),
          ),
        ),
      ),
      "UniqueIdentifier",
    ) as string;
    const before = await attributes(uk);
    const at = later(61);
    const res = await server.rotation.runOnce(at);
    expect(res.failed.map((f) => f.id)).toContain(uk);
    expect(await attributes(uk)).toEqual(before);
    expect((await server.rotation.due(at)).map((d) => d.id)).not.toContain(uk);
    expect((await server.rotation.due(new Date(at.getTime() + 61_000))).map((d) => d.id)).toContain(uk);
    const metrics = await (await fetch(server.url + "/metrics")).text();
    expect(metrics).toMatch(/kms_key_rotations_total\{result="failed"\} [1-9]/);
    expect(metrics).toMatch(/kms_key_rotations_total\{result="rotated"\} [1-9]/);
  });
});

describe("several servers on one database", () => {
  test("each key generation is rotated by exactly one of them (a conditional update on the generation)", async () => {
    const keys = [await createKey(policy(60)), await createKey(policy(60)), await createKey(policy(60))];
    const storeB = await openStore({ dataDir: server.dataDir, log: silentLogger });
    try {
      const nodeB = new RotationScheduler({
        store: storeB,
        settings: { vendorId: "cosmian", version: VERSION_STRING },
        log: silentLogger,
      });
      const at = later(61);
      // both nodes see the same keys due
      const seenByB = (await nodeB.due(at)).filter((d) => keys.includes(d.id));
      expect(seenByB.map((d) => d.id).sort()).toEqual([...keys].sort());
      const a = await server.rotation.runOnce(at);
      const b = await nodeB.rotate(seenByB, at);
      expect(a.rotated.filter((x) => keys.includes(x.old))).toHaveLength(3);
      expect(b.rotated).toEqual([]);
      expect(b.skipped.sort()).toEqual([...keys].sort());
      expect(b.failed).toEqual([]);
      for (const k of keys) {
        const successors = links(await attributes(k)).filter((l) => l.startsWith("ReplacementObjectLink:"));
        expect(successors).toHaveLength(1);
      }
    } finally {
      await storeB.close();
    }
  });

  test("three server processes racing on the same keys: each key is rotated once in all", async () => {
    const keys = [
      await createKey(policy(60)),
      await createKey(policy(60)),
      await createKey(policy(60)),
      await createKey(policy(60)),
    ];
    const bun = process.versions.bun
      ? process.execPath
      : path.resolve(import.meta.dirname, "../../node_modules/.bin/bun");
    const script = path.resolve(import.meta.dirname, "../helpers/rotation-node.ts");
    const start = Date.now() + 3000;
    const at = Date.now() + 61_000;
    const node = () =>
      new Promise<{ rotated: { old: string }[]; skipped: string[]; failed: unknown[] }>((resolve, reject) =>
        execFile(bun, [script, server.dataDir, String(start), String(at)], { encoding: "utf8" }, (e, stdout, stderr) =>
          e ? reject(new Error(stderr || String(e))) : resolve(JSON.parse(stdout)),
        ),
      );
    const results = await Promise.all([node(), node(), node()]);
    // (keys of the other tests in this file are due too; one of them always fails: only ours count)
    for (const r of results)
      expect(
        (r.failed as { id: string }[]).filter((f) => keys.includes(f.id)),
        JSON.stringify(r.failed),
      ).toEqual([]);
    for (const k of keys) {
      expect(
        results.map((r) => r.rotated.filter((x) => x.old === k).length).reduce((a, b) => a + b),
        k,
      ).toBe(1);
      // a process that starts late may not see the key due any more: then it neither rotates nor skips it
      expect(
        results.map((r) => r.skipped.filter((x) => x === k).length).reduce((a, b) => a + b),
        k,
      ).toBeLessThanOrEqual(2);
    }
    // read back through a fresh connection (this server's cache predates the other processes' writes)
    const fresh = await openStore({ dataDir: server.dataDir, log: silentLogger });
    try {
      for (const k of keys) {
        const o = await fresh.get(k);
        expect(o!.attributes.Link!.filter((l) => l.LinkType === "ReplacementObjectLink")).toHaveLength(1);
        expect(o!.attributes.RotateLatest).toBe(false);
      }
    } finally {
      await fresh.close();
    }
  }, 60_000);
});
