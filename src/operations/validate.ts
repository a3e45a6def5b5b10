/**
 * Validate (KMIP 2.1 §6.1.56): validates ONE certificate chain made of the certificates given
 * inline (`Certificate`, DER) and those named by `UniqueIdentifier`, at `ValidityTime` (Cosmian: a
 * TextString, ASN.1 `YYYYMMDDHHMMSSZ` / `YYMMDDHHMMSSZ`; ISO 8601 and DateTime accepted) or now.
 * Checks: src/crypto/x509/chain.ts (ordering, signatures, CA constraints, validity periods).
 *
 * As the Cosmian KMS (crate/server/src/core/operations/validate.rs), a chain that does not
 * validate is an OperationFailed answer whose message starts with "Certificate error: " (reason
 * Operation_Not_Supported, Cosmian's reason for its certificate errors), not a ValidityIndicator
 * Invalid; a valid chain answers ValidityIndicator Valid. A certificate named by UniqueIdentifier
 * must be usable: a revoked-compromised or destroyed one is not found (Object_Not_Found).
 *
 * Revocation: this server does not fetch CRLs (no network access from the KMS, no file reads). A
 * chain with a certificate listing an http(s) or local-path CRL distribution point (and no RFC 9608
 * noRevAvail) cannot be checked for revocation and fails, saying so.
 */
import { KmipError, fail } from "../kmip/error.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { Validate } from "../kmip/requests-cert.ts";
import { notFound } from "../auth/access.ts";
import { revocationUris, validateChain } from "../crypto/x509/chain.ts";
import { X509Error } from "../crypto/x509/setup.ts";
import type { OperationContext } from "./context.ts";
import { retrieve } from "./common/retrieve.ts";

const USABLE = new Set(["PreActive", "Active", "Deactivated"]);

const certificateError = (message: string) => new KmipError("Operation_Not_Supported", `Certificate error: ${message}`);

/** ValidityTime as a Date. */
export function validityTime(t: string | Date | undefined): Date {
  if (t === undefined) return new Date();
  if (t instanceof Date) return t;
  const s = t.trim();
  // ASN.1 GeneralizedTime (YYYYMMDDHHMMSSZ) or UTCTime (YYMMDDHHMMSSZ), what OpenSSL's Asn1Time::from_str reads.
  const m = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (m) {
    const year = m[1].length === 4 ? Number(m[1]) : Number(m[1]) + (Number(m[1]) < 50 ? 2000 : 1900);
    const d = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
    if (!Number.isNaN(d.getTime())) return d;
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(s)) {
    const d = new Date(s);
    if (!Number.isNaN(d.getTime())) return d;
  }
  fail("Invalid_Field", `Validate: the ValidityTime "${t}" is not a date (YYYYMMDDHHMMSSZ, YYMMDDHHMMSSZ or ISO 8601)`);
}

async function certificateBytes(ctx: OperationContext, uid: string): Promise<Uint8Array> {
  const o = await retrieve(ctx, uid, "validate");
  if (!USABLE.has(o.state)) throw notFound("Object_Not_Found", uid);
  const der = o.object.CertificateValue;
  if (o.objectType !== "Certificate" || !(der instanceof Uint8Array)) {
    throw new KmipError(
      "Invalid_Object_Type",
      `Certificate error: Requested a Certificate Object, got a ${o.objectType} (${uid})`,
    );
  }
  return der;
}

export async function validate(req: Validate, ctx: OperationContext): Promise<KmipRecord> {
  const at = validityTime(req.ValidityTime);
  const ders: Uint8Array[] = [...(req.Certificate ?? [])];
  for (const uid of new Set(req.UniqueIdentifier ?? [])) ders.push(await certificateBytes(ctx, uid));
  if (ders.length === 0)
    throw certificateError("Empty chain cannot be validated: give Certificate (DER) or UniqueIdentifier items");
  let chain;
  try {
    chain = validateChain(ders, at);
  } catch (e) {
    if (e instanceof X509Error) throw certificateError(e.message);
    throw e;
  }
  const crls = revocationUris(chain);
  if (crls.length > 0) {
    const list = crls.map((c) => `${c.uri} (for "${c.subject}")`).join(", ");
    throw certificateError(
      `the revocation status cannot be checked: this server does not fetch CRLs (no network access), and the chain names CRL distribution points: ${list}`,
    );
  }
  ctx.log.debug("validated", { op: "Validate", certificates: chain.length });
  return { ValidityIndicator: "Valid" };
}
