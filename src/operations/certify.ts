/**
 * Certify (KMIP 2.1 §6.1.6; Cosmian's behaviour: the KMS's
 * certify/certify_op.rs). Issues an X.509 certificate, stored as a Certificate object (X509, DER),
 * for one of:
 *   - a CSR: CertificateRequestValue, CertificateRequestType PEM (default) or PKCS10 (DER);
 *   - a public key (UniqueIdentifier): subject name from Attributes.CertificateAttributes;
 *   - a certificate (UniqueIdentifier): renewed in place (same id unless Attributes.UniqueIdentifier);
 *   - nothing: a key pair is created from the Attributes (CryptographicAlgorithm, curve or length,
 *     as CreateKeyPair) and its public key certified.
 * The issuer comes from Attributes.Link (CertificateLink, PrivateKeyLink); none = self-signed.
 * Extensions from the `x509-extension` vendor attribute (OpenSSL [ v3_ca ] text), validity from
 * `requested_validity_days` (default 365). The certificate is Active; it links to its issuer
 * certificate (CertificateLink; itself when self-signed) and to its key pair, whose keys get a
 * CertificateLink to it. One transaction.
 */
import { KmipError, fail } from "../kmip/error.ts";
import { removeVendorAttribute, type Attributes } from "../kmip/attributes.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { Certify } from "../kmip/requests-cert.ts";
import type { StoredObject } from "../store/store.ts";
import { checkSpki, parseCsr } from "../crypto/x509/certificate.ts";
import { isEmptyName, nameFromFields, NAME_FIELDS, type NameFields } from "../crypto/x509/names.ts";
import { X509Error } from "../crypto/x509/setup.ts";
import type { OperationContext } from "./context.ts";
import { createKeyPair } from "./create-key-pair.ts";
import { ensureMayCreate, newId, newObjectAttributes, storedObject, userTags } from "./common/keys.ts";
import { now, withState } from "./common/lifecycle.ts";
import { linkTarget } from "./common/links.ts";
import { retrieve } from "./common/retrieve.ts";
import { publicKeySpki } from "./x509/keys.ts";
import { buildCertificate, certificateObjectAttributes, VALIDITY_DAYS, X509_EXTENSION } from "./x509/issue.ts";
import {
  certificateInfo,
  load,
  privateKeyOfPublicKey,
  renewalIssuer,
  resolveIssuer,
  type Subject,
} from "./x509/parties.ts";
import { linkKeysToCertificate } from "./x509/links.ts";

const OP = "Certify";

/** The subject name of CertificateAttributes (CertificateSubjectCn, ...). */
function subjectName(attrs: Attributes | undefined) {
  const ca = attrs?.CertificateAttributes as KmipRecord | undefined;
  if (!ca || typeof ca !== "object") {
    fail(
      "Invalid_Field",
      `${OP}: Invalid request: Certify from Subject: the subject name is not found in the attributes (CertificateAttributes)`,
    );
  }
  const fields: NameFields = {};
  for (const f of NAME_FIELDS) {
    const v = ca[`CertificateSubject${f}`];
    if (typeof v === "string" && v !== "") fields[f] = v;
  }
  try {
    const name = nameFromFields(fields);
    if (isEmptyName(name))
      fail(
        "Invalid_Field",
        `${OP}: the certificate subject is empty: set CertificateAttributes (CertificateSubjectCn, ...)`,
      );
    return name;
  } catch (e) {
    if (e instanceof X509Error)
      throw new KmipError("Invalid_Attribute_Value", `${OP}: ${e.message}`, "client", { cause: e });
    throw e;
  }
}

/** The attributes of a key pair Certify creates: the request's, without what only concerns the certificate. */
function keyPairAttributes(attrs: Attributes): Attributes {
  const out: Attributes = { ...attrs };
  for (const f of [
    "CertificateAttributes",
    "CertificateType",
    "Link",
    "UniqueIdentifier",
    "ObjectType",
    "KeyFormatType",
  ])
    delete out[f];
  removeVendorAttribute(out, X509_EXTENSION);
  removeVendorAttribute(out, VALIDITY_DAYS);
  return out;
}

async function resolveSubject(req: Certify, ctx: OperationContext): Promise<Subject> {
  const attrs = req.Attributes;
  if (req.CertificateRequestValue) {
    const type = req.CertificateRequestType ?? "PEM";
    if (type === "CRMF")
      fail("Operation_Not_Supported", `${OP}: Certificate Request Type CRMF not supported (use PKCS10 or PEM)`);
    try {
      const csr = await parseCsr(req.CertificateRequestValue, type === "PEM" ? "PEM" : "DER");
      checkSpki(csr.spki);
      return { kind: "csr", name: csr.subject, spki: csr.spki, extensions: csr.extensions };
    } catch (e) {
      if (e instanceof X509Error) throw new KmipError("Invalid_CSR", `${OP}: ${e.message}`, "client", { cause: e });
      throw e;
    }
  }
  if (req.UniqueIdentifier !== undefined) {
    let o: StoredObject;
    try {
      o = await load(ctx, req.UniqueIdentifier, "the object to certify");
    } catch (e) {
      if (e instanceof KmipError && e.kind === "client")
        throw new KmipError("Item_Not_Found", e.message, e.kind, { cause: e });
      throw e;
    }
    if (o.objectType === "Certificate") {
      const info = certificateInfo(o);
      const publicKey = await linkedOrUndefined(ctx, o, "PublicKeyLink");
      const privateKey = await linkedOrUndefined(ctx, o, "PrivateKeyLink");
      return {
        kind: "certificate",
        name: info.cert.subjectName,
        spki: info.spki,
        extensions: info.cert.extensions,
        certificate: o,
        publicKey,
        privateKey,
      };
    }
    if (o.objectType !== "PublicKey") {
      throw new KmipError(
        "Invalid_Object_Type",
        `${OP}: Invalid Certify request for object type ${o.objectType}: certify a PublicKey, renew a Certificate, or send a CSR`,
      );
    }
    const name = subjectName(attrs);
    return {
      kind: "publicKey",
      name,
      spki: await publicKeySpki(ctx, o),
      extensions: [],
      publicKey: o,
      privateKey: await privateKeyOfPublicKey(ctx, o),
    };
  }
  // No CSR, no key: create the key pair to certify.
  if (!attrs)
    fail(
      "Invalid_Field",
      `${OP}: Invalid request: Certify from Subject: the attributes specifying the subject name are missing`,
    );
  const name = subjectName(attrs);
  if (!attrs.CryptographicAlgorithm)
    fail("Invalid_Field", `${OP}: Keypair creation: the cryptographic algorithm is missing`);
  const ids = await createKeyPair({ CommonAttributes: keyPairAttributes(attrs) }, ctx);
  const privateKey = (await ctx.store.get(String(ids.PrivateKeyUniqueIdentifier)))!;
  const publicKey = (await ctx.store.get(String(ids.PublicKeyUniqueIdentifier)))!;
  return { kind: "keyPair", name, spki: await publicKeySpki(ctx, publicKey), extensions: [], publicKey, privateKey };
}

async function linkedOrUndefined(
  ctx: OperationContext,
  o: StoredObject,
  linkType: string,
): Promise<StoredObject | undefined> {
  const id = linkTarget(o, linkType);
  if (id === undefined) return undefined;
  try {
    return await retrieve(ctx, id, "certify");
  } catch {
    return undefined; // a dangling or foreign link: the certificate is renewed without it
  }
}

export async function certify(req: Certify, ctx: OperationContext): Promise<KmipRecord> {
  if (req.ProtectionStorageMasks !== undefined)
    fail("Operation_Not_Supported", `${OP}: ProtectionStorageMasks are not supported`);
  ensureMayCreate(ctx);
  return ctx.store.atomic(async () => {
    const subject = await resolveSubject(req, ctx);
    const renewed = subject.certificate;
    const id = renewed ? req.Attributes?.UniqueIdentifier || renewed.id : newId(req.Attributes?.UniqueIdentifier);
    const existing = await ctx.store.get(id);
    if (existing && existing.id !== renewed?.id)
      throw new KmipError("Object_Already_Exists", `${OP}: an object with the unique identifier ${id} already exists`);
    const explicit = req.Attributes?.Link?.some(
      (l) => l.LinkType === "CertificateLink" || l.LinkType === "PrivateKeyLink",
    );
    // A renewal without issuer links keeps the certificate's issuer (Cosmian would self-sign it).
    const issuer =
      renewed && !explicit
        ? await renewalIssuer(ctx, renewed, subject, OP)
        : await resolveIssuer(ctx, subject, req.Attributes, OP);
    // A renewal keeps the certificate's attributes; the request's come on top.
    const base: Attributes | undefined = renewed
      ? { ...renewed.attributes, ...(req.Attributes ?? {}) }
      : req.Attributes;
    const built = await buildCertificate(subject, issuer, base, OP);
    const attrs = certificateObjectAttributes(base, built.info, {
      issuer: issuer.certificateId ?? id,
      publicKey: subject.publicKey?.id,
      privateKey: subject.privateKey?.id,
    });
    const fields = newObjectAttributes(attrs, {});
    fields.State = "Active"; // Cosmian stores certified certificates Active
    const tags = [
      ...new Set([...(renewed?.tags.filter((t) => !t.startsWith("_")) ?? []), ...userTags(req.Attributes)]),
    ];
    const stored = storedObject(id, "Certificate", built.object, fields, ctx.user, tags);
    if (existing) await ctx.store.update({ ...stored, owner: existing.owner });
    else await ctx.store.insert(stored);

    if (subject.kind === "keyPair") {
      // Cosmian stores the key pair it creates for a certificate Active.
      for (const k of [subject.privateKey!, subject.publicKey!]) {
        const fresh = (await ctx.store.get(k.id))!;
        if (fresh.state === "PreActive") await ctx.store.update(withState(fresh, "Active"));
      }
    }
    await linkKeysToCertificate(ctx, [subject.publicKey, subject.privateKey], id);
    ctx.log.debug("certified", {
      op: OP,
      id,
      subject: subject.kind,
      selfSigned: !issuer.cert,
      at: now().toISOString(),
    });
    return { UniqueIdentifier: id };
  });
}
