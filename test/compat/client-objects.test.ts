/**
 * Certificates and private keys imported through the real Cosmian JS client are stored and returned
 * exactly as given (through the client's importCertificate, importPrivateKey, getObject(cert) and
 * getObject(PKCS8 key)): DER X.509 (the fixed test certificate
 * of test/vectors/certs/), PKCS#8 (P-256, Ed25519, RSA) and SEC1 ECPrivateKey made with node:crypto,
 * including Cosmian's quirk of PKCS#8 DER under the default ECPrivateKey label.
 */
import { describe, expect, test } from "vitest";
import { X509Certificate, createPrivateKey, generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  type Certificate,
  KeyFormatType,
  type KeyValue,
  type KmsClient,
  LinkType,
  type PrivateKey,
  deserialize,
} from "cloudproof_kms_js";
import { postKmip, t, type TestServer } from "../helpers/server.ts";
import { useServerWithClient, uniq, dec } from "../helpers/client.ts";

const CERTS = path.join(import.meta.dirname, "../vectors/certs");
let server: TestServer;
let client: KmsClient;
useServerWithClient((s, c) => ((server = s), (client = c)));

const der = (k: ReturnType<typeof createPrivateKey>, type: "pkcs8" | "sec1") =>
  new Uint8Array(k.export({ format: "der", type }));
const tagsOf = (a: { vendorAttributes: { attributeName: string; attributeValue: Uint8Array }[] } | null) =>
  JSON.parse(dec(a!.vendorAttributes.find((v) => v.attributeName === "tag")!.attributeValue)) as string[];

describe("importCertificate", () => {
  test("DER X.509 comes back byte for byte, as a Certificate, with its tags and PrivateKeyLink", async () => {
    const certDer = new Uint8Array(readFileSync(path.join(CERTS, "server.der")));
    const certId = uniq("cert"),
      keyId = uniq("pk");
    const tag = uniq("certificate");
    expect(await client.importCertificate(certId, certDer, [tag, "x509"], false, { privateKeyIdentifier: keyId })).toBe(
      certId,
    );
    const got = await client.getObject(certId);
    expect(got.type).toBe("Certificate");
    const cert = got.value as Certificate;
    expect(Buffer.from(cert.bytes())).toEqual(Buffer.from(certDer));
    expect(new X509Certificate(cert.bytes()).subject).toBe("CN=localhost");
    expect(await client.getUniqueIdentifiersByTags([tag])).toEqual([certId]);
    expect((await client.getObjectsByTags([tag, "x509"])).map((o) => o.type)).toEqual(["Certificate"]);
    // the link is stored (GetAttributes, raw)
    const attrs = await postKmip(server.url, t.s("GetAttributes", t.text("UniqueIdentifier", certId)));
    expect(attrs.text).toContain("PrivateKeyLink");
    expect(attrs.text).toContain(keyId);
  });

  test("ReplaceExisting: an existing certificate id is refused without it, replaced with it", async () => {
    const id = uniq("cert");
    const certDer = new Uint8Array(readFileSync(path.join(CERTS, "server.der")));
    await client.importCertificate(id, certDer);
    await expect(client.importCertificate(id, certDer)).rejects.toThrow(
      /^KMIP request failed \(Import\): Object_Already_Exists: /,
    );
    const other = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x07]);
    await client.importCertificate(id, other, [], true);
    expect(Buffer.from(((await client.getObject(id)).value as Certificate).bytes())).toEqual(Buffer.from(other));
  });

  test("a certificate is not a key: importKey refuses it on the client side; getWrappedKey on it fails on the server", async () => {
    const id = uniq("cert");
    await client.importCertificate(id, new Uint8Array(readFileSync(path.join(CERTS, "server.der"))));
    const cert = await client.getObject(id);
    await expect(client.importKey(uniq("x"), cert, false)).rejects.toThrow("The KmsObject Certificate is not a key.");
    const kek = await client.createSymmetricKey();
    await expect(client.getWrappedKey(id, kek)).rejects.toThrow(
      /^KMIP request failed \(Get\): Invalid_Field: .*Certificate cannot be wrapped/,
    );
  });

  test("revoke and destroy a certificate through the client", async () => {
    const id = uniq("cert");
    await client.importCertificate(id, new Uint8Array(readFileSync(path.join(CERTS, "server.der"))));
    await client.revokeObject(id, "superseded");
    await client.destroyObject(id);
    await expect(client.getObject(id)).rejects.toThrow(/^KMIP request failed \(Get\): Object_Destroyed: /);
  });
});

describe("importPrivateKey", () => {
  const p256 = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;

  test.each([
    ["P-256 PKCS#8", () => der(p256, "pkcs8"), KeyFormatType.PKCS8],
    ["Ed25519 PKCS#8", () => der(generateKeyPairSync("ed25519").privateKey, "pkcs8"), KeyFormatType.PKCS8],
    [
      "RSA-2048 PKCS#8",
      () => der(generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey, "pkcs8"),
      KeyFormatType.PKCS8,
    ],
    ["P-256 SEC1 ECPrivateKey (the client's default label)", () => der(p256, "sec1"), undefined],
    [
      "P-256 PKCS#8 under the default ECPrivateKey label (Cosmian's tests do this)",
      () => der(p256, "pkcs8"),
      undefined,
    ],
  ])("%s: stored and returned as given (plain ByteString KeyMaterial, format label kept)", async (_, make, format) => {
    const bytes = make();
    const id = uniq("pk");
    const tag = uniq("private key");
    expect(
      await client.importPrivateKey(id, bytes, [tag], false, format === undefined ? {} : { keyFormatType: format }),
    ).toBe(id);
    const got = await client.getObject(id);
    expect(got.type).toBe("PrivateKey");
    const key = got.value as PrivateKey;
    expect(key.keyBlock.keyFormatType).toBe(format ?? KeyFormatType.ECPrivateKey);
    expect((key.keyBlock.keyValue as KeyValue).keyMaterial).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(key.bytes())).toEqual(Buffer.from(bytes));
    expect(key.keyBlock.cryptographicLength).toBe(bytes.length * 8);
    expect(tagsOf((key.keyBlock.keyValue as KeyValue).attributes)).toEqual([tag]);
    // what node:crypto made, node:crypto reads back
    const type = format === KeyFormatType.PKCS8 || bytes[4] === 0x02 ? "pkcs8" : "sec1";
    expect(() => createPrivateKey({ key: Buffer.from(key.bytes()), format: "der", type })).not.toThrow();
  });

  test("certificate and private key linked both ways (certificate imported first, link to a not-yet-existing key)", async () => {
    const keyPem = readFileSync(path.join(CERTS, "server.key"), "utf8");
    const keyDer = der(createPrivateKey(keyPem), "pkcs8");
    const certId = uniq("cert"),
      keyId = uniq("pk");
    await client.importCertificate(certId, new Uint8Array(readFileSync(path.join(CERTS, "server.der"))), [], false, {
      privateKeyIdentifier: keyId,
    });
    await client.importPrivateKey(keyId, keyDer, [], false, {
      keyFormatType: KeyFormatType.PKCS8,
      certificateIdentifier: certId,
    });
    const key = (await client.getObject(keyId)).value as PrivateKey;
    const links = (key.keyBlock.keyValue as KeyValue).attributes!.link;
    expect(links.map((l) => [l.linkType, l.linkedObjectIdentifier])).toEqual([[LinkType.CertificateLink, certId]]);
    expect(Buffer.from(key.bytes())).toEqual(Buffer.from(keyDer));
  });

  test("re-import of a fetched private key with importKey(unwrap=false): same bytes, same format", async () => {
    const bytes = der(p256, "pkcs8");
    const id = uniq("pk");
    await client.importPrivateKey(id, bytes, [], false, { keyFormatType: KeyFormatType.PKCS8 });
    const fetched = await client.getObject(id);
    const copy = uniq("pk-copy");
    expect(await client.importKey(copy, fetched, false)).toBe(copy);
    const again = (await client.getObject(copy)).value as PrivateKey;
    expect(Buffer.from(again.bytes())).toEqual(Buffer.from(bytes));
    expect(again.keyBlock.keyFormatType).toBe(KeyFormatType.PKCS8);
  });

  test("the Get reply for a PKCS#8 key survives the client's strict parser", async () => {
    const id = uniq("pk");
    await client.importPrivateKey(id, der(p256, "pkcs8"), [], false, { keyFormatType: KeyFormatType.PKCS8 });
    const r = await postKmip(server.url, t.s("Get", t.text("UniqueIdentifier", id)));
    expect(r.status).toBe(200);
    expect(() => deserialize(r.text)).not.toThrow();
    expect(r.text).not.toMatch(/"type":"(DateTime|Boolean|LongInteger|Interval)"/);
  });
});
