/**
 * X.509 v3 extensions from OpenSSL extension-configuration text (x509v3_config(5)), the form of
 * Cosmian's `x509-extension` vendor attribute (the KMS's
 * `x509_extensions::parse_v3_ca_from_str`), e.g.
 *
 *   [ v3_ca ]
 *   basicConstraints=critical,CA:true,pathlen:1
 *   keyUsage=critical,keyCertSign,crlSign
 *   subjectKeyIdentifier=hash
 *   authorityKeyIdentifier=keyid:always,issuer
 *
 * Supported keys (the short form only, as Cosmian): basicConstraints, keyUsage, extendedKeyUsage,
 * subjectKeyIdentifier, authorityKeyIdentifier, subjectAltName, issuerAltName,
 * crlDistributionPoints, authorityInfoAccess, certificatePolicies (OIDs), noRevAvail (RFC 9608).
 * The `[ v3_ca ]` section is read; text without any section header is read whole.
 *
 * authorityKeyIdentifier follows OpenSSL: `keyid` copies the issuer's subject key identifier (or
 * computes it, RFC 5280 §4.2.1.2 method 1); `issuer` adds the issuer's issuer name and serial only
 * when no key id was obtained, or always with `issuer:always`.
 */
import { lookupTable } from "../lookup.ts";
import { createHash } from "node:crypto";
import { bytesToHex } from "../bytes.ts";
import * as der from "../key-formats/der.ts";
import { x509, X509Error } from "./setup.ts";

export interface ExtensionSpec {
  key: string;
  critical: boolean;
  /** The comma-separated values, trimmed, without `critical`. */
  values: string[];
}

const KEYS = new Set([
  "basicConstraints",
  "keyUsage",
  "extendedKeyUsage",
  "subjectKeyIdentifier",
  "authorityKeyIdentifier",
  "subjectAltName",
  "issuerAltName",
  "crlDistributionPoints",
  "authorityInfoAccess",
  "certificatePolicies",
  "noRevAvail",
]);

/** Parses the `[ v3_ca ]` section (or the whole text when it has no section header). */
export function parseExtensionConfig(text: string): ExtensionSpec[] {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.replace(/(^|\s)[#;].*$/, "").trim())
    .filter((l) => l !== "");
  const hasSections = lines.some((l) => l.startsWith("["));
  let inSection = !hasSections;
  let found = !hasSections;
  const out: ExtensionSpec[] = [];
  for (const line of lines) {
    const header = /^\[\s*([^\]]*?)\s*\]$/.exec(line);
    if (header) {
      inSection = header[1] === "v3_ca";
      found ||= inSection;
      continue;
    }
    if (!inSection) continue;
    const eq = line.indexOf("=");
    if (eq < 0) throw new X509Error(`x509-extension: expected key=value, got "${line}"`);
    const key = line.slice(0, eq).trim();
    if (!KEYS.has(key))
      throw new X509Error(`x509-extension: the extension ${key} is not supported (supported: ${[...KEYS].join(", ")})`);
    if (out.some((s) => s.key === key)) throw new X509Error(`x509-extension: ${key} is given twice`);
    const parts = line
      .slice(eq + 1)
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p !== "");
    if (parts.some((p) => p.startsWith("@")))
      throw new X509Error(`x509-extension: section references (${key}=@...) are not supported`);
    out.push({ key, critical: parts.includes("critical"), values: parts.filter((p) => p !== "critical") });
  }
  if (!found) throw new X509Error("x509-extension: unable to find the [ v3_ca ] section in the extension text");
  return out;
}

/** The authority of a certificate being built: the issuer certificate, or the certificate itself when self-signed. */
export interface Authority {
  /** The authority's key identifier (its SubjectKeyIdentifier, else computed from its key). */
  keyId: Uint8Array;
  /** The authority certificate's issuer name (DER) and serial number, for `authorityKeyIdentifier=issuer`. */
  issuerNameDer: Uint8Array;
  serial: Uint8Array;
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING contents of a SubjectPublicKeyInfo. */
export function keyIdentifier(spki: Uint8Array): Uint8Array {
  const [, bits] = der.readAll(der.readOne(spki, der.TAG.SEQUENCE, "SubjectPublicKeyInfo"));
  if (!bits || bits.tag !== der.TAG.BIT_STRING)
    throw new X509Error("SubjectPublicKeyInfo: missing the public key BIT STRING");
  return new Uint8Array(createHash("sha1").update(der.bitStringBytes(bits.value, "subjectPublicKey")).digest());
}

const KEY_USAGE: Record<string, x509.KeyUsageFlags> = {
  digitalSignature: x509.KeyUsageFlags.digitalSignature,
  nonRepudiation: x509.KeyUsageFlags.nonRepudiation,
  contentCommitment: x509.KeyUsageFlags.nonRepudiation,
  keyEncipherment: x509.KeyUsageFlags.keyEncipherment,
  dataEncipherment: x509.KeyUsageFlags.dataEncipherment,
  keyAgreement: x509.KeyUsageFlags.keyAgreement,
  keyCertSign: x509.KeyUsageFlags.keyCertSign,
  cRLSign: x509.KeyUsageFlags.cRLSign,
  crlSign: x509.KeyUsageFlags.cRLSign,
  encipherOnly: x509.KeyUsageFlags.encipherOnly,
  decipherOnly: x509.KeyUsageFlags.decipherOnly,
};

const EXTENDED_KEY_USAGE: Record<string, string> = lookupTable({
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  codeSigning: "1.3.6.1.5.5.7.3.3",
  emailProtection: "1.3.6.1.5.5.7.3.4",
  timeStamping: "1.3.6.1.5.5.7.3.8",
  OCSPSigning: "1.3.6.1.5.5.7.3.9",
  ipsecIKE: "1.3.6.1.5.5.7.3.17",
  msCodeInd: "1.3.6.1.4.1.311.2.1.21",
  msCodeCom: "1.3.6.1.4.1.311.2.1.22",
  msCTLSign: "1.3.6.1.4.1.311.10.3.1",
  msSGC: "1.3.6.1.4.1.311.10.3.3",
  msEFS: "1.3.6.1.4.1.311.10.3.4",
  nsSGC: "2.16.840.1.113730.4.1",
  anyExtendedKeyUsage: "2.5.29.37.0",
});

const OID = /^\d+(\.\d+)+$/;

function afterColon(value: string, key: string): string {
  const i = value.indexOf(":");
  if (i < 0 || i === value.length - 1)
    throw new X509Error(`x509-extension: ${key}: expected TYPE:value, got "${value}"`);
  return value.slice(i + 1);
}

function generalName(value: string, key: string): x509.JsonGeneralName {
  const type = value.slice(0, value.indexOf(":"));
  const v = afterColon(value, key);
  switch (type) {
    case "email":
      return { type: "email", value: v };
    case "URI":
      return { type: "url", value: v };
    case "DNS":
      return { type: "dns", value: v };
    case "IP":
      return { type: "ip", value: v };
    case "RID":
      if (!OID.test(v)) throw new X509Error(`x509-extension: ${key}: RID must be an OID, got "${v}"`);
      return { type: "id", value: v };
    default:
      throw new X509Error(
        `x509-extension: ${key}: the name type of "${value}" is not supported (email, URI, DNS, IP, RID)`,
      );
  }
}

function authorityKeyIdentifier(spec: ExtensionSpec, authority: Authority): x509.Extension {
  let keyid = 0;
  let issuer = 0;
  for (const v of spec.values) {
    if (v === "keyid") keyid = Math.max(keyid, 1);
    else if (v === "keyid:always") keyid = 2;
    else if (v === "issuer") issuer = Math.max(issuer, 1);
    else if (v === "issuer:always") issuer = 2;
    else
      throw new X509Error(
        `x509-extension: authorityKeyIdentifier: "${v}" is not supported (keyid, keyid:always, issuer, issuer:always)`,
      );
  }
  const parts: Uint8Array[] = [];
  if (keyid) parts.push(der.encode(0x80, authority.keyId)); // [0] IMPLICIT KeyIdentifier
  if (issuer === 2 || (issuer === 1 && !keyid)) {
    // [1] IMPLICIT GeneralNames { [4] EXPLICIT directoryName } and [2] IMPLICIT CertificateSerialNumber
    parts.push(der.encode(0xa1, der.encode(0xa4, authority.issuerNameDer)));
    parts.push(der.encode(0x82, authority.serial));
  }
  if (parts.length === 0) throw new X509Error("x509-extension: authorityKeyIdentifier needs keyid or issuer");
  return new x509.Extension("2.5.29.35", spec.critical, new Uint8Array(der.encode(der.TAG.SEQUENCE, ...parts)));
}

/**
 * The extensions a parsed configuration asks for. `subjectSpki` is the certified key (for
 * `subjectKeyIdentifier=hash`); `authority` is used by authorityKeyIdentifier.
 */
export function buildExtensions(
  specs: readonly ExtensionSpec[],
  subjectSpki: Uint8Array,
  authority: Authority,
): x509.Extension[] {
  return specs.map((spec) => {
    const { key, critical, values } = spec;
    switch (key) {
      case "basicConstraints": {
        let ca = false;
        let pathLength: number | undefined;
        for (const v of values) {
          if (/^CA:true$/i.test(v)) ca = true;
          else if (/^CA:false$/i.test(v)) ca = false;
          else if (/^pathlen:\d+$/.test(v)) pathLength = Number(v.slice(8));
          else
            throw new X509Error(
              `x509-extension: basicConstraints: "${v}" is not supported (CA:true, CA:false, pathlen:N)`,
            );
        }
        if (pathLength !== undefined && !ca)
          throw new X509Error("x509-extension: basicConstraints: pathlen needs CA:true");
        return new x509.BasicConstraintsExtension(ca, pathLength, critical);
      }
      case "keyUsage": {
        let flags = 0;
        for (const v of values) {
          const f = KEY_USAGE[v];
          if (f === undefined) throw new X509Error(`x509-extension: keyUsage: "${v}" is not supported`);
          flags |= f;
        }
        if (flags === 0) throw new X509Error("x509-extension: keyUsage needs at least one usage");
        return new x509.KeyUsagesExtension(flags, critical);
      }
      case "extendedKeyUsage": {
        const oids = values.map((v) => {
          const oid = EXTENDED_KEY_USAGE[v] ?? (OID.test(v) ? v : undefined);
          if (!oid) throw new X509Error(`x509-extension: extendedKeyUsage: "${v}" is not supported`);
          return oid;
        });
        return new x509.ExtendedKeyUsageExtension(oids, critical);
      }
      case "subjectKeyIdentifier": {
        const v = values.join(",");
        if (v === "hash")
          return new x509.SubjectKeyIdentifierExtension(bytesToHex(keyIdentifier(subjectSpki)), critical);
        if (/^([0-9A-Fa-f]{2}:?)+$/.test(v))
          return new x509.SubjectKeyIdentifierExtension(v.replace(/:/g, "").toLowerCase(), critical);
        throw new X509Error(`x509-extension: subjectKeyIdentifier: "${v}" is not supported (hash or hex bytes)`);
      }
      case "authorityKeyIdentifier":
        return authorityKeyIdentifier(spec, authority);
      case "subjectAltName":
        return new x509.SubjectAlternativeNameExtension(
          values.map((v) => generalName(v, key)),
          critical,
        );
      case "issuerAltName":
        return new x509.IssuerAlternativeNameExtension(
          values.map((v) => generalName(v, key)),
          critical,
        );
      case "crlDistributionPoints": {
        const urls = values.map((v) => {
          if (!v.startsWith("URI:"))
            throw new X509Error(`x509-extension: crlDistributionPoints: only URI:... is supported, got "${v}"`);
          return afterColon(v, key);
        });
        return new x509.CRLDistributionPointsExtension(urls, critical);
      }
      case "authorityInfoAccess": {
        const params: { ocsp: string[]; caIssuers: string[] } = { ocsp: [], caIssuers: [] };
        for (const v of values) {
          const m = /^(OCSP|caIssuers);URI:(.+)$/.exec(v);
          if (!m)
            throw new X509Error(
              `x509-extension: authorityInfoAccess: expected OCSP;URI:... or caIssuers;URI:..., got "${v}"`,
            );
          (m[1] === "OCSP" ? params.ocsp : params.caIssuers).push(m[2]);
        }
        return new x509.AuthorityInfoAccessExtension(params, critical);
      }
      case "certificatePolicies": {
        const oids = values.filter((v) => v !== "ia5org");
        for (const v of oids)
          if (!OID.test(v))
            throw new X509Error(`x509-extension: certificatePolicies: only policy OIDs are supported, got "${v}"`);
        return new x509.CertificatePolicyExtension(oids, critical);
      }
      case "noRevAvail":
        return noRevAvail(critical);
      default:
        throw new X509Error(`x509-extension: the extension ${key} is not supported`);
    }
  });
}

/** RFC 9608 id-ce-noRevAvail (2.5.29.56), value NULL. */
export const NO_REV_AVAIL = "2.5.29.56";
export function noRevAvail(critical = false): x509.Extension {
  return new x509.Extension(NO_REV_AVAIL, critical, Uint8Array.of(0x05, 0x00));
}
