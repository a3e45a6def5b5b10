/**
 * ReCertify (KMIP 2.1 §6.1.38): renews a certificate under a NEW unique identifier, as the Cosmian
 * KMS does since 2026-07 (Cosmian/kms 7fdc944a1, crate/server/src/core/operations/recertify.rs; the
 * conformance scenarios fips/kmip_operations/recertify_*). Same subject name, public key and
 * extensions; signed again by the same issuer: the request's Link CertificateLink / PrivateKeyLink
 * when given, else the certificate's own private key when it is self-signed, else its issuer
 * certificate (its CertificateLink) and that certificate's private key. (Cosmian then signs a
 * CA-issued certificate with the subject's key; we sign it with the issuer's.)
 *
 * The new certificate: ReplacedObjectLink -> old, the old one's key links and tags, ActivationDate =
 * now + Offset (seconds; PreActive while in the future). The old one: ReplacementObjectLink -> new
 * and DeactivationDate = that same date (KMIP §4.57: Deactivated once its successor is active; at
 * once with no Offset). Keys whose CertificateLink named the old certificate now name the new one.
 * One transaction.
 *
 * Cosmian 5.26 (the server of the conformance corpus) did not serve ReCertify in batches; see
 * test/conformance/skips.ts for the one scenario that asserts that.
 */
import { KmipError, fail } from "../kmip/error.ts";
import type { Attributes } from "../kmip/attributes.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { ReCertify } from "../kmip/requests-cert.ts";
import type { StoredObject } from "../store/store.ts";
import type { OperationContext } from "./context.ts";
import { ensureMayCreate, storedObject } from "./common/keys.ts";
import { now, withState } from "./common/lifecycle.ts";
import { linkTarget, replacedLinks } from "./common/links.ts";
import { retrieve } from "./common/retrieve.ts";
import { buildCertificate, certificateObjectAttributes } from "./x509/issue.ts";
import { linkKeysToCertificate } from "./x509/links.ts";
import { certificateInfo, load, renewalIssuer, resolveIssuer, type Subject } from "./x509/parties.ts";

const OP = "ReCertify";

function prefixed(e: unknown): never {
  if (e instanceof KmipError && !e.message.startsWith(`${OP}:`))
    throw new KmipError(e.reason, `${OP}: ${e.message}`, e.kind, { cause: e });
  throw e;
}

async function optional(ctx: OperationContext, o: StoredObject, linkType: string): Promise<StoredObject | undefined> {
  const id = linkTarget(o, linkType);
  if (id === undefined) return undefined;
  try {
    return await retrieve(ctx, id, "certify");
  } catch {
    return undefined;
  }
}

export async function recertify(req: ReCertify, ctx: OperationContext): Promise<KmipRecord> {
  if (req.ProtectionStorageMasks !== undefined)
    fail("Operation_Not_Supported", `${OP}: ProtectionStorageMasks are not supported`);
  ensureMayCreate(ctx);
  const uid = req.UniqueIdentifier ?? ctx.idPlaceholder;
  if (uid === undefined || uid === "")
    fail("Invalid_Field", `${OP}: the UniqueIdentifier of the certificate to renew is required`);
  const offset = Number(req.Offset ?? 0);
  if (!Number.isFinite(offset) || offset < 0)
    fail("Invalid_Field", `${OP}: the Offset must be a non-negative number of seconds`);
  return ctx.store.atomic(async () => {
    try {
      const old = await load(ctx, uid, "the certificate");
      if (old.objectType !== "Certificate")
        throw new KmipError(
          "Invalid_Object_Type",
          `${OP}: object ${uid} is not a Certificate (it is a ${old.objectType})`,
        );
      if (old.state !== "Active" && old.state !== "Deactivated") {
        throw new KmipError(
          "Wrong_Key_Lifecycle_State",
          `${OP}: certificate '${uid}' is in state '${old.state}' — only Active or Deactivated certificates can be renewed`,
        );
      }
      const info = certificateInfo(old);
      const publicKey = await optional(ctx, old, "PublicKeyLink");
      const privateKey = await optional(ctx, old, "PrivateKeyLink");
      const subject: Subject = {
        kind: "certificate",
        name: info.cert.subjectName,
        spki: info.spki,
        extensions: info.cert.extensions,
        certificate: old,
        publicKey,
        privateKey,
      };
      const explicit = req.Attributes?.Link?.some(
        (l) => l.LinkType === "CertificateLink" || l.LinkType === "PrivateKeyLink",
      );
      const issuer = explicit
        ? await resolveIssuer(ctx, subject, req.Attributes, OP)
        : await renewalIssuer(ctx, old, subject, OP);

      const id = crypto.randomUUID();
      const base: Attributes = { ...old.attributes, ...(req.Attributes ?? {}) };
      const built = await buildCertificate(subject, issuer, base, OP);
      const attrs = certificateObjectAttributes(base, built.info, {
        issuer: issuer.certificateId ?? id,
        publicKey: linkTarget(old, "PublicKeyLink"),
        privateKey: linkTarget(old, "PrivateKeyLink"),
      });
      const t = now();
      const activation = new Date(t.getTime() + offset * 1000);
      attrs.Link = [{ LinkType: "ReplacedObjectLink", LinkedObjectIdentifier: old.id }, ...(attrs.Link ?? [])];
      Object.assign(attrs, {
        InitialDate: t,
        LastChangeDate: t,
        OriginalCreationDate: t,
        ActivationDate: activation,
        State: offset > 0 ? "PreActive" : "Active",
      });
      await ctx.store.insert(
        storedObject(
          id,
          "Certificate",
          built.object,
          attrs,
          old.owner,
          old.tags.filter((x) => !x.startsWith("_")),
        ),
      );

      const oldLinks = replacedLinks(old, id);
      const retired = {
        ...old,
        attributes: { ...old.attributes, Link: oldLinks, DeactivationDate: activation, LastChangeDate: t },
      };
      await ctx.store.update(offset > 0 || old.state === "Deactivated" ? retired : withState(retired, "Deactivated"));
      await linkKeysToCertificate(ctx, [publicKey, privateKey], id, old.id);
      ctx.log.debug("recertified", { op: OP, old: old.id, id });
      return { UniqueIdentifier: id };
    } catch (e) {
      prefixed(e);
    }
  });
}
