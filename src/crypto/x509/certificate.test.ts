/**
 * Issuing certificates (checked with node:crypto's X509Certificate: signature, names, dates,
 * extensions) and reading CSRs (Cosmian's OpenSSL-made requests, test/vectors/x509/).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { describe, expect, test } from "vitest";
import {
  checkSpki,
  importSigner,
  issueCertificate,
  parseCertificate,
  parseCsr,
  publicSpkiOf,
  randomSerial,
  sameKey,
} from "./certificate.ts";
import { fieldsFromName, isEmptyName, nameFromFields } from "./names.ts";
import { X509Error } from "./setup.ts";

const VECTORS = path.join(import.meta.dirname, "../../../test/vectors/x509");
const file = (f: string) => new Uint8Array(readFileSync(path.join(VECTORS, f)));
const pemToDer = (pem: Uint8Array) =>
  new Uint8Array(
    Buffer.from(
      new TextDecoder()
        .decode(pem)
        .replace(/-----[^-]+-----/g, "")
        .replace(/\s+/g, ""),
      "base64",
    ),
  );

const SIGNERS = [
  ["ec", { namedCurve: "P-256" }, "ecdsa-with-SHA256", "P-256"],
  ["ec", { namedCurve: "P-384" }, "ecdsa-with-SHA384", "P-384"],
  ["ec", { namedCurve: "P-521" }, "ecdsa-with-SHA512", "P-521"],
  ["ed25519", {}, "ED25519", "Ed25519"],
  ["rsa", { modulusLength: 2048 }, "sha256WithRSAEncryption", "RSA"],
] as const;

describe("issueCertificate", () => {
  for (const [type, options, _sigAlg, label] of SIGNERS) {
    test(`signed by ${label}, verified by node:crypto`, async () => {
      const issuer = generateKeyPairSync(type as "ec", options as { namedCurve: string });
      const subject = generateKeyPairSync("x25519"); // a key that cannot sign can still be certified
      const pkcs8 = new Uint8Array(issuer.privateKey.export({ type: "pkcs8", format: "der" }));
      const spki = new Uint8Array(subject.publicKey.export({ type: "spki", format: "der" }));
      const serial = randomSerial();
      const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000);
      const notAfter = new Date(notBefore.getTime() + 30 * 86_400_000);
      const signer = await importSigner(pkcs8);
      expect(signer.type).toBe(label);
      const der = await issueCertificate({
        subject: nameFromFields({ Cn: "Leaf", O: "Cosmian", C: "FR" }),
        subjectSpki: spki,
        issuerName: nameFromFields({ Cn: "Issuer" }),
        signer,
        serial,
        notBefore,
        notAfter,
        extensions: [],
      });
      const cert = new X509Certificate(Buffer.from(der));
      expect(cert.verify(issuer.publicKey)).toBe(true);
      expect(cert.verify(generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey)).toBe(false);
      expect(cert.subject.split("\n")).toEqual(["CN=Leaf", "C=FR", "O=Cosmian"]);
      expect(cert.issuer).toBe("CN=Issuer");
      expect(cert.serialNumber.toLowerCase()).toBe(Buffer.from(serial).toString("hex"));
      expect(new Date(cert.validFrom).getTime()).toBe(notBefore.getTime());
      expect(new Date(cert.validTo).getTime()).toBe(notAfter.getTime());
      expect(cert.publicKey.equals(subject.publicKey)).toBe(true);
      const info = parseCertificate(der);
      expect(sameKey(info.spki, spki)).toBe(true);
      expect(fieldsFromName(info.cert.subjectName)).toEqual({ Cn: "Leaf", O: "Cosmian", C: "FR" });
    });
  }

  test("keys that cannot sign, empty validity", async () => {
    const x = generateKeyPairSync("x25519");
    await expect(importSigner(new Uint8Array(x.privateKey.export({ type: "pkcs8", format: "der" })))).rejects.toThrow(
      /x25519 keys cannot sign/,
    );
    await expect(importSigner(Uint8Array.of(1, 2, 3))).rejects.toThrow(X509Error);
    const k = generateKeyPairSync("ed25519");
    const pkcs8 = new Uint8Array(k.privateKey.export({ type: "pkcs8", format: "der" }));
    const t = new Date();
    await expect(
      issueCertificate({
        subject: nameFromFields({ Cn: "x" }),
        subjectSpki: publicSpkiOf(pkcs8),
        issuerName: nameFromFields({ Cn: "x" }),
        signer: await importSigner(pkcs8),
        serial: randomSerial(),
        notBefore: t,
        notAfter: t,
        extensions: [],
      }),
    ).rejects.toThrow(/validity period is empty/);
  });

  test("random serials are positive, 16 bytes, without a leading zero", () => {
    for (let i = 0; i < 50; i++) {
      const s = randomSerial();
      expect(s.length).toBe(16);
      expect(s[0] & 0x80).toBe(0);
      expect(s[0]).toBeGreaterThan(0);
    }
  });
});

describe("names", () => {
  test("RDN order as Cosmian, string types, refusals", () => {
    const name = nameFromFields({ O: "Cosmian", Cn: "Test", C: "FR", Email: "a@b.c", Ou: "", St: "IdF" });
    expect(name.toString()).toBe("CN=Test, C=FR, ST=IdF, O=Cosmian, E=a@b.c");
    const der = Buffer.from(name.toArrayBuffer()).toString("hex");
    expect(der).toContain("0c0454657374"); // CN as UTF8String
    expect(der).toContain("13024652"); // C as PrintableString
    expect(der).toContain("16056140622e63"); // emailAddress as IA5String
    expect(isEmptyName(nameFromFields({}))).toBe(true);
    expect(() => nameFromFields({ C: "France" })).toThrow(/two-letter/);
    expect(() => nameFromFields({ Email: "é@x" })).toThrow(/ASCII/);
    // Values are not parsed as RFC 4514 strings.
    expect(fieldsFromName(nameFromFields({ Cn: "#41,\\x" }))).toEqual({ Cn: "#41,\\x" });
  });
});

describe("parseCsr", () => {
  for (const [f, cn] of [
    ["csr_test_ec_p256.csr.pem", "Test CSR EC-P256"],
    ["csr_test_ed25519.csr.pem", "Test CSR Ed25519"],
    ["csr_test_rsa2048.csr.pem", "Test CSR RSA-2048"],
  ] as const) {
    test(`${cn}: PEM and DER, signature checked`, async () => {
      const pem = file(f);
      const fromPem = await parseCsr(pem, "PEM");
      expect(fromPem.subject.getField("CN")).toEqual([cn]);
      checkSpki(fromPem.spki);
      const fromDer = await parseCsr(pemToDer(pem), "DER");
      expect(Buffer.from(fromDer.spki).equals(Buffer.from(fromPem.spki))).toBe(true);
      const tampered = pemToDer(pem);
      tampered[tampered.length - 3] ^= 0x01;
      await expect(parseCsr(tampered, "DER")).rejects.toThrow(X509Error);
    });
  }

  test("garbage and wrong format", async () => {
    await expect(parseCsr(new TextEncoder().encode("hello"), "PEM")).rejects.toThrow(/PEM/);
    await expect(parseCsr(file("csr_test_ec_p256.csr.pem"), "DER")).rejects.toThrow(/PKCS10/);
  });
});
