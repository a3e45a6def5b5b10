/**
 * Building, signing and describing a new certificate (the KMS's certify/build_certificate.rs):
 * subject name and key from the subject, issuer name and signing key from the issuer, extensions
 * from the subject (CSR, renewed certificate) overridden by those of the `x509-extension` vendor
 * attribute, validity now .. now + `requested_validity_days` (vendor attribute, default 365 days),
 * capped at the issuer certificate's end. As the KMS does (RFC 9608), a self-signed end-entity
 * certificate without CRL distribution point gets the noRevAvail extension.
 *
 * Differences from the KMS, on purpose: the serial number is random (the KMS derives it from the
 * public key, so two certificates of one key share issuer and serial, which RFC 5280 forbids), ECDSA
 * issuers sign with the hash matching their curve (the KMS uses SHA-256 for all), and extensions of
 * the same type are not duplicated (the vendor attribute's win).
 */
import { KmipError } from "../../kmip/error.ts";
import {
  removeVendorAttribute,
  vendorAttribute,
  vendorAttributeBytes,
  type Attributes,
  type Link,
} from "../../kmip/attributes.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import { utf8 } from "../../crypto/bytes.ts";
import {
  importSigner,
  issueCertificate,
  parseCertificate,
  randomSerial,
  type CertificateInfo,
} from "../../crypto/x509/certificate.ts";
import {
  buildExtensions,
  keyIdentifier,
  noRevAvail,
  NO_REV_AVAIL,
  parseExtensionConfig,
  type Authority,
} from "../../crypto/x509/extensions.ts";
import { fieldsFromName, NAME_FIELDS, nameDer } from "../../crypto/x509/names.ts";
import { x509, X509Error } from "../../crypto/x509/setup.ts";
import { hexToBytes } from "../../crypto/bytes.ts";
import { now } from "../common/lifecycle.ts";
import type { Issuer, Subject } from "./parties.ts";

export const X509_EXTENSION = "x509-extension";
export const VALIDITY_DAYS = "requested_validity_days";

const DAY = 86_400_000;
const OID = { basicConstraints: "2.5.29.19", cdp: "2.5.29.31", aki: "2.5.29.35", ski: "2.5.29.14" };

function requestedDays(attrs: Attributes | undefined, op: string): number {
  const node = vendorAttribute(attrs, VALIDITY_DAYS)?.AttributeValue;
  if (!node) return 365;
  const days =
    node.type === "Integer" || node.type === "LongInteger"
      ? Number(node.value)
      : node.type === "TextString"
        ? Number(node.value)
        : NaN;
  if (!Number.isInteger(days) || days < 1 || days > 36_500) {
    throw new KmipError(
      "Invalid_Attribute_Value",
      `${op}: ${VALIDITY_DAYS} must be a whole number of days between 1 and 36500`,
    );
  }
  return days;
}

function extensionText(attrs: Attributes | undefined): string | undefined {
  const bytes = vendorAttributeBytes(attrs, X509_EXTENSION);
  return bytes && utf8.decode(bytes);
}

const isCa = (exts: readonly x509.Extension[]) =>
  exts.some((e) => e.type === OID.basicConstraints && new x509.BasicConstraintsExtension(e.rawData).ca);

export interface BuiltCertificate {
  /** The Certificate object as stored: {CertificateType, CertificateValue}. */
  object: KmipRecord;
  info: CertificateInfo;
}

/** Signs the certificate of `subject` by `issuer`; X509 problems become KmipErrors naming `op`. */
export async function buildCertificate(
  subject: Subject,
  issuer: Issuer,
  attrs: Attributes | undefined,
  op: string,
): Promise<BuiltCertificate> {
  const days = requestedDays(attrs, op);
  try {
    const text = extensionText(attrs);
    const specs = text === undefined ? [] : parseExtensionConfig(text);
    const serial = randomSerial();
    const ownSkiSpec = specs.find((s) => s.key === "subjectKeyIdentifier");
    const ownKeyId =
      ownSkiSpec && ownSkiSpec.values.join(",") !== "hash"
        ? hexToBytes(ownSkiSpec.values.join("").replace(/:/g, ""))
        : keyIdentifier(subject.spki);
    const authority: Authority = issuer.cert
      ? {
          keyId: issuer.cert.ski ?? keyIdentifier(issuer.cert.spki),
          issuerNameDer: issuer.cert.issuerDer,
          serial: issuer.cert.serial,
        }
      : { keyId: ownKeyId, issuerNameDer: nameDer(subject.name), serial };
    const requested = buildExtensions(specs, subject.spki, authority);
    const overridden = new Set(requested.map((e) => e.type));
    const carried: x509.Extension[] = [];
    for (const e of subject.extensions) {
      if (overridden.has(e.type)) continue;
      // A renewed certificate's authority key id names its former issuer: recompute it.
      if (e.type === OID.aki)
        carried.push(
          new x509.AuthorityKeyIdentifierExtension(Buffer.from(authority.keyId).toString("hex"), e.critical),
        );
      else carried.push(e);
    }
    const extensions = [...carried, ...requested];
    const selfSigned = !issuer.cert;
    if (selfSigned && !extensions.some((e) => e.type === OID.cdp || e.type === NO_REV_AVAIL) && !isCa(extensions))
      extensions.push(noRevAvail());

    const notBefore = now();
    let notAfter = new Date(notBefore.getTime() + days * DAY);
    if (issuer.cert && issuer.cert.notAfter.getTime() < notAfter.getTime()) notAfter = issuer.cert.notAfter;
    const der = await issueCertificate({
      subject: subject.name,
      subjectSpki: subject.spki,
      issuerName: issuer.name,
      signer: await importSigner(issuer.pkcs8),
      serial,
      notBefore,
      notAfter,
      extensions,
    });
    return { object: { CertificateType: "X509", CertificateValue: der }, info: parseCertificate(der) };
  } catch (e) {
    if (e instanceof X509Error)
      throw new KmipError("Invalid_Attribute_Value", `${op}: ${e.message}`, "client", { cause: e });
    throw e;
  }
}

/** Cosmian's CertificateAttributes: every subject and issuer field, "" when absent. */
export function certificateAttributes(info: CertificateInfo): KmipRecord {
  const subject = fieldsFromName(info.cert.subjectName);
  const issuer = fieldsFromName(info.cert.issuerName);
  const out: KmipRecord = {};
  for (const f of NAME_FIELDS) out[`CertificateSubject${f}`] = subject[f] ?? "";
  for (const f of NAME_FIELDS) out[`CertificateIssuer${f}`] = issuer[f] ?? "";
  return out;
}

const CRYPTO_FIELDS = [
  "CryptographicAlgorithm",
  "CryptographicLength",
  "CryptographicParameters",
  "CryptographicUsageMask",
  "CryptographicDomainParameters",
];
const SERVER_FIELDS = [
  "UniqueIdentifier",
  "ObjectType",
  "State",
  "InitialDate",
  "LastChangeDate",
  "OriginalCreationDate",
  "ActivationDate",
  "DeactivationDate",
  "CompromiseDate",
  "CompromiseOccurrenceDate",
  "DestroyDate",
  "RevocationReason",
];
const LINKS = new Set([
  "CertificateLink",
  "PrivateKeyLink",
  "PublicKeyLink",
  "ReplacedObjectLink",
  "ReplacementObjectLink",
]);

/**
 * The attributes of a new certificate: the request's (or the renewed certificate's), without the
 * issuer links, key attributes, server-managed fields and the Certify-only vendor attributes; plus
 * ObjectType, CertificateType, KeyFormatType X509, CertificateAttributes and the links to the
 * issuer certificate and to the certified key pair.
 */
export function certificateObjectAttributes(
  base: Attributes | undefined,
  info: CertificateInfo,
  links: { issuer: string; publicKey?: string; privateKey?: string },
): Attributes {
  const attrs: Attributes = { ...(base ?? {}) };
  for (const f of [...CRYPTO_FIELDS, ...SERVER_FIELDS]) delete attrs[f];
  removeVendorAttribute(attrs, X509_EXTENSION);
  removeVendorAttribute(attrs, VALIDITY_DAYS);
  removeVendorAttribute(attrs, "tag");
  const kept: Link[] = (attrs.Link ?? []).filter((l) => !LINKS.has(l.LinkType));
  kept.push({ LinkType: "CertificateLink", LinkedObjectIdentifier: links.issuer });
  if (links.publicKey) kept.push({ LinkType: "PublicKeyLink", LinkedObjectIdentifier: links.publicKey });
  if (links.privateKey) kept.push({ LinkType: "PrivateKeyLink", LinkedObjectIdentifier: links.privateKey });
  attrs.Link = kept;
  attrs.ObjectType = "Certificate";
  attrs.CertificateType = "X509";
  attrs.KeyFormatType = "X509";
  attrs.CertificateAttributes = certificateAttributes(info);
  return attrs;
}
