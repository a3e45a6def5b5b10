/**
 * Chain validation against OpenSSL-made chains (Cosmian's test certificates, test/vectors/x509/)
 * and chains issued here: order, signatures, CA constraints, path length, validity dates, CRL points.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, test } from "vitest";
import { importSigner, issueCertificate, parseCertificate, randomSerial } from "./certificate.ts";
import { ChainError, revocationUris, validateChain } from "./chain.ts";
import { buildExtensions, keyIdentifier, parseExtensionConfig } from "./extensions.ts";
import { nameDer, nameFromFields } from "./names.ts";

const VECTORS = path.join(import.meta.dirname, "../../../test/vectors/x509");
const pemDer = (file: string) =>
  new Uint8Array(
    Buffer.from(
      readFileSync(path.join(VECTORS, file), "utf8")
        .replace(/-----[^-]+-----/g, "")
        .replace(/\s+/g, ""),
      "base64",
    ),
  );
const root = pemDer("chain_ca.cert.pem");
const intermediate = pemDer("chain_intermediate.cert.pem");
const leaf = pemDer("chain_leaf1.cert.pem");
const IN_2030 = new Date("2030-01-01T00:00:00Z");

describe("OpenSSL-made chains", () => {
  test("root + intermediate + leaf validate in any order, and come back root first", () => {
    for (const order of [
      [root, intermediate, leaf],
      [leaf, root, intermediate],
      [intermediate, leaf, root],
    ]) {
      const chain = validateChain(order, IN_2030);
      expect(chain.map((c) => c.cert.subjectName.getField("CN")[0])).toEqual(["Root", "Intermediate", "Leaf1"]);
    }
  });

  test("a single self-signed root validates; a duplicate counts once", () => {
    expect(validateChain([root], IN_2030)).toHaveLength(1);
    expect(validateChain([root, root], IN_2030)).toHaveLength(1);
  });

  test("missing root or missing link", () => {
    expect(() => validateChain([intermediate, leaf], IN_2030)).toThrow(/No root authority found/);
    expect(() => validateChain([root, leaf], IN_2030)).toThrow(/chain incomplete/);
  });

  test("validity dates: before, inside, after", () => {
    expect(() => validateChain([root, intermediate, leaf], new Date("2025-01-01T00:00:00Z"))).toThrow(/not yet valid/);
    expect(() => validateChain([root, intermediate, leaf], new Date("2040-01-01T00:00:00Z"))).toThrow(/has expired/);
    const p12 = ["another_p12_root.crt", "another_p12_intermediate.crt", "another_p12_expired.crt"].map(pemDer);
    expect(() => validateChain(p12, IN_2030)).toThrow(/expired\.foo\.com" has expired/);
  });

  test("a tampered signature is refused", () => {
    const bad = leaf.slice();
    bad[bad.length - 5] ^= 0x01; // inside the signature value
    expect(() => validateChain([root, intermediate, bad], IN_2030)).toThrow(/Failed to verify the certificate/);
  });

  test("not a certificate", () => {
    expect(() => validateChain([root, Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01)], IN_2030)).toThrow(ChainError);
    expect(() => validateChain([], IN_2030)).toThrow(/Empty chain/);
  });

  test("the leaf's CRL distribution point is reported", () => {
    const chain = validateChain([root, intermediate, leaf], IN_2030);
    expect(revocationUris(chain)).toEqual([
      { subject: chain[2].cert.subject, uri: "https://package.cosmian.com/kms/crl_tests/intermediate.crl.pem" },
    ]);
  });
});

describe("chains issued here", () => {
  const keys = () => {
    const k = generateKeyPairSync("ec", { namedCurve: "P-256" });
    return {
      pkcs8: new Uint8Array(k.privateKey.export({ type: "pkcs8", format: "der" })),
      spki: new Uint8Array(k.publicKey.export({ type: "spki", format: "der" })),
    };
  };
  type Cert = { der: Uint8Array; pkcs8: Uint8Array; spki: Uint8Array; cn: string };
  async function make(cn: string, issuer: Cert | undefined, ext: string): Promise<Cert> {
    const k = keys();
    const name = nameFromFields({ Cn: cn });
    const serial = randomSerial();
    const parsedIssuer = issuer && parseCertificate(issuer.der);
    const authority = parsedIssuer
      ? {
          keyId: parsedIssuer.ski ?? keyIdentifier(parsedIssuer.spki),
          issuerNameDer: parsedIssuer.issuerDer,
          serial: parsedIssuer.serial,
        }
      : { keyId: keyIdentifier(k.spki), issuerNameDer: nameDer(name), serial };
    const der = await issueCertificate({
      subject: name,
      subjectSpki: k.spki,
      issuerName: parsedIssuer ? parsedIssuer.cert.subjectName : name,
      signer: await importSigner(issuer ? issuer.pkcs8 : k.pkcs8),
      serial,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
      extensions: buildExtensions(parseExtensionConfig(ext), k.spki, authority),
    });
    return { der, ...k, cn };
  }
  const CA =
    "basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,crlSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid";

  test("root -> intermediate -> leaf", async () => {
    const r = await make("R", undefined, CA);
    const i = await make("I", r, CA);
    const l = await make("L", i, "keyUsage=digitalSignature");
    expect(validateChain([l.der, i.der, r.der], new Date()).map((c) => c.cert.subject)).toEqual([
      "CN=R",
      "CN=I",
      "CN=L",
    ]);
  });

  test("an issuer that is not a CA, or may not sign certificates, or whose path length is exceeded", async () => {
    const r = await make("R", undefined, CA);
    const notCa = await make("NotCA", r, "keyUsage=digitalSignature,keyCertSign");
    const under = await make("Under", notCa, "");
    expect(() => validateChain([r.der, notCa.der, under.der], new Date())).toThrow(/"CN=NotCA" is not a CA/);

    const noSign = await make("NoSign", r, "basicConstraints=CA:true\nkeyUsage=digitalSignature");
    const under2 = await make("Under2", noSign, "");
    expect(() => validateChain([r.der, noSign.der, under2.der], new Date())).toThrow(/lacks keyCertSign/);

    const tight = await make("Tight", undefined, "basicConstraints=critical,CA:true,pathlen:0\nkeyUsage=keyCertSign");
    const sub = await make("Sub", tight, CA);
    const leaf2 = await make("Leaf2", sub, "");
    expect(() => validateChain([tight.der, sub.der, leaf2.der], new Date())).toThrow(
      /path length constraint of "CN=Tight" \(pathlen:0\) is exceeded/,
    );
    expect(validateChain([tight.der, sub.der], new Date())).toHaveLength(2);
  });

  test("two chains at once are refused", async () => {
    const r = await make("R", undefined, CA);
    const a = await make("A", r, "");
    const b = await make("B", r, "");
    expect(() => validateChain([r.der, a.der, b.der], new Date())).toThrow(/only one chain/);
  });
});
