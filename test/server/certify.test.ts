/**
 * Certify, ReCertify and Validate through real HTTP on a real SQLite file (src/operations/certify.ts,
 * recertify.ts, validate.ts). Every certificate is read back with Get and checked with node:crypto's
 * X509Certificate (subject, issuer, signature with the issuer's key, validity) and @peculiar/x509
 * (extensions): self-signed, CA-issued (both links, one link), from CSRs (PEM, PKCS10 DER), with a
 * generated key pair; renewals; chain validation inline and by id, expired, revoked; bad input.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { X509Certificate } from "node:crypto";
import { describe, expect, test } from "vitest";
import { x509 } from "../../src/crypto/x509/setup.ts";
import {
  expectKmipError,
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

const VECTORS = path.join(import.meta.dirname, "../vectors/x509");
const vector = (f: string) => readFileSync(path.join(VECTORS, f));
const pemDer = (f: string) =>
  new Uint8Array(
    Buffer.from(
      vector(f)
        .toString("utf8")
        .replace(/-----[^-]+-----/g, "")
        .replace(/\s+/g, ""),
      "base64",
    ),
  );

const kmip = (body: unknown) => postKmip(server.url, body);
const uidNode = (uid: string) => t.text("UniqueIdentifier", uid);
const DAY = 86_400_000;

function expectOk(r: { status: number; text: string }) {
  expect(r.status, r.text).toBe(200);
}
async function keyPair(algorithm = "ECDSA", curve = "P256"): Promise<{ sk: string; pk: string }> {
  const r = await kmip(
    t.s(
      "CreateKeyPair",
      t.s(
        "CommonAttributes",
        t.e("CryptographicAlgorithm", algorithm),
        t.s("CryptographicDomainParameters", t.e("RecommendedCurve", curve)),
      ),
    ),
  );
  expectOk(r);
  return {
    sk: valueOf(r.json, "PrivateKeyUniqueIdentifier") as string,
    pk: valueOf(r.json, "PublicKeyUniqueIdentifier") as string,
  };
}

const subjectNode = (fields: Record<string, string>) =>
  t.s("CertificateAttributes", ...Object.entries(fields).map(([k, v]) => t.text(`CertificateSubject${k}`, v)));
const vendor = (name: string, value: Node) =>
  t.s("Attribute", t.text("VendorIdentification", "cosmian"), t.text("AttributeName", name), {
    ...value,
    tag: "AttributeValue",
  });
const extension = (text: string) => vendor("x509-extension", t.b("AttributeValue", hex(text)));
const link = (type: string, id: string) => t.s("Link", t.e("LinkType", type), t.text("LinkedObjectIdentifier", id));
const CA_EXT =
  "[ v3_ca ]\nbasicConstraints=critical,CA:true,pathlen:1\nkeyUsage=critical,keyCertSign,crlSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always,issuer\n";

async function certify(...payload: Node[]): Promise<string> {
  const r = await kmip(t.s("Certify", ...payload));
  expectOk(r);
  return valueOf(r.json, "UniqueIdentifier") as string;
}

async function certificate(
  id: string,
): Promise<{ node: X509Certificate; peculiar: x509.X509Certificate; der: Uint8Array }> {
  const r = await kmip(t.s("Get", uidNode(id)));
  expectOk(r);
  expect(valueOf(r.json, "ObjectType")).toBe("Certificate");
  expect(valueOf(r.json, "CertificateType")).toBe("X509");
  const der = new Uint8Array(Buffer.from(valueOf(r.json, "CertificateValue") as string, "hex"));
  return { node: new X509Certificate(Buffer.from(der)), peculiar: new x509.X509Certificate(der), der };
}

async function attributes(id: string): Promise<Node> {
  const r = await kmip(t.s("GetAttributes", uidNode(id)));
  expectOk(r);
  return r.json!;
}
const links = (attrs: Node) =>
  Object.fromEntries(findAll(attrs, "Link").map((l) => [valueOf(l, "LinkType"), valueOf(l, "LinkedObjectIdentifier")]));

async function selfSignedCa(cn: string) {
  const keys = await keyPair();
  const id = await certify(
    uidNode(keys.pk),
    t.s(
      "Attributes",
      t.e("CertificateType", "X509"),
      subjectNode({ Cn: cn, O: "Cosmian", C: "FR" }),
      extension(CA_EXT),
    ),
  );
  return { ...keys, cert: id };
}

describe("Certify", () => {
  test("self-signed CA from a public key: names, signature, validity, extensions, links", async () => {
    const ca = await selfSignedCa("Test Root CA");
    const { node, peculiar } = await certificate(ca.cert);
    expect(node.subject.split("\n")).toEqual(["CN=Test Root CA", "C=FR", "O=Cosmian"]);
    expect(node.issuer).toBe(node.subject);
    expect(node.verify(node.publicKey)).toBe(true);
    expect(node.ca).toBe(true);
    const from = new Date(node.validFrom).getTime();
    expect(Math.abs(from - Date.now())).toBeLessThan(120_000);
    expect(new Date(node.validTo).getTime() - from).toBe(365 * DAY);
    const bc = peculiar.getExtension(x509.BasicConstraintsExtension)!;
    expect([bc.ca, bc.pathLength, bc.critical]).toEqual([true, 1, true]);
    expect(peculiar.getExtension(x509.KeyUsagesExtension)!.usages).toBe(
      x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
    );
    const ski = peculiar.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId;
    expect(peculiar.getExtension(x509.AuthorityKeyIdentifierExtension)!.keyId).toBe(ski);
    expect(peculiar.getExtension("2.5.29.56")).toBeNull(); // a CA gets no noRevAvail

    const attrs = await attributes(ca.cert);
    expect(valueOf(attrs, "State")).toBe("Active");
    expect(valueOf(attrs, "KeyFormatType")).toBe("X509");
    expect(valueOf(attrs, "CertificateSubjectCn")).toBe("Test Root CA");
    expect(valueOf(attrs, "CertificateIssuerO")).toBe("Cosmian");
    expect(links(attrs)).toMatchObject({ CertificateLink: ca.cert, PublicKeyLink: ca.pk, PrivateKeyLink: ca.sk });
    expect(findAll(attrs, "AttributeName").map((n) => n.value)).not.toContain("x509-extension");
    expect(links(await attributes(ca.pk)).CertificateLink).toBe(ca.cert);
    // The certified key is the public key of the key pair.
    const spki = find((await kmip(t.s("Get", t.e("KeyFormatType", "PKCS8"), uidNode(ca.pk)))).json, "KeyMaterial")!
      .value as string;
    expect(Buffer.from(node.publicKey.export({ type: "spki", format: "der" })).toString("hex")).toBe(
      spki.toLowerCase(),
    );
  });

  test("a self-signed end entity gets noRevAvail (RFC 9608, as Cosmian)", async () => {
    const keys = await keyPair("Ed25519", "CURVEED25519");
    const id = await certify(
      uidNode(keys.pk),
      t.s("Attributes", subjectNode({ Cn: "Leaf", Email: "leaf@example.com" })),
    );
    const { node, peculiar } = await certificate(id);
    expect(node.subject.split("\n")).toEqual(["CN=Leaf", "emailAddress=leaf@example.com"]);
    expect(node.verify(node.publicKey)).toBe(true);
    expect(peculiar.getExtension("2.5.29.56")).not.toBeNull();
  });

  test("issued by a CA given by both links, then by the certificate link alone", async () => {
    const ca = await selfSignedCa("Issuing CA");
    const caCert = await certificate(ca.cert);
    const leafKeys = await keyPair("ECDH", "CURVE25519"); // X25519: certified, not signing
    const id = await certify(
      uidNode(leafKeys.pk),
      t.s(
        "Attributes",
        link("CertificateLink", ca.cert),
        link("PrivateKeyLink", ca.sk),
        subjectNode({ Cn: "Leaf", O: "Cosmian", C: "FR" }),
        extension(
          "[ v3_ca ]\nkeyUsage=keyAgreement\nextendedKeyUsage=clientAuth\nsubjectAltName=DNS:leaf.example.com\nauthorityKeyIdentifier=keyid\n",
        ),
        vendor("requested_validity_days", t.int("AttributeValue", 30)),
      ),
    );
    const { node, peculiar } = await certificate(id);
    expect(node.issuer).toBe(caCert.node.subject);
    expect(node.verify(caCert.node.publicKey)).toBe(true);
    expect(node.verify(node.publicKey as never)).toBe(false);
    expect(node.publicKey.asymmetricKeyType).toBe("x25519");
    expect(new Date(node.validTo).getTime() - new Date(node.validFrom).getTime()).toBe(30 * DAY);
    expect(node.subjectAltName).toBe("DNS:leaf.example.com");
    expect(peculiar.getExtension(x509.AuthorityKeyIdentifierExtension)!.keyId).toBe(
      caCert.peculiar.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId,
    );
    expect(peculiar.getExtension(x509.ExtendedKeyUsageExtension)!.usages).toEqual(["1.3.6.1.5.5.7.3.2"]);
    expect(node.serialNumber).not.toBe(caCert.node.serialNumber);
    expect(links(await attributes(id))).toMatchObject({
      CertificateLink: ca.cert,
      PublicKeyLink: leafKeys.pk,
      PrivateKeyLink: leafKeys.sk,
    });

    // The issuer's private key is found through the CA certificate's links.
    const other = await keyPair();
    const id2 = await certify(
      uidNode(other.pk),
      t.s("Attributes", link("CertificateLink", ca.cert), subjectNode({ Cn: "Leaf 2" })),
    );
    expect((await certificate(id2)).node.verify(caCert.node.publicKey)).toBe(true);
    // ...and the CA certificate through the issuer private key's links.
    const id3 = await certify(
      uidNode(other.pk),
      t.s("Attributes", link("PrivateKeyLink", ca.sk), subjectNode({ Cn: "Leaf 3" })),
    );
    expect((await certificate(id3)).node.issuer).toBe(caCert.node.subject);
  });

  test("validity is capped at the issuer certificate's end", async () => {
    const ca = await keyPair();
    const caCert = await certify(
      uidNode(ca.pk),
      t.s(
        "Attributes",
        subjectNode({ Cn: "Short CA" }),
        extension(CA_EXT),
        vendor("requested_validity_days", t.int("AttributeValue", 10)),
      ),
    );
    const leaf = await keyPair();
    const id = await certify(
      uidNode(leaf.pk),
      t.s("Attributes", link("CertificateLink", caCert), subjectNode({ Cn: "Long leaf" })),
    );
    expect((await certificate(id)).node.validTo).toBe((await certificate(caCert)).node.validTo);
  });

  test("from a CSR, PEM and PKCS10 (DER), signed by a CA", async () => {
    const ca = await selfSignedCa("CSR CA");
    const caCert = await certificate(ca.cert);
    const csr = new x509.Pkcs10CertificateRequest(vector("csr_test_ed25519.csr.pem").toString("utf8"));
    for (const [type, value] of [
      ["PEM", hex(vector("csr_test_ed25519.csr.pem"))],
      ["PKCS10", hex(pemDer("csr_test_ed25519.csr.pem"))],
    ] as const) {
      const id = await certify(
        t.e("CertificateRequestType", type),
        t.b("CertificateRequestValue", value),
        t.s("Attributes", link("CertificateLink", ca.cert), link("PrivateKeyLink", ca.sk)),
      );
      const { node } = await certificate(id);
      expect(node.subject).toBe("CN=Test CSR Ed25519");
      expect(node.verify(caCert.node.publicKey)).toBe(true);
      expect(
        Buffer.from(node.publicKey.export({ type: "spki", format: "der" })).equals(Buffer.from(csr.publicKey.rawData)),
      ).toBe(true);
    }
    // Without an issuer a CSR cannot be self-signed (no private key).
    expectKmipError(
      await kmip(t.s("Certify", t.b("CertificateRequestValue", hex(vector("csr_test_ec_p256.csr.pem"))))),
      422,
      "Invalid_Field",
      /self-signed certificate cannot be created from a CSR/,
    );
    const tampered = pemDer("csr_test_ec_p256.csr.pem");
    tampered[tampered.length - 4] ^= 1;
    expectKmipError(
      await kmip(
        t.s(
          "Certify",
          t.e("CertificateRequestType", "PKCS10"),
          t.b("CertificateRequestValue", hex(tampered)),
          t.s("Attributes", link("CertificateLink", ca.cert)),
        ),
      ),
      422,
      "Invalid_CSR",
    );
    expectKmipError(
      await kmip(
        t.s(
          "Certify",
          t.e("CertificateRequestType", "CRMF"),
          t.b("CertificateRequestValue", "3000"),
          t.s("Attributes", link("CertificateLink", ca.cert)),
        ),
      ),
      422,
      "Operation_Not_Supported",
      /CRMF/,
    );
  });

  test("with a key pair it generates", async () => {
    const id = await certify(
      t.s(
        "Attributes",
        t.e("CryptographicAlgorithm", "ECDSA"),
        t.s("CryptographicDomainParameters", t.e("RecommendedCurve", "P384")),
        subjectNode({ Cn: "Generated", C: "FR" }),
      ),
    );
    const { node } = await certificate(id);
    expect(node.subject.split("\n")).toEqual(["CN=Generated", "C=FR"]);
    expect(node.verify(node.publicKey)).toBe(true);
    expect(node.publicKey.asymmetricKeyDetails?.namedCurve).toMatch(/secp384r1|P-384/);
    const l = links(await attributes(id));
    expect(links(await attributes(l.PublicKeyLink as string))).toMatchObject({
      CertificateLink: id,
      PrivateKeyLink: l.PrivateKeyLink,
    });
    expect(links(await attributes(l.PrivateKeyLink as string)).CertificateLink).toBe(id);
    // The generated private key signs what the certificate's key verifies (Sign: SHA-256 by default, as Cosmian).
    const sig = await kmip(t.s("Sign", uidNode(l.PrivateKeyLink as string), t.b("Data", hex("hello"))));
    expectOk(sig);
    const { verify } = await import("node:crypto");
    expect(
      verify(
        "sha256",
        Buffer.from("hello"),
        node.publicKey,
        Buffer.from(valueOf(sig.json, "SignatureData") as string, "hex"),
      ),
    ).toBe(true);
  });

  test("renewing a certificate in place (Certify of a Certificate)", async () => {
    const ca = await selfSignedCa("Renewed in place");
    const before = await certificate(ca.cert);
    const id = await certify(uidNode(ca.cert));
    expect(id).toBe(ca.cert);
    const after = await certificate(id);
    expect(after.node.subject).toBe(before.node.subject);
    expect(after.node.serialNumber).not.toBe(before.node.serialNumber);
    expect(after.node.verify(before.node.publicKey)).toBe(true);
    expect(after.node.ca).toBe(true);
    // A CA-issued certificate renewed without links stays issued by its CA.
    const leafKeys = await keyPair();
    const leaf = await certify(
      uidNode(leafKeys.pk),
      t.s("Attributes", link("CertificateLink", ca.cert), subjectNode({ Cn: "Leaf renewed in place" })),
    );
    expect(await certify(uidNode(leaf))).toBe(leaf);
    const renewed = await certificate(leaf);
    expect(renewed.node.issuer).toBe(after.node.subject);
    expect(renewed.node.verify(after.node.publicKey)).toBe(true);
  });

  test("bad requests", async () => {
    const aes = await kmip(
      t.s(
        "Create",
        t.e("ObjectType", "SymmetricKey"),
        t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 256)),
      ),
    );
    const aesId = valueOf(aes.json, "UniqueIdentifier") as string;
    expectKmipError(
      await kmip(t.s("Certify", uidNode(aesId))),
      422,
      "Invalid_Object_Type",
      /Invalid Certify request for object type SymmetricKey/,
    );
    expectKmipError(await kmip(t.s("Certify", uidNode("no-such-key"))), 422, "Item_Not_Found");
    const keys = await keyPair();
    expectKmipError(await kmip(t.s("Certify", uidNode(keys.pk))), 422, "Invalid_Field", /subject name/);
    expectKmipError(
      await kmip(t.s("Certify", uidNode(keys.pk), t.s("Attributes", subjectNode({ Cn: "" })))),
      422,
      "Invalid_Field",
      /subject is empty/,
    );
    expectKmipError(
      await kmip(t.s("Certify", uidNode(keys.pk), t.s("Attributes", subjectNode({ Cn: "x", C: "France" })))),
      422,
      "Invalid_Attribute_Value",
      /two-letter/,
    );
    expectKmipError(
      await kmip(
        t.s(
          "Certify",
          uidNode(keys.pk),
          t.s("Attributes", subjectNode({ Cn: "x" }), extension("[ v3_ca ]\nnsComment=hi\n")),
        ),
      ),
      422,
      "Invalid_Attribute_Value",
      /nsComment is not supported/,
    );
    expectKmipError(
      await kmip(
        t.s(
          "Certify",
          uidNode(keys.pk),
          t.s("Attributes", subjectNode({ Cn: "x" }), vendor("requested_validity_days", t.int("AttributeValue", 0))),
        ),
      ),
      422,
      "Invalid_Attribute_Value",
    );
    // An issuer private key that is not the issuer certificate's.
    const ca = await selfSignedCa("Mismatch CA");
    expectKmipError(
      await kmip(
        t.s(
          "Certify",
          uidNode(keys.pk),
          t.s(
            "Attributes",
            link("CertificateLink", ca.cert),
            link("PrivateKeyLink", keys.sk),
            subjectNode({ Cn: "x" }),
          ),
        ),
      ),
      422,
      "Invalid_Field",
      /does not match/,
    );
    // An X25519 key cannot sign its own certificate.
    const x = await keyPair("ECDH", "CURVE25519");
    expectKmipError(
      await kmip(t.s("Certify", uidNode(x.pk), t.s("Attributes", subjectNode({ Cn: "x" })))),
      422,
      "Invalid_Attribute_Value",
      /x25519 keys cannot sign/,
    );
    // A public key without a private key link cannot self-sign.
    const caSpki = new Uint8Array((await certificate(ca.cert)).node.publicKey.export({ type: "spki", format: "der" }));
    const keyBlock = t.s("KeyBlock", t.e("KeyFormatType", "PKCS8"), t.s("KeyValue", t.b("KeyMaterial", hex(caSpki))));
    const imported = await kmip(
      t.s("Import", uidNode(""), t.e("ObjectType", "PublicKey"), t.s("Attributes"), t.s("Object", keyBlock)),
    );
    expectOk(imported);
    expectKmipError(
      await kmip(
        t.s(
          "Certify",
          uidNode(valueOf(imported.json, "UniqueIdentifier") as string),
          t.s("Attributes", subjectNode({ Cn: "x" })),
        ),
      ),
      422,
      "Invalid_Field",
      /No private key link/,
    );
  });
});

describe("Validate", () => {
  const validate = (...payload: Node[]) => kmip(t.s("Validate", ...payload));

  test("chains by id, inline, mixed; ValidityTime", async () => {
    const ca = await selfSignedCa("Validate CA");
    const leafKeys = await keyPair();
    const leaf = await certify(
      uidNode(leafKeys.pk),
      t.s("Attributes", link("CertificateLink", ca.cert), subjectNode({ Cn: "Validate leaf" })),
    );
    const caDer = (await certificate(ca.cert)).der;
    const leafDer = (await certificate(leaf)).der;
    for (const payload of [
      [uidNode(leaf), uidNode(ca.cert)],
      [t.b("Certificate", hex(leafDer)), t.b("Certificate", hex(caDer))],
      [t.b("Certificate", hex(leafDer)), uidNode(ca.cert)],
      [uidNode(ca.cert)],
    ]) {
      const r = await validate(...payload);
      expectOk(r);
      expect(valueOf(r.json, "ValidityIndicator")).toBe("Valid");
    }
    expectOk(
      await validate(
        uidNode(leaf),
        uidNode(ca.cert),
        t.text("ValidityTime", new Date(Date.now() + 100 * DAY).toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z"),
      ),
    );
    expectKmipError(
      await validate(uidNode(leaf), uidNode(ca.cert), t.text("ValidityTime", "20991231000000Z")),
      422,
      "Operation_Not_Supported",
      /Certificate error: .*has expired/,
    );
    expectKmipError(
      await validate(uidNode(leaf), uidNode(ca.cert), t.text("ValidityTime", "2001-01-01T00:00:00Z")),
      422,
      "Operation_Not_Supported",
      /not yet valid/,
    );
    expectKmipError(
      await validate(uidNode(leaf), uidNode(ca.cert), t.text("ValidityTime", "yesterday")),
      422,
      "Invalid_Field",
      /ValidityTime/,
    );
    // A leaf alone has no trust anchor; a leaf cannot issue.
    expectKmipError(await validate(uidNode(leaf)), 422, "Operation_Not_Supported", /No root authority found/);
    const under = await certify(
      uidNode((await keyPair()).pk),
      t.s(
        "Attributes",
        link("CertificateLink", leaf),
        link("PrivateKeyLink", leafKeys.sk),
        subjectNode({ Cn: "Under a leaf" }),
      ),
    );
    expectKmipError(
      await validate(uidNode(ca.cert), uidNode(leaf), uidNode(under)),
      422,
      "Operation_Not_Supported",
      /"CN=Validate leaf" is not a CA/,
    );
  });

  test("OpenSSL-made chains: valid without CRL points; a CRL point cannot be fetched; expired", async () => {
    const at = t.text("ValidityTime", "20300101000000Z");
    const r = await validate(
      t.b("Certificate", hex(pemDer("chain_intermediate.cert.pem"))),
      t.b("Certificate", hex(pemDer("chain_ca.cert.pem"))),
      at,
    );
    expectOk(r);
    expect(valueOf(r.json, "ValidityIndicator")).toBe("Valid");
    const withLeaf = await validate(
      ...["chain_leaf1.cert.pem", "chain_ca.cert.pem", "chain_intermediate.cert.pem"].map((f) =>
        t.b("Certificate", hex(pemDer(f))),
      ),
      at,
    );
    expectKmipError(
      withLeaf,
      422,
      "Operation_Not_Supported",
      /does not fetch CRLs.*https:\/\/package\.cosmian\.com\/kms\/crl_tests\/intermediate\.crl\.pem/,
    );
    const expired = await validate(
      ...["another_p12_root.crt", "another_p12_intermediate.crt", "another_p12_expired.crt"].map((f) =>
        t.b("Certificate", hex(pemDer(f))),
      ),
    );
    expectKmipError(expired, 422, "Operation_Not_Supported", /expired\.foo\.com" has expired/);
  });

  test("revoked, destroyed, missing, not a certificate, garbage, nothing", async () => {
    const keys = await keyPair();
    const id = await certify(uidNode(keys.pk), t.s("Attributes", subjectNode({ Cn: "Revoked" })));
    expectOk(await validate(uidNode(id)));
    expectOk(
      await kmip(t.s("Revoke", uidNode(id), t.s("RevocationReason", t.e("RevocationReasonCode", "KeyCompromise")))),
    );
    expectKmipError(await validate(uidNode(id)), 422, "Object_Not_Found", /not found/);
    expectKmipError(await validate(uidNode("no-such-certificate")), 422, "Object_Not_Found");
    expectKmipError(await validate(uidNode(keys.pk)), 422, "Invalid_Object_Type", /got a PublicKey/);
    expectKmipError(
      await validate(t.b("Certificate", "30030201ff")),
      422,
      "Operation_Not_Supported",
      /not a valid DER X.509 certificate/,
    );
    expectKmipError(await validate(), 422, "Operation_Not_Supported", /Empty chain/);
  });
});

describe("ReCertify", () => {
  test("self-signed: new id, same key and subject, links both ways, old deactivated", async () => {
    const ca = await selfSignedCa("Renew me");
    const old = await certificate(ca.cert);
    const r = await kmip(t.s("ReCertify", uidNode(ca.cert)));
    expectOk(r);
    const id = valueOf(r.json, "UniqueIdentifier") as string;
    expect(id).not.toBe(ca.cert);
    const fresh = await certificate(id);
    expect(fresh.node.subject).toBe(old.node.subject);
    expect(fresh.node.verify(old.node.publicKey)).toBe(true);
    expect(fresh.node.publicKey.equals(old.node.publicKey)).toBe(true);
    expect(fresh.node.serialNumber).not.toBe(old.node.serialNumber);
    expect(fresh.node.ca).toBe(true); // extensions carried over
    const newAttrs = await attributes(id);
    expect(valueOf(newAttrs, "State")).toBe("Active");
    expect(links(newAttrs)).toMatchObject({
      ReplacedObjectLink: ca.cert,
      PublicKeyLink: ca.pk,
      PrivateKeyLink: ca.sk,
      CertificateLink: id,
    });
    const oldAttrs = await attributes(ca.cert);
    expect(links(oldAttrs).ReplacementObjectLink).toBe(id);
    expect(valueOf(oldAttrs, "State")).toBe("Deactivated");
    expect(links(await attributes(ca.pk)).CertificateLink).toBe(id);
  });

  test("a CA-issued certificate is signed again by its issuer; Offset makes it PreActive", async () => {
    const ca = await selfSignedCa("Renewal CA");
    const caCert = await certificate(ca.cert);
    const leafKeys = await keyPair();
    const leaf = await certify(
      uidNode(leafKeys.pk),
      t.s("Attributes", link("CertificateLink", ca.cert), subjectNode({ Cn: "Renewed leaf" })),
    );
    const r = await kmip(t.s("ReCertify", uidNode(leaf), { tag: "Offset", type: "Interval", value: 3600 }));
    expectOk(r);
    const id = valueOf(r.json, "UniqueIdentifier") as string;
    const fresh = await certificate(id);
    expect(fresh.node.issuer).toBe(caCert.node.subject);
    expect(fresh.node.verify(caCert.node.publicKey)).toBe(true);
    const attrs = await attributes(id);
    expect(valueOf(attrs, "State")).toBe("PreActive");
    expect(links(attrs).CertificateLink).toBe(ca.cert);
    expect(valueOf(await attributes(leaf), "State")).toBe("Active"); // until its successor activates
  });

  test("errors name ReCertify", async () => {
    expectKmipError(await kmip(t.s("ReCertify")), 422, "Invalid_Field", /ReCertify: the UniqueIdentifier/);
    expectKmipError(
      await kmip(t.s("ReCertify", uidNode("no-such-certificate"))),
      422,
      "Item_Not_Found",
      /^Item_Not_Found: ReCertify:/,
    );
    const keys = await keyPair();
    expectKmipError(
      await kmip(t.s("ReCertify", uidNode(keys.pk))),
      422,
      "Invalid_Object_Type",
      /ReCertify: object .* is not a Certificate/,
    );
    const id = await certify(uidNode(keys.pk), t.s("Attributes", subjectNode({ Cn: "Revoked" })));
    expectOk(
      await kmip(t.s("Revoke", uidNode(id), t.s("RevocationReason", t.e("RevocationReasonCode", "KeyCompromise")))),
    );
    expectKmipError(await kmip(t.s("ReCertify", uidNode(id))), 422, "Item_Not_Found", /ReCertify: .*Compromised/);
  });
});
