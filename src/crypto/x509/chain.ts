/**
 * Validation of one certificate chain (KMIP 2.1 §6.1.56 Validate; RFC 5280 §6.1 path validation,
 * simplified as the Cosmian KMS does it: crate/server/src/core/operations/validate.rs).
 *
 * The certificates may come in any order and must form ONE chain: a self-signed root (its own key
 * verifies it) down to one leaf, each certificate issued by the previous one (issuer name = the
 * issuer's subject name, key identifiers consistent when both are present, signature verified with
 * the issuer's key). The root is the trust anchor, as at Cosmian (its store trusts the chain's own
 * authorities). Every issuer must be a CA (basicConstraints CA:TRUE; a self-signed certificate
 * without extensions is accepted as a root, as OpenSSL does for v1 roots), have keyCertSign when it
 * has a keyUsage, and respect its pathLenConstraint. Every certificate must be valid at `at`.
 *
 * Revocation is not checked here: `revocationUris` lists the CRL distribution points the caller
 * would have to consult (the operation layer cannot fetch them).
 */
import { equalBytes } from "../bytes.ts";
import { parseCertificate, type CertificateInfo } from "./certificate.ts";
import { x509, X509Error } from "./setup.ts";

/** A chain that does not validate; the message says which certificate and why. */
export class ChainError extends X509Error {}

const subjectOf = (c: CertificateInfo) => c.cert.subject || "(empty subject)";

function verifiesWith(child: CertificateInfo, issuer: CertificateInfo): boolean {
  try {
    return child.node.verify(issuer.node.publicKey);
  } catch {
    return false; // e.g. an X25519 "issuer": it cannot have signed anything
  }
}

const isSelfIssued = (c: CertificateInfo) => equalBytes(c.subjectDer, c.issuerDer);

/** Orders `ders` root first, leaf last, and validates the chain at `at`. Throws ChainError. */
export function validateChain(ders: readonly Uint8Array[], at: Date): CertificateInfo[] {
  if (ders.length === 0) throw new ChainError("Empty chain cannot be validated");
  const certs: CertificateInfo[] = [];
  for (const [i, der] of ders.entries()) {
    let info: CertificateInfo;
    try {
      info = parseCertificate(der);
    } catch (e) {
      throw new ChainError(`certificate #${i + 1}: ${(e as Error).message}`);
    }
    if (!certs.some((c) => equalBytes(c.der, info.der))) certs.push(info); // the same certificate twice counts once
  }

  // Parent of each certificate: a different certificate whose subject is its issuer and whose key signed it.
  const roots = certs.filter((c) => isSelfIssued(c) && verifiesWith(c, c));
  if (roots.length === 0)
    throw new ChainError(
      "No root authority found, cannot proceed full chain validation: no self-signed certificate in the chain",
    );
  if (roots.length > 1)
    throw new ChainError(`more than one root (self-signed) certificate: ${roots.map(subjectOf).join("; ")}`);
  const root = roots[0];
  const parent = new Map<CertificateInfo, CertificateInfo>();
  for (const c of certs) {
    if (c === root) continue;
    const named = certs.filter(
      (p) =>
        p !== c && equalBytes(p.subjectDer, c.issuerDer) && !(c.akiKeyId && p.ski && !equalBytes(c.akiKeyId, p.ski)),
    );
    if (named.length === 0)
      throw new ChainError(
        `Failed to sort the certificates. Certificate chain incomplete? The issuer "${c.cert.issuer}" of "${subjectOf(c)}" is not in the chain`,
      );
    const signer = named.find((p) => verifiesWith(c, p));
    if (!signer)
      throw new ChainError(
        `Failed to verify the certificate: "${subjectOf(c)}": its signature does not verify with the key of "${subjectOf(named[0])}"`,
      );
    parent.set(c, signer);
  }

  // One chain: from the root, each certificate has exactly one child, and all are reached.
  const ordered = [root];
  for (;;) {
    const last = ordered[ordered.length - 1];
    const children = certs.filter((c) => c !== root && parent.get(c) === last);
    if (children.length > 1)
      throw new ChainError(
        `"${subjectOf(last)}" issued several certificates of the request: only one chain can be validated at a time`,
      );
    if (children.length === 0) break;
    if (ordered.includes(children[0])) throw new ChainError("the certificates form a loop");
    ordered.push(children[0]);
  }
  if (ordered.length !== certs.length) {
    const stray = certs.filter((c) => !ordered.includes(c)).map(subjectOf);
    throw new ChainError(
      `the certificates do not form a single chain from the root "${subjectOf(root)}": ${stray.join("; ")} not connected`,
    );
  }

  // Issuer constraints.
  for (let i = 0; i < ordered.length - 1; i++) {
    const issuer = ordered[i];
    const child = ordered[i + 1];
    const bc = issuer.basicConstraints;
    const v1Root = i === 0 && issuer.bare;
    if (!v1Root && !bc?.ca)
      throw new ChainError(
        `the certificate "${subjectOf(issuer)}" is not a CA (no basicConstraints CA:TRUE) but issued "${subjectOf(child)}"`,
      );
    if (issuer.keyUsage !== undefined && (issuer.keyUsage & x509.KeyUsageFlags.keyCertSign) === 0) {
      throw new ChainError(
        `the certificate "${subjectOf(issuer)}" may not sign certificates (its keyUsage lacks keyCertSign)`,
      );
    }
    // pathLenConstraint: how many non-self-issued intermediate CAs may follow it (RFC 5280 §4.2.1.9).
    const intermediatesBelow = ordered.slice(i + 1, ordered.length - 1).filter((c) => !isSelfIssued(c)).length;
    if (bc?.pathLength !== undefined && intermediatesBelow > bc.pathLength) {
      throw new ChainError(
        `the path length constraint of "${subjectOf(issuer)}" (pathlen:${bc.pathLength}) is exceeded: ${intermediatesBelow} intermediate CA(s) follow it`,
      );
    }
  }

  // Validity periods.
  for (const c of ordered) {
    if (at.getTime() < c.notBefore.getTime()) {
      throw new ChainError(
        `the certificate "${subjectOf(c)}" is not yet valid at ${at.toISOString()} (valid from ${c.notBefore.toISOString()})`,
      );
    }
    if (at.getTime() > c.notAfter.getTime()) {
      throw new ChainError(
        `the certificate "${subjectOf(c)}" has expired at ${at.toISOString()} (valid until ${c.notAfter.toISOString()})`,
      );
    }
  }
  return ordered;
}

/**
 * The CRL distribution point URIs a relying party would fetch for this chain, as Cosmian does:
 * http(s) URLs and local paths; other schemes (ldap:, file:) are skipped; certificates carrying
 * RFC 9608 noRevAvail are skipped.
 */
export function revocationUris(chain: readonly CertificateInfo[]): { subject: string; uri: string }[] {
  const out: { subject: string; uri: string }[] = [];
  for (const c of chain) {
    if (c.noRevAvail) continue;
    for (const uri of c.crlUris) {
      const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase();
      if (scheme === undefined || scheme === "http" || scheme === "https") out.push({ subject: subjectOf(c), uri });
    }
  }
  return out;
}
