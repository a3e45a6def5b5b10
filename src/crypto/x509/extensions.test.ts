/**
 * x509-extension text -> X.509 extensions: DER encodings (X.690 / RFC 5280 §4.2) and, for the key
 * identifiers, byte equality with what OpenSSL wrote in Cosmian's test certificates
 * (test/vectors/x509/README.md).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { bytesToHex } from "../bytes.ts";
import { hex } from "../../../test/helpers/bytes.ts";
import { parseCertificate } from "./certificate.ts";
import { buildExtensions, keyIdentifier, parseExtensionConfig } from "./extensions.ts";
import { X509Error } from "./setup.ts";

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
const leaf = parseCertificate(pemDer("chain_leaf1.cert.pem"));
const intermediate = parseCertificate(pemDer("chain_intermediate.cert.pem"));
const authority = { keyId: intermediate.ski!, issuerNameDer: intermediate.issuerDer, serial: intermediate.serial };
const valueHex = (ext: { value: ArrayBuffer }) => hex(new Uint8Array(ext.value));

describe("parseExtensionConfig", () => {
  test("reads the [ v3_ca ] section of the Cosmian corpus text", () => {
    const specs = parseExtensionConfig(
      "[ v3_ca ]\nbasicConstraints=critical,CA:true,pathlen:1\nkeyUsage=critical,keyCertSign,crlSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always,issuer\n",
    );
    expect(specs).toEqual([
      { key: "basicConstraints", critical: true, values: ["CA:true", "pathlen:1"] },
      { key: "keyUsage", critical: true, values: ["keyCertSign", "crlSign"] },
      { key: "subjectKeyIdentifier", critical: false, values: ["hash"] },
      { key: "authorityKeyIdentifier", critical: false, values: ["keyid:always", "issuer"] },
    ]);
  });

  test("only the v3_ca section counts; text without sections is read whole; comments are skipped", () => {
    expect(
      parseExtensionConfig(
        "[ other ]\nkeyUsage=digitalSignature\n[ v3_ca ]\n# a comment\nbasicConstraints=CA:false",
      ).map((s) => s.key),
    ).toEqual(["basicConstraints"]);
    expect(parseExtensionConfig("keyUsage = digitalSignature , keyEncipherment")).toEqual([
      { key: "keyUsage", critical: false, values: ["digitalSignature", "keyEncipherment"] },
    ]);
  });

  test("rejects what it cannot honour", () => {
    expect(() => parseExtensionConfig("[ req ]\nkeyUsage=digitalSignature")).toThrow(/v3_ca/);
    expect(() => parseExtensionConfig("nsComment=hello")).toThrow(X509Error);
    expect(() => parseExtensionConfig("keyUsage=digitalSignature\nkeyUsage=keyCertSign")).toThrow(/twice/);
    expect(() => parseExtensionConfig("basicConstraints=critical,@bc")).toThrow(/section references/);
    expect(() => parseExtensionConfig("keyUsage")).toThrow(/key=value/);
  });
});

describe("buildExtensions", () => {
  const build = (text: string) => buildExtensions(parseExtensionConfig(text), leaf.spki, authority);

  test("basicConstraints, keyUsage, extendedKeyUsage DER", () => {
    const [bc, bcNoLen, ku, ku2, eku] = [
      ...build("basicConstraints=critical,CA:true,pathlen:1"),
      ...build("basicConstraints=CA:TRUE"),
      ...build("keyUsage=critical,keyCertSign,crlSign"),
      ...build("keyUsage=digitalSignature,keyEncipherment"),
      ...build("extendedKeyUsage=serverAuth,clientAuth"),
    ];
    expect([bc.type, bc.critical, valueHex(bc)]).toEqual(["2.5.29.19", true, "30060101ff020101"]);
    expect(valueHex(bcNoLen)).toBe("30030101ff");
    expect([ku.type, ku.critical, valueHex(ku)]).toEqual(["2.5.29.15", true, "03020106"]);
    expect(valueHex(ku2)).toBe("030205a0");
    expect([eku.type, valueHex(eku)]).toEqual(["2.5.29.37", "301406082b0601050507030106082b06010505070302"]);
  });

  test("subjectKeyIdentifier=hash equals the SKI OpenSSL computed (RFC 5280 §4.2.1.2 method 1)", () => {
    expect(bytesToHex(keyIdentifier(leaf.spki))).toBe(bytesToHex(leaf.ski!));
    expect(bytesToHex(keyIdentifier(intermediate.spki))).toBe(bytesToHex(intermediate.ski!));
    const [ski] = build("subjectKeyIdentifier=hash");
    expect(valueHex(ski)).toBe(`0414${hex(leaf.ski!)}`);
    const [given] = build("subjectKeyIdentifier=01:02:0A");
    expect(valueHex(given)).toBe("040301020a");
  });

  test("authorityKeyIdentifier=keyid,issuer:always is byte for byte the AKI OpenSSL wrote in the leaf", () => {
    const [aki] = build("authorityKeyIdentifier=keyid,issuer:always");
    const openssl = leaf.cert.getExtension("2.5.29.35")!;
    expect(valueHex(aki)).toBe(valueHex(openssl));
  });

  test("authorityKeyIdentifier: issuer only when no key id, unless always", () => {
    const [keyidOnly] = build("authorityKeyIdentifier=keyid:always,issuer");
    expect(valueHex(keyidOnly)).toBe(`30168014${hex(intermediate.ski!)}`);
    const [issuerOnly] = build("authorityKeyIdentifier=issuer");
    expect(valueHex(issuerOnly).startsWith("30")).toBe(true);
    expect(valueHex(issuerOnly)).not.toContain(`8014${hex(intermediate.ski!)}`);
    expect(valueHex(issuerOnly)).toContain(hex(intermediate.issuerDer));
  });

  test("names, CRL distribution points, AIA, policies, noRevAvail", () => {
    const [san, cdp, aia, pol, nra] = build(
      "subjectAltName=DNS:kms.example.com,IP:10.0.0.1,email:a@b.c,URI:https://x.example\ncrlDistributionPoints=URI:http://crl.example/ca.crl\nauthorityInfoAccess=OCSP;URI:http://ocsp.example,caIssuers;URI:http://ca.example/ca.crt\ncertificatePolicies=1.2.3.4\nnoRevAvail=true",
    );
    expect(san.type).toBe("2.5.29.17");
    // [2] dNSName, [7] iPAddress 10.0.0.1, [1] rfc822Name, [6] URI
    expect(valueHex(san)).toContain(hex(new TextEncoder().encode("kms.example.com")));
    expect(valueHex(san)).toContain("87040a000001");
    expect(cdp.type).toBe("2.5.29.31");
    expect(valueHex(cdp)).toContain(hex(new TextEncoder().encode("http://crl.example/ca.crl")));
    expect(aia.type).toBe("1.3.6.1.5.5.7.1.1");
    expect(pol.type).toBe("2.5.29.32");
    expect([nra.type, valueHex(nra)]).toEqual(["2.5.29.56", "0500"]);
  });

  test("bad values are refused", () => {
    expect(() => build("keyUsage=signEverything")).toThrow(/keyUsage/);
    expect(() => build("basicConstraints=pathlen:1")).toThrow(/pathlen needs CA:true/);
    expect(() => build("subjectAltName=otherName:1.2.3;UTF8:x")).toThrow(/not supported/);
    expect(() => build("crlDistributionPoints=ldap")).toThrow(/URI/);
    expect(() => build("authorityKeyIdentifier=keyid:sometimes")).toThrow(/authorityKeyIdentifier/);
    expect(() => build("extendedKeyUsage=flyingCars")).toThrow(/extendedKeyUsage/);
  });
});
