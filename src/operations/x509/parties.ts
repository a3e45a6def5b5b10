/**
 * Who a certificate is for (the subject) and who signs it (the issuer), from a Certify / ReCertify
 * request (the KMS's certify/resolve_subject.rs, resolve_issuer.rs and
 * certificate/find.rs).
 *
 * Subject: a CSR (CertificateRequestValue), a certificate to renew or a public key (UniqueIdentifier),
 * or a key pair Certify generates. Issuer: the request's Link CertificateLink (issuer certificate)
 * and/or PrivateKeyLink (issuer private key); the missing half is found through the links of the
 * given one. Without either link the certificate is self-signed with the subject's own private key.
 * Unlike the KMS, an issuer private key is checked against the issuer certificate's public key, and a
 * PrivateKeyLink naming the subject's own key (no certificate linked to it) means self-signed.
 */
import { KmipError, fail } from "../../kmip/error.ts";
import { equalBytes } from "../../crypto/bytes.ts";
import type { Attributes } from "../../kmip/attributes.ts";
import type { StoredObject } from "../../store/store.ts";
import { parseCertificate, publicSpkiOf, sameKey, type CertificateInfo } from "../../crypto/x509/certificate.ts";
import type { x509 } from "../../crypto/x509/setup.ts";
import type { OperationContext } from "../context.ts";
import { retrieve } from "../common/retrieve.ts";
import { linkTarget } from "../common/links.ts";
import { privateKeyPkcs8 } from "./keys.ts";

export interface Subject {
  kind: "csr" | "certificate" | "publicKey" | "keyPair";
  name: x509.Name;
  spki: Uint8Array;
  /** Extensions carried over: those a CSR requests, those of a renewed certificate. */
  extensions: x509.Extension[];
  publicKey?: StoredObject;
  privateKey?: StoredObject;
  /** The certificate being renewed. */
  certificate?: StoredObject;
}

export interface Issuer {
  /** The issuer certificate's object id; undefined when self-signed (the new certificate is its own issuer). */
  certificateId?: string;
  name: x509.Name;
  privateKey: StoredObject;
  pkcs8: Uint8Array;
  /** The issuer certificate; undefined when self-signed. */
  cert?: CertificateInfo;
}

const USABLE = new Set(["PreActive", "Active", "Deactivated"]);

/**
 * An object the request names, loaded with the `certify` right. As at Cosmian, compromised or
 * destroyed objects are not candidates (not found).
 */
export async function load(ctx: OperationContext, uid: string, what: string): Promise<StoredObject> {
  const o = await retrieve(ctx, uid, "certify");
  if (!USABLE.has(o.state))
    throw new KmipError("Item_Not_Found", `${what} ${uid} not found in a usable state (it is ${o.state})`);
  return o;
}

/** The parsed DER of a stored certificate. */
export function certificateInfo(o: StoredObject): CertificateInfo {
  const der = o.object.CertificateValue;
  if (o.objectType !== "Certificate" || !(der instanceof Uint8Array))
    fail("Invalid_Object_Type", `the object ${o.id} is a ${o.objectType}, not an X.509 certificate`);
  try {
    return parseCertificate(der);
  } catch (e) {
    throw new KmipError("Invalid_Field", `the certificate ${o.id}: ${(e as Error).message}`, "client", { cause: e });
  }
}

async function linked(
  ctx: OperationContext,
  o: StoredObject,
  linkType: string,
  what: string,
): Promise<StoredObject | undefined> {
  const id = linkTarget(o, linkType);
  return id === undefined ? undefined : load(ctx, id, what);
}

/** The private key of a public key (its PrivateKeyLink). */
export async function privateKeyOfPublicKey(
  ctx: OperationContext,
  publicKey: StoredObject,
): Promise<StoredObject | undefined> {
  return linked(ctx, publicKey, "PrivateKeyLink", "the private key linked to the public key");
}

/** The private key of a certificate: its PrivateKeyLink, its public key's, or a private key whose CertificateLink names it. */
export async function privateKeyOfCertificate(
  ctx: OperationContext,
  cert: StoredObject,
): Promise<StoredObject | undefined> {
  const direct = await linked(ctx, cert, "PrivateKeyLink", "the private key linked to the certificate");
  if (direct) return direct;
  const pk = await linked(ctx, cert, "PublicKeyLink", "the public key linked to the certificate");
  const viaPk = pk && (await privateKeyOfPublicKey(ctx, pk));
  if (viaPk) return viaPk;
  const [id] = await ctx.store.locate({
    user: ctx.user,
    objectType: "PrivateKey",
    links: [{ linkType: "CertificateLink", target: cert.id }],
    limit: 1,
  });
  if (id) return load(ctx, id, "the private key of the certificate");
  return undefined;
}

/** The certificate of a private key: its CertificateLink, or its public key's. */
async function certificateOfPrivateKey(ctx: OperationContext, sk: StoredObject): Promise<StoredObject | undefined> {
  const direct =
    (await linked(ctx, sk, "PKCS12CertificateLink", "the certificate linked to the private key")) ??
    (await linked(ctx, sk, "CertificateLink", "the certificate linked to the private key"));
  if (direct) return direct;
  const pk = await linked(ctx, sk, "PublicKeyLink", "the public key linked to the private key");
  return pk && linked(ctx, pk, "CertificateLink", "the certificate linked to the public key");
}

async function pkcs8Matching(
  ctx: OperationContext,
  sk: StoredObject,
  spki: Uint8Array,
  what: string,
): Promise<Uint8Array> {
  const pkcs8 = await privateKeyPkcs8(ctx, sk);
  let derived: Uint8Array;
  try {
    derived = publicSpkiOf(pkcs8);
  } catch (e) {
    throw new KmipError("Invalid_Field", `the private key ${sk.id}: ${(e as Error).message}`, "client", { cause: e });
  }
  if (!sameKey(derived, spki)) throw new KmipError("Invalid_Field", `the private key ${sk.id} does not match ${what}`);
  return pkcs8;
}

function selfSigned(subject: Subject, privateKey: StoredObject, pkcs8: Uint8Array): Issuer {
  return { name: subject.name, privateKey, pkcs8 };
}

async function byCertificate(
  ctx: OperationContext,
  cert: StoredObject,
  sk: StoredObject | undefined,
  op: string,
): Promise<Issuer> {
  const info = certificateInfo(cert);
  const privateKey = sk ?? (await privateKeyOfCertificate(ctx, cert));
  if (!privateKey) {
    throw new KmipError(
      "Invalid_Field",
      `${op}: no private key is linked to the issuer certificate ${cert.id}; give it in a PrivateKeyLink`,
    );
  }
  const pkcs8 = await pkcs8Matching(ctx, privateKey, info.spki, `the public key of the issuer certificate ${cert.id}`);
  return { certificateId: cert.id, name: info.cert.subjectName, privateKey, pkcs8, cert: info };
}

/** The issuer named by the request's links (undefined links = self-signed). */
export async function resolveIssuer(
  ctx: OperationContext,
  subject: Subject,
  attrs: Attributes | undefined,
  op: string,
): Promise<Issuer> {
  const certId = attrs && linkTarget({ attributes: attrs } as StoredObject, "CertificateLink");
  const keyId = attrs && linkTarget({ attributes: attrs } as StoredObject, "PrivateKeyLink");
  if (certId !== undefined) {
    const cert = await load(ctx, certId, "the issuer certificate");
    const sk = keyId === undefined ? undefined : await load(ctx, keyId, "the issuer private key");
    if (sk && sk.objectType !== "PrivateKey")
      fail("Invalid_Object_Type", `${op}: the issuer private key ${sk.id} is a ${sk.objectType}`);
    return byCertificate(ctx, cert, sk, op);
  }
  if (keyId !== undefined) {
    const sk = await load(ctx, keyId, "the issuer private key");
    if (sk.objectType !== "PrivateKey")
      fail("Invalid_Object_Type", `${op}: the issuer private key ${sk.id} is a ${sk.objectType}`);
    const cert = await certificateOfPrivateKey(ctx, sk);
    if (cert && cert.id !== subject.certificate?.id) return byCertificate(ctx, cert, sk, op);
    // No certificate of its own: acceptable only as the subject's own key (self-signed).
    const pkcs8 = await privateKeyPkcs8(ctx, sk);
    if (!sameKey(publicSpkiOf(pkcs8), subject.spki)) {
      throw new KmipError(
        "Invalid_Field",
        `${op}: no certificate is linked to the issuer private key ${sk.id}; give the issuer certificate in a CertificateLink`,
      );
    }
    return selfSigned(subject, sk, pkcs8);
  }
  return selfSignedIssuer(ctx, subject, op);
}

/** Self-signed: the subject signs with its own private key. */
export async function selfSignedIssuer(ctx: OperationContext, subject: Subject, op: string): Promise<Issuer> {
  let sk = subject.privateKey;
  if (!sk && subject.kind === "publicKey") sk = await privateKeyOfPublicKey(ctx, subject.publicKey!);
  if (!sk && subject.kind === "certificate") sk = await privateKeyOfCertificate(ctx, subject.certificate!);
  if (!sk) {
    const why =
      subject.kind === "csr"
        ? "a self-signed certificate cannot be created from a CSR without specifying the issuer private key (PrivateKeyLink) or certificate (CertificateLink)"
        : subject.kind === "certificate"
          ? "No private key linked to the certificate found to renew it as self-signed"
          : "No private key link found to create a self-signed certificate from a public key";
    throw new KmipError("Invalid_Field", `${op}: Invalid request: ${why}`);
  }
  return selfSigned(subject, sk, await pkcs8Matching(ctx, sk, subject.spki, "the certified public key"));
}

/** The issuer of a renewal when the request names none: the certificate's own. */
export async function renewalIssuer(
  ctx: OperationContext,
  old: StoredObject,
  subject: Subject,
  op: string,
): Promise<Issuer> {
  const info = certificateInfo(old);
  const issuerId = linkTarget(old, "CertificateLink");
  let selfSigned = false;
  try {
    selfSigned = equalBytes(info.subjectDer, info.issuerDer) && info.node.verify(info.node.publicKey);
  } catch {
    // a key that cannot verify (X25519): not self-signed
  }
  if (selfSigned) return selfSignedIssuer(ctx, subject, op);
  if (issuerId === undefined)
    fail(
      "Invalid_Field",
      `${op}: the issuer of the certificate ${old.id} is not known; give the issuer certificate in a CertificateLink`,
    );
  return resolveIssuer(ctx, subject, { Link: [{ LinkType: "CertificateLink", LinkedObjectIdentifier: issuerId }] }, op);
}
