/**
 * Keeping keys and certificates linked (KMIP 2.1 §4.48 Link): a certified public key, and its
 * private key, name their current certificate in a CertificateLink (the KMS's certify_op.rs, and
 * recertify.rs for renewals).
 */
import type { StoredObject } from "../../store/store.ts";
import type { OperationContext } from "../context.ts";
import { linkTarget } from "../common/links.ts";

/** Points the CertificateLink of each key at `certificateId` (replacing `onlyIfFrom` when given). */
export async function linkKeysToCertificate(
  ctx: OperationContext,
  keys: readonly (StoredObject | undefined)[],
  certificateId: string,
  onlyIfFrom?: string,
): Promise<void> {
  for (const k of keys) {
    if (!k) continue;
    const fresh = await ctx.store.get(k.id);
    if (!fresh) continue;
    const current = linkTarget(fresh, "CertificateLink");
    if (onlyIfFrom !== undefined && current !== onlyIfFrom) continue;
    if (current === certificateId) continue;
    const links = [
      ...(fresh.attributes.Link ?? []).filter((l) => l.LinkType !== "CertificateLink"),
      { LinkType: "CertificateLink", LinkedObjectIdentifier: certificateId },
    ];
    await ctx.store.update({ ...fresh, attributes: { ...fresh.attributes, Link: links } });
  }
}
