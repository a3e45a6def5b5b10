/**
 * The real Cosmian JS client (cloudproof_kms_js 4.0.0) against our server: certificates and
 * private keys imported with importCertificate / importPrivateKey, read back byte for byte, and
 * key wrapping with a certificate (the requests and replies of the real client):
 * getWrappedKey(sym, certUid) -> importKey(uid, wrapped, unwrap=true) (the server finds the private
 * key linked to the certificate), importKey(..., unwrap=true, privateKeyUid) and
 * importKey(..., unwrap=false), each checked against the original key bytes.
 *
 * node:crypto cannot make certificates, so `selfSignedCertificate` builds a minimal X.509 v3 DER
 * (RFC 5280: version, serial, signature algorithm, issuer = subject CN, validity, SPKI) and signs
 * it with node:crypto; X509Certificate parses and verifies it before use.
 */
import { beforeAll, describe, expect, test } from "vitest";
import {
  X509Certificate,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify,
  type KeyObject,
} from "node:crypto";
import {
  KeyFormatType,
  type KmsClient,
  type Certificate,
  type KmsObject,
  type PrivateKey,
  type SymmetricKey,
} from "cloudproof_kms_js";
import { postKmip, t, valueOf, find, type TestServer } from "../helpers/server.ts";
import { useServerWithClient } from "../helpers/client.ts";

let server: TestServer;
let client: KmsClient;
useServerWithClient((s, c) => ((server = s), (client = c)));

// ---- a minimal DER writer for the certificate ----

function der(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}
const seq = (...p: Uint8Array[]) => der(0x30, ...p);
const oid = (hex: string) => der(0x06, Buffer.from(hex, "hex"));
const utcTime = (d: Date) => der(0x17, Buffer.from(d.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z"));
const name = (cn: string) => seq(der(0x31, seq(oid("550403"), der(0x0c, Buffer.from(cn)))));

/** A self-signed X.509 v3 certificate for `publicKey`, signed by `privateKey` (P-256 or Ed25519). */
function selfSignedCertificate(privateKey: KeyObject, publicKey: KeyObject, cn: string): Uint8Array {
  const ed = privateKey.asymmetricKeyType === "ed25519";
  const sigAlg = ed ? seq(oid("2b6570")) : seq(oid("2a8648ce3d040302")); // Ed25519 / ecdsa-with-SHA256
  const now = Date.now();
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))), // v3
    der(0x02, Buffer.from([0x01, 0x23, 0x45])),
    sigAlg,
    name(cn),
    seq(utcTime(new Date(now - 3600_000)), utcTime(new Date(now + 86400_000))),
    name(cn),
    new Uint8Array(publicKey.export({ type: "spki", format: "der" })),
  );
  const signature = nodeSign(ed ? null : "sha256", tbs, privateKey);
  return seq(tbs, sigAlg, der(0x03, Buffer.from([0]), signature));
}

const eq = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
/** The key block of a fetched key object (the client types `value` as a union of all objects). */
const keyBlock = (o: KmsObject) => (o.value as PrivateKey | SymmetricKey).keyBlock;
const materialOf = (o: KmsObject) => (keyBlock(o).keyValue as { keyMaterial: unknown }).keyMaterial as Uint8Array;

describe.each([
  { name: "P-256", gen: () => generateKeyPairSync("ec", { namedCurve: "P-256" }), overhead: 33 + 16 },
  { name: "Ed25519", gen: () => generateKeyPairSync("ed25519"), overhead: 48 },
])("$name certificate and private key", ({ name: curve, gen, overhead }) => {
  const run = crypto.randomUUID().slice(0, 8);
  const certUid = `cert-${curve}-${run}`;
  const pkUid = `pk-${curve}-${run}`;
  const { privateKey, publicKey } = gen();
  const certDer = selfSignedCertificate(privateKey, publicKey, `kms test ${curve}`);
  const pkcs8 = new Uint8Array(privateKey.export({ type: "pkcs8", format: "der" }));
  let symUid: string;
  let original: Uint8Array;

  beforeAll(async () => {
    const x = new X509Certificate(Buffer.from(certDer));
    expect(x.verify(publicKey)).toBe(true); // a real, well-formed self-signed certificate
    // the order of Cosmian's own tests: certificate first (linked to a key not imported yet)
    expect(
      await client.importCertificate(certUid, certDer, ["certificate", "x509"], true, { privateKeyIdentifier: pkUid }),
    ).toBe(certUid);
    // importPrivateKey's default label is ECPrivateKey; Cosmian's tests pass PKCS#8 bytes with it
    expect(await client.importPrivateKey(pkUid, pkcs8, ["private key"], true, { certificateIdentifier: certUid })).toBe(
      pkUid,
    );
    symUid = await client.createSymmetricKey();
    original = (await client.retrieveSymmetricKey(symUid)).bytes();
    expect(original.length).toBe(32);
  });

  test("getObject returns the certificate and the private key byte for byte", async () => {
    const cert = await client.getObject(certUid);
    expect(cert.type).toBe("Certificate");
    expect(eq((cert.value as Certificate).bytes(), certDer)).toBe(true);
    const key = await client.getObject(pkUid);
    expect(key.type).toBe("PrivateKey");
    expect(materialOf(key)).toBeInstanceOf(Uint8Array); // plain ByteString
    expect(eq((key.value as PrivateKey).bytes(), pkcs8)).toBe(true);
    // tags were set on both
    expect(await client.getUniqueIdentifiersByTags(["x509"])).toContain(certUid);
    expect(await client.getUniqueIdentifiersByTags(["private key"])).toContain(pkUid);
  });

  test("getWrappedKey(sym, certificate) -> importKey(unwrap=true): the server unwraps with the linked private key", async () => {
    const wrapped = await client.getWrappedKey(symUid, certUid);
    expect(wrapped.type).toBe("SymmetricKey");
    expect(keyBlock(wrapped).keyWrappingData?.encryptionKeyInformation?.uniqueIdentifier).toBe(certUid);
    const material = materialOf(wrapped);
    expect(material).toBeInstanceOf(Uint8Array);
    expect(material.length).toBe(32 + overhead);
    expect(eq(material, original)).toBe(false);

    const uid = `unwrapped-${curve}-${run}`;
    expect(await client.importKey(uid, wrapped, true, null, true)).toBe(uid);
    expect(eq((await client.retrieveSymmetricKey(uid)).bytes(), original)).toBe(true);
  });

  test("importKey(unwrap=true, privateKeyUid) unwraps with the named private key", async () => {
    const wrapped = await client.getWrappedKey(symUid, certUid);
    const uid = `unwrapped2-${curve}-${run}`;
    expect(await client.importKey(uid, wrapped, true, pkUid, true)).toBe(uid);
    expect(eq((await client.retrieveSymmetricKey(uid)).bytes(), original)).toBe(true);
  });

  test("importKey(unwrap=false) stores the key wrapped; Get with KeyWrapType NotWrapped unwraps it", async () => {
    const wrapped = await client.getWrappedKey(symUid, certUid);
    const material = new Uint8Array(materialOf(wrapped));
    const uid = `still-wrapped-${curve}-${run}`;
    expect(await client.importKey(uid, wrapped, false)).toBe(uid);
    const stored = await client.getObject(uid);
    expect(keyBlock(stored).keyWrappingData).not.toBeNull();
    expect(eq(materialOf(stored), material)).toBe(true);
    const r = await postKmip(server.url, t.s("Get", t.e("KeyWrapType", "NotWrapped"), t.text("UniqueIdentifier", uid)));
    expect(r.status, r.text).toBe(200);
    expect(valueOf(find(r.json, "KeyMaterial"), "Key")).toBe(Buffer.from(original).toString("hex").toUpperCase());
  });

  test("the imported private key signs and the certificate verifies (raw KMIP Sign / SignatureVerify)", async () => {
    const hash = curve === "Ed25519" ? null : "sha256";
    const msg = Buffer.from("signed with an imported key");
    const s = await postKmip(
      server.url,
      t.s("Sign", t.text("UniqueIdentifier", pkUid), t.b("Data", msg.toString("hex"))),
    );
    expect(s.status, s.text).toBe(200);
    const sig = Buffer.from(valueOf(s.json, "SignatureData") as string, "hex");
    expect(nodeVerify(hash, msg, publicKey, sig)).toBe(true);
    const verify = (signature: Buffer) =>
      postKmip(
        server.url,
        t.s(
          "SignatureVerify",
          t.text("UniqueIdentifier", certUid),
          t.b("Data", msg.toString("hex")),
          t.b("SignatureData", signature.toString("hex")),
        ),
      );
    expect(valueOf((await verify(nodeSign(hash, msg, privateKey))).json, "ValidityIndicator")).toBe("Valid");
    const bad = Buffer.from(sig);
    bad[bad.length - 5] ^= 1;
    expect(valueOf((await verify(bad)).json, "ValidityIndicator")).toBe("Invalid");
  });

  test("a certificate linked only from the private key side (CertificateLink) is enough", async () => {
    const kp = gen();
    const cert2 = `cert2-${curve}-${run}`;
    const pk2 = `pk2-${curve}-${run}`;
    await client.importCertificate(cert2, selfSignedCertificate(kp.privateKey, kp.publicKey, "second"), [], true);
    await client.importPrivateKey(
      pk2,
      new Uint8Array(kp.privateKey.export({ type: "pkcs8", format: "der" })),
      [],
      true,
      { certificateIdentifier: cert2 },
    );
    const wrapped = await client.getWrappedKey(symUid, cert2);
    const uid = `unwrapped3-${curve}-${run}`;
    expect(await client.importKey(uid, wrapped, true, null, true)).toBe(uid);
    expect(eq((await client.retrieveSymmetricKey(uid)).bytes(), original)).toBe(true);
  });

  test("the wrong private key cannot unwrap", async () => {
    const other = gen();
    const otherUid = `other-${curve}-${run}`;
    await client.importPrivateKey(
      otherUid,
      new Uint8Array(other.privateKey.export({ type: "pkcs8", format: "der" })),
      [],
      true,
      { keyFormatType: KeyFormatType.PKCS8 },
    );
    const wrapped = await client.getWrappedKey(symUid, certUid);
    await expect(client.importKey(`nope-${curve}-${run}`, wrapped, true, otherUid, true)).rejects.toThrow(
      /Cryptographic_Failure/,
    );
  });
});

test("a certificate that names no private key cannot unwrap; a garbage certificate cannot wrap", async () => {
  const kp = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const lonely = `lonely-${crypto.randomUUID()}`;
  await client.importCertificate(lonely, selfSignedCertificate(kp.privateKey, kp.publicKey, "lonely"), [], true);
  const sym = await client.createSymmetricKey();
  const wrapped = await client.getWrappedKey(sym, lonely);
  await expect(client.importKey(`x-${crypto.randomUUID()}`, wrapped, true, null, true)).rejects.toThrow(
    /Item_Not_Found: .*no private key is linked/,
  );

  const garbage = `garbage-${crypto.randomUUID()}`;
  await client.importCertificate(
    garbage,
    new Uint8Array([0x30, 0x82, 0x01, 0x0a, 0x02, 0x01, 0x00, 0xde, 0xad]),
    [],
    true,
  );
  await expect(client.getWrappedKey(sym, garbage)).rejects.toThrow(
    /Invalid_Field: .*not a valid DER X.509 certificate/,
  );
});
